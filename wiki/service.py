"""Wiki actions as plain functions: save, merge, restore, delete, share, history.

A page's history is never rewritten: every action, including delete, restore and
a change of who can see the page, adds one immutable revision.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from portal.access import CHILD_WITH_MEMBERSHIP, member_join
from portal.dbtypes import utcnow
from portal.extensions import db
from wiki.merge import MergeResult, three_way_merge
from wiki.models import VISIBILITIES, Page, Revision
from wiki.render import MAX_BODY_CHARS, render_markdown

MAX_TITLE_CHARS = 200
MAX_SUMMARY_CHARS = 300
SAVE_ATTEMPTS = 8
HISTORY_PAGE_SIZE = 50


class WikiError(ValueError):
    """A wiki action that cannot be done; the message is for the person."""


class EditConflict(WikiError):
    """Someone else changed the same lines since this edit began; nothing was saved."""

    def __init__(self, page: Page, merge: MergeResult, theirs: Revision) -> None:
        super().__init__("Someone else changed the same part of this page while you were editing.")
        self.page = page
        self.merge = merge
        self.theirs = theirs


@dataclass(frozen=True)
class SaveOutcome:
    page: Page
    revision: Revision | None  # None when nothing changed
    merged: bool = False


def normalise_text(body: str) -> str:
    """One newline style, so a phone and a laptop never differ on every line; no NUL
    characters, which PostgreSQL cannot store in text (a pasted one must not be a 500)."""
    return body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def check_edit(title: str, body: str, summary: str) -> None:
    """Raise WikiError for input no page may hold; the message says what to change."""
    if not title.strip():
        raise WikiError("Give the page a title.")
    if len(title) > MAX_TITLE_CHARS:
        raise WikiError(f"Keep the title under {MAX_TITLE_CHARS} characters.")
    if len(body) > MAX_BODY_CHARS:
        raise WikiError(
            f"This page is too long ({len(body):,} characters; the most is {MAX_BODY_CHARS:,}). "
            "Your text is still below: split it into two pages."
        )
    if len(summary) > MAX_SUMMARY_CHARS:
        raise WikiError(f"Keep the summary under {MAX_SUMMARY_CHARS} characters.")


def get_page(child_id: int, slug: str) -> Page | None:
    """The page with this address in the child's wiki, deleted or not."""
    return db.session.scalars(
        select(Page).where(Page.child_id == child_id, Page.slug == slug)
    ).first()


# Built once: every page view asks it. The child and the viewer's membership, which
# access.child_row_or_404 checks, with the page and its current revision: one round
# trip for all four. The page columns stay empty for a non-member (see member_join).
CHILD_PAGE_AND_CURRENT = (
    CHILD_WITH_MEMBERSHIP.add_columns(Page, Revision)
    .outerjoin(Page, member_join(Page.child_id, Page.slug == bindparam("page_slug")))
    .outerjoin(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.current_number))
)


def list_pages(child_id: int, visibilities: Collection[str]) -> list[Page]:
    """The child's live pages the viewer may see, newest change first."""
    return list(
        db.session.scalars(
            select(Page)
            .where(
                Page.child_id == child_id,
                Page.deleted.is_(False),
                Page.visibility.in_(list(visibilities)),
            )
            .order_by(Page.updated_at.desc())
        )
    )


def get_revision(page: Page, number: int) -> Revision | None:
    """One revision of a page by its number."""
    return db.session.scalars(page.revisions.select().where(Revision.number == number)).first()


def history(page: Page, *, offset: int = 0, limit: int = HISTORY_PAGE_SIZE) -> list[Revision]:
    """A slice of the page's revisions, newest first."""
    return list(
        db.session.scalars(
            page.revisions.select()
            .options(selectinload(Revision.author))  # every row shows its author's name
            .order_by(Revision.number.desc())
            .offset(offset)
            .limit(limit)
        )
    )


def revision_html(revision: Revision, link_base: str) -> str:
    """The revision's rendered HTML, from the per-revision cache when it is there."""
    if revision.rendered_html is None:
        revision.rendered_html = render_markdown(revision.body, link_base=link_base)
        db.session.commit()
    return revision.rendered_html


def _lock_page(child_id: int, slug: str) -> Page | None:
    # FOR UPDATE makes PostgreSQL queue concurrent saves to one page. SQLite ignores
    # it, so there a no-op UPDATE comes first: it takes SQLite's single write lock
    # before anything is read, and the read then sees the latest save. Either way
    # the unique (page, number) constraint and the retry catch anything that slips by.
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Page)
            .where(Page.child_id == child_id, Page.slug == slug)
            .values(current_number=Page.current_number)
        )
    return db.session.scalars(
        select(Page)
        .where(Page.child_id == child_id, Page.slug == slug)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _append_revision(page: Page, *, kind: str, author_id: int | None, link_base: str, **fields):
    number = page.current_number + 1
    revision = Revision(
        page_id=page.id,
        number=number,
        kind=kind,
        title=fields.get("title", page.title),
        body=fields.get("body", page.body),
        visibility=fields.get("visibility", page.visibility),
        summary=fields.get("summary", ""),
        base_number=fields.get("base_number"),
        author_id=author_id,
        created_at=utcnow(),
    )
    revision.rendered_html = render_markdown(revision.body, link_base=link_base)
    db.session.add(revision)
    page.current_number = number
    page.title, page.body, page.visibility = revision.title, revision.body, revision.visibility
    page.updated_at = revision.created_at
    return revision


def _with_retries(action):
    """Run a write that may lose a race; on a clash, roll back and run it again."""
    for attempt in range(SAVE_ATTEMPTS):
        try:
            result = action()
            db.session.commit()
            return result
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == SAVE_ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def save_edit(
    child_id: int,
    slug: str,
    *,
    title: str,
    body: str,
    summary: str,
    base_number: int,
    author_id: int | None,
    link_base: str,
) -> SaveOutcome:
    """Save an edit made from revision `base_number` (0 for a new page), and commit.

    If the page moved on since, the two changes are merged; where they overlap,
    EditConflict is raised and nothing is saved.
    """
    title, summary = normalise_text(title).strip(), normalise_text(summary).strip()
    body = normalise_text(body)
    check_edit(title, body, summary)

    def attempt() -> SaveOutcome:
        page = _lock_page(child_id, slug)
        if page is None:
            page = Page(child_id=child_id, slug=slug, title=title, body="", current_number=0)
            db.session.add(page)
            db.session.flush()
        merged_body, kind = body, ("create" if page.current_number == 0 else "edit")
        if base_number != page.current_number:
            merged_body = _merge_or_raise(page, base_number, body)
            kind = "merge"
        new_title = _merged_title(page, base_number, title)
        if merged_body == page.body and new_title == page.title and page.current_number:
            return SaveOutcome(page, None)
        revision = _append_revision(
            page,
            kind=kind,
            author_id=author_id,
            link_base=link_base,
            title=new_title,
            body=merged_body,
            summary=summary,
            base_number=base_number or None,
        )
        return SaveOutcome(page, revision, merged=kind == "merge")

    return _with_retries(attempt)


def _merge_or_raise(page: Page, base_number: int, mine: str) -> str:
    base = get_revision(page, base_number) if base_number else None
    if base_number and base is None:
        raise WikiError("That edit started from a version this page never had.")
    merge = three_way_merge(base.body if base else "", mine, page.body)
    if not merge.clean:
        theirs = get_revision(page, page.current_number)
        db.session.rollback()
        raise EditConflict(page, merge, theirs)
    return merge.text


def _merged_title(page: Page, base_number: int, title: str) -> str:
    # A title the editor left alone should not undo someone else's rename.
    if base_number and base_number != page.current_number:
        base = get_revision(page, base_number)
        if base is not None and title == base.title:
            return page.title
    return title


def restore_revision(page: Page, number: int, *, author_id: int | None, link_base: str) -> Revision:
    """Make an old version current again, as a new revision; commit."""
    old = get_revision(page, number)
    if old is None:
        raise WikiError("That version does not exist.")

    def attempt() -> Revision:
        locked = _lock_page(page.child_id, page.slug)
        return _append_revision(
            locked,
            kind="restore",
            author_id=author_id,
            link_base=link_base,
            title=old.title,
            body=old.body,
            summary=f"Restored version {number}",
            base_number=locked.current_number,
        )

    return _with_retries(attempt)


def set_deleted(page: Page, deleted: bool, *, author_id: int | None, link_base: str) -> Revision:
    """Delete or undelete a page; the text stays in history either way; commit."""

    def attempt() -> Revision:
        locked = _lock_page(page.child_id, page.slug)
        if locked.deleted == deleted:
            raise WikiError(
                "This page is already deleted." if deleted else "This page is not deleted."
            )
        locked.deleted = deleted
        return _append_revision(
            locked,
            kind="delete" if deleted else "undelete",
            author_id=author_id,
            link_base=link_base,
            summary="Deleted the page" if deleted else "Brought the page back",
            base_number=locked.current_number,
        )

    return _with_retries(attempt)


def set_visibility(
    page: Page, visibility: str, *, author_id: int | None, link_base: str
) -> Revision:
    """Share a page with the plan team, or keep it to the family; commit."""
    if visibility not in VISIBILITIES:
        raise WikiError("Choose who can see this page.")

    def attempt() -> Revision:
        locked = _lock_page(page.child_id, page.slug)
        if locked.visibility == visibility:
            raise WikiError("Nothing changed: the page already had that setting.")
        summary = "Shared with the plan team" if visibility == "team" else "Kept to the family"
        return _append_revision(
            locked,
            kind="visibility",
            author_id=author_id,
            link_base=link_base,
            visibility=visibility,
            summary=summary,
            base_number=locked.current_number,
        )

    return _with_retries(attempt)
