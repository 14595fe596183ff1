"""Helpers for media tests: upload through the real form, read back what is served."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from media.models import MediaItem
from portal.extensions import db
from tests.conftest import csrf_token_from

LIBRARY = "/c/sam/media"


def upload(
    client: FlaskClient,
    files: list[tuple[str, bytes]],
    *,
    title: str = "",
    alt: str = "",
    child: str = "sam",
    json: bool = False,
):
    """POST files to a child's library as the form does."""
    page = client.get(f"/c/{child}/media")
    fields = MultiDict(
        [
            ("csrf_token", csrf_token_from(page.get_data(as_text=True))),
            ("title", title),
            ("alt", alt),
        ]
    )
    for name, content in files:
        fields.add("file", FileStorage(io.BytesIO(content), filename=name))
    # Encoded in memory: Werkzeug's own encoder puts a big body in a temporary file
    # that nobody closes.
    boundary, body = encode_multipart(fields)
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        f"/c/{child}/media",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def latest_item(app: Flask) -> MediaItem:
    with app.app_context():
        item = db.session.scalars(select(MediaItem).order_by(MediaItem.id.desc())).first()
        assert item is not None
        db.session.expunge(item)
        return item


def fetch(client: FlaskClient, url: str) -> bytes:
    """The bytes behind a media address, following a redirect to S3 if there is one."""
    response = client.get(url, buffered=True)
    if response.status_code in (302, 303) and response.location.startswith("http"):
        import urllib.request

        with urllib.request.urlopen(response.location, timeout=10) as remote:  # noqa: S310
            return remote.read()
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data()


def file_url(item_id: int, name: str, child: str = "sam") -> str:
    return f"/c/{child}/media/{item_id}/file/{name}"
