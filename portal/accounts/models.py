"""Councils (tenants), users and their server-side login sessions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.dbtypes import EncryptedText, UTCDateTime, utcnow
from portal.extensions import db

# Staff roles belong to one council; family roles live on memberships instead.
STAFF_ROLES = ("caseworker", "administrator", "auditor")
STAFF_ROLE_NAMES = {
    "caseworker": "SEND caseworker",
    "administrator": "SEND administrator",
    "auditor": "Quality auditor",
}


class Council(db.Model):
    """A local authority: the tenant that owns staff and children."""

    # Columns the database fills in are read when first used, not at insert (a
    # database still on an earlier release can then take a new council).
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Working days staff have to answer a family's message (portal.contact). Deferred,
    # and set by the database: loaded only where it is used.
    message_target_days: Mapped[int] = mapped_column(Integer, server_default="2", deferred=True)


class User(UserMixin, db.Model):
    """Anyone who logs in: family, young person, professional or council staff."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case; a young person may have a username and no email.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    username: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"), index=True)
    staff_role: Mapped[str | None] = mapped_column(String(20))
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    council: Mapped[Council | None] = relationship()

    # Set by the login loader: the raw token of the session this request came with.
    session_token = None  # not a column: no annotation, so the ORM leaves it alone

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.staff_role is not None

    @property
    def has_staff_powers(self) -> bool:
        """Council staff and site administrators: two-step login and an idle timeout."""
        return self.staff_role is not None or self.is_site_admin

    @property
    def staff_role_name(self) -> str | None:
        return STAFF_ROLE_NAMES.get(self.staff_role or "")

    def get_id(self) -> str:
        """Flask-Login's id names the login session too, so ending it ends the cookie."""
        if not self.session_token:
            raise RuntimeError("user has no login session")
        return f"{self.id}:{self.session_token}"


class LoginSession(db.Model):
    """One logged-in browser. Ending the row makes its cookie worthless."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Only a hash is kept, so a database leak gives no live sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Staff sessions only: written at most once a minute (accounts.sessions), so a
    # session left alone can be ended after STAFF_IDLE_MINUTES.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class PasswordResetToken(db.Model):
    """A "set a new password" link sent by email: single use, short-lived, kept as a hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the link is used, or when a newer link replaces it.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class StaffTwoFactor(db.Model):
    """A staff member's authenticator app (TOTP). Unconfirmed until they type a code from it."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # Encrypted: whoever holds this secret can make this person's login codes.
    secret: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second time step of the last code accepted: a code works once.
    last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(db.Model):
    """A one-time code for when the authenticator app is not to hand; only a hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def lower_or_none(value: str | None) -> str | None:
    """Normalise an email or username for storing and matching."""
    value = (value or "").replace("\x00", "").strip().lower()
    return value or None
