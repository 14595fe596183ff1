"""process_pdf(): the page count and a small first-page picture, whatever the page claims."""

from __future__ import annotations

import pytest
from PIL import Image

from media.pdf import process_pdf
from media.results import THUMB, Rejected
from tests import media_samples as samples


def run(tmp_path, data: bytes):
    src = tmp_path / "upload.pdf"
    src.write_bytes(data)
    return process_pdf(src, tmp_path / "out")


@pytest.mark.parametrize("pages", [1, 2, 5])
def test_page_count_and_thumbnail(tmp_path, pages):
    processed = run(tmp_path, samples.pdf(pages))
    assert processed.kind == "document"
    assert processed.page_count == pages
    [thumb] = processed.renditions
    assert thumb.name == THUMB and thumb.mime == "image/jpeg"
    assert (thumb.width, thumb.height) == (320, 453)  # A4 portrait
    with Image.open(thumb.path) as im:
        assert im.format == "JPEG" and im.size == (320, 453)
        # The first page's picture, not a blank sheet: its red corner shows.
        red, green, blue = im.convert("RGB").getpixel((10, 10))
        assert red > 200 and green < 60 and blue < 60
        assert not im.getexif()


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (842, 595, (320, 227)),  # A4 landscape (PDFium rounds up)
        (14400, 14400, (320, 320)),  # the largest page PDF allows
        (100, 10000, (13, 1280)),  # a long strip: narrower, not taller
        (3, 5, (320, 534)),  # a tiny page is scaled up to thumbnail size
    ],
)
def test_thumbnail_size_comes_from_the_page_size(tmp_path, width, height, expected):
    [thumb] = run(tmp_path, samples.page_pdf(width, height)).renditions
    assert (thumb.width, thumb.height) == expected
    assert thumb.width * thumb.height <= 4_000_000


@pytest.mark.parametrize(("width", "height"), [(1, 150_000), (0.5, 100), (300_000, 300_000)])
def test_absurd_page_sizes_are_refused(tmp_path, width, height):
    with pytest.raises(Rejected, match="size we can't show"):
        run(tmp_path, samples.page_pdf(width, height))


def test_password_protected_pdf_is_refused(tmp_path):
    with pytest.raises(Rejected, match="password"):
        run(tmp_path, samples.encrypted_pdf())


def test_pdf_without_pages_is_refused(tmp_path):
    with pytest.raises(Rejected):
        run(tmp_path, samples.zero_page_pdf())


def test_page_tree_pointing_at_nothing_is_refused(tmp_path):
    broken = samples.hand_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
        ]
    )
    with pytest.raises(Rejected, match="We couldn't read this PDF"):
        run(tmp_path, broken)


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7\n", b"%PDF-1.7\n" + bytes(5000), samples.pdf(2)[:300], b"not a pdf at all"],
    ids=["empty", "signature", "zeros", "truncated", "text"],
)
def test_unreadable_pdfs_raise_rejected_only(tmp_path, data):
    with pytest.raises(Rejected, match="We couldn't read this PDF"):
        run(tmp_path, data)


def test_a_missing_file_is_not_the_familys_fault(tmp_path):
    with pytest.raises(FileNotFoundError):
        process_pdf(tmp_path / "nowhere.pdf", tmp_path / "out")
