"""Scanned paper forms through their routes: an administrator uploads and checks a
scan, publishes it to the child's wiki, and the family confirms it. Reading runs
inline (no REDIS_URL), so a scan is read by the time its upload answers."""

from __future__ import annotations

import re
import weakref

import pytest
from sqlalchemy import select

from media.models import MediaItem
from media.storage import storage_for
from portal.audit import AuditEvent, recent_views
from portal.extensions import db
from portal.mail import OutboxMail
from portal.scans import reading
from portal.scans.models import ScannedForm
from tests import media_samples, scan_samples
from tests.conftest import log_in, log_out, make_council, make_user
from tests.integration.media_helpers import fetch
from tests.integration.scan_helpers import (
    SCANS,
    child_id,
    confirm,
    latest_scan,
    publish,
    review_fields,
    upload_scans,
)
from tests.integration.wiki_helpers import save_page
from wiki.models import Page

pytestmark = pytest.mark.app_config(REDIS_URL=None)
MARKER = "From a paper form — please check."


@pytest.fixture(autouse=True)
def tesseract():
    scan_samples.require_tesseract()


@pytest.fixture
def admin(client, demo):
    log_in(client, "admin@demo.test")
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def audit_actions(app, scan_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target_type == "scan", AuditEvent.target_id == scan_id)
                .order_by(AuditEvent.id)
            )
        )


def test_a_two_page_form_is_read_checked_published_and_confirmed(storage_app):
    recent_views.forget()  # each view below is its own line in the trail
    client = storage_app.test_client()
    log_in(client, "admin@demo.test")
    uploaded = scan_samples.form_pdf()
    response = upload_scans(client, [("all-about-me.pdf", uploaded)], child=child_id(storage_app))
    assert response.status_code == 303
    scan = latest_scan(storage_app)
    assert response.location.endswith(f"{SCANS}/{scan.id}")
    assert scan.status == "read" and scan.page_count == 2 and scan.ocr_used
    read = "\n".join(page.ocr_text for page in scan.pages)
    assert scan_samples.share_recovered(scan_samples.form_text(), read) >= 0.95

    # Each page's picture sits beside its text, which can be corrected.
    review = text(client.get(f"{SCANS}/{scan.id}"))
    assert 'alt="Page 2 of the scanned form"' in review
    assert "My dog Biscuit" in review and 'name="page-2"' in review
    assert fetch(client, f"{SCANS}/{scan.id}/pages/1")[:3] == b"\xff\xd8\xff"
    corrected = scan.pages[0].ocr_text.replace("Sam Shah", "Sam Shah (Samuel)")
    assert publish(client, scan.id, page_1=corrected).status_code == 303

    with storage_app.app_context():
        published = db.session.get(ScannedForm, scan.id)
        assert published.status == "checked"
        page = db.session.get(Page, published.page_id)
        assert page.slug == "all-about-me-paper-form" and page.visibility == "family"
        assert page.body.startswith(f"> **{MARKER}**")
        assert (
            "Sam Shah (Samuel)" in page.body and f"(media:{published.media_item_id})" in page.body
        )
        item = db.session.get(MediaItem, published.media_item_id)
        assert (item.kind, item.visibility, item.page_count) == ("document", "family", 2)
        mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert {mail.recipient for mail in mails} == {"parent@demo.test"}
    assert f"/c/sam/paper-forms/{scan.id}" in mails[0].body
    assert "Biscuit" not in mails[0].body  # a link only, never the content

    # The family is told on the child's page, sees the typed page beside the scan, and
    # says it is right.
    log_out(client)
    log_in(client, "parent@demo.test")
    assert "Please check a paper form" in text(client.get("/c/sam/"))
    check = text(client.get(f"/c/sam/paper-forms/{scan.id}"))
    assert "What we typed" in check and "Sam Shah (Samuel)" in check and MARKER in check
    assert 'alt="Page 1 of your paper form"' in check
    assert f"/c/sam/wiki/{page.slug}/edit" in check  # "Change it"
    assert fetch(client, f"/c/sam/paper-forms/{scan.id}/pages/2")[:3] == b"\xff\xd8\xff"
    download = fetch(client, f"/c/sam/media/{item.id}/file/download")
    assert download == uploaded  # the scan itself, as it was uploaded
    assert confirm(client, "sam", scan.id).status_code == 303
    with storage_app.app_context():
        confirmed = db.session.get(ScannedForm, scan.id)
        assert (confirmed.status, confirmed.confirmed_how) == ("confirmed", "as_typed")
        body = db.session.get(Page, confirmed.page_id).body
    assert MARKER not in body and "Priya Shah checked it on" in body
    assert "Please check a paper form" not in text(client.get("/c/sam/"))
    assert audit_actions(storage_app, scan.id) == [
        "uploaded", "viewed", "published", "viewed", "confirmed"
    ]  # fmt: skip


def test_when_the_family_edits_the_page_the_form_is_confirmed(admin, app):
    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    publish(admin, scan.id, title="Sam's paper form")
    log_out(admin)
    log_in(admin, "sam")
    check = text(admin.get(f"/c/sam/paper-forms/{scan.id}"))
    assert "Change it" in check
    with app.app_context():
        typed = db.session.scalar(select(Page.body).where(Page.slug == "sam-s-paper-form"))
    edited_body = typed + "\nI like trains.\n"
    assert save_page(admin, "sam", "sam-s-paper-form", edited_body).status_code == 302
    with app.app_context():
        edited = db.session.get(ScannedForm, scan.id)
        assert (edited.status, edited.confirmed_how) == ("confirmed", "edited")
        assert edited.confirmed_by.username == "sam"
        page = db.session.get(Page, edited.page_id)
        assert page.body.startswith("> From a paper form: Sam Shah checked it on")
        assert "I like trains." in page.body
    assert "changed the page" in text(admin.get(f"/c/sam/paper-forms/{scan.id}"))


def test_adding_to_a_starter_page_keeps_its_words_and_shares_the_scan_like_the_page(admin, app):
    upload_scans(admin, [("family.png", scan_samples.encoded(scan_samples.render_page(
        ["My Family", "Mum, Gran and my dog Biscuit live with me."]
    )))], child=child_id(app), form_type="My Family")  # fmt: skip
    scan = latest_scan(app)
    assert scan.form_type == "my_family" and scan.original_mime == "image/png"
    response = publish(admin, scan.id, target="what-is-important-to-me")
    assert response.status_code == 303
    with app.app_context():
        page = db.session.get(Page, db.session.get(ScannedForm, scan.id).page_id)
        item = db.session.get(MediaItem, db.session.get(ScannedForm, scan.id).media_item_id)
        assert page.slug == "what-is-important-to-me" and page.current_number == 3
        assert page.body.startswith(f"> **{MARKER}**")
        assert "I know every station on the line to Leeds" in page.body  # the family's own
        assert "## From the paper My Family form" in page.body and "Gran" in page.body
        assert (item.kind, item.visibility) == ("image", "team")  # shared like the page


def test_a_tiff_scan_is_attached_as_a_pdf_of_its_pages(admin, app):
    upload_scans(admin, [("scanner.tif", scan_samples.form_tiff())], child=child_id(app))
    scan = latest_scan(app)
    assert (scan.original_mime, scan.page_count, scan.status) == ("image/tiff", 2, "read")
    read = "\n".join(page.ocr_text for page in scan.pages)
    assert scan_samples.share_recovered(scan_samples.form_text(), read) >= 0.9
    publish(admin, scan.id)
    with app.app_context():
        item = db.session.get(MediaItem, db.session.get(ScannedForm, scan.id).media_item_id)
        assert (item.kind, item.original_mime, item.page_count) == (
            "document",
            "application/pdf",
            2,
        )


def test_several_files_at_once_each_become_a_scan(admin, app):
    page = scan_samples.encoded(scan_samples.render_page(["Page one of a form."]), "JPEG")
    response = upload_scans(admin, [("a.jpg", page), ("b.jpg", page)], child=child_id(app))
    assert response.status_code == 303 and response.location.endswith(SCANS)
    listing = text(admin.get(SCANS))
    assert listing.count("All About Me: Sam Shah") == 2
    assert "Read, needs checking" in listing


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", media_samples.HTML, "Scans must be PDF, JPEG, PNG or TIFF files."),
        ("photo.webp", media_samples.webp(), "This is a WebP picture. Scans must be"),
        ("locked.pdf", media_samples.encrypted_pdf(), "protected with a password"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x00" * 2000, "We couldn't read this file"),
        ("empty.pdf", media_samples.zero_page_pdf(), "We couldn't read this file"),
        ("long.pdf", scan_samples.numbered_pdf(51, dpi=20), "the most we read at once is 50"),
    ],
)
def test_a_refused_file_says_why_and_keeps_the_choices(admin, app, name, content, message):
    response = upload_scans(admin, [(name, content)], child=child_id(app), form_type="my_family")
    assert response.status_code == 400
    page = text(response)
    assert f"{name}: " in page and message.replace("'", "&#39;") in page
    assert f'<option value="{child_id(app)}" selected>' in page
    assert '<option value="my_family" selected>' in page
    with app.app_context():
        assert db.session.scalar(select(ScannedForm.id)) is None


def test_no_child_no_form_or_no_file_is_asked_for(admin, app):
    form = scan_samples.form_pdf()
    no_child = upload_scans(admin, [("form.pdf", form)], child=None)
    assert no_child.status_code == 400 and "Choose the child this form is about." in text(no_child)
    no_form = upload_scans(admin, [("form.pdf", form)], child=child_id(app), form_type="")
    assert "Choose which form this is." in text(no_form)
    assert f'<option value="{child_id(app)}" selected>' in text(no_form)
    no_file = upload_scans(admin, [], child=child_id(app))
    assert "Choose the scanned file to upload" in text(no_file)
    # Another council's child is no choice at all.
    with app.app_context():
        elsewhere = make_council("elsewhere", "Elsewhere Council")
        from tests.conftest import make_child

        other = make_child(elsewhere, "zoe").id
    refused = upload_scans(admin, [("form.pdf", form)], child=other)
    assert "Choose the child this form is about." in text(refused)


@pytest.mark.app_config(REDIS_URL=None, SCAN_MAX_BYTES=10_000)
def test_a_file_over_the_size_limit_is_refused_with_the_limit(admin, app):
    response = upload_scans(admin, [("big.pdf", scan_samples.form_pdf())], child=child_id(app))
    assert response.status_code == 400
    assert "the largest scan we take is 0 MB" in text(response)


def test_uploads_need_the_forms_token(admin, app):
    response = admin.post(SCANS, data={"child": str(child_id(app)), "form_type": "other"})
    assert response.status_code == 400


def test_saving_over_a_colleagues_save_is_refused_and_keeps_the_text(admin, app):
    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    stale = review_fields(admin, scan.id)
    first = {**stale, "page-1": "Their correction.", "action": "save"}
    assert admin.post(f"{SCANS}/{scan.id}", data=first).status_code == 303
    mine = {**stale, "page-1": "My own correction.", "action": "save"}
    response = admin.post(f"{SCANS}/{scan.id}", data=mine)
    assert response.status_code == 409
    assert "Someone else saved changes" in text(response)
    assert "My own correction." in text(response)
    with app.app_context():
        assert db.session.get(ScannedForm, scan.id).pages[0].text == "Their correction."


def test_publishing_needs_some_text(admin, app):
    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    response = publish(admin, scan.id, page_1="  ", page_2="")
    assert response.status_code == 400 and "There is no text to publish yet" in text(response)
    assert latest_scan(app).status == "read"


def test_without_tesseract_the_upload_works_and_staff_type_the_text(admin, app, monkeypatch):
    monkeypatch.setattr(reading, "ocr_available", lambda: False)
    monkeypatch.setattr("portal.scans.views.ocr_available", lambda: False)
    assert "Text recognition (OCR) is not available" in text(admin.get(SCANS))
    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    assert scan.status == "read" and not scan.ocr_used
    assert [page.ocr_text for page in scan.pages] == ["", ""]
    assert all(page.key for page in scan.pages)  # the pictures are there to type from
    review = text(admin.get(f"{SCANS}/{scan.id}"))
    assert "pages were not read automatically" in review
    assert publish(admin, scan.id, page_1="Typed by hand.").status_code == 303


def test_a_page_that_fails_to_read_says_why_and_can_be_read_again(admin, app, monkeypatch):
    from media.ocr import ReadingFailed

    def slow(prepared, **_):
        raise ReadingFailed("Reading this page took longer than 120 seconds.")

    monkeypatch.setattr(reading, "read_page", slow)
    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    assert [page.status for page in scan.pages] == ["failed", "failed"]
    review = text(admin.get(f"{SCANS}/{scan.id}"))
    assert "took longer than 120 seconds" in review and "2 pages could not be read" in review
    monkeypatch.undo()
    page = admin.get(f"{SCANS}/{scan.id}")
    from tests.conftest import csrf_token_from

    token = csrf_token_from(text(page))
    assert (
        admin.post(f"{SCANS}/{scan.id}/read-again", data={"csrf_token": token}).status_code == 303
    )
    again = latest_scan(app)
    assert [page.status for page in again.pages] == ["done", "done"]
    assert "Biscuit" in again.pages[0].ocr_text


def _peak_resident_bytes(action) -> int:
    """How far the resident set grew above where it started while `action` ran: the
    kernel's high-water mark is reset first, so C allocations (PDFium, Pillow) count."""
    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")
    before = _status_kib("VmRSS")
    action()
    return (_status_kib("VmHWM") - before) * 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.M).group(1))


@pytest.mark.app_config(REDIS_URL=None, SCAN_OCR_DPI=150)
def test_a_30_page_scan_is_read_a_page_at_a_time_and_the_list_shows_progress(
    admin, app, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "portal.scans.views.start_reading", lambda _app, scan_id: queued.append(scan_id)
    )
    upload_scans(admin, [("long.pdf", scan_samples.numbered_pdf(30))], child=child_id(app))
    assert "Uploaded, being read: 0 of 30 pages read" in " ".join(text(admin.get(SCANS)).split())

    # Count the page pictures alive at once: each is let go before the next is made.
    alive, most_alive = set(), [0]
    rendering = reading.page_images

    def watched(*args, **kwargs):
        for image in rendering(*args, **kwargs):
            alive.add(id(image))
            weakref.finalize(image, alive.discard, id(image))
            most_alive[0] = max(most_alive[0], len(alive))
            yield image

    monkeypatch.setattr(reading, "page_images", watched)
    progress = []

    def look_at_the_list(page):
        listing = " ".join(text(admin.get(SCANS)).split())
        progress.append(re.search(r"(\d+) of 30 pages read", listing).group(1))

    def read_it():
        with app.app_context():
            reading.read_scan(queued[0], storage_for(app), dpi=150, after_page=look_at_the_list)

    growth = _peak_resident_bytes(read_it)
    assert progress == [str(number) for number in range(1, 31)]
    scan = latest_scan(app)
    assert scan.status == "read" and all(page.status == "done" for page in scan.pages)
    assert [f"Page {page.number} of 30" in page.ocr_text for page in scan.pages] == [True] * 30
    assert most_alive[0] <= 2
    # A page is 870 × 615 pixels at 150 dpi, 1.6 MB in RGB: thirty held at once would
    # be 48 MB. The peak stays within a few pages' worth.
    one_page = 870 * 615 * 3
    print(f"30 pages: peak grew {growth / 1e6:.1f} MB; one page is {one_page / 1e6:.1f} MB")
    assert growth < 10 * one_page, f"grew {growth / 1e6:.1f} MB"


def test_nobody_but_the_childs_council_administrators_sees_a_scan(client, demo, app):
    log_in(client, "admin@demo.test")
    upload_scans(client, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    publish(client, scan.id)
    log_out(client)
    with app.app_context():
        elsewhere = make_council("elsewhere", "Elsewhere Council")
        make_user(
            "admin@elsewhere.test", name="Ms Other", staff_role="administrator",
            council_id=elsewhere.id,
        )  # fmt: skip
    staff_urls = [
        f"{SCANS}/{scan.id}",
        f"{SCANS}/{scan.id}/pages/1",
        f"{SCANS}/{scan.id}/original",
    ]
    for login, password in [
        ("admin@elsewhere.test", "correct horse battery"),
        ("caseworker@demo.test", None),
        ("parent@demo.test", None),
        ("other.parent@demo.test", None),
    ]:
        log_in(client, login, password)
        for url in staff_urls:
            assert client.get(url).status_code == 404, (login, url)
        token_page = text(client.get("/account"))
        from tests.conftest import csrf_token_from

        token = csrf_token_from(token_page)
        for url in (f"{SCANS}/{scan.id}", f"{SCANS}/{scan.id}/read-again"):
            assert client.post(url, data={"csrf_token": token}).status_code == 404, (login, url)
        if login != "admin@elsewhere.test":
            assert client.get(SCANS).status_code == 404, login
        else:
            assert "Sam Shah" not in text(client.get(SCANS))
        log_out(client)
    family_urls = [f"/c/sam/paper-forms/{scan.id}", f"/c/sam/paper-forms/{scan.id}/pages/1"]
    for login in ("caseworker@demo.test", "other.parent@demo.test", "admin@demo.test"):
        log_in(client, login)
        for url in [*family_urls, f"/c/alex/paper-forms/{scan.id}"]:
            assert client.get(url).status_code == 404, (login, url)
        log_out(client)
    assert client.get(family_urls[0]).status_code == 302  # logged out: asked to log in


def test_erasing_the_child_removes_their_scans_and_every_stored_file(admin, app):
    from portal.rights.service import erase_child

    upload_scans(admin, [("form.pdf", scan_samples.form_pdf())], child=child_id(app))
    scan = latest_scan(app)
    keys = [scan.original_key, *(page.key for page in scan.pages)]
    with app.app_context():
        storage = storage_for(app)
        assert all(storage.exists(key) for key in keys)
        erase_child(child_id(app), storage)
        assert not any(storage.exists(key) for key in keys)
        assert db.session.scalar(select(ScannedForm.id)) is None
