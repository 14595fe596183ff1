"""Configuration classes, read from environment variables when the app is made.

`APP_ENV` picks the class: production (the default), development or testing.
Nothing secret has a default; production refuses to start without SECRET_KEY.
"""

from __future__ import annotations

import os
from datetime import timedelta


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever scheme the platform gives."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Production settings; the subclasses relax them for a laptop or the tests.

    Values are read in __init__, not at import, so each create_app() sees the
    environment as it is then.
    """

    ENV_NAME = "production"
    TESTING = False

    def __init__(self) -> None:
        env = os.environ.get
        self.SECRET_KEY = env("SECRET_KEY")
        self.DEMO_MODE = env_flag("DEMO_MODE", self.default_demo_mode())

        database_url = env("DATABASE_URL")
        # None means "SQLite in the instance folder", filled in by create_app.
        self.SQLALCHEMY_DATABASE_URI = (
            normalise_database_url(database_url) if database_url else None
        )
        # No pool_pre_ping: it cost a round trip on every request. Connections that sat
        # idle are pinged instead (extensions._ping_after_idle, which says what that
        # trades away), and none is kept longer than half an hour, so a proxy's or the
        # server's limit on connection age never meets a request.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}

        self.STORAGE = env("STORAGE", "local")
        self.S3_BUCKET = env("S3_BUCKET")
        self.S3_ENDPOINT_URL = env("S3_ENDPOINT_URL")
        self.LOCAL_STORAGE_PATH = env("LOCAL_STORAGE_PATH")
        self.REDIS_URL = env("REDIS_URL")
        # The biggest upload request (a 1 GB video plus the form); per-kind limits
        # (MEDIA_MAX_BYTES, by kind) are checked on each file.
        self.MEDIA_MAX_UPLOAD_BYTES = int(env("MEDIA_MAX_UPLOAD_MB", "1025")) * 1024 * 1024
        self.MEDIA_MAX_BYTES = {
            "video": int(env("MEDIA_MAX_VIDEO_MB", "1024")) * 1024 * 1024,
        }

        # The session cookie only points at a server-side login row (accounts.sessions).
        secure = env_flag("SESSION_COOKIE_SECURE", self.default_secure_cookies())
        self.SESSION_COOKIE_NAME = "gt_session"
        self.SESSION_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.LOGIN_SESSION_LIFETIME = timedelta(days=int(env("LOGIN_SESSION_DAYS", "14")))

        # CSRF tokens live as long as the login, so a slow typist never loses a form.
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 16 * 1024 * 1024

        self.PASSWORD_HASH_METHOD = "scrypt"

        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = False
        self.LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute; 100 per day")
        # Wrong passwords for one account, from any address; then even the right one waits.
        self.LOGIN_ACCOUNT_LIMIT = env("LOGIN_ACCOUNT_LIMIT", "20 per minute")

        # Password reset by email (accounts.reset): per address, and mails per account.
        self.PASSWORD_RESET_MINUTES = int(env("PASSWORD_RESET_MINUTES", "60"))
        self.RESET_RATE_LIMIT = env("RESET_RATE_LIMIT", "5 per minute; 50 per day")
        self.RESET_TOKEN_RATE_LIMIT = env("RESET_TOKEN_RATE_LIMIT", "10 per minute")
        self.RESET_MAIL_ACCOUNT_LIMIT = env("RESET_MAIL_ACCOUNT_LIMIT", "3 per hour")
        # Every answer to "send me a link" takes at least this long, so the time taken
        # (a database write and a mail, or not) does not tell whether an account exists.
        self.RESET_ANSWER_SECONDS = float(env("RESET_ANSWER_SECONDS", "0.25"))
        # Links in emails start with this (e.g. https://goldenthread.example.org); never
        # with the Host header a stranger sent. Demo and debug mode may use the request's.
        self.PUBLIC_URL = env("PUBLIC_URL")

        # Mail (portal/mail.py). Without MAIL_SERVER, demo or debug mode keeps each mail
        # in the demo outbox at /outbox; production logs that it could not send.
        self.MAIL_SERVER = env("MAIL_SERVER")
        self.MAIL_PORT = int(env("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env("MAIL_USERNAME")
        self.MAIL_PASSWORD = env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = env_flag("MAIL_USE_TLS", True)  # STARTTLS
        self.MAIL_USE_SSL = env_flag("MAIL_USE_SSL", False)  # TLS from the start (port 465)
        self.MAIL_FROM = env("MAIL_FROM", "Golden Thread <no-reply@localhost>")
        self.MAIL_TIMEOUT_SECONDS = int(env("MAIL_TIMEOUT_SECONDS", "20"))
        # Hand SMTP to a thread, so a slow mail server never slows (or times) a request.
        self.MAIL_IN_BACKGROUND = True

        # Invitations into a child's wiki last this long; erasure waits this long.
        self.INVITATION_DAYS = int(env("INVITATION_DAYS", "7"))
        self.ERASURE_GRACE_DAYS = int(env("ERASURE_GRACE_DAYS", "14"))
        self.EXPORT_RATE_LIMIT = env("EXPORT_RATE_LIMIT", "10 per hour")

        # Staff two-step login (accounts.two_factor): on unless this is a demo.
        self.REQUIRE_STAFF_2FA = env_flag("REQUIRE_STAFF_2FA", not self.DEMO_MODE)
        self.TWO_FACTOR_PENDING_SECONDS = 300  # between the password and the code
        self.TWO_FACTOR_RATE_LIMIT = env("TWO_FACTOR_RATE_LIMIT", "10 per minute")
        self.TWO_FACTOR_ACCOUNT_LIMIT = env("TWO_FACTOR_ACCOUNT_LIMIT", "5 per minute; 30 per hour")
        # Staff sessions end after this long without a request; family sessions do not.
        self.STAFF_IDLE_MINUTES = int(env("STAFF_IDLE_MINUTES", "30"))

    def default_demo_mode(self) -> bool:
        return False

    def default_secure_cookies(self) -> bool:
        return True


class DevelopmentConfig(Config):
    """`make run`: plain HTTP on a laptop, demo data allowed."""

    ENV_NAME = "development"

    def default_demo_mode(self) -> bool:
        return True

    def default_secure_cookies(self) -> bool:
        return False


class TestingConfig(DevelopmentConfig):
    """The test suite: throwaway secret, fast hashes, no rate limits unless a test asks."""

    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
        self.DEMO_MODE = True
        self.SQLALCHEMY_DATABASE_URI = None
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.REQUIRE_STAFF_2FA = False  # a test that wants it turns it on
        self.MAIL_SERVER = None  # mail goes to the demo outbox
        self.MAIL_IN_BACKGROUND = False
        self.RESET_ANSWER_SECONDS = 0.05  # still on, so the timing test sees it work


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def config_for(name: str | None) -> Config:
    """The config for an APP_ENV value; an unknown name is an error, not a guess."""
    key = (name or "production").strip().lower()
    if key not in CONFIGS:
        raise RuntimeError(f"APP_ENV={name!r} is not one of: {', '.join(CONFIGS)}")
    return CONFIGS[key]()
