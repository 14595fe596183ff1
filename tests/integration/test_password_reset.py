"""Password reset by email, through the real forms, with mail in the demo outbox or by SMTP."""

from __future__ import annotations

import hashlib
import logging
import re
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import LoginSession, PasswordResetToken, User
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.mail import OutboxMail
from tests.conftest import csrf_token_from, log_in, make_user

NEW_PASSWORD = "a new family password"
SENT = "Check your email"
LINK = re.compile(r"https?://[^/\s]+/reset/([A-Za-z0-9_\-]+)")


def ask_for_link(client, login: str, **kwargs):
    token = csrf_token_from(client.get("/reset").get_data(as_text=True))
    return client.post("/reset", data={"login": login, "csrf_token": token}, **kwargs)


def set_password(client, link_path: str, password: str):
    page = client.get(link_path)
    assert page.status_code == 200, page.status_code
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(link_path, data={"new_password": password, "csrf_token": token})


def outbox(app) -> list[OutboxMail]:
    with app.app_context():
        mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
        db.session.expunge_all()
        return mails


def link_path_in(body: str) -> str:
    match = LINK.search(body)
    assert match, "mail has no reset link"
    return f"/reset/{match.group(1)}"


def live_sessions(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(LoginSession)
            .join(User)
            .where(User.email == email, LoginSession.ended_at.is_(None))
        )


def test_parent_resets_their_password_with_the_link_from_the_demo_outbox(app, client, demo):
    response = ask_for_link(client, "parent@demo.test")
    assert response.status_code == 200
    assert SENT in response.get_data(as_text=True)

    page = client.get("/outbox").get_data(as_text=True)
    assert "Demo outbox — no real email is sent" in page
    assert "To parent@demo.test" in page
    mails = outbox(app)
    assert [(m.recipient, m.subject) for m in mails] == [
        ("parent@demo.test", "Set a new password for Golden Thread")
    ]
    path = link_path_in(mails[0].body)
    assert f'href="http://localhost{path}"' in page  # the outbox link can be followed

    response = set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    login_page = client.get("/login").get_data(as_text=True)
    assert "Password changed. Log in with your new password." in login_page
    assert client.get("/c/sam/").status_code == 302  # no automatic login

    assert log_in(app.test_client(), "parent@demo.test").status_code == 401  # old password
    assert log_in(client, "parent@demo.test", NEW_PASSWORD).status_code == 302


def test_a_reset_ends_every_login_session_of_the_account(app, client, demo):
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, "parent@demo.test")
    log_in(laptop, "parent@demo.test")
    assert live_sessions(app, "parent@demo.test") == 2
    ask_for_link(client, "parent@demo.test")
    set_password(client, link_path_in(outbox(app)[0].body), NEW_PASSWORD)
    assert live_sessions(app, "parent@demo.test") == 0
    assert phone.get("/c/sam/").status_code == 302
    assert laptop.get("/c/sam/").status_code == 302


def _timed_post(client, login: str, token: str) -> tuple[float, bytes, int]:
    started = time.perf_counter()
    response = client.post("/reset", data={"login": login, "csrf_token": token})
    return time.perf_counter() - started, response.get_data(), response.status_code


def test_the_answer_is_the_same_whether_or_not_the_account_exists(app, client, demo):
    token = csrf_token_from(client.get("/reset").get_data(as_text=True))
    real, unknown = [], []
    for _ in range(7):  # interleaved, so a slow moment hits both
        real.append(_timed_post(client, "parent@demo.test", token))
        unknown.append(_timed_post(client, "nobody@demo.test", token))
    # Word for word, and the same status.
    assert {body for _, body, _ in real} == {body for _, body, _ in unknown}
    assert {status for _, _, status in real + unknown} == {200}
    assert len(outbox(app)) == 7  # only the real account got mail
    # About the same time: both answers wait for the same floor, and their medians are
    # within a generous factor (without the floor, the mail made the real one ~3x slower).
    real_time = statistics.median(t for t, _, _ in real)
    unknown_time = statistics.median(t for t, _, _ in unknown)
    floor = app.config["RESET_ANSWER_SECONDS"]
    assert min(t for t, _, _ in real + unknown) >= floor
    assert real_time < 2 * unknown_time, (real_time, unknown_time)
    assert unknown_time < 2 * real_time, (real_time, unknown_time)


def test_a_young_person_without_email_is_told_to_ask_their_parent(app, client, demo):
    ask_page = client.get("/reset").get_data(as_text=True)
    assert "Ask your parent or carer to set a new password for you." in ask_page
    by_username = ask_for_link(client, "sam")
    assert by_username.status_code == 200
    answer = by_username.get_data(as_text=True)
    assert "Ask your parent or carer to set a new password for you." in answer
    # The same answer as for no account at all, and no mail.
    assert by_username.get_data() == ask_for_link(client, "no-such-child").get_data()
    assert outbox(app) == []


def test_a_link_works_once(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    path = link_path_in(outbox(app)[0].body)
    assert set_password(client, path, NEW_PASSWORD).status_code == 302
    again = client.get(path)
    assert again.status_code == 404
    page = again.get_data(as_text=True)
    assert "This link does not work" in page
    assert 'href="/reset"' in page  # a way to ask again
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    replay = client.post(path, data={"new_password": "yet another password", "csrf_token": token})
    assert replay.status_code == 404
    assert log_in(app.test_client(), "parent@demo.test", NEW_PASSWORD).status_code == 302


def test_an_expired_link_is_refused_with_a_way_to_ask_again(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    path = link_path_in(outbox(app)[0].body)
    with app.app_context():
        row = db.session.scalars(select(PasswordResetToken)).one()
        assert row.expires_at - row.created_at == timedelta(hours=1)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)
    assert "Ask for a new link" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/reset/not-a-real-token", "/reset/" + "x" * 300])
def test_an_unknown_link_is_refused(client, demo, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_asking_again_ends_the_older_link(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    ask_for_link(client, "parent@demo.test")
    first, second = (link_path_in(mail.body) for mail in outbox(app))
    assert first != second
    assert client.get(first).status_code == 404
    assert set_password(client, second, NEW_PASSWORD).status_code == 302


def test_only_a_hash_of_the_token_is_stored(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    token = link_path_in(outbox(app)[0].body).rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    with app.app_context():
        row = db.session.scalars(select(PasswordResetToken)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        stored = [str(value) for value in row.__dict__.values()]
        assert not any(token in value for value in stored)


def test_a_weak_password_is_refused_and_the_link_still_works(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    path = link_path_in(outbox(app)[0].body)
    for weak, message in [
        ("password", "too common"),
        ("short", "at least 8 characters"),
        ("parent@demo.test", "Do not use your email address or username"),
    ]:
        response = set_password(client, path, weak)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        assert re.search(r'name="new_password"[^>]*value=""', response.get_data(as_text=True))
    assert set_password(client, path, NEW_PASSWORD).status_code == 302


def test_a_deactivated_account_gets_no_mail_and_its_link_stops_working(app, client, demo):
    with app.app_context():
        make_user("leaving@example.org")
    ask_for_link(client, "leaving@example.org")
    path = link_path_in(outbox(app)[0].body)
    with app.app_context():
        db.session.scalars(
            select(User).where(User.email == "leaving@example.org")
        ).one().active = False
        db.session.commit()
    assert client.get(path).status_code == 404
    assert ask_for_link(client, "leaving@example.org").status_code == 200
    assert len(outbox(app)) == 1


def test_asking_needs_the_csrf_token(app, client, demo):
    response = client.post("/reset", data={"login": "parent@demo.test"})
    assert response.status_code == 400
    assert outbox(app) == []


def test_an_empty_ask_names_the_missing_field(client):
    token = csrf_token_from(client.get("/reset").get_data(as_text=True))
    response = client.post("/reset", data={"login": "", "csrf_token": token})
    assert response.status_code == 400
    assert "Enter your email address or username." in response.get_data(as_text=True)


def test_the_login_page_links_to_the_reset_page(client):
    assert 'href="/reset"' in client.get("/login").get_data(as_text=True)


# ---- brute force ------------------------------------------------------------


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RESET_RATE_LIMIT="2 per minute")
def test_asking_is_rate_limited_per_address(client, demo):
    assert ask_for_link(client, "parent@demo.test").status_code == 200
    assert ask_for_link(client, "nobody@demo.test").status_code == 200
    response = ask_for_link(client, "parent@demo.test")
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
    other_address = ask_for_link(
        client, "parent@demo.test", environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert other_address.status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RESET_TOKEN_RATE_LIMIT="2 per minute")
def test_setting_a_password_with_a_link_is_rate_limited_per_address(app, client, demo):
    ask_for_link(client, "parent@demo.test")
    path = link_path_in(outbox(app)[0].body)
    assert set_password(client, path, "password").status_code == 400
    assert set_password(client, path, "password").status_code == 400
    assert set_password(client, path, NEW_PASSWORD).status_code == 429
    assert log_in(app.test_client(), "parent@demo.test").status_code == 302  # unchanged


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RESET_MAIL_ACCOUNT_LIMIT="2 per hour")
def test_one_account_gets_only_so_many_mails_and_the_answer_does_not_change(app, demo):
    answers = [
        ask_for_link(app.test_client(), "parent@demo.test", environ_base={"REMOTE_ADDR": ip})
        for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data() for a in answers}) == 1
    assert len(outbox(app)) == 2


# ---- the outbox and SMTP ------------------------------------------------------


@pytest.mark.app_config(DEMO_MODE=False)
def test_the_outbox_does_not_exist_outside_demo_mode(client):
    assert client.get("/outbox").status_code == 404


def test_the_outbox_says_when_it_is_empty(client):
    page = client.get("/outbox").get_data(as_text=True)
    assert "Demo outbox — no real email is sent" in page
    assert "No emails yet" in page


class FakeSMTP:
    """Stands in for smtplib.SMTP and records what the app asked of it."""

    sent: list = []
    calls: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout=None):
        FakeSMTP.calls.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        FakeSMTP.calls.append(("quit",))

    def starttls(self, context=None):
        FakeSMTP.calls.append(("starttls",))

    def login(self, username, password):
        FakeSMTP.calls.append(("login", username, password))

    def send_message(self, message):
        if FakeSMTP.fail_with:
            raise FakeSMTP.fail_with
        FakeSMTP.sent.append(message)


@pytest.fixture
def fake_smtp(monkeypatch):
    import portal.mail

    FakeSMTP.sent, FakeSMTP.calls, FakeSMTP.fail_with = [], [], None
    monkeypatch.setattr(portal.mail.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


SMTP_SETTINGS = {
    "MAIL_SERVER": "smtp.example.test",
    "MAIL_PORT": 2525,
    "MAIL_USERNAME": "golden-thread",
    "MAIL_PASSWORD": "smtp-secret",
    "MAIL_FROM": "Golden Thread <no-reply@goldenthread.example.org>",
}


@pytest.mark.app_config(**SMTP_SETTINGS)
def test_with_a_mail_server_the_link_goes_by_smtp_and_nothing_secret_is_logged(
    app, client, demo, fake_smtp, caplog
):
    caplog.set_level(logging.DEBUG)
    assert ask_for_link(client, "parent@demo.test").status_code == 200
    assert fake_smtp.calls == [
        ("connect", "smtp.example.test", 2525),
        ("starttls",),
        ("login", "golden-thread", "smtp-secret"),
        ("quit",),
    ]
    (message,) = fake_smtp.sent
    assert message["To"] == "parent@demo.test"
    assert message["From"] == "Golden Thread <no-reply@goldenthread.example.org>"
    assert message["Subject"] == "Set a new password for Golden Thread"
    body = message.get_content()
    path = link_path_in(body)
    assert outbox(app) == []  # a real server: nothing kept
    assert path.rsplit("/", 1)[1] not in caplog.text
    assert "Someone asked" not in caplog.text
    assert set_password(client, path, NEW_PASSWORD).status_code == 302


@pytest.mark.app_config(**SMTP_SETTINGS)
def test_a_failing_mail_server_changes_nothing_a_stranger_can_see(
    app, client, demo, fake_smtp, caplog
):
    import smtplib

    fake_smtp.fail_with = smtplib.SMTPRecipientsRefused({"parent@demo.test": (550, b"no")})
    real = ask_for_link(client, "parent@demo.test")
    unknown = ask_for_link(client, "nobody@demo.test")
    assert real.status_code == unknown.status_code == 200
    assert real.get_data() == unknown.get_data()
    assert "Mail not sent (Set a new password for Golden Thread): SMTPRecipientsRefused" in (
        caplog.text
    )
    assert "parent@demo.test" not in caplog.text


@pytest.mark.app_config(
    DEMO_MODE=False,
    PUBLIC_URL="https://goldenthread.example.org",
    MAIL_IN_BACKGROUND=True,
    **SMTP_SETTINGS,
)
def test_links_use_the_public_address_not_the_host_header(app, client, demo, fake_smtp):
    evil = "http://evil.example"  # a stranger's Host header
    token = csrf_token_from(client.get("/reset", base_url=evil).get_data(as_text=True))
    response = client.post(
        "/reset", data={"login": "parent@demo.test", "csrf_token": token}, base_url=evil
    )
    assert response.status_code == 200
    for _ in range(200):  # delivered by a background thread
        if fake_smtp.sent:
            break
        time.sleep(0.01)
    (message,) = fake_smtp.sent
    assert re.search(r"https://goldenthread\.example\.org/reset/\S+", message.get_content())
    assert "evil.example" not in message.get_content()


@pytest.mark.app_config(DEMO_MODE=False)
def test_in_production_without_a_mail_server_or_address_nothing_is_sent_and_it_is_logged(
    app, client, demo, caplog
):
    response = ask_for_link(client, "parent@demo.test")
    assert response.status_code == 200
    assert SENT in response.get_data(as_text=True)
    assert "set PUBLIC_URL" in caplog.text
    assert outbox(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PasswordResetToken)) == 0


@pytest.mark.app_config(DEMO_MODE=False, PUBLIC_URL="https://goldenthread.example.org")
def test_in_production_without_a_mail_server_the_failure_is_logged(app, client, demo, caplog):
    assert ask_for_link(client, "parent@demo.test").status_code == 200
    assert "MAIL_SERVER is not set" in caplog.text
    assert outbox(app) == []
