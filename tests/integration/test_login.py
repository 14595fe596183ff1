"""Logging in and out through the real forms."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import LoginSession
from portal.dbtypes import utcnow
from portal.extensions import db
from tests.conftest import csrf_token_from, log_in, log_out, make_user

FAILED = "That email, username or password is not right"


def change_password(client, current: str, new: str):
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    return client.post(
        "/account", data={"current_password": current, "new_password": new, "csrf_token": token}
    )


def test_parent_logs_in_by_email_and_lands_on_their_children(client, demo):
    response = log_in(client, "parent@demo.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "My children" in page
    assert "Sam Shah" in page
    assert "Alex Reid" not in page


def test_young_person_logs_in_by_username_ignoring_case_and_spaces(client, demo):
    response = log_in(client, "  SAM ", "demo-young-pass")
    assert response.status_code == 302
    assert "Sam Shah" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_account_get_the_same_answer(client, demo):
    wrong = log_in(client, "parent@demo.test", "not-the-password")
    unknown = log_in(client, "nobody@demo.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert FAILED in response.get_data(as_text=True)
    assert "nobody@demo.test" in unknown.get_data(as_text=True)  # what they typed is kept
    assert "not-the-password" not in wrong.get_data(as_text=True)  # the password never is
    assert client.get("/").status_code == 302


def test_missing_csrf_token_is_a_clear_400_that_keeps_the_login(client, demo):
    response = client.post(
        "/login", data={"login": "parent@demo.test", "password": "demo-parent-pass"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form had expired, so nothing was saved" in page
    assert 'value="parent@demo.test"' in page
    assert "demo-parent-pass" not in page
    assert client.get("/").status_code == 302  # not logged in


def test_empty_form_names_each_missing_field(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your email address or username." in page
    assert "Enter your password." in page


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client, demo):
    assert log_in(client, "parent@demo.test", next_url="/c/sam/").headers["Location"] == "/c/sam/"
    log_out(client)
    response = log_in(client, "parent@demo.test", next_url="/%5Cevil.example")
    assert response.headers["Location"] == "/"
    log_out(client)
    response = log_in(client, "parent@demo.test", next_url="%2F%2Fevil.example")
    assert response.headers["Location"] == "/"


def test_login_starts_a_fresh_session(client, demo):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(client, "parent@demo.test")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_makes_the_old_cookie_useless(app, client, demo):
    log_in(client, "parent@demo.test")
    stolen = client.get_cookie("gt_session").value
    assert log_out(client).headers["Location"] == "/login"

    thief = app.test_client()
    thief.set_cookie("gt_session", stolen)
    response = thief.get("/c/sam/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_needs_a_post_with_a_csrf_token(client, demo):
    log_in(client, "parent@demo.test")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/c/sam/").status_code == 200


def test_changing_password_ends_every_other_session(app, demo):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "parent@demo.test")
    log_in(phone, "parent@demo.test")
    response = change_password(laptop, "demo-parent-pass", "a new family password")
    assert response.status_code == 302
    assert laptop.get("/c/sam/").status_code == 200
    assert phone.get("/c/sam/").status_code == 302
    with app.app_context():
        live = db.session.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))).all()
        assert len(live) == 1
    assert log_in(app.test_client(), "parent@demo.test", "a new family password").status_code == 302


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(app, client, demo):
    log_in(client, "parent@demo.test")
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    response = client.post(
        "/account",
        data={
            "current_password": "demo-parent-pass",
            "new_password": "password",
            "csrf_token": token,
        },
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
    assert log_in(app.test_client(), "parent@demo.test").status_code == 302


def test_a_wrong_current_password_is_refused(client, demo):
    log_in(client, "parent@demo.test")
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    response = client.post(
        "/account",
        data={
            "current_password": "guess",
            "new_password": "a new family password",
            "csrf_token": token,
        },
    )
    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_log_in(app, client):
    with app.app_context():
        user = make_user("left@example.org")
        user.active = False
        db.session.commit()
    response = log_in(client, "left@example.org", "correct horse battery")
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_an_expired_login_session_is_refused(app, client, demo):
    log_in(client, "parent@demo.test")
    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            row.expires_at = utcnow()
        db.session.commit()
    assert client.get("/c/sam/").status_code == 302
