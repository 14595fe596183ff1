"""Hostile page bodies, saved through the real form and opened in Chromium: no script runs."""

from __future__ import annotations

from tests.browser.test_journeys import log_in
from tests.conftest import csrf_token_from
from tests.unit.xss_corpus import PAYLOADS

BATCH = 25  # payloads per page, to keep the test quick


def test_no_payload_runs_script_in_the_browser(live_server, phone):
    executed: list[str] = []
    phone.on("dialog", lambda dialog: (executed.append(dialog.message), dialog.dismiss()))
    # Any console output means something ran, except the browser's own note about
    # images whose same-site address does not exist.
    phone.on(
        "console",
        lambda message: (
            None
            if message.text.startswith("Failed to load resource")
            else executed.append(message.text)
        ),
    )
    phone.on("pageerror", lambda error: executed.append(str(error)))
    phone.goto(f"{live_server}/login")
    log_in(phone, "parent@demo.test", "demo-parent-pass")
    request = phone.context.request

    for start in range(0, len(PAYLOADS), BATCH):
        slug = f"hostile-{start}"
        body = "\n\n".join(PAYLOADS[start : start + BATCH])
        edit = request.get(f"{live_server}/c/sam/wiki/{slug}/edit").text()
        response = request.post(
            f"{live_server}/c/sam/wiki/{slug}/edit",
            form={
                "csrf_token": csrf_token_from(edit),
                "title": slug,
                "body": body,
                "summary": "",
                "base_revision": "0",
                "save": "1",
            },
        )
        assert response.ok
        phone.goto(f"{live_server}/c/sam/wiki/{slug}")
        # How the browser itself resolved each link and image: only safe protocols.
        protocols = phone.evaluate(
            "() => [...document.querySelectorAll('.wiki-body a[href], .wiki-body img[src]')]"
            ".map(el => new URL(el.href || el.src, location.href).protocol)"
        )
        assert set(protocols) <= {"http:", "https:", "mailto:", "tel:"}, protocols
        phone.wait_for_timeout(100)
    assert executed == []
