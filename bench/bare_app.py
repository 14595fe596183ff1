"""The yardstick for bench/wiki.py: a bare Flask app answering a constant page."""

from __future__ import annotations

import os

from flask import Flask


def create_bare_app() -> Flask:
    """A Flask app that returns BARE_PAGE_BYTES bytes of HTML from one route."""
    app = Flask(__name__)
    size = int(os.environ.get("BARE_PAGE_BYTES", "5000"))
    page = ("<!doctype html><p>" + "x" * size).encode()[:size]  # exactly the size asked

    @app.get("/")
    def constant():
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    return app
