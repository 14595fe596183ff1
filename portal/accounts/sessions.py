"""Server-side login sessions: the cookie carries a token, the database says if it is live.

Staff sessions also end after STAFF_IDLE_MINUTES without a request. Their last request
time is written at most once a minute (TOUCH_EVERY), in a short transaction of its
own, so staff page views stay cheap and a view that only reads stays without one.
Family sessions are never written to on a page view.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, g, redirect, request
from flask_login import login_url, logout_user
from sqlalchemy import bindparam, select, update

from portal.accounts.models import LoginSession, User
from portal.dbtypes import utcnow
from portal.extensions import db

TOUCH_EVERY = timedelta(minutes=1)
IDLE_MESSAGE = (
    "You were logged out because you had not used Golden Thread for a while. "
    "This keeps children's information safe. Please log in again."
)

# Built once: this runs on every request, and building a select costs as much as running it.
_LIVE_SESSION_USER = (
    select(User, LoginSession.id, LoginSession.last_seen_at)
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
    now = utcnow()
    row = db.session.execute(
        _LIVE_SESSION_USER,
        {"user_id": int(user_id), "token_hash": _hash_token(token), "now": now},
    ).one_or_none()
    if row is None:
        return None
    user, session_id, last_seen_at = row
    if user.has_staff_powers and not _staff_still_active(session_id, last_seen_at, now):
        return None
    user.session_token = token
    return user


def _write_apart(statement) -> None:
    """Run one small write in its own transaction, apart from the request's: a view
    that only reads keeps running without one, and a view that fails later cannot
    roll this back. The loader runs before a view writes, so nothing waits on a lock."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def _staff_still_active(session_id: int, last_seen_at, now) -> bool:
    """End a staff session left idle too long; note activity at most once a minute."""
    idle = now - last_seen_at
    if idle > timedelta(minutes=int(current_app.config["STAFF_IDLE_MINUTES"])):
        _write_apart(
            update(LoginSession)
            .where(LoginSession.id == session_id, LoginSession.ended_at.is_(None))
            .values(ended_at=now)
        )
        g.login_ended_idle = True
        return False
    if idle >= TOUCH_EVERY:
        _write_apart(
            update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=now)
        )
    return True


def handle_unauthorized():
    """Flask-Login's "not logged in" answer: after an idle timeout, say so calmly;
    otherwise the usual answer (portal.errors.handle_unauthorized)."""
    from portal.errors import handle_unauthorized as usual_answer

    if g.pop("login_ended_idle", False):
        logout_user()
        flash(IDLE_MESSAGE, "info")
        if request.method != "POST":  # a form post keeps what was typed (usual answer)
            return redirect(login_url("accounts.login", next_url=request.full_path.rstrip("?")))
    return usual_answer()


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


def begin_login(user: User) -> None:
    """Log the user in on this browser: a fresh cookie session (nothing from before
    login carries over) and a LoginSession row."""
    from flask import session
    from flask_login import login_user

    session.clear()
    start_login_session(user)
    login_user(user)
    db.session.commit()
