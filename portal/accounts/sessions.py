"""Server-side login sessions: the cookie carries a token, the database says if it is live."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import bindparam, select, update

from portal.accounts.models import LoginSession, User
from portal.dbtypes import utcnow
from portal.extensions import db

# Built once: this runs on every request, and building a select costs as much as running it.
_LIVE_SESSION_USER = (
    select(User)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        LoginSession.token_hash == bindparam("token_hash"),
        LoginSession.ended_at.is_(None),
        LoginSession.expires_at > bindparam("now"),
    )
)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User) -> str:
    """Record a new logged-in browser for the user and return its raw token."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=_hash_token(token),
            expires_at=utcnow() + current_app.config["LOGIN_SESSION_LIFETIME"],
        )
    )
    user.session_token = token
    return token


def load_session_user(flask_login_id: str) -> User | None:
    """The user behind a Flask-Login id of the form "<user id>:<token>", if still live."""
    user_id, _, token = flask_login_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.execute(
        _LIVE_SESSION_USER,
        {"user_id": int(user_id), "token_hash": _hash_token(token), "now": utcnow()},
    ).scalar_one_or_none()
    if row is not None:
        row.session_token = token
    return row


def end_login_session(user: User) -> None:
    """End the session this request came with (logging out)."""
    if user.session_token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash_token(user.session_token))
            .values(ended_at=utcnow())
        )


def end_all_login_sessions(user: User) -> int:
    """End every live session of the user, on every device; return how many."""
    result = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return result.rowcount or 0
