"""Invitations into one child's wiki, or (from a parent champion) to start a new one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db
from portal.families.models import Child

MEMBER_INVITATION = "member"  # a parent lets someone into one child's wiki
NEW_FAMILY = "new_family"  # a champion invites a family to start their own


class Invitation(db.Model):
    """A single-use link. Only a hash of its token is stored, so the table cannot be
    used to get in; the link is shown or emailed once, when it is made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # A champion's invitation never names a child: it can only create a new one.
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="CASCADE"), index=True
    )
    council_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    invitee_name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The child a new-family invitation created, for the champion's progress list.
    created_child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child | None] = relationship(foreign_keys=[child_id])
    created_child: Mapped[Child | None] = relationship(foreign_keys=[created_child_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "waiting"
