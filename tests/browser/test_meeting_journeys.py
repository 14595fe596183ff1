"""The live plan meeting in Chromium: the caseworker at a desk and the parent on a phone
write Section A together; each sees the other's words within seconds, edits made at the
same moment to different paragraphs both survive, and the saved version names them both."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.checks import check_page
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_plan_journeys import check_without_javascript, logged_in
from tests.integration import plan_helpers

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
FIRST = plan_helpers.QUOTED_TEXT


def timed_value(locator, value: str) -> float:
    """Seconds until the textarea holds `value` (at most 5)."""
    started = time.monotonic()
    expect(locator).to_have_value(value, timeout=5_000)
    return time.monotonic() - started


def test_caseworker_and_parent_write_section_a_together(app, browser, live_server):
    plan_helpers.well_formed_plan(app, plan_helpers.person(app, "caseworker@demo.test"))
    desk_context, desk = logged_in(
        browser, live_server, "caseworker@demo.test", "demo-caseworker-pass", **DESKTOP
    )
    phone_context, phone = logged_in(
        browser, live_server, "parent@demo.test", "demo-parent-pass", **PHONE
    )
    try:
        desk.goto(f"{live_server}/c/sam/plan")
        desk.get_by_role("link", name="Start a meeting").click()
        check_page(desk, "meeting-new-desktop", SCREENSHOTS)
        desk.get_by_label("Priya Shah (parent)").check()
        desk.get_by_role("button", name="Open the meeting").click()
        expect(desk.get_by_role("heading", name="Writing the plan together")).to_be_visible()

        phone.goto(f"{live_server}/c/sam/")
        phone.get_by_role("link", name="Join the meeting").click()
        caseworker_text = desk.get_by_label("The section's text")
        parent_text = phone.get_by_label("The section's text")
        expect(parent_text).to_have_value(FIRST)
        expect(phone.locator("#meeting-people")).to_contain_text("Priya Shah (parent) – here now")
        check_page(phone, "meeting-phone", SCREENSHOTS)

        # The caseworker adds a paragraph; it reaches the parent's phone.
        two = f"{FIRST}\n\nSam is funny and kind."
        caseworker_text.fill(two)
        to_parent = timed_value(parent_text, two)
        # The parent changes it; it reaches the caseworker's screen.
        two_parent = f"{FIRST}\n\nSam is funny, kind and brave."
        parent_text.fill(two_parent)
        to_caseworker = timed_value(caseworker_text, two_parent)
        print(f"\nedit reached the parent in {to_parent:.1f} s, the caseworker in "
              f"{to_caseworker:.1f} s")  # fmt: skip

        # Both at once, each in a different paragraph: both survive on both screens.
        first_changed = FIRST.replace(FIRST[0], FIRST[0], 1) + " (said in the meeting)"
        caseworker_text.fill(f"{first_changed}\n\nSam is funny, kind and brave.")
        parent_text.fill(f"{FIRST}\n\nSam is funny, kind, brave and loves trains.")
        both = f"{first_changed}\n\nSam is funny, kind, brave and loves trains."
        expect(caseworker_text).to_have_value(both, timeout=8_000)
        expect(parent_text).to_have_value(both, timeout=8_000)

        # A note from the phone shows up on the desk.
        phone.get_by_label("Add a note").fill("Sam wants to try the bus.")
        phone.get_by_role("button", name="Add note").click()
        expect(desk.locator("#meeting-notes")).to_contain_text("Sam wants to try the bus.")
        check_page(desk, "meeting-desktop", SCREENSHOTS)

        desk.get_by_role("button", name="End the meeting and save the plan").click()
        written = desk.locator("#written-in-meeting")
        expect(written).to_contain_text("Written in a meeting on")
        expect(written).to_contain_text("Ms Patel (caseworker)")
        expect(written).to_contain_text("Priya Shah (parent)")
        expect(desk.locator("main")).to_contain_text("Sam is funny, kind, brave and loves trains.")
        check_page(desk, "meeting-saved-version", SCREENSHOTS)

        # The parent's page notices the end and asks how it felt.
        expect(phone.get_by_text("This meeting ended")).to_be_visible(timeout=6_000)
        phone.get_by_label("Partly").check()
        phone.get_by_role("button", name="Send answer").click()
        expect(phone.get_by_text("You answered “Partly”")).to_be_visible()
        check_page(phone, "meeting-ended-phone", SCREENSHOTS)
    finally:
        desk_context.close()
        phone_context.close()


def test_the_meeting_works_without_javascript(app, browser, live_server):
    """Save is a plain form; reloading shows what others wrote (refresh to see)."""
    plan_helpers.well_formed_plan(app, plan_helpers.person(app, "caseworker@demo.test"))
    desk_context, desk = logged_in(
        browser, live_server, "caseworker@demo.test", "demo-caseworker-pass", **DESKTOP
    )
    phone_context, phone = logged_in(
        browser,
        live_server,
        "parent@demo.test",
        "demo-parent-pass",
        java_script_enabled=False,
        **PHONE,
    )
    try:
        desk.goto(f"{live_server}/c/sam/plan/meetings/new")
        desk.get_by_label("Priya Shah (parent)").check()
        desk.get_by_role("button", name="Open the meeting").click()
        phone.goto(f"{live_server}/c/sam/plan")
        phone.get_by_role("link", name="Join the meeting").click()
        check_without_javascript(phone, "meeting-phone-no-js")
        text = phone.get_by_label("The section's text")
        text.fill(f"{FIRST}\n\nSam likes the bus.")
        phone.get_by_role("button", name="Save").click()
        expect(phone.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        # The caseworker (with JavaScript) sees it without reloading.
        expect(desk.get_by_label("The section's text")).to_have_value(
            f"{FIRST}\n\nSam likes the bus.", timeout=5_000
        )
        desk.get_by_label("The section's text").fill(f"{FIRST}\n\nSam likes the bus and trains.")
        expect(desk.locator("#meeting-status")).to_have_text("Saved.", timeout=5_000)
        phone.get_by_role("button", name="See others' changes").click()
        expect(text).to_have_value(f"{FIRST}\n\nSam likes the bus and trains.")
    finally:
        desk_context.close()
        phone_context.close()
