"""Reading a scan in the background: each page rendered, straightened, stored as a
picture and read by OCR, then committed before the next is made, so the list shows
how far it has got and a long scan never holds more than one page in memory."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from media.jobs import run_in_background
from media.ocr import ReadingFailed, ocr_available, prepare_for_reading, read_page
from media.results import Rejected
from media.scans import FORMATS, OCR_DPI, display_copy, page_images, save_display_copy
from media.storage import MissingObject, Storage, copy_to_file, new_key, storage_for
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.scans.models import DONE, FAILED, READ, UPLOADED, ScannedForm, ScanPage

log = logging.getLogger(__name__)

# A 50-page scan takes a few minutes; this leaves room for slow pages (each OCR call
# has its own timeout). A job cut short leaves pages waiting: "Read again" resumes.
READING_TIMEOUT_SECONDS = 60 * 60
MISSING = "The scanned file is missing; please upload it again."
PAGE_WENT_WRONG = "Something went wrong reading this page."


def start_reading(app: Flask, scan_id: int) -> None:
    """Read the scan on a worker, or now when there is no queue (REDIS_URL unset)."""
    run_in_background(app, run_reading_job, scan_id, timeout_seconds=READING_TIMEOUT_SECONDS)


def run_reading_job(scan_id: int) -> str:
    """The job itself; runs inside an app context (the worker's, or the request's)."""
    dpi = int(current_app.config.get("SCAN_OCR_DPI", OCR_DPI))
    scan = read_scan(scan_id, storage_for(current_app), dpi=dpi)
    return scan.status if scan is not None else "gone"


def read_scan(
    scan_id: int,
    storage: Storage,
    *,
    dpi: int = OCR_DPI,
    after_page: Callable[[ScanPage], None] | None = None,
) -> ScannedForm | None:
    """Render and read every page not done yet, committing each one; never raises for
    a bad file. `after_page` is called after each commit (tests watch progress)."""
    scan = db.session.get(ScannedForm, scan_id)
    if scan is None:
        return None
    waiting = [page for page in scan.pages if page.status != DONE]
    if not waiting:
        return _finish(scan)
    scan.ocr_used = ocr_available()
    db.session.commit()
    with tempfile.TemporaryDirectory(prefix="gt-scan-") as folder:
        source = Path(folder) / "scan"
        try:
            copy_to_file(storage, scan.original_key, source)
        except MissingObject:
            for page in waiting:
                _fail_page(page, MISSING)
            return _finish(scan)
        for page in _pages_read(scan, waiting, source, storage, dpi):
            db.session.commit()
            if after_page is not None:
                after_page(page)
    return _finish(scan)


def _pages_read(scan, waiting, source: Path, storage: Storage, dpi: int):
    """Each waiting page once it is read (or has failed, with the reason). A page the
    renderer refuses fails alone: rendering starts again after it."""
    by_number = {page.number: page for page in waiting}
    found = FORMATS[scan.original_mime]
    next_number = waiting[0].number
    while next_number <= scan.page_count:
        try:
            for image in page_images(source, found, dpi=dpi, first=next_number):
                page = by_number.get(next_number)
                next_number += 1
                if page is None:
                    continue  # read before this run
                _read_one(page, image, storage, ocr=scan.ocr_used)
                del image  # the next page is rendered before this name would be reused
                yield page
            return
        except Rejected as refused:
            page = by_number.get(next_number)
            next_number += 1
            if page is not None:
                _fail_page(page, str(refused))
                yield page


def _read_one(page: ScanPage, image, storage: Storage, *, ocr: bool) -> None:
    try:
        prepared = prepare_for_reading(image)
        _store_picture(page, display_copy(image, prepared.skew_degrees), storage)
        page.skew_degrees = prepared.skew_degrees
        page.ocr_text = read_page(prepared) if ocr else ""
    except ReadingFailed as failed:
        _fail_page(page, str(failed))
        return
    except Exception:
        # A bug in a parser must not stop the other pages: record it and go on.
        log.exception("reading page %s of scan %s failed", page.number, page.scan_id)
        _fail_page(page, PAGE_WENT_WRONG)
        return
    page.status, page.failure_reason, page.read_at = DONE, "", utcnow()


def _store_picture(page: ScanPage, picture, storage: Storage) -> None:
    with tempfile.NamedTemporaryFile(suffix=".jpg") as out:
        save_display_copy(picture, Path(out.name))
        key = new_key("scans/pages/")
        with open(out.name, "rb") as stream:
            storage.put(key, stream)
    if page.key is not None:  # read again: the old picture goes
        storage.delete(page.key)
    page.backend, page.key, page.mime = storage.name, key, "image/jpeg"
    page.width, page.height = picture.width, picture.height


def _fail_page(page: ScanPage, reason: str) -> None:
    page.status, page.failure_reason, page.read_at = FAILED, reason[:300], utcnow()


def _finish(scan: ScannedForm) -> ScannedForm:
    """Read once no page is waiting; failed when no page could be read at all."""
    if scan.status == UPLOADED:
        if all(page.status == FAILED for page in scan.pages):
            scan.status, scan.failure_reason = FAILED, scan.pages[0].failure_reason
        else:
            scan.status = READ
        scan.updated_at = utcnow()
    db.session.commit()
    return scan
