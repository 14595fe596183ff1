"""Times are shown on London's clock: the same as UTC in winter, an hour on in summer."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template_string

from portal.local_time import in_england


def test_winter_is_utc_and_summer_is_an_hour_on():
    assert in_england(datetime(2026, 12, 2, 18, 5, tzinfo=UTC)).strftime("%H:%M") == "18:05"
    assert in_england(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)).strftime("%-d %B %H:%M") == (
        "2 July 00:30"
    )
    # The clocks change at 01:00 UTC on the last Sunday of March.
    assert in_england(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)).hour == 0
    assert in_england(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)).hour == 2


def test_a_naive_time_is_taken_as_utc_and_none_stays_none():
    assert in_england(datetime(2026, 7, 1, 12, 0)).hour == 13
    assert in_england(None) is None


def test_templates_have_the_filter(app):
    with app.test_request_context():
        shown = render_template_string(
            "{{ (when|england).strftime('%H:%M') }}", when=datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
        )
    assert shown == "10:00"


def test_the_activity_sentence_says_the_time_in_england():
    from portal.activity.service import ActivityLine

    line = ActivityLine(
        when=datetime(2026, 8, 3, 16, 45, tzinfo=UTC),
        who="Ms Patel",
        role="caseworker",
        what="viewed the page About me",
        address="",
    )
    assert (
        line.sentence == "Ms Patel (caseworker) viewed the page About me on 3 August 2026 at 17:45"
    )
