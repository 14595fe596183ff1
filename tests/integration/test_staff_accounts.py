"""Council administrators add their staff; site administrators add councils."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.accounts.models import Council, User
from portal.accounts.service import create_user
from portal.extensions import db
from portal.mail import OutboxMail
from tests.conftest import csrf_token_from, log_in, log_out

LINK = re.compile(r"/reset/([A-Za-z0-9_%-]+)")


def set_password_from_mail(client, app, email: str, password: str) -> None:
    with app.app_context():
        mail = db.session.scalars(
            select(OutboxMail).where(OutboxMail.recipient == email).order_by(OutboxMail.id.desc())
        ).first()
        token = LINK.search(mail.body).group(1)
    page = client.get(f"/reset/{token}").get_data(as_text=True)
    response = client.post(
        f"/reset/{token}", data={"csrf_token": csrf_token_from(page), "new_password": password}
    )
    assert response.status_code in (302, 303)


def test_an_administrator_adds_a_caseworker_who_sets_their_own_password(client, demo, app):
    log_in(client, "admin@demo.test")
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "<title>Staff – Golden Thread</title>" in page
    assert page.count('id="staff-name"') == 1
    response = client.post(
        "/admin/staff",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "Mr Khan",
            "email": "Khan@Demo.test",
            "role": "caseworker",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        khan = db.session.scalars(select(User).where(User.email == "khan@demo.test")).one()
        assert khan.staff_role == "caseworker" and khan.council.slug == "demo"
    log_out(client)
    set_password_from_mail(client, app, "khan@demo.test", "river stone bench")
    assert log_in(client, "khan@demo.test", "river stone bench").status_code == 302
    assert client.get("/c/sam/").status_code == 404  # not assigned yet


def test_adding_staff_keeps_what_was_typed_when_refused(client, demo):
    log_in(client, "admin@demo.test")
    page = client.get("/admin/staff").get_data(as_text=True)
    response = client.post(
        "/admin/staff",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "Ms Patel Again",
            "email": "caseworker@demo.test",
            "role": "caseworker",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "already an account" in html and 'value="Ms Patel Again"' in html


def test_a_site_administrator_adds_a_council_and_its_first_administrator(client, demo, app):
    with app.app_context():
        create_user(
            name="Site", email="site@example.test", password="site admin words", is_site_admin=True
        )
        db.session.commit()
    log_in(client, "site@example.test", "site admin words")
    page = client.get("/site/").get_data(as_text=True)
    assert "Demo Council" in page and "Sam" not in page
    response = client.post(
        "/site/",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "Northshire Council",
            "slug": "northshire",
            "admin_name": "Ms North",
            "admin_email": "north@northshire.test",
        },
    )
    assert response.status_code == 303
    log_out(client)
    set_password_from_mail(client, app, "north@northshire.test", "north wind blows")
    log_in(client, "north@northshire.test", "north wind blows")
    assert client.get("/admin/staff").status_code == 200
    assert "Sam" not in client.get("/admin/assignments").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Council.id).where(Council.slug == "northshire"))
