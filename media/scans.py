"""Scanned paper forms: what a scan file is, and its pages one at a time.

A scan is a PDF of one or many pages, a TIFF (often multi-page, from office scanners),
or a JPEG or PNG photo of a page. Pages come out of `page_images` one at a time, so a
50-page scan costs the memory of one page, never of all fifty.

media/ocr.py reads each page. Nothing here touches the database: portal.scans runs
these steps and records what they give.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from media.images import exif_turn
from media.kinds import HEAD_BYTES, Unrecognised, identify
from media.ocr import straighten
from media.results import Rejected

OCR_DPI = 300  # what Tesseract is trained for: body text is 25-30 pixels high
MAX_PAGES = 50
MAX_PAGE_PIXELS = 100_000_000  # a picture page, before it is scaled down to read
MAX_READ_SIDE = 4200  # pixels: an A4 page at 300 dpi is 3508 tall; bigger reads no better
MAX_PAGE_POINTS = 14_400  # 5 metres: real forms (even A0 posters) are far smaller
DISPLAY_WIDTH = 1400  # the stored page picture staff and families look at
DISPLAY_QUALITY = 80

ACCEPTED = "PDF, JPEG, PNG or TIFF"
UNREADABLE = "We couldn't read this file. It may be damaged or only partly uploaded."
LOCKED = (
    "This PDF is protected with a password, so we can't read it. "
    "Please scan it again, or save a copy without the password."
)
NO_PAGES = "This file has no pages."


class ScanRefused(Rejected):
    """A file that cannot be taken as a scan; str() says why, for the administrator."""


@dataclass(frozen=True)
class ScanFormat:
    name: str  # "pdf", "tiff", "jpeg" or "png"
    mime: str
    label: str  # plain English


PDF = ScanFormat("pdf", "application/pdf", "PDF document")
TIFF = ScanFormat("tiff", "image/tiff", "TIFF picture")
JPEG = ScanFormat("jpeg", "image/jpeg", "JPEG photo")
PNG = ScanFormat("png", "image/png", "PNG picture")
FORMATS = {found.mime: found for found in (PDF, TIFF, JPEG, PNG)}
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def scan_format(head: bytes) -> ScanFormat:
    """What a scan file is, from its first bytes (never its name); raises ScanRefused."""
    if head.startswith(_TIFF_MAGIC):
        return TIFF
    try:
        found = identify(head)
    except Unrecognised as refused:
        raise ScanRefused(f"{refused.reason} Scans must be {ACCEPTED} files.") from refused
    if found.mime not in FORMATS:
        raise ScanRefused(f"This is a {found.label}. Scans must be {ACCEPTED} files.")
    return FORMATS[found.mime]


def inspect_scan(stream: BinaryIO, *, max_pages: int = MAX_PAGES) -> tuple[ScanFormat, int]:
    """The format and page count of an uploaded scan (a seekable stream, left at its
    start); raises ScanRefused for anything unusable, before anything is stored."""
    stream.seek(0)
    found = scan_format(stream.read(HEAD_BYTES))
    try:
        with reading_the_file():
            count = _count_pages(stream, found)
    finally:
        stream.seek(0)
    if count < 1:
        raise ScanRefused(NO_PAGES)
    if count > max_pages:
        raise ScanRefused(
            f"This scan has {count} pages; the most we read at once is {max_pages}. "
            "Please split it into smaller files."
        )
    return found, count


def _count_pages(stream: BinaryIO, found: ScanFormat) -> int:
    if found is PDF:
        document = pdfium.PdfDocument(stream, autoclose=False)
        try:
            return len(document)
        finally:
            document.close()
    with Image.open(stream, formats=[found.name.upper()]) as picture:
        if found is not TIFF:
            _check_pixels(picture.size)
            return 1
        return getattr(picture, "n_frames", 1)


def _locked(error: pdfium.PdfiumError) -> bool:
    return error.err_code == pdfium_c.FPDF_ERR_PASSWORD


@contextlib.contextmanager
def reading_the_file() -> Iterator[None]:
    """Around each call into a parser (never across a yield, where the warning filters
    would leak): a failure inside is the file's, raised as ScanRefused with a reason;
    the disk's own errors pass unchanged."""
    with warnings.catch_warnings():
        # Sizes are checked against our own limits, and the parsers' remarks on damaged
        # metadata or unloaded XFA forms change nothing we do.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", pdfium.PdfiumWarning)
        try:
            yield
        except Rejected:
            raise
        except pdfium.PdfiumError as error:
            raise ScanRefused(LOCKED if _locked(error) else UNREADABLE) from error
        except Image.DecompressionBombError as error:
            raise ScanRefused(_too_large_page()) from error
        except OSError as error:
            if error.errno is not None:  # the disk or the path, not the file
                raise
            raise ScanRefused(UNREADABLE) from error
        except Exception as error:  # any other failure inside a parser is the file's
            raise ScanRefused(UNREADABLE) from error


def _too_large_page() -> str:
    return (
        f"A page of this scan is too large to read (more than {MAX_PAGE_PIXELS // 1_000_000} "
        "megapixels). Please scan it again at 300 dpi."
    )


def _check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PAGE_PIXELS:
        raise ScanRefused(_too_large_page())


# --- pages, one at a time -------------------------------------------------------------


def page_images(
    path: Path, found: ScanFormat, *, dpi: int = OCR_DPI, first: int = 1
) -> Iterator[Image.Image]:
    """Each page from `first` on as an RGB or greyscale picture at about `dpi`, made
    only when asked for: the caller keeps one page, and the pages it let go are freed.
    Raises ScanRefused for a file or page that cannot be read."""
    if found is PDF:
        yield from _pdf_pages(Path(path), dpi, first)
    else:
        yield from _picture_pages(Path(path), found, first)


def _pdf_pages(path: Path, dpi: int, first: int) -> Iterator[Image.Image]:
    with reading_the_file():
        document = pdfium.PdfDocument(path)
    try:
        with reading_the_file():
            # A PDF form filled in on a computer keeps its answers in form fields.
            document.init_forms()
            count = len(document)
        for index in range(first - 1, count):
            with reading_the_file():
                page = _render_pdf_page(document, index, dpi)
            yield page
            del page  # before the next page is made, not after
    finally:
        document.close()


def _render_pdf_page(document: pdfium.PdfDocument, index: int, dpi: int) -> Image.Image:
    page = document[index]
    try:
        width, height = page.get_size()  # points, after the page's own rotation
        sane = all(math.isfinite(side) and 1 <= side <= MAX_PAGE_POINTS for side in (width, height))
        if not sane:
            raise ScanRefused(f"Page {index + 1} of this PDF has a size we can't read.")
        scale = min(dpi / 72, MAX_READ_SIDE / max(width, height))
        bitmap = page.render(scale=scale, may_draw_forms=True)
        try:
            return bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory goes next
        finally:
            bitmap.close()
    finally:
        page.close()


def _picture_pages(path: Path, found: ScanFormat, first: int) -> Iterator[Image.Image]:
    with reading_the_file():
        picture = Image.open(path, formats=[found.name.upper()])
    try:
        if found is not TIFF:  # one page: a PNG's animation frames are not pages
            with reading_the_file():
                page = _picture_page(picture, exif_turn(picture))
            yield page
            return
        with reading_the_file():
            count = getattr(picture, "n_frames", 1)
        for index in range(first - 1, count):
            with reading_the_file():
                picture.seek(index)
                page = _picture_page(picture, None)
            yield page
            del page  # before the next page is made, not after
    finally:
        picture.close()


def _picture_page(frame: Image.Image, turn: Image.Transpose | None) -> Image.Image:
    """One page of a picture file, upright (a phone photo is turned as the phone was
    held) and no bigger than is worth reading."""
    _check_pixels(frame.size)
    if frame.format == "JPEG":
        # libjpeg decodes straight to a smaller size: most of a big photo's cost.
        frame.draft("RGB", _fit(frame.size, MAX_READ_SIDE))
    page = _as_page(frame)
    if turn is not None:
        page = page.transpose(turn)
    if max(page.size) > MAX_READ_SIDE:
        page = page.resize(_fit(page.size, MAX_READ_SIDE), Image.Resampling.LANCZOS)
    return page


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = min(side / max(size), 1.0)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _as_page(frame: Image.Image) -> Image.Image:
    """A copy in RGB or greyscale, transparency laid on white paper."""
    if frame.mode in ("RGBA", "LA", "PA", "P") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
        return frame.convert("I").point(lambda value: value / 256).convert("L")
    if frame.mode in ("1", "L"):
        return frame.convert("L")
    return frame.convert("RGB")


def display_copy(page: Image.Image, skew_degrees: float) -> Image.Image:
    """The page as people see it: level like the text we read, at most DISPLAY_WIDTH wide."""
    picture = straighten(page, skew_degrees)
    if picture.width > DISPLAY_WIDTH:
        height = max(1, round(picture.height * DISPLAY_WIDTH / picture.width))
        picture = picture.resize((DISPLAY_WIDTH, height), Image.Resampling.LANCZOS)
    return picture


def save_display_copy(picture: Image.Image, path: Path) -> None:
    picture.save(path, "JPEG", quality=DISPLAY_QUALITY, optimize=True)


# --- a document to keep --------------------------------------------------------------------


def pdf_from_pictures(
    pictures: Iterable[tuple[Path, int, int]], out: Path, *, page_width_points: float = 595
) -> None:
    """A PDF with one JPEG picture a page, (path, width, height) each, every page A4
    wide; the JPEG bytes go in as they are, never decoded. For a TIFF scan, which
    browsers cannot show."""
    document = pdfium.PdfDocument.new()
    try:
        for path, width, height in pictures:
            size = (page_width_points, page_width_points * height / width)
            page = document.new_page(*size)
            picture = pdfium.PdfImage.new(document)
            picture.load_jpeg(path, inline=True)
            picture.set_matrix(pdfium.PdfMatrix().scale(*size))
            page.insert_obj(picture)
            page.gen_content()
            page.close()
        document.save(out)
    finally:
        document.close()
