"""The council's caseload: every child with their plan's stage and next statutory date,
overdue first, and the figure councils report (final plans issued within 20 weeks).

Two queries whatever the council's size (children with their plans; caseworker
assignments); the timeline is worked out in Python from the plan's dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.plans.models import Plan
from portal.plans.timeline import FINAL_WEEKS, Step, issued_within_20_weeks, plan_timeline

STAGES = {
    "none": "No request",
    "requested": "Deciding whether to assess",
    "assessing": "Assessing",
    "draft": "Draft issued",
    "final": "Plan issued",
}
PAGE_SIZE = 100


@dataclass(frozen=True)
class CaseRow:
    child_id: int
    name: str
    slug: str
    caseworkers: tuple[str, ...]
    caseworker_ids: tuple[int, ...]
    stage: str
    next_step: Step | None
    overdue: bool
    weeks_left: int | None  # of the 20 weeks; negative once past
    days_left: int | None


@dataclass(frozen=True)
class TwentyWeeks:
    """Final plans issued this calendar year, and how many within 20 weeks."""

    year: int
    issued: int
    within: int

    @property
    def percent(self) -> int | None:
        return None if not self.issued else round(100 * self.within / self.issued)


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseRow]  # the page asked for
    total: int  # rows matching the filters
    overdue: int
    by_stage: dict[str, int]
    twenty_weeks: TwentyWeeks
    page: int
    pages: int


@dataclass(frozen=True)
class PlanDates:
    """A plan's timeline dates, read as plain columns: loading 2,000 ORM objects would
    cost more than everything else the dashboard does."""

    requested_on: date | None
    decided_on: date | None
    draft_issued_on: date | None
    final_issued_on: date | None


def stage_of(plan: PlanDates | Plan | None) -> str:
    if plan is None or plan.requested_on is None:  # no plan row: every date is None
        return "none"
    if plan.final_issued_on is not None:
        return "final"
    if plan.draft_issued_on is not None:
        return "draft"
    if plan.decided_on is not None:
        return "assessing"
    return "requested"


def _row(
    child_id: int, name: str, slug: str, plan: PlanDates, staff: list[tuple[int, str]], today: date
) -> CaseRow:
    stage = stage_of(plan)
    next_step, overdue, days_left = None, False, None
    if stage != "none":
        steps = plan_timeline(
            requested_on=plan.requested_on,
            decided_on=plan.decided_on,
            draft_issued_on=plan.draft_issued_on,
            final_issued_on=plan.final_issued_on,
            today=today,
        )
        pending = [s for s in steps if not s.is_done and s.due is not None]
        overdue = any(s.status == "overdue" for s in pending)
        next_step = min(pending, key=lambda s: s.due) if pending else None
        if plan.final_issued_on is None:
            days_left = (plan.requested_on - today).days + FINAL_WEEKS * 7
    return CaseRow(
        child_id=child_id,
        name=name,
        slug=slug,
        caseworkers=tuple(worker_name for _id, worker_name in staff),
        caseworker_ids=tuple(worker_id for worker_id, _name in staff),
        stage=stage,
        next_step=next_step,
        overdue=overdue,
        weeks_left=None if days_left is None else days_left // 7,
        days_left=days_left,
    )


def _order(row: CaseRow) -> tuple:
    # Overdue first (most overdue at the top), then soonest due, then no date, by name.
    due = row.next_step.due if row.next_step else None
    return (not row.overdue, due is None, due or date.max, row.name.lower())


def twenty_week_figure(plans: Sequence[PlanDates | Plan], today: date) -> TwentyWeeks:
    this_year = [p for p in plans if p.final_issued_on and p.final_issued_on.year == today.year]
    within = sum(1 for p in this_year if issued_within_20_weeks(p.requested_on, p.final_issued_on))
    return TwentyWeeks(year=today.year, issued=len(this_year), within=within)


def caseload(
    council_id: int,
    *,
    today: date,
    caseworker_id: int | None = None,
    stage: str | None = None,
    page: int = 1,
) -> Caseload:
    rows_in = db.session.execute(
        select(
            Child.id,
            Child.name,
            Child.slug,
            Plan.requested_on,
            Plan.decided_on,
            Plan.draft_issued_on,
            Plan.final_issued_on,
        )
        .outerjoin(Plan, Plan.child_id == Child.id)
        .where(Child.council_id == council_id)
    ).all()
    staff: dict[int, list[tuple[int, str]]] = {}
    for child_id, user_id, user_name in db.session.execute(
        select(Membership.child_id, User.id, User.name)
        .join(User, User.id == Membership.user_id)
        .join(Child, Child.id == Membership.child_id)
        .where(Child.council_id == council_id, Membership.role == "caseworker")
        .order_by(User.name)
    ):
        staff.setdefault(child_id, []).append((user_id, user_name))
    plans = {row[0]: PlanDates(*row[3:]) for row in rows_in}
    rows = [
        _row(child_id, name, slug, plans[child_id], staff.get(child_id, []), today)
        for child_id, name, slug, *_dates in rows_in
    ]
    by_stage = {key: 0 for key in STAGES}
    for row in rows:
        by_stage[row.stage] += 1
    if caseworker_id is not None:
        rows = [r for r in rows if caseworker_id in r.caseworker_ids]
    if stage in STAGES:
        rows = [r for r in rows if r.stage == stage]
    rows.sort(key=_order)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return Caseload(
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(rows),
        overdue=sum(1 for r in rows if r.overdue),
        by_stage=by_stage,
        twenty_weeks=twenty_week_figure(list(plans.values()), today),
        page=page,
        pages=pages,
    )
