"""Times as families and staff in England read them: stored in UTC, shown on London's
clock (an hour ahead in British Summer Time)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


def in_england(moment: datetime | None) -> datetime | None:
    """The same moment on the clock in England; a naive value is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ENGLAND)
