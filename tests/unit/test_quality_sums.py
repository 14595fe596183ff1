"""The audit's arithmetic without a database: the draw, auditor pairs, months, and the
report's counts, averages and agreement."""

from __future__ import annotations

from datetime import date

import pytest

from portal.plans.quality import CHECKS
from portal.quality.drawing import (
    DrawRefused,
    draw,
    month_name,
    next_month,
    pair_auditors,
    previous_month,
)
from portal.quality.models import DOMAINS
from portal.quality.report import GradeRow, domain_grades, pair_agreement
from portal.quality.reviewing import DOMAIN_OF_CHECK, pfa_applies, submission_problems

MARCH = date(2026, 3, 1)


def test_every_automatic_check_belongs_to_a_domain():
    assert set(DOMAIN_OF_CHECK) == set(CHECKS)
    assert set(DOMAIN_OF_CHECK.values()) <= set(DOMAINS)


def test_the_same_seed_draws_the_same_and_never_more_than_there_are():
    plans = list(range(100, 130))
    assert draw(plans, 5, 42) == draw(plans, 5, 42)
    assert draw(plans, 5, 42) != draw(plans, 5, 7)
    assert len(set(draw(plans, 5, 42))) == 5
    assert sorted(draw(plans[:3], 5, 42)) == plans[:3]


def test_pairs_go_round_the_auditors_in_turn_and_are_never_one_person():
    assert pair_auditors([9, 3], 3) == [(3, 9), (3, 9), (3, 9)]
    assert pair_auditors([1, 2, 3, 4], 4) == [(1, 2), (3, 4), (1, 2), (3, 4)]
    pairs = pair_auditors([5, 6, 7, 8, 9], 10)
    assert all(first != second for first, second in pairs)
    with pytest.raises(DrawRefused):
        pair_auditors([4, 4], 1)


def test_months():
    assert previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert previous_month(date(2026, 11, 30)) == date(2026, 10, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert month_name(MARCH) == "March 2026"


def test_preparing_for_adulthood_is_graded_from_14_or_when_the_age_is_not_known():
    assert not pfa_applies(13)
    assert pfa_applies(14) and pfa_applies(None)


def rows(auditor: int, sample: int, **grades: str) -> list[GradeRow]:
    return [GradeRow(MARCH, sample, auditor, domain, grade) for domain, grade in grades.items()]


def test_counts_and_averages_leave_not_applicable_out():
    found = domain_grades(
        rows(1, 10, needs="outstanding", pfa="not_applicable")
        + rows(2, 10, needs="inadequate", pfa="good")
        + rows(1, 11, needs="good")
    )
    by_domain = {row.domain: row for row in found}
    assert list(by_domain) == list(DOMAINS)
    assert by_domain["needs"].counts["outstanding"] == 1
    assert by_domain["needs"].graded == 3
    assert by_domain["needs"].average == pytest.approx((4 + 1 + 3) / 3)
    assert by_domain["pfa"].counts["not_applicable"] == 1
    assert by_domain["pfa"].average == 3
    assert by_domain["outcomes"].average is None


def test_agreement_counts_only_plans_both_auditors_graded():
    agreement = pair_agreement(
        rows(2, 10, needs="good", outcomes="good", provision="outstanding", pfa="good")
        + rows(1, 10, needs="good", outcomes="requires_improvement", provision="inadequate")
        + rows(1, 11, needs="good")  # the other auditor has not submitted
        + rows(3, 12, needs="good", pfa="not_applicable")
        + rows(1, 12, needs="good", pfa="good")
    )
    assert set(agreement) == {(1, 2), (1, 3)}
    first = agreement[1, 2]
    assert (first.compared, first.exact, first.within_one) == (3, 1, 2)
    assert first.exact_share == pytest.approx(1 / 3)
    second = agreement[1, 3]
    assert (second.compared, second.exact, second.within_one) == (1, 1, 1)


def test_a_submission_needs_every_grade_and_a_reason_for_a_low_one():
    grades = {domain: ("good", "") for domain in DOMAINS}
    assert submission_problems(grades) == {}
    grades["needs"] = (None, "")
    grades["pfa"] = ("inadequate", "  ")
    assert set(submission_problems(grades)) == {"needs", "pfa"}
