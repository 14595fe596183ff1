"""Reading a page of a scanned form: Tesseract OCR after two cheap clean-ups.

Real scans are faint photocopies and pages fed in at a slight angle. The contrast is
stretched, and a skew of up to 5° is straightened: the angle is found from the
projection profile of a small black-and-white copy (text lines make sharp rows only
when they are level), which costs a few hundredths of a second. A page turned a
quarter or half round is rarer and costs Tesseract's orientation check (about a
second), so that runs only when the first reading does not come back as English.
"""

from __future__ import annotations

import math
import os
import re
import shutil
from dataclasses import dataclass

from PIL import Image, ImageOps

# Tesseract's OpenMP threads spin against each other on a small machine: one thread
# reads a page 2-3 times faster here (2 cores) than the default. An operator's own
# setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_TIMEOUT_SECONDS = 120
OCR_LANGUAGE = "eng"
SKEW_LIMIT_DEGREES = 5.0
SKEW_IGNORED_DEGREES = 0.3  # straightening blurs a little; below this it is not worth it
SKEW_SAMPLE_SIDE = 1000


class ReadingFailed(Exception):
    """OCR of one page did not finish (timeout, Tesseract error); str() says why."""


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for OCR (greyscale, contrast stretched, level) and how it was turned."""

    image: Image.Image
    skew_degrees: float  # turned by this much (anticlockwise) to make it level


def prepare_for_reading(page: Image.Image) -> PreparedPage:
    """Greyscale, stretch a faint copy's contrast, straighten a small skew."""
    grey = ImageOps.autocontrast(page.convert("L"), cutoff=1)
    angle = skew_angle(grey)
    return PreparedPage(straighten(grey, angle), angle)


def straighten(page: Image.Image, angle: float) -> Image.Image:
    """The page turned by `angle` degrees on white paper; unchanged for tiny angles."""
    if abs(angle) < SKEW_IGNORED_DEGREES:
        return page
    paper = 255 if page.mode == "L" else (255, 255, 255)
    return page.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=paper)


def skew_angle(grey: Image.Image, limit: float = SKEW_LIMIT_DEGREES) -> float:
    """The turn (degrees, anticlockwise) that makes the page's text lines level: the
    angle whose horizontal projection profile is sharpest, searched on a small
    black-and-white copy in half-degree steps, then tenths around the best."""
    small = grey.reduce(max(1, math.ceil(max(grey.size) / SKEW_SAMPLE_SIDE)))
    threshold = _otsu_threshold(small)
    ink = small.point(lambda value: 255 if value < threshold else 0)  # text white on black
    if ink.getbbox() is None:
        return 0.0  # a blank page
    steps = round(limit * 2)
    coarse = max((step / 2 for step in range(-steps, steps + 1)), key=lambda a: _sharpness(ink, a))
    fine = (coarse + step / 10 for step in range(-4, 5))
    return max(fine, key=lambda angle: _sharpness(ink, angle))


def _sharpness(ink: Image.Image, angle: float) -> int:
    turned = ink.rotate(angle, Image.Resampling.NEAREST, fillcolor=0) if angle else ink
    rows = turned.resize((1, turned.height), Image.Resampling.BOX).tobytes()
    return sum((above - below) ** 2 for above, below in zip(rows, rows[1:], strict=False))


def _otsu_threshold(grey: Image.Image) -> int:
    """The grey level that best splits ink from paper (Otsu's method)."""
    histogram = grey.histogram()
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    below = weighted_below = 0
    best_level, best_spread = 128, -1.0
    for level, count in enumerate(histogram):
        below += count
        if below == 0 or below == total:
            continue
        weighted_below += level * count
        above = total - below
        mean_below = weighted_below / below
        mean_above = (weighted_total - weighted_below) / above
        spread = below * above * (mean_below - mean_above) ** 2
        if spread > best_spread:
            best_level, best_spread = level + 1, spread
    return best_level


# --- OCR ---------------------------------------------------------------------------------


def ocr_available() -> bool:
    """Whether Tesseract is installed here; without it scans are stored and shown, and
    staff type the text themselves."""
    import pytesseract

    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def read_page(prepared: PreparedPage, *, timeout: int = OCR_TIMEOUT_SECONDS) -> str:
    """The text on a prepared page; raises ReadingFailed. A page that reads as
    nonsense is checked for a quarter or half turn and read again if it had one."""
    text = _ocr(prepared.image, timeout)
    if _looks_read(text):
        return text
    turn = _quarter_turns(prepared.image, timeout)
    if turn is None:
        return text
    second = _ocr(prepared.image.rotate(turn, expand=True), timeout)
    return second if _word_count(second) > _word_count(text) else text


def _ocr(image: Image.Image, timeout: int) -> str:
    import pytesseract

    try:
        raw = pytesseract.image_to_string(
            image, lang=OCR_LANGUAGE, config="--psm 3", timeout=timeout
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise ReadingFailed(f"Reading this page took longer than {timeout} seconds.") from error
    except (pytesseract.TesseractError, OSError) as error:
        raise ReadingFailed("The text reader (Tesseract) could not read this page.") from error
    return tidy_text(raw)


def _quarter_turns(image: Image.Image, timeout: int) -> int | None:
    """Degrees (90, 180, 270) Tesseract's orientation check says the page needs, if any."""
    import pytesseract

    try:
        found = pytesseract.image_to_osd(image, config="--psm 0", timeout=timeout)
    except (RuntimeError, pytesseract.TesseractError, OSError):
        return None  # too little text to tell, or no time: leave the page as it is
    rotate = re.search(r"Rotate: (\d+)", found)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", found)
    if not rotate or not confidence or float(confidence.group(1)) < 2.0:
        return None
    degrees = int(rotate.group(1)) % 360
    # Tesseract says how far to turn clockwise; Pillow turns anticlockwise.
    return (360 - degrees) % 360 or None


_TOKEN = re.compile(r"[a-z]+")
# The commonest English words. Text read the right way up is full of them; a page read
# upside down or sideways comes back as letter-shaped fragments ("pue", "aw") instead.
_COMMON_WORDS = frozenset({
    "a", "about", "after", "all", "also", "am", "an", "and", "are", "as", "at", "be",
    "because", "but", "by", "can", "do", "for", "from", "get", "go", "good", "have", "he",
    "her", "him", "his", "i", "if", "in", "is", "it", "like", "me", "my", "no", "not", "of",
    "on", "or", "our", "out", "people", "she", "so", "that", "the", "their", "them", "then",
    "there", "they", "this", "to", "up", "us", "was", "we", "what", "when", "where", "which",
    "who", "will", "with", "would", "you", "your",
})  # fmt: skip
# A capital I on its own, in fonts where it is a plain stroke, comes back as a bar.
_LONE_BAR = re.compile(r"(?<!\S)\|(?!\S)")


def tidy_text(text: str) -> str:
    """OCR output made ready for a person to check, and to read as Markdown: a lone bar
    read as I; no form feeds or trailing spaces; a line that ends well short of the
    page's width (a heading, "Name: Sam"), ends a sentence short of it, or ends with a
    question or a colon is a paragraph of its own, while the lines of a wrapped
    paragraph stay together."""
    text = _LONE_BAR.sub("I", text.replace("\f", "\n"))
    lines = [line.rstrip() for line in text.splitlines()]
    longest = max((len(line) for line in lines), default=0)
    kept: list[str] = []
    for line, following in zip(lines, lines[1:] + [""], strict=False):
        kept.append(line)
        ends_alone = (
            len(line) < longest / 2
            or line.endswith((":", "?"))
            or (line.endswith((".", "!")) and len(line) < longest * 0.8)
        )
        if line and following and ends_alone:
            kept.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _word_count(text: str) -> int:
    """How many of the commonest English words the text holds."""
    return sum(token in _COMMON_WORDS for token in _TOKEN.findall(text.lower()))


def _looks_read(text: str) -> bool:
    """Whether OCR found English: at least one word in eight is a very common one."""
    return _word_count(text) * 8 >= len(_TOKEN.findall(text.lower())) > 0
