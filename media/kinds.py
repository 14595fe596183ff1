"""What an uploaded file really is, decided from its first bytes only.

A file's name and the browser's Content-Type are chosen by whoever sends it, so they
are never consulted. Each accepted format is matched by an explicit rule below;
anything else, and anything that could run in a browser or on a computer (HTML, SVG,
scripts, programs), is refused with a message a parent can act on.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

import puremagic

from media.results import Rejected

HEAD_BYTES = 8192

ACCEPTED_SUMMARY = (
    "photos (JPEG, PNG, WebP, GIF, HEIC), audio (M4A, MP3, WAV, Ogg, WebM), "
    "video (MP4, MOV, WebM) and documents (PDF, Word, Excel, PowerPoint, OpenDocument)"
)

ACCEPT_ATTRIBUTE = ",".join(
    [
        "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,image/*,.heic,.heif",
        "audio/*,.m4a,.aac,.mp3,.wav,.ogg,.opus,.webm",
        "video/*,.mp4,.mov",
        "application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp",
    ]
)


@dataclass(frozen=True)
class FileType:
    kind: str  # "image", "audio", "video" or "document"
    mime: str  # the type we serve the original as
    extension: str  # without the dot
    label: str  # plain English, for people

    @property
    def download_only(self) -> bool:
        """Office files are never shown in the page, only offered for download."""
        return self.kind == "document" and self.mime != "application/pdf"


class Unrecognised(Rejected):
    """A file we do not take; the message says why and what we do take."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason} We accept {ACCEPTED_SUMMARY}.")


JPEG = FileType("image", "image/jpeg", "jpg", "JPEG photo")
PNG = FileType("image", "image/png", "png", "PNG picture")
WEBP = FileType("image", "image/webp", "webp", "WebP picture")
GIF = FileType("image", "image/gif", "gif", "GIF picture")
HEIC = FileType("image", "image/heic", "heic", "HEIC photo")
HEIF = FileType("image", "image/heif", "heif", "HEIF photo")
M4A = FileType("audio", "audio/mp4", "m4a", "M4A audio")
AAC = FileType("audio", "audio/aac", "aac", "AAC audio")
MP3 = FileType("audio", "audio/mpeg", "mp3", "MP3 audio")
WAV = FileType("audio", "audio/wav", "wav", "WAV audio")
OGG = FileType("audio", "audio/ogg", "ogg", "Ogg audio")
MP4 = FileType("video", "video/mp4", "mp4", "MP4 video")
MOV = FileType("video", "video/quicktime", "mov", "QuickTime video (MOV)")
WEBM = FileType("video", "video/webm", "webm", "WebM video")
MKV = FileType("video", "video/x-matroska", "mkv", "Matroska video")
PDF = FileType("document", "application/pdf", "pdf", "PDF document")
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileType("document", _OOXML + "wordprocessingml.document", "docx", "Word document")
XLSX = FileType("document", _OOXML + "spreadsheetml.sheet", "xlsx", "Excel spreadsheet")
PPTX = FileType(
    "document", _OOXML + "presentationml.presentation", "pptx", "PowerPoint presentation"
)
_ODF = "application/vnd.oasis.opendocument."
ODT = FileType("document", _ODF + "text", "odt", "OpenDocument text")
ODS = FileType("document", _ODF + "spreadsheet", "ods", "OpenDocument spreadsheet")
ODP = FileType("document", _ODF + "presentation", "odp", "OpenDocument presentation")
DOC = FileType("document", "application/msword", "doc", "Word document (older format)")
XLS = FileType("document", "application/vnd.ms-excel", "xls", "Excel spreadsheet (older format)")
PPT = FileType(
    "document", "application/vnd.ms-powerpoint", "ppt", "PowerPoint presentation (older format)"
)

# ISO media (MP4 family) brands, read from the ftyp box.
# Every type we take, for naming downloads by their real type.
EXTENSION_FOR_MIME = {
    file_type.mime: file_type.extension
    for file_type in (
        JPEG, PNG, WEBP, GIF, HEIC, HEIF, AAC, M4A, MP3, WAV, OGG, MP4, MOV, WEBM, MKV, PDF,
        DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT,
    )
}  # fmt: skip

_AVIF_BRANDS = {b"avif", b"avis"}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"mp41", b"mp42", b"avc1", b"dash", b"mmp4", b"M4V ", b"M4VH", b"M4VP"}
_MP4_BRANDS |= {b"iso%d" % n for n in range(2, 10)}

_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
_OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_OOXML_MAIN_TYPES = {
    b"wordprocessingml.document.main": DOCX,
    b"spreadsheetml.sheet.main": XLSX,
    b"presentationml.presentation.main": PPTX,
}
# Stream names in an old Office file's directory (UTF-16, NUL-terminated).
_OLE_STREAMS = {
    "WordDocument": DOC,
    "Workbook": XLS,
    "Book": XLS,
    "PowerPoint Document": PPT,
}

_EXECUTABLE = (
    b"\x7fELF",  # Linux
    b"MZ",  # Windows
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O), both byte orders and widths
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal binary / Java class
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
# Formats we recognise but do not take, so the message can name them.
_NOT_TAKEN = (
    (b"#!AMR", "an AMR voice recording"),
    (b"II*\x00", "a TIFF picture (or camera RAW file)"),
    (b"MM\x00*", "a TIFF picture (or camera RAW file)"),
    (b"II+\x00", "a TIFF picture"),
    (b"MM\x00+", "a TIFF picture"),
    (b"8BPS", "a Photoshop file (PSD)"),
    (b"%!PS", "a PostScript or EPS file"),
    (b"\xc5\xd0\xd3\xc6", "an EPS file"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 picture"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 picture"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL picture"),
    (b"\xff\x0a", "a JPEG XL picture"),
    (b"fLaC", "a FLAC audio file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a compressed archive (gzip)"),
    (b"Rar!\x1a\x07", "a compressed archive (RAR)"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive (7-Zip)"),
    (b"\xfd7zXZ\x00", "a compressed archive (xz)"),
)

_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<meta",
    b"<style",
    b"<title",
    b"<div",
    b"<img",
    b"<a ",
    b"<form",
    b"<object",
    b"<embed",
    b"<!--",
)
_JS_START = re.compile(
    rb"(//|/\*|\(?\s*function\b|!function\b|async\s+function\b|(var|let|const)\s+[\w$]"
    rb"|import\s|export\s|['\"]use strict['\"]|(window|document|module|self)\.|require\()"
)
_SCRIPT_START = re.compile(rb"(@echo\s+off|powershell|set\s+-e\b|<\?php)", re.IGNORECASE)
_TEXT_SPACE = b" \t\r\n\f\v\x00"

EXECUTABLE = "This looks like a program, which could harm computers, so it can't be uploaded."
SCRIPT = "This looks like a script (program code), which could be harmful, so it can't be uploaded."
HTML = "This looks like a web page (HTML), which could carry harmful code, so it can't be uploaded."
SVG = "This looks like an SVG drawing, which can carry harmful code, so it can't be uploaded."
XML = "This looks like an XML file, which can carry harmful code, so it can't be uploaded."
JAVASCRIPT = "This looks like JavaScript code, which could be harmful, so it can't be uploaded."


def identify(head: bytes) -> FileType:
    """The type of a file from its first HEAD_BYTES bytes; raises Unrecognised."""
    head = bytes(head[:HEAD_BYTES])
    if not head:
        raise Unrecognised("The file is empty.")
    if head.startswith(_EXECUTABLE):
        raise Unrecognised(EXECUTABLE)
    found = _strong_magic(head)
    if found is not None:
        return found
    _refuse_known(head)
    _refuse_text(head)
    found = _mpeg_audio(head)
    if found is not None:
        return found
    raise Unrecognised(_unknown_reason(head))


def _strong_magic(head: bytes) -> FileType | None:
    """Formats with a distinctive signature at the very start."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head.startswith(b"OggS"):
        return _ogg(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(head)
    if head.startswith(b"ID3"):
        return _id3(head)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole2(head)
    return None


def _iso_media(head: bytes) -> FileType:
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size % 4:
        raise Unrecognised("We couldn't tell what kind of video or audio file this is.")
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if brands & _AVIF_BRANDS:
        raise Unrecognised(
            "This looks like an AVIF picture, which we can't take yet: "
            "please save it as a JPEG or PNG."
        )
    if major in _M4A_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    if brands & _HEIC_BRANDS and major not in _MP4_BRANDS:
        return HEIC
    if major in _HEIF_BRANDS:
        return HEIF
    if major in _MP4_BRANDS:
        return MP4
    # An unusual major brand: fall back to what it says it is compatible with.
    if b"qt  " in brands:
        return MOV
    if brands & _MP4_BRANDS:
        return MP4
    raise Unrecognised("We couldn't tell what kind of video or audio file this is.")


def _ogg(head: bytes) -> FileType:
    first_page = head[:512]
    if b"OpusHead" in first_page or b"\x01vorbis" in first_page:
        return OGG
    if b"\x80theora" in first_page:
        raise Unrecognised("This looks like an Ogg video (Theora), which we can't take.")
    raise Unrecognised("This looks like an Ogg file we can't play.")


def _matroska(head: bytes) -> FileType:
    # The EBML header at the start names the document type.
    header = head[:128]
    if b"webm" in header:
        return WEBM
    if b"matroska" in header:
        return MKV
    raise Unrecognised("We couldn't tell what kind of video this is.")


def _id3(head: bytes) -> FileType:
    """An ID3 tag, then (usually) MP3 frames; AAC and FLAC can hide behind one too."""
    if len(head) < 10 or head[3] not in (2, 3, 4) or any(b & 0x80 for b in head[6:10]):
        raise Unrecognised("We couldn't tell what kind of audio file this is.")
    tag_size = 10 + ((head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9])
    if head[5] & 0x10:  # a footer follows the tag
        tag_size += 10
    after = head[tag_size : tag_size + 4]
    if after.startswith(b"fLaC"):
        raise Unrecognised("This looks like a FLAC audio file, which we can't take.")
    if _adts_frame(head, tag_size):
        return AAC
    return MP3


def _mpeg_audio(head: bytes) -> FileType | None:
    """Bare MPEG audio frames: checked last, because the sync pattern is short."""
    if _adts_frame(head, 0):
        return AAC
    if _mp3_frame_length(head, 0):
        return MP3
    return None


_MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(head: bytes, at: int) -> int:
    """The length of an MPEG Layer III frame starting at `at`, or 0 if there is none."""
    frame = head[at : at + 4]
    if len(frame) < 4 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return 0
    version, layer = (frame[1] >> 3) & 3, (frame[1] >> 1) & 3
    bitrate_index, rate_index = frame[2] >> 4, (frame[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    bitrate = _MP3_BITRATES[version][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    length = (144 if version == 3 else 72) * bitrate // rate + ((frame[2] >> 1) & 1)
    following = at + length
    # Random bytes pass the header check now and then; a second frame rarely does.
    if following + 2 <= len(head) and not (
        head[following] == 0xFF and head[following + 1] & 0xE0 == 0xE0
    ):
        return 0
    return length


def _adts_frame(head: bytes, at: int) -> bool:
    """Whether a raw AAC (ADTS) frame starts at `at`."""
    frame = head[at : at + 7]
    if len(frame) < 7 or frame[0] != 0xFF or frame[1] & 0xF6 != 0xF0:
        return False
    if (frame[2] >> 2) & 0xF > 12:
        return False
    length = ((frame[3] & 3) << 11) | (frame[4] << 3) | (frame[5] >> 5)
    if length < 7:
        return False
    following = at + length
    return following + 2 > len(head) or (
        head[following] == 0xFF and head[following + 1] & 0xF6 == 0xF0
    )


def _zip(head: bytes) -> FileType:
    """Office (OOXML) and OpenDocument files are zips; a plain zip is refused."""
    entries = list(_zip_entries(head))
    if entries and entries[0][0] == "mimetype":
        found = _ODF_TYPES.get(entries[0][1].rstrip())
        if found:
            return found
    names = [name for name, _ in entries]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Unrecognised(_MACROS)
    for name in names:
        for folder, found in _OOXML_FOLDERS.items():
            if name.startswith(folder):
                return found
    for name, content in entries:
        if name == "[Content_Types].xml":
            if b"macroEnabled" in content:
                raise Unrecognised(_MACROS)
            for marker, found in _OOXML_MAIN_TYPES.items():
                if marker in content:
                    return found
            raise Unrecognised("We couldn't tell which kind of Office document this is.")
    raise Unrecognised(
        "This looks like a zip archive. Please upload the files inside it one by one."
    )


_MACROS = (
    "This Office document contains macros (program code), which could be harmful, "
    "so it can't be uploaded. Please save it as an ordinary document or as a PDF."
)


def _zip_entries(head: bytes):
    """(name, content) for each zip entry whose local header lies in the head.

    Content is as much as the head holds, inflated (to at most 64 KB) when deflated,
    so an Office file's [Content_Types].xml can be read."""
    for match in re.finditer(rb"PK\x03\x04", head):
        at = match.start()
        if at + 30 > len(head):
            break
        flags, method = struct.unpack_from("<HH", head, at + 6)
        compressed, _size, name_length, extra_length = struct.unpack_from("<IIHH", head, at + 18)
        name = head[at + 30 : at + 30 + name_length].decode("utf-8", "replace")
        start = at + 30 + name_length + extra_length
        end = start + compressed if compressed and not flags & 8 else len(head)
        data = head[start:end]
        if method == 8:
            try:
                data = zlib.decompressobj(-15).decompress(data, 65536)
            except zlib.error:
                data = b""
        elif method != 0:
            data = b""
        yield name, data


def _ole2(head: bytes) -> FileType:
    """Old Office files share one container; its directory names the application."""
    for stream, found in _OLE_STREAMS.items():
        if (stream + "\x00").encode("utf-16-le") in head:
            return found
    raise Unrecognised(
        "We couldn't tell which kind of older Office document this is. "
        "Please save it in a newer Word, Excel or PowerPoint format, or as a PDF."
    )


def _refuse_known(head: bytes) -> None:
    for signature, name in _NOT_TAKEN:
        if head.startswith(signature):
            raise Unrecognised(f"This looks like {name}, which we can't take.")
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        raise Unrecognised("This looks like an AVI video, which we can't take.")
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00" and len(head) > 18:
        raise Unrecognised("This looks like a BMP picture, which we can't take.")


def _refuse_text(head: bytes) -> None:
    """Markup and code, however it is dressed up (BOM, UTF-16, leading space)."""
    text = _as_text(head)
    start = text.lstrip(_TEXT_SPACE)
    lower = start[:HEAD_BYTES].lower()
    if start.startswith(b"#!"):
        raise Unrecognised(SCRIPT)
    if _SCRIPT_START.match(start):
        raise Unrecognised(SCRIPT)
    if start.startswith(b"<"):
        if b"<svg" in lower:
            raise Unrecognised(SVG)
        if any(marker in lower for marker in _HTML_MARKERS):
            raise Unrecognised(HTML)
        if lower.startswith((b"<?xml", b"<!doctype")):
            raise Unrecognised(XML)
        raise Unrecognised(HTML)
    if _JS_START.match(start):
        raise Unrecognised(JAVASCRIPT)
    if _looks_textual(head) and (b"<script" in lower or b"<svg" in lower or b"<html" in lower):
        raise Unrecognised(HTML)


def _as_text(head: bytes) -> bytes:
    """The head as ASCII-compatible bytes: BOMs removed, UTF-16 narrowed."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    encoding = None
    if head.startswith(b"\xff\xfe"):
        encoding, head = "utf-16-le", head[2:]
    elif head.startswith(b"\xfe\xff"):
        encoding, head = "utf-16-be", head[2:]
    elif len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        encoding = "utf-16-le"
    elif len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        encoding = "utf-16-be"
    if encoding is None:
        return head
    return head.decode(encoding, "ignore").encode("utf-8", "ignore")


_TAKEN_EXTENSIONS = {
    kind.extension
    for kind in (JPEG, PNG, WEBP, GIF, HEIC, HEIF, M4A, AAC, MP3, WAV, OGG, MP4, MOV, WEBM, MKV,
                 PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT)
} | {"jpeg", "jpe", "mp4a", "m4v", "opus", "oga", "ogv", "zip"}  # fmt: skip


def _looks_textual(head: bytes) -> bool:
    return b"\x00" not in head[:1024]


def _unknown_reason(head: bytes) -> str:
    """Name the format when puremagic is confident, to make the refusal clearer."""
    try:
        guesses = puremagic.magic_string(head)
    except Exception:  # puremagic only names the file; its failure is no reason to fail
        guesses = []
    guesses = [guess for guess in guesses if guess.confidence >= 0.4 and guess.extension]
    if guesses and guesses[0].extension.lstrip(".").lower() in _TAKEN_EXTENSIONS:
        # A format we take, but not in the shape our rules accept: damaged or disguised.
        return "We couldn't tell what kind of file this is; it may be damaged."
    if guesses:
        extension = guesses[0].extension.lstrip(".").upper()
        return f"This looks like a file of type {extension}, which we can't take."
    if _looks_textual(head):
        return "This looks like a plain text file, which we can't take."
    return "We couldn't tell what kind of file this is."
