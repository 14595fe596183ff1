"""Audit rounds, their sampled plans, each auditor's review and its grades.

A round keeps the seed its sample was drawn with, so anyone can draw it again from the
same plans and get the same sample. A sample names the child (so erasing a child takes
their samples, reviews and grades with it) and the issued plan version that was audited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.plans.models import Plan, PlanVersion

# What auditors grade, in the order they read a plan.
DOMAINS: dict[str, str] = {
    "section_a": "Section A: the voice of the child",
    "needs": "Needs",
    "outcomes": "Outcomes",
    "provision": "Provision",
    "golden_thread": "The golden thread",
    "pfa": "Preparing for Adulthood",
}

# The Ofsted scale, best first, with the score the report averages (4 = Outstanding).
GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
SCORES = {"outstanding": 4, "good": 3, "requires_improvement": 2, "inadequate": 1}
# Preparing for Adulthood applies from age 14: a younger child's plan is not graded on it.
NOT_APPLICABLE = "not_applicable"
NOT_APPLICABLE_LABEL = "Not applicable (under 14)"


class QualityRound(db.Model):
    """One month's audit in one council."""

    __tablename__ = "quality_round"
    # One round a month: drawing again until the sample looks better is not allowed.
    __table_args__ = (UniqueConstraint("council_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month audited
    sample_size: Mapped[int] = mapped_column(Integer)  # asked for; fewer when fewer issued
    seed: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()


class QualitySample(db.Model):
    """One plan drawn into a round, and the issued version the auditors grade."""

    __tablename__ = "quality_sample"
    __table_args__ = (UniqueConstraint("round_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("quality_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # order of the draw, from 0
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)

    round: Mapped[QualityRound] = relationship()
    plan: Mapped[Plan] = relationship()
    child: Mapped[Child] = relationship()


def sampled_version() -> ColumnElement[bool]:
    """Joins a sample to the plan version it audits."""
    return (PlanVersion.plan_id == QualitySample.plan_id) & (
        PlanVersion.number == QualitySample.version_number
    )


class QualityReview(db.Model):
    """One auditor's grading of one sampled plan: a draft until submitted, then fixed."""

    __tablename__ = "quality_review"
    __table_args__ = (UniqueConstraint("sample_id", "auditor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("quality_sample.id", ondelete="CASCADE"), index=True
    )
    # Kept (without a name) if the account goes, so the month's figures stay whole.
    auditor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sample: Mapped[QualitySample] = relationship()
    auditor: Mapped[User | None] = relationship()

    @property
    def status(self) -> str:
        if self.submitted_at is not None:
            return "submitted"
        return "draft" if self.saved_at is not None else "not_started"


REVIEW_STATUSES = {"not_started": "Not started", "draft": "Draft saved", "submitted": "Submitted"}


class QualityGrade(db.Model):
    """One domain of one review: the grade (none yet in a draft) and the comment."""

    __tablename__ = "quality_grade"
    __table_args__ = (UniqueConstraint("review_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("quality_review.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
