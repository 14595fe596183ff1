"""Where a `next=` parameter may send someone after they log in: only this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def _is_local_path(candidate: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//"):
        return False
    # Browsers treat "\" as "/" and drop tabs and newlines, so "/\evil" means "//evil".
    if "\\" in candidate or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate):
        return False
    parts = urlsplit(candidate)
    return not parts.scheme and not parts.netloc


def safe_next_url(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None.

    Every percent-decoded form is checked too, so "%2F%2Fevil" and
    "/%5Cevil" stay on site whichever layer decodes them.
    """
    if not target or len(target) > 2000:
        return None
    candidate = target
    for _ in range(5):
        if not _is_local_path(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return None
