"""The audit report: grades per domain per month, and how often auditor pairs agree.

Only submitted reviews count. Averages use the 1-4 scale (4 = Outstanding); "not
applicable" is counted but left out of averages and agreement. The sums are plain
functions over plain rows, so the known answers can be tested without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.quality.drawing import council_rounds, month_name
from portal.quality.models import (
    DOMAINS,
    GRADES,
    NOT_APPLICABLE,
    SCORES,
    QualityGrade,
    QualityReview,
    QualityRound,
    QualitySample,
)


@dataclass(frozen=True)
class GradeRow:
    """One submitted grade: whose, on which sample, in which month."""

    month: date
    sample_id: int
    auditor_id: int | None
    domain: str
    grade: str


@dataclass(frozen=True)
class DomainGrades:
    domain: str
    counts: dict[str, int]  # every grade key (and not applicable) -> how many

    @property
    def label(self) -> str:
        return DOMAINS[self.domain]

    @property
    def graded(self) -> int:
        return sum(self.counts[grade] for grade in GRADES)

    @property
    def average(self) -> float | None:
        """The mean score on the 1-4 scale, or None when nothing was graded."""
        if not self.graded:
            return None
        return sum(SCORES[grade] * self.counts[grade] for grade in GRADES) / self.graded


@dataclass(frozen=True)
class Agreement:
    """Domain grades two auditors gave the same sample, and how often they matched."""

    compared: int = 0
    exact: int = 0
    within_one: int = 0

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            self.compared + other.compared,
            self.exact + other.exact,
            self.within_one + other.within_one,
        )

    @property
    def exact_share(self) -> float | None:
        return self.exact / self.compared if self.compared else None

    @property
    def within_one_share(self) -> float | None:
        return self.within_one / self.compared if self.compared else None


@dataclass(frozen=True)
class MonthReport:
    month: date
    domains: list[DomainGrades]
    agreement: Agreement
    submitted: int  # reviews submitted
    reviews: int  # reviews in the round

    @property
    def month_name(self) -> str:
        return month_name(self.month)


@dataclass(frozen=True)
class PairAgreement:
    names: tuple[str, str]
    agreement: Agreement


@dataclass(frozen=True)
class Report:
    months: list[MonthReport]  # newest first
    pairs: list[PairAgreement]
    overall: Agreement

    @property
    def trend(self) -> list[tuple[str, list[float | None]]]:
        """Each domain's average month by month, oldest month first."""
        oldest_first = self.months[::-1]
        return [
            (label, [month.domains[index].average for month in oldest_first])
            for index, label in enumerate(DOMAINS.values())
        ]


def domain_grades(rows: Iterable[GradeRow]) -> list[DomainGrades]:
    """How many of each grade each domain got, every domain listed, in plan order."""
    counts = {domain: dict.fromkeys((*GRADES, NOT_APPLICABLE), 0) for domain in DOMAINS}
    for row in rows:
        counts[row.domain][row.grade] += 1
    return [DomainGrades(domain, counts[domain]) for domain in DOMAINS]


def _compare(first: str, second: str) -> Agreement:
    if first not in SCORES or second not in SCORES:
        return Agreement()
    gap = abs(SCORES[first] - SCORES[second])
    return Agreement(1, int(gap == 0), int(gap <= 1))


def pair_agreement(rows: Iterable[GradeRow]) -> dict[tuple[int | None, int | None], Agreement]:
    """Agreement per pair of auditors (their ids in order), over every sample both graded."""
    by_sample: dict[int, dict[int | None, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        by_sample[row.sample_id][row.auditor_id][row.domain] = row.grade
    found: dict[tuple[int | None, int | None], Agreement] = defaultdict(Agreement)
    for reviews in by_sample.values():
        if len(reviews) != 2:
            continue  # only one of the two has submitted
        (first_id, first), (second_id, second) = sorted(
            reviews.items(), key=lambda item: (item[0] is None, item[0] or 0)
        )
        for domain in DOMAINS:
            if domain in first and domain in second:
                found[first_id, second_id] += _compare(first[domain], second[domain])
    return dict(found)


def _total(agreements: Iterable[Agreement]) -> Agreement:
    return sum(agreements, Agreement())


def submitted_grades(council_id: int) -> list[GradeRow]:
    """Every grade of every submitted review in the council: one query."""
    rows = db.session.execute(
        select(
            QualityRound.month,
            QualitySample.id,
            QualityReview.auditor_id,
            QualityGrade.domain,
            QualityGrade.grade,
        )
        .join(QualitySample, QualitySample.round_id == QualityRound.id)
        .join(QualityReview, QualityReview.sample_id == QualitySample.id)
        .join(QualityGrade, QualityGrade.review_id == QualityReview.id)
        .where(
            QualityRound.council_id == council_id,
            QualityReview.submitted_at.is_not(None),
            QualityGrade.grade.is_not(None),
        )
    )
    return [GradeRow(*row) for row in rows]


def council_report(council_id: int) -> Report:
    """The whole report for a council, newest month first."""
    rows = submitted_grades(council_id)
    by_month: dict[date, list[GradeRow]] = defaultdict(list)
    for row in rows:
        by_month[row.month].append(row)
    months = [
        MonthReport(
            month=summary.audit_round.month,
            domains=domain_grades(by_month[summary.audit_round.month]),
            agreement=_total(pair_agreement(by_month[summary.audit_round.month]).values()),
            submitted=summary.submitted,
            reviews=summary.reviews,
        )
        for summary in council_rounds(council_id)
    ]
    pairs = pair_agreement(rows)
    ids = {auditor for pair in pairs for auditor in pair if auditor is not None}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())

    def name(auditor_id: int | None) -> str:
        return names.get(auditor_id, "A former auditor")

    return Report(
        months=months,
        pairs=sorted(
            (PairAgreement((name(a), name(b)), agreement) for (a, b), agreement in pairs.items()),
            key=lambda pair: pair.names,
        ),
        overall=_total(pairs.values()),
    )
