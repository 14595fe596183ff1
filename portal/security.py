"""Security headers on every response."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from flask import Response, abort, request

# Privacy-enhanced players for YouTube and Vimeo links (media/links.py makes them).
VIDEO_EMBED_ORIGINS = "https://www.youtube-nocookie.com https://player.vimeo.com"


def content_security_policy(config: Mapping) -> str:
    """No inline script or style anywhere: every script and stylesheet is a file we
    serve. With S3 storage, pictures, players and direct uploads also reach the store."""
    store = ""
    if config.get("STORAGE") == "s3" and config.get("S3_ENDPOINT_URL"):
        parts = urlsplit(config["S3_ENDPOINT_URL"])
        store = f" {parts.scheme}://{parts.netloc}"
    elif config.get("STORAGE") == "s3":
        store = " https://*.amazonaws.com"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{store}",
            "font-src 'self'",
            f"connect-src 'self'{store}",
            f"media-src 'self'{store}",
            f"frame-src {VIDEO_EMBED_ORIGINS}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(policy: str) -> Callable[[Response], Response]:
    """The after-request hook that sets the headers a careful reviewer expects."""

    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # A stored file brings its own stricter policy (media/serving.py); pages get ours.
        headers.setdefault("Content-Security-Policy", policy)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "geolocation=(), camera=(self), microphone=(self)"
        cache = headers.get("Cache-Control", "")
        if not request.path.startswith("/static/") and not cache.startswith("private"):
            # Child data must not linger in a shared family computer's cache.
            headers["Cache-Control"] = "no-store"
        return response

    return add_security_headers


def refuse_nul_in_address() -> None:
    """No NUL character in a path or query string: PostgreSQL cannot compare text with
    one, so it would otherwise surface as a 500 instead of "not found"."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in value for value in request.args.values()):
        abort(400)
