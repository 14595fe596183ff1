"""Children and memberships: who may come into each child's wiki, and as what."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Council, User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

# Roles a person can hold in one child's wiki. Staff roles in the council are
# on the user; a caseworker is let into a child's wiki by an assignment here.
MEMBER_ROLES = {
    "parent": "Parent or carer",
    "young_person": "Young person",
    "family_editor": "Family member (can edit)",
    "family_viewer": "Family member (can view)",
    "professional": "Professional",
    "caseworker": "Caseworker",
}
FAMILY_ROLES = frozenset({"parent", "young_person", "family_editor", "family_viewer"})


class Child(db.Model):
    """A child or young person, whose wiki this is."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    council: Mapped[Council] = relationship()

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.name.split()[0]

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split()[:2]).upper()

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day`, or None when the birthday is not known."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Membership(db.Model):
    """A person's place in one child's wiki: their role and who let them in."""

    __table_args__ = (UniqueConstraint("child_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @property
    def role_name(self) -> str:
        return MEMBER_ROLES[self.role]
