"""Drawing a month's audit round: which plans, which auditors, and the round's progress.

The draw is `random.Random(seed).sample` over the month's final plans ordered by id, so
the same seed over the same plans gives the same sample (the round keeps its seed for
anyone who wants to check). Auditors are paired round-robin over the chosen auditors
ordered by id: deterministic too, and every sample gets two different people.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.extensions import db
from portal.families.models import Child
from portal.plans.models import Plan, PlanVersion
from portal.quality.models import QualityReview, QualityRound, QualitySample, sampled_version

# The label issue_version gives the final plan (portal.plans.service.issue_label).
FINAL_LABEL = "Final plan"
DEFAULT_SIZE = 5
MAX_SIZE = 20
MAX_SEED = 999_999_999

T = TypeVar("T")


class DrawRefused(Exception):
    """A round that cannot be drawn; str() says why, in words for the administrator."""


@dataclass(frozen=True)
class Candidate:
    """A plan whose final version was issued in the month, and that version's number."""

    plan_id: int
    child_id: int
    version_number: int


def month_name(month: date) -> str:
    """March 2026 (English month names, as every template's strftime gives them)."""
    return month.strftime("%B %Y")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before `day`'s: the last whole month, the usual audit."""
    first = first_of_month(day)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def draw(candidates: Sequence[T], size: int, seed: int) -> list[T]:
    """`size` of the candidates (all of them when there are fewer), in the order drawn."""
    generator = random.Random(seed)  # noqa: S311 (reproducible on purpose: not a secret)
    return generator.sample(list(candidates), min(size, len(candidates)))


def pair_auditors(auditor_ids: Sequence[int], count: int) -> list[tuple[int, int]]:
    """Two different auditors for each of `count` samples, round-robin over the ids in
    order: with A, B, C the pairs are (A, B), (C, A), (B, C), (A, B)..."""
    ids = sorted(set(auditor_ids))
    if len(ids) < 2:
        raise DrawRefused("Choose at least two auditors: each plan is graded by two people.")
    return [(ids[(2 * i) % len(ids)], ids[(2 * i + 1) % len(ids)]) for i in range(count)]


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def council_auditors(council_id: int) -> list[User]:
    """The council's active quality auditors, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.council_id == council_id, User.staff_role == "auditor", User.active)
            .order_by(User.name, User.id)
        )
    )


def final_plans_issued(council_id: int, month: date) -> list[Candidate]:
    """The council's plans whose final plan was issued in `month`, ordered by plan id.
    A plan whose final date was typed in by hand, with no final version issued here,
    has nothing to audit and is left out."""
    rows = db.session.execute(
        select(Plan.id, Plan.child_id, func.min(PlanVersion.number))
        .join(Child, Child.id == Plan.child_id)
        .join(PlanVersion, PlanVersion.plan_id == Plan.id)
        .where(
            Child.council_id == council_id,
            Plan.final_issued_on >= month,
            Plan.final_issued_on < next_month(month),
            PlanVersion.label == FINAL_LABEL,
        )
        .group_by(Plan.id, Plan.child_id)
        .order_by(Plan.id)
    )
    return [Candidate(*row) for row in rows]


def round_for_month(council_id: int, month: date) -> QualityRound | None:
    return db.session.scalars(
        select(QualityRound).where(
            QualityRound.council_id == council_id, QualityRound.month == month
        )
    ).first()


def draw_round(
    council_id: int,
    *,
    month: date,
    size: int,
    seed: int | None,
    auditor_ids: Sequence[int],
    by: User,
) -> QualityRound:
    """Draw and save a round: the sample, and two reviews (one per auditor) for each
    sampled plan. DrawRefused says what to change."""
    month = first_of_month(month)
    if not 1 <= size <= MAX_SIZE:
        raise DrawRefused(f"The sample size must be a whole number from 1 to {MAX_SIZE}.")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise DrawRefused(f"The seed must be a whole number from 0 to {MAX_SEED:,}, or blank.")
    allowed = {auditor.id for auditor in council_auditors(council_id)}
    chosen = sorted(set(auditor_ids) & allowed)
    if len(chosen) < 2:
        raise DrawRefused("Choose at least two auditors: each plan is graded by two people.")
    if round_for_month(council_id, month) is not None:
        raise DrawRefused(f"There is already an audit round for {month_name(month)}.")
    candidates = final_plans_issued(council_id, month)
    if not candidates:
        raise DrawRefused(
            f"No final plans were issued in {month_name(month)}, so there is nothing to draw."
        )
    seed = new_seed() if seed is None else seed
    audit_round = QualityRound(
        council_id=council_id, month=month, sample_size=size, seed=seed, created_by_id=by.id
    )
    db.session.add(audit_round)
    drawn = draw(candidates, size, seed)
    for position, (candidate, pair) in enumerate(
        zip(drawn, pair_auditors(chosen, len(drawn)), strict=True)
    ):
        sample = QualitySample(
            round=audit_round,
            position=position,
            plan_id=candidate.plan_id,
            child_id=candidate.child_id,
            version_number=candidate.version_number,
        )
        db.session.add(sample)
        db.session.add_all(QualityReview(sample=sample, auditor_id=auditor) for auditor in pair)
    try:
        db.session.commit()
    except IntegrityError:  # another administrator drew this month a moment ago
        db.session.rollback()
        raise DrawRefused(f"There is already an audit round for {month_name(month)}.") from None
    return audit_round


# Reading rounds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSummary:
    audit_round: QualityRound
    samples: int
    reviews: int
    submitted: int

    @property
    def month_name(self) -> str:
        return month_name(self.audit_round.month)


def council_rounds(council_id: int) -> list[RoundSummary]:
    """The council's rounds, newest month first, with how far the grading has got."""
    rows = db.session.execute(
        select(
            QualityRound,
            func.count(func.distinct(QualitySample.id)),
            func.count(QualityReview.id),
            func.count(QualityReview.submitted_at),
        )
        .outerjoin(QualitySample, QualitySample.round_id == QualityRound.id)
        .outerjoin(QualityReview, QualityReview.sample_id == QualitySample.id)
        .where(QualityRound.council_id == council_id)
        .group_by(QualityRound.id)
        .order_by(QualityRound.month.desc())
    )
    return [RoundSummary(*row) for row in rows]


def council_round(council_id: int, round_id: int) -> QualityRound | None:
    """A round of this council (None for another council's: the view answers 404)."""
    found = db.session.get(QualityRound, round_id)
    return found if found is not None and found.council_id == council_id else None


@dataclass(frozen=True)
class SampleRow:
    sample: QualitySample
    child: Child
    version_label: str
    issued_on: date | None
    reviews: list[QualityReview]


def round_samples(audit_round: QualityRound) -> list[SampleRow]:
    """Each sampled plan in draw order, with its child, version and two reviews: two
    queries whatever the sample size."""
    samples = db.session.execute(
        select(QualitySample, Child, PlanVersion.label, Plan.final_issued_on)
        .join(Child, Child.id == QualitySample.child_id)
        .join(Plan, Plan.id == QualitySample.plan_id)
        .join(PlanVersion, sampled_version())
        .where(QualitySample.round_id == audit_round.id)
        .order_by(QualitySample.position)
    ).all()
    reviews: dict[int, list[QualityReview]] = {}
    for review, _auditor in db.session.execute(
        select(QualityReview, User)
        .outerjoin(User, User.id == QualityReview.auditor_id)
        .join(QualitySample, QualitySample.id == QualityReview.sample_id)
        .where(QualitySample.round_id == audit_round.id)
        .order_by(QualityReview.id)
    ):
        reviews.setdefault(review.sample_id, []).append(review)
    return [
        SampleRow(
            sample,
            child,
            label or f"Version {sample.version_number}",
            issued_on,
            reviews.get(sample.id, []),
        )
        for sample, child, label, issued_on in samples
    ]
