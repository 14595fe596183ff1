"""Driving plan meetings through real requests, as the caseworker and the family would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from tests.integration import plan_helpers
from tests.integration.plan_helpers import form_fields, get_ok

HEADERS = {"X-Requested-With": "meeting.js"}


def user_id(app: Flask, login: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(User.id).where((User.email == login) | (User.username == login))
        )


def open_meeting(app: Flask, caseworker: FlaskClient, invite: list[str], child="sam") -> int:
    """Open a meeting inviting these logins; its id."""
    url = f"/c/{child}/plan/meetings/new"
    fields = form_fields(get_ok(caseworker, url))
    fields["invite"] = [str(user_id(app, login)) for login in invite]
    response = caseworker.post(url, data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/meetings/(\d+)", response.location).group(1))


def meeting_url(meeting: int, child="sam") -> str:
    return f"/c/{child}/plan/meetings/{meeting}"


def opened(client: FlaskClient, meeting: int) -> dict:
    """The meeting page's section form as it was opened: token, base and text."""
    html = get_ok(client, meeting_url(meeting))
    return {**form_fields(html), "text": plan_helpers.textarea(html, "text")}


def save(client, meeting: int, letter: str, opened_form: dict, text: str, *, js=True):
    data = {**opened_form, "text": text}
    url = f"{meeting_url(meeting)}/sections/{letter}"
    return client.post(url, data=data, headers=HEADERS if js else {})


def state(client, meeting: int) -> dict:
    response = client.get(f"{meeting_url(meeting)}/state", headers=HEADERS)
    assert response.status_code == 200, response.status_code
    return response.get_json()


def press(client, meeting: int, action: str, **data):
    fields = form_fields(get_ok(client, meeting_url(meeting)))
    fields.pop("base", None)
    fields.update(data)
    return client.post(f"{meeting_url(meeting)}/{action}", data=fields)
