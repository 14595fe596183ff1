"""Wrong passwords for one account are throttled from any address, then forgiven."""

from __future__ import annotations

import time

import pytest

from tests.conftest import log_in

TOO_MANY = "Too many tries. Wait a minute and try again."


def from_address(number: int) -> dict:
    return {"REMOTE_ADDR": f"198.51.100.{number}"}


def try_login(app, login: str, password: str | None, number: int):
    """A login from its own address and browser, as a botnet would."""
    client = app.test_client()
    client.environ_base.update(from_address(number))
    return client, log_in(client, login, password)


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_twenty_wrong_passwords_in_a_minute_throttle_the_account_from_any_address(app, demo):
    statuses = [
        try_login(app, "parent@demo.test", "wrong guess", i)[1].status_code for i in range(20)
    ]
    assert statuses == [401] * 20

    client, response = try_login(app, "parent@demo.test", None, 100)  # the right password
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert TOO_MANY in page
    assert 'value="parent@demo.test"' in page  # what was typed is kept
    assert client.get("/c/sam/").status_code == 302

    # By username or another account: not affected.
    assert try_login(app, "other.parent@demo.test", None, 101)[1].status_code == 302
    assert try_login(app, "sam", None, 102)[1].status_code == 302


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="4 per minute")
def test_an_account_is_one_account_by_email_or_by_username(app, demo):
    from portal.accounts.models import User
    from portal.extensions import db

    with app.app_context():
        sam = db.session.scalars(db.select(User).where(User.username == "sam")).one()
        sam.email = "sam@demo.test"
        db.session.commit()
    for i, login in enumerate(["sam", "SAM@demo.test", "sam ", "sam@demo.test"]):
        assert try_login(app, login, "wrong guess", i)[1].status_code == 401
    assert try_login(app, "sam", "demo-young-pass", 9)[1].status_code == 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="3 per minute")
def test_unknown_accounts_are_throttled_the_same_way(app, demo):
    known = [try_login(app, "parent@demo.test", "wrong", i)[1] for i in range(4)]
    unknown = [try_login(app, "nobody@demo.test", "wrong", 10 + i)[1] for i in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 3 + [429]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="3 per 2 seconds")
def test_the_demo_login_works_again_after_the_window(app, demo):
    for i in range(3):
        assert try_login(app, "parent@demo.test", "wrong", i)[1].status_code == 401
    assert try_login(app, "parent@demo.test", None, 50)[1].status_code == 429
    time.sleep(2.1)  # the window (2 seconds here; a minute by default) passes
    client, response = try_login(app, "parent@demo.test", None, 51)
    assert response.status_code == 302
    assert client.get("/c/sam/").status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="3 per minute")
def test_logging_in_clears_the_count(app, demo):
    for i in range(2):
        try_login(app, "parent@demo.test", "wrong", i)
    assert try_login(app, "parent@demo.test", None, 10)[1].status_code == 302
    for i in range(2):
        assert try_login(app, "parent@demo.test", "wrong", 20 + i)[1].status_code == 401
    assert try_login(app, "parent@demo.test", None, 30)[1].status_code == 302


def test_with_rate_limits_off_nothing_is_throttled(app, demo):
    for i in range(25):
        try_login(app, "parent@demo.test", "wrong", i)
    assert try_login(app, "parent@demo.test", None, 99)[1].status_code == 302
