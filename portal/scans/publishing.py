"""Publishing a checked scan to the child's wiki, and the family's confirmation.

The text becomes a new page, or is added to one of the About Me starter pages, marked
at the top as typed up from a paper form for the family to check, with the scan in the
child's library as a document shared like the page (family only, unless the page was
already shared). The family then says it is right, or edits the page: either way the
form is confirmed by the family.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from media import service as media_service
from media.models import MediaItem
from media.results import Rejected
from media.scans import TIFF, pdf_from_pictures
from media.storage import Storage, copy_to_file
from portal import audit
from portal.access import CHECK_PAPER_FORMS, can
from portal.accounts.models import User
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.scans.models import (
    CHECKED,
    CONFIRMED,
    CONFIRMED_AS_TYPED,
    CONFIRMED_BY_EDITING,
    READ,
    ScannedForm,
)
from portal.scans.service import ScanError
from wiki.models import Page
from wiki.render import MAX_SLUG_CHARS, page_slug
from wiki.service import WikiError, get_page, save_edit
from wiki.signals import page_saved
from wiki.starters import STARTERS, STARTERS_BY_SLUG

MARKER = "From a paper form — please check."
NEW_PAGE = "new"


@dataclass(frozen=True)
class Destination:
    """Where the text goes: NEW_PAGE with its title, or a starter page's slug."""

    target: str = NEW_PAGE
    title: str = ""


@dataclass(frozen=True)
class Published:
    page: Page
    item: MediaItem


def default_title(scan: ScannedForm) -> str:
    return f"{scan.form_label} (paper form)"


def destinations() -> list[tuple[str, str]]:
    """The choices an administrator has: a new page, or adding to a starter page. Only
    the starters' fixed titles are offered: staff see nothing the family wrote."""
    return [(NEW_PAGE, "A new page")] + [
        (starter.slug, f"Add to “{starter.title}”") for starter in STARTERS
    ]


def publish(
    scan: ScannedForm,
    *,
    user: User,
    destination: Destination,
    storage: Storage,
    media_limits: dict[str, int],
    today: date | None = None,
) -> Published:
    """Put the checked text in the child's wiki with the scan attached, and mark the
    form checked by staff; commit. Raises ScanError with a message for the person."""
    if scan.status != READ:
        raise ScanError(
            "This form is already published."
            if scan.status in (CHECKED, CONFIRMED)
            else "Wait until every page has been read, then publish."
        )
    text = "\n\n".join(page.text for page in scan.pages if page.text.strip())
    if not text:
        raise ScanError(
            "There is no text to publish yet. Type what each page says in the box beside it."
        )
    child = scan.child
    slug, title, existing = _where(child, scan, destination)
    visibility = existing.visibility if existing else "family"
    item = _attach_scan(
        scan, user=user, storage=storage, limits=media_limits, visibility=visibility
    )
    body = _page_body(scan, existing, item, text, today or date.today())
    try:
        outcome = save_edit(
            child.id,
            slug,
            title=title,
            body=body,
            summary=f"Typed up from the paper {scan.form_label} form",
            base_number=existing.current_number if existing else 0,
            author_id=user.id,
            link_base=f"/c/{child.slug}/wiki/",
        )
    except WikiError as error:
        media_service.set_deleted(item, True)
        raise ScanError(f"{error} Nothing was published; please try again.") from error
    scan.page_id, scan.media_item_id, scan.status = outcome.page.id, item.id, CHECKED
    scan.published_by_id, scan.published_at = user.id, utcnow()
    scan.version += 1
    scan.updated_at = scan.published_at
    db.session.commit()
    return Published(outcome.page, item)


def _where(child: Child, scan: ScannedForm, destination: Destination):
    """(slug, title, the page if it exists) for the chosen destination."""
    if destination.target == NEW_PAGE:
        title = " ".join((destination.title or "").split()) or default_title(scan)
        if len(title) > 200:
            raise ScanError("Keep the page title under 200 characters.")
        return _free_slug(child.id, page_slug(title)), title, None
    starter = STARTERS_BY_SLUG.get(destination.target)
    if starter is None:
        raise ScanError("Choose where the text should go.")
    existing = get_page(child.id, starter.slug)
    if existing is not None and existing.deleted:
        raise ScanError(
            f"The family deleted the page “{starter.title}”. Publish as a new page instead."
        )
    return starter.slug, existing.title if existing else starter.title, existing


def _free_slug(child_id: int, slug: str) -> str:
    """The slug, or slug-2, slug-3…: a new page never lands on one already written."""
    taken = set(
        db.session.scalars(
            select(Page.slug).where(Page.child_id == child_id, Page.slug.like(f"{slug[:100]}%"))
        )
    )
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug[: MAX_SLUG_CHARS - 4]}-{number}"
    return candidate


def _attach_scan(scan, *, user, storage, limits, visibility) -> MediaItem:
    """The scan as an item of the child's library: the file as uploaded, or for a TIFF
    (which browsers cannot show) a PDF of its page pictures."""
    pages = "page" if scan.page_count == 1 else "pages"
    with tempfile.TemporaryDirectory(prefix="gt-scan-") as folder:
        if scan.original_mime == TIFF.mime:
            path, filename = Path(folder) / "scan.pdf", "scan.pdf"
            _pdf_of_pages(scan, storage, Path(folder), path)
        else:
            path, filename = Path(folder) / "scan", scan.original_name
            copy_to_file(storage, scan.original_key, path)
        try:
            with path.open("rb") as stream:
                return media_service.add_file(
                    child_id=scan.child_id,
                    user_id=user.id,
                    upload=media_service.Upload(stream=stream, filename=filename),
                    title=f"Scan of the paper {scan.form_label} form",
                    alt_text=f"The paper {scan.form_label} form, {scan.page_count} {pages}.",
                    storage=storage,
                    limits=limits,
                    visibility=visibility,
                )
        except Rejected as refused:
            raise ScanError(f"The scan could not be attached to the page: {refused}") from None


def _pdf_of_pages(scan: ScannedForm, storage: Storage, folder: Path, out: Path) -> None:
    pictures = []
    for page in scan.pages:
        if page.key is not None:
            path = folder / f"page-{page.number}.jpg"
            copy_to_file(storage, page.key, path)
            pictures.append((path, page.width, page.height))
    if not pictures:
        raise ScanError("No page of this scan could be read, so there is nothing to attach.")
    pdf_from_pictures(pictures, out)


def _page_body(scan, existing: Page | None, item: MediaItem, text: str, day: date) -> str:
    council = scan.child.council.name
    note = (
        f"> **{MARKER}** {council} typed this up from the paper “{scan.form_label}” form "
        f"on {day:%-d %B %Y}. Please check it says what you meant, and change anything "
        "that is not right."
    )
    picture = f"![Scan of the paper {scan.form_label} form](media:{item.id})"
    if existing is None or not existing.body.strip():
        return f"{note}\n\n{text}\n\n{picture}\n"
    return (
        f"{note}\n\n{existing.body.rstrip()}\n\n"
        f"## From the paper {scan.form_label} form\n\n{text}\n\n{picture}\n"
    )


def published_page(scan: ScannedForm) -> Page | None:
    """The wiki page the form was published to (perhaps deleted since), if any."""
    return db.session.get(Page, scan.page_id) if scan.page_id else None


# --- the family ------------------------------------------------------------------------


def forms_to_check(child_id: int) -> list[ScannedForm]:
    """The child's forms typed up and waiting for the family to check."""
    return list(
        db.session.scalars(
            select(ScannedForm)
            .where(ScannedForm.child_id == child_id, ScannedForm.status == CHECKED)
            .order_by(ScannedForm.published_at)
        )
    )


def family_scan(child_id: int, scan_id: int) -> ScannedForm | None:
    """A published form of this child, with its pages, for the family to check."""
    return db.session.scalars(
        select(ScannedForm)
        .where(
            ScannedForm.id == scan_id,
            ScannedForm.child_id == child_id,
            ScannedForm.status.in_((CHECKED, CONFIRMED)),
        )
        .options(selectinload(ScannedForm.pages), joinedload(ScannedForm.confirmed_by))
    ).first()


def confirm(scan: ScannedForm, *, user: User, today: date | None = None) -> bool:
    """The family says the page is right: the form is confirmed by the family; commit.
    False if it already was."""
    if scan.status == CONFIRMED:
        return False
    if scan.status != CHECKED:
        raise ScanError("This form is not ready for you to check yet.")
    _note_checked(scan, user, today or date.today())
    _mark_confirmed(scan, user, CONFIRMED_AS_TYPED)
    db.session.commit()
    return True


def _note_checked(scan: ScannedForm, user: User, day: date) -> None:
    """The page's "please check" note becomes a note of who checked it, as a new
    version by them; a page deleted, or without the note any more, is left alone."""
    page = published_page(scan)
    if page is None or page.deleted:
        return
    checked = f"> From a paper form: {user.name} checked it on {day:%-d %B %Y}."
    body = _MARKER_LINE.sub(lambda _: checked, page.body, count=1)
    if body == page.body:
        return
    try:
        save_edit(
            scan.child_id,
            page.slug,
            title=page.title,
            body=body,
            summary="Checked the paper form",
            base_number=page.current_number,
            author_id=user.id,
            link_base=f"/c/{scan.child.slug}/wiki/",
        )
    except WikiError as error:
        raise ScanError(f"{error} Please try again.") from error


_MARKER_LINE = re.compile(r"^> \*\*" + re.escape(MARKER) + r"\*\*.*$", re.MULTILINE)


def _mark_confirmed(scan: ScannedForm, user: User, how: str) -> None:
    scan.status, scan.confirmed_how = CONFIRMED, how
    scan.confirmed_by_id, scan.confirmed_at = user.id, utcnow()
    scan.updated_at = scan.confirmed_at


@page_saved.connect
def confirm_when_the_family_edits(child: Child, *, page: Page, user: User, **_) -> None:
    """A family member who edits a page typed up from a paper form has checked it."""
    if not can(user, CHECK_PAPER_FORMS, child):
        return
    waiting = db.session.scalars(
        select(ScannedForm).where(ScannedForm.page_id == page.id, ScannedForm.status == CHECKED)
    ).all()
    for scan in waiting:
        # Should someone have saved meanwhile, their version stands, note and all.
        with contextlib.suppress(ScanError):
            _note_checked(scan, user, date.today())
        _mark_confirmed(scan, user, CONFIRMED_BY_EDITING)
        audit.record(
            user, child, "confirmed", "scan", target_id=scan.id, label=scan.form_label, commit=False
        )
    if waiting:
        db.session.commit()
