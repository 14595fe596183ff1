"""The wiki in Chromium at 360×640: start a template page, edit, history, diff, restore."""

from __future__ import annotations

import re

from tests.browser.checks import check_page, first_visit_weight
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in


def test_family_writes_a_page_sees_history_diff_and_restores(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "parent@demo.test", "demo-parent-pass")
    phone.goto(f"{live_server}/c/sam/")
    check_page(phone, "wiki-child-home", SCREENSHOTS)

    phone.get_by_role("link", name=re.compile("^How I communicate")).click()
    assert phone.get_by_text("Nobody has written this page yet.", exact=False).is_visible()
    check_page(phone, "wiki-starter", SCREENSHOTS)

    phone.get_by_role("link", name="Write the whole page").click()
    body = phone.get_by_label("Page text")
    assert "## How do I show what I want?" in body.input_value()
    check_page(phone, "wiki-edit", SCREENSHOTS)
    body.fill("Sam uses **Makaton** signs.\n\nWhen Sam flaps, Sam is happy.\n")
    phone.get_by_label("What did you change? (optional)").fill("first words")
    phone.get_by_role("button", name="Save", exact=True).click()
    assert phone.get_by_role("status").filter(has_text="Saved.").is_visible()
    assert phone.locator(".wiki-body strong").inner_text() == "Makaton"
    check_page(phone, "wiki-page", SCREENSHOTS)
    assert first_visit_weight(phone, "/c/sam/wiki/how-i-communicate") < 100_000

    phone.get_by_role("link", name="Edit", exact=True).click()
    phone.get_by_label("Page text").fill(
        "Sam uses **Makaton** signs and pictures.\n\nWhen Sam flaps, Sam is happy.\n"
    )
    phone.get_by_role("button", name="Save", exact=True).click()

    phone.get_by_role("link", name="History").click()
    assert phone.get_by_text("“first words”").is_visible()
    check_page(phone, "wiki-history", SCREENSHOTS)
    phone.get_by_role("button", name="Compare the two versions").click()
    assert phone.locator(".diff-inline ins").first.inner_text().strip() == "and pictures"
    check_page(phone, "wiki-diff", SCREENSHOTS)

    phone.get_by_role("link", name="version 1").click()
    phone.get_by_role("button", name="Make this the current version").click()
    assert phone.get_by_text("Version 1 is the current version again").is_visible()
    assert "pictures" not in phone.locator(".wiki-body").inner_text()
    check_page(phone, "wiki-restored", SCREENSHOTS)


def test_young_person_answers_in_simple_mode(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "sam", "demo-young-pass")
    phone.goto(f"{live_server}/c/sam/wiki/my-hopes-and-dreams")
    phone.get_by_role("link", name="Answer one question at a time").click()
    check_page(phone, "wiki-simple-mode", SCREENSHOTS)
    phone.get_by_label("What do I want to do when I am older?").fill("Work with animals")
    phone.get_by_role("button", name="Save and next question").click()
    phone.get_by_label("What would I like to get better at?").fill("Catching the bus")
    phone.get_by_role("button", name="Save and finish").click()
    assert "Work with animals" in phone.locator(".wiki-body").inner_text()


def test_unsent_text_is_offered_back_after_the_tab_closes(live_server, browser):
    from tests.browser.chromium import PHONE

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    log_in(page, "parent@demo.test", "demo-parent-pass")
    page.goto(f"{live_server}/c/sam/wiki/my-health/edit")
    page.get_by_label("Page text").fill("Words typed on a train that lost signal")
    page.wait_for_timeout(700)  # the draft is kept after a short pause in typing
    page.close()

    page = context.new_page()
    page.goto(f"{live_server}/c/sam/wiki/my-health/edit")
    page.get_by_role("button", name="Put it back").click()
    assert page.get_by_label("Page text").input_value() == "Words typed on a train that lost signal"
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{live_server}/c/sam/wiki/my-health/edit")
    assert page.get_by_role("button", name="Put it back").is_hidden()
    context.close()


def test_the_toolbar_formats_text(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "parent@demo.test", "demo-parent-pass")
    phone.goto(f"{live_server}/c/sam/wiki/my-health/edit")
    body = phone.get_by_label("Page text")
    body.fill("")
    phone.get_by_role("button", name="Bold").click()
    assert body.input_value() == "**text**"


def test_two_phones_edit_the_same_line_and_nothing_is_lost(live_server, browser):
    from tests.browser.chromium import PHONE

    phones = []
    for _ in range(2):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        log_in(page, "parent@demo.test", "demo-parent-pass")
        page.goto(f"{live_server}/c/sam/wiki/things-i-enjoy/edit")
        phones.append((context, page))
    (first_context, first), (second_context, second) = phones

    first.get_by_label("Page text").fill("Sam enjoys trains.\n")
    first.get_by_role("button", name="Save", exact=True).click()
    second.get_by_label("Page text").fill("Sam enjoys swimming.\n")
    second.get_by_role("button", name="Save", exact=True).click()

    assert second.get_by_role("heading", level=1).inner_text() == "Two people changed the same part"
    assert "Sam enjoys swimming." in second.get_by_label("Page text").input_value()
    assert "Sam enjoys trains." in second.get_by_label("Page text").input_value()
    check_page(second, "wiki-conflict", SCREENSHOTS)

    second.get_by_label("Page text").fill("Sam enjoys trains and swimming.\n")
    second.get_by_role("button", name="Save", exact=True).click()
    assert second.locator(".wiki-body").inner_text().strip() == "Sam enjoys trains and swimming."
    first_context.close()
    second_context.close()
