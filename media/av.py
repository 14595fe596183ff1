"""Audio and video processing with the ffmpeg binary from imageio-ffmpeg.

Uploads are untrusted phone files, so every ffmpeg run reads only local files through a short
list of demuxers, with a wall-clock timeout and a memory limit, and any failure becomes
Rejected. Renditions carry no metadata: phones write GPS and times into videos.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from media.results import CLEAN_ORIGINAL, PLAYABLE, POSTER, THUMB, Processed, Rejected, Rendition

log = logging.getLogger(__name__)

VIDEO_UNREADABLE = "We couldn't read this video. It may be damaged or in a format we don't support."
AUDIO_UNREADABLE = (
    "We couldn't read this recording. It may be damaged or in a format we don't support."
)
FILE_UNREADABLE = "We couldn't read this file. It may be damaged or in a format we don't support."
TOO_SLOW = "This file took too long to process. A shorter clip may work."
NO_SOUND = "We couldn't find any sound in this recording."
TOO_BIG = "This video's picture is larger than we can process."

# Containers phones and recorders make. Playlist and concat demuxers are left out because
# they open further files, which is how crafted "videos" read files off a server.
DEMUXERS = "mov,matroska,avi,mpegts,mpeg,flv,asf,mp3,wav,w64,ogg,flac,aac,amr,amrnb,amrwb,caf,aiff"
MAX_PIXELS = 8192 * 4320  # 8K; anything claiming more is a decompression bomb, not a phone
PROBE_MEMORY = 512 * 2**20
THREADS = "2"
POSTER_BOX = 1280
THUMB_BOX = 320
AUDIO_BITRATE = "128k"
# No secrets from our environment reach ffmpeg; fewer malloc arenas keep RLIMIT_AS honest.
CHILD_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "MALLOC_ARENA_MAX": "2"}


class AVRejected(Rejected):
    """Rejected, with ffmpeg's stderr tail (never file content) kept for logs."""

    def __init__(self, message: str, detail: str = "", *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.detail = detail
        self.timed_out = timed_out


@functools.cache
def _ffmpeg() -> str:
    import imageio_ffmpeg  # imported late: a missing binary must become Rejected, not ImportError

    return imageio_ffmpeg.get_ffmpeg_exe()


def _limits(memory_bytes: int, timeout: float):
    """Limits for the child only; a CPU limit backs up the wall clock."""
    cpu = int(timeout * 4) + 10  # ffmpeg's demux, decode, filter and encode threads all count

    def capped(kind: int, wanted: int) -> tuple[int, int]:
        hard = resource.getrlimit(kind)[1]
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        return wanted, wanted

    limits = [
        (resource.RLIMIT_AS, capped(resource.RLIMIT_AS, memory_bytes)),
        (resource.RLIMIT_CPU, capped(resource.RLIMIT_CPU, cpu)),
        (resource.RLIMIT_CORE, (0, 0)),  # a core dump would hold the child's video
    ]

    def apply() -> None:
        for kind, value in limits:
            resource.setrlimit(kind, value)

    return apply


def _harden(args: list[str]) -> list[str]:
    out: list[str] = []
    for arg in args:
        if arg == "-i":
            out += ["-threads", THREADS, "-protocol_whitelist", "file,pipe"]
            out += ["-format_whitelist", DEMUXERS]
        out.append(arg)
    return out


def _run(
    args: list[str], *, timeout: float, memory_bytes: int, loglevel: str = "error"
) -> tuple[int, str, str]:
    """Run ffmpeg; return its exit code, the first 1 MB of stderr and stderr's tail.

    Raises only if ffmpeg couldn't start or ran out of time.
    """
    if timeout <= 0:
        raise AVRejected(TOO_SLOW, "no time left", timed_out=True)
    try:
        exe = _ffmpeg()
    except Exception as exc:  # a broken install must not crash the worker
        raise AVRejected(FILE_UNREADABLE, f"ffmpeg unavailable: {exc}") from exc
    cmd = [exe, "-nostdin", "-hide_banner", "-loglevel", loglevel]
    cmd += ["-filter_threads", THREADS, "-filter_complex_threads", THREADS, *_harden(args)]
    with tempfile.TemporaryFile() as err:  # a file, so a flood of decode errors can't fill RAM
        try:
            proc = subprocess.run(  # noqa: S603 - fixed binary, argument list, no shell
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                timeout=timeout,
                preexec_fn=_limits(memory_bytes, timeout),
                env=CHILD_ENV,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:  # run() has killed and reaped ffmpeg
            raise AVRejected(TOO_SLOW, f"timed out after {timeout:.2f}s", timed_out=True) from exc
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            raise AVRejected(FILE_UNREADABLE, f"could not start ffmpeg: {exc!r}") from exc
        err.seek(0)
        head = err.read(2**20).decode("utf-8", "replace")
        size = err.seek(0, os.SEEK_END)
        err.seek(max(0, size - 2000))
        tail = err.read().decode("utf-8", "replace")
    return proc.returncode, head, tail


def run_ffmpeg(
    args: list[str], *, timeout: float, memory_bytes: int
) -> subprocess.CompletedProcess:
    """Run ffmpeg on files we made; a non-zero exit, timeout or crash raises Rejected.

    Input options (protocol and demuxer whitelists, threads) are added before every -i.
    The result's stderr is the tail of ffmpeg's stderr.
    """
    code, _, tail = _run(args, timeout=timeout, memory_bytes=memory_bytes)
    if code != 0:
        raise AVRejected(FILE_UNREADABLE, f"ffmpeg exit {code}: {tail.strip()}")
    return subprocess.CompletedProcess(args, 0, None, tail)


@dataclass
class Probe:
    container: str
    duration_seconds: float | None
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None
    rotation: int  # degrees, as ffmpeg's display matrix says, 0..359

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height as shown, after the rotation phones record portrait video with."""
        if not (self.width and self.height):
            return None
        if self.rotation % 180 == 90:
            return self.height, self.width
        return self.width, self.height


# Anchored at line starts: ffmpeg prints a metadata value's extra lines after "  : ", so a
# crafted title can't pose as a stream or a duration.
_INPUT = re.compile(r"^Input #0, (.+?), from ", re.M)
_DURATION = re.compile(r"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", re.M)
_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio|Subtitle|Data|Attachment): ?(\w*)(.*)$")
_SIZE = re.compile(r"(?<![\w.])(\d{2,5})x(\d{2,5})(?![\w.])")
_ROTATION = re.compile(
    r"^\s*display ?matrix: rotation of (-?\d+(?:\.\d+)?) degrees|^\s*rotate\s*: (-?\d+)", re.I
)


def parse_probe(text: str) -> Probe | None:
    """Read `ffmpeg -i` output; tolerant, since the wording shifts between versions."""
    found = _INPUT.search(text)
    if not found:
        return None
    info = text[found.end() :]
    duration = None
    if m := _DURATION.search(info):
        duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    video = audio = None
    width = height = None
    rotation = 0
    in_video = False  # side data lines follow the stream they belong to
    for line in info.splitlines():
        stream = _STREAM.match(line)
        if stream:
            kind, codec, rest = stream.groups()
            in_video = False
            if kind == "Video" and video is None and "(attached pic)" not in rest:
                video, in_video = codec or "unknown", True
                if size := _SIZE.search(rest):
                    width, height = int(size[1]), int(size[2])
            elif kind == "Audio" and audio is None:
                audio = codec or "unknown"
        elif in_video and (rot := _ROTATION.search(line)):
            rotation = round(float(rot[1] or rot[2])) % 360
    return Probe(found[1], duration, video, audio, width, height, rotation)


def probe(src: Path, *, timeout: float = 30) -> Probe:
    """What a file holds, from ffmpeg's description of it; Rejected if ffmpeg can't open it."""
    args = ["-i", _path(src)]  # with no output file ffmpeg describes the input and exits 1
    _, head, tail = _run(args, timeout=timeout, memory_bytes=PROBE_MEMORY, loglevel="info")
    found = parse_probe(head)
    if found is None:  # no "Input #0" means ffmpeg printed only errors, no metadata
        raise AVRejected(FILE_UNREADABLE, tail.strip())
    return found


def _path(path: Path) -> str:
    return os.fspath(Path(path).absolute())  # never "name:..." that ffmpeg reads as a protocol


class _Budget:
    """One deadline shared by every ffmpeg run for an item."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        left = self.deadline - time.monotonic()
        return left if cap is None else min(left, cap)


def _fit(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """Largest even size within the box keeping aspect; never enlarges."""
    scale = min(1.0, box_w / width, box_h / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


# Where a clean original goes, by the demuxer's first name: (muxer, suffix, mime).
VIDEO_FAMILIES = {
    "mov": ("mov", ".mov", "video/quicktime"),
    "matroska": ("matroska", ".mkv", "video/x-matroska"),
    "avi": ("avi", ".avi", "video/x-msvideo"),
    "mpegts": ("mpegts", ".ts", "video/mp2t"),
    "mpeg": ("mpeg", ".mpg", "video/mpeg"),
    "flv": ("flv", ".flv", "video/x-flv"),
    "asf": ("asf", ".wmv", "video/x-ms-wmv"),
}
AUDIO_FAMILIES = {
    "mov": ("mp4", ".m4a", "audio/mp4"),
    "matroska": ("matroska", ".mka", "audio/x-matroska"),
    "mp3": ("mp3", ".mp3", "audio/mpeg"),
    "wav": ("wav", ".wav", "audio/wav"),
    "ogg": ("ogg", ".ogg", "audio/ogg"),
    "flac": ("flac", ".flac", "audio/flac"),
    "aac": ("adts", ".aac", "audio/aac"),
    "amr": ("amr", ".amr", "audio/amr"),
    "caf": ("caf", ".caf", "audio/x-caf"),
    "aiff": ("aiff", ".aiff", "audio/aiff"),
    "asf": ("asf", ".wma", "audio/x-ms-wma"),
}
WEBM_CODECS = {"vp8", "vp9", "av1", "opus", "vorbis", None}


def _family(src: Path, found: Probe, table: dict) -> tuple[str, str, str] | None:
    family = table.get(found.container.split(",")[0])
    if family is None:
        return None
    if family[0] == "matroska" and {found.video_codec, found.audio_codec} <= WEBM_CODECS:
        return ("webm", ".webm", "video/webm" if found.video_codec else "audio/webm")
    if family[0] == "mov" and not _quicktime(src):
        return ("mp4", ".mp4", "video/mp4")
    if family[0] == "mp4" and found.audio_codec in {"aac", "alac"}:
        return ("ipod", ".m4a", "audio/mp4")
    return family


def _quicktime(src: Path) -> bool:
    """A .mov rather than an .mp4: QuickTime's brand, or an old file without ftyp."""
    with open(src, "rb") as f:
        head = f.read(12)
    return head[4:8] != b"ftyp" or head[8:12] == b"qt  "


# Every output: no metadata or chapters, our thread count, and no "success" with nothing in it.
OUTPUT = ["-map_metadata", "-1", "-map_chapters", "-1", "-threads", THREADS]
OUTPUT += ["-abort_on", "empty_output_stream"]


def _clean_original(
    src: Path, found: Probe, workdir: Path, budget: _Budget, memory_bytes: int, video: bool
) -> Rendition | None:
    """The original streams copied without metadata; None when the container won't allow it."""
    family = _family(src, found, VIDEO_FAMILIES if video else AUDIO_FAMILIES)
    if family is None:
        return None
    muxer, suffix, mime = family
    out = workdir / f"{CLEAN_ORIGINAL}{suffix}"
    # Picture and sound only: data tracks hold GPS telemetry (GoPro) or timed metadata
    # (iPhone), and cover art ("attached pic", not V) can be a photo with its own EXIF.
    maps = ["-map", "0:V?", "-map", "0:a?"]
    extra = ["-id3v2_version", "0"] if muxer == "mp3" else []
    args = ["-i", _path(src), *maps, "-c", "copy", *OUTPUT, *extra, "-f", muxer]
    try:
        run_ffmpeg([*args, "-y", _path(out)], timeout=budget.left(), memory_bytes=memory_bytes)
    except AVRejected as err:
        out.unlink(missing_ok=True)
        if err.timed_out:
            raise
        log.info("clean original skipped: %s", err.detail)
        return None
    size = found.display_size if video else None
    return Rendition(CLEAN_ORIGINAL, out, mime, *(size or (None, None)))


def _stills(
    playable: Path, size: tuple[int, int], duration: float, workdir: Path, budget: _Budget, mem: int
) -> list[Rendition]:
    """Poster and thumb from the playable file: already upright, decodable and metadata-free."""
    at = "1" if duration >= 2 else "0"
    poster, thumb = workdir / f"{POSTER}.jpg", workdir / f"{THUMB}.jpg"
    pw, ph = _fit(*size, POSTER_BOX, POSTER_BOX)
    tw, th = _fit(*size, THUMB_BOX, THUMB_BOX)
    graph = (
        f"[0:v:0]split=2[a][b];[a]scale={pw}:{ph}:flags=lanczos[p];"
        f"[b]scale={tw}:{th}:flags=lanczos[t]"
    )
    still = ["-frames:v", "1", "-update", "1", "-q:v", "3", *OUTPUT, "-y"]
    args = ["-ss", at, "-i", _path(playable), "-filter_complex", graph]
    args += ["-map", "[p]", *still, _path(poster), "-map", "[t]", *still, _path(thumb)]
    run_ffmpeg(args, timeout=budget.left(), memory_bytes=mem)
    for path in (poster, thumb):
        if not path.is_file() or path.stat().st_size == 0:
            raise AVRejected(VIDEO_UNREADABLE, "no frame for the poster")
    return [
        Rendition(THUMB, thumb, "image/jpeg", tw, th),
        Rendition(POSTER, poster, "image/jpeg", pw, ph),
    ]


def _checked_output(path: Path, budget: _Budget) -> Probe:
    """Our own output, described: its size and duration are what the family will get."""
    found = probe(path, timeout=budget.left(30))
    if not found.duration_seconds or found.duration_seconds <= 0:
        raise AVRejected(FILE_UNREADABLE, f"{path.name} has no duration")
    return found


def _discard(workdir: Path, *names: str) -> None:
    """Half-made renditions must not look finished to whoever reads workdir next."""
    for name in names:
        (workdir / name).unlink(missing_ok=True)


def _rejecting(message: str):
    """Give any failure the message for this kind of file; nothing but Rejected escapes."""

    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except AVRejected as err:
                if err.args[0] == FILE_UNREADABLE:
                    raise AVRejected(message, err.detail) from err
                raise
            except Rejected:
                raise
            except Exception as exc:  # OSError, parse surprises: all "can't use"
                raise AVRejected(message, repr(exc)) from exc

        return inner

    return wrap


@_rejecting(VIDEO_UNREADABLE)
def process_video(
    src: Path,
    workdir: Path,
    *,
    timeout: float = 600,
    memory_bytes: int = 1536 * 2**20,
    max_height: int = 720,
) -> Processed:
    """Poster, thumb, an H.264/AAC MP4 every browser plays, and a metadata-free original."""
    budget = _Budget(timeout)
    found = probe(src, timeout=budget.left(30))
    if found.video_codec is None:
        if found.audio_codec is not None:  # a voice memo in an .mp4, or an MP3 with cover art
            return process_audio(src, workdir, timeout=budget.left(), memory_bytes=memory_bytes)
        raise AVRejected(VIDEO_UNREADABLE, f"no video or audio stream in {found.container}")
    if (found.width or 0) * (found.height or 0) > MAX_PIXELS:
        raise AVRejected(TOO_BIG, f"{found.width}x{found.height}")
    workdir.mkdir(parents=True, exist_ok=True)
    playable = workdir / f"{PLAYABLE}.mp4"
    box_w, box_h = max_height * 16 // 9, max_height
    # ffmpeg turns the picture upright itself (autorotate) before these filters run.
    vf = (
        "scale=trunc(iw*sar/2)*2:trunc(ih/2)*2,setsar=1,"
        f"scale=w='min(iw,{box_w})':h='min(ih,{box_h})':force_original_aspect_ratio=decrease"
        ":force_divisible_by=2,setsar=1"
    )
    args = ["-i", _path(src), "-map", "0:V:0", "-map", "0:a:0?", "-vf", vf, "-fpsmax", "30"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-profile:v", "high"]
    args += ["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"]
    args += ["-ar", "48000", "-sn", "-dn", *OUTPUT, "-movflags", "+faststart"]
    args += ["-f", "mp4", "-y", _path(playable)]
    try:
        run_ffmpeg(args, timeout=budget.left(), memory_bytes=memory_bytes)
        out = _checked_output(playable, budget)
        size = out.display_size
        if out.video_codec != "h264" or size is None:
            raise AVRejected(VIDEO_UNREADABLE, "playable output has no H.264 picture")
        renditions = _stills(playable, size, out.duration_seconds, workdir, budget, memory_bytes)
        renditions.append(Rendition(PLAYABLE, playable, "video/mp4", *size))
        clean = _clean_original(src, found, workdir, budget, memory_bytes, video=True)
    except BaseException:
        _discard(workdir, f"{PLAYABLE}.mp4", f"{POSTER}.jpg", f"{THUMB}.jpg")
        raise
    if clean:
        renditions.append(clean)
    return Processed(
        kind="video",
        renditions=renditions,
        width=size[0],
        height=size[1],
        duration_seconds=out.duration_seconds,
    )


def _playable_audio(
    src: Path, found: Probe, workdir: Path, budget: _Budget, mem: int
) -> tuple[Path, str]:
    """A copy when every browser already plays the sound (AAC in MP4, MP3), else AAC in M4A."""
    copy = None
    if found.container.startswith("mov") and found.audio_codec == "aac":
        copy = ("ipod", workdir / f"{PLAYABLE}.m4a", "audio/mp4", [])
    elif found.container == "mp3" and found.audio_codec == "mp3":
        copy = ("mp3", workdir / f"{PLAYABLE}.mp3", "audio/mpeg", ["-id3v2_version", "0"])
    base = ["-i", _path(src), "-map", "0:a:0", "-vn", "-sn", "-dn", *OUTPUT]
    if copy:
        muxer, out, mime, extra = copy
        args = [*base, "-c:a", "copy", *extra, "-f", muxer]
        try:
            run_ffmpeg([*args, "-y", _path(out)], timeout=budget.left(), memory_bytes=mem)
            return out, mime
        except AVRejected as err:
            if err.timed_out:
                raise
            out.unlink(missing_ok=True)  # fall through to a transcode
    out = workdir / f"{PLAYABLE}.m4a"
    args = [*base, "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", "48000"]
    args += ["-af", "aformat=channel_layouts=mono|stereo", "-movflags", "+faststart"]
    args += ["-f", "ipod", "-y", _path(out)]
    run_ffmpeg(args, timeout=budget.left(), memory_bytes=mem)
    return out, "audio/mp4"


@_rejecting(AUDIO_UNREADABLE)
def process_audio(
    src: Path, workdir: Path, *, timeout: float = 300, memory_bytes: int = 1024 * 2**20
) -> Processed:
    """Sound every browser plays (AAC in M4A, or an MP3 copy) and a metadata-free original."""
    budget = _Budget(timeout)
    found = probe(src, timeout=budget.left(30))
    if found.audio_codec is None:
        raise AVRejected(NO_SOUND, f"no audio stream in {found.container}")
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        out, mime = _playable_audio(src, found, workdir, budget, memory_bytes)
        duration = _checked_output(out, budget).duration_seconds
        renditions = [Rendition(PLAYABLE, out, mime)]
        # The service drops the upload once a clean copy exists, so keep any real picture.
        video = found.video_codec is not None
        clean = _clean_original(src, found, workdir, budget, memory_bytes, video=video)
    except BaseException:
        _discard(workdir, f"{PLAYABLE}.m4a", f"{PLAYABLE}.mp3")
        raise
    if clean:
        renditions.append(clean)
    return Processed(kind="audio", renditions=renditions, duration_seconds=duration)
