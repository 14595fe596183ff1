"""Enquiry figures for a council's administrator: a plain function of the council, a
range of days and `now`, so it is tested against known answers.

- Messages: every message a family member sent, counted by the month it was sent
  (in England) and by its thread's category, and by who sent it.
- Time to first reply: for threads started in the range that staff have answered, the
  median hours from the family's first message to the first staff reply.
- Answered within target: of the threads started in the range whose outcome is known at
  `now` (answered, or past their target unanswered), the share answered by the end of
  the target day.
- Did you feel included?: answers given in the range, by month.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from portal.contact.models import CATEGORIES, FEELINGS, Message, MessageThread, PlanFeeling
from portal.contact.working_days import answered_in_time, is_late, local_day
from portal.extensions import db
from portal.families.models import Child
from portal.plans.models import Plan

FAMILY_SENDERS = ("parent", "young_person", "other_family")


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass
class EnquiryFigures:
    months: list[str]
    by_category: dict[str, dict[str, int]]  # month -> category -> messages
    by_sender: dict[str, dict[str, int]]  # month -> sender type -> messages
    threads: int = 0
    answered: int = 0
    median_hours_to_reply: float | None = None
    decided: int = 0  # answered, or past their target unanswered
    within_target: int = 0
    overdue_now: int = 0
    feelings: dict[str, dict[str, int]] = field(default_factory=dict)  # month -> answer -> n

    @property
    def share_within_target(self) -> float | None:
        return self.within_target / self.decided if self.decided else None

    @property
    def messages(self) -> int:
        return sum(sum(row.values()) for row in self.by_category.values())

    def category_total(self, category: str) -> int:
        return sum(row[category] for row in self.by_category.values())

    def sender_total(self, sender: str) -> int:
        return sum(row[sender] for row in self.by_sender.values())

    def feeling_share(self, month: str, answer: str) -> float | None:
        row = self.feelings.get(month, {})
        total = sum(row.values())
        return row.get(answer, 0) / total if total else None


def enquiry_figures(council_id: int, start: date, end: date, now: datetime) -> EnquiryFigures:
    """The council's figures for the days `start` to `end` (both included)."""
    months = months_between(start, end)
    figures = EnquiryFigures(
        months=months,
        by_category={m: dict.fromkeys(CATEGORIES, 0) for m in months},
        by_sender={m: dict.fromkeys(FAMILY_SENDERS, 0) for m in months},
        feelings={m: dict.fromkeys(FEELINGS, 0) for m in months},
    )

    def in_range(moment: datetime) -> bool:
        return start <= local_day(moment) <= end

    # A day either side in UTC from the database, then exactly by the day in England.
    low = datetime.combine(start - timedelta(days=1), time(), UTC)
    high = datetime.combine(end + timedelta(days=2), time(), UTC)
    rows = db.session.execute(
        select(Message.created_at, Message.sender_type, MessageThread.category)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageThread.council_id == council_id,
            Message.sender_type != "staff",
            Message.created_at >= low,
            Message.created_at < high,
        )
    )
    for created_at, sender, category in rows:
        if not in_range(created_at):
            continue
        month = month_of(local_day(created_at))
        figures.by_category[month][category] += 1
        figures.by_sender[month][sender] += 1

    hours = []
    for created_at, first_due_on, first_reply_at in db.session.execute(
        select(
            MessageThread.created_at, MessageThread.first_due_on, MessageThread.first_reply_at
        ).where(
            MessageThread.council_id == council_id,
            MessageThread.created_at >= low,
            MessageThread.created_at < high,
        )
    ):
        if not in_range(created_at):
            continue
        figures.threads += 1
        if first_reply_at is not None and first_reply_at <= now:
            figures.answered += 1
            hours.append((first_reply_at - created_at).total_seconds() / 3600)
            figures.decided += 1
            figures.within_target += answered_in_time(first_due_on, first_reply_at)
        elif is_late(first_due_on, now):
            figures.decided += 1
    figures.median_hours_to_reply = statistics.median(hours) if hours else None
    figures.overdue_now = sum(
        1
        for (due,) in db.session.execute(
            select(MessageThread.due_on).where(
                MessageThread.council_id == council_id, MessageThread.due_on.is_not(None)
            )
        )
        if is_late(due, now)
    )

    for created_at, answer in db.session.execute(
        select(PlanFeeling.created_at, PlanFeeling.answer)
        .join(Plan, Plan.id == PlanFeeling.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .where(
            Child.council_id == council_id,
            PlanFeeling.created_at >= low,
            PlanFeeling.created_at < high,
        )
    ):
        if in_range(created_at):
            figures.feelings[month_of(local_day(created_at))][answer] += 1
    return figures
