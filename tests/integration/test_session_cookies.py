"""The cookies a production app really sends: Secure, HttpOnly, SameSite=Lax."""

from __future__ import annotations

from portal import create_app
from tests.conftest import database_url_for_tests


def test_production_sets_the_session_cookie_secure_httponly_and_samesite(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    for name in ("SESSION_COOKIE_SECURE", "DEMO_MODE", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url_for_tests(tmp_path),
            "LOCAL_STORAGE_PATH": str(tmp_path / "media"),
        },
        env="production",
    )
    client = app.test_client()
    # The login form puts a CSRF token in the session, so the cookie is set.
    response = client.get("/login", base_url="https://goldenthread.example.org")
    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    (session_cookie,) = [c for c in cookies if c.startswith("gt_session=")]
    attributes = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")}
    assert {"secure", "httponly"} <= attributes
    assert "SameSite=Lax" in session_cookie
    # and the half-done login of a staff member is in the same cookie, never elsewhere
    assert all(c.startswith("gt_session=") for c in cookies)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
