"""process_image(): renditions that fit, turned upright, and nothing private left in them."""

from __future__ import annotations

import io
import resource
import struct
import time
import zlib

import pytest
from PIL import Image, ImageChops

from media.images import process_image
from media.results import CLEAN_ORIGINAL, DISPLAY, THUMB, Rejected
from tests import media_samples as samples

METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "Author", "photoshop"}


def run(tmp_path, data: bytes, **options):
    src = tmp_path / "upload"
    src.write_bytes(data)
    processed = process_image(src, tmp_path / "out", **options)
    assert processed.kind == "image"
    assert [r.name for r in processed.renditions] == [THUMB, DISPLAY, CLEAN_ORIGINAL]
    return processed, {r.name: r for r in processed.renditions}


def assert_no_metadata(rendition):
    raw = rendition.path.read_bytes()
    for telltale in samples.TELLTALES:
        assert telltale not in raw, f"{telltale!r} left in {rendition.name}"
    with Image.open(rendition.path) as im:
        assert not im.getexif(), rendition.name
        assert not METADATA_KEYS & set(im.info), (rendition.name, sorted(im.info))
        assert im.format == {"image/jpeg": "JPEG", "image/png": "PNG"}.get(
            rendition.mime, im.format
        )
        assert im.size == (rendition.width, rendition.height)


def pixels_equal(a, b) -> bool:
    with Image.open(a) as first, Image.open(b) as second:
        return (
            ImageChops.difference(first.convert("RGBA"), second.convert("RGBA")).getbbox() is None
        )


def is_red(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green < 60 and blue < 60


def test_jpeg_renditions_fit_and_carry_no_metadata(tmp_path):
    processed, renditions = run(tmp_path, samples.jpeg_with_gps(2000, 1500))
    assert (processed.width, processed.height) == (2000, 1500)
    thumb, display, clean = renditions[THUMB], renditions[DISPLAY], renditions[CLEAN_ORIGINAL]
    assert (thumb.width, thumb.height) == (320, 240)
    assert (display.width, display.height) == (1280, 960)
    assert (clean.width, clean.height) == (2000, 1500)
    assert {r.mime for r in renditions.values()} == {"image/jpeg"}
    for rendition in renditions.values():
        assert_no_metadata(rendition)


def test_jpeg_clean_original_is_lossless(tmp_path):
    data = samples.jpeg_with_gps(1200, 800)
    (tmp_path / "original.jpg").write_bytes(data)
    _, renditions = run(tmp_path, data)
    clean = renditions[CLEAN_ORIGINAL]
    assert pixels_equal(tmp_path / "original.jpg", clean.path)
    assert clean.path.stat().st_size < len(data)  # only segments were dropped


def test_data_after_the_jpeg_is_dropped(tmp_path):
    # Phones append depth and gain maps with their own EXIF; polyglots append HTML.
    data = samples.jpeg_with_gps(trailer=True) + samples.HTML
    _, renditions = run(tmp_path, data)
    raw = renditions[CLEAN_ORIGINAL].path.read_bytes()
    assert raw.endswith(b"\xff\xd9") and raw.count(b"\xff\xd8") == 1
    assert b"<script" not in raw
    assert_no_metadata(renditions[CLEAN_ORIGINAL])


def test_multi_picture_jpeg_keeps_only_the_photo(tmp_path):
    data = samples.mpo_with_gps()
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "MPO" and im.n_frames == 2
    processed, renditions = run(tmp_path, data)
    assert (processed.width, processed.height) == (600, 400)
    clean = renditions[CLEAN_ORIGINAL]
    assert clean.mime == "image/jpeg"
    with Image.open(clean.path) as im:
        assert im.format == "JPEG" and im.size == (600, 400)
    for rendition in renditions.values():
        assert_no_metadata(rendition)


def test_orientation_6_gives_portrait_renditions(tmp_path):
    processed, renditions = run(tmp_path, samples.jpeg_with_gps(1200, 800, orientation=6))
    assert (processed.width, processed.height) == (800, 1200)
    for rendition in renditions.values():
        assert rendition.height > rendition.width, rendition.name
        assert_no_metadata(rendition)
    assert (renditions[CLEAN_ORIGINAL].width, renditions[CLEAN_ORIGINAL].height) == (800, 1200)
    # Stored with the red block top-left; turned 90° clockwise it is top-right.
    for name in (DISPLAY, CLEAN_ORIGINAL):
        with Image.open(renditions[name].path) as im:
            assert is_red(im.getpixel((im.width - 5, 5))), name
            assert not is_red(im.getpixel((5, 5))), name


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_applied(tmp_path, orientation):
    processed, renditions = run(tmp_path, samples.jpeg_with_gps(600, 400, orientation))
    sideways = orientation >= 5
    assert (processed.width, processed.height) == ((400, 600) if sideways else (600, 400))
    with Image.open(renditions[DISPLAY].path) as im:
        assert im.size == (processed.width, processed.height)
        red_corners = [
            corner
            for corner in (
                (5, 5),
                (im.width - 5, 5),
                (5, im.height - 5),
                (im.width - 5, im.height - 5),
            )
            if is_red(im.getpixel(corner))
        ]
    expected = {1: 0, 2: 1, 3: 3, 4: 2, 5: 0, 6: 1, 7: 3, 8: 2}[orientation]
    corners = [(5, 5), (im.width - 5, 5), (5, im.height - 5), (im.width - 5, im.height - 5)]
    assert red_corners == [corners[expected]]


def test_small_pictures_are_never_upscaled(tmp_path):
    _, renditions = run(tmp_path, samples.jpeg_with_gps(200, 150))
    for rendition in renditions.values():
        assert (rendition.width, rendition.height) == (200, 150)


def test_display_fits_1280_and_thumb_fits_320(tmp_path):
    _, renditions = run(tmp_path, samples.png(3000, 400, text_chunk=False))
    assert (renditions[DISPLAY].width, renditions[DISPLAY].height) == (1280, 171)
    assert (renditions[THUMB].width, renditions[THUMB].height) == (320, 43)


def test_png_metadata_is_dropped_losslessly(tmp_path):
    data = samples.png()
    (tmp_path / "original.png").write_bytes(data)
    with Image.open(io.BytesIO(data)) as original:
        assert {"Comment", "Author", "XML:com.adobe.xmp"} <= set(original.info)
    _, renditions = run(tmp_path, data)
    clean = renditions[CLEAN_ORIGINAL]
    assert clean.mime == "image/png"
    assert pixels_equal(tmp_path / "original.png", clean.path)
    for rendition in renditions.values():
        assert_no_metadata(rendition)
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in clean.path.read_bytes()


def test_transparent_png_keeps_transparency(tmp_path):
    _, renditions = run(tmp_path, samples.png(with_alpha=True))
    for rendition in renditions.values():
        assert rendition.mime == "image/png"
        with Image.open(rendition.path) as im:
            assert im.mode == "RGBA"
            assert im.getchannel("A").getextrema()[0] < 255


def test_unused_alpha_gives_jpeg_renditions(tmp_path):
    buffer = io.BytesIO()
    samples.picture(400, 300).convert("RGBA").save(buffer, "PNG")
    _, renditions = run(tmp_path, buffer.getvalue())
    assert renditions[DISPLAY].mime == renditions[THUMB].mime == "image/jpeg"


def test_palette_png_with_transparency(tmp_path):
    image = samples.picture(200, 100).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    _, renditions = run(tmp_path, buffer.getvalue())
    assert renditions[DISPLAY].mime == "image/png"


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped(tmp_path):
    buffer = io.BytesIO()
    Image.new("I;16", (64, 64), 32768).save(buffer, "PNG")
    _, renditions = run(tmp_path, buffer.getvalue())
    with Image.open(renditions[DISPLAY].path) as im:
        assert 120 <= im.convert("L").getpixel((10, 10)) <= 136


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    buffer = io.BytesIO()
    samples.picture(400, 300).convert("CMYK").save(buffer, "JPEG")
    _, renditions = run(tmp_path, buffer.getvalue())
    with Image.open(renditions[DISPLAY].path) as im:
        assert im.mode == "RGB"


def test_webp_metadata_is_dropped_losslessly(tmp_path):
    data = samples.webp()
    (tmp_path / "original.webp").write_bytes(data)
    _, renditions = run(tmp_path, data)
    clean = renditions[CLEAN_ORIGINAL]
    assert clean.mime == "image/webp"
    assert pixels_equal(tmp_path / "original.webp", clean.path)
    for rendition in renditions.values():
        assert_no_metadata(rendition)
    raw = clean.path.read_bytes()
    assert b"EXIF" not in raw and b"XMP " not in raw
    assert struct.unpack("<I", raw[4:8])[0] == len(raw) - 8


def test_animated_gif_keeps_its_frames_and_loses_its_comments(tmp_path):
    data = samples.gif(animated=True)
    assert b"XMP DataXMP" in data and samples.COMMENT in data
    _, renditions = run(tmp_path, data)
    clean = renditions[CLEAN_ORIGINAL]
    assert b"XMP DataXMP" not in clean.path.read_bytes()
    assert clean.mime == "image/gif"
    with Image.open(clean.path) as im:
        assert im.n_frames == 3
        assert im.info.get("loop") == 0 and im.info.get("duration") == 120
    for rendition in renditions.values():
        assert_no_metadata(rendition)
    assert renditions[DISPLAY].mime == "image/jpeg"


def test_heic_gives_jpegs_without_metadata(tmp_path):
    processed, renditions = run(tmp_path, samples.heic(640, 480))
    assert (processed.width, processed.height) == (640, 480)
    for rendition in renditions.values():
        assert rendition.mime == "image/jpeg"
        assert_no_metadata(rendition)
    assert (renditions[CLEAN_ORIGINAL].width, renditions[CLEAN_ORIGINAL].height) == (640, 480)


def test_decompression_bomb_is_refused_quickly_without_allocating(tmp_path):
    data = samples.png_bomb()
    assert len(data) < 64 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(Rejected, match=r"too large \(50000 × 50000 pixels\)"):
        run(tmp_path, data)
    assert time.monotonic() - started < 5
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 200 * 1024  # decoding would need gigabytes


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (samples.gif_huge_screen(), "65535 × 65535"),
        (samples.jpeg_declaring(65500, 65500), "65500 × 65500"),
    ],
    ids=["gif-screen", "jpeg"],
)
def test_huge_declared_sizes_are_refused(tmp_path, data, size):
    with pytest.raises(Rejected, match=f"too large \\({size} pixels\\)"):
        run(tmp_path, data)


def test_max_pixels_is_honoured(tmp_path):
    with pytest.raises(Rejected, match=r"too large \(1200 × 800 pixels\)"):
        run(tmp_path, samples.jpeg_with_gps(1200, 800), max_pixels=500_000)
    run(tmp_path, samples.jpeg_with_gps(1200, 800), max_pixels=960_000)


def test_between_pillows_warning_and_our_limit_is_accepted(tmp_path, monkeypatch):
    # Pillow warns above MAX_IMAGE_PIXELS; our own limit decides, and no warning escapes.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500_000)
    processed, _ = run(tmp_path, samples.jpeg_with_gps(1200, 800))
    assert processed.width == 1200


def _png_with_damaged_pixels() -> bytes:
    data = samples.png(200, 100, text_chunk=False)
    start = data.index(b"IDAT") + 4
    return data[:start] + zlib.compress(b"\xff" * 50)[:-4] + data[start + 50 :]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8\xff",
        samples.jpeg_with_gps(320, 240)[:700],
        samples.png()[:200],
        _png_with_damaged_pixels(),
        samples.gif()[:40],
        samples.webp()[:100],
        samples.heic(64, 48)[:300],
        b"GIF89a" + bytes(100),
        b"\x89PNG\r\n\x1a\n" + bytes(100),
    ],
    ids=["empty", "jpeg-signature", "jpeg-head", "png-head", "png-pixels", "gif-head",
         "webp-head", "heic-head", "gif-zeros", "png-zeros"],
)  # fmt: skip
def test_unreadable_pictures_raise_rejected_only(tmp_path, data):
    with pytest.raises(Rejected, match="We couldn't read this picture"):
        run(tmp_path, data)


def test_formats_outside_the_list_are_never_opened(tmp_path):
    for image_format in ("TIFF", "BMP", "PPM"):
        buffer = io.BytesIO()
        samples.picture(64, 48).save(buffer, image_format)
        with pytest.raises(Rejected, match="We couldn't read this picture"):
            run(tmp_path, buffer.getvalue())


def test_a_missing_file_is_not_the_familys_fault(tmp_path):
    with pytest.raises(FileNotFoundError):
        process_image(tmp_path / "nowhere.jpg", tmp_path / "out")
