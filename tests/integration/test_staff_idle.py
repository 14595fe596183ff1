"""Staff sessions end after STAFF_IDLE_MINUTES without a request; family sessions do not."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from portal.accounts.models import LoginSession, User
from portal.accounts.sessions import IDLE_MESSAGE
from portal.dbtypes import utcnow
from portal.extensions import db
from tests.conftest import csrf_token_from, log_in

CASEWORKER = "caseworker@demo.test"


def session_row(app, email: str) -> LoginSession:
    with app.app_context():
        row = db.session.scalars(
            select(LoginSession).join(User).where(User.email == email).order_by(LoginSession.id)
        ).all()[-1]
        db.session.expunge(row)
        return row


def last_seen(app, email: str, ago: timedelta) -> None:
    """Pretend the person's last request was `ago` ago."""
    with app.app_context():
        for row in db.session.scalars(select(LoginSession).join(User).where(User.email == email)):
            row.last_seen_at = utcnow() - ago
        db.session.commit()


@contextmanager
def statements(app):
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, sql, parameters, context, executemany):
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_caseworker_idle_for_31_minutes_is_logged_out_calmly(app, client, demo):
    log_in(client, CASEWORKER)
    assert client.get("/c/sam/").status_code == 200
    last_seen(app, CASEWORKER, timedelta(minutes=31))

    response = client.get("/c/sam/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fc%2Fsam%2F"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert IDLE_MESSAGE.replace("'", "&#39;") in page
    assert "Please log in to see this page." not in page  # one calm message, not two
    assert session_row(app, CASEWORKER).ended_at is not None  # ended, not just refused

    # Logging in again works, and goes back to where they were.
    response = log_in(client, CASEWORKER, next_url="/c/sam/")
    assert response.headers["Location"] == "/c/sam/"
    assert client.get("/c/sam/").status_code == 200


def test_29_minutes_idle_is_fine(app, client, demo):
    log_in(client, CASEWORKER)
    last_seen(app, CASEWORKER, timedelta(minutes=29))
    assert client.get("/c/sam/").status_code == 200


def test_family_sessions_keep_their_own_lifetime(app, client, demo):
    log_in(client, "parent@demo.test")
    last_seen(app, "parent@demo.test", timedelta(days=3))
    assert client.get("/c/sam/").status_code == 200


@pytest.mark.app_config(STAFF_IDLE_MINUTES=5)
def test_the_idle_time_is_configurable(app, client, demo):
    log_in(client, CASEWORKER)
    last_seen(app, CASEWORKER, timedelta(minutes=6))
    assert client.get("/c/sam/").status_code == 302


def test_activity_is_written_at_most_once_a_minute(app, client, demo):
    log_in(client, CASEWORKER)
    last_seen(app, CASEWORKER, timedelta(seconds=30))
    before = session_row(app, CASEWORKER).last_seen_at
    with statements(app) as seen:
        assert client.get("/c/sam/").status_code == 200
        assert client.get("/c/sam/").status_code == 200
    assert not [sql for sql in seen if sql.startswith("UPDATE login_session")]
    assert session_row(app, CASEWORKER).last_seen_at == before

    last_seen(app, CASEWORKER, timedelta(minutes=2))
    with statements(app) as seen:
        assert client.get("/c/sam/").status_code == 200
        assert client.get("/c/sam/").status_code == 200
    assert len([sql for sql in seen if sql.startswith("UPDATE login_session")]) == 1
    assert utcnow() - session_row(app, CASEWORKER).last_seen_at < timedelta(seconds=30)


def test_activity_keeps_a_busy_caseworker_logged_in(app, client, demo):
    log_in(client, CASEWORKER)
    last_seen(app, CASEWORKER, timedelta(minutes=20))
    assert client.get("/c/sam/").status_code == 200  # noted as activity now
    with app.app_context():
        # Twenty more minutes pass: 40 since the first time, 20 since the last request.
        for row in db.session.scalars(select(LoginSession)):
            row.last_seen_at -= timedelta(minutes=20)
            row.created_at -= timedelta(minutes=40)
        db.session.commit()
    assert client.get("/c/sam/").status_code == 200


def test_family_page_views_never_write_to_the_session(app, client, demo):
    log_in(client, "parent@demo.test")
    last_seen(app, "parent@demo.test", timedelta(hours=2))
    with statements(app) as seen:
        assert client.get("/c/sam/").status_code == 200
    assert not [sql for sql in seen if sql.startswith("UPDATE")]


def test_a_form_sent_after_the_idle_timeout_keeps_what_was_typed(app, client, demo):
    log_in(client, CASEWORKER)
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    last_seen(app, CASEWORKER, timedelta(minutes=45))
    response = client.post(
        "/account",
        data={
            "current_password": "demo-caseworker-pass",
            "new_password": "a careful new password",
            "comment": "Notes I typed slowly",
            "csrf_token": token,
        },
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Notes I typed slowly" in page
    assert IDLE_MESSAGE.replace("'", "&#39;") in page
    assert "demo-caseworker-pass" not in page
    assert log_in(app.test_client(), CASEWORKER).status_code == 302  # password unchanged
