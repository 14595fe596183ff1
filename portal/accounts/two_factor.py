"""Two-step login for staff: a code from an authenticator app (TOTP), or a recovery code.

A code is accepted once: the time step it belongs to is stored, and only a later step
is accepted after it. Recovery codes are random, shown once, stored as hashes and each
works once. The half-done login (password right, code not yet given) lives in the
signed session cookie for a few minutes; the real login session starts only after the
code (accounts.views).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import delete, func, or_, select, update

from portal.accounts.models import RecoveryCode, StaffTwoFactor, User
from portal.dbtypes import utcnow
from portal.extensions import db

ISSUER = "Golden Thread"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4  # "abcd-efgh-jkmn": about 59 bits
PENDING_KEY = "pending_login"


# ---- codes (no database) -------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def normalise_code(typed: str) -> str:
    """What someone typed, without spaces, dashes and case."""
    return "".join(ch for ch in typed.lower() if ch.isalnum())


def looks_like_app_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, at: datetime | float, window: int = 1) -> int | None:
    """The time step whose code is `code`, allowing `window` steps of clock drift."""
    code = normalise_code(code)
    if not looks_like_app_code(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for step in range(now_step - window, now_step + window + 1):
        # Check every step, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def make_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        groups = (
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
            for _ in range(RECOVERY_GROUPS)
        )
        codes.add("-".join(groups))
    return sorted(codes)


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def spaced_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(user: User, secret: str) -> str:
    """An SVG QR code of the app set-up address, as a data: URI for an <img>."""
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.email or user.username or str(user.id), issuer_name=ISSUER
    )
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


# ---- who must give a code ---------------------------------------------------


def second_step_required(user: User) -> bool:
    return bool(current_app.config.get("REQUIRE_STAFF_2FA")) and user.has_staff_powers


def app_of(user: User) -> StaffTwoFactor | None:
    return db.session.get(StaffTwoFactor, user.id)


def is_enrolled(user: User) -> bool:
    found = app_of(user)
    return found is not None and found.confirmed_at is not None


# ---- the half-done login ---------------------------------------------------


def _changed_mark(user: User) -> str:
    return user.password_changed_at.isoformat()


def begin_pending_login(user: User, next_url: str) -> None:
    """Password right: remember who, for a few minutes, in a fresh signed session."""
    session.clear()
    session[PENDING_KEY] = {
        "user_id": user.id,
        "until": int(time.time()) + int(current_app.config["TWO_FACTOR_PENDING_SECONDS"]),
        "changed": _changed_mark(user),
        "next": next_url,
    }


def pending_login() -> tuple[User, str] | None:
    """The user half-way through logging in, and where they were going; None if stale."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("user_id"), int):
        return None
    if not isinstance(data.get("until"), int) or data["until"] < time.time():
        return None
    user = db.session.get(User, data["user_id"])
    # A password changed meanwhile (say, by a reset) cancels the half-done login.
    if user is None or not user.active or data.get("changed") != _changed_mark(user):
        return None
    return user, str(data.get("next") or "/")


def pending_user_key() -> str:
    """Rate-limit key for code tries: the account, whatever address they come from."""
    data = session.get(PENDING_KEY)
    user_id = data.get("user_id") if isinstance(data, dict) else None
    return f"two-factor-{user_id}"


# ---- setting up and checking -------------------------------------------------


def unconfirmed_app(user: User) -> StaffTwoFactor:
    """The secret being set up, made once so a reload shows the same QR code."""
    found = app_of(user)
    if found is None:
        found = StaffTwoFactor(user_id=user.id, secret=new_secret())
        db.session.add(found)
        db.session.flush()
    return found


def _use_step(user: User, step: int) -> bool:
    """Record `step` as used; False if it (or a later one) already was."""
    result = db.session.execute(
        update(StaffTwoFactor)
        .where(
            StaffTwoFactor.user_id == user.id,
            or_(StaffTwoFactor.last_step.is_(None), StaffTwoFactor.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def confirm_app(user: User, code: str) -> list[str] | None:
    """Finish setting up with a first code; return new recovery codes, or None."""
    found = app_of(user)
    if found is None or found.confirmed_at is not None:
        return None
    step = matching_step(found.secret, code, utcnow())
    if step is None or not _use_step(user, step):
        return None
    found.confirmed_at = utcnow()
    return replace_recovery_codes(user)


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Shown once, kept as hashes."""
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    codes = make_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)) for code in codes
    )
    return codes


def check_code(user: User, typed: str) -> str | None:
    """ "app" or "recovery" if `typed` is a good code for an enrolled user, else None."""
    found = app_of(user)
    if found is None or found.confirmed_at is None:
        return None
    code = normalise_code(typed)
    if looks_like_app_code(code):
        step = matching_step(found.secret, code, utcnow())
        return "app" if step is not None and _use_step(user, step) else None
    if len(code) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH:
        return None
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return "recovery" if result.rowcount == 1 else None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def reset_two_factor(user: User) -> None:
    """For a staff member who lost their phone: their app and recovery codes are
    forgotten and every session ends, so the next login sets up a new app."""
    from portal.accounts.sessions import end_all_login_sessions

    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(StaffTwoFactor).where(StaffTwoFactor.user_id == user.id))
    end_all_login_sessions(user)
    db.session.commit()
