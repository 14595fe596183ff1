"""The audit trail: every view and change of a child's data, shown to the family."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import audit
from portal.audit import AuditEvent
from portal.extensions import db
from tests import media_samples
from tests.conftest import log_in, log_out
from tests.integration.media_helpers import latest_item, upload


@pytest.fixture(autouse=True)
def fresh_view_memory():
    audit.recent_views.forget()
    yield
    audit.recent_views.forget()


def events(app):
    with app.app_context():
        return [
            (e.actor_name, e.action, e.target_type, e.target_label)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_the_family_sees_who_looked_at_what_in_plain_words(client, demo, app):
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())], title="Tom the cat")
    log_out(client)
    log_in(client, "caseworker@demo.test")
    client.get("/c/sam/")
    log_out(client)
    log_in(client, "parent@demo.test")
    page = client.get("/c/sam/activity").get_data(as_text=True)
    assert "<strong>Ms Patel</strong> (caseworker) looked at the home page" in page
    assert "added “Tom the cat”" in page


def test_a_view_is_written_once_per_quarter_hour(client, demo, app):
    log_in(client, "parent@demo.test")
    for _ in range(3):
        client.get("/c/sam/")
    views = [e for e in events(app) if e[1] == "viewed" and e[2] == "child"]
    assert len(views) == 1


def test_media_changes_are_in_the_trail(client, demo, app):
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())], title="Tom")
    item = latest_item(app)
    client.get(f"/c/sam/media/{item.id}")
    client.get(f"/c/sam/media/{item.id}/file/download", buffered=True)
    actions = [(a, t, label) for _, a, t, label in events(app) if t == "media"]
    assert ("uploaded", "media", "Tom") in actions
    assert ("viewed", "media", "Tom") in actions
    assert ("downloaded", "media", "Tom") in actions


def test_the_trail_cannot_be_changed(client, demo, app):
    log_in(client, "parent@demo.test")
    client.get("/c/sam/")
    with app.app_context():
        entry = db.session.scalars(select(AuditEvent)).first()
        entry.action = "edited"
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()
        entry = db.session.scalars(select(AuditEvent)).first()
        db.session.delete(entry)
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("login", ["caseworker@demo.test", "other.parent@demo.test"])
def test_only_the_family_reads_the_trail(client, demo, login):
    log_in(client, login)
    assert client.get("/c/sam/activity").status_code == 404


def test_the_trail_records_where_from(client, demo, app):
    log_in(client, "parent@demo.test")
    client.get("/c/sam/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with app.app_context():
        entry = db.session.scalars(select(AuditEvent)).one()
        assert entry.ip_address == "203.0.113.9"


def test_page_views_and_changes_are_in_the_trail(client, demo, app):
    from tests.integration.wiki_helpers import save_page

    log_in(client, "parent@demo.test")
    save_page(client, "sam", "my-health", "Asthma.")
    save_page(client, "sam", "my-health", "Asthma and eczema.")
    client.get("/c/sam/wiki/my-health")
    client.get("/c/sam/search?q=eczema")
    trail = [(a, t, label) for _, a, t, label in events(app)]
    assert ("created", "page", "My health") in trail
    assert ("edited", "page", "My health") in trail
    assert ("viewed", "page", "My health") in trail
    assert ("searched", "child", "eczema") in trail
    page = client.get("/c/sam/activity").get_data(as_text=True)
    assert "changed the page “My health”" in page
    assert "searched the pages for “eczema”" in page
