"""Working days in England: Monday to Friday, leaving out England's bank holidays
(the `holidays` package, subdivision "ENG", substitute days included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`th working day after `start` (`start` itself never counts)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def local_day(moment: datetime) -> date:
    """The day in England when `moment` (aware) happened."""
    return moment.astimezone(LONDON).date()


def due_on(sent_at: datetime, days: int) -> date:
    """A message sent at `sent_at` is answered on time by the end of this day."""
    return add_working_days(local_day(sent_at), days)


def is_late(due: date | None, now: datetime) -> bool:
    """Whether a reply due by the end of `due` (England) is late at `now`."""
    return due is not None and local_day(now) > due


def answered_in_time(due: date, replied_at: datetime) -> bool:
    return local_day(replied_at) <= due
