"""The access log never keeps a reset or invitation token."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from portal.gunicorn_logging import RedactingLogger, redact

TOKEN = "7rHaNp6AYbMtTExPXjUSfxuXPOjXMSsQ2seVmt5Zb-Y"


def test_tokens_are_hidden_in_paths_and_left_alone_elsewhere():
    assert redact(f"GET /reset/{TOKEN} HTTP/1.1") == "GET /reset/[hidden] HTTP/1.1"
    assert redact(f"https://x.test/invite/{TOKEN}?a=1") == "https://x.test/invite/[hidden]?a=1"
    assert redact("GET /reset HTTP/1.1") == "GET /reset HTTP/1.1"
    assert redact("/c/sam/wiki/about-me") == "/c/sam/wiki/about-me"


def test_every_atom_of_a_logged_request_is_redacted():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/reset/{TOKEN}",
        "PATH_INFO": f"/reset/{TOKEN}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://x.test/invite/{TOKEN}",
    }
    request = SimpleNamespace(headers=[("REFERER", f"https://x.test/invite/{TOKEN}")])
    response = SimpleNamespace(status="303 See Other", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert not any(TOKEN in str(value) for value in atoms.values())
    assert atoms["r"] == "POST /reset/[hidden] HTTP/1.1"
    assert atoms["h"] == "203.0.113.9"
