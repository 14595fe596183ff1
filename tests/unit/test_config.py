import pytest

from portal import create_app
from portal.config import config_for, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(env="production")


def test_production_cookies_are_secure_httponly_and_samesite(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app(env="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["DEMO_MODE"] is False


def test_environment_is_read_when_the_app_is_made(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "first")
    assert config_for("production").SECRET_KEY == "first"
    monkeypatch.setenv("SECRET_KEY", "second")
    assert config_for("production").SECRET_KEY == "second"


def test_an_unknown_app_env_is_an_error():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        config_for("staging")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
    ],
)
def test_database_urls_point_at_psycopg3(given, expected):
    assert normalise_database_url(given) == expected
