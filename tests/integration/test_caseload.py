"""The caseload dashboard: stages, next statutory dates overdue first, filters, and the
20-week figure councils report, on known dates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import Council, User
from portal.admin.caseload import caseload, twenty_week_figure
from portal.extensions import db
from portal.families.models import Child
from portal.families.service import add_member, create_child
from portal.plans.models import Plan
from tests.conftest import log_in, make_user

TODAY = date(2026, 11, 23)


def _child(council, slug, caseworker=None, **dates) -> Child:
    child = create_child(council, name=f"{slug.title()} Test", slug=slug)
    if caseworker is not None:
        add_member(child, caseworker, "caseworker", granted_by=None)
    if dates:
        db.session.add(Plan(child_id=child.id, current_number=0, **dates))
    db.session.commit()
    return child


def _setup(app):
    council = db.session.scalars(select(Council).where(Council.slug == "demo")).one()
    ms_patel = db.session.scalars(select(User).where(User.email == "caseworker@demo.test")).one()
    other = make_user("second@demo.test", council=council, staff_role="caseworker")
    weeks = lambda n: TODAY - timedelta(weeks=n)  # noqa: E731
    # Requested 10 weeks ago, no decision: the 6-week decision is 4 weeks overdue.
    _child(council, "late", ms_patel, requested_on=weeks(10))
    # Requested 2 weeks ago: decision due in 4 weeks.
    _child(council, "early", other, requested_on=weeks(2))
    # Draft out 5 days ago: the 15-day comment window is open.
    _child(
        council,
        "drafted",
        ms_patel,
        requested_on=weeks(15),
        decided_on=weeks(10),
        draft_issued_on=TODAY - timedelta(days=5),
    )
    # Final plans this year: one inside 20 weeks, one at 22 weeks; one from last year.
    _child(
        council,
        "quick",
        other,
        requested_on=date(2026, 1, 5),
        decided_on=date(2026, 2, 1),
        draft_issued_on=date(2026, 4, 1),
        final_issued_on=date(2026, 5, 25),  # exactly 20 weeks
    )
    _child(
        council,
        "slow",
        other,
        requested_on=date(2026, 1, 5),
        decided_on=date(2026, 2, 1),
        draft_issued_on=date(2026, 5, 1),
        final_issued_on=date(2026, 6, 8),  # 22 weeks
    )
    _child(
        council,
        "lastyear",
        requested_on=date(2025, 1, 6),
        decided_on=date(2025, 2, 1),
        draft_issued_on=date(2025, 4, 1),
        final_issued_on=date(2025, 5, 1),
    )
    return council, ms_patel, other


def test_overdue_first_stages_and_the_twenty_week_figure(app, demo):
    with app.app_context():
        council, ms_patel, other = _setup(app)
        load = caseload(council.id, today=TODAY)
        names = [row.slug for row in load.rows]
        assert names[0] == "late" and load.rows[0].overdue
        assert load.overdue == 1
        by_slug = {row.slug: row for row in load.rows}
        assert by_slug["late"].next_step.key == "decision"
        assert by_slug["late"].next_step.days_left == -28
        assert by_slug["late"].days_left == 10 * 7  # of the 20 weeks
        assert by_slug["early"].next_step.due == TODAY + timedelta(weeks=4)
        assert by_slug["drafted"].stage == "draft"
        assert by_slug["drafted"].next_step.key == "comments"
        assert by_slug["drafted"].next_step.days_left == 10
        assert by_slug["quick"].stage == "final" and by_slug["quick"].next_step is None
        # Soonest due after the overdue one: the comment window (10 days) before the
        # decision (28 days), and children with no date last.
        assert names.index("drafted") < names.index("early")
        assert names[-1] in {"sam", "alex", "quick", "slow", "lastyear"}
        assert load.by_stage["final"] == 3 and load.by_stage["none"] == 2  # sam, alex
        figure = load.twenty_weeks
        assert (figure.year, figure.issued, figure.within, figure.percent) == (2026, 2, 1, 50)


def test_filters_by_caseworker_and_stage(app, demo):
    with app.app_context():
        council, ms_patel, other = _setup(app)
        mine = caseload(council.id, today=TODAY, caseworker_id=ms_patel.id)
        assert {row.slug for row in mine.rows} == {"sam", "late", "drafted"}
        drafts = caseload(council.id, today=TODAY, stage="draft")
        assert [row.slug for row in drafts.rows] == ["drafted"]


def test_twenty_week_figure_with_no_final_plans_has_no_percentage():
    figure = twenty_week_figure([], TODAY)
    assert (figure.issued, figure.within, figure.percent) == (0, 0, None)


def test_the_dashboard_page_lists_the_councils_children_only(app, client, demo):
    with app.app_context():
        _setup(app)
        elsewhere = Council(slug="elsewhere", name="Elsewhere")
        db.session.add(elsewhere)
        db.session.commit()
        create_child(elsewhere, name="Hidden Child", slug="hidden")
        db.session.commit()
    log_in(client, "admin@demo.test")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Late Test" in html and "Hidden Child" not in html
    assert html.index("Late Test") < html.index("Early Test")
    assert "Overdue:" in html
    filtered = client.get("/admin/?stage=assessing").get_data(as_text=True)
    assert "Late Test" not in filtered and "Early Test" not in filtered
    assert client.get("/admin/?stage=nonsense&caseworker=abc").status_code == 200
