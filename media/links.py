"""Web links a family adds to the library, and privacy-enhanced players for video sites."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from media.results import Rejected

MAX_URL_LENGTH = 2000
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")

# The origins the page may frame; security.py lists them in the CSP frame-src.
EMBED_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def clean_url(raw: str) -> str:
    """The link as typed, if it is a web address we may show; otherwise Rejected."""
    url = (raw or "").strip()
    if not url:
        raise Rejected("Please type or paste the web address.")
    if len(url) > MAX_URL_LENGTH:
        raise Rejected("That web address is too long.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise Rejected("A web address can't contain spaces.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise Rejected("Only web addresses starting with http:// or https:// can be added.")
    if parts.username or parts.password:
        raise Rejected("Please remove the user name or password from the web address.")
    return url


def embed_url_for(url: str) -> str | None:
    """A no-cookie player address for YouTube and Vimeo links; None for other sites."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    video_id = None
    if host in _YOUTUBE_HOSTS:
        if parts.path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif parts.path.startswith(("/shorts/", "/embed/", "/live/")):
            video_id = parts.path.split("/")[2]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host == "youtu.be":
        video_id = parts.path.lstrip("/").split("/")[0]
        if _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        video_id = parts.path.rstrip("/").split("/")[-1]
        if _VIMEO_ID.match(video_id):
            # dnt=1: Vimeo sets no tracking cookies.
            return f"https://player.vimeo.com/video/{video_id}?dnt=1"
    return None
