"""The months an enquiry-figures range covers, and each message's month."""

from datetime import date

from portal.contact.figures import month_of, months_between


def test_months_between_crosses_a_year():
    assert months_between(date(2025, 11, 5), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_one_day_is_one_month():
    assert months_between(date(2026, 12, 2), date(2026, 12, 2)) == ["2026-12"]
    assert month_of(date(2026, 1, 31)) == "2026-01"
