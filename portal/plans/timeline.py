"""The statutory timeline of an EHC needs assessment (SEND Code of Practice 0-25, chapter 9).

Families are told the process has deadlines but rarely where they stand against them;
councils are judged on the same dates. This module turns the four dates a family or
caseworker can enter (request, decision, draft, final) into five steps with a due date,
a status and the days left, in calendar days counted from the request. Pure Python, so
the dashboard, the plan views, the forms and the council's figures all agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

StepKey = Literal["request", "decision", "draft", "comments", "final"]
Status = Literal["done", "done_late", "due", "overdue", "waiting"]

DECISION_WEEKS = 6  # decision whether to assess (statutory)
DRAFT_WEEKS = 14  # draft recommended by, so comments and final fit in 20 weeks (advisory)
FINAL_WEEKS = 20  # final plan issued (statutory)
COMMENT_DAYS = 15  # the family's time to comment on the draft and ask for a school


class StepRule(NamedTuple):
    key: StepKey
    label: str
    weeks: int | None  # weeks after the request; None when not counted from the request


# The steps in order. The comment window is counted from the draft, not the request.
STEPS: tuple[StepRule, ...] = (
    StepRule("request", "Request for an EHC needs assessment", None),
    StepRule("decision", "Decision whether to assess", DECISION_WEEKS),
    StepRule("draft", "Draft plan issued", DRAFT_WEEKS),
    StepRule("comments", "Family's 15 days to comment and ask for a school", None),
    StepRule("final", "Final plan issued", FINAL_WEEKS),
)

# Steps whose due date is set in law. The draft's week 14 is only a recommendation, and
# the request has no due date.
STATUTORY: frozenset[str] = frozenset({"decision", "comments", "final"})

_LABELS = {rule.key: rule.label for rule in STEPS}

# How each dated step reads inside a sentence, for check_dates' messages.
_NAMES = {
    "request": "the request for an EHC needs assessment",
    "decision": "the decision whether to assess",
    "draft": "the draft plan",
    "final": "the final plan",
}


@dataclass(frozen=True)
class Step:
    """One step as it stands today.

    status: "done" (on time, or a step that cannot be late), "done_late", "due" (not
    done, still in time, or the request not yet made), "overdue", or "waiting" (its due
    date is counted from a date not entered yet). days_left is negative when overdue and
    None when done, waiting or without a due date. done_on is None for a step that must
    have happened (a later step is done) but whose date was not entered.
    """

    key: StepKey
    label: str
    due: date | None
    done_on: date | None
    status: Status
    statutory: bool
    days_left: int | None

    @property
    def is_done(self) -> bool:
        return self.status in ("done", "done_late")


@dataclass(frozen=True)
class CommentWindow:
    """The family's time to comment on the draft and ask for a school.

    ends_on is the last day; days_left is 0 on that day and stays 0 once it has passed.
    """

    opens_on: date
    ends_on: date
    days_left: int
    is_open: bool


class TimelineDateError(ValueError):
    """A date that cannot be right; step says which ("request", "decision", "draft" or
    "final"), so a form can show the message by the right field."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """e.g. "3 March 2025", the same whatever the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def check_dates(
    *,
    requested_on: date | None,
    decided_on: date | None,
    draft_issued_on: date | None,
    final_issued_on: date | None,
    today: date | None = None,
) -> None:
    """Raise TimelineDateError (a ValueError) if the dates cannot be right: a later step
    without the request date, a step dated before an earlier one (same day is fine), or,
    when today is given, a date in the future. A missing middle date is allowed: a final
    plan with no draft date entered still counts as issued."""
    entered = {
        "request": requested_on,
        "decision": decided_on,
        "draft": draft_issued_on,
        "final": final_issued_on,
    }
    if requested_on is None:
        for key, day in entered.items():
            if day is not None:
                raise TimelineDateError(
                    "request",
                    f"Enter the date of {_NAMES['request']} before the date of {_NAMES[key]}.",
                )
        return
    earlier: tuple[str, date] | None = None
    for key, day in entered.items():
        if day is None:
            continue
        if today is not None and day > today:
            raise TimelineDateError(
                key, f"The date of {_NAMES[key]} ({long_date(day)}) cannot be in the future."
            )
        if earlier is not None and day < earlier[1]:
            before, before_day = earlier
            raise TimelineDateError(
                key,
                f"{_sentence(_NAMES[key])} ({long_date(day)}) cannot be dated before "
                f"{_NAMES[before]} ({long_date(before_day)}).",
            )
        earlier = (key, day)


def _deadline_step(
    key: StepKey,
    due: date | None,
    done_on: date | None,
    implied_done: bool,
    today: date,
) -> Step:
    """A step with a deadline counted from the request: decision, draft or final."""
    statutory = key in STATUTORY
    label = _LABELS[key]
    if done_on is not None:
        late = due is not None and done_on > due
        return Step(key, label, due, done_on, "done_late" if late else "done", statutory, None)
    if implied_done:
        return Step(key, label, due, None, "done", statutory, None)
    if due is None:
        return Step(key, label, None, None, "waiting", statutory, None)
    days_left = (due - today).days
    status: Status = "overdue" if days_left < 0 else "due"
    return Step(key, label, due, None, status, statutory, days_left)


def _comments_step(draft_issued_on: date | None, final_issued_on: date | None, today: date) -> Step:
    key: StepKey = "comments"
    label = _LABELS[key]
    statutory = key in STATUTORY
    if draft_issued_on is None:
        if final_issued_on is not None:
            return Step(key, label, None, None, "done", statutory, None)
        return Step(key, label, None, None, "waiting", statutory, None)
    ends_on = draft_issued_on + timedelta(days=COMMENT_DAYS)
    if final_issued_on is not None:
        return Step(key, label, ends_on, min(final_issued_on, ends_on), "done", statutory, None)
    if today > ends_on:
        return Step(key, label, ends_on, ends_on, "done", statutory, None)
    return Step(key, label, ends_on, None, "due", statutory, (ends_on - today).days)


def plan_timeline(
    *,
    requested_on: date | None,
    decided_on: date | None,
    draft_issued_on: date | None,
    final_issued_on: date | None,
    today: date,
) -> list[Step]:
    """The five steps, in order, as they stand on today.

    Decision, draft and final are due a number of weeks after the request whether or not
    the step before has happened, so a late final plan shows as overdue even when the
    draft is late too. A step with no date counts as done when a later step is done.
    The comment window is done once the final plan is issued or the window has passed.
    Raises TimelineDateError (a ValueError) for dates out of order, as check_dates does.
    """
    check_dates(
        requested_on=requested_on,
        decided_on=decided_on,
        draft_issued_on=draft_issued_on,
        final_issued_on=final_issued_on,
    )

    def due_after(weeks: int) -> date | None:
        return None if requested_on is None else requested_on + timedelta(weeks=weeks)

    if requested_on is None:
        # Nothing can be counted yet: the request is the next thing to do.
        request = Step("request", _LABELS["request"], None, None, "due", False, None)
    else:
        request = Step("request", _LABELS["request"], None, requested_on, "done", False, None)
    return [
        request,
        _deadline_step(
            "decision",
            due_after(DECISION_WEEKS),
            decided_on,
            implied_done=draft_issued_on is not None or final_issued_on is not None,
            today=today,
        ),
        _deadline_step(
            "draft",
            due_after(DRAFT_WEEKS),
            draft_issued_on,
            implied_done=final_issued_on is not None,
            today=today,
        ),
        _comments_step(draft_issued_on, final_issued_on, today),
        _deadline_step(
            "final", due_after(FINAL_WEEKS), final_issued_on, implied_done=False, today=today
        ),
    ]


def comment_window(draft_issued_on: date | None, today: date) -> CommentWindow | None:
    """The family's comment window on the draft, or None before there is a draft."""
    if draft_issued_on is None:
        return None
    ends_on = draft_issued_on + timedelta(days=COMMENT_DAYS)
    return CommentWindow(
        opens_on=draft_issued_on,
        ends_on=ends_on,
        days_left=max(0, (ends_on - today).days),
        is_open=draft_issued_on <= today <= ends_on,
    )


def next_step(steps: Iterable[Step]) -> Step | None:
    """The first step not yet done (the one to show on a dashboard); None when all are."""
    return next((step for step in steps if not step.is_done), None)


def overdue(steps: Iterable[Step]) -> list[Step]:
    """The steps past their due date and not done. The draft's due date is advisory:
    check each step's statutory before calling it a breach."""
    return [step for step in steps if step.status == "overdue"]


def weeks_elapsed(requested_on: date, today: date) -> int:
    """Whole weeks since the request (0 in the first week)."""
    if today < requested_on:
        raise ValueError(
            f"The request for an EHC needs assessment ({long_date(requested_on)}) "
            "cannot be in the future."
        )
    return (today - requested_on).days // 7


def issued_within_20_weeks(requested_on: date | None, final_issued_on: date | None) -> bool | None:
    """Whether the final plan was issued within 20 weeks of the request, the figure
    councils report; None until both dates are known."""
    if requested_on is None or final_issued_on is None:
        return None
    check_dates(
        requested_on=requested_on,
        decided_on=None,
        draft_issued_on=None,
        final_issued_on=final_issued_on,
    )
    return final_issued_on <= requested_on + timedelta(weeks=FINAL_WEEKS)


def describe_days(days_left: int) -> str:
    """Days left in plain English: "due today", "1 day left", "2 days overdue"."""
    if days_left == 0:
        return "due today"
    count = abs(days_left)
    days = "day" if count == 1 else "days"
    return f"{count} {days} left" if days_left > 0 else f"{count} {days} overdue"
