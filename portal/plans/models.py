"""A child's EHC plan: immutable versions, the family's comments and proposed amendments.

Every change the caseworker makes adds a version (a snapshot of `PlanContent` as JSON),
like a page revision; issuing a draft or the final plan adds a version with a label
("Draft 1", "Final plan"), which is what the family sees. Nothing is ever rewritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

AMENDMENT_STATUSES = ("open", "accepted", "declined", "agreed")


class Plan(db.Model):
    """One plan per child, with the dates of its statutory timeline."""

    __tablename__ = "ehc_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), unique=True)
    requested_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    draft_issued_on: Mapped[date | None] = mapped_column(Date)
    final_issued_on: Mapped[date | None] = mapped_column(Date)
    current_number: Mapped[int] = mapped_column(Integer, default=0)
    # The newest issued version: the one the family reads and comments on.
    issued_number: Mapped[int | None] = mapped_column(Integer)
    drafts_issued: Mapped[int] = mapped_column(Integer, default=0)
    amendments_issued: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanVersion(db.Model):
    """One immutable snapshot of what the plan says."""

    __tablename__ = "ehc_plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # portal.plans.content.to_json
    summary: Mapped[str] = mapped_column(String(300), default="")
    # "Draft 1", "Final plan", "Amended plan 1" when issued to the family; else None.
    label: Mapped[str | None] = mapped_column(String(40))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


@event.listens_for(PlanVersion, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise RuntimeError("plan versions are never changed; add a new one")


class PlanComment(db.Model):
    """A family member's (or the caseworker's reply) comment on a section of an issued version."""

    __tablename__ = "ehc_plan_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(1))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class PlanAmendment(db.Model):
    """The family's suggested wording for one item (or one of sections I-K), and what
    the caseworker decided. Kept whatever happens, for the working document."""

    __tablename__ = "ehc_plan_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    # An item id ("o3") or "section:I" for the free-text sections.
    target: Mapped[str] = mapped_column(String(50))
    section: Mapped[str] = mapped_column(String(1))
    current_text: Mapped[str] = mapped_column(Text)  # the wording when it was proposed
    proposed_text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # The plan version that took the wording in, when accepted.
    accepted_in: Mapped[int | None] = mapped_column(Integer)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
