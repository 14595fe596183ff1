"""What processing a file produces, shared by the image, audio/video and PDF steps.

Processing turns one uploaded original into renditions: files made by us, safe to
serve inline (re-encoded, without metadata). A file we cannot use raises Rejected
with a message a parent can read; the original is kept either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Rendition names, in the order a page prefers them.
THUMB = "thumb"  # ~320 px picture: library grid, link previews, video posters' small size
DISPLAY = "display"  # ~1280 px picture shown on a page
POSTER = "poster"  # a still from a video, shown before it plays
PLAYABLE = "playable"  # H.264/AAC MP4 video or AAC audio that every browser plays
CLEAN_ORIGINAL = "clean_original"  # the original's content without metadata (GPS, camera)


class Rejected(Exception):
    """A file we cannot process; str() is a calm message for the family."""


@dataclass(frozen=True)
class Rendition:
    name: str
    path: Path
    mime: str
    width: int | None = None
    height: int | None = None


@dataclass
class Processed:
    """The result of processing one original."""

    kind: str  # "image", "audio", "video" or "document" (an MP4 may turn out to be audio)
    renditions: list[Rendition] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    page_count: int | None = None
