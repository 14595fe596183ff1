"""Picture and document samples, built at test time (no binary files in the repository).

The good samples carry tell-tale metadata (GPS, camera model, XMP, comments) so tests
can prove it never survives processing. BAD_FILES are the uploads that must be
refused by identify(), fail processing calmly, or (for harmless polyglots) pass.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from typing import NamedTuple

import pillow_heif
from PIL import ExifTags, Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

pillow_heif.register_heif_opener()

CAMERA_MAKE = "GoldenTestCam"
CAMERA_MODEL = "SecretModel X1000"
COMMENT = b"secret comment: 12 Example Road"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" exif:GPSLatitude="51,30.2N" '
    b'exif:GPSLongitude="0,7.6W" xmp:CreatorTool="SecretModel X1000"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
# What must never appear in anything we write.
TELLTALES = (b"Exif", b"GPS", b"http://ns.adobe.com/xap", CAMERA_MODEL.encode(), COMMENT)


def exif_bytes(orientation: int = 1, *, gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2024:05:01 10:00:00"}
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
        }
    return exif.tobytes()


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A gradient with a red block in the top-left corner, so turns can be checked."""
    horizontal = Image.linear_gradient("L").resize((width, height))
    vertical = horizontal.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    im = Image.merge("RGB", (horizontal, vertical, Image.new("L", (width, height), 128)))
    ImageDraw.Draw(im).rectangle((0, 0, width // 4, height // 4), fill=(255, 0, 0))
    if mode == "RGBA":
        im.putalpha(horizontal.point(lambda value: 64 + value // 2))
    return im


def photo_like(width: int, height: int, seed: int = 7) -> Image.Image:
    """A picture with grain, so it compresses (and decodes) more like a real photo."""
    base = picture(width, height)
    noise = Image.effect_noise((width // 4, height // 4), 40).resize((width, height))
    return Image.blend(base, Image.merge("RGB", (noise, noise, noise)), 0.3)


def _segment(marker: int, body: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def jpeg_with_gps(
    width: int = 1200, height: int = 800, orientation: int = 1, *, trailer: bool = False
) -> bytes:
    """A JPEG with EXIF (GPS, camera, date), XMP, a Photoshop IPTC block and a comment.

    trailer=True appends a second JPEG with its own EXIF after the end, as phones do
    for depth maps and gain maps."""
    buffer = io.BytesIO()
    picture(width, height).save(
        buffer, "JPEG", quality=85, exif=exif_bytes(orientation), xmp=XMP, comment=COMMENT
    )
    data = buffer.getvalue()
    iptc = _segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10" + COMMENT)
    data = data[:2] + iptc + data[2:]
    if trailer:
        extra = io.BytesIO()
        picture(64, 48).save(extra, "JPEG", exif=exif_bytes())
        data += extra.getvalue()
    return data


def mpo_with_gps(width: int = 600, height: int = 400) -> bytes:
    """A multi-picture JPEG, as phones write (a second picture for depth or HDR)."""
    buffer = io.BytesIO()
    picture(width, height).save(
        buffer, "MPO", save_all=True, append_images=[picture(64, 48)], exif=exif_bytes()
    )
    return buffer.getvalue()


def plain_jpeg(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    picture(width, height).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png(
    width: int = 640, height: int = 480, *, with_alpha: bool = False, text_chunk: bool = True
) -> bytes:
    info = PngInfo()
    if text_chunk:
        info.add_text("Comment", COMMENT.decode())
        info.add_text("Author", CAMERA_MODEL, zip=True)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    picture(width, height, "RGBA" if with_alpha else "RGB").save(
        buffer, "PNG", pnginfo=info, exif=exif_bytes() if text_chunk else b""
    )
    return buffer.getvalue()


def webp(width: int = 640, height: int = 480, *, with_exif_gps: bool = True) -> bytes:
    buffer = io.BytesIO()
    metadata = {"exif": exif_bytes(), "xmp": XMP} if with_exif_gps else {}
    picture(width, height).save(buffer, "WEBP", quality=80, **metadata)
    return buffer.getvalue()


def gif(animated: bool = True, width: int = 160, height: int = 120) -> bytes:
    """A GIF with a comment and an XMP application block (added by hand)."""
    frames = [
        picture(width, height).rotate(angle).convert("P", palette=Image.Palette.ADAPTIVE)
        for angle in ((0, 90, 180) if animated else (0,))
    ]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=animated,
        append_images=frames[1:],
        duration=120,
        loop=0,
        comment=COMMENT,
    )
    data = buffer.getvalue()
    table = 3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0
    start = 13 + table
    xmp_block = b"!\xff\x0bXMP DataXMP" + _sub_blocks(XMP) + b"\x00"
    return data[:start] + xmp_block + data[start:]


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(
        bytes((len(data[i : i + 255]),)) + data[i : i + 255] for i in range(0, len(data), 255)
    )


def heic(width: int = 640, height: int = 480, *, with_exif_gps: bool = True) -> bytes:
    buffer = io.BytesIO()
    metadata = {"exif": exif_bytes(), "xmp": XMP} if with_exif_gps else {}
    picture(width, height).save(buffer, "HEIF", quality=60, **metadata)
    return buffer.getvalue()


def pdf(pages: int = 2) -> bytes:
    """A real PDF (Pillow writes one page per picture), A4 at 72 dpi."""
    sheets = [picture(595, 842).rotate(90 * n) for n in range(pages)]
    buffer = io.BytesIO()
    sheets[0].save(buffer, "PDF", save_all=True, append_images=sheets[1:], resolution=72)
    return buffer.getvalue()


def hand_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF from object bodies (1 is the catalogue), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def page_pdf(width: float = 595, height: float = 842) -> bytes:
    """One empty page of the given size in points."""
    return hand_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] >>" % (width, height),
        ]
    )


def zero_page_pdf() -> bytes:
    return hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def encrypted_pdf() -> bytes:
    """A PDF locked with a user password we don't know (standard security handler)."""
    rng = random.Random(42)
    owner, user, file_id = (rng.randbytes(32).hex().encode() for _ in range(3))
    return hand_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (owner, user),
        ],
        b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (file_id[:32], file_id[:32]),
    )


_OFFICE = {
    "docx": ("word/document.xml", "wordprocessingml.document.main"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main"),
}


def docx_like(kind: str = "docx", *, macros: bool = False) -> bytes:
    """A minimal OOXML zip: [Content_Types].xml first, as Office writes it."""
    part, main = _OFFICE[kind]
    content_type = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else f"application/vnd.openxmlformats-officedocument.{main}+xml"
    )
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(part, '<?xml version="1.0"?><document>Hello</document>')
        if macros:
            archive.writestr(part.split("/")[0] + "/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


def odf_like(kind: str = "text") -> bytes:
    """A minimal OpenDocument zip: an uncompressed "mimetype" entry comes first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            f"application/vnd.oasis.opendocument.{kind}",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def ole2_like(stream: str = "WordDocument") -> bytes:
    """The start of an old Office file: OLE2 header, then a directory naming `stream`."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # the directory is sector 0
    directory = bytearray()
    for name in ("Root Entry", stream):
        entry = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        directory += entry
    return bytes(header + directory + bytes(512 - len(directory)))


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
        archive.writestr("photos/readme.txt", "nothing to see")
    return buffer.getvalue()


def _png_chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG claiming 50,000 × 50,000 pixels, a few KB on disk (the IDAT stops early)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(bytes((width // 8 + 2) * 200), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def gif_huge_screen() -> bytes:
    """A 1 × 1 picture on a 65,535 × 65,535 logical screen."""
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", 65535, 65535, 0, 0, 0)
        + b","
        + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        + b"\x02\x02\x44\x01\x00;"
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(plain_jpeg(64, 48))
    frame = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def png_with_bad_crc() -> bytes:
    data = bytearray(png(64, 48, text_chunk=False))
    data[29] ^= 0xFF  # the last byte of IHDR's CRC
    return bytes(data)


def _other_format(image_format: str) -> bytes:
    buffer = io.BytesIO()
    picture(64, 48).save(buffer, image_format)
    return buffer.getvalue()


class BadFile(NamedTuple):
    name: str
    data: bytes
    reason: str
    expected: str  # "refused", "failed" or "accepted:<kind>"


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PE = b"MZ\x90\x00" + bytes(56) + b"PE\x00\x00" + bytes(64)
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(56)
AVIF_HEAD = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(200)
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
GIF_JS = b"GIF89a/*\x0a\x00\x00\x00\x00*/=alert(1);"  # a GIF header that is also JavaScript


def _bad_files() -> list[BadFile]:
    rng = random.Random(1234)
    jpeg, png_, gif_ = jpeg_with_gps(320, 240), png(320, 240), gif(animated=False)
    broken_exif = _segment(0xE1, b"Exif\x00\x00MM\x00*\xff\xff")
    webp_junk = b"RIFF\x6c\x00\x00\x00WEBPVP8 \x60\x00\x00\x00" + rng.randbytes(96)
    heic_junk = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + rng.randbytes(500)
    bad = [
        ("empty.jpg", b"", "zero bytes", "refused"),
        ("signature-only.jpg", b"\xff\xd8\xff", "a JPEG start, nothing else", "failed"),
        ("truncated-header.jpg", jpeg[:300], "JPEG cut off in its headers", "failed"),
        ("truncated-half.jpg", jpeg[: len(jpeg) // 2], "JPEG cut in half", "failed"),
        ("truncated.png", png_[: len(png_) // 2], "PNG cut in half", "failed"),
        ("bad-crc.png", png_with_bad_crc(), "PNG header checksum wrong", "failed"),
        ("truncated.gif", gif_[:13], "GIF header, nothing else", "failed"),
        ("corrupt.pdf", b"%PDF-1.7\n" + rng.randbytes(2000), "PDF signature, then junk", "failed"),
        ("zero-pages.pdf", zero_page_pdf(), "a PDF without pages", "failed"),
        ("encrypted.pdf", encrypted_pdf(), "a PDF locked with a password", "failed"),
        ("page.html.jpg", HTML, "a web page renamed .jpg", "refused"),
        ("bom-space.html.jpg", b"\xef\xbb\xbf \r\n\t" + HTML, "HTML after BOM, space", "refused"),
        (
            "utf16.html.png",
            b"\xff\xfe" + HTML.decode().encode("utf-16-le"),
            "UTF-16 HTML",
            "refused",
        ),
        ("drawing.svg.png", SVG, "an SVG with a script, renamed .png", "refused"),
        (
            "declared.svg.jpg",
            b'<?xml version="1.0"?>\n' + SVG,
            "SVG after XML declaration",
            "refused",
        ),
        ("data.xml.jpg", b'<?xml version="1.0"?><note>hi</note>', "an XML file", "refused"),
        ("script.js.jpg", b"function steal() { fetch(document.cookie) }", "JavaScript", "refused"),
        ("install.sh.jpg", b"#!/bin/sh\nrm -rf ~\n", "a shell script", "refused"),
        ("shell.php.jpg", b"<?php system($_GET['c']); ?>", "a PHP script", "refused"),
        ("program.elf.jpg", b"\x7fELF\x02\x01\x01" + bytes(57), "a Linux program", "refused"),
        ("setup.exe.jpg", PE, "a Windows program", "refused"),
        ("app.macho.jpg", MACH_O, "a macOS program", "refused"),
        ("archive.zip", plain_zip(), "a plain zip archive", "refused"),
        ("macros.docm", docx_like(macros=True), "Word document with macros", "refused"),
        ("random.bin", rng.randbytes(4096), "random bytes", "refused"),
        ("notes.txt.jpg", b"Dear school, Sam had a good day today.\n", "plain text", "refused"),
        ("photo.avif", AVIF_HEAD, "AVIF is not taken", "refused"),
        ("design.psd", b"8BPS\x00\x01" + bytes(40), "a Photoshop file", "refused"),
        ("figure.eps", EPS, "an EPS file", "refused"),
        ("scan.tiff", _other_format("TIFF"), "TIFF is not taken for family uploads", "refused"),
        ("old.bmp", _other_format("BMP"), "BMP is not taken", "refused"),
        ("bomb.png", png_bomb(), "PNG declaring 50,000 × 50,000 pixels", "failed"),
        ("huge-screen.gif", gif_huge_screen(), "GIF with a 65,535 × 65,535 screen", "failed"),
        ("huge.jpg", jpeg_declaring(65500, 65500), "JPEG declaring 65,500 × 65,500", "failed"),
        ("broken.webp", webp_junk, "WebP with junk inside", "failed"),
        ("broken.heic", heic_junk, "HEIC with junk inside", "failed"),
        ("gif-js-polyglot.gif", GIF_JS, "GIF header that is also JavaScript", "failed"),
        # Polyglots that are valid pictures are fine: we never serve originals inline,
        # and renditions and the clean original are rebuilt without the extra bytes.
        ("polyglot.gif", gif_ + b"<script>alert(1)</script>", "GIF, then HTML", "accepted:image"),
        ("polyglot.jpg", plain_jpeg(64, 48) + HTML, "JPEG, then HTML", "accepted:image"),
        ("bad-exif.jpg", jpeg[:2] + broken_exif + jpeg[2:], "damaged EXIF only", "accepted:image"),
        ("letter.pdf.jpg", pdf(1), "a real PDF named .jpg", "accepted:document"),
    ]
    return [BadFile(*entry) for entry in bad]


BAD_FILES = _bad_files()
