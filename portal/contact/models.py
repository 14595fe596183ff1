"""Key workers, message threads and the family's answers to "Did you feel included?"."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

CATEGORIES = {
    "general": "General advice",
    "plan": "A question about the plan",
    "assessment": "Asking for an assessment",
    "review": "A review",
    "complaint": "A complaint",
    "other": "Something else",
}
# Who sent a message, as the enquiry figures count them.
SENDER_TYPES = {
    "parent": "Parent or carer",
    "young_person": "Young person",
    "other_family": "Other family",
    "staff": "Council staff",
}
FEELINGS = {"yes": "Yes", "partly": "Partly", "no": "No"}


class KeyWorkerProfile(db.Model):
    """What a family sees about a member of staff who is their key worker."""

    __tablename__ = "key_worker_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    # A small copy we made (portal.contact.photos), never the upload: no location or camera.
    photo_key: Mapped[str | None] = mapped_column(String(200))
    photo_mime: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KeyWorkerChoice(db.Model):
    """An administrator's choice of lead worker for a child, instead of the caseworker."""

    __tablename__ = "key_worker_choice"

    child_id: Mapped[int] = mapped_column(
        ForeignKey("child.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    chosen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MessageThread(db.Model):
    """A conversation between a child's family and the council about one thing."""

    __tablename__ = "message_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(Integer, index=True)
    category: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    # What the family pointed at: a wiki page, a media item or a plan section.
    about_type: Mapped[str | None] = mapped_column(String(10))
    about_id: Mapped[int | None] = mapped_column(Integer)
    about_section: Mapped[str | None] = mapped_column(String(2))
    about_label: Mapped[str] = mapped_column(String(200), default="")
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The reply to the first message was due by the end of this day (London).
    first_due_on: Mapped[date] = mapped_column(Date)
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while the latest family message waits for staff; None once answered.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Message(db.Model):
    """One message in a thread. Its text is never logged nor emailed."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("message_thread.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    sender_type: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PlanFeeling(db.Model):
    """One family member's answer to "Did you feel included?" for one issued version."""

    __tablename__ = "plan_feeling"
    __table_args__ = (UniqueConstraint("plan_id", "version_number", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ehc_plan.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
