"""Paper forms of known text, drawn with Pillow in DejaVu Sans, as a scanner would give
them: PDF, multi-page TIFF, a page fed in crooked, a faint photocopy. And the measure
the OCR tests use: the share of the form's words that came back."""

from __future__ import annotations

import io
import os
import re
import textwrap
from collections import Counter
from collections.abc import Sequence

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from media.ocr import ocr_available

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_INCHES = (8.27, 11.69)

# An "All About Me" form as a family fills it in: the questions printed, the answers
# written in (typed here: Tesseract reads print, not handwriting).
FORM_PAGES: tuple[tuple[str, ...], ...] = (
    (
        "All About Me",
        "Name: Sam Shah. Date of birth: 12 May 2011.",
        "What do people like and admire about me?",
        "People say I am kind and funny. I am good at remembering facts about trains "
        "and buses, and I always know which platform we need.",
        "What is important to me?",
        "My dog Biscuit, my sister Ava and my grandad. Knowing what is happening next. "
        "Quiet time in my room after school before tea.",
        "How best to support me",
        "Give me one instruction at a time and show me a picture of what comes next. "
        "Let me wear ear defenders in the hall and at lunch.",
    ),
    (
        "My hopes and dreams",
        "I want to work with animals when I am older, maybe at a farm or a vet. "
        "I would like to catch the bus to college on my own.",
        "What is working and what is not working",
        "Swimming on Tuesdays is going well and I have made two friends there. "
        "The noise in the dinner hall is still too much for me most days.",
        "Signed by Priya Shah, parent. Date: 3 March 2026.",
    ),
)


def form_text(pages: Sequence[Sequence[str]] = FORM_PAGES) -> str:
    return "\n\n".join("\n".join(page) for page in pages)


def render_page(
    paragraphs: Sequence[str],
    *,
    dpi: int = 150,
    size_points: float = 12,
    ink: int = 0,
    paper: int = 255,
    inches: tuple[float, float] = A4_INCHES,
) -> Image.Image:
    """One greyscale page with the paragraphs set in DejaVu Sans, an inch of margin."""
    width, height = round(inches[0] * dpi), round(inches[1] * dpi)
    page = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, round(size_points * dpi / 72))
    line_height = round(size_points * dpi / 72 * 1.6)
    margin = min(dpi, width // 8)
    characters = max(10, int((width - 2 * margin) / (size_points * dpi / 72 * 0.6)))
    y = margin
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, characters):
            draw.text((margin, y), line, font=font, fill=ink)
            y += line_height
        y += line_height // 2
    assert y < height, "the text does not fit on the page"
    return page


def pdf_of(pages: Sequence[Image.Image], dpi: int = 150) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=list(pages[1:]), resolution=dpi)
    return out.getvalue()


def form_pdf(dpi: int = 150) -> bytes:
    """The two-page form as a PDF of scanned pages."""
    return pdf_of([render_page(page, dpi=dpi) for page in FORM_PAGES], dpi)


def form_tiff(dpi: int = 150) -> bytes:
    """The two-page form as one multi-page TIFF, black and white (CCITT G4) like an
    office scanner makes."""
    pages = [render_page(page, dpi=dpi).convert("1") for page in FORM_PAGES]
    out = io.BytesIO()
    pages[0].save(
        out, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(dpi, dpi)
    )
    return out.getvalue()


def crooked(page: Image.Image, degrees: float) -> Image.Image:
    """The page as fed into a scanner at an angle (anticlockwise for positive degrees)."""
    return page.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def faint(page: Image.Image) -> Image.Image:
    """A poor photocopy: grey ink on grey paper, a little blur and noise, saved as a JPEG."""
    flat = page.point(lambda value: 150 + value * 60 // 255)  # ink 150, paper 210
    noise = Image.effect_noise(flat.size, 12)
    copy = Image.blend(flat, noise, 0.15).filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue()))


def encoded(page: Image.Image, image_format: str = "PNG") -> bytes:
    out = io.BytesIO()
    page.save(out, image_format)
    return out.getvalue()


def numbered_pdf(count: int, *, dpi: int = 100) -> bytes:
    """A long scan made small: `count` half-size pages, each saying which it is."""
    pages = [
        render_page(
            [f"Page {number} of {count}", "My favourite things are trains and swimming."],
            dpi=dpi,
            inches=(5.8, 4.1),
        )
        for number in range(1, count + 1)
    ]
    return pdf_of(pages, dpi)


def words(text: str) -> Counter:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def share_recovered(expected: str, got: str) -> float:
    """The share of the expected words (with repeats) found in what OCR gave back."""
    wanted = words(expected)
    return sum((wanted & words(got)).values()) / sum(wanted.values())


def require_tesseract() -> None:
    """Skip a test that reads text where Tesseract is not installed; in CI, fail."""
    if not ocr_available():
        message = "Tesseract is not installed (apt-get install tesseract-ocr)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
