"""The yardstick for bench/wiki.py: a bare Flask app answering a constant page."""

from __future__ import annotations

import os

from flask import Flask


def create_bare_app() -> Flask:
    """A Flask app that returns BARE_PAGE_BYTES bytes of HTML from one route."""
    app = Flask(__name__)
    page = ("<!doctype html><p>" + "x" * int(os.environ.get("BARE_PAGE_BYTES", "5000"))).encode()

    @app.get("/")
    def constant():
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    return app
