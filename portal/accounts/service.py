"""Account actions as plain functions: create, authenticate, change password."""

from __future__ import annotations

from sqlalchemy import or_, select

from portal.accounts.models import User, lower_or_none
from portal.accounts.passwords import (
    MAX_LENGTH,
    check_new_password,
    hash_password,
    password_matches,
)
from portal.accounts.sessions import end_all_login_sessions, start_login_session
from portal.dbtypes import utcnow
from portal.extensions import db


class WrongPassword(ValueError):
    """The current password given to confirm a change was not right."""


def find_user_by_login(login: str) -> User | None:
    """The user whose email or username is `login`, ignoring case and spaces."""
    key = lower_or_none(login)
    if key is None:
        return None
    return db.session.scalars(
        select(User).where(or_(User.email == key, User.username == key))
    ).first()


def create_user(
    *,
    name: str,
    password: str,
    email: str | None = None,
    username: str | None = None,
    **attributes,
) -> User:
    """Add a user after checking the password rules; the caller commits."""
    email, username = lower_or_none(email), lower_or_none(username)
    if not (email or username):
        raise ValueError("a user needs an email address or a username")
    check_new_password(password, avoid=(email, username))
    user = User(
        name=name,
        email=email,
        username=username,
        password_hash=hash_password(password),
        **attributes,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(login: str, password: str) -> User | None:
    """The active user with this login and password, or None; same cost either way."""
    return check_password_of(find_user_by_login(login), password)


def check_password_of(user: User | None, password: str) -> User | None:
    """`user` if it is active and the password is theirs, else None; same cost either way."""
    if len(password) > MAX_LENGTH * 8:  # refuse to spend a hash on a megabyte
        password = password[: MAX_LENGTH * 8]
    ok = password_matches(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password and end every session of the user, this one included.

    The caller starts a fresh session for the browser that made the change.
    """
    if not password_matches(user.password_hash, current_password):
        raise WrongPassword("Your current password is not right.")
    check_new_password(new_password, avoid=(user.email, user.username))
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_login_sessions(user)
    start_login_session(user)
