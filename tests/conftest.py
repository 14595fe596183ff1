"""Shared fixtures: an app per test on SQLite (or PostgreSQL when TEST_DATABASE_URL is
set), the demo data, and small factories that read like the story of a test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from portal import create_app
from portal.accounts.models import Council, User
from portal.accounts.service import create_user
from portal.config import normalise_database_url
from portal.demo import load_demo_data
from portal.extensions import db
from portal.families.models import Child
from portal.families.service import add_member, create_child

# A busy CI machine can make generating examples slow; that is not a failure of the code.
hypothesis_settings.register_profile("project", suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("project")

DEMO_PASSWORDS = {
    "parent@demo.test": "demo-parent-pass",
    "sam": "demo-young-pass",
    "caseworker@demo.test": "demo-caseworker-pass",
    "admin@demo.test": "demo-admin-pass",
    "champion@demo.test": "demo-champion-pass",
    "other.parent@demo.test": "demo-other-pass",
}


def database_url_for_tests(tmp_path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def make_app(tmp_path, **overrides) -> Flask:
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url_for_tests(tmp_path),
        "LOCAL_STORAGE_PATH": str(tmp_path / "media"),
    }
    settings.update(overrides)
    return create_app(settings, env="testing")


def drop_everything() -> None:
    """Leave the test database empty for the next test, Alembic's table included."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.engine.dispose()


@pytest.fixture
def app(request, tmp_path) -> Iterator[Flask]:
    """An app with empty tables. No app context stays pushed during the test: requests
    would share it, and with it `g`, where Flask-Login and Flask-WTF keep per-request
    state. Tests that touch the database open `with app.app_context():` themselves."""
    marker = request.node.get_closest_marker("app_config")
    app = make_app(tmp_path, **(marker.kwargs if marker else {}))
    with app.app_context():
        drop_everything()  # a test killed half-way must not poison the next run
        db.create_all()
    yield app
    with app.app_context():
        drop_everything()


@pytest.fixture
def app_factory(tmp_path):
    """Make extra apps with their own settings; their connections are closed afterwards
    (psycopg warns about, and pytest fails on, connections left to the garbage collector)."""
    made: list[Flask] = []

    def factory(**overrides) -> Flask:
        made.append(make_app(tmp_path, **overrides))
        return made[-1]

    yield factory
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo(app) -> None:
    with app.app_context():
        load_demo_data()


# ---- factories ------------------------------------------------------------


def make_council(slug: str = "northshire", name: str = "Northshire Council") -> Council:
    council = Council(slug=slug, name=name)
    db.session.add(council)
    db.session.flush()
    return council


def make_user(
    email: str | None = None,
    *,
    password: str = "correct horse battery",
    name: str = "Test Person",
    **attributes,
) -> User:
    user = create_user(email=email, password=password, name=name, **attributes)
    db.session.commit()
    return user


def make_child(council: Council, slug: str, *, parent: User | None = None) -> Child:
    child = create_child(
        council, name=f"{slug.title()} Test", slug=slug, date_of_birth=date(2015, 3, 1)
    )
    if parent:
        add_member(child, parent, "parent", granted_by=None)
    db.session.commit()
    return child


# ---- acting as a person ---------------------------------------------------

CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def log_in(client: FlaskClient, login: str, password: str | None = None, *, next_url: str = ""):
    """Log in through the real form, CSRF token and all; returns the POST response."""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(
        url,
        data={"login": login, "password": password or DEMO_PASSWORDS[login], "csrf_token": token},
    )


def log_out(client: FlaskClient):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})
