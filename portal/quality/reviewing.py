"""An auditor's reviews: which are theirs, what the automatic checks found in the plan,
and saving grades (drafts as often as they like, then one submission that fixes them).

An auditor has no membership of any child: the review assigned to them is their only
way to a plan, and only to the one version that was sampled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from portal.accounts.models import User
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.plans.content import PlanContent, from_json
from portal.plans.models import Plan, PlanVersion
from portal.plans.quality import PFA_AGE, Finding, check_plan
from portal.quality.models import (
    DOMAINS,
    GRADES,
    NOT_APPLICABLE,
    QualityGrade,
    QualityReview,
    QualityRound,
    QualitySample,
    sampled_version,
)

# Which audit domain each automatic check speaks to (every code in CHECKS).
DOMAIN_OF_CHECK: dict[str, str] = {
    "section_a_no_family_words": "section_a",
    "need_no_outcome": "needs",
    "outcome_no_timeframe": "outcomes",
    "outcome_no_measure": "outcomes",
    "provision_no_frequency": "provision",
    "provision_no_quantity": "provision",
    "provision_vague": "provision",
    "dangling_link": "golden_thread",
    "outcome_no_need": "golden_thread",
    "outcome_no_provision": "golden_thread",
    "provision_no_outcome": "golden_thread",
    "plan_no_pfa_theme": "pfa",
    "outcome_no_pfa_theme": "pfa",
}
# A grade below Good says what should improve.
NEEDS_A_COMMENT = frozenset({"requires_improvement", "inadequate"})


class ReviewRefused(Exception):
    """Grades that cannot be saved or submitted; str() says why."""


@dataclass(frozen=True)
class AssignedReview:
    review: QualityReview
    child: Child
    month: date
    version_label: str
    issued_on: date | None  # the final plan's date, as the council records it


def _assigned():
    return (
        select(QualityReview, Child, QualityRound.month, PlanVersion.label, Plan.final_issued_on)
        .join(QualitySample, QualitySample.id == QualityReview.sample_id)
        .join(QualityRound, QualityRound.id == QualitySample.round_id)
        .join(Child, Child.id == QualitySample.child_id)
        .join(Plan, Plan.id == QualitySample.plan_id)
        .join(PlanVersion, sampled_version())
    )


def assigned_reviews(auditor: User) -> list[AssignedReview]:
    """The reviews given to this auditor in their council, newest month first."""
    rows = db.session.execute(
        _assigned()
        .where(
            QualityReview.auditor_id == auditor.id,
            QualityRound.council_id == auditor.council_id,
        )
        .order_by(QualityRound.month.desc(), QualitySample.position)
    )
    return [AssignedReview(*row) for row in rows]


def assigned_review(auditor: User, review_id: int) -> AssignedReview | None:
    """One review, only if it was given to this auditor in their own council."""
    row = db.session.execute(
        _assigned().where(
            QualityReview.id == review_id,
            QualityReview.auditor_id == auditor.id,
            QualityRound.council_id == auditor.council_id,
        )
    ).first()
    return AssignedReview(*row) if row else None


def audited_version(review: QualityReview) -> PlanVersion:
    """The plan version the sample names: the only one the auditor is shown."""
    return db.session.scalars(
        select(PlanVersion)
        .join(QualitySample, sampled_version())
        .where(QualitySample.id == review.sample_id)
    ).one()


def issued_on(assigned: AssignedReview, version: PlanVersion) -> date:
    """When the audited plan was issued: the council's date, else the version's."""
    return assigned.issued_on or version.created_at.date()


def pfa_applies(age: int | None) -> bool:
    """Preparing for Adulthood is graded from 14, and when the age is not known."""
    return age is None or age >= PFA_AGE


def findings_by_domain(content: PlanContent, *, age: int | None) -> dict[str, list[Finding]]:
    """The automatic checks' findings on the plan, under the domain each speaks to."""
    found: dict[str, list[Finding]] = {domain: [] for domain in DOMAINS}
    for finding in check_plan(content, age=age):
        found[DOMAIN_OF_CHECK[finding.code]].append(finding)
    return found


def content_of(version: PlanVersion) -> PlanContent:
    return from_json(version.content)


def grades_of(review: QualityReview) -> dict[str, QualityGrade]:
    return {
        grade.domain: grade
        for grade in db.session.scalars(
            select(QualityGrade).where(QualityGrade.review_id == review.id)
        )
    }


def form_values(
    review: QualityReview,
    saved: Mapping[str, QualityGrade],
    found: Mapping[str, list[Finding]],
) -> dict[str, tuple[str | None, str]]:
    """What the grading form starts with, by domain: the saved grades and comments; for
    a review never saved, no grades and what the automatic checks found, one line each,
    for the auditor to keep, change or delete."""
    if review.status == "not_started":
        return {
            domain: (None, "\n".join(f"- {finding.message}" for finding in findings))
            for domain, findings in found.items()
        }
    return {domain: (grade.grade, grade.comment) for domain, grade in saved.items()}


def allowed_grades(domain: str, *, pfa_graded: bool) -> tuple[str, ...]:
    if domain == "pfa" and not pfa_graded:
        return (*GRADES, NOT_APPLICABLE)
    return tuple(GRADES)


def submission_problems(grades: Mapping[str, tuple[str | None, str]]) -> dict[str, str]:
    """What stops these grades being submitted, by domain (empty when none)."""
    problems = {}
    for domain, label in DOMAINS.items():
        grade, comment = grades.get(domain, (None, ""))
        if grade is None:
            problems[domain] = f"Choose a grade for {label}."
        elif grade in NEEDS_A_COMMENT and not comment.strip():
            problems[domain] = f"Say what should improve in {label}."
    return problems


def save_review(
    review: QualityReview,
    grades: Mapping[str, tuple[str | None, str]],
    *,
    submit: bool,
    pfa_graded: bool,
) -> None:
    """Keep the grades and comments (domain -> (grade or None, comment)); with `submit`,
    fix them for good. Refused once the review is submitted, also by another tab."""
    for domain, (grade, _comment) in grades.items():
        if domain not in DOMAINS or (
            grade is not None and grade not in allowed_grades(domain, pfa_graded=pfa_graded)
        ):
            raise ReviewRefused("Choose one of the grades shown.")
    if submit and submission_problems(grades):
        raise ReviewRefused("Some domains need a grade or a comment before you submit.")
    now = utcnow()
    # Claims the row (PostgreSQL locks it, SQLite takes its write lock) and proves it
    # was not submitted meanwhile, before any grade is written.
    claimed = db.session.execute(
        update(QualityReview)
        .where(QualityReview.id == review.id, QualityReview.submitted_at.is_(None))
        .values(saved_at=now, submitted_at=now if submit else None)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise ReviewRefused("This review was submitted, so its grades can no longer change.")
    existing = grades_of(review)
    for domain, (grade, comment) in grades.items():
        row = existing.get(domain)
        if row is None:
            db.session.add(
                QualityGrade(review_id=review.id, domain=domain, grade=grade, comment=comment)
            )
        else:
            row.grade, row.comment = grade, comment
    db.session.commit()
    db.session.refresh(review)
