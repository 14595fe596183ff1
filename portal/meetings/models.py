"""A live meeting where the caseworker and the family write the plan together.

The meeting starts from one plan version. Each section A-K is a text of paragraphs with
its own revisions (who, when, from which revision), kept for ever like page revisions.
At the end the caseworker saves the result as a new plan version and the meeting closes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.contact.models import FEELINGS as CONTACT_FEELINGS
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

# Who in the family may be invited (portal.access FAMILY_EDITORS).
INVITABLE_ROLES = ("parent", "family_editor", "young_person")
FEELINGS = CONTACT_FEELINGS  # one answer scale for issued plans and for meetings


class PlanMeeting(db.Model):
    __tablename__ = "plan_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    # The plan version the meeting started from (its base for stale-edit protection).
    started_from: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(1), default="A")  # what everyone sees now
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | ended
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The plan version the meeting was saved as (None if nothing changed).
    saved_number: Mapped[int | None] = mapped_column(Integer)
    # Section A family blocks whose quoted words the meeting changed, space separated.
    reworded: Mapped[str] = mapped_column(Text, default="")

    opened_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class MeetingParticipant(db.Model):
    """Someone in the meeting: the caseworker who opened it, or an invited family member."""

    __tablename__ = "plan_meeting_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("plan_meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class MeetingRevision(db.Model):
    """One saved state of one section of the meeting's text. Never changed."""

    __tablename__ = "plan_meeting_revision"
    __table_args__ = (UniqueConstraint("meeting_id", "section", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("plan_meeting.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(1))
    number: Mapped[int] = mapped_column(Integer)
    base_number: Mapped[int] = mapped_column(Integer)  # the revision the writer started from
    text: Mapped[str] = mapped_column(Text)
    merged: Mapped[bool] = mapped_column(default=False)
    conflict: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


@event.listens_for(MeetingRevision, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise RuntimeError("meeting revisions are never changed; add a new one")


class MeetingNote(db.Model):
    """A note in the side panel, or an agreed action (who, what, by when)."""

    __tablename__ = "plan_meeting_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("plan_meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # note | action
    text: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200), default="")
    by_when: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class MeetingFeeling(db.Model):
    """A family participant's answer to "Did you feel included in the meeting?"."""

    __tablename__ = "plan_meeting_feeling"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("plan_meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
