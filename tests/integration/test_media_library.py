"""The media library through its routes: upload, process, serve, share, replace, delete."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from media.models import MediaFile, MediaItem
from media.storage import storage_for
from portal.extensions import db
from tests import av_samples, media_samples
from tests.conftest import csrf_token_from, log_in, log_out
from tests.integration.media_helpers import LIBRARY, fetch, file_url, latest_item, upload
from tests.integration.wiki_helpers import post_button, save_page

GPS_MARKERS = (b"GPS", b"Exif", b"http://ns.adobe.com/xap", b"PhoneCam")


@pytest.fixture
def parent(client, demo):
    log_in(client, "parent@demo.test")
    return client


def assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as picture:
        assert len(picture.getexif()) == 0
        assert "exif" not in picture.info and "xmp" not in picture.info
    for marker in GPS_MARKERS:
        assert marker not in data, marker


def test_a_photo_with_gps_comes_back_without_any_metadata(parent, app):
    response = upload(
        parent, [("IMG_0001.JPG", media_samples.jpeg_with_gps())], alt="Sam on the swing"
    )
    assert response.status_code == 303
    item = latest_item(app)
    assert (item.kind, item.status, item.title) == ("image", "ready", "IMG 0001")
    page = parent.get(response.location).get_data(as_text=True)
    assert 'alt="Sam on the swing"' in page
    for name in ("thumb", "display", "download"):
        assert_no_metadata(fetch(parent, file_url(item.id, name)))
    with app.app_context():
        files = db.session.scalars(select(MediaFile).where(MediaFile.item_id == item.id)).all()
        names = {f.name for f in files}
        # The raw upload, GPS and all, is gone from storage once the clean copy exists.
        assert "original" not in names and {"thumb", "display", "clean_original"} <= names
        storage = storage_for(app)
        assert all(storage.exists(f.key) for f in files)


def test_renditions_are_served_inline_with_a_safe_type_and_downloads_as_attachments(parent, app):
    upload(parent, [("cat.png", media_samples.png())])
    item = latest_item(app)
    display = parent.get(file_url(item.id, "display"), buffered=True)
    assert display.mimetype in {"image/jpeg", "image/png", "image/webp"}
    assert display.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in display.headers["Content-Security-Policy"]
    assert display.headers["Cache-Control"].startswith("private")
    download = parent.get(file_url(item.id, "download"), buffered=True)
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert parent.get(file_url(item.id, "original"), buffered=True).status_code == 404


def test_several_files_at_once_each_become_an_item(parent, app):
    response = upload(
        parent,
        [("one.png", media_samples.png()), ("two.gif", media_samples.gif())],
    )
    assert response.status_code == 303
    assert response.location == LIBRARY
    library = parent.get(LIBRARY).get_data(as_text=True)
    assert "Added 2 items." in library
    assert "one" in library and "two" in library


def test_a_refused_file_names_what_is_accepted_and_keeps_what_was_typed(parent, app):
    response = upload(
        parent,
        [
            ("holiday.jpg", b"<html><script>alert(1)</script></html>"),
            ("ok.png", media_samples.png()),
        ],
        alt="A description I typed carefully",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "holiday.jpg" in page and "web page" in page.lower()
    assert "JPEG, PNG" in page
    assert "A description I typed carefully" in page
    assert "Added 1 item." in page  # the good file was kept
    assert 'media-title">ok<' in parent.get(LIBRARY).get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client, demo, app_factory):
    small = app_factory(MEDIA_MAX_BYTES={"image": 1000})
    with small.app_context():
        db.create_all()
    tiny = small.test_client()
    log_in(tiny, "parent@demo.test")
    response = upload(tiny, [("big.png", media_samples.png(width=600, height=600))])
    assert response.status_code == 400
    assert "the largest we take is" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "sample", media_samples.BAD_FILES, ids=[s[0] for s in media_samples.BAD_FILES]
)
def test_bad_files_get_a_clear_answer_and_never_a_server_error(parent, app, sample):
    name, content, expected = sample[0], sample[1], sample[-1]
    response = upload(parent, [(name, content)])
    assert response.status_code in (303, 400)
    if expected == "refused":
        assert response.status_code == 400
        assert "We take photos" in response.get_data(as_text=True)
    elif expected == "failed":
        item = latest_item(app)
        assert item.status == "failed" and item.failure_reason
        page = parent.get(f"{LIBRARY}/{item.id}").get_data(as_text=True)
        assert "The file you added is kept." in page
        assert "Try again" in page


def test_links_get_a_card_and_video_sites_a_no_cookie_player(parent, app):
    page = parent.get(LIBRARY).get_data(as_text=True)
    response = parent.post(
        f"{LIBRARY}/links",
        data={
            "csrf_token": csrf_token_from(page),
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Favourite song",
        },
    )
    assert response.status_code == 303
    shown = parent.get(response.location).get_data(as_text=True)
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in shown
    refused = parent.post(
        f"{LIBRARY}/links",
        data={"csrf_token": csrf_token_from(page), "url": "javascript:alert(1)", "title": "x"},
    )
    assert refused.status_code == 400
    assert "http:// or https://" in refused.get_data(as_text=True)


def test_delete_hides_an_item_and_restore_brings_it_back(parent, app):
    upload(parent, [("cat.png", media_samples.png())], title="The cat")
    item = latest_item(app)
    item_url = f"{LIBRARY}/{item.id}"
    post_button(parent, f"{item_url}/delete", item_url)
    assert 'media-title">The cat<' not in parent.get(LIBRARY).get_data(as_text=True)
    assert parent.get(file_url(item.id, "thumb"), buffered=True).status_code == 404
    assert 'media-title">The cat<' in parent.get(f"{LIBRARY}?deleted=1").get_data(as_text=True)
    post_button(parent, f"{item_url}/restore", item_url)
    assert 'media-title">The cat<' in parent.get(LIBRARY).get_data(as_text=True)
    assert parent.get(file_url(item.id, "thumb"), buffered=True).status_code == 200


def test_replacing_a_file_keeps_the_item_and_the_old_files(parent, app):
    upload(parent, [("cat.png", media_samples.png(width=200, height=100))], title="The cat")
    item = latest_item(app)
    page = parent.get(f"{LIBRARY}/{item.id}").get_data(as_text=True)
    response = parent.post(
        f"{LIBRARY}/{item.id}/replace",
        data={
            "csrf_token": csrf_token_from(page),
            "file": (io.BytesIO(media_samples.png(width=100, height=300)), "new.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        replaced = db.session.get(MediaItem, item.id)
        assert (replaced.generation, replaced.width, replaced.height) == (2, 100, 300)
        generations = {f.generation for f in replaced.files}
        assert generations == {1, 2}


def test_a_page_shows_embedded_media_with_the_right_player(parent, app):
    upload(parent, [("cat.png", media_samples.png())], title="The cat")
    item = latest_item(app)
    save_page(parent, "sam", "things-i-enjoy", f"Look:\n\n![My cat Tom](media:{item.id})")
    page = parent.get("/c/sam/wiki/things-i-enjoy").get_data(as_text=True)
    assert f'src="/c/sam/media/{item.id}/file/display?v=1"' in page
    assert "<figcaption>My cat Tom</figcaption>" in page
    # The plain address in the cached HTML works on its own too.
    assert parent.get(f"/c/sam/media/{item.id}/embed").status_code == 302


def test_the_plan_team_sees_only_shared_media_even_inside_a_shared_page(client, demo, app):
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())], title="Family cat")
    item = latest_item(app)
    save_page(client, "sam", "my-hopes-and-dreams", f"![cat](media:{item.id})")
    page = client.get("/c/sam/wiki/my-hopes-and-dreams").get_data(as_text=True)
    post_button(
        client,
        "/c/sam/wiki/my-hopes-and-dreams/visibility",
        "/c/sam/wiki/my-hopes-and-dreams",
        visibility="team",
    )
    log_out(client)
    log_in(client, "caseworker@demo.test")
    page = client.get("/c/sam/wiki/my-hopes-and-dreams").get_data(as_text=True)
    assert "not available" in page
    assert f"/media/{item.id}/file/" not in page
    for url in (
        f"{LIBRARY}/{item.id}",
        file_url(item.id, "display"),
        f"/c/sam/media/{item.id}/embed",
    ):
        assert client.get(url, buffered=True).status_code == 404


OTHER_PEOPLE = [("logged out", None), ("another family", "other.parent@demo.test")]


@pytest.mark.parametrize(("who", "login"), OTHER_PEOPLE)
def test_nobody_else_gets_a_byte_of_sams_media(client, demo, app, who, login):
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())])
    item = latest_item(app)
    log_out(client)
    if login:
        log_in(client, login)
    urls = [LIBRARY, f"{LIBRARY}/{item.id}", f"{LIBRARY}/{item.id}/status"]
    urls += [file_url(item.id, n) for n in ("thumb", "display", "download", "original")]
    urls += [f"/c/sam/media/{item.id}/embed"]
    for url in urls:
        response = client.get(url, buffered=True)
        if login:
            assert response.status_code == 404, url
        else:
            assert response.status_code == 302 and "/login" in response.location, url
        assert b"\x89PNG" not in response.get_data() and b"\xff\xd8" not in response.get_data()


def test_the_plan_team_cannot_change_the_familys_media(client, demo, app):
    # The caseworker may add advice, but never change or delete what the family added.
    log_in(client, "parent@demo.test")
    upload(client, [("cat.png", media_samples.png())])
    item = latest_item(app)
    log_out(client)
    log_in(client, "caseworker@demo.test")
    token = csrf_token_from(client.get("/c/sam/").get_data(as_text=True))
    for action in ("delete", "restore", "retry", "replace"):
        response = client.post(f"{LIBRARY}/{item.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action


def test_an_iphone_video_gets_a_poster_and_a_browser_playable_mp4_without_location(
    parent, app, tmp_path
):
    mov = av_samples.mov_hevc(tmp_path, seconds=2, with_location=True)
    assert upload(parent, [("IMG_0002.MOV", mov.read_bytes())]).status_code == 303
    item = latest_item(app)
    assert (item.kind, item.status) == ("video", "ready")
    page = parent.get(f"{LIBRARY}/{item.id}").get_data(as_text=True)
    assert "<video" in page and f"/media/{item.id}/file/poster" in page
    playable = fetch(parent, file_url(item.id, "playable"))
    boxes = [box[0] for box in av_samples.top_level_boxes(playable)]
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # starts playing before it has all
    assert b"avc1" in playable and b"\xa9xyz" not in playable
    assert fetch(parent, file_url(item.id, "poster"))[:2] == b"\xff\xd8"
    assert b"\xa9xyz" not in fetch(parent, file_url(item.id, "download"))


def test_a_voice_note_becomes_playable_audio(parent, app, tmp_path):
    m4a = av_samples.m4a(tmp_path, seconds=2)
    upload(parent, [("voice.m4a", m4a.read_bytes())], alt="Sam says hello")
    item = latest_item(app)
    assert (item.kind, item.status) == ("audio", "ready")
    assert 1.5 < item.duration_seconds < 2.5
    page = parent.get(f"{LIBRARY}/{item.id}").get_data(as_text=True)
    assert "<audio controls" in page
    assert fetch(parent, file_url(item.id, "playable"))[4:8] == b"ftyp"


def test_an_iphone_heic_photo_is_shown_as_jpeg(parent, app):
    upload(parent, [("IMG_0003.HEIC", media_samples.heic(with_exif_gps=True))])
    item = latest_item(app)
    assert (item.kind, item.status) == ("image", "ready")
    for name in ("thumb", "display", "download"):
        assert_no_metadata(fetch(parent, file_url(item.id, name)))


@pytest.mark.parametrize(
    "sample", av_samples.BAD_AV_FILES, ids=[s[0] for s in av_samples.BAD_AV_FILES]
)
def test_bad_audio_and_video_files_are_refused_or_fail_with_a_reason(parent, app, tmp_path, sample):
    name, builder, _ = sample
    content = av_samples.build_bad(tmp_path, name, builder).read_bytes()
    response = upload(parent, [(name, content)])
    if response.status_code == 400:
        assert "We accept photos" in response.get_data(
            as_text=True
        ) or "empty" in response.get_data(as_text=True)
        return
    assert response.status_code == 303
    item = latest_item(app)
    if name == "picture.mp4":
        assert (item.kind, item.status) == ("image", "ready")  # the bytes decide, not the name
        return
    assert item.status == "failed" and item.failure_reason


def test_an_upload_bigger_than_an_ordinary_form_is_taken(parent, app, tmp_path):
    # 20 MB: over the 16 MB every other form may send, well under the video limit.
    mp4 = av_samples.mp4_h264(tmp_path, seconds=1).read_bytes()
    response = upload(parent, [("long.mp4", mp4 + b"\0" * (20 * 1024 * 1024))])
    assert response.status_code == 303
    assert latest_item(app).original_size > 20 * 1024 * 1024


def test_uploads_still_need_the_forms_token(parent, app):
    response = parent.post(
        LIBRARY,
        data={"file": (io.BytesIO(media_samples.png()), "cat.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(MediaItem.id)) is None


def test_the_plan_team_can_add_advice_which_the_family_then_sees(client, demo, app):
    log_in(client, "caseworker@demo.test")
    page = client.get(LIBRARY).get_data(as_text=True)
    assert "Only the family can change or delete it." in page
    response = upload(client, [("report.pdf", media_samples.pdf())], title="SALT advice")
    assert response.status_code == 303
    item = latest_item(app)
    assert (item.visibility, item.kind) == ("team", "document")
    assert (
        client.post(
            f"{LIBRARY}/{item.id}/delete",
            data={
                "csrf_token": csrf_token_from(
                    client.get(f"{LIBRARY}/{item.id}").get_data(as_text=True)
                )
            },
        ).status_code
        == 404
    )
    log_out(client)
    log_in(client, "parent@demo.test")
    assert 'media-title">SALT advice<' in client.get(LIBRARY).get_data(as_text=True)
    trail = client.get("/c/sam/activity").get_data(as_text=True)
    assert "<strong>Ms Patel</strong> (caseworker) added “SALT advice”" in trail


def test_a_word_document_is_a_download_named_by_its_real_type(parent, app):
    upload(parent, [("notes", media_samples.docx_like())], title="School report")
    item = latest_item(app)
    assert (item.kind, item.status) == ("document", "ready")
    response = parent.get(file_url(item.id, "download"), buffered=True)
    assert response.headers["Content-Disposition"] == 'attachment; filename="School report.docx"'
    assert response.mimetype.endswith("wordprocessingml.document")
