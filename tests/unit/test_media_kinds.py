"""identify(): what a file is from its first bytes, and what we refuse.

The BAD_FILES test runs each sample the whole way (identify, then the picture or PDF
step), because "refused", "failed" and "accepted" are outcomes of the pair."""

from __future__ import annotations

import dataclasses
import struct

import pytest

from media.images import process_image
from media.kinds import (
    ACCEPT_ATTRIBUTE,
    ACCEPTED_SUMMARY,
    HEAD_BYTES,
    FileType,
    Unrecognised,
    identify,
)
from media.pdf import process_pdf
from media.results import Rejected
from tests import media_samples as samples


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    box = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(box)) + b"ftyp" + box + b"\x00\x00\x00\x08free" + bytes(64)


def mp3_frames(count: int = 5) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames.
    return (b"\xff\xfb\x90\x00" + bytes(413)) * count


def adts_frames(count: int = 5) -> bytes:
    # AAC-LC, 44.1 kHz, stereo, 100-byte frames.
    return (b"\xff\xf1\x50\x80\x0c\x9f\xfc" + bytes(93)) * count


def ogg(codec_header: bytes) -> bytes:
    return b"OggS\x00\x02" + bytes(20) + b"\x01" + bytes((len(codec_header),)) + codec_header


def ebml(doctype: bytes) -> bytes:
    return (
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        + b"\x42\x82"
        + bytes((0x80 | len(doctype),))
        + doctype
        + bytes(64)
    )


DOC = "document"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
PPT_MIME = "application/vnd.ms-powerpoint"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00" + bytes(32)

GOOD = [
    ("jpeg", lambda: samples.jpeg_with_gps(), "image", "image/jpeg", "jpg"),
    ("png", lambda: samples.png(), "image", "image/png", "png"),
    ("webp", lambda: samples.webp(), "image", "image/webp", "webp"),
    ("gif", lambda: samples.gif(), "image", "image/gif", "gif"),
    ("heic", lambda: samples.heic(64, 48), "image", "image/heic", "heic"),
    ("heic-brand", lambda: ftyp(b"heic", b"mif1", b"heic"), "image", "image/heic", "heic"),
    ("mif1-heic", lambda: ftyp(b"mif1", b"mif1", b"heic"), "image", "image/heic", "heic"),
    ("heif", lambda: ftyp(b"mif1", b"mif1", b"miaf"), "image", "image/heif", "heif"),
    ("msf1", lambda: ftyp(b"msf1", b"msf1", b"hevc"), "image", "image/heic", "heic"),
    ("m4a", lambda: ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio", "audio/mp4", "m4a"),
    ("m4b", lambda: ftyp(b"M4B ", b"M4B ", b"mp42"), "audio", "audio/mp4", "m4a"),
    ("mp4", lambda: ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video", "video/mp4", "mp4"),
    ("mp4-mp42", lambda: ftyp(b"mp42", b"mp42", b"isom"), "video", "video/mp4", "mp4"),
    ("mp4-odd-major", lambda: ftyp(b"XAVC", b"XAVC", b"mp42"), "video", "video/mp4", "mp4"),
    ("mov", lambda: ftyp(b"qt  ", b"qt  "), "video", "video/quicktime", "mov"),
    ("webm", lambda: ebml(b"webm"), "video", "video/webm", "webm"),
    ("mkv", lambda: ebml(b"matroska"), "video", "video/x-matroska", "mkv"),
    ("opus", lambda: ogg(b"OpusHead\x01\x02" + bytes(9)), "audio", "audio/ogg", "ogg"),
    ("vorbis", lambda: ogg(b"\x01vorbis" + bytes(23)), "audio", "audio/ogg", "ogg"),
    ("wav", lambda: WAV, "audio", "audio/wav", "wav"),
    ("mp3-id3", lambda: b"ID3\x04\x00\x00\x00\x00\x00\x0a" + bytes(10) + mp3_frames(), "audio",
     "audio/mpeg", "mp3"),
    ("mp3-bare", mp3_frames, "audio", "audio/mpeg", "mp3"),
    ("aac-adts", adts_frames, "audio", "audio/aac", "aac"),
    ("aac-id3", lambda: b"ID3\x03\x00\x00\x00\x00\x00\x00" + adts_frames(), "audio", "audio/aac",
     "aac"),
    ("pdf", lambda: samples.pdf(1), "document", "application/pdf", "pdf"),
    ("docx", lambda: samples.docx_like("docx"), DOC, OOXML + "wordprocessingml.document", "docx"),
    ("xlsx", lambda: samples.docx_like("xlsx"), DOC, OOXML + "spreadsheetml.sheet", "xlsx"),
    ("pptx", lambda: samples.docx_like("pptx"), DOC, OOXML + "presentationml.presentation", "pptx"),
    ("odt", lambda: samples.odf_like("text"), DOC, ODF + "text", "odt"),
    ("ods", lambda: samples.odf_like("spreadsheet"), DOC, ODF + "spreadsheet", "ods"),
    ("odp", lambda: samples.odf_like("presentation"), DOC, ODF + "presentation", "odp"),
    ("doc", lambda: samples.ole2_like("WordDocument"), DOC, "application/msword", "doc"),
    ("xls", lambda: samples.ole2_like("Workbook"), DOC, "application/vnd.ms-excel", "xls"),
    ("ppt", lambda: samples.ole2_like("PowerPoint Document"), DOC, PPT_MIME, "ppt"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "make", "kind", "mime", "extension"), GOOD, ids=[g[0] for g in GOOD]
)
def test_good_files_are_identified(name, make, kind, mime, extension):
    found = identify(make()[:HEAD_BYTES])
    assert (found.kind, found.mime, found.extension) == (kind, mime, extension)
    assert found.label


def test_only_the_head_is_needed_and_longer_input_is_fine():
    data = samples.jpeg_with_gps(2000, 1500)
    assert len(data) > HEAD_BYTES
    assert identify(data) == identify(data[:HEAD_BYTES])


def test_office_files_other_than_pdf_are_download_only():
    assert identify(samples.docx_like()).download_only
    assert identify(samples.ole2_like()).download_only
    assert not identify(samples.pdf(1)).download_only
    assert not identify(samples.plain_jpeg()).download_only


def test_file_type_is_frozen():
    found = identify(samples.plain_jpeg())
    assert isinstance(found, FileType)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.mime = "text/html"


def refusal(data: bytes) -> str:
    with pytest.raises(Unrecognised) as caught:
        identify(data)
    assert isinstance(caught.value, Rejected)
    message = str(caught.value)
    assert message.endswith(f"We accept {ACCEPTED_SUMMARY}."), message
    return message


def test_empty_file():
    assert refusal(b"").startswith("The file is empty.")


@pytest.mark.parametrize(
    "prefix",
    [b"", b"   ", b"\r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n  ", b"\x00\x00 "],
    ids=["bare", "spaces", "whitespace", "bom", "bom-space", "nul-space"],
)
def test_html_is_refused_however_it_starts(prefix):
    assert "web page (HTML)" in refusal(prefix + samples.HTML)


def test_utf16_html_and_svg_are_refused():
    assert "web page (HTML)" in refusal(b"\xff\xfe" + samples.HTML.decode().encode("utf-16-le"))
    assert "web page (HTML)" in refusal(b"\xfe\xff" + samples.HTML.decode().encode("utf-16-be"))
    assert "SVG" in refusal(samples.SVG.decode().encode("utf-16-le"))


@pytest.mark.parametrize(
    "data",
    [
        samples.SVG,
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">\n'
        + samples.SVG,
        b"\xef\xbb\xbf  " + samples.SVG,
    ],
    ids=["bare", "declaration", "bom"],
)
def test_svg_is_refused(data):
    assert "SVG" in refusal(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'<?xml version="1.0"?><note>hi</note>', "XML"),
        (b"<p>hello</p>", "web page (HTML)"),
        (b"hello <script>alert(1)</script>", "web page (HTML)"),
        (b"'use strict';\nwindow.location = 'https://evil.example'", "JavaScript"),
        (b"(function () { document.write('x') })()", "JavaScript"),
        (b"const x = require('child_process')", "JavaScript"),
        (b"#!/usr/bin/env python3\nimport os\n", "script"),
        (b"@echo off\r\ndel /q *\r\n", "script"),
        (b"<?php echo 1; ?>", "script"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(56), "program"),
        (samples.PE, "program"),
        (samples.MACH_O, "program"),
        (b"\xca\xfe\xba\xbe" + bytes(60), "program"),
        (b"\x00asm\x01\x00\x00\x00", "program"),
    ],
    ids=["xml", "fragment", "script-in-text", "js", "js-iife", "js-const", "shebang", "batch",
         "php", "elf", "pe", "mach-o", "fat-mach-o", "wasm"],
)  # fmt: skip
def test_code_and_markup_are_refused_by_name(data, words):
    assert words in refusal(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (samples.AVIF_HEAD, "AVIF"),
        (ftyp(b"mif1", b"mif1", b"avif"), "AVIF"),
        (samples.plain_zip(), "zip archive"),
        (samples.docx_like(macros=True), "macros"),
        (samples.ole2_like("__substg1.0_0037001F"), "older Office document"),
        (b"#!AMR\n" + bytes(40), "AMR"),
        (b"fLaC\x00\x00\x00\x22" + bytes(40), "FLAC"),
        (b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(40), "AVI"),
        (ogg(b"\x80theora" + bytes(20)), "Theora"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00fLaC" + bytes(40), "FLAC"),
    ],
    ids=["avif", "avif-compatible", "zip", "macros", "outlook-msg", "amr", "flac", "avi",
         "theora", "rtf", "gzip", "flac-behind-id3"],
)  # fmt: skip
def test_formats_we_know_but_do_not_take(data, words):
    assert words in refusal(data)


def test_a_lone_mpeg_sync_is_not_an_mp3():
    # Two bytes of frame sync and a plausible header, but no second frame after it.
    assert "couldn't tell" in refusal(b"\xff\xfb\x90\x00" + bytes(413) + b"\x12\x34" + bytes(400))


def test_a_taken_format_in_an_odd_shape_is_not_called_untakeable():
    # "%PDF" after blank lines: puremagic may say PDF, but we must not claim we refuse PDFs.
    message = refusal(b"\n\n%PDF-1.4\n" + bytes(200))
    assert "PDF, which we can't take" not in message
    assert "couldn't tell" in message


def test_random_bytes_are_refused():
    import random

    for seed in range(200):
        data = random.Random(seed).randbytes(HEAD_BYTES)
        try:
            found = identify(data)
        except Unrecognised:
            continue
        pytest.fail(f"random bytes (seed {seed}) identified as {found}")


def test_accept_attribute_covers_what_we_take():
    parts = ACCEPT_ATTRIBUTE.split(",")
    for wanted in ("image/*", "audio/*", "video/*", ".heic", ".heif", ".pdf", ".docx", ".xlsx",
                   ".pptx", ".odt", ".doc", "application/pdf"):  # fmt: skip
        assert wanted in parts
    assert all(part == part.strip() and part for part in parts)


def test_there_are_enough_bad_files():
    assert len(samples.BAD_FILES) >= 25
    assert {bad.expected for bad in samples.BAD_FILES} >= {
        "refused",
        "failed",
        "accepted:image",
        "accepted:document",
    }


def outcome(data: bytes, tmp_path) -> tuple[str, str]:
    """identify(), then the processing step for the kind; what happened, and the message."""
    try:
        found = identify(data[:HEAD_BYTES])
    except Unrecognised as error:
        return "refused", str(error)
    src = tmp_path / "upload"
    src.write_bytes(data)
    try:
        if found.kind == "image":
            process_image(src, tmp_path / "out")
        elif found.mime == "application/pdf":
            process_pdf(src, tmp_path / "out")
    except Rejected as error:
        return "failed", str(error)
    return f"accepted:{found.kind}", found.label


@pytest.mark.parametrize("bad", samples.BAD_FILES, ids=[bad.name for bad in samples.BAD_FILES])
def test_bad_file_outcome(bad, tmp_path):
    # Any exception other than Rejected fails this test by escaping.
    happened, message = outcome(bad.data, tmp_path)
    assert happened == bad.expected, f"{bad.name} ({bad.reason}): {happened}: {message}"
    if happened == "refused":
        assert ACCEPTED_SUMMARY in message
    if happened == "failed":
        assert "We couldn't" in message or "too large" in message or "password" in message
