"""PDFs: the page count and a small picture of the first page, rendered by PDFium.

The scale is worked out from the page's size, so a page claiming to be a mile wide
still renders to a thumbnail-sized bitmap; the PDF itself is never changed.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from media.results import THUMB, Processed, Rejected, Rendition

THUMB_WIDTH = 320
THUMB_MAX_HEIGHT = 1280  # a very tall page gets a narrower thumbnail, not a taller one
MAX_BITMAP_PIXELS = 4_000_000
MAX_PAGE_POINTS = 200_000  # about 70 metres; real pages (even posters) are far smaller
THUMB_QUALITY = 82

UNREADABLE = (
    "We couldn't read this PDF. It may be damaged or only partly uploaded; "
    "please try saving it again."
)
LOCKED = (
    "This PDF is protected with a password, so we can't read it. "
    "Please upload a copy without the password."
)
NO_PAGES = "This PDF has no pages."
ODD_PAGE = "The first page of this PDF has a size we can't show."


def process_pdf(src: Path, workdir: Path) -> Processed:
    """Page count and first-page thumbnail; raises Rejected for unusable PDFs."""
    src, workdir = Path(src), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pdfium.PdfiumWarning)  # e.g. XFA forms not loaded
            return _process(src, workdir)
    except Rejected:
        raise
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Rejected(LOCKED) from error
        raise Rejected(UNREADABLE) from error
    except OSError as error:
        # The disk or the path, not the PDF (pypdfium2 raises a bare FileNotFoundError).
        if error.errno is not None or isinstance(error, FileNotFoundError):
            raise
        raise Rejected(UNREADABLE) from error
    except Exception as error:  # any other failure inside the parser is the file's
        raise Rejected(UNREADABLE) from error


def _process(src: Path, workdir: Path) -> Processed:
    document = pdfium.PdfDocument(src)
    try:
        page_count = len(document)
        if page_count < 1:
            raise Rejected(NO_PAGES)
        thumb = _first_page_thumb(document, workdir)
    finally:
        document.close()
    return Processed(kind="document", renditions=[thumb], page_count=page_count)


def _first_page_thumb(document: pdfium.PdfDocument, workdir: Path) -> Rendition:
    page = document[0]
    try:
        width, height = page.get_size()  # points, after the page's own rotation
        scale = _scale(width, height)
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            picture = bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()
    path = workdir / f"{THUMB}.jpg"
    picture.save(path, "JPEG", quality=THUMB_QUALITY)
    return Rendition(THUMB, path, "image/jpeg", picture.width, picture.height)


def _scale(width: float, height: float) -> float:
    """Points to pixels: ~320 px wide, never too tall, never over MAX_BITMAP_PIXELS."""
    sizes_ok = all(math.isfinite(side) and 1 <= side <= MAX_PAGE_POINTS for side in (width, height))
    if not sizes_ok:
        raise Rejected(ODD_PAGE)
    scale = min(THUMB_WIDTH / width, THUMB_MAX_HEIGHT / height)
    scale = min(scale, math.sqrt(MAX_BITMAP_PIXELS / (width * height)))
    if round(width * scale) < 1 or round(height * scale) < 1:
        raise Rejected(ODD_PAGE)
    return scale
