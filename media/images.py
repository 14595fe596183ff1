"""Pictures: a thumbnail and a display copy made by us, and an original without metadata.

Renditions are decoded and re-encoded here, so nothing hidden in an upload (EXIF
with GPS, XMP, comments, data after the picture) reaches a page. The clean original
keeps every pixel: JPEG, PNG, WebP and GIF are copied losslessly keeping only the
parts that draw the picture (an allowlist, so unknown parts are dropped too);
HEIC becomes a full-size JPEG, and a picture that needs turning is re-encoded.
"""

from __future__ import annotations

import contextlib
import re
import struct
import warnings
from pathlib import Path
from typing import BinaryIO

import pillow_heif
from PIL import GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from media.results import CLEAN_ORIGINAL, DISPLAY, THUMB, Processed, Rejected, Rendition

# Once, at import: HEIC support, without the extra thumbnails and depth maps.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")  # never EPS, PSD, PDF and the like
THUMB_BOX = 320
DISPLAY_BOX = 1280
RENDITION_QUALITY = 82
TURNED_JPEG_QUALITY = 95
HEIF_ORIGINAL_QUALITY = 92
CHUNK = 1 << 20

UNREADABLE = (
    "We couldn't read this picture. It may be damaged or only partly uploaded; "
    "please try again with the original photo."
)

_T = Image.Transpose
_TURN = {
    2: _T.FLIP_LEFT_RIGHT,
    3: _T.ROTATE_180,
    4: _T.FLIP_TOP_BOTTOM,
    5: _T.TRANSPOSE,
    6: _T.ROTATE_270,
    7: _T.TRANSVERSE,
    8: _T.ROTATE_90,
}
_SWAPS_SIDES = {_T.ROTATE_90, _T.ROTATE_270, _T.TRANSPOSE, _T.TRANSVERSE}
_HEADER_READERS = (
    JpegImagePlugin.JpegImageFile,
    PngImagePlugin.PngImageFile,
    GifImagePlugin.GifImageFile,
    WebPImagePlugin.WebPImageFile,
    pillow_heif.HeifImageFile,
)


def process_image(src: Path, workdir: Path, *, max_pixels: int = 100_000_000) -> Processed:
    """Thumbnail, display copy and clean original of one picture; raises Rejected."""
    src, workdir = Path(src), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            # The size is checked against max_pixels below, and Pillow's remarks on
            # damaged metadata change nothing we do. (The filter is process-wide, which
            # suits workers running one job at a time.)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)
            return _process(src, workdir, max_pixels)
    except Rejected:
        raise
    except Image.DecompressionBombError:
        raise _too_large(_declared_size(src), max_pixels) from None
    except OSError as error:
        if error.errno is not None:  # the disk or the path, not the picture
            raise
        raise Rejected(UNREADABLE) from error
    except Exception as error:  # every kind of parser failure is the file's
        raise Rejected(UNREADABLE) from error


def _process(src: Path, workdir: Path, max_pixels: int) -> Processed:
    with Image.open(src, formats=FORMATS) as im:
        if im.width * im.height > max_pixels:
            raise _too_large(im.size, max_pixels)
        # A JPEG carrying extra pictures (depth, gain map) opens as "MPO"; the first is the photo.
        kind = "JPEG" if im.format == "MPO" else im.format
        full_size = im.size
        display_size = _fit(full_size, DISPLAY_BOX)
        if kind == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: most of the speed and memory win.
            im.draft("RGB", display_size)
        im.load()
        turn = exif_turn(im)
        display = _display_copy(im, display_size)
        # HEIC is decoded in full already (and libheif has applied any rotation).
        clean = _save_heif_original(im, workdir) if kind == "HEIF" else None
    if turn is not None:
        display = display.transpose(turn)
    # From the display copy, not the original: decode once. reduce() does most of the work.
    thumb = display.resize(
        _fit(display.size, THUMB_BOX), Image.Resampling.LANCZOS, reducing_gap=2.0
    )
    width, height = full_size[::-1] if turn in _SWAPS_SIDES else full_size
    if clean is None:
        clean = _clean_original(src, kind, turn, full_size, workdir)
    return Processed(
        kind="image",
        renditions=[_save(thumb, workdir, THUMB), _save(display, workdir, DISPLAY), clean],
        width=width,
        height=height,
    )


def _fit(size: tuple[int, int], box: int) -> tuple[int, int]:
    """The size inside a box × box square, never larger than the original."""
    width, height = size
    scale = min(box / width, box / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def exif_turn(im: Image.Image) -> Image.Transpose | None:
    """The turn the EXIF Orientation tag asks for; broken metadata means none."""
    try:
        return _TURN.get(im.getexif().get(0x0112, 1))
    except Exception:
        return None


def _output_mode(im: Image.Image) -> str:
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    return "RGBA" if has_alpha else "L" if im.mode in ("1", "L") else "RGB"


def _normalised(im: Image.Image) -> Image.Image:
    """RGB, RGBA or greyscale, which every browser shows and JPEG/PNG can hold."""
    if im.mode.startswith("I;16"):  # 16-bit greyscale PNG: scale, don't clip
        im = im.convert("I").point(lambda value: value / 256).convert("L")
    mode = _output_mode(im)
    return im if im.mode == mode else im.convert(mode)


def _display_copy(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    picture = _normalised(im)
    if picture.size != size:
        # Hamming is twice as fast as Lanczos and as sharp at the ≤ 2× left after draft().
        picture = picture.resize(size, Image.Resampling.HAMMING, reducing_gap=3.0)
    elif picture is im:
        picture = im.copy()
    if picture.mode == "RGBA" and picture.getchannel("A").getextrema()[0] == 255:
        picture = picture.convert("RGB")  # transparency declared but never used
    return picture


def _save(picture: Image.Image, workdir: Path, name: str) -> Rendition:
    picture.info = {}  # some encoders fall back to info (JPEG comment, PNG ICC)
    if picture.mode == "RGBA":
        path, mime = workdir / f"{name}.png", "image/png"
        picture.save(path, "PNG")
    else:
        path, mime = workdir / f"{name}.jpg", "image/jpeg"
        picture.save(path, "JPEG", quality=RENDITION_QUALITY)
    return Rendition(name, path, mime, picture.width, picture.height)


def _too_large(size: tuple[int, int] | None, max_pixels: int) -> Rejected:
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    said = f" ({size[0]} × {size[1]} pixels)" if size else ""
    return Rejected(
        f"This picture is too large{said}. We take pictures of up to {limit}; "
        "please send a smaller copy."
    )


def _declared_size(src: Path) -> tuple[int, int] | None:
    """The size a refused picture claims, read from its header without decoding it."""
    for reader in _HEADER_READERS:
        with contextlib.suppress(Exception), reader(str(src)) as im:  # not this format
            return im.size
    return None


def _save_heif_original(im: Image.Image, workdir: Path) -> Rendition:
    picture = im if im.mode in ("RGB", "L") else im.convert("RGB")
    picture.info = {}
    path = workdir / f"{CLEAN_ORIGINAL}.jpg"
    picture.save(path, "JPEG", quality=HEIF_ORIGINAL_QUALITY)
    return Rendition(CLEAN_ORIGINAL, path, "image/jpeg", picture.width, picture.height)


def _clean_original(
    src: Path, kind: str, turn: Image.Transpose | None, size: tuple[int, int], workdir: Path
) -> Rendition:
    if turn is not None:
        return _save_turned_original(src, kind, turn, workdir)
    extension, mime, strip = _STRIPPERS[kind]
    path = workdir / f"{CLEAN_ORIGINAL}.{extension}"
    with src.open("rb") as source, path.open("wb") as out:
        strip(source, out)
    return Rendition(CLEAN_ORIGINAL, path, mime, *size)


def _save_turned_original(src: Path, kind: str, turn: Image.Transpose, workdir: Path) -> Rendition:
    """Decode in full, turn upright, re-encode: without EXIF the tag would be lost."""
    with Image.open(src, formats=[kind]) as im:
        picture = _normalised(im).transpose(turn)
    picture.info = {}
    if kind == "JPEG" and picture.mode != "RGBA":
        path, mime = workdir / f"{CLEAN_ORIGINAL}.jpg", "image/jpeg"
        picture.save(path, "JPEG", quality=TURNED_JPEG_QUALITY)
    else:  # lossless for the lossless formats (and the first frame of an animation)
        path, mime = workdir / f"{CLEAN_ORIGINAL}.png", "image/png"
        picture.save(path, "PNG")
    return Rendition(CLEAN_ORIGINAL, path, mime, picture.width, picture.height)


# JPEG: keep the frame, tables and scans; of the APPn segments only JFIF (without
# its thumbnail), the ICC colour profile and Adobe's colour-transform flag.
_JPEG_KEEP = set(range(0xC0, 0xD0)) | {0xDA, 0xDB, 0xDC, 0xDD}
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _strip_jpeg(source: BinaryIO, out: BinaryIO) -> None:
    reader = _Reader(source)
    if reader.read(2) != b"\xff\xd8":
        raise SyntaxError("not a JPEG")
    out.write(b"\xff\xd8")
    while (marker := reader.marker()) != 0xD9:
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            continue
        length = int.from_bytes(reader.read(2), "big")
        if length < 2:
            raise SyntaxError("bad JPEG segment length")
        body = _kept_jpeg_segment(marker, reader.read(length - 2))
        if body is not None:
            out.write(bytes((0xFF, marker)) + (len(body) + 2).to_bytes(2, "big") + body)
        if marker == 0xDA and not reader.copy_scan(out):
            break  # the file ends without EOI; the decoder managed, so we do too
    # Anything after EOI (a second picture with its own EXIF, a polyglot's tail) is dropped.
    out.write(b"\xff\xd9")


def _kept_jpeg_segment(marker: int, body: bytes) -> bytes | None:
    if marker == 0xE0 and body.startswith(b"JFIF\x00") and len(body) >= 14:
        return body[:12] + b"\x00\x00"  # no embedded thumbnail
    if marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"):
        return body
    if marker == 0xEE and body.startswith(b"Adobe"):
        return body
    return body if marker in _JPEG_KEEP else None


class _Reader:
    """Buffered reads over a file, for walking JPEG markers without loading it whole."""

    def __init__(self, file: BinaryIO) -> None:
        self.file, self.buffer, self.at = file, b"", 0

    def _fill(self, count: int) -> bool:
        if len(self.buffer) - self.at < count:
            self.buffer = self.buffer[self.at :] + self.file.read(max(count, CHUNK))
            self.at = 0
        return len(self.buffer) - self.at >= count

    def read(self, count: int) -> bytes:
        if not self._fill(count):
            raise EOFError("truncated")
        data = self.buffer[self.at : self.at + count]
        self.at += count
        return data

    def marker(self) -> int:
        if self.read(1) != b"\xff":
            raise SyntaxError("expected a JPEG marker")
        while (byte := self.read(1)) == b"\xff":
            pass
        return byte[0]

    def copy_scan(self, out: BinaryIO) -> bool:
        """Copy entropy-coded data up to the next marker; False if the file ends first."""
        while True:
            found = _NEXT_MARKER.search(self.buffer, self.at)
            if found:
                out.write(self.buffer[self.at : found.start()])
                self.at = found.start()
                return True
            end = len(self.buffer) - self.buffer.endswith(b"\xff")  # may start a marker
            out.write(self.buffer[self.at : end])
            self.at = end
            if not self._fill(2):
                out.write(self.buffer[self.at :])
                return False


# PNG: pixels, palette, transparency, colour and animation chunks only; text,
# eXIf, tIME and anything unknown are dropped.
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT",
    b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _strip_png(source: BinaryIO, out: BinaryIO) -> None:
    signature = source.read(8)
    if signature != b"\x89PNG\r\n\x1a\n":
        raise SyntaxError("not a PNG")
    out.write(signature)
    while True:
        header = source.read(8)
        if len(header) < 8:
            raise EOFError("PNG ends before IEND")
        length, name = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF:
            raise SyntaxError("bad PNG chunk length")
        keep = name in _PNG_KEEP
        if keep:
            out.write(header)
        _copy(source, out if keep else None, length + 4)  # data and CRC
        if name == b"IEND":
            return


# WebP: the RIFF chunks that draw the picture or animation, and its colour profile.
_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def _strip_webp(source: BinaryIO, out: BinaryIO) -> None:
    riff, size, webp = struct.unpack("<4sI4s", _read_exactly(source, 12))
    if riff != b"RIFF" or webp != b"WEBP":
        raise SyntaxError("not a WebP")
    out.write(b"RIFF\x00\x00\x00\x00WEBP")
    position, end = 12, 8 + size
    while position + 8 <= end:
        header = source.read(8)
        if len(header) < 8:
            break
        name, length = struct.unpack("<4sI", header)
        if name == b"VP8X":
            flags = _read_exactly(source, length)
            out.write(header + bytes((flags[0] & ~0x0C,)) + flags[1:])  # no EXIF, no XMP
        else:
            keep = name in _WEBP_KEEP
            if keep:
                out.write(header)
            _copy(source, out if keep else None, length)
        if length & 1:  # chunks are padded to even lengths; some writers forget the last
            source.read(1)
            if name in _WEBP_KEEP:
                out.write(b"\x00")
        position += 8 + length + (length & 1)
    total = out.tell()
    out.seek(4)
    out.write((total - 8).to_bytes(4, "little"))
    out.seek(total)


def _strip_gif(source: BinaryIO, out: BinaryIO) -> None:
    """Header, colour tables, frames and timing/looping extensions; no comments or XMP."""
    header = _read_exactly(source, 13)
    if header[:6] not in (b"GIF87a", b"GIF89a"):
        raise SyntaxError("not a GIF")
    out.write(header)
    if header[10] & 0x80:
        _copy(source, out, 3 << ((header[10] & 7) + 1))
    while (introducer := source.read(1)) in (b",", b"!"):
        if introducer == b",":
            descriptor = _read_exactly(source, 9)
            out.write(introducer + descriptor)
            if descriptor[8] & 0x80:
                _copy(source, out, 3 << ((descriptor[8] & 7) + 1))
            _copy(source, out, 1)  # LZW minimum code size
            _copy_blocks(source, out)
            continue
        label = _read_exactly(source, 1)
        if label == b"\xf9":  # frame timing and transparency
            out.write(introducer + label)
            _copy_blocks(source, out)
        elif label == b"\xff":  # application: keep only the loop count
            first = _read_exactly(source, 1)
            name = _read_exactly(source, first[0])
            keep = name in (b"NETSCAPE2.0", b"ANIMEXTS1.0")
            if keep:
                out.write(introducer + label + first + name)
            _copy_blocks(source, out if keep else None)
        else:  # comments, plain text and anything unknown
            _copy_blocks(source, None)
    out.write(b";")  # trailing data, if any, is dropped


def _copy_blocks(source: BinaryIO, out: BinaryIO | None) -> None:
    """GIF data sub-blocks, up to and including the empty one that ends them."""
    while True:
        size = _read_exactly(source, 1)
        data = _read_exactly(source, size[0])
        if out is not None:
            out.write(size + data)
        if not size[0]:
            return


def _read_exactly(source: BinaryIO, count: int) -> bytes:
    data = source.read(count)
    if len(data) < count:
        raise EOFError("truncated")
    return data


def _copy(source: BinaryIO, out: BinaryIO | None, count: int) -> None:
    """Copy (or skip, with out=None) exactly count bytes, a chunk at a time."""
    while count:
        data = _read_exactly(source, min(count, CHUNK))
        if out is not None:
            out.write(data)
        count -= len(data)


_STRIPPERS = {
    "JPEG": ("jpg", "image/jpeg", _strip_jpeg),
    "PNG": ("png", "image/png", _strip_png),
    "WEBP": ("webp", "image/webp", _strip_webp),
    "GIF": ("gif", "image/gif", _strip_gif),
}
