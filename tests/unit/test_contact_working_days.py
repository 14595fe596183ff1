"""Working days around weekends and England's Christmas bank holidays."""

from datetime import UTC, date, datetime

from portal.contact.working_days import (
    add_working_days,
    answered_in_time,
    due_on,
    is_late,
    is_working_day,
)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Boxing Day, Saturday
    assert not is_working_day(date(2026, 12, 27))  # Sunday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute), Monday
    assert is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2027, 1, 1))  # New Year's Day


def test_two_working_days_over_christmas():
    # Sent on Christmas Eve: the 25th, the weekend and the substitute Monday do not count.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)


def test_a_friday_message_is_due_on_tuesday():
    assert add_working_days(date(2026, 12, 4), 2) == date(2026, 12, 8)
    # Sent on a Saturday: Monday is the first working day after it.
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)


def test_zero_days_means_the_same_day():
    assert add_working_days(date(2026, 12, 2), 0) == date(2026, 12, 2)


def test_due_day_is_the_day_in_england():
    # 23:30 UTC on 30 June is already 1 July in London (summer time).
    assert due_on(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 1) == date(2026, 7, 2)
    # In winter London is on UTC.
    assert due_on(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), 2) == date(2026, 12, 4)


def test_late_only_after_the_due_day_ends():
    due = date(2026, 12, 30)
    assert not is_late(due, datetime(2026, 12, 30, 23, 59, tzinfo=UTC))
    assert is_late(due, datetime(2026, 12, 31, 0, 1, tzinfo=UTC))
    assert not is_late(None, datetime(2027, 1, 31, tzinfo=UTC))
    assert answered_in_time(due, datetime(2026, 12, 30, 17, tzinfo=UTC))
    assert not answered_in_time(due, datetime(2026, 12, 31, 9, tzinfo=UTC))
