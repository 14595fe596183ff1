"""Account journeys in Chromium at 360×640: a password reset through the demo outbox, and a
caseworker setting up two-step login."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.browser.checks import check_page, first_visit_weight
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_parent_resets_their_password_through_the_demo_outbox(live_server, phone):
    phone.goto(f"{live_server}/login")
    phone.get_by_role("link", name="Forgotten your password?").click()
    assert phone.url == f"{live_server}/reset"
    assert heading(phone) == "Forgotten your password?"
    check_page(phone, "reset-ask", SCREENSHOTS)
    assert first_visit_weight(phone, "/reset") < 100_000

    phone.get_by_label("Email or username").fill("parent@demo.test")
    phone.get_by_role("button", name="Send me a link").click()
    assert heading(phone) == "Check your email"
    check_page(phone, "reset-sent", SCREENSHOTS)

    phone.goto(f"{live_server}/outbox")
    assert phone.get_by_text("Demo outbox — no real email is sent.").is_visible()
    check_page(phone, "demo-outbox", SCREENSHOTS)
    link = phone.locator("main a[href*='/reset/']")
    address = link.get_attribute("href")
    link.click()
    assert heading(phone) == "Set a new password"
    check_page(phone, "reset-new-password", SCREENSHOTS)

    phone.get_by_label("New password").fill("password")
    phone.get_by_role("button", name="Set new password").click()
    assert "too common" in phone.get_by_role("alert").inner_text()
    check_page(phone, "reset-weak-password", SCREENSHOTS)

    phone.get_by_label("New password").fill("our new family password")
    phone.get_by_role("button", name="Set new password").click()
    assert phone.url == f"{live_server}/login"
    assert phone.get_by_text("Password changed. Log in with your new password.").is_visible()
    check_page(phone, "reset-done", SCREENSHOTS)

    log_in(phone, "parent@demo.test", "our new family password")
    assert phone.url == f"{live_server}/"

    phone.goto(address)  # the link worked once
    assert heading(phone) == "This link does not work"
    check_page(phone, "reset-link-used", SCREENSHOTS)
    phone.get_by_role("link", name="Ask for a new link").click()
    assert phone.url == f"{live_server}/reset"


@pytest.mark.app_config(REQUIRE_STAFF_2FA=True)
def test_caseworker_sets_up_two_step_login_on_a_phone(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "caseworker@demo.test", "demo-caseworker-pass")
    assert phone.url == f"{live_server}/login/code/set-up"
    qr = phone.get_by_role("img", name=re.compile("QR code"))
    assert qr.is_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the data: URI loaded under our CSP
    check_page(phone, "two-step-set-up", SCREENSHOTS)

    secret = phone.locator("code").first.inner_text().replace(" ", "")
    phone.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Turn on").click()
    assert heading(phone) == "Save your recovery codes"
    assert phone.locator("li code").count() == 10
    check_page(phone, "two-step-recovery-codes", SCREENSHOTS)

    phone.get_by_role("link", name="I have saved them, continue").click()
    assert phone.url == f"{live_server}/"
    phone.get_by_role("button", name="Log out").click()

    log_in(phone, "caseworker@demo.test", "demo-caseworker-pass")
    assert phone.url == f"{live_server}/login/code"
    check_page(phone, "two-step-code", SCREENSHOTS)
    phone.get_by_label("Code").fill("000000")
    phone.get_by_role("button", name="Continue").click()
    assert "That code is not right" in phone.get_by_role("alert").inner_text()
    check_page(phone, "two-step-code-wrong", SCREENSHOTS)
