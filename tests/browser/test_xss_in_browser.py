"""Hostile page bodies, saved through the real form and opened in Chromium: no script runs."""

from __future__ import annotations

from tests.browser.test_journeys import log_in
from tests.conftest import csrf_token_from
from tests.unit.xss_corpus import PAYLOADS

BATCH = 25  # payloads per page, to keep the test quick


def test_no_payload_runs_script_in_the_browser(live_server, phone):
    executed: list[str] = []
    phone.on("dialog", lambda dialog: (executed.append(dialog.message), dialog.dismiss()))
    phone.on("console", lambda message: executed.append(message.text))
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
        for link in phone.locator(".wiki-body a").all()[:40]:
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith(("javascript", "data", "vbscript")), href
        phone.wait_for_timeout(100)
    assert executed == []
