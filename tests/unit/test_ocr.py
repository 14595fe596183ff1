"""Reading scanned forms: pages one at a time from PDF, TIFF, JPEG and PNG; skew and
faint copies cleaned up; Tesseract's text measured against forms of known words."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from media import ocr
from media.ocr import ReadingFailed, prepare_for_reading, read_page, skew_angle, tidy_text
from media.scans import (
    JPEG,
    PDF,
    PNG,
    TIFF,
    ScanRefused,
    inspect_scan,
    page_images,
    pdf_from_pictures,
)
from tests import media_samples
from tests import scan_samples as samples

FIRST_PAGE = "\n".join(samples.FORM_PAGES[0])


@pytest.fixture
def tesseract():
    samples.require_tesseract()


def read_file(tmp_path, data: bytes, name: str = "scan") -> tuple[str, list[Image.Image]]:
    """Inspect, render and read a scan as the background job does: (text, page sizes)."""
    found, count = inspect_scan(io.BytesIO(data))
    path = tmp_path / name
    path.write_bytes(data)
    texts, sizes = [], []
    for page in page_images(path, found):
        sizes.append(page.size)
        texts.append(read_page(prepare_for_reading(page)))
    assert len(texts) == count
    return "\n".join(texts), sizes


def test_a_two_page_pdf_form_gives_back_at_least_95_percent_of_its_words(tmp_path, tesseract):
    text, sizes = read_file(tmp_path, samples.form_pdf())
    assert len(sizes) == 2
    assert sizes[0] == (2481, 3508)  # A4 at 300 dpi, what Tesseract reads best
    assert samples.share_recovered(samples.form_text(), text) >= 0.95


@pytest.mark.parametrize("degrees", [3, -3])
def test_a_page_fed_in_at_3_degrees_is_straightened_and_read(tmp_path, tesseract, degrees):
    crooked = samples.crooked(samples.render_page(samples.FORM_PAGES[0]), degrees)
    prepared = prepare_for_reading(crooked)
    assert abs(prepared.skew_degrees + degrees) <= 0.3  # turned back by about as much
    text, _ = read_file(tmp_path, samples.encoded(crooked))
    assert samples.share_recovered(FIRST_PAGE, text) >= 0.85


def test_a_crooked_page_inside_a_pdf_is_straightened_too(tmp_path, tesseract):
    pages = [samples.crooked(samples.render_page(page), 3) for page in samples.FORM_PAGES]
    text, _ = read_file(tmp_path, samples.pdf_of(pages))
    assert samples.share_recovered(samples.form_text(), text) >= 0.85


def test_a_faint_low_contrast_copy_is_read(tmp_path, tesseract):
    faint = samples.faint(samples.render_page(samples.FORM_PAGES[0]))
    assert faint.getextrema()[1] - faint.getextrema()[0] < 110  # grey on grey
    text, _ = read_file(tmp_path, samples.encoded(faint, "JPEG"))
    assert samples.share_recovered(FIRST_PAGE, text) >= 0.85


def test_every_page_of_a_multi_page_tiff_is_read(tmp_path, tesseract):
    data = samples.form_tiff()
    assert inspect_scan(io.BytesIO(data)) == (TIFF, 2)
    text, sizes = read_file(tmp_path, data)
    assert sizes == [(1240, 1754), (1240, 1754)]
    assert samples.share_recovered(samples.form_text(), text) >= 0.9


@pytest.mark.parametrize("turn", [90, 180])
def test_a_page_scanned_sideways_or_upside_down_is_turned_and_read(tmp_path, tesseract, turn):
    page = samples.render_page(samples.FORM_PAGES[0]).rotate(turn, expand=True)
    text, _ = read_file(tmp_path, samples.encoded(page))
    assert samples.share_recovered(FIRST_PAGE, text) >= 0.85


def test_a_phone_photo_is_turned_the_way_the_phone_was_held(tmp_path):
    data = media_samples.jpeg_with_gps(1200, 800, orientation=6)
    assert inspect_scan(io.BytesIO(data)) == (JPEG, 1)
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    [page] = page_images(path, JPEG)
    assert page.size == (800, 1200)


def test_pages_come_one_at_a_time_from_where_they_were_asked_for(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(samples.numbered_pdf(5, dpi=50))
    pages = page_images(path, PDF, dpi=72, first=4)
    assert next(pages).size == (418, 296)
    assert len(list(pages)) == 1


def test_a_blank_page_is_level_and_reads_as_nothing(tesseract):
    blank = Image.new("L", (1240, 1754), 255)
    assert skew_angle(blank) == 0.0
    assert read_page(prepare_for_reading(blank)) == ""


def test_a_page_that_takes_too_long_is_reported_not_hung(tesseract):
    prepared = prepare_for_reading(samples.render_page(samples.FORM_PAGES[0]))
    with pytest.raises(ReadingFailed, match="took longer than"):
        read_page(prepared, timeout=0.001)


def test_without_tesseract_ocr_is_unavailable(monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nowhere/tesseract")
    assert ocr.ocr_available() is False


def test_ocr_text_is_tidied_for_a_person_to_check():
    raw = "All About Me\f\n| am kind.   \n\n\n\nI|you || me\n"
    assert tidy_text(raw) == "All About Me\n\nI am kind.\n\nI|you || me"


def test_short_lines_stand_alone_and_wrapped_lines_stay_together():
    raw = (
        "All About Me\n"
        "Name: Sam Shah. Date of birth: 12 May 2011.\n"
        "What do people like and admire about me?\n"
        "People say I am kind and funny. I am good at remembering facts\n"
        "about trains and buses, and I always know which platform we\n"
        "need.\n"
    )
    assert tidy_text(raw).split("\n\n") == [
        "All About Me",
        "Name: Sam Shah. Date of birth: 12 May 2011.",
        "What do people like and admire about me?",
        "People say I am kind and funny. I am good at remembering facts\n"
        "about trains and buses, and I always know which platform we\nneed.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (media_samples.HTML, "Scans must be PDF, JPEG, PNG or TIFF files."),
        (media_samples.webp(), "This is a WebP picture. Scans must be"),
        (media_samples.docx_like(), "This is a Word document. Scans must be"),
        (media_samples.encrypted_pdf(), "protected with a password"),
        (b"%PDF-1.7\n" + bytes(3000), "We couldn't read this file"),
        (media_samples.png_bomb(), "too large to read"),
        (media_samples.jpeg_declaring(20_000, 20_000), "too large to read"),
        (b"II*\x00" + bytes(100), "We couldn't read this file"),
        (
            samples.numbered_pdf(51, dpi=20),
            "This scan has 51 pages; the most we read at once is 50",
        ),
    ],
)
def test_files_that_are_not_usable_scans_are_refused_with_a_reason(data, message):
    with pytest.raises(ScanRefused) as refused:
        inspect_scan(io.BytesIO(data))
    assert message in str(refused.value)


def test_a_png_is_one_page_whatever_frames_it_has():
    assert inspect_scan(io.BytesIO(media_samples.png())) == (PNG, 1)


def test_pictures_become_a_pdf_a_page_each(tmp_path):
    pictures = []
    for number in (1, 2, 3):
        path = tmp_path / f"{number}.jpg"
        samples.render_page([f"Page {number}"], dpi=40).save(path, "JPEG")
        pictures.append((path, 331, 468))
    pdf_from_pictures(pictures, tmp_path / "out.pdf")
    document = pdfium.PdfDocument(tmp_path / "out.pdf")
    try:
        assert len(document) == 3
        assert [round(side) for side in document[0].get_size()] == [595, 841]
    finally:
        document.close()
