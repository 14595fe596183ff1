"""Column types shared by every feature's models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware datetime.

    SQLite drops the timezone; without this, comparing a stored time with
    utcnow() raises on SQLite and works on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EncryptedText(TypeDecorator[str]):
    """Text stored encrypted (Fernet: AES with an HMAC), under a key derived from the
    app's SECRET_KEY: a copy of the database alone does not reveal it. Changing
    SECRET_KEY makes old values unreadable (staff then set up their app again)."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return _fernet().encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return _fernet().decrypt(value.encode()).decode()


def _fernet():
    import base64

    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from flask import current_app

    secret_key = current_app.config["SECRET_KEY"]
    cache = current_app.extensions.setdefault("golden_thread_fernet", {})
    if secret_key not in cache:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"golden-thread stored secrets"
        ).derive(secret_key.encode())
        cache.clear()
        cache[secret_key] = Fernet(base64.urlsafe_b64encode(key))
    return cache[secret_key]
