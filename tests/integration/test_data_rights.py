"""Issue 5, data rights: the owner downloads everything, or has everything erased.

The export is checked by unzipping it: every revision of every page (deleted ones too)
is there as a web page with its words, the JSON parses, every link inside the copy
leads to a file inside the copy, and each media file is byte for byte what the app
serves as the download. Erasure is checked on local storage and on a real S3 server:
no row that names the child and no stored object of its media is left, while the
other demo family's data is exactly as it was.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from media.models import MediaFile, MediaItem
from media.storage import storage_for
from portal import audit
from portal.accounts.models import LoginSession, User
from portal.audit import AuditEvent
from portal.dbtypes import utcnow
from portal.demo import SAM_PAGES, load_demo_data
from portal.extensions import db
from portal.families.models import Child
from portal.invitations.models import Invitation
from portal.rights import service
from portal.rights.models import ErasureRequest
from tests import media_samples
from tests.conftest import csrf_token_from, log_in, log_out
from tests.integration import s3_server
from tests.integration.media_helpers import fetch, file_url, upload
from tests.integration.wiki_helpers import post_button, save_page
from wiki.models import Page, Revision
from wiki.search import search_pages

DATA = "/c/sam/data"


@pytest.fixture(autouse=True)
def fresh_view_memory():
    audit.recent_views.forget()
    yield
    audit.recent_views.forget()


@pytest.fixture(params=["local", "s3"])
def any_app(request, app, tmp_path):
    """The demo on local storage, or on a real S3 server (SeaweedFS)."""
    if request.param == "local":
        with app.app_context():
            load_demo_data()
        yield app
        return
    bucket, _ = request.getfixturevalue("s3_bucket")
    s3_app = request.getfixturevalue("app_factory")(
        STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.ENDPOINT
    )
    with s3_app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_data()
    yield s3_app
    with s3_app.app_context():
        db.session.remove()
        db.drop_all()


def child_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Child.id).where(Child.slug == slug))


def press(client, url: str, **fields):
    """A POST button on the data page, with its CSRF token."""
    token = csrf_token_from(client.get(DATA).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **fields})


def fill_sams_record(client) -> dict:
    """As Sam's parent: pages with several versions (one page deleted), a photo with
    GPS (replaced once, so two generations), a PDF, a link, an invitation."""
    log_in(client, "parent@demo.test")
    garden = upload(client, [("garden.jpg", media_samples.jpeg_with_gps())], title="Garden")
    assert garden.status_code == 303
    with client.application.app_context():
        photo = db.session.scalar(select(func.max(MediaItem.id)))
    token = csrf_token_from(client.get(f"/c/sam/media/{photo}").get_data(as_text=True))
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        MultiDict(
            [
                ("csrf_token", token),
                ("file", FileStorage(io.BytesIO(media_samples.plain_jpeg()), "new.jpg")),
            ]
        )
    )
    replaced = client.post(
        f"/c/sam/media/{photo}/replace",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert replaced.status_code == 303
    letter = upload(client, [("letter.pdf", media_samples.pdf())], title="School letter")
    assert letter.status_code == 303
    token = csrf_token_from(client.get("/c/sam/media").get_data(as_text=True))
    link = client.post(
        "/c/sam/media/links",
        data={"csrf_token": token, "url": "https://example.org/swim", "title": "Swim club"},
    )
    assert link.status_code == 303
    texts = {
        "my-day": ["Sam likes zebracorn mornings.", "Sam likes zebracorn mornings & <toast>."],
        "school": ["Maths is hard.", f"Maths is hard.\n\n![Our garden](media:{photo})"],
        "old-page": ["Something no longer true."],
    }
    for slug, bodies in texts.items():
        for number, body_text in enumerate(bodies, start=1):
            assert save_page(client, "sam", slug, body_text, summary=f"v{number}").status_code in (
                302,
                303,
            )
    post_button(client, "/c/sam/wiki/old-page/delete", "/c/sam/wiki/old-page")
    token = csrf_token_from(client.get("/c/sam/people").get_data(as_text=True))
    client.post(
        "/c/sam/people/invite",
        data={"csrf_token": token, "role": "family_viewer", "name": "Gran", "email": ""},
    )
    return {"photo": photo}


def fill_alex_record(client):
    log_in(client, "other.parent@demo.test")
    added = upload(client, [("alex.png", media_samples.png())], title="Alex", child="alex")
    assert added.status_code == 303
    save_page(client, "alex", "about-alex", "Alex loves quokkaberry trains.")
    log_out(client)


# ---- who may come in -------------------------------------------------------------------


@pytest.mark.parametrize("login", ["sam", "caseworker@demo.test", "other.parent@demo.test"])
def test_only_the_owner_may_use_the_data_pages(client, demo, login):
    log_in(client, login)
    assert client.get(DATA).status_code == 404
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for url in (f"{DATA}/export", f"{DATA}/erase", f"{DATA}/erase/cancel"):
        answer = client.post(url, data={"csrf_token": token, "confirm_name": "Sam Shah"})
        assert answer.status_code == 404, url
    assert client.get("/c/no-such-child/data").status_code == 404


def test_the_owner_sees_both_rights_and_strangers_are_sent_to_log_in(client, demo, app):
    assert client.get(DATA).status_code == 302
    assert "/login" in client.get(DATA).location
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    for url in (f"{DATA}/export", f"{DATA}/erase", f"{DATA}/erase/cancel"):
        # The app's answer to a logged-out form post: log in again, nothing was done.
        answer = client.post(url, data={"csrf_token": token, "confirm_name": "Sam Shah"})
        assert answer.status_code == 401, url
        assert "application/zip" not in answer.content_type
    log_in(client, "parent@demo.test")
    page = client.get(DATA).get_data(as_text=True)
    assert "Download everything" in page and "Erase everything" in page
    assert "Type Sam Shah to confirm" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


# ---- the copy of everything ------------------------------------------------------------


def relative_links(html: str) -> list[str]:
    return [
        link
        for link in re.findall(r'(?:href|src)="([^"]+)"', html)
        if not link.startswith(("http://", "https://", "mailto:", "#"))
    ]


def test_the_export_holds_every_revision_media_file_and_the_activity(
    any_app, monkeypatch, tmp_path
):
    client = any_app.test_client()
    made = fill_sams_record(client)
    opened = []
    real_temporary_file = __import__("tempfile").TemporaryFile

    def recording_temporary_file(*args, **kwargs):
        opened.append(real_temporary_file(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr("portal.rights.export.tempfile.TemporaryFile", recording_temporary_file)
    token = csrf_token_from(client.get(DATA).get_data(as_text=True))
    response = client.post(f"{DATA}/export", data={"csrf_token": token}, buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=sam-golden-thread.zip"
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_data()
    assert int(response.headers["Content-Length"]) == len(data)
    response.close()
    # The zip was built in one unnamed temporary file, closed (so gone) once sent.
    assert len(opened) == 1 and opened[0].closed

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
        read = {name: archive.read(name) for name in names}

    with any_app.app_context():
        sam = db.session.scalar(select(Child).where(Child.slug == "sam"))
        pages = db.session.scalars(select(Page).where(Page.child_id == sam.id)).all()
        demo_pages = {slug for slug, *_rest in SAM_PAGES}
        assert {p.slug for p in pages} == {"my-day", "school", "old-page"} | demo_pages
        for page in pages:
            revisions = db.session.scalars(
                select(Revision).where(Revision.page_id == page.id).order_by(Revision.number)
            ).all()
            history = json.loads(read[f"pages/{page.slug}/history.json"])
            assert history["page"]["deleted"] == page.deleted
            assert [r["number"] for r in history["revisions"]] == [r.number for r in revisions]
            for revision, exported in zip(revisions, history["revisions"], strict=True):
                assert exported["body"] == revision.body
                assert exported["title"] == revision.title
                assert exported["kind"] == revision.kind
                assert exported["summary"] == revision.summary
                assert exported["author"] == "Priya Shah"
                assert exported["created_at"] == revision.created_at.isoformat()
                html = read[f"pages/{page.slug}/v{revision.number}.html"].decode()
                assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
                first_line = revision.body.split("\n")[0].replace("**", "")
                assert escape(first_line, quote=False) in html
                assert escape(revision.title) in html and "Priya Shah" in html
            assert f"v{len(revisions) + 1}.html" not in read
        deleted = json.loads(read["pages/old-page/history.json"])["revisions"]
        assert [r["kind"] for r in deleted] == ["create", "delete"]

        items = db.session.scalars(select(MediaItem).where(MediaItem.child_id == sam.id)).all()
        described = {entry["id"]: entry for entry in json.loads(read["media/media.json"])}
        assert set(described) == {item.id for item in items}
        for item in items:
            entry = described[item.id]
            assert entry["title"] == item.title and entry["kind"] == item.kind
            assert entry["file"] in names
            if item.kind == "link":
                assert b"https://example.org/swim" in read[entry["file"]]
                continue
            served = fetch(client, file_url(item.id, "download"))
            assert read[entry["file"]] == served, item.title
        photo_file = described[made["photo"]]["file"]
        assert b"GPS" not in read[photo_file]
        # The picture embedded in a page points at its file in the copy.
        school = read["pages/school/v2.html"].decode()
        assert f'<img src="../../{photo_file}" alt="Our garden">' in school

        activity = json.loads(read["activity.json"])
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.child_id == sam.id)).all()
        exports = [e for e in events if e.target_type == "export"]
        assert [(e.action, e.actor_name) for e in exports] == [("downloaded", "Priya Shah")]
        # Everything before the download itself (written once the copy was made).
        assert len(activity) == len([e for e in events if e.id < exports[0].id])
        assert any(line["what"] == "added “School letter”" for line in activity)
        assert all("ip_address" not in line for line in activity)  # people's, not Sam's
        assert "Priya Shah" in read["activity.html"].decode()

    # Opens offline: every address in every page of the copy is a file in the copy.
    for name, content in read.items():
        if not name.endswith(".html"):
            continue
        html = content.decode()
        assert "/static/" not in html and "<script" not in html
        for link in relative_links(html):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link))
            target = re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), target)
            assert target in names, (name, link)
    index = read["index.html"].decode()
    for page_title in ("My day", "School", "Old page"):
        assert page_title in index
    assert 'href="activity.html"' in index

    log_out(client)
    log_in(client, "parent@demo.test")
    activity_page = client.get("/c/sam/activity").get_data(as_text=True)
    assert "downloaded a copy of everything" in activity_page


# ---- asking for erasure, and changing your mind ----------------------------------------


@pytest.mark.app_config(ERASURE_GRACE_DAYS=30)
def test_erasure_needs_the_name_waits_and_can_be_stopped(client, demo, app):
    log_in(client, "parent@demo.test")
    wrong = press(client, f"{DATA}/erase", confirm_name="Sam Smith")
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert "Type Sam Shah exactly as it is written here." in html
    assert 'value="Sam Smith"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0

    asked = press(client, f"{DATA}/erase", confirm_name="  sam   SHAH ")
    assert asked.status_code == 303
    with app.app_context():
        waiting = db.session.scalars(select(ErasureRequest)).one()
        assert waiting.erase_after - waiting.requested_at == timedelta(days=30)
        day = waiting.erase_after.strftime("%-d %B %Y")
    page = client.get(DATA).get_data(as_text=True)
    assert f"Everything about Sam will be erased on {day}" in page
    assert "Stop the erasing" in page and "Type Sam Shah to confirm" not in page
    # Not due yet: the command leaves Sam alone.
    result = app.test_cli_runner().invoke(args=["erase-due"])
    assert result.exit_code == 0 and "0 erased." in result.output
    assert client.get("/c/sam/").status_code == 200

    stopped = press(client, f"{DATA}/erase/cancel")
    assert stopped.status_code == 303
    page = client.get(DATA).get_data(as_text=True)
    assert "will be erased on" not in page and "Type Sam Shah to confirm" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


def test_the_command_erases_a_child_once_the_grace_period_is_over(client, demo, app):
    log_in(client, "parent@demo.test")
    save_page(client, "sam", "my-day", "Gone soon.")
    assert press(client, f"{DATA}/erase", confirm_name="Sam Shah").status_code == 303
    with app.app_context():
        waiting = db.session.scalars(select(ErasureRequest)).one()
        waiting.erase_after = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["erase-due"])
    assert result.exit_code == 0, result.output
    assert "1 erased." in result.output
    assert client.get("/c/sam/").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Child.slug).where(Child.slug == "sam")) is None
        assert db.session.scalar(select(Child.slug).where(Child.slug == "alex")) == "alex"
        assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
        # The parent keeps their own account; Sam's own login existed only for Sam's wiki.
        assert db.session.scalar(select(User.id).where(User.email == "parent@demo.test"))
        assert db.session.scalar(select(User.id).where(User.username == "sam")) is None


# ---- the erasure itself ----------------------------------------------------------------


def rows_naming(child: int, page_ids, item_ids) -> dict[str, int]:
    """How many rows of each table name the child: every table with a child_id column
    (found from the metadata), the child row, revisions and media files."""

    def count(table, condition) -> int:
        return db.session.scalar(select(func.count()).select_from(table).where(condition))

    counts = {
        table.name: count(table, table.c.child_id == child)
        for table in db.metadata.sorted_tables
        if "child_id" in table.c
    }
    counts["child"] = count(Child.__table__, Child.id == child)
    counts["wiki_revision"] = count(Revision.__table__, Revision.page_id.in_(page_ids or [-1]))
    counts["media_file"] = count(MediaFile.__table__, MediaFile.item_id.in_(item_ids or [-1]))
    return counts


def stored_keys(app, tmp_path, bucket) -> set[str]:
    """Every object in the store, whoever it belongs to."""
    if app.config["STORAGE"] == "local":
        root = Path(tmp_path / "media")
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    name, client = bucket
    listing = client.list_objects_v2(Bucket=name)
    return {entry["Key"] for entry in listing.get("Contents", [])}


def record_of(slug: str) -> dict:
    child = db.session.scalar(select(Child.id).where(Child.slug == slug))
    page_ids = db.session.scalars(select(Page.id).where(Page.child_id == child)).all()
    item_ids = db.session.scalars(select(MediaItem.id).where(MediaItem.child_id == child)).all()
    keys = set(
        db.session.scalars(
            select(MediaFile.key)
            .join(MediaItem, MediaItem.id == MediaFile.item_id)
            .where(MediaItem.child_id == child)
        )
    )
    return {
        "id": child,
        "page_ids": list(page_ids),
        "item_ids": list(item_ids),
        "keys": keys,
        "rows": rows_naming(child, page_ids, item_ids),
    }


def search_index_finds(word: str) -> int:
    """Pages the search index finds for a word, across every child."""
    if db.engine.dialect.name == "sqlite":
        return db.session.scalar(
            text("SELECT count(*) FROM wiki_page_search WHERE wiki_page_search MATCH :word"),
            {"word": word},
        )
    return db.session.scalar(
        text(
            "SELECT count(*) FROM wiki_page WHERE to_tsvector('english', coalesce(title, '') "
            "|| ' ' || coalesce(body, '')) @@ to_tsquery('english', :word)"
        ),
        {"word": word},
    )


def test_erasing_leaves_no_row_and_no_stored_file_of_the_child(any_app, request, tmp_path):
    bucket = request.getfixturevalue("s3_bucket") if any_app.config["STORAGE"] == "s3" else None
    client = any_app.test_client()
    fill_sams_record(client)
    client.get("/c/sam/")  # a view in the audit trail
    log_out(client)
    log_in(client, "sam")  # Sam's own login has a session to end
    client.get("/c/sam/")
    log_out(client)
    fill_alex_record(client)
    with any_app.app_context():
        champion = db.session.scalar(select(User).where(User.email == "champion@demo.test"))
        sam_id = child_id(any_app, "sam")
        db.session.add(  # a champion's invitation that started Sam's wiki
            Invitation(
                kind="new_family",
                council_id=champion.council_id,
                role="parent",
                token_hash="0" * 64,
                invited_by_id=champion.id,
                expires_at=utcnow(),
                created_child_id=sam_id,
            )
        )
        db.session.add(ErasureRequest(child_id=sam_id, erase_after=utcnow(), requested_at=utcnow()))
        db.session.commit()
        sam, alex = record_of("sam"), record_of("alex")
        assert len(sam["keys"]) >= 6  # two photo generations, a PDF and their renditions
        generations = db.session.scalars(
            select(MediaFile.generation)
            .join(MediaItem, MediaItem.id == MediaFile.item_id)
            .where(MediaItem.child_id == sam_id)
        ).all()
        assert set(generations) == {1, 2}
        for table in ("membership", "wiki_page", "media_item", "audit_event", "invitation"):
            assert sam["rows"][table] > 0, table
        assert sam["rows"]["erasure_request"] == 1
        assert alex["rows"]["wiki_page"] and alex["keys"]
        stored = stored_keys(any_app, tmp_path, bucket)
        assert sam["keys"] <= stored and alex["keys"] <= stored
        assert search_index_finds("zebracorn") == 1 and search_index_finds("quokkaberry") == 1
        sam_login = db.session.scalar(select(User.id).where(User.username == "sam"))

        report = service.erase_child(sam_id, storage_for(any_app))

        assert report.objects_deleted == len(sam["keys"])
        after = rows_naming(sam_id, sam["page_ids"], sam["item_ids"])
        assert after == dict.fromkeys(after, 0), after
        # No object of Sam's is left; in fact the store holds exactly Alex's.
        left = stored_keys(any_app, tmp_path, bucket)
        assert not (left & sam["keys"])
        assert left == alex["keys"]
        # The search index forgot Sam's pages and still knows Alex's.
        assert search_index_finds("zebracorn") == 0
        if db.engine.dialect.name == "sqlite":
            db.session.execute(
                text("INSERT INTO wiki_page_search(wiki_page_search) VALUES('integrity-check')")
            )
        assert search_index_finds("quokkaberry") == 1
        hits = search_pages(alex["id"], "quokkaberry", visibilities={"family", "team"})
        assert [hit.slug for hit in hits] == ["about-alex"]
        # Sam's own login went with the wiki; everyone else keeps their account.
        assert db.session.get(User, sam_login) is None
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(LoginSession)
                .where(LoginSession.user_id == sam_login)
            )
            == 0
        )
        emails = set(db.session.scalars(select(User.email).where(User.email.is_not(None))))
        assert {"parent@demo.test", "caseworker@demo.test", "other.parent@demo.test"} <= emails
        # The champion's own invitation stays, no longer pointing at the erased child.
        kept = db.session.scalars(select(Invitation).where(Invitation.kind == "new_family")).one()
        assert kept.created_child_id is None
        # Alex is untouched, row for row.
        assert record_of("alex") == alex

    # Through the web, Sam's addresses are gone for everyone; Alex's family carries on.
    log_in(client, "parent@demo.test")
    assert client.get("/c/sam/").status_code == 404
    assert client.get(DATA).status_code == 404
    log_out(client)
    log_in(client, "other.parent@demo.test")
    assert client.get("/c/alex/wiki/about-alex").status_code == 200
    with any_app.app_context():
        alex_item = db.session.scalar(select(MediaItem.id).where(MediaItem.child_id == alex["id"]))
    assert fetch(client, file_url(alex_item, "download", child="alex"))


def test_erasing_refuses_files_in_a_store_it_was_not_given(client, demo, app):
    log_in(client, "parent@demo.test")
    upload(client, [("letter.pdf", media_samples.pdf())])
    with app.app_context():
        db.session.execute(MediaFile.__table__.update().values(backend="elsewhere"))
        db.session.commit()
        with pytest.raises(service.ErasureError):
            service.erase_child(child_id(app, "sam"), storage_for(app))
        assert db.session.scalar(select(Child.id).where(Child.slug == "sam")) is not None


@pytest.mark.app_config(RATELIMIT_ENABLED=True, EXPORT_RATE_LIMIT="2 per hour")
def test_exports_are_limited_per_person(client, demo):
    log_in(client, "parent@demo.test")
    statuses = []
    for _ in range(3):
        response = press(client, f"{DATA}/export")
        statuses.append(response.status_code)
        response.close()
    assert statuses == [200, 200, 429]
