"""The media library in Chromium at 360×640: photos, embeds, a voice recording, video,
sound and the upload form without JavaScript.

Processing runs inline (no REDIS_URL), so an item is ready when its page first loads.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import av_samples
from tests import media_samples as pictures
from tests.browser.checks import accessibility_violations, sideways_overflow, small_tap_targets
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS, PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.app_config(REDIS_URL=None)

ITEM_URL = re.compile(r"/c/sam/media/(\d+)$")
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

# Notes in sessionStorage (it outlives the move to the item's page) that the upload's
# progress bar was shown, and the highest percentage it reached.
WATCH_PROGRESS_SCRIPT = """() => {
  const bar = document.querySelector('[data-upload-form] progress');
  new MutationObserver(() => {
    if (!bar.hidden) { sessionStorage.setItem('progress-seen', String(bar.value)); }
  }).observe(bar, {attributes: true});
}"""

# Resolves once the element is playing (or with the browser's reason why not).
PLAY_SCRIPT = """([element, muted]) => {
  element.muted = muted;
  return element.play().then(() => 'playing', error => String(error));
}"""


def check(page, name: str, *, javascript: bool = True) -> None:
    """axe-core (0 violations), no sideways scrolling, 44 px targets; and a screenshot.
    javascript=False: the page is in a context with JavaScript turned off."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_path(name)), full_page=True)
    if javascript:
        assert accessibility_violations(page) == [], name
    else:
        assert axe_without_javascript(page) == [], name
    assert sideways_overflow(page) <= 0, name
    assert small_tap_targets(page) == [], name


def axe_without_javascript(page) -> list[str]:
    """axe-core waits on timers, and timers never fire in a page with JavaScript off, so
    it would wait for ever there. It runs instead on the same address in a twin context
    (same cookies, same phone) where the page's own scripts are refused: the CSP lets a
    page run only our script files, so that is the page a visitor without JavaScript gets."""
    twin = page.context.browser.new_context(**PHONE, storage_state=page.context.storage_state())
    try:
        twin.route(re.compile(r"/static/[^?]*\.js(\?.*)?$"), lambda route: route.abort())
        scripts = []
        copy = twin.new_page()
        copy.on("requestfailed", lambda request: scripts.append(request.url))
        copy.goto(page.url)
        assert scripts, "the twin should have refused the page's scripts"
        return accessibility_violations(copy)
    finally:
        twin.close()


def screenshot_path(name: str) -> Path:
    return (SCREENSHOTS / f"{name}.png").resolve()


def log_in_as_parent(page, live_server: str, *, javascript: bool = True) -> None:
    page.goto(f"{live_server}/login")
    check(page, "media-login" if javascript else "media-login-no-js", javascript=javascript)
    log_in(page, "parent@demo.test", "demo-parent-pass")
    page.wait_for_url(lambda url: "/login" not in url)


def open_library(page, live_server: str) -> None:
    page.goto(f"{live_server}/c/sam/media")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Photos, sound, video and documents"
    )


def fill_upload_form(page, path: Path, title: str, alt: str = "") -> None:
    page.locator("[data-upload-form] input[name=file]").set_input_files(str(path))
    page.get_by_label("Title (optional)").fill(title)
    if alt:
        page.get_by_label("Describe it (optional)").fill(alt)


def upload_with_progress(page, live_server: str, path: Path, title: str, alt: str = "") -> int:
    """Upload through the library form with JavaScript on: media.js sends it by XHR
    (asking for JSON) and then goes to the item's page. Returns the item's id."""
    fill_upload_form(page, path, title, alt)
    page.evaluate(WATCH_PROGRESS_SCRIPT)
    library_url = f"{live_server}/c/sam/media"
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url == library_url
    ) as answer:
        page.get_by_role("button", name="Add", exact=True).click()
    response = answer.value
    assert response.request.headers["accept"] == "application/json", "not the XHR path"
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    page.wait_for_url(ITEM_URL)
    assert page.get_by_role("heading", level=1).inner_text() == title
    seen = page.evaluate("() => sessionStorage.getItem('progress-seen')")
    assert seen is not None, "the progress bar was never shown"
    assert 0 <= float(seen) <= 100
    assert page.get_by_role("status").filter(has_text="Added 1 item.").is_visible()
    assert page.locator(".media-status").count() == 0, "processing is inline: ready at once"
    return int(ITEM_URL.search(page.url).group(1))


def wait_until(locator, condition: str, timeout: float = 10) -> None:
    """Wait until `condition`, a JavaScript expression about `element`, is true. Polled
    from here: the page's own timers (wait_for_function) stop when JavaScript is off."""
    deadline = time.monotonic() + timeout
    while not locator.evaluate(f"element => Boolean({condition})"):
        assert time.monotonic() < deadline, f"still not true after {timeout} s: {condition}"
        locator.page.wait_for_timeout(100)


def wait_for_picture(locator) -> None:
    """The picture has really been fetched and decoded (lazy loading included)."""
    locator.scroll_into_view_if_needed()
    wait_until(locator, "element.complete && element.naturalWidth > 0")


def test_photo_with_alt_text_is_uploaded_shown_and_listed(live_server, phone, tmp_path):
    photo = tmp_path / "cat.jpg"
    photo.write_bytes(pictures.jpeg_with_gps(1200, 800))
    log_in_as_parent(phone, live_server)
    open_library(phone, live_server)
    check(phone, "media-library-empty")

    item_id = upload_with_progress(
        phone, live_server, photo, "Sam's cat", alt="A ginger cat asleep on Sam's bed"
    )
    picture = phone.locator(".media-view img")
    wait_for_picture(picture)
    assert picture.get_attribute("alt") == "A ginger cat asleep on Sam's bed"
    assert picture.is_visible()
    # What the browser was given is the cleaned display copy: no location in it.
    shown = phone.request.get(live_server + picture.get_attribute("src"))
    assert shown.ok and shown.headers["content-type"] == "image/jpeg"
    assert b"GPS" not in shown.body()
    assert f"![Sam's cat](media:{item_id})" in phone.locator(".meta code").inner_text()
    check(phone, "media-item-photo")

    phone.get_by_role("link", name=re.compile(r"'s library$")).click()
    tile = phone.locator(".media-grid .media-tile a", has_text="Sam's cat")
    assert tile.count() == 1
    assert tile.get_attribute("href") == f"/c/sam/media/{item_id}"
    wait_for_picture(tile.locator("img"))
    assert tile.locator(".meta").inner_text().strip() == "Photo"
    check(phone, "media-library")
    for name in ("media-library", "media-item-photo"):
        print(f"screenshot {name}: {screenshot_path(name)}")


def test_photo_is_embedded_in_a_wiki_page(live_server, phone, tmp_path):
    photo = tmp_path / "cat.jpg"
    photo.write_bytes(pictures.jpeg_with_gps(800, 600))
    log_in_as_parent(phone, live_server)
    open_library(phone, live_server)
    check(phone, "media-library-before-embed")
    item_id = upload_with_progress(phone, live_server, photo, "Cat", alt="A ginger cat")
    check(phone, "media-item-before-embed")

    phone.goto(f"{live_server}/c/sam/wiki/things-i-enjoy/edit")
    check(phone, "media-wiki-edit")
    phone.get_by_label("Page text").fill(f"Sam loves the cat.\n\n![My cat](media:{item_id})\n")
    phone.get_by_role("button", name="Save", exact=True).click()
    assert phone.get_by_role("status").filter(has_text="Saved.").is_visible()

    figure = phone.locator(".wiki-body figure.media-embed")
    assert figure.count() == 1
    picture = figure.locator("img")
    wait_for_picture(picture)
    assert picture.is_visible()
    assert figure.locator("figcaption").inner_text().strip() == "My cat"
    check(phone, "media-wiki-page-with-photo")


def test_voice_is_recorded_saved_and_plays(live_server, browser):
    """A browser of its own: Chromium's fake microphone (a beep) and its permission prompt
    answered yes. The usual flags, plus those two."""
    recording_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_FLAGS, *FAKE_MICROPHONE]
    )
    try:
        context = recording_browser.new_context(**PHONE)
        context.grant_permissions(["microphone"], origin=live_server)
        page = context.new_page()
        log_in_as_parent(page, live_server)
        open_library(page, live_server)

        recorder = page.locator("[data-recorder]")
        assert recorder.is_visible(), "MediaRecorder is supported, so the recorder shows"
        check(page, "media-recorder")
        page.get_by_label("Title (optional)").fill("Sam says hello")
        page.get_by_role("button", name="Start recording").click()
        expect(recorder.get_by_role("status")).to_have_text("Recording…")
        page.wait_for_timeout(2_000)
        page.get_by_role("button", name="Stop", exact=True).click()
        save = page.get_by_role("button", name="Save recording")
        save.wait_for(state="visible")
        assert recorder.locator("[data-record-preview]").is_visible()
        assert page.get_by_role("button", name="Record again").is_visible()
        check(page, "media-recorder-done")

        save.click()
        page.wait_for_url(ITEM_URL)
        assert page.get_by_role("heading", level=1).inner_text() == "Sam says hello"
        assert page.locator(".media-status").count() == 0, "processing is inline"
        audio = page.locator(".media-view audio")
        assert audio.get_attribute("src")
        assert page.evaluate(PLAY_SCRIPT, [audio.element_handle(), True]) == "playing"
        wait_until(audio, "element.currentTime > 0 || element.readyState >= 2")
        wait_until(audio, "Number.isFinite(element.duration)")
        assert audio.evaluate("a => a.duration") > 1
        assert audio.evaluate("a => a.error") is None
        check(page, "media-item-recording")
        context.close()
    finally:
        recording_browser.close()


def test_phone_video_gets_a_poster_and_plays(live_server, phone, tmp_path):
    if " libx265 " in av_samples.encoders():
        video = av_samples.mov_hevc(tmp_path, seconds=2)
    else:
        video = av_samples.mov_h264(tmp_path, seconds=2)
    log_in_as_parent(phone, live_server)
    open_library(phone, live_server)
    upload_with_progress(phone, live_server, video, "Sam at the park")

    player = phone.locator(".media-view video")
    poster = player.get_attribute("poster")
    assert poster
    still = phone.request.get(live_server + poster)
    assert still.ok and still.headers["content-type"] == "image/jpeg"
    source = player.locator("source").get_attribute("src")
    playable = phone.request.get(live_server + source)
    assert playable.ok and playable.headers["content-type"] == "video/mp4"
    assert playable.body()[4:8] == b"ftyp"
    check(phone, "media-item-video")

    assert phone.evaluate(PLAY_SCRIPT, [player.element_handle(), True]) == "playing"
    wait_until(player, "element.currentTime > 0")
    assert player.evaluate("v => v.videoWidth") > 0
    assert player.evaluate("v => v.error") is None
    print(f"screenshot media-item-video: {screenshot_path('media-item-video')}")


def test_m4a_voice_memo_plays(live_server, phone, tmp_path):
    memo = av_samples.m4a(tmp_path, seconds=2)
    log_in_as_parent(phone, live_server)
    open_library(phone, live_server)
    upload_with_progress(phone, live_server, memo, "Voice memo")

    audio = phone.locator(".media-view audio")
    assert audio.get_attribute("src")
    audio.evaluate("a => a.load()")
    wait_until(audio, "element.readyState >= 2")
    assert audio.evaluate("a => a.duration") > 0
    assert audio.evaluate("a => a.error") is None
    check(phone, "media-item-m4a")


def test_upload_works_without_javascript(live_server, browser, tmp_path):
    drawing = tmp_path / "drawing.png"
    drawing.write_bytes(pictures.png(640, 480))
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in_as_parent(page, live_server, javascript=False)
        open_library(page, live_server)
        assert page.locator("[data-recorder]").is_hidden(), "no recorder without JavaScript"
        check(page, "media-library-no-js", javascript=False)

        fill_upload_form(page, drawing, "Sam's drawing", alt="A rainbow in crayon")
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/c/sam/media")
        ) as answer:
            page.get_by_role("button", name="Add", exact=True).click()
        assert answer.value.status == 303, "a plain form post, answered with a redirect"
        assert "application/json" not in answer.value.request.headers.get("accept", "")
        page.wait_for_url(ITEM_URL)
        assert page.get_by_role("heading", level=1).inner_text() == "Sam's drawing"
        picture = page.locator(".media-view img")
        wait_for_picture(picture)
        assert picture.is_visible()
        assert picture.get_attribute("alt") == "A rainbow in crayon"
        check(page, "media-item-no-js", javascript=False)
    finally:
        context.close()
