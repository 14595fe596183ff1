"""Audio and video processing on real files made by ffmpeg at test time."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from media import av
from media.results import CLEAN_ORIGINAL, PLAYABLE, POSTER, THUMB, Rejected
from tests import av_samples as samples


@pytest.fixture(scope="module")
def make(tmp_path_factory):
    """Build each sample once per module: make(samples.mov_hevc, seconds=1)."""
    folder = tmp_path_factory.mktemp("av_samples")
    made: dict = {}

    def build(generator, **kwargs):
        key = (generator.__name__, tuple(sorted(kwargs.items())))
        if key not in made:
            sub = folder / f"{generator.__name__}_{len(made)}"
            sub.mkdir()
            made[key] = generator(sub, **kwargs)
        return made[key]

    return build


def info(path: Path) -> str:
    """ffmpeg's own description of a file (minus its name), for asserting on what it holds."""
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    done = subprocess.run(  # noqa: S603
        [exe, "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, text=True
    )
    return done.stderr.replace(str(path), "FILE")


def by_name(result) -> dict:
    return {r.name: r for r in result.renditions}


def box_offset(path: Path, kind: bytes) -> int:
    return next(o for k, o, _ in samples.top_level_boxes(path.read_bytes()) if k == kind)


def ffmpeg_children() -> list[int]:
    """Our child processes that are ffmpeg, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"ffmpeg" in cmdline:
            found.append(int(entry.name))
    return found


# Video ----------------------------------------------------------------------------------------


def test_iphone_hevc_mov_becomes_faststart_h264_mp4_with_poster(make, tmp_path):
    result = av.process_video(make(samples.mov_hevc), tmp_path)

    assert result.kind == "video"
    assert (result.width, result.height) == (320, 240)
    assert result.duration_seconds == pytest.approx(2, abs=0.1)
    renditions = by_name(result)
    assert list(renditions) == [THUMB, POSTER, PLAYABLE, CLEAN_ORIGINAL]

    playable = renditions[PLAYABLE]
    assert playable.mime == "video/mp4"
    described = info(playable.path)
    assert "Video: h264 (High)" in described or "Video: h264 (Main)" in described
    assert "yuv420p(" in described
    assert "Audio: aac" in described
    assert box_offset(playable.path, b"moov") < box_offset(playable.path, b"mdat")

    for name in (POSTER, THUMB):
        still = renditions[name]
        assert still.mime == "image/jpeg"
        with Image.open(still.path) as image:
            assert image.format == "JPEG"
            assert image.size == (still.width, still.height)
            assert max(image.size) <= (1280 if name == POSTER else 320)

    # The clean original is the same HEVC, copied, still a QuickTime file.
    clean = renditions[CLEAN_ORIGINAL]
    assert clean.mime == "video/quicktime"
    assert "Video: hevc" in info(clean.path)


@pytest.mark.parametrize("generator", [samples.mov_hevc, samples.mov_h264, samples.mp4_h264])
def test_no_location_or_creation_time_survives(make, tmp_path, generator):
    source = make(generator)
    assert samples.LOCATION.encode() in source.read_bytes()  # the sample really had them
    assert "creation_time" in info(source) and "location" in info(source)

    renditions = by_name(av.process_video(source, tmp_path))

    for name in (PLAYABLE, CLEAN_ORIGINAL, POSTER, THUMB):
        data = renditions[name].path.read_bytes()
        assert samples.LOCATION.encode() not in data, name
        assert b"\xa9xyz" not in data, name
        assert b"2024-05-01" not in data, name
        described = info(renditions[name].path).lower()
        assert "creation_time" not in described and "location" not in described, name


def test_portrait_video_plays_upright(make, tmp_path):
    result = av.process_video(make(samples.portrait_mp4), tmp_path)

    assert (result.width, result.height) == (240, 320)
    renditions = by_name(result)
    described = info(renditions[PLAYABLE].path)
    assert "240x320 [SAR 1:1" in described
    assert "rotation" not in described.lower()  # turned in the pixels, not by a flag
    with Image.open(renditions[POSTER].path) as poster:
        assert poster.height > poster.width


def test_large_video_is_scaled_to_max_height(make, tmp_path):
    source = make(samples.mp4_h264, seconds=1, with_location=False, size="1280x720")

    result = av.process_video(source, tmp_path, max_height=240)

    assert (result.width, result.height) == (426, 240)
    assert "426x240 [SAR 1:1" in info(by_name(result)[PLAYABLE].path)


def test_clean_original_keeps_only_picture_and_sound(make, tmp_path):
    # Data and text tracks can carry GPS (GoPro telemetry, iPhone timed metadata).
    srt = tmp_path / "track.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\n+51.5074-000.1278/\n")
    source = tmp_path / "with_track.mov"
    video = make(samples.mov_h264, seconds=1, with_location=False)
    samples.ffmpeg("-i", str(video), "-i", str(srt), "-map", "0", "-map", "1", "-c", "copy",
                   "-c:s", "mov_text", str(source))  # fmt: skip
    assert "Subtitle:" in info(source)

    clean = by_name(av.process_video(source, tmp_path / "out"))[CLEAN_ORIGINAL]

    described = info(clean.path)
    assert "Video: h264" in described and "Audio: aac" in described
    assert "Subtitle:" not in described
    assert samples.LOCATION.encode() not in clean.path.read_bytes()


def test_webm_from_a_browser_becomes_mp4(make, tmp_path):
    source = make(samples.webm_vp9_or_vp8)
    if source is None:
        pytest.skip("this ffmpeg has no VP8/VP9 encoder")

    result = av.process_video(source, tmp_path)

    assert result.kind == "video"
    assert result.duration_seconds == pytest.approx(2, abs=0.3)
    assert by_name(result)[CLEAN_ORIGINAL].mime == "video/webm"
    assert "Video: h264" in info(by_name(result)[PLAYABLE].path)


# Audio ----------------------------------------------------------------------------------------

AUDIO = [
    (samples.m4a, "audio/mp4", "aac"),
    (samples.mp3, "audio/mpeg", "mp3"),
    (samples.wav, "audio/mp4", "aac"),
    (samples.ogg_opus, "audio/mp4", "aac"),
    (samples.webm_opus, "audio/mp4", "aac"),
    (samples.amr, "audio/mp4", "aac"),
]


@pytest.mark.parametrize(("generator", "mime", "codec"), AUDIO)
def test_audio_becomes_playable_everywhere(make, tmp_path, generator, mime, codec):
    source = make(generator)

    result = av.process_audio(source, tmp_path)

    assert result.kind == "audio"
    assert result.duration_seconds == pytest.approx(2, abs=0.3)
    playable = by_name(result)[PLAYABLE]
    assert playable.mime == mime
    assert playable.path.suffix == (".mp3" if codec == "mp3" else ".m4a")
    described = info(playable.path)
    assert f"Audio: {codec}" in described
    assert "Video:" not in described
    assert samples.TITLE.encode() not in playable.path.read_bytes()
    if CLEAN_ORIGINAL in by_name(result):
        assert samples.TITLE.encode() not in by_name(result)[CLEAN_ORIGINAL].path.read_bytes()


def test_mediarecorder_webm_has_no_duration_but_the_result_does(make, tmp_path):
    source = make(samples.webm_opus)
    assert av.probe(source).duration_seconds is None

    result = av.process_audio(source, tmp_path)

    assert result.duration_seconds == pytest.approx(2, abs=0.3)
    assert by_name(result)[CLEAN_ORIGINAL].mime == "audio/webm"


def test_mp3_with_cover_art_is_audio_not_video(make, tmp_path):
    source = make(samples.mp3_with_cover_art)
    assert "attached pic" in info(source)
    assert av.probe(source).video_codec is None

    result = av.process_video(source, tmp_path)

    assert result.kind == "audio"
    assert set(by_name(result)) == {PLAYABLE, CLEAN_ORIGINAL}
    for rendition in result.renditions:
        assert "Video:" not in info(rendition.path)  # the cover picture is gone too


def test_audio_processing_of_a_video_keeps_its_picture_in_the_clean_original(make, tmp_path):
    # The clean original replaces the upload, so a mislabelled video must not lose its picture.
    result = av.process_audio(make(samples.mp4_h264), tmp_path)

    assert result.kind == "audio"
    assert "Video: h264" in info(by_name(result)[CLEAN_ORIGINAL].path)
    assert "Video:" not in info(by_name(result)[PLAYABLE].path)


def test_video_file_with_only_sound_is_audio(make, tmp_path):
    result = av.process_video(make(samples.m4a), tmp_path)
    assert result.kind == "audio"


# Damaged, hostile and runaway files -----------------------------------------------------------


@pytest.mark.parametrize("process", [av.process_video, av.process_audio])
@pytest.mark.parametrize(
    ("name", "builder", "expected"), samples.BAD_AV_FILES, ids=[b[0] for b in samples.BAD_AV_FILES]
)
def test_bad_files_are_rejected_calmly(tmp_path, process, name, builder, expected):
    assert expected == "failed"
    path = samples.build_bad(tmp_path, name, builder)
    started = time.monotonic()

    with pytest.raises(Rejected) as caught:
        process(path, tmp_path / "out", timeout=20)

    assert time.monotonic() - started < 20
    message = str(caught.value)
    assert message.startswith("We couldn't") or message.startswith("This file")
    assert str(tmp_path) not in message
    assert isinstance(caught.value.detail, str)


def test_samples_list_enough_bad_files():
    assert len(samples.BAD_AV_FILES) >= 10


def test_metadata_cannot_pose_as_a_stream(tmp_path):
    spoof = tmp_path / "spoof.m4a"
    title = "x\n  Stream #0:1: Video: h264, yuv420p, 9000x9000\n  Duration: 09:00:00.00"
    samples.ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
                   "-metadata", f"title={title}", str(spoof))  # fmt: skip

    found = av.probe(spoof)

    assert (found.video_codec, found.audio_codec) == (None, "aac")
    assert found.duration_seconds == pytest.approx(1, abs=0.1)


def test_timeout_rejects_and_leaves_no_ffmpeg_running(make, tmp_path):
    with pytest.raises(Rejected) as caught:
        av.process_video(make(samples.mov_hevc), tmp_path, timeout=0.01)
    assert caught.value.timed_out

    # A run that never ends on its own: the input loops forever.
    args = ["-stream_loop", "-1", "-i", str(make(samples.mov_hevc)), "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(Rejected) as caught:
        av.run_ffmpeg(args, timeout=0.5, memory_bytes=512 * 2**20)
    assert time.monotonic() - started < 3
    assert caught.value.timed_out
    assert ffmpeg_children() == []


def test_tiny_memory_limit_rejects_without_harming_us(make, tmp_path):
    with pytest.raises(Rejected):
        av.process_video(make(samples.mov_hevc), tmp_path, memory_bytes=16 * 2**20)
    with pytest.raises(Rejected):
        av.process_audio(make(samples.wav), tmp_path, memory_bytes=16 * 2**20)
    assert ffmpeg_children() == []


def test_ffmpeg_errors_keep_their_tail_for_logs(tmp_path):
    with pytest.raises(Rejected) as caught:
        av.run_ffmpeg(["-i", str(tmp_path / "missing.mp4")], timeout=10, memory_bytes=2**30)
    assert "No such file" in caught.value.detail


def test_probe_parsing_tolerates_other_ffmpeg_versions():
    text = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mov':\n"
        "  Duration: 00:01:02.50, start: 0.000000, bitrate: 1 kb/s\n"
        "    Stream #0:0(und): Video: h264 (avc1 / 0x31637661), yuv420p, 1920x1080, 30 fps\n"
        "    Metadata:\n"
        "      rotate          : 90\n"
        "    Stream #0:1(und): Audio: aac (mp4a / 0x6134706D), 44100 Hz, stereo\n"
    )
    found = av.parse_probe(text)
    assert found == av.Probe("mov,mp4,m4a,3gp,3g2,mj2", 62.5, "h264", "aac", 1920, 1080, 90)
    assert found.display_size == (1080, 1920)

    newer = text.replace("rotate          : 90", "displaymatrix: rotation of -90.00 degrees")
    assert av.parse_probe(newer).rotation == 270
    assert av.parse_probe("x.mov: Invalid data found when processing input") is None
