"""Enquiry figures against 500 seeded family messages whose answers are worked out by
hand below (not by running the figures code again)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.contact.figures import enquiry_figures
from portal.contact.models import Message, MessageThread, PlanFeeling
from portal.extensions import db
from portal.plans.models import Plan
from tests.conftest import make_child, make_council, make_user

CATEGORY_ORDER = ["general", "plan", "assessment", "review", "complaint", "other"]
SENDERS = ["parent", "parent", "young_person", "other_family"]
# One Monday a month at 10:00 UTC, none in a bank-holiday week; two working days later
# (the target) is that Wednesday.
MONDAYS = [date(2026, 1, 12), date(2026, 2, 9), date(2026, 3, 9), date(2026, 4, 13),
           date(2026, 5, 11)]  # fmt: skip
DELAY_HOURS = [2, 26, 50, 74]  # Monday 12:00, Tuesday, Wednesday (in time), Thursday (late)
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def seed(council_id: int, child_id: int, author_id: int, count: int = 500) -> None:
    for i in range(count):
        monday = MONDAYS[i // 100]
        sent = datetime(monday.year, monday.month, monday.day, 10, tzinfo=UTC)
        wednesday = monday + timedelta(days=2)
        answered = i % 5 != 4
        reply_at = sent + timedelta(hours=DELAY_HOURS[i % 4]) if answered else None
        thread = MessageThread(
            child_id=child_id, council_id=council_id, category=CATEGORY_ORDER[i % 6],
            subject=f"t{i}", created_at=sent, first_due_on=wednesday,
            first_reply_at=reply_at, due_on=None if answered else wednesday,
            last_message_at=reply_at or sent,
        )  # fmt: skip
        db.session.add(thread)
        db.session.flush()
        db.session.add(
            Message(thread_id=thread.id, author_id=author_id, author_name="F",
                    sender_type=SENDERS[i % 4], body="b", created_at=sent)
        )  # fmt: skip
        if answered:
            db.session.add(
                Message(thread_id=thread.id, author_id=author_id, author_name="S",
                        sender_type="staff", body="r", created_at=reply_at)
            )  # fmt: skip


def edge(council_id, child_id, author_id, sent: datetime) -> None:
    thread = MessageThread(
        child_id=child_id, council_id=council_id, category="complaint", subject="edge",
        created_at=sent, first_due_on=sent.date(), due_on=None, last_message_at=sent,
        first_reply_at=sent + timedelta(hours=1),
    )  # fmt: skip
    db.session.add(thread)
    db.session.flush()
    db.session.add(Message(thread_id=thread.id, author_id=author_id, author_name="F",
                           sender_type="parent", body="b", created_at=sent))  # fmt: skip


@pytest.fixture
def seeded(app):
    with app.app_context():
        council = make_council()
        parent = make_user("p@example.test")
        child = make_child(council, "kit", parent=parent)
        seed(council.id, child.id, parent.id)
        # Just outside January to May in England: 31 December, and 00:30 on 1 June
        # (British Summer Time) which is still 31 May in UTC.
        edge(council.id, child.id, parent.id, datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
        edge(council.id, child.id, parent.id, datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
        # Another council's messages never count.
        other = make_council("elsewhere", "Elsewhere")
        other_child = make_child(other, "ola", parent=make_user("o@example.test"))
        seed(other.id, other_child.id, parent.id, count=30)
        # "Did you feel included?": six yes, three partly, one no, in March.
        plan = Plan(child_id=child.id)
        db.session.add(plan)
        db.session.flush()
        for n, answer in enumerate(["yes"] * 6 + ["partly"] * 3 + ["no"]):
            db.session.add(
                PlanFeeling(
                    plan_id=plan.id,
                    version_number=n + 1,
                    user_id=parent.id,
                    answer=answer,
                    created_at=datetime(2026, 3, 20, tzinfo=UTC),
                )
            )
        db.session.commit()
        yield council.id


def test_figures_for_january_to_may(app, seeded):
    with app.app_context():
        figures = enquiry_figures(seeded, date(2026, 1, 1), date(2026, 5, 31), NOW)
    assert figures.months == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert figures.messages == 500
    # 100 messages a month; category i % 6, so each month's first four residues get 17.
    big, small = 17, 16
    assert figures.by_category["2026-01"] == {
        "general": big, "plan": big, "assessment": big, "review": big,
        "complaint": small, "other": small,
    }  # fmt: skip
    assert figures.by_category["2026-02"] == {  # starts at 100, residue 4
        "general": big, "plan": big, "assessment": small, "review": small,
        "complaint": big, "other": big,
    }  # fmt: skip
    assert figures.by_category["2026-03"] == {  # starts at 200, residue 2
        "general": small, "plan": small, "assessment": big, "review": big,
        "complaint": big, "other": big,
    }  # fmt: skip
    assert figures.by_category["2026-04"] == figures.by_category["2026-01"]  # 300: residue 0
    assert figures.by_category["2026-05"] == figures.by_category["2026-02"]  # 400: residue 4
    for month in figures.months:
        assert figures.by_sender[month] == {"parent": 50, "young_person": 25, "other_family": 25}
    assert figures.sender_total("parent") == 250
    # 400 answered (every fifth is not), a hundred at each delay: the median of
    # 100×2, 100×26, 100×50, 100×74 hours is halfway between 26 and 50.
    assert figures.threads == 500
    assert figures.answered == 400
    assert figures.median_hours_to_reply == pytest.approx(38.0)
    # In time: the 300 answered by Wednesday; late: 100 answered on Thursday and 100
    # never answered (long past their Wednesday by December).
    assert (figures.within_target, figures.decided) == (300, 500)
    assert figures.share_within_target == pytest.approx(0.6)
    assert figures.overdue_now == 100
    assert figures.feelings["2026-03"] == {"yes": 6, "partly": 3, "no": 1}
    assert figures.feeling_share("2026-03", "yes") == pytest.approx(0.6)
    assert figures.feeling_share("2026-01", "yes") is None


def test_figures_for_part_of_the_range(app, seeded):
    with app.app_context():
        figures = enquiry_figures(seeded, date(2026, 2, 1), date(2026, 3, 31), NOW)
    assert figures.messages == 200
    assert figures.threads == 200
    assert figures.category_total("general") == 17 + 16
    # i = 100…299: each (i % 4, i % 5) pair ten times: 40 answered at each delay.
    assert figures.answered == 160
    assert figures.median_hours_to_reply == pytest.approx(38.0)
    assert (figures.within_target, figures.decided) == (120, 200)
    assert figures.feelings["2026-03"]["no"] == 1


def test_a_target_not_yet_reached_is_not_counted_either_way(app, seeded):
    # On the Tuesday after the May messages, the unanswered ones are not late yet, and
    # the replies after Tuesday 12:00 have not happened.
    tuesday_evening = datetime(2026, 5, 12, 18, tzinfo=UTC)
    with app.app_context():
        figures = enquiry_figures(seeded, date(2026, 5, 1), date(2026, 5, 31), tuesday_evening)
    # i = 400…499 answered at 2 or 26 hours: i % 4 in {0, 1} and i % 5 != 4 → 40 threads.
    assert figures.answered == 40
    assert (figures.within_target, figures.decided) == (40, 40)
    assert figures.median_hours_to_reply == pytest.approx(14.0)
