"""The statutory EHC needs assessment timeline: due dates in calendar days from the
request, statuses as they stand today, the family's 15-day comment window, and the
checks a form makes on the dates entered."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.plans.timeline import (
    STEPS,
    CommentWindow,
    Step,
    TimelineDateError,
    check_dates,
    comment_window,
    describe_days,
    issued_within_20_weeks,
    next_step,
    overdue,
    plan_timeline,
    weeks_elapsed,
)

# A Monday. Decision due 13 Oct 2025, draft advised by 8 Dec 2025, final due 19 Jan 2026.
REQUEST = date(2025, 9, 1)
DECISION_DUE = date(2025, 10, 13)
DRAFT_DUE = date(2025, 12, 8)
FINAL_DUE = date(2026, 1, 19)


def timeline(
    today: date,
    requested_on: date | None = REQUEST,
    decided_on: date | None = None,
    draft_issued_on: date | None = None,
    final_issued_on: date | None = None,
) -> dict[str, Step]:
    steps = plan_timeline(
        requested_on=requested_on,
        decided_on=decided_on,
        draft_issued_on=draft_issued_on,
        final_issued_on=final_issued_on,
        today=today,
    )
    assert [step.key for step in steps] == ["request", "decision", "draft", "comments", "final"]
    return {step.key: step for step in steps}


def steps_list(today: date, **dates) -> list[Step]:
    return list(timeline(today, **dates).values())


# --- The steps -------------------------------------------------------------------------


def test_steps_are_in_order_with_weeks_counted_from_the_request():
    assert [(rule.key, rule.weeks) for rule in STEPS] == [
        ("request", None),
        ("decision", 6),
        ("draft", 14),
        ("comments", None),
        ("final", 20),
    ]
    key, label, weeks = STEPS[1]
    assert (key, label, weeks) == ("decision", "Decision whether to assess", 6)


def test_timeline_steps_carry_the_labels_from_steps():
    steps = steps_list(REQUEST)
    assert [step.label for step in steps] == [rule.label for rule in STEPS]
    assert all(step.label and "_" not in step.label for step in steps)


def test_only_decision_comments_and_final_have_statutory_due_dates():
    statutory = {step.key: step.statutory for step in steps_list(REQUEST)}
    assert statutory == {
        "request": False,
        "decision": True,
        "draft": False,  # week 14 is a recommendation
        "comments": True,
        "final": True,
    }


def test_steps_are_frozen():
    step = timeline(REQUEST)["decision"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.status = "done"  # type: ignore[misc]
    window = comment_window(REQUEST, REQUEST)
    with pytest.raises(dataclasses.FrozenInstanceError):
        window.days_left = 99  # type: ignore[misc,union-attr]


# --- Nothing entered, or only the request ------------------------------------------------


def test_nothing_entered_yet_the_request_is_next_and_everything_else_waits():
    steps = timeline(REQUEST, requested_on=None)
    request = steps["request"]
    assert (request.status, request.due, request.done_on, request.days_left) == (
        "due",
        None,
        None,
        None,
    )
    for key in ("decision", "draft", "comments", "final"):
        assert (steps[key].status, steps[key].due, steps[key].days_left) == ("waiting", None, None)
    assert next_step(steps.values()) == request
    assert overdue(steps.values()) == []


def test_request_only_gives_due_dates_6_14_and_20_weeks_later():
    today = REQUEST + timedelta(days=10)
    steps = timeline(today)
    assert steps["request"].status == "done"
    assert steps["request"].done_on == REQUEST
    assert steps["request"].days_left is None
    assert (steps["decision"].due, steps["decision"].status) == (DECISION_DUE, "due")
    assert steps["decision"].days_left == 32
    assert (steps["draft"].due, steps["draft"].days_left) == (DRAFT_DUE, 88)
    assert (steps["final"].due, steps["final"].days_left) == (FINAL_DUE, 130)
    assert (steps["comments"].status, steps["comments"].due) == ("waiting", None)
    assert next_step(steps.values()) == steps["decision"]


def test_on_the_day_of_the_request_the_full_time_is_left():
    steps = timeline(REQUEST)
    assert steps["decision"].days_left == 42
    assert steps["final"].days_left == 140


# --- Due today, one day late, done on time, done late -------------------------------------


def test_decision_due_today_is_due_with_no_days_left():
    decision = timeline(DECISION_DUE)["decision"]
    assert (decision.status, decision.days_left) == ("due", 0)
    assert describe_days(decision.days_left) == "due today"


def test_decision_one_day_late_is_overdue():
    steps = timeline(DECISION_DUE + timedelta(days=1))
    decision = steps["decision"]
    assert (decision.status, decision.days_left) == ("overdue", -1)
    assert describe_days(decision.days_left) == "1 day overdue"
    assert overdue(steps.values()) == [decision]
    assert next_step(steps.values()) == decision


def test_decision_made_on_the_due_day_is_done():
    decision = timeline(FINAL_DUE, decided_on=DECISION_DUE)["decision"]
    assert (decision.status, decision.done_on, decision.days_left) == ("done", DECISION_DUE, None)


def test_decision_made_one_day_late_is_done_late_and_no_longer_overdue():
    late = DECISION_DUE + timedelta(days=1)
    steps = timeline(late + timedelta(days=3), decided_on=late)
    assert (steps["decision"].status, steps["decision"].done_on) == ("done_late", late)
    assert steps["decision"].days_left is None
    assert overdue(steps.values()) == []
    assert next_step(steps.values()) == steps["draft"]


def test_decision_made_early_is_done():
    decision = timeline(REQUEST + timedelta(days=20), decided_on=REQUEST + timedelta(days=9))[
        "decision"
    ]
    assert decision.status == "done"


def test_decision_on_the_day_of_the_request_is_allowed_and_done():
    assert timeline(REQUEST, decided_on=REQUEST)["decision"].status == "done"


def test_final_on_the_last_day_of_week_20_is_done_on_time():
    steps = timeline(
        FINAL_DUE, decided_on=DECISION_DUE, draft_issued_on=DRAFT_DUE, final_issued_on=FINAL_DUE
    )
    assert (steps["final"].status, steps["final"].done_on) == ("done", FINAL_DUE)
    assert next_step(steps.values()) is None
    assert overdue(steps.values()) == []


def test_final_one_day_after_week_20_is_done_late():
    late = FINAL_DUE + timedelta(days=1)
    final = timeline(
        late, decided_on=DECISION_DUE, draft_issued_on=DRAFT_DUE, final_issued_on=late
    )["final"]
    assert (final.status, final.days_left) == ("done_late", None)


def test_final_due_today_then_a_day_overdue():
    steps = timeline(FINAL_DUE, decided_on=DECISION_DUE, draft_issued_on=DRAFT_DUE)
    assert (steps["final"].status, steps["final"].days_left) == ("due", 0)
    steps = timeline(
        FINAL_DUE + timedelta(days=1), decided_on=DECISION_DUE, draft_issued_on=DRAFT_DUE
    )
    assert (steps["final"].status, steps["final"].days_left) == ("overdue", -1)
    assert overdue(steps.values()) == [steps["final"]]


def test_the_final_plan_is_overdue_by_the_clock_even_when_the_draft_is_missing():
    today = FINAL_DUE + timedelta(days=5)
    steps = timeline(today, decided_on=DECISION_DUE)
    assert (steps["draft"].status, steps["draft"].days_left) == ("overdue", -47)
    assert (steps["final"].status, steps["final"].days_left) == ("overdue", -5)
    assert steps["comments"].status == "waiting"
    late = overdue(steps.values())
    assert late == [steps["draft"], steps["final"]]
    assert [step.key for step in late if step.statutory] == ["final"]
    assert next_step(steps.values()) == steps["draft"]


def test_a_draft_after_week_14_is_late_only_against_the_advice():
    draft_on = DRAFT_DUE + timedelta(days=2)
    draft = timeline(draft_on, decided_on=DECISION_DUE, draft_issued_on=draft_on)["draft"]
    assert (draft.status, draft.statutory) == ("done_late", False)


def test_a_draft_past_week_14_not_yet_issued_is_overdue_but_not_statutory():
    draft = timeline(DRAFT_DUE + timedelta(days=1), decided_on=DECISION_DUE)["draft"]
    assert (draft.status, draft.days_left, draft.statutory) == ("overdue", -1, False)


def test_every_step_overdue_at_once():
    steps = timeline(FINAL_DUE + timedelta(days=30))
    assert [step.key for step in overdue(steps.values())] == ["decision", "draft", "final"]
    assert steps["decision"].days_left == -(FINAL_DUE - DECISION_DUE).days - 30


# --- A date not entered for a step that must have happened ---------------------------------


def test_a_draft_without_a_decision_date_means_the_decision_was_made():
    steps = timeline(DRAFT_DUE + timedelta(days=60), draft_issued_on=DRAFT_DUE)
    decision = steps["decision"]
    assert (decision.status, decision.done_on, decision.days_left) == ("done", None, None)
    assert decision.due == DECISION_DUE
    assert overdue(steps.values()) == [steps["final"]]


def test_a_final_plan_alone_means_every_earlier_step_is_done():
    final_on = REQUEST + timedelta(weeks=18)
    steps = timeline(final_on + timedelta(days=1), final_issued_on=final_on)
    assert [step.status for step in steps.values()] == ["done"] * 5
    assert steps["decision"].done_on is None
    assert steps["draft"].done_on is None
    assert (steps["comments"].due, steps["comments"].done_on) == (None, None)
    assert next_step(steps.values()) is None


# --- The family's 15 days to comment -----------------------------------------------------


def test_comments_open_on_the_day_the_draft_is_issued_with_15_days_left():
    draft_on = date(2025, 11, 20)
    comments = timeline(draft_on, decided_on=DECISION_DUE, draft_issued_on=draft_on)["comments"]
    assert (comments.status, comments.due, comments.days_left) == (
        "due",
        date(2025, 12, 5),
        15,
    )
    assert comments.done_on is None


def test_comments_on_their_last_day_are_still_due_with_no_days_left():
    draft_on = date(2025, 11, 20)
    comments = timeline(date(2025, 12, 5), decided_on=DECISION_DUE, draft_issued_on=draft_on)[
        "comments"
    ]
    assert (comments.status, comments.days_left) == ("due", 0)


def test_comments_are_done_once_the_window_has_passed_never_overdue():
    draft_on = date(2025, 11, 20)
    steps = timeline(date(2025, 12, 6), decided_on=DECISION_DUE, draft_issued_on=draft_on)
    comments = steps["comments"]
    assert (comments.status, comments.done_on, comments.days_left) == (
        "done",
        date(2025, 12, 5),
        None,
    )
    assert next_step(steps.values()) == steps["final"]


def test_comments_are_done_when_the_final_is_issued_inside_the_window():
    draft_on = date(2025, 11, 20)
    final_on = date(2025, 11, 28)  # the family replied early
    comments = timeline(
        final_on, decided_on=DECISION_DUE, draft_issued_on=draft_on, final_issued_on=final_on
    )["comments"]
    assert (comments.status, comments.done_on) == ("done", final_on)


def test_comments_close_on_the_window_end_when_the_final_comes_later():
    draft_on = date(2025, 11, 20)
    comments = timeline(
        FINAL_DUE, decided_on=DECISION_DUE, draft_issued_on=draft_on, final_issued_on=FINAL_DUE
    )["comments"]
    assert (comments.status, comments.done_on) == ("done", date(2025, 12, 5))


def test_comments_open_make_the_next_step_even_when_the_final_is_overdue():
    draft_on = FINAL_DUE
    steps = timeline(
        FINAL_DUE + timedelta(days=3), decided_on=DECISION_DUE, draft_issued_on=draft_on
    )
    assert next_step(steps.values()) == steps["comments"]
    assert steps["comments"].days_left == 12
    assert overdue(steps.values()) == [steps["final"]]


def test_comment_window_is_none_without_a_draft():
    assert comment_window(None, REQUEST) is None


def test_comment_window_day_by_day():
    draft_on = date(2025, 11, 20)
    ends = date(2025, 12, 5)
    assert comment_window(draft_on, draft_on) == CommentWindow(draft_on, ends, 15, True)
    assert comment_window(draft_on, date(2025, 12, 4)) == CommentWindow(draft_on, ends, 1, True)
    assert comment_window(draft_on, ends) == CommentWindow(draft_on, ends, 0, True)
    assert comment_window(draft_on, ends + timedelta(days=1)) == CommentWindow(
        draft_on, ends, 0, False
    )
    assert comment_window(draft_on, ends + timedelta(days=100)).days_left == 0  # type: ignore[union-attr]


def test_comment_window_is_not_open_before_the_draft_is_issued():
    draft_on = date(2025, 11, 20)
    window = comment_window(draft_on, draft_on - timedelta(days=1))
    assert window is not None
    assert window.is_open is False


def test_comment_window_agrees_with_the_comments_step():
    draft_on = date(2025, 11, 20)
    for offset in range(0, 20):
        today = draft_on + timedelta(days=offset)
        window = comment_window(draft_on, today)
        step = timeline(today, decided_on=DECISION_DUE, draft_issued_on=draft_on)["comments"]
        assert window is not None
        assert window.ends_on == step.due
        assert window.is_open == (step.status == "due")
        if window.is_open:
            assert window.days_left == step.days_left


# --- Leap years, month ends and year ends -------------------------------------------------


@pytest.mark.parametrize(
    ("requested_on", "decision", "draft", "final"),
    [
        # 29 February 2024 is one of the days counted.
        (date(2024, 2, 1), date(2024, 3, 14), date(2024, 5, 9), date(2024, 6, 20)),
        (date(2023, 2, 1), date(2023, 3, 15), date(2023, 5, 10), date(2023, 6, 21)),
        (date(2023, 12, 1), date(2024, 1, 12), date(2024, 3, 8), date(2024, 4, 19)),
        (date(2022, 12, 1), date(2023, 1, 12), date(2023, 3, 9), date(2023, 4, 20)),
        # A request on the 29th of February itself.
        (date(2024, 2, 29), date(2024, 4, 11), date(2024, 6, 6), date(2024, 7, 18)),
        # Month ends and a year end.
        (date(2025, 1, 31), date(2025, 3, 14), date(2025, 5, 9), date(2025, 6, 20)),
        (date(2024, 10, 1), date(2024, 11, 12), date(2025, 1, 7), date(2025, 2, 18)),
        (date(2025, 12, 31), date(2026, 2, 11), date(2026, 4, 8), date(2026, 5, 20)),
    ],
)
def test_due_dates_count_calendar_days(requested_on, decision, draft, final):
    steps = timeline(requested_on, requested_on=requested_on)
    assert (steps["decision"].due, steps["draft"].due, steps["final"].due) == (
        decision,
        draft,
        final,
    )
    assert (steps["decision"].due - requested_on).days == 42
    assert (steps["final"].due - requested_on).days == 140


@pytest.mark.parametrize(
    ("draft_on", "ends_on"),
    [
        (date(2024, 2, 20), date(2024, 3, 6)),  # through 29 February
        (date(2023, 2, 20), date(2023, 3, 7)),
        (date(2024, 2, 29), date(2024, 3, 15)),
        (date(2024, 12, 20), date(2025, 1, 4)),  # over the new year
        (date(2025, 1, 31), date(2025, 2, 15)),
        (date(2025, 4, 30), date(2025, 5, 15)),
    ],
)
def test_comment_window_ends_15_calendar_days_after_the_draft(draft_on, ends_on):
    window = comment_window(draft_on, draft_on)
    assert window is not None
    assert (window.opens_on, window.ends_on, window.days_left) == (draft_on, ends_on, 15)


def test_days_left_count_across_29_february():
    requested_on = date(2024, 2, 1)
    decision = timeline(date(2024, 2, 28), requested_on=requested_on)["decision"]
    assert decision.days_left == 15  # 28 Feb to 14 Mar 2024, via 29 Feb


# --- next_step and overdue ------------------------------------------------------------------


def test_next_step_is_none_when_every_step_is_done_even_late():
    late_final = FINAL_DUE + timedelta(days=10)
    steps = steps_list(
        late_final,
        decided_on=DECISION_DUE + timedelta(days=1),
        draft_issued_on=DRAFT_DUE,
        final_issued_on=late_final,
    )
    assert [step.status for step in steps] == ["done", "done_late", "done", "done", "done_late"]
    assert next_step(steps) is None
    assert overdue(steps) == []


def test_next_step_and_overdue_take_any_iterable_and_an_empty_one():
    assert next_step([]) is None
    assert overdue([]) == []
    steps = steps_list(DECISION_DUE + timedelta(days=1))
    assert next_step(iter(steps)) == steps[1]
    assert overdue(iter(steps)) == [steps[1]]


def test_is_done_covers_done_and_done_late_only():
    steps = timeline(DECISION_DUE + timedelta(days=2), decided_on=DECISION_DUE + timedelta(days=1))
    assert steps["request"].is_done
    assert steps["decision"].is_done
    assert not steps["draft"].is_done
    assert not steps["comments"].is_done  # waiting


# --- weeks_elapsed and issued_within_20_weeks ------------------------------------------------


@pytest.mark.parametrize(
    ("days", "weeks"),
    [(0, 0), (6, 0), (7, 1), (13, 1), (41, 5), (42, 6), (139, 19), (140, 20), (365, 52)],
)
def test_weeks_elapsed_counts_whole_weeks(days, weeks):
    assert weeks_elapsed(REQUEST, REQUEST + timedelta(days=days)) == weeks


def test_weeks_elapsed_across_a_leap_day():
    assert weeks_elapsed(date(2024, 2, 22), date(2024, 3, 6)) == 1  # 13 days with 29 Feb
    assert weeks_elapsed(date(2023, 2, 22), date(2023, 3, 6)) == 1  # 12 days


def test_weeks_elapsed_refuses_a_request_in_the_future():
    with pytest.raises(ValueError, match="request"):
        weeks_elapsed(REQUEST, REQUEST - timedelta(days=1))


def test_issued_within_20_weeks_on_the_boundary():
    assert issued_within_20_weeks(REQUEST, FINAL_DUE) is True
    assert issued_within_20_weeks(REQUEST, FINAL_DUE - timedelta(days=1)) is True
    assert issued_within_20_weeks(REQUEST, FINAL_DUE + timedelta(days=1)) is False
    assert issued_within_20_weeks(REQUEST, REQUEST) is True


def test_issued_within_20_weeks_across_a_leap_year():
    assert issued_within_20_weeks(date(2023, 12, 1), date(2024, 4, 19)) is True
    assert issued_within_20_weeks(date(2023, 12, 1), date(2024, 4, 20)) is False
    assert issued_within_20_weeks(date(2022, 12, 1), date(2023, 4, 20)) is True


def test_issued_within_20_weeks_is_unknown_until_both_dates_are():
    assert issued_within_20_weeks(REQUEST, None) is None
    assert issued_within_20_weeks(None, FINAL_DUE) is None
    assert issued_within_20_weeks(None, None) is None


def test_issued_within_20_weeks_refuses_a_final_before_the_request():
    with pytest.raises(ValueError, match="final plan"):
        issued_within_20_weeks(REQUEST, REQUEST - timedelta(days=1))


# --- describe_days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "text"),
    [
        (0, "due today"),
        (1, "1 day left"),
        (2, "2 days left"),
        (3, "3 days left"),
        (140, "140 days left"),
        (-1, "1 day overdue"),
        (-2, "2 days overdue"),
        (-31, "31 days overdue"),
    ],
)
def test_describe_days(days_left, text):
    assert describe_days(days_left) == text


# --- check_dates -----------------------------------------------------------------------------


def check(**dates) -> None:
    values = {
        "requested_on": REQUEST,
        "decided_on": None,
        "draft_issued_on": None,
        "final_issued_on": None,
    }
    values.update(dates)
    check_dates(**values)


def test_dates_in_order_pass():
    # check_dates returns nothing and raises nothing when the dates are possible.
    check(decided_on=DECISION_DUE, draft_issued_on=DRAFT_DUE, final_issued_on=FINAL_DUE)
    check(decided_on=DECISION_DUE, final_issued_on=FINAL_DUE)  # draft date not entered
    check()
    check(requested_on=None)
    # Every step on the same day is odd but possible.
    check(decided_on=REQUEST, draft_issued_on=REQUEST, final_issued_on=REQUEST)


def test_a_decision_before_the_request_is_refused_naming_both_steps():
    with pytest.raises(ValueError, match="decision whether to assess") as caught:
        check(decided_on=date(2025, 8, 31))
    message = str(caught.value)
    assert message == (
        "The decision whether to assess (31 August 2025) cannot be dated before "
        "the request for an EHC needs assessment (1 September 2025)."
    )
    assert isinstance(caught.value, TimelineDateError)
    assert caught.value.step == "decision"


def test_a_final_plan_before_the_draft_is_refused():
    with pytest.raises(TimelineDateError) as caught:
        check(
            decided_on=DECISION_DUE,
            draft_issued_on=DRAFT_DUE,
            final_issued_on=DRAFT_DUE - timedelta(days=1),
        )
    assert caught.value.step == "final"
    assert str(caught.value).startswith("The final plan (7 December 2025) cannot be dated")
    assert "the draft plan (8 December 2025)" in str(caught.value)


def test_a_draft_before_the_decision_is_refused():
    with pytest.raises(TimelineDateError, match="draft plan") as caught:
        check(decided_on=DECISION_DUE, draft_issued_on=DECISION_DUE - timedelta(days=1))
    assert caught.value.step == "draft"
    assert "decision whether to assess" in str(caught.value)


def test_a_date_is_checked_against_the_latest_earlier_date_entered():
    # No draft entered: the final plan is compared with the decision.
    with pytest.raises(TimelineDateError, match="decision whether to assess") as caught:
        check(decided_on=DECISION_DUE, final_issued_on=DECISION_DUE - timedelta(days=1))
    assert caught.value.step == "final"
    # Nothing between: the final plan is compared with the request.
    with pytest.raises(TimelineDateError, match="request") as caught:
        check(final_issued_on=REQUEST - timedelta(days=1))
    assert caught.value.step == "final"


def test_a_later_date_needs_the_request_date():
    for field in ("decided_on", "draft_issued_on", "final_issued_on"):
        with pytest.raises(TimelineDateError, match="Enter the date of the request") as caught:
            check(requested_on=None, **{field: DECISION_DUE})
        assert caught.value.step == "request"


def test_dates_in_the_future_are_refused_only_when_today_is_given():
    tomorrow = REQUEST + timedelta(days=1)
    check_dates(
        requested_on=REQUEST, decided_on=tomorrow, draft_issued_on=None, final_issued_on=None
    )
    with pytest.raises(TimelineDateError, match="cannot be in the future") as caught:
        check_dates(
            requested_on=REQUEST,
            decided_on=tomorrow,
            draft_issued_on=None,
            final_issued_on=None,
            today=REQUEST,
        )
    assert caught.value.step == "decision"
    assert "2 September 2025" in str(caught.value)
    with pytest.raises(TimelineDateError) as caught:
        check_dates(
            requested_on=tomorrow,
            decided_on=None,
            draft_issued_on=None,
            final_issued_on=None,
            today=REQUEST,
        )
    assert caught.value.step == "request"
    # Today itself is fine.
    check_dates(
        requested_on=REQUEST,
        decided_on=REQUEST,
        draft_issued_on=None,
        final_issued_on=None,
        today=REQUEST,
    )


def test_plan_timeline_refuses_dates_out_of_order():
    with pytest.raises(ValueError, match="final plan"):
        timeline(
            FINAL_DUE,
            decided_on=DECISION_DUE,
            draft_issued_on=DRAFT_DUE,
            final_issued_on=DECISION_DUE,
        )
    with pytest.raises(ValueError, match="decision whether to assess"):
        timeline(FINAL_DUE, decided_on=REQUEST - timedelta(days=1))


# --- Properties over any dates in order -------------------------------------------------------

DAYS = st.integers(min_value=0, max_value=400)


@given(
    requested_on=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    gaps=st.lists(st.one_of(st.none(), DAYS), min_size=3, max_size=3),
    today_offset=st.integers(min_value=0, max_value=600),
)
def test_any_dates_in_order_give_a_consistent_timeline(requested_on, gaps, today_offset):
    dates = []
    last = requested_on
    for gap in gaps:
        if gap is None:
            dates.append(None)
        else:
            last = last + timedelta(days=gap)
            dates.append(last)
    decided_on, draft_issued_on, final_issued_on = dates
    today = requested_on + timedelta(days=today_offset)
    steps = plan_timeline(
        requested_on=requested_on,
        decided_on=decided_on,
        draft_issued_on=draft_issued_on,
        final_issued_on=final_issued_on,
        today=today,
    )
    assert [step.key for step in steps] == [rule.key for rule in STEPS]
    for step in steps:
        assert step.status in ("done", "done_late", "due", "overdue", "waiting")
        if step.status in ("due", "overdue"):
            assert step.due is not None
            assert step.days_left == (step.due - today).days
            assert (step.status == "overdue") == (step.days_left < 0)
            assert step.done_on is None
        else:
            assert step.days_left is None
        if step.status == "done_late":
            assert step.done_on is not None and step.due is not None
            assert step.done_on > step.due
    assert steps[0].status == "done"
    assert steps[3].status != "overdue"  # the family's window is never "overdue"
    assert all(step.status != "waiting" for step in steps if step.key != "comments")
    assert next_step(steps) == next((s for s in steps if not s.is_done), None)
    assert overdue(steps) == [s for s in steps if s.status == "overdue"]
    within = issued_within_20_weeks(requested_on, final_issued_on)
    if final_issued_on is None:
        assert within is None
    else:
        assert within == (steps[4].status == "done")
