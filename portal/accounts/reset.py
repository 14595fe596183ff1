"""Password reset by email: ask for a link, then set a new password with it.

The link's token is random (secrets), works once and for PASSWORD_RESET_MINUTES, and
only its SHA-256 is stored. Asking for a new link ends the older ones. Asking does
the same work, and gives the same answer, whether or not the account exists, so the
page never tells a stranger who has an account. Using a link ends every login
session of the account and logs nobody in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import quote

from flask import current_app, render_template
from sqlalchemy import select, update

from portal.accounts.models import PasswordResetToken, User
from portal.accounts.passwords import check_new_password, hash_password
from portal.accounts.service import find_user_by_login
from portal.accounts.sessions import end_all_login_sessions
from portal.accounts.throttle import count_try
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.mail import link_base, send_mail

logger = logging.getLogger(__name__)

TOKEN_MAX_LENGTH = 100  # token_urlsafe(32) is 43 characters


class ResetLinkNotValid(ValueError):
    """The link is unknown, used, replaced or out of date."""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(login: str) -> None:
    """Send a reset link if `login` names an active account with an email address.

    The same token is made and hashed and the same statements run either way, and
    it commits either way (the link must work before its mail can arrive). Mails per
    account are limited (RESET_MAIL_ACCOUNT_LIMIT); past that, nothing is sent and
    the answer is the same.
    """
    token = secrets.token_urlsafe(32)
    token_hash = _hash_token(token)
    base = link_base()
    if base is None:
        logger.error("Reset links cannot be sent: set PUBLIC_URL")
    user = find_user_by_login(login)
    eligible = user is not None and user.active and bool(user.email) and base is not None
    now = utcnow()
    # Asking again ends the older links (for no one, when there is no such account).
    db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == (user.id if eligible else 0),
            PasswordResetToken.ended_at.is_(None),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    if not eligible or not count_try("reset-mail", str(user.id), "RESET_MAIL_ACCOUNT_LIMIT"):
        db.session.commit()
        return
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.session.commit()  # the link works before the mail can arrive
    link = f"{base}/reset/{quote(token)}"
    send_mail(
        user.email,
        "Set a new password for Golden Thread",
        render_template("mail/password_reset.txt", user=user, link=link, minutes=minutes),
    )


def live_reset(token: str) -> tuple[PasswordResetToken, User] | None:
    """The unused, in-date link for `token` and its active account, or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    found = db.session.execute(
        select(PasswordResetToken, User)
        .join(User, User.id == PasswordResetToken.user_id)
        .where(
            PasswordResetToken.token_hash == _hash_token(token),
            PasswordResetToken.ended_at.is_(None),
            PasswordResetToken.expires_at > utcnow(),
            User.active.is_(True),
        )
    ).one_or_none()
    return (found[0], found[1]) if found else None


def complete_password_reset(reset: PasswordResetToken, user: User, new_password: str) -> None:
    """Set the new password, use up the link, end every session; the caller commits.

    Raises WeakPassword (the link still works) or ResetLinkNotValid (someone used it
    a moment ago, in another tab).
    """
    check_new_password(new_password, avoid=(user.email, user.username))
    now = utcnow()
    used = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.id == reset.id,
            PasswordResetToken.ended_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise ResetLinkNotValid("This link has already been used.")
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    end_all_login_sessions(user)
