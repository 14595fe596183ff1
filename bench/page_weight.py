"""Page weight over the wire on a first visit, at phone size. Target: each page < 100 KB.

Run with `make bench` or `python -m bench.page_weight` (needs Debian's chromium). Serves
the app on a free port with a throwaway SQLite database and the demo data, then loads
each page in a fresh context.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.demo import load_demo_data
from portal.extensions import db
from tests.browser.chromium import PHONE, launch_chromium

TARGET_BYTES = 100_000
WEIGHT = """() => [...performance.getEntriesByType('navigation'),
  ...performance.getEntriesByType('resource')].reduce((t, e) => t + e.transferSize, 0)"""
PAGES = ["/", "/c/sam/", "/account", "/no-such-page"]


def serve(folder: Path) -> tuple[str, object]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "LOCAL_STORAGE_PATH": str(folder / "media"),
        },
        env="testing",
    )
    with app.app_context():
        db.create_all()
        load_demo_data()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        base, server = serve(Path(folder))
        browser = launch_chromium(playwright)
        phone = PHONE

        context = browser.new_context(**phone)
        page = context.new_page()
        page.goto(f"{base}/login")
        results = [("/login", page.evaluate(WEIGHT))]
        page.fill("#login", "parent@demo.test")
        page.fill("#password", "demo-parent-pass")
        page.click("button[type=submit]")
        state = context.storage_state()
        context.close()

        for path in PAGES:
            context = browser.new_context(storage_state=state, **phone)
            page = context.new_page()
            page.goto(base + path)
            results.append((path, page.evaluate(WEIGHT)))
            context.close()
        browser.close()
        server.shutdown()

    print(f"{'page':<16}{'bytes':>8}  (target < {TARGET_BYTES})")
    for path, weight in results:
        print(f"{path:<16}{weight:>8}  {'ok' if weight < TARGET_BYTES else 'OVER'}")
    heaviest = max(weight for _, weight in results)
    print(f"heaviest page: {heaviest} bytes, {heaviest / TARGET_BYTES:.1%} of the budget")


if __name__ == "__main__":
    main()
