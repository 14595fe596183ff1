"""Password rules and hashing.

The common-password list is the 30,000 most common passwords that ship with
the zxcvbn package, so the list is maintained by others, not by hand here.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128

# A real hash of a random string: checked when no account matches, so a login
# for an unknown account costs the same time as one for a real account.
_UNKNOWN_USER_PASSWORD = "golden-thread-no-such-account"  # noqa: S105


class WeakPassword(ValueError):
    """A new password that breaks a rule; the message says which, in plain English."""


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, *, avoid: tuple[str | None, ...] = ()) -> None:
    """Raise WeakPassword unless the password is long enough and not easily guessed."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords():
        raise WeakPassword(
            "That password is too common and easy to guess. Try a few words together."
        )
    for word in avoid:
        if word and lowered == word.lower():
            raise WeakPassword("Do not use your email address or username as your password.")


def hash_password(password: str) -> str:
    """Hash with the method the app is configured for (scrypt in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _unknown_user_hash(method: str) -> str:
    return generate_password_hash(_UNKNOWN_USER_PASSWORD, method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""
    if password_hash is None:
        check_password_hash(
            _unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return False
    return check_password_hash(password_hash, password)
