"""Invitations, young people's logins and parent champions, through the real forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.invitations.models import Invitation
from portal.mail import OutboxMail
from tests.conftest import csrf_token_from, log_in, log_out

LINK = re.compile(r"http://localhost/invite/([A-Za-z0-9_-]{40,})")


@pytest.fixture
def parent(client, demo):
    log_in(client, "parent@demo.test")
    return client


def make_invitation(client, *, role="family_viewer", email="", name="Gran", child="sam"):
    page = client.get(f"/c/{child}/people").get_data(as_text=True)
    response = client.post(
        f"/c/{child}/people/invite",
        data={"csrf_token": csrf_token_from(page), "role": role, "email": email, "name": name},
    )
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return LINK.search(html).group(1), html


def join(client, token, **fields):
    page = client.get(f"/invite/{token}")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **fields}
    return client.post(f"/invite/{token}", data=data)


def test_a_printable_invitation_lets_a_new_person_in_as_a_viewer(parent, app):
    token, html = make_invitation(parent, name="Gran")
    assert "data:image/svg+xml;charset=utf-8," in html  # the QR code
    assert "cannot show this link again" in html
    with app.app_context():
        stored = db.session.scalars(select(Invitation)).one()
        assert token not in (stored.token_hash or "") and len(stored.token_hash) == 64
    log_out(parent)
    response = join(
        parent, token, name="Gran Shah", email="gran@example.test", password="lemon tree house"
    )
    assert response.status_code == 303 and response.location == "/c/sam/"
    home = parent.get("/c/sam/").get_data(as_text=True)
    assert "Family member (can view)" in home
    # Viewers cannot write.
    assert parent.get("/c/sam/wiki/about-me/edit").status_code == 404


def test_an_invitation_works_once(parent):
    token, _ = make_invitation(parent)
    log_out(parent)
    join(parent, token, name="A", email="a@example.test", password="lemon tree house")
    log_out(parent)
    again = parent.get(f"/invite/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_expired_or_revoked_invitation_says_so(parent, app):
    expired, _ = make_invitation(parent, name="Late")
    revoked, _ = make_invitation(parent, name="Cancelled")
    with app.app_context():
        late = db.session.scalars(select(Invitation).where(Invitation.invitee_name == "Late")).one()
        late.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        cancelled_id = db.session.scalar(
            select(Invitation.id).where(Invitation.invitee_name == "Cancelled")
        )
    people = parent.get("/c/sam/people").get_data(as_text=True)
    parent.post(
        f"/c/sam/people/invitations/{cancelled_id}/revoke",
        data={"csrf_token": csrf_token_from(people)},
    )
    assert "run out" in parent.get(f"/invite/{expired}").get_data(as_text=True)
    assert "cancelled" in parent.get(f"/invite/{revoked}").get_data(as_text=True)
    assert "not right" in parent.get("/invite/made-up-token").get_data(as_text=True)


def test_an_emailed_invitation_is_bound_to_that_address(parent, app):
    token, _ = make_invitation(
        parent, role="professional", email="Dr.Lee@Clinic.test", name="Dr Lee"
    )
    with app.app_context():
        mail = db.session.scalars(select(OutboxMail)).one()
        assert mail.recipient == "dr.lee@clinic.test" and token in mail.body
    log_out(parent)
    log_in(parent, "other.parent@demo.test")
    refused = join(parent, token)
    assert refused.status_code == 400
    assert "different email address" in refused.get_data(as_text=True)
    log_out(parent)
    joined = join(
        parent, token, name="Dr Lee", email="someone@else.test", password="lemon tree house"
    )
    assert joined.status_code == 303
    with app.app_context():
        member = db.session.scalars(
            select(Membership).where(Membership.role == "professional")
        ).one()
        assert member.user.email == "dr.lee@clinic.test"


def test_only_the_parent_manages_people(client, demo):
    for login in ("sam", "caseworker@demo.test", "other.parent@demo.test"):
        log_in(client, login)
        assert client.get("/c/sam/people").status_code == 404, login
        token = csrf_token_from(client.get("/").get_data(as_text=True))
        response = client.post(
            "/c/sam/people/invite",
            data={"csrf_token": token, "role": "family_editor", "name": "x"},
        )
        assert response.status_code == 404, login
        log_out(client)


def test_a_parent_makes_a_login_for_their_young_person_and_resets_it(parent, app):
    page = parent.get("/c/sam/people").get_data(as_text=True)
    response = parent.post(
        "/c/sam/people/young-person",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "Sam",
            "username": "sam.second",
            "password": "purple kite day",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        membership_id = db.session.scalar(
            select(Membership.id)
            .join(Membership.user)
            .where(Membership.role == "young_person", Membership.user.has(username="sam.second"))
        )
    log_out(parent)
    log_in(parent, "sam.second", "purple kite day")
    assert parent.get("/c/sam/wiki/about-me/edit").status_code == 200
    log_out(parent)
    log_in(parent, "parent@demo.test")
    page = parent.get("/c/sam/people").get_data(as_text=True)
    parent.post(
        f"/c/sam/people/{membership_id}/password",
        data={"csrf_token": csrf_token_from(page), "password": "green apple sky"},
    )
    log_out(parent)
    assert log_in(parent, "sam.second", "purple kite day").status_code == 401  # refused
    assert log_in(parent, "sam.second", "green apple sky").status_code == 302


def test_a_champions_invitation_starts_a_new_family_and_shows_only_progress(client, demo, app):
    log_in(client, "champion@demo.test")
    page = client.get("/champion/").get_data(as_text=True)
    response = client.post(
        "/champion/invite",
        data={"csrf_token": csrf_token_from(page), "name": "Jo Bloggs", "email": ""},
    )
    token = LINK.search(response.get_data(as_text=True)).group(1)
    log_out(client)
    joined = join(
        client,
        token,
        name="Jo Bloggs",
        email="jo@example.test",
        password="lemon tree house",
        child_name="Riley Bloggs",
    )
    assert joined.status_code == 303
    child_slug = joined.location.strip("/").split("/")[1]
    assert child_slug.startswith("riley-bloggs-")
    client.post(
        f"/c/{child_slug}/wiki/about-me/edit",
        data={
            "csrf_token": csrf_token_from(client.get(f"/c/{child_slug}/").get_data(as_text=True)),
            "title": "About me",
            "body": "Riley loves trains and a secret",
            "summary": "",
            "base_revision": 0,
        },
    )
    log_out(client)
    log_in(client, "champion@demo.test")
    progress = client.get("/champion/").get_data(as_text=True)
    assert "2 of 4 steps" in progress
    assert "trains" not in progress and "secret" not in progress
    assert client.get(f"/c/{child_slug}/").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Child.id))) == 3


def test_a_champions_invitation_can_never_reach_an_existing_child(client, demo, app):
    log_in(client, "champion@demo.test")
    page = client.get("/champion/").get_data(as_text=True)
    client.post("/champion/invite", data={"csrf_token": csrf_token_from(page), "name": "X"})
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.child_id is None and invitation.role == "parent"
    for login in ("parent@demo.test", "sam"):
        log_out(client)
        log_in(client, login)
        assert client.get("/champion/").status_code == 404
