"""Scanned paper forms in Chromium: the administrator uploads and checks a scan at
desktop size, and the family confirms the typed-up form on a phone.

Reading runs inline (no REDIS_URL), so a scan is read when its page first loads.
"""

from __future__ import annotations

import pytest

from tests import scan_samples
from tests.browser.checks import check_page
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import logged_in_page
from tests.conftest import log_in as log_in_client
from tests.integration.scan_helpers import child_id, latest_scan, publish, upload_scans

pytestmark = pytest.mark.app_config(REDIS_URL=None)

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def tesseract():
    scan_samples.require_tesseract()


# Scrolls each picture into view and waits for it: pages load their pictures lazily,
# and a full-page screenshot does not scroll.
SHOW_EVERY_PICTURE = """async () => {
  for (const img of document.querySelectorAll('img')) {
    img.scrollIntoView();
    if (!img.complete) { await new Promise(done => { img.onload = img.onerror = done; }); }
  }
  window.scrollTo(0, 0);
}"""


def checked(page, name: str) -> None:
    """check_page (axe-core, sideways scrolling, tap targets, screenshot) with every
    picture loaded, and none broken."""
    page.evaluate(SHOW_EVERY_PICTURE)
    broken = page.evaluate("() => [...document.images].filter(i => !i.naturalWidth).length")
    assert broken == 0, name
    check_page(page, name, SCREENSHOTS)


def test_the_administrator_uploads_checks_and_publishes_a_scan(browser, live_server, tmp_path):
    scan_file = tmp_path / "all-about-me.pdf"
    scan_file.write_bytes(scan_samples.form_pdf())
    context, page = logged_in_page(
        browser, live_server, "admin@demo.test", "demo-admin-pass", **DESKTOP
    )
    try:
        page.goto(f"{live_server}/admin/scans")
        assert page.get_by_role("heading", level=1).inner_text() == "Scanned paper forms"
        checked(page, "scans-list-empty")

        # Forgetting the child is explained, and the form chosen is kept.
        page.get_by_label("Which form").select_option(label="All About Me")
        page.get_by_label("Scanned file").set_input_files(str(scan_file))
        page.evaluate("() => document.querySelector('#scan-child').removeAttribute('required')")
        page.get_by_role("button", name="Upload and read").click()
        assert "Choose the child this form is about." in page.get_by_role("alert").inner_text()
        assert page.get_by_label("Which form").input_value() == "all_about_me"
        checked(page, "scans-upload-problem")

        page.get_by_label("Child").select_option(label="Sam Shah")
        page.get_by_label("Scanned file").set_input_files(str(scan_file))
        page.get_by_role("button", name="Upload and read").click()
        page.wait_for_url("**/admin/scans/*")
        assert page.get_by_role("heading", level=1).inner_text() == "All About Me: Sam Shah"
        first = page.get_by_label("Text of page 1")
        assert "My dog Biscuit" in first.input_value()
        assert page.get_by_role("img", name="Page 2 of the scanned form").is_visible()
        picture = page.get_by_role("img", name="Page 1 of the scanned form").bounding_box()
        box = first.bounding_box()
        assert picture["x"] + picture["width"] <= box["x"], "the picture sits beside its text"
        checked(page, "scan-review-desktop")

        first.fill(first.input_value().replace("Sam Shah", "Sam Shah (Samuel)"))
        page.get_by_role("button", name="Save corrections").click()
        assert page.get_by_role("status").filter(has_text="corrections are saved").is_visible()
        assert "Sam Shah (Samuel)" in page.get_by_label("Text of page 1").input_value()
        page.get_by_label("Where should the text go?").select_option(label="A new page")
        page.get_by_label("Title of a new page").fill("All About Me (paper form)")
        page.get_by_role("button", name="Publish to the wiki").click()
        published = page.get_by_role("status").filter(has_text="Published as the page")
        assert "We emailed 1 of the family" in published.inner_text()
        checked(page, "scan-published-desktop")

        page.get_by_role("link", name="Scanned paper forms").click()
        assert page.get_by_text("Checked by staff, waiting for the family").is_visible()
        checked(page, "scans-list")
    finally:
        context.close()


def publish_a_form(app) -> int:
    """An administrator uploads and publishes the two-page form, through the routes."""
    client = app.test_client()
    log_in_client(client, "admin@demo.test")
    upload_scans(client, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    assert publish(client, scan.id, title="All About Me (paper form)").status_code == 303
    return scan.id


def test_the_family_checks_the_typed_up_form_on_a_phone(browser, live_server, app):
    scan_id = publish_a_form(app)
    context, page = logged_in_page(
        browser, live_server, "parent@demo.test", "demo-parent-pass", **PHONE
    )
    try:
        page.goto(f"{live_server}/c/sam/")
        assert page.get_by_text("Please check a paper form.").is_visible()
        checked(page, "child-home-paper-form")

        page.get_by_role("link", name="Check the form").click()
        assert page.url.endswith(f"/c/sam/paper-forms/{scan_id}")
        assert page.get_by_role("heading", level=1).inner_text() == "Check your paper form"
        typed = page.get_by_role("region", name="What we typed")
        assert "From a paper form — please check." in typed.inner_text()
        assert "My dog Biscuit" in typed.inner_text()
        assert page.get_by_role("img", name="Page 2 of your paper form").is_visible()
        checked(page, "paper-form-check-phone")

        page.get_by_role("button", name="This is right").click()
        assert page.get_by_role("status").filter(has_text="Thank you").is_visible()
        assert page.get_by_role("heading", level=1).inner_text() == "Your paper form"
        assert page.get_by_text("Priya Shah said it is right on").is_visible()
        assert page.get_by_role("button", name="This is right").count() == 0
        checked(page, "paper-form-confirmed-phone")

        page.goto(f"{live_server}/c/sam/")
        assert page.get_by_text("Please check a paper form.").count() == 0
    finally:
        context.close()


def test_the_young_person_changes_the_form_instead_on_a_phone(browser, live_server, app):
    scan_id = publish_a_form(app)
    context, page = logged_in_page(browser, live_server, "sam", "demo-young-pass", **PHONE)
    try:
        page.goto(f"{live_server}/c/sam/paper-forms/{scan_id}")
        page.get_by_role("link", name="Change it").click()
        body = page.get_by_label("Page text")
        body.fill(body.input_value().replace("my sister Ava", "my big sister Ava"))
        page.get_by_role("button", name="Save").first.click()
        page.wait_for_url("**/wiki/all-about-me-paper-form?saved=1")
        page.goto(f"{live_server}/c/sam/paper-forms/{scan_id}")
        assert page.get_by_text("Sam Shah checked it and changed the page on").is_visible()
        assert "my big sister Ava" in page.get_by_role("region", name="What we typed").inner_text()
        checked(page, "paper-form-changed-phone")
    finally:
        context.close()
