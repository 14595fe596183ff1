"""Browser fixtures: the real app served on a free port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.demo import load_demo_data
from tests.browser.chromium import CHROMIUM, PHONE, launch_chromium

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "screenshots"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app with the demo data, served over real HTTP in a thread."""
    with app.app_context():
        load_demo_data()
    server = make_server("127.0.0.1", 0, closing_iterables(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def closing_iterables(wsgi_app):
    """Werkzeug's development server leaves a response unclosed when the browser goes
    away mid-download (a page moving on while a picture loads), so its file is only
    closed by the garbage collector, with a ResourceWarning that fails whichever test is
    running. gunicorn closes it; so does this wrapper, when the server drops the response."""

    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return app


@pytest.fixture
def phone(browser):
    """A page in a fresh 360×640 touch context, like a cheap phone."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()
