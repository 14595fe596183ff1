"""Real audio and video samples, made with ffmpeg when a test runs (no binaries in git).

Each generator writes into `folder` and returns the file's path. BAD_AV_FILES are damaged or
hostile files that processing must turn into Rejected.
"""

from __future__ import annotations

import random
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

LOCATION = "+51.5074-000.1278/"  # London, as iPhones write it (ISO 6709)
TITLE = "Sam at the park"


def ffmpeg(*args: str) -> None:
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error"]
    subprocess.run([*cmd, *args], check=True, capture_output=True, timeout=120)  # noqa: S603


def encoders() -> str:
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    return subprocess.run(  # noqa: S603
        [exe, "-hide_banner", "-encoders"], check=True, capture_output=True, text=True
    ).stdout


def _picture(seconds: float, size: str) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}"]


def _tone(seconds: float, rate: int = 44100) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}:duration={seconds}"]


def _location(with_location: bool) -> list[str]:
    if not with_location:
        return []
    return ["-metadata", f"location={LOCATION}", "-metadata", "creation_time=2024-05-01T10:00:00Z"]


def _check_location(path: Path, marker: bytes = b"\xa9xyz") -> Path:
    """Fail loudly if ffmpeg didn't write the tag: a privacy test on a clean file proves nothing."""
    data = path.read_bytes()
    if LOCATION.encode() not in data or marker not in data:
        raise RuntimeError(f"{path.name}: location tag missing")
    return path


def _video(folder, name, seconds, size, codec, with_location, extra=()) -> Path:
    out = Path(folder) / name
    args = [*_picture(seconds, size), *_tone(seconds), *codec, "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-shortest", *_location(with_location), *extra]
    ffmpeg(*args, "-y", str(out))
    return out


HEVC = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]
H264 = ["-c:v", "libx264", "-preset", "ultrafast"]


def mov_hevc(folder, seconds=2, with_location=True, size="320x240") -> Path:
    """What an iPhone records: HEVC ('hvc1') in QuickTime, with a ©xyz location atom."""
    out = _video(folder, "iphone.mov", seconds, size, [*HEVC, "-tag:v", "hvc1"], with_location)
    return _check_location(out) if with_location else out


def mov_h264(folder, seconds=2, with_location=True, size="320x240") -> Path:
    out = _video(folder, "camera.mov", seconds, size, H264, with_location)
    return _check_location(out) if with_location else out


def mp4_h264(folder, seconds=2, with_location=True, size="320x240") -> Path:
    """Android-style MP4; the mp4 muxer writes location only as a metadata key."""
    extra = ["-movflags", "use_metadata_tags"] if with_location else []
    out = _video(folder, "android.mp4", seconds, size, H264, with_location, extra)
    return _check_location(out, marker=b"mdta") if with_location else out


def portrait_mp4(folder, seconds=2, size="320x240") -> Path:
    """A phone held upright: landscape pixels plus a 90° display matrix."""
    scratch = Path(folder) / "landscape"
    scratch.mkdir(exist_ok=True)
    landscape = mp4_h264(scratch, seconds, with_location=False, size=size)
    out = Path(folder) / "portrait.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(landscape), "-c", "copy", "-y", str(out))
    landscape.unlink()
    return out


def webm_vp9_or_vp8(folder, seconds=2, size="320x240") -> Path | None:
    """Chromium's MediaRecorder video; None if this ffmpeg has no VP8/VP9 encoder."""
    available = encoders()
    codec = next((c for c in ("libvpx-vp9", "libvpx") if f" {c} " in available), None)
    if codec is None:
        return None
    out = Path(folder) / "recorder.webm"
    args = [*_picture(seconds, size), *_tone(seconds, 48000), "-c:v", codec, "-b:v", "300k"]
    args += ["-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "-shortest"]
    ffmpeg(*args, "-live", "1", "-y", str(out))
    return out


def m4a(folder, seconds=2, with_title_metadata=True) -> Path:
    out = Path(folder) / "memo.m4a"
    title = ["-metadata", f"title={TITLE}"] if with_title_metadata else []
    ffmpeg(*_tone(seconds), "-c:a", "aac", *title, "-f", "ipod", "-y", str(out))
    return out


def mp3(folder, seconds=2, with_title_metadata=True) -> Path:
    out = Path(folder) / "song.mp3"
    title = ["-metadata", f"title={TITLE}"] if with_title_metadata else []
    ffmpeg(*_tone(seconds), "-c:a", "libmp3lame", *title, "-y", str(out))
    return out


def wav(folder, seconds=2) -> Path:
    out = Path(folder) / "voice.wav"
    ffmpeg(*_tone(seconds), "-c:a", "pcm_s16le", "-y", str(out))
    return out


def ogg_opus(folder, seconds=2) -> Path:
    out = Path(folder) / "voice.ogg"
    ffmpeg(*_tone(seconds, 48000), "-c:a", "libopus", "-y", str(out))
    return out


def webm_opus(folder, seconds=2) -> Path:
    """What MediaRecorder makes for audio in Chromium: Opus in WebM with no duration or cues."""
    out = Path(folder) / "recording.webm"
    ffmpeg(*_tone(seconds, 48000), "-c:a", "libopus", "-live", "1", "-f", "webm", "-y", str(out))
    return out


def amr(folder, seconds=2) -> Path:
    """Old phones' voice memos: AMR narrow-band, 8 kHz mono."""
    out = Path(folder) / "memo.amr"
    ffmpeg(*_tone(seconds, 8000), "-c:a", "libopencore_amrnb", "-ac", "1", "-y", str(out))
    return out


def mp3_with_cover_art(folder, seconds=2) -> Path:
    """An MP3 whose ID3 tag holds a picture, which ffmpeg lists as a video stream."""
    cover = Path(folder) / "cover.jpg"
    ffmpeg(*_picture(1, "320x240"), "-frames:v", "1", "-update", "1", "-y", str(cover))
    out = Path(folder) / "with_cover.mp3"
    args = [*_tone(seconds), "-i", str(cover), "-map", "0:a", "-map", "1:v"]
    args += ["-c:a", "libmp3lame", "-c:v", "copy", "-disposition:v", "attached_pic"]
    args += ["-id3v2_version", "3", "-metadata", f"title={TITLE}"]
    ffmpeg(*args, "-y", str(out))
    cover.unlink()
    return out


# Damaged and hostile files ------------------------------------------------------------------


def top_level_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, offset, size) of an MP4's top-level boxes."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        if size < 8:
            break
        boxes.append((kind, offset, size))
        offset += size
    return boxes


def _noise(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _plain_mp4(folder) -> bytes:
    """A real MP4 with its moov at the end, as phones write them."""
    return mp4_h264(folder, seconds=1, with_location=False).read_bytes()


def _moov_cut(folder) -> bytes:
    data = _plain_mp4(folder)
    moov = next(offset for kind, offset, _ in top_level_boxes(data) if kind == b"moov")
    return data[:moov]


def _subtitles_only(folder) -> bytes:
    srt = Path(folder) / "words.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    out = Path(folder) / "subs.mp4"
    ffmpeg("-i", str(srt), "-c:s", "mov_text", "-y", str(out))
    return out.read_bytes()


def _wav_header(data_bytes: int) -> bytes:
    """A 44-byte PCM WAV header (44.1 kHz, mono, 16-bit) claiming `data_bytes` of sound."""
    fmt = struct.pack("<HHIIHH", 1, 1, 44100, 88200, 2, 16)
    riff_size = min(36 + data_bytes, 0xFFFFFFFF)
    riff = b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
    return riff + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data_bytes)


def _ogg_header_only(folder) -> bytes:
    data = ogg_opus(folder).read_bytes()
    third_page = data.index(b"OggS", data.index(b"OggS", 4) + 4)  # OpusHead, OpusTags, sound
    return data[:third_page]


def _webm_header_only(folder) -> bytes:
    data = webm_opus(folder).read_bytes()
    return data[: data.index(b"\x1f\x43\xb6\x75")]  # everything before the first Cluster


def _png(folder) -> bytes:
    out = Path(folder) / "still.png"
    ffmpeg(*_picture(1, "64x64"), "-frames:v", "1", "-update", "1", "-y", str(out))
    return out.read_bytes()


Builder = bytes | Callable[[Path], bytes]

BAD_AV_FILES: list[tuple[str, Builder, str]] = [
    ("empty.mp4", b"", "failed"),
    ("truncated.mp4", lambda folder: _plain_mp4(folder)[:2048], "failed"),
    ("moov_cut_off.mp4", _moov_cut, "failed"),
    ("corrupt.mp4", lambda folder: _plain_mp4(folder)[:32] + _noise(64 * 1024), "failed"),
    ("random.mov", _noise(64 * 1024, seed=1), "failed"),
    ("subtitles_only.mp4", _subtitles_only, "failed"),
    ("header_no_data.wav", _wav_header(0), "failed"),
    ("huge_claim_no_data.wav", _wav_header(0xFFFFFFF0), "failed"),
    ("ogg_header_only.ogg", _ogg_header_only, "failed"),
    ("webm_header_only.webm", _webm_header_only, "failed"),
    ("text.mp3", b"Dear diary, today we went to the park.\n" * 200, "failed"),
    ("id3_only.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00", "failed"),
    ("picture.mp4", _png, "failed"),
    # Playlists and concat lists would make ffmpeg read files off the server.
    ("playlist.mp4", b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", "failed"),
    ("concat.mov", b"ffconcat version 1.0\nfile '/etc/passwd'\n", "failed"),
]


def build_bad(folder: Path, name: str, builder: Builder) -> Path:
    """Write one BAD_AV_FILES entry into `folder` and return its path."""
    work = Path(folder) / "build"
    work.mkdir(exist_ok=True)
    data = builder if isinstance(builder, bytes) else builder(work)
    path = Path(folder) / name
    path.write_bytes(data)
    return path
