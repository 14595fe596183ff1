"""Scanned paper forms through the real forms: upload as an administrator, save and
publish the checked text, confirm as the family."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.families.models import Child
from portal.scans.models import ScannedForm
from tests.conftest import csrf_token_from

SCANS = "/admin/scans"


def child_id(app: Flask, slug: str = "sam") -> int:
    with app.app_context():
        return db.session.scalar(select(Child.id).where(Child.slug == slug))


def upload_scans(
    client: FlaskClient,
    files: list[tuple[str, bytes]],
    *,
    child: int | str | None,
    form_type: str = "all_about_me",
):
    """POST files to /admin/scans as the upload form does, CSRF token included."""
    page = client.get(SCANS)
    fields = MultiDict(
        [
            ("csrf_token", csrf_token_from(page.get_data(as_text=True))),
            ("child", "" if child is None else str(child)),
            ("form_type", form_type),
        ]
    )
    for name, content in files:
        fields.add("file", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(fields)  # in memory: no temporary file left open
    return client.post(SCANS, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def latest_scan(app: Flask) -> ScannedForm:
    """The newest scan, with its pages loaded, detached from the session."""
    with app.app_context():
        scan = db.session.scalars(select(ScannedForm).order_by(ScannedForm.id.desc())).first()
        assert scan is not None
        for page in scan.pages:
            db.session.expunge(page)
        db.session.expunge(scan)
        return scan


def review_fields(client: FlaskClient, scan_id: int) -> dict[str, str]:
    """The review form as the page offers it: token, version and each page's text."""
    html = client.get(f"{SCANS}/{scan_id}").get_data(as_text=True)
    fields = {
        "csrf_token": csrf_token_from(html),
        "version": re.search(r'name="version" value="(\d+)"', html).group(1),
    }
    for number, text in re.findall(
        r'<textarea id="page-(\d+)" name="page-\d+"[^>]*>(.*?)</textarea>', html, re.S
    ):
        fields[f"page-{number}"] = _unescape(text)
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def publish(client: FlaskClient, scan_id: int, *, target: str = "new", title: str = "", **texts):
    """Press "Publish to the wiki" with the texts the page offers, changed by `texts`
    (page_1="…")."""
    fields = review_fields(client, scan_id)
    fields.update({key.replace("_", "-"): value for key, value in texts.items()})
    fields.update({"target": target, "title": title, "action": "publish"})
    return client.post(f"{SCANS}/{scan_id}", data=fields)


def confirm(client: FlaskClient, child: str, scan_id: int):
    page = client.get(f"/c/{child}/paper-forms/{scan_id}")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/c/{child}/paper-forms/{scan_id}/confirm", data={"csrf_token": token})
