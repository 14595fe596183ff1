"""Working together on a phone: the parent sees their key worker and writes to them,
the caseworker answers from their inbox, the administrator reads the figures."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import check_page
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import logged_in_page
from tests.media_samples import jpeg_with_gps, pdf

QUESTION = "Could Sam have a quiet place to eat lunch at school?"
ANSWER = "Yes: I have asked the SENCO, and the library is free at lunch from Monday."


def test_a_parent_and_the_key_worker_write_to_each_other_on_phones(browser, live_server):
    context, parent = logged_in_page(
        browser, live_server, "parent@demo.test", "demo-parent-pass", **PHONE
    )
    try:
        parent.goto(f"{live_server}/c/sam/")
        card = parent.locator(".key-worker")
        expect(card).to_contain_text("Ms Patel")
        expect(card).to_contain_text("Mon–Thu 9–5")
        check_page(parent, "contact-child-home", SCREENSHOTS)

        card.get_by_role("link", name="Messages").click()
        expect(parent.get_by_role("heading", name="Messages about Sam")).to_be_visible()
        expect(parent.get_by_text("When is Sam's annual review?")).to_be_visible()
        check_page(parent, "contact-messages", SCREENSHOTS)

        parent.get_by_label("What is it about?").select_option("general")
        parent.get_by_label("A short title").fill("Lunchtimes")
        parent.get_by_label("Your message").fill(QUESTION)
        # A family-only page cannot be pointed at: the message says so, nothing is lost.
        parent.get_by_label("Is it about one of the pages").select_option(
            label="Page: My family and important people (family only)"
        )
        parent.get_by_role("button", name="Send message").click()
        expect(parent.get_by_role("alert")).to_contain_text("family only")
        expect(parent.get_by_label("Your message")).to_have_value(QUESTION)
        check_page(parent, "contact-messages-refused", SCREENSHOTS)

        parent.get_by_label("Is it about one of the pages").select_option(
            label="Page: How best to support me"
        )
        parent.get_by_role("button", name="Send message").click()
        expect(parent.get_by_role("heading", name="Lunchtimes")).to_be_visible()
        expect(parent.get_by_text(QUESTION)).to_be_visible()
        check_page(parent, "contact-thread-family", SCREENSHOTS)
        thread_url = parent.url
    finally:
        context.close()

    context, worker = logged_in_page(
        browser, live_server, "caseworker@demo.test", "demo-caseworker-pass", **PHONE
    )
    try:
        worker.goto(f"{live_server}/staff/messages")
        expect(worker.get_by_role("link", name="Lunchtimes")).to_be_visible()
        check_page(worker, "contact-staff-inbox", SCREENSHOTS)
        worker.get_by_role("link", name="Lunchtimes").click()
        expect(worker.get_by_text("Waiting for a reply")).to_be_visible()
        worker.get_by_label("Your reply").fill(ANSWER)
        worker.get_by_role("button", name="Send").click()
        expect(worker.get_by_role("status").filter(has_text="Your reply is sent")).to_be_visible()
        expect(worker.get_by_text(ANSWER)).to_be_visible()
        check_page(worker, "contact-thread-staff", SCREENSHOTS)

        worker.goto(f"{live_server}/account/key-worker")
        expect(worker.get_by_label("When you work")).to_have_value("Mon–Thu 9–5")
        check_page(worker, "contact-profile", SCREENSHOTS)
        # A photo: a file that is not one is refused, the details stay as typed.
        worker.get_by_label("When you work").fill("Mon–Fri 9–3")
        worker.get_by_label("Your photo (optional)").set_input_files(
            files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
        )
        worker.get_by_role("button", name="Save").click()
        expect(worker.locator("#photo-error")).to_contain_text("Your details are saved, but not")
        expect(worker.get_by_label("When you work")).to_have_value("Mon–Fri 9–3")
        worker.get_by_label("Your photo (optional)").set_input_files(
            files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps(900, 900)}]
        )
        worker.get_by_role("button", name="Save").click()
        expect(worker.get_by_alt_text("Your photo as families see it")).to_be_visible()
        check_page(worker, "contact-profile-photo", SCREENSHOTS)
    finally:
        context.close()

    context, parent = logged_in_page(
        browser, live_server, "parent@demo.test", "demo-parent-pass", **PHONE
    )
    try:
        parent.goto(f"{live_server}/c/sam/")
        photo = parent.get_by_alt_text("Photo of Ms Patel")
        expect(photo).to_be_visible()
        assert photo.evaluate("img => img.naturalWidth") > 0, "the photo loads"
        check_page(parent, "contact-child-home-photo", SCREENSHOTS)
        parent.goto(thread_url)
        expect(parent.get_by_text(ANSWER)).to_be_visible()
    finally:
        context.close()

    context, admin = logged_in_page(
        browser, live_server, "admin@demo.test", "demo-admin-pass", **PHONE
    )
    try:
        admin.goto(f"{live_server}/admin/enquiries")
        expect(admin.get_by_role("heading", name="Enquiry figures")).to_be_visible()
        check_page(admin, "contact-enquiries", SCREENSHOTS)
        admin.goto(f"{live_server}/admin/assignments")
        expect(admin.get_by_text("Key worker: Ms Patel")).to_be_visible()
        check_page(admin, "contact-assignments", SCREENSHOTS)
    finally:
        context.close()
