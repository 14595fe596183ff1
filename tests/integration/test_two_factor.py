"""Two-step login for staff (TOTP app or recovery code), through the real forms."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select, text

from portal import create_app
from portal.accounts.models import LoginSession, RecoveryCode, StaffTwoFactor, User
from portal.accounts.two_factor import new_secret
from portal.extensions import db
from tests.conftest import csrf_token_from, log_in, log_out

ON = pytest.mark.app_config(REQUIRE_STAFF_2FA=True)
CASEWORKER = "caseworker@demo.test"
SECRET = re.compile(r"<code>([A-Z2-7 ]{16,})</code>")
RECOVERY = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>")


def send_code(client, path: str, code: str, **kwargs):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(path, data={"code": code, "csrf_token": token}, **kwargs)


def login_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginSession))


def set_up_app(client) -> tuple[str, list[str]]:
    """Log the caseworker in and set up their app; return the secret and recovery codes."""
    assert log_in(client, CASEWORKER).headers["Location"] == "/login/code/set-up"
    page = client.get("/login/code/set-up").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    response = send_code(client, "/login/code/set-up", pyotp.TOTP(secret).now())
    assert response.status_code == 200
    codes = RECOVERY.findall(response.get_data(as_text=True))
    return secret, codes


def next_code(secret: str) -> str:
    """The code the app shows in the next 30-second step (the set-up used this one's);
    the server allows one step of clock drift either way."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@ON
def test_staff_without_an_app_set_one_up_before_anything_else(app, client, demo):
    response = log_in(client, CASEWORKER, next_url="/c/sam/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code/set-up"
    assert login_sessions(app) == 0  # no login yet
    assert client.get("/c/sam/").headers["Location"].startswith("/login")

    page = client.get("/login/code/set-up").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, allowed by img-src data:
    assert "<script" not in page.split("</head>")[1] and "style=" not in page
    secret = SECRET.search(page).group(1).replace(" ", "")
    with app.app_context():
        stored = db.session.get(StaffTwoFactor, _user_id(CASEWORKER))
        assert stored.secret == secret and stored.confirmed_at is None
    # Loading the page again shows the same secret.
    assert secret == SECRET.search(client.get("/login/code/set-up").get_data(as_text=True)).group(
        1
    ).replace(" ", "")

    wrong = send_code(client, "/login/code/set-up", "000000")
    assert wrong.status_code == 401
    assert "That code is not right" in wrong.get_data(as_text=True)
    assert login_sessions(app) == 0

    done = send_code(client, "/login/code/set-up", pyotp.TOTP(secret).now())
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    codes = RECOVERY.findall(page)
    assert len(codes) == len(set(codes)) == 10
    assert "We will not show them again" in page
    assert 'href="/c/sam/"' in page  # on to where they were going
    assert login_sessions(app) == 1
    assert client.get("/c/sam/").status_code == 200
    with app.app_context():
        hashes = set(db.session.scalars(select(RecoveryCode.code_hash)))
        assert len(hashes) == 10 and not hashes & set(codes)  # only hashes are kept


@ON
def test_an_enrolled_caseworker_needs_a_code_and_each_code_works_once(app, client, demo):
    secret, _ = set_up_app(client)
    log_out(client)

    response = log_in(client, CASEWORKER, next_url="/c/sam/")
    assert response.headers["Location"] == "/login/code"
    assert login_sessions(app) == 1  # only the first, now ended
    wrong = send_code(client, "/login/code", "123456")
    assert wrong.status_code == 401
    assert "That code is not right" in wrong.get_data(as_text=True)
    assert client.get("/c/sam/").status_code == 302

    code = next_code(secret)
    right = send_code(client, "/login/code", code)
    assert right.status_code == 302
    assert right.headers["Location"] == "/c/sam/"
    assert client.get("/c/sam/").status_code == 200
    log_out(client)

    # The same code again, even from another browser, is refused.
    other = app.test_client()
    log_in(other, CASEWORKER)
    replay = send_code(other, "/login/code", code)
    assert replay.status_code == 401
    assert other.get("/c/sam/").status_code == 302


@ON
def test_a_recovery_code_works_once_in_any_format(app, client, demo):
    _, codes = set_up_app(client)
    log_out(client)
    log_in(client, CASEWORKER)
    typed = " " + codes[0].upper().replace("-", " ") + " "
    response = send_code(client, "/login/code", typed)
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "You used a recovery code. You have 9 left." in home
    assert client.get("/login/code").headers["Location"] == "/"  # already through
    log_out(client)
    log_in(client, CASEWORKER)
    assert send_code(client, "/login/code", codes[0]).status_code == 401
    assert send_code(client, "/login/code", codes[1]).status_code == 302


@ON
def test_the_half_done_login_expires(app, client, demo):
    set_up_app(client)
    log_out(client)
    log_in(client, CASEWORKER)
    with client.session_transaction() as session:
        pending = session["pending_login"]
        pending["until"] = int(time.time()) - 1
        session["pending_login"] = pending
    response = client.get("/login/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Please log in again" in client.get("/login").get_data(as_text=True)


@ON
def test_a_code_page_without_a_password_first_sends_you_tolog_in(client, demo):
    for path in ("/login/code", "/login/code/set-up"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/login"
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login/code", data={"code": "123456", "csrf_token": token})
    assert response.headers["Location"] == "/login"


@ON
def test_a_password_reset_cancels_a_half_done_login(app, client, demo):
    set_up_app(client)
    log_out(client)
    log_in(client, CASEWORKER)
    with app.app_context():
        user = db.session.get(User, _user_id(CASEWORKER))
        from portal.accounts.passwords import hash_password
        from portal.dbtypes import utcnow

        user.password_hash = hash_password("a brand new password")
        user.password_changed_at = utcnow()
        db.session.commit()
    assert client.get("/login/code").headers["Location"] == "/login"


@ON
def test_families_are_never_asked_for_a_code(client, demo):
    for login in ("parent@demo.test", "sam", "champion@demo.test"):
        other = client.application.test_client()
        assert log_in(other, login).headers["Location"] == "/"


def test_in_demo_mode_staff_log_in_with_just_a_password(client, demo):
    assert log_in(client, CASEWORKER).headers["Location"] == "/"
    assert client.get("/c/sam/").status_code == 200


def test_two_step_login_is_on_in_production_unless_it_is_a_demo(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("REQUIRE_STAFF_2FA", raising=False)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    assert create_app(env="production").config["REQUIRE_STAFF_2FA"] is True
    monkeypatch.setenv("DEMO_MODE", "1")
    assert create_app(env="production").config["REQUIRE_STAFF_2FA"] is False
    assert create_app(env="development").config["REQUIRE_STAFF_2FA"] is False


@pytest.mark.app_config(
    REQUIRE_STAFF_2FA=True,
    RATELIMIT_ENABLED=True,
    TWO_FACTOR_ACCOUNT_LIMIT="3 per minute",
    TWO_FACTOR_RATE_LIMIT="100 per minute",
)
def test_code_tries_are_limited_per_account_from_any_address(app, client, demo):
    secret, _ = set_up_app(client)
    log_out(client)
    log_in(client, CASEWORKER)
    statuses = [
        send_code(
            client, "/login/code", "000000", environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [401, 401, 401]
    response = send_code(client, "/login/code", next_code(secret))
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
    assert client.get("/c/sam/").status_code == 302


def _user_id(email: str) -> int:
    return db.session.scalars(select(User.id).where(User.email == email)).one()


def test_an_administrator_resets_a_lost_authenticator(client, demo, app):
    """The person sets up a new app at their next login; their sessions end now."""
    with app.app_context():
        caseworker = db.session.scalars(
            select(User).where(User.email == "caseworker@demo.test")
        ).one()
        db.session.add(StaffTwoFactor(user_id=caseworker.id, secret=new_secret()))
        db.session.commit()
        caseworker_id = caseworker.id
    log_in(client, "admin@demo.test")
    token = csrf_token_from(client.get("/admin/staff").get_data(as_text=True))
    response = client.post(
        f"/admin/staff/{caseworker_id}/reset-two-step", data={"csrf_token": token}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(StaffTwoFactor, caseworker_id) is None


def test_authenticator_secrets_are_stored_encrypted(client, demo, app):
    with app.app_context():
        caseworker = db.session.scalars(
            select(User).where(User.email == "caseworker@demo.test")
        ).one()
        secret = new_secret()
        db.session.add(StaffTwoFactor(user_id=caseworker.id, secret=secret))
        db.session.commit()
        stored = db.session.execute(
            text("SELECT secret FROM staff_two_factor WHERE user_id = :id"), {"id": caseworker.id}
        ).scalar_one()
        assert secret not in stored and len(stored) > 100
        db.session.expire_all()
        assert db.session.get(StaffTwoFactor, caseworker.id).secret == secret
