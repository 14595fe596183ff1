"""Media on a real S3 server (SeaweedFS) and through a real RQ queue on Redis."""

from __future__ import annotations

import io
import os
import time
import urllib.error
import urllib.request

import pytest
import requests

from media.models import MediaItem
from media.storage import storage_for
from portal.extensions import db
from portal.worker import make_worker
from tests import media_samples
from tests.conftest import csrf_token_from, log_in
from tests.integration import s3_server
from tests.integration.media_helpers import fetch, file_url, latest_item, upload

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def s3_app(app_factory, s3_bucket):
    bucket, _ = s3_bucket
    app = app_factory(STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.ENDPOINT)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from portal.demo import load_demo_data

        load_demo_data()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


def test_on_s3_files_are_served_by_short_lived_addresses(s3_app):
    client = s3_app.test_client()
    log_in(client, "parent@demo.test")
    assert upload(client, [("gps.jpg", media_samples.jpeg_with_gps())]).status_code == 303
    item = latest_item(s3_app)
    assert item.status == "ready"
    response = client.get(file_url(item.id, "display"), buffered=True)
    assert response.status_code == 303
    assert response.location.startswith(s3_server.ENDPOINT)
    assert "X-Amz-Expires=300" in response.location
    data = fetch(client, file_url(item.id, "download"))
    assert b"GPS" not in data and data[:2] == b"\xff\xd8"
    # The policy lets the page load pictures from the store and nothing else new.
    policy = client.get(f"/c/sam/media/{item.id}").headers["Content-Security-Policy"]
    assert f"img-src 'self' data: {s3_server.ENDPOINT}" in policy


def test_a_presigned_address_stops_working_after_it_expires(s3_app):
    with s3_app.app_context():
        storage = storage_for(s3_app)
        storage.put("tests/expiring", io.BytesIO(b"secret bytes"))
        url = storage.presigned_get(
            "tests/expiring", expires_seconds=1, mime="text/plain", disposition="attachment"
        )
    with urllib.request.urlopen(url, timeout=10) as live:  # noqa: S310
        assert live.read() == b"secret bytes"
    time.sleep(2.5)
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310
    assert expired.value.code == 403
    expired.value.close()


def test_s3_itself_refuses_a_direct_upload_one_byte_over_the_limit(s3_app):
    with s3_app.app_context():
        storage = storage_for(s3_app)
        post = storage.presigned_post("tests/direct", max_bytes=1000, expires_seconds=60)
    too_big = requests.post(
        post["url"], data=post["fields"], files={"file": ("x", b"a" * 1001)}, timeout=10
    )
    assert too_big.status_code in (400, 403)
    just_right = requests.post(
        post["url"], data=post["fields"], files={"file": ("x", b"a" * 1000)}, timeout=10
    )
    assert just_right.status_code in (200, 201, 204)
    with s3_app.app_context():
        assert storage_for(s3_app).size("tests/direct") == 1000


@pytest.fixture
def redis_app(app_factory):
    from redis import Redis

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Redis at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    app = app_factory(REDIS_URL=REDIS_URL, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        db.drop_all()
        db.create_all()
        from portal.demo import load_demo_data

        load_demo_data()
    yield app
    connection.flushdb()
    with app.app_context():
        db.session.remove()
        db.drop_all()


def test_with_redis_uploads_wait_for_the_worker_then_are_ready(redis_app):
    client = redis_app.test_client()
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())])
    item = latest_item(redis_app)
    assert item.status == "processing"
    page = client.get(f"/c/sam/media/{item.id}").get_data(as_text=True)
    assert "Getting this ready" in page
    assert make_worker(redis_app, REDIS_URL).work(burst=True)
    with redis_app.app_context():
        assert db.session.get(MediaItem, item.id).status == "ready"
    assert client.get(file_url(item.id, "thumb"), buffered=True).status_code == 200


def _direct_upload(client, content: bytes, filename: str):
    token = csrf_token_from(client.get("/c/sam/media").get_data(as_text=True))
    ticket = client.post("/c/sam/media/direct", data={"csrf_token": token}).get_json()
    stored = requests.post(
        ticket["url"], data=ticket["fields"], files={"file": (filename, content)}, timeout=10
    )
    assert stored.status_code in (200, 201, 204)
    done = client.post(
        "/c/sam/media/direct/done",
        data={"csrf_token": token, "token": ticket["token"], "filename": filename, "title": ""},
    )
    return ticket, done


def test_on_s3_the_browser_uploads_straight_to_the_store_and_the_server_checks_it(s3_app):
    client = s3_app.test_client()
    log_in(client, "parent@demo.test")
    page = client.get("/c/sam/media").get_data(as_text=True)
    assert 'data-direct-url="/c/sam/media/direct"' in page
    ticket, done = _direct_upload(client, media_samples.jpeg_with_gps(), "garden.jpg")
    assert done.status_code == 200
    item = latest_item(s3_app)
    assert done.get_json()["location"] == f"/c/sam/media/{item.id}"
    assert (item.kind, item.status, item.title) == ("image", "ready", "garden")
    assert b"GPS" not in fetch(client, file_url(item.id, "download"))
    # The same ticket cannot make a second item.
    token = csrf_token_from(page)
    again = client.post(
        "/c/sam/media/direct/done",
        data={"csrf_token": token, "token": ticket["token"], "filename": "x.jpg"},
    )
    assert again.status_code == 400


def test_a_direct_upload_that_is_not_a_file_we_take_is_removed_from_the_store(s3_app):
    client = s3_app.test_client()
    log_in(client, "parent@demo.test")
    ticket, done = _direct_upload(client, b"<svg onload=alert(1)></svg>", "cat.jpg")
    assert done.status_code == 400
    assert "cat.jpg" in done.get_json()["errors"][0]
    key = ticket["fields"]["key"]
    with s3_app.app_context():
        assert not storage_for(s3_app).exists(key)


def test_a_direct_upload_ticket_only_works_for_its_own_person(s3_app):
    client = s3_app.test_client()
    log_in(client, "parent@demo.test")
    token = csrf_token_from(client.get("/c/sam/media").get_data(as_text=True))
    ticket = client.post("/c/sam/media/direct", data={"csrf_token": token}).get_json()
    client.post("/logout", data={"csrf_token": token})
    log_in(client, "sam", "demo-young-pass")
    token = csrf_token_from(client.get("/c/sam/media").get_data(as_text=True))
    stolen = client.post(
        "/c/sam/media/direct/done",
        data={"csrf_token": token, "token": ticket["token"], "filename": "x.jpg"},
    )
    assert stolen.status_code == 404


def test_without_s3_there_is_no_direct_upload(client, demo):
    log_in(client, "parent@demo.test")
    token = csrf_token_from(client.get("/c/sam/media").get_data(as_text=True))
    assert client.post("/c/sam/media/direct", data={"csrf_token": token}).status_code == 404
