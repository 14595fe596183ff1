"""Key journeys, driven through the real UI in Chromium at 360×640."""

from __future__ import annotations

import re

from tests.browser.checks import check_page, first_visit_weight
from tests.browser.conftest import SCREENSHOTS


def log_in(page, login: str, password: str) -> None:
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def logged_in_page(browser, base: str, login: str, password: str, **options):
    """A fresh context (sized by `options`) and a page in it, logged in; close the
    context when done."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    log_in(page, login, password)
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def test_parent_logs_in_reaches_sam_and_logs_out(live_server, phone):
    phone.goto(f"{live_server}/c/sam/")
    assert re.search(r"/login\?next=%2Fc%2Fsam%2F$", phone.url)
    assert phone.get_by_text("Please log in to see this page.").is_visible()
    check_page(phone, "login", SCREENSHOTS)
    assert first_visit_weight(phone, "/login") < 100_000

    log_in(phone, "parent@demo.test", "demo-parent-pass")
    assert phone.url == f"{live_server}/c/sam/"
    assert phone.get_by_role("heading", level=1).inner_text() == "Sam Shah"
    check_page(phone, "child-home", SCREENSHOTS)
    assert first_visit_weight(phone, "/c/sam/") < 100_000

    phone.get_by_role("link", name="My children").click()
    assert phone.get_by_role("link", name=re.compile("Sam Shah")).is_visible()
    check_page(phone, "my-children", SCREENSHOTS)

    phone.get_by_role("button", name="Log out").click()
    assert phone.url == f"{live_server}/login"
    assert phone.get_by_text("You have logged out.").is_visible()
    phone.goto(f"{live_server}/c/sam/")
    assert "/login" in phone.url


def test_wrong_password_is_explained_and_the_login_is_kept(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "parent@demo.test", "not my password")
    assert phone.get_by_role("alert").inner_text().count("is not right") == 1
    assert phone.get_by_label("Email or username").input_value() == "parent@demo.test"
    assert phone.get_by_label("Password").input_value() == ""
    check_page(phone, "login-failed", SCREENSHOTS)


def test_another_family_gets_not_found_for_sam(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "other.parent@demo.test", "demo-other-pass")
    response = phone.goto(f"{live_server}/c/sam/")
    assert response.status == 404
    assert phone.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert "Sam" not in phone.content()
    check_page(phone, "not-found", SCREENSHOTS)


def test_account_page_works_at_phone_size(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "sam", "demo-young-pass")
    phone.get_by_role("link", name="Account").click()
    phone.get_by_label("Current password").fill("demo-young-pass")
    phone.get_by_label("New password").fill("123456789")
    phone.get_by_role("button", name="Change password").click()
    assert "too common" in phone.get_by_role("alert").inner_text()
    check_page(phone, "account-weak-password", SCREENSHOTS)
