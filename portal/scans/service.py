"""Scanned paper forms as plain functions: upload, list, correct, read again.

Publishing to the wiki and the family's confirmation are in portal/scans/publishing.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from media.scans import MAX_PAGES, ScanRefused, inspect_scan
from media.storage import Storage, new_key
from portal.accounts.models import User
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.scans.models import (
    CHECKED,
    CONFIRMED,
    DONE,
    FORM_TYPES,
    UPLOADED,
    WAITING,
    ScannedForm,
    ScanPage,
)
from wiki.service import normalise_text

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 100 * MB  # a 50-page colour scan at 300 dpi fits
MAX_PAGE_TEXT_CHARS = 20_000
LIST_LIMIT = 200


class ScanError(Exception):
    """Something an administrator asked for that cannot be done; str() says why."""


class StaleScan(ScanError):
    """Someone else saved this scan since the form was loaded; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved changes to this form while you were checking it, so yours "
            "were not saved. Your text is still below: check it against theirs and save again."
        )


@dataclass(frozen=True)
class Upload:
    """One file as it arrived: a seekable stream (spooled to disk when large)."""

    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class StoredOriginal:
    """The uploaded file as media.serving wants it."""

    key: str
    mime: str


def form_type_for(value: str) -> str | None:
    """The form type for a key or its label, as a form or another tool sends it."""
    wanted = (value or "").strip().casefold()
    for key, label in FORM_TYPES.items():
        if wanted in (key, label.casefold()):
            return key
    return None


def council_children(council_id: int) -> list[Child]:
    return list(
        db.session.scalars(select(Child).where(Child.council_id == council_id).order_by(Child.name))
    )


def council_child(council_id: int, child_id: int | None) -> Child | None:
    """A child of this council by id; None for no id, or another council's child."""
    if child_id is None:
        return None
    child = db.session.get(Child, child_id)
    return child if child is not None and child.council_id == council_id else None


def add_scans(
    *,
    council_id: int,
    child_id: int | None,
    form_type: str,
    uploads: list[Upload],
    user: User,
    storage: Storage,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[ScannedForm], list[str]]:
    """Store each file as a scan waiting to be read: (the scans made, a message for
    each file refused). Raises ScanError when the choices themselves are wrong."""
    child = council_child(council_id, child_id)
    if child is None:
        raise ScanError("Choose the child this form is about.")
    chosen = form_type_for(form_type)
    if chosen is None:
        raise ScanError("Choose which form this is.")
    if not uploads:
        raise ScanError("Choose the scanned file to upload (PDF, JPEG, PNG or TIFF).")
    added, errors = [], []
    for upload in uploads:
        try:
            added.append(_add_scan(child, chosen, upload, user, storage, max_bytes))
        except ScanRefused as refused:
            errors.append(f"{upload.filename}: {refused}")
    return added, errors


def _add_scan(
    child: Child, form_type: str, upload: Upload, user: User, storage: Storage, max_bytes: int
) -> ScannedForm:
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise ScanRefused(
            f"This file is {size / MB:,.0f} MB; the largest scan we take is "
            f"{max_bytes / MB:,.0f} MB. Please scan it at 300 dpi, or split it."
        )
    found, page_count = inspect_scan(stream, max_pages=MAX_PAGES)
    key = new_key("scans/originals/")
    written = storage.put(key, stream)
    scan = ScannedForm(
        council_id=child.council_id,
        child_id=child.id,
        form_type=form_type,
        status=UPLOADED,
        page_count=page_count,
        original_name=(upload.filename or "")[:255],
        original_mime=found.mime,
        original_label=found.label,
        original_size=written,
        original_backend=storage.name,
        original_key=key,
        uploaded_by_id=user.id,
        pages=[ScanPage(number=number) for number in range(1, page_count + 1)],
    )
    db.session.add(scan)
    db.session.commit()
    return scan


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanRow:
    """A line of the administrator's list: the scan and how many pages are read."""

    scan: ScannedForm
    pages_done: int


def council_scans(council_id: int) -> list[ScanRow]:
    """The council's scans, newest first, with each one's progress (one query)."""
    done = (
        select(func.count(ScanPage.id))
        .where(ScanPage.scan_id == ScannedForm.id, ScanPage.status != WAITING)
        .correlate(ScannedForm)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ScannedForm, done)
        .where(ScannedForm.council_id == council_id)
        .options(joinedload(ScannedForm.child), joinedload(ScannedForm.uploaded_by))
        .order_by(ScannedForm.created_at.desc(), ScannedForm.id.desc())
        .limit(LIST_LIMIT)
    )
    return [ScanRow(scan, pages_done) for scan, pages_done in rows]


def council_scan(council_id: int, scan_id: int) -> ScannedForm | None:
    """One of the council's scans with its pages and child; None for any other."""
    return db.session.scalars(
        select(ScannedForm)
        .where(ScannedForm.id == scan_id, ScannedForm.council_id == council_id)
        .options(selectinload(ScannedForm.pages), joinedload(ScannedForm.child))
    ).first()


def scan_page(scan: ScannedForm, number: int) -> ScanPage | None:
    """A page of the scan with a picture to show."""
    for page in scan.pages:
        if page.number == number and page.key is not None:
            return page
    return None


def original_of(scan: ScannedForm) -> StoredOriginal:
    return StoredOriginal(scan.original_key, scan.original_mime)


def stored_scan_files(child_id: int) -> list[tuple[str, str]]:
    """(backend, key) of every stored file of the child's scans, for erasing them."""
    originals = db.session.execute(
        select(ScannedForm.original_backend, ScannedForm.original_key)
        .where(ScannedForm.child_id == child_id)
        .order_by(ScannedForm.id)
    )
    pictures = db.session.execute(
        select(ScanPage.backend, ScanPage.key)
        .join(ScannedForm, ScannedForm.id == ScanPage.scan_id)
        .where(ScannedForm.child_id == child_id, ScanPage.key.is_not(None))
        .order_by(ScanPage.id)
    )
    return [(backend, key) for backend, key in originals] + [
        (backend, key) for backend, key in pictures
    ]


def pages_done(scan: ScannedForm) -> int:
    return sum(page.status != WAITING for page in scan.pages)


def read_again(scan: ScannedForm) -> bool:
    """Put pages that failed or never finished back in the queue; False if none."""
    again = [page for page in scan.pages if page.status != DONE]
    if not again or scan.status in (CHECKED, CONFIRMED):
        return False
    for page in again:
        page.status, page.failure_reason = WAITING, ""
    scan.status, scan.failure_reason, scan.updated_at = UPLOADED, "", utcnow()
    db.session.commit()
    return True


# --- staff corrections -----------------------------------------------------------------


def clean_page_text(text: str) -> str:
    text = normalise_text(text or "").strip()
    if len(text) > MAX_PAGE_TEXT_CHARS:
        raise ScanError(
            f"A page's text can be at most {MAX_PAGE_TEXT_CHARS:,} characters. "
            "Your text is still below."
        )
    return text


def save_corrections(scan: ScannedForm, texts: Mapping[int, str], version: int | None) -> None:
    """Keep the administrator's text for each page. Raises StaleScan if someone saved
    since `version` was shown, and ScanError once the form is published."""
    if scan.status in (CHECKED, CONFIRMED):
        raise ScanError("This form is already published; change the wiki page instead.")
    cleaned = {number: clean_page_text(text) for number, text in texts.items()}
    claimed = db.session.execute(
        update(ScannedForm)
        .where(ScannedForm.id == scan.id, ScannedForm.version == (version or 0))
        .values(version=ScannedForm.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise StaleScan()
    for page in scan.pages:
        text = cleaned.get(page.number)
        if page.status == WAITING or text is None:
            continue  # not read yet: OCR's text is still to come
        if page.corrected_text is not None or text != page.ocr_text:
            page.corrected_text = text
    db.session.commit()
    db.session.refresh(scan)
