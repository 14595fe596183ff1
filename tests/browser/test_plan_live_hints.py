"""Quality hints appear while the caseworker types a plan item (static/plan.js)."""

from __future__ import annotations

from tests.browser.checks import check_page
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in


def test_vague_words_and_missing_details_are_flagged_while_typing(live_server, phone):
    phone.goto(f"{live_server}/login")
    log_in(phone, "caseworker@demo.test", "demo-caseworker-pass")
    phone.goto(f"{live_server}/c/sam/plan")
    phone.get_by_role("button", name="Start the plan").click()
    phone.goto(f"{live_server}/c/sam/plan/new/provision")
    hints = phone.locator("#live-hints")
    # Empty "how often" and "for how long" are flagged from the start.
    assert "Say how often." in hints.inner_text()
    phone.get_by_label("What will be provided").fill("Access to speech therapy as required")
    phone.get_by_label("How often").fill("twice a week")
    phone.get_by_label("For how long or how much").fill("30 minutes, for a year")
    hints.get_by_text("“access to” is vague", exact=False).wait_for()
    text = hints.inner_text()
    assert "“as required” is vague" in text and "Say how often." not in text
    check_page(phone, "plan-live-hints", SCREENSHOTS)
    phone.get_by_label("What will be provided").fill("Speech and language therapy")
    hints.wait_for(state="hidden")
