"""The key worker's photo: staff add it to their details, families see it on the child's
page; only a small copy without location or camera details is kept, on disk or on S3."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from media.storage import storage_for
from portal.accounts.models import User
from portal.contact.models import KeyWorkerProfile
from portal.extensions import db
from tests import media_samples
from tests.conftest import csrf_token_from, log_in, log_out
from tests.integration.media_helpers import fetch

PROFILE = "/account/key-worker"
DETAILS = {"job_title": "SEND caseworker", "phone": "01632 960123", "hours": "Mon–Thu 9–5"}


def status_of(client, url: str) -> int:
    response = client.get(url, buffered=True)
    response.close()
    return response.status_code


def send_profile(client, photo: tuple[str, bytes] | None = None, **fields):
    token = csrf_token_from(client.get(PROFILE).get_data(as_text=True))
    data = {"csrf_token": token, **DETAILS, **fields}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[1]), photo[0])
    return client.post(PROFILE, data=data, content_type="multipart/form-data")


def profile_of(app, email: str) -> KeyWorkerProfile:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        profile = db.session.get(KeyWorkerProfile, user.id)
        db.session.expunge(profile)
        return profile


def test_the_family_sees_a_small_photo_without_location(storage_app):
    client = storage_app.test_client()
    log_in(client, "caseworker@demo.test")
    response = send_profile(client, ("me.jpg", media_samples.jpeg_with_gps(1200, 800)))
    assert response.status_code == 303
    first = profile_of(storage_app, "caseworker@demo.test")
    assert first.photo_key.startswith("staff-photos/") and first.photo_mime == "image/jpeg"
    assert first.job_title == "SEND caseworker"
    log_out(client)

    log_in(client, "parent@demo.test")
    home = client.get("/c/sam/").get_data(as_text=True)
    assert 'src="/c/sam/key-worker/photo"' in home and 'alt="Photo of Ms Patel"' in home
    data = fetch(client, "/c/sam/key-worker/photo")
    for telltale in media_samples.TELLTALES:
        assert telltale not in data, telltale
    with Image.open(io.BytesIO(data)) as picture:
        assert max(picture.size) <= 320
    log_out(client)

    # A new photo replaces the old one, and the old copy is gone from the store.
    log_in(client, "caseworker@demo.test")
    assert send_profile(client, ("new.png", media_samples.png())).status_code == 303
    second = profile_of(storage_app, "caseworker@demo.test")
    assert second.photo_key != first.photo_key
    with storage_app.app_context():
        storage = storage_for(storage_app)
        assert not storage.exists(first.photo_key) and storage.exists(second.photo_key)
    # Removing it: families see initials again; the copy is deleted.
    assert send_profile(client, remove_photo="y").status_code == 303
    assert profile_of(storage_app, "caseworker@demo.test").photo_key is None
    with storage_app.app_context():
        assert not storage_for(storage_app).exists(second.photo_key)
    assert status_of(client, "/account/key-worker/photo") == 404


def test_a_file_that_is_not_a_photo_is_refused_and_the_details_are_kept(client, demo, app):
    log_in(client, "caseworker@demo.test")
    response = send_profile(client, ("notes.pdf", media_samples.pdf()), hours="Tuesdays only")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your details are saved, but not the photo" in page
    assert 'value="Tuesdays only"' in page
    profile = profile_of(app, "caseworker@demo.test")
    assert profile.photo_key is None and profile.hours == "Tuesdays only"


def test_only_people_who_see_the_child_see_the_key_workers_photo(client, demo, app):
    log_in(client, "caseworker@demo.test")
    assert send_profile(client, ("me.png", media_samples.png())).status_code == 303
    assert status_of(client, "/account/key-worker/photo") == 200
    log_out(client)
    log_in(client, "other.parent@demo.test")
    assert status_of(client, "/c/sam/key-worker/photo") == 404
    assert status_of(client, "/account/key-worker/photo") == 404  # not staff
    log_out(client)
    log_in(client, "sam", "demo-young-pass")
    assert status_of(client, "/c/sam/key-worker/photo") == 200
