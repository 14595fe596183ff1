"""Plan quality audits in Chromium: the administrator draws a round and reads the report
at desktop size; an auditor grades a plan at desktop size, and the review page works on a
phone too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.quality import drawing, reviewing
from portal.quality.models import DOMAINS, QualityReview
from tests.browser.checks import check_page
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in
from tests.integration.quality_helpers import (
    AUDITOR_PASSWORD,
    council_of,
    issued_plan,
    make_auditor,
)

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ANN, BEN = "ann@audit.test", "ben@audit.test"


@pytest.fixture
def audit_world(app, live_server) -> dict:
    """Eight final plans issued in March 2026 in the demo council, and two auditors."""
    with app.app_context():
        council = council_of("sam")
        for day in range(1, 9):
            issued_plan(council, f"mar{day}", date(2026, 3, day * 3))
        ids = {email: make_auditor(council, name, email).id
               for name, email in (("Ann Auditor", ANN), ("Ben Auditor", BEN))}  # fmt: skip
        return {"council": council.id, "auditors": ids}


def drawn_round(app, world) -> None:
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.email == "admin@demo.test")).one()
        drawing.draw_round(
            world["council"],
            month=date(2026, 3, 1),
            size=5,
            seed=42,
            auditor_ids=list(world["auditors"].values()),
            by=admin,
        )


def new_page(browser, base: str, login: str, password: str, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    log_in(page, login, password)
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def flash(page, text: str) -> None:
    assert page.get_by_role("status").filter(has_text=text).first.is_visible(), text


def test_the_administrator_draws_a_round_and_reads_the_report(
    browser, live_server, app, audit_world
):
    context, page = new_page(browser, live_server, "admin@demo.test", "demo-admin-pass", **DESKTOP)
    try:
        page.get_by_role("link", name="Staff tools").click()
        page.get_by_role("link", name="Plan quality audits").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Plan quality audits"
        assert page.get_by_label("Ann Auditor").is_checked()
        check_page(page, "quality-rounds-empty", SCREENSHOTS)

        # One auditor is not enough, and what was typed stays.
        month = page.get_by_label("Month the final plans were issued in")
        month.fill("2026-03")
        page.get_by_label("Seed (optional)").fill("42")
        page.get_by_label("Ben Auditor").uncheck()
        page.get_by_role("button", name="Draw the sample").click()
        alert = page.get_by_role("alert").inner_text()
        assert "Choose at least two auditors" in alert
        assert month.input_value() == "2026-03"
        assert page.get_by_label("Seed (optional)").input_value() == "42"
        assert not page.get_by_label("Ben Auditor").is_checked()
        check_page(page, "quality-draw-refused", SCREENSHOTS)

        page.get_by_label("Ben Auditor").check()
        page.get_by_role("button", name="Draw the sample").click()
        flash(page, "Drew the audit round for March 2026.")
        assert page.get_by_role("heading", level=1).inner_text() == "Audit round for March 2026"
        rows = page.locator(".audit-table tbody tr")
        assert rows.count() == 5
        assert rows.first.get_by_text("Ann Auditor").is_visible()
        assert rows.first.get_by_text("Ben Auditor").is_visible()
        check_page(page, "quality-round", SCREENSHOTS)

        grade_everything(app)
        page.get_by_role("link", name="See the report").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Plan quality report"
        march = page.get_by_role("table", name="Grades per domain, March 2026")
        needs = march.get_by_role("row", name="Needs")
        assert needs.get_by_role("cell").all_inner_texts() == ["0", "10", "0", "0", "0", "3.0"]
        pair = page.get_by_role("row", name="Ann Auditor and Ben Auditor")
        assert pair.get_by_role("cell").all_inner_texts() == ["30", "100%", "100%"]
        check_page(page, "quality-report", SCREENSHOTS)

        # On a phone the wide tables scroll sideways inside themselves, by keyboard too.
        page.set_viewport_size(PHONE["viewport"])
        check_page(page, "quality-report-phone", SCREENSHOTS)
        page.go_back()
        check_page(page, "quality-round-phone", SCREENSHOTS)
        page.goto(f"{live_server}/admin/")
        assert page.get_by_role("region", name="Children in the caseload").is_visible()
        check_page(page, "caseload-phone", SCREENSHOTS)
    finally:
        context.close()


def grade_everything(app) -> None:
    """Both auditors submit Good for every domain (straight through the service)."""
    with app.app_context():
        for review in db.session.scalars(select(QualityReview)):
            reviewing.save_review(
                review,
                {domain: ("good", "") for domain in DOMAINS},
                submit=True,
                pfa_graded=True,
            )


def test_an_auditor_grades_a_plan(browser, live_server, app, audit_world):
    drawn_round(app, audit_world)
    context, page = new_page(browser, live_server, ANN, AUDITOR_PASSWORD, **DESKTOP)
    try:
        page.get_by_role("link", name="Plans to grade").first.click()
        assert page.get_by_role("heading", level=1).inner_text() == "Plans to grade"
        cards = page.locator(".card-link")
        assert cards.count() == 5
        check_page(page, "quality-my-reviews", SCREENSHOTS)

        cards.first.click()
        assert page.get_by_role("heading", name="The plan as issued").is_visible()
        comment = page.get_by_label("Comment on Provision")
        assert "as required" in comment.input_value()  # the automatic checks' notes
        plan = page.locator(".audit-plan").bounding_box()
        grades = page.locator(".audit-grades").bounding_box()
        assert plan["x"] + plan["width"] <= grades["x"], "the grades sit beside the plan"
        check_page(page, "quality-review-desktop", SCREENSHOTS)
        page.set_viewport_size(PHONE["viewport"])
        check_page(page, "quality-review-phone", SCREENSHOTS)
        page.set_viewport_size(DESKTOP["viewport"])

        needs = page.get_by_role("group", name="Needs")
        needs.get_by_label("Good").check()
        page.get_by_role("button", name="Save draft").click()
        flash(page, "Draft saved.")
        assert page.get_by_role("group", name="Needs").get_by_label("Good").is_checked()

        page.get_by_role("button", name="Submit review").click()
        assert "Choose a grade for Outcomes." in page.get_by_role("alert").inner_text()
        check_page(page, "quality-review-problem", SCREENSHOTS)
        for domain in DOMAINS.values():
            page.get_by_role("group", name=domain).get_by_label("Good").check()
        inadequate = page.get_by_role("group", name="Provision")
        inadequate.get_by_label("Inadequate").check()
        comment.fill("No frequency, and 'as required' leaves it to the school.")
        page.get_by_role("button", name="Submit review").click()
        flash(page, "Review submitted.")
        assert page.get_by_text("It can no longer change.").is_visible()
        assert page.get_by_role("button", name="Submit review").count() == 0
        check_page(page, "quality-review-submitted", SCREENSHOTS)
    finally:
        context.close()
