"""Who reaches a child's pages: members yes; everyone else 404, with no hint."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.families.service import add_member
from tests.conftest import log_in, make_child, make_council, make_user


def without_csrf_tokens(response) -> str:
    """The page with its CSRF tokens blanked: they carry a timestamp."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def test_logged_out_visitor_is_sent_to_login_with_next(client, demo):
    response = client.get("/c/sam/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fc%2Fsam%2F"


def test_logged_out_visitor_cannot_tell_a_real_child_from_a_made_up_one(client, demo):
    real, made_up = client.get("/c/sam/"), client.get("/c/nobody/")
    assert real.status_code == made_up.status_code == 302
    assert real.headers["Location"].startswith("/login") and made_up.headers["Location"].startswith(
        "/login"
    )


def test_parent_sees_their_childs_home(client, demo):
    log_in(client, "parent@demo.test")
    page = client.get("/c/sam/").get_data(as_text=True)
    assert '<h1 id="child-name">Sam Shah</h1>' in page
    assert "No photo of Sam yet" in page
    assert "About Me" in page
    assert "Age 15" in page


@pytest.mark.parametrize(
    "login", ["other.parent@demo.test", "admin@demo.test", "champion@demo.test"]
)
def test_people_without_access_get_the_same_404_as_a_missing_child(client, demo, login):
    log_in(client, login)
    forbidden = client.get("/c/sam/")
    missing = client.get("/c/no-such-child/")
    assert forbidden.status_code == missing.status_code == 404
    assert without_csrf_tokens(forbidden) == without_csrf_tokens(missing)
    assert b"Sam" not in forbidden.get_data()


@pytest.mark.parametrize("login", ["sam", "caseworker@demo.test"])
def test_young_person_and_assigned_caseworker_see_the_child(client, demo, login):
    log_in(client, login)
    assert client.get("/c/sam/").status_code == 200


def test_staff_of_another_council_never_see_a_child_even_when_assigned(app, client):
    with app.app_context():
        home = make_council("home", "Home Council")
        elsewhere = make_council("elsewhere", "Elsewhere Council")
        caseworker = make_user(
            "cw@elsewhere.example", staff_role="caseworker", council_id=elsewhere.id
        )
        child = make_child(home, "jo")
        add_member(child, caseworker, "caseworker", granted_by=None)
        db.session.commit()
    log_in(client, "cw@elsewhere.example", "correct horse battery")
    assert client.get("/c/jo/").status_code == 404


def test_home_lists_only_the_people_own_children(client, demo):
    log_in(client, "other.parent@demo.test")
    page = client.get("/").get_data(as_text=True)
    assert "Alex Reid" in page
    assert "Sam Shah" not in page


def test_staff_with_no_children_are_told_why(client, demo):
    log_in(client, "admin@demo.test")
    page = client.get("/").get_data(as_text=True)
    assert "No children are assigned to you yet" in page
    assert "SEND administrator, Demo Council" in page
