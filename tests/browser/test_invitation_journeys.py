"""Invitations in Chromium at 360×640: a printable link for Gran, an emailed link for a
professional, a young person's own login, a parent champion's new family, links that no
longer work, and the activity list that records it all.

Every page a test visits is checked (axe-core with 0 violations, no sideways scrolling,
44 px tap targets) and screenshotted. Each invitee opens their link in a fresh context,
like a different phone that has never logged in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import audit
from portal.dbtypes import utcnow
from portal.demo import SAM_PAGES
from portal.extensions import db
from portal.invitations.models import Invitation
from tests.browser.checks import check_page, sideways_overflow, small_tap_targets
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in
from tests.browser.test_media_journeys import axe_without_javascript

PAGE_TEXT = "Sam loves trains, swimming and the bus to the seaside."
SHARED_TEXT = "Sam likes trains and needs a quiet corner at break."
PRIVATE_TEXT = "Sam's medicine and a family worry we keep to ourselves."
GRAN_ROLE = "Family member who can read"
PROFESSIONAL_ROLE = "Professional (sees only what you share with the plan team)"
TEAM_CHOICE = "Our family and the plan team (caseworker and professionals)"


# Form boxes that a label does not name exactly once (a tap on the label must focus that
# box, and a screen reader reads that label), and ids used twice on a page.
BADLY_LABELLED_SCRIPT = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length !== 1)
  .map(el => `${el.name || el.id}: ${el.labels.length} labels`)"""
REPEATED_IDS_SCRIPT = """() => [...document.querySelectorAll('[id]')].map(el => el.id)
  .filter((id, index, ids) => ids.indexOf(id) !== index)"""


@pytest.fixture(autouse=True)
def fresh_view_memory():
    """Views are written down once per person and thing per quarter hour, remembered in
    this process; each test's database is new, so it starts with a clean memory."""
    audit.recent_views.forget()
    yield
    audit.recent_views.forget()


def check(page, name: str) -> None:
    """The other browser tests' bars (axe-core, no sideways scrolling, 44 px targets, a
    screenshot), and every form box named by one label of its own."""
    check_page(page, f"invite-{name}", SCREENSHOTS)
    assert page.evaluate(BADLY_LABELLED_SCRIPT) == [], name
    assert page.evaluate(REPEATED_IDS_SCRIPT) == [], name


def check_without_javascript(page, name: str) -> None:
    """check() for a page in a context with JavaScript off (axe runs on a twin of it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_path(name)), full_page=True)
    assert axe_without_javascript(page) == [], name
    assert sideways_overflow(page) <= 0, name
    assert small_tap_targets(page) == [], name
    assert page.evaluate(BADLY_LABELLED_SCRIPT) == [], name
    assert page.evaluate(REPEATED_IDS_SCRIPT) == [], name


def screenshot_path(name: str) -> Path:
    return (SCREENSHOTS / f"invite-{name}.png").resolve()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@contextmanager
def fresh_phone(browser) -> Iterator:
    """A page in a new context: another phone, with no cookies and no login."""
    context = browser.new_context(**PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in_as(page, live_server: str, login: str, password: str, name: str) -> None:
    page.goto(f"{live_server}/login")
    check(page, f"login-{name}")
    log_in(page, login, password)
    page.wait_for_url(lambda url: "/login" not in url)
    check(page, f"logged-in-{name}")


def write_page(page, live_server: str, slug: str, text: str) -> None:
    """The parent writes one of Sam's starter pages through the editor."""
    page.goto(f"{live_server}/c/sam/wiki/{slug}/edit")
    check(page, f"edit-{slug}")
    page.get_by_label("Page text").fill(text + "\n")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_role("status").filter(has_text="Saved.").is_visible()
    assert text in page.locator(".wiki-body").inner_text()


def open_people(page, live_server: str, name: str = "people") -> None:
    page.goto(f"{live_server}/c/sam/people")
    assert heading(page) == "People"
    check(page, name)


def invite(page, *, role: str, name: str, email: str = "", check_as: str) -> str:
    """Fill in "Invite someone" on the People page (already open); returns the link shown."""
    form = page.get_by_role("region", name="Invite someone")
    form.get_by_label(role, exact=True).check()
    form.get_by_label("Their name").fill(name)
    form.get_by_label("Their email address (optional)").fill(email)
    form.get_by_role("button", name="Make the invitation").click()
    return invitation_shown(page, check_as=check_as)


def invitation_shown(page, *, check_as: str) -> str:
    """The created page: its QR code has loaded, and its link is returned."""
    assert heading(page) == "The invitation is ready"
    assert page.get_by_text("For safety we cannot show this link again.").is_visible()
    qr = page.get_by_role("img", name="QR code for the invitation link")
    qr.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=qr.element_handle())
    assert qr.evaluate("img => img.naturalWidth") > 0  # the data: SVG loaded under our CSP
    assert qr.is_visible()
    link = page.locator(".invitation-link code").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invite/[A-Za-z0-9_-]{40,}", link), link
    check(page, check_as)
    return link


def open_link(page, link: str, check_as: str) -> None:
    """Open an invitation link on a phone that is not logged in: the join form."""
    response = page.goto(link)
    assert response.status == 200
    assert page.get_by_label("Your name").input_value() == ""
    check(page, check_as)


def make_account(
    page, *, name: str, email: str | None, password: str, child_name: str | None = None
) -> None:
    """Fill in the join form; email=None: the invitation filled it in already."""
    page.get_by_label("Your name").fill(name)
    if email is not None:
        page.get_by_label("Your email address").fill(email)
    page.get_by_label("Choose a password").fill(password)
    if child_name is not None:
        page.get_by_label("Your child's name").fill(child_name)
    page.get_by_role("button", name="Make my account and accept").click()


def join(page, link: str, *, name: str, email: str, check_as: str) -> None:
    open_link(page, link, check_as)
    make_account(page, name=name, email=email, password="lemon tree house")


def problem_page(browser, link: str, words: str, name: str) -> None:
    """A link that no longer works, opened on a phone that has never logged in."""
    with fresh_phone(browser) as page:
        response = page.goto(link)
        assert response.status == 410
        assert heading(page) == "This invitation cannot be used"
        assert words in page.locator("main").inner_text()
        assert page.get_by_label("Your name").count() == 0, "no form to fill in"
        check(page, name)


def test_gran_joins_from_a_printable_link_and_can_only_read(live_server, phone, browser):
    log_in_as(phone, live_server, "parent@demo.test", "demo-parent-pass", "parent")
    write_page(phone, live_server, "things-i-enjoy", PAGE_TEXT)
    open_people(phone, live_server)
    assert phone.get_by_text("Invitations not used yet").count() == 0
    link = invite(phone, role=GRAN_ROLE, name="Gran", check_as="created")
    assert phone.get_by_text("We emailed the link").count() == 0, "no email was given"
    assert phone.get_by_text("You are invited to see Sam's About Me on Golden Thread.").is_visible()

    open_people(phone, live_server, "people-waiting")
    waiting = phone.locator(".card", has_text="Gran")
    assert "Family member who can read · works until" in waiting.inner_text()

    with fresh_phone(browser) as gran:
        open_link(gran, link, "join")
        assert heading(gran) == "You are invited"
        assert "Priya Shah invited you to Sam's About Me" in gran.locator("main").inner_text()
        assert gran.get_by_label("Your email address").is_editable(), "no email was given"
        make_account(gran, name="Gran Shah", email="gran@example.test", password="lemon tree house")
        assert gran.url == f"{live_server}/c/sam/"
        assert heading(gran) == "Sam Shah"
        assert gran.get_by_role("status").inner_text() == (
            "Welcome! You can now see Sam's About Me."
        )
        assert gran.get_by_text("You are: Family member (can view)").is_visible()
        assert gran.get_by_text("Logged in as Gran Shah").is_visible()
        assert gran.get_by_role("link", name="People", exact=True).count() == 0
        check(gran, "gran-home")

        gran.get_by_role("link", name=re.compile("^Things I enjoy")).click()
        assert gran.url == f"{live_server}/c/sam/wiki/things-i-enjoy"
        assert PAGE_TEXT in gran.locator(".wiki-body").inner_text()
        assert gran.get_by_role("link", name="Edit this page").count() == 0
        check(gran, "gran-reads")

        response = gran.goto(f"{live_server}/c/sam/wiki/things-i-enjoy/edit")
        assert response.status == 404
        assert heading(gran) == "Page not found"
        assert gran.get_by_label("Page text").count() == 0
        check(gran, "gran-editor-not-found")

    open_people(phone, live_server, "people-gran-joined")
    gran_card = phone.locator(".card", has_text="Gran Shah")
    assert "Family member (can view)" in gran_card.inner_text()
    assert phone.get_by_text("Invitations not used yet").count() == 0
    for name in ("people", "created", "join"):
        print(f"screenshot {name}: {screenshot_path(name)}")


def test_a_professional_joins_from_an_email_and_sees_only_shared_pages(live_server, phone, browser):
    log_in_as(phone, live_server, "parent@demo.test", "demo-parent-pass", "parent")
    write_page(phone, live_server, "my-health", PRIVATE_TEXT)
    write_page(phone, live_server, "things-i-enjoy", SHARED_TEXT)
    phone.get_by_label(TEAM_CHOICE).check()
    phone.get_by_role("button", name="Save who can see it").click()
    assert phone.get_by_label(TEAM_CHOICE).is_checked()
    check(phone, "page-shared")

    open_people(phone, live_server, "people-for-professional")
    invite(
        phone,
        role=PROFESSIONAL_ROLE,
        name="Dr Lee",
        email="Dr.Lee@Clinic.test",
        check_as="created-emailed",
    )
    assert "We emailed the link to dr.lee@clinic.test." in phone.locator("main").inner_text()

    with fresh_phone(browser) as doctor:
        doctor.goto(f"{live_server}/outbox")
        mail = doctor.locator("article", has_text="To dr.lee@clinic.test")
        assert mail.count() == 1
        assert mail.get_by_role("heading").inner_text() == "Priya Shah invited you to Golden Thread"
        assert "see Sam's About Me" in mail.inner_text()
        check(doctor, "outbox")
        mailed_link = mail.locator("a[href*='/invite/']")
        link = mailed_link.get_attribute("href")
        mailed_link.click()
        assert doctor.url == link
        assert heading(doctor) == "You are invited"
        assert "as: Professional (sees only what you share" in doctor.locator("main").inner_text()
        email = doctor.get_by_label("Your email address")
        assert email.input_value() == "dr.lee@clinic.test"
        assert email.get_attribute("readonly") is not None
        assert not email.is_editable()
        assert doctor.get_by_text("The invitation was sent to this address.").is_visible()
        check(doctor, "join-emailed")
        make_account(doctor, name="Dr Lee", email=None, password="lemon tree house")
        assert doctor.url == f"{live_server}/c/sam/"
        assert doctor.get_by_text("You are: Professional").is_visible()
        listed = doctor.locator(".page-list a")
        shared = sorted(title for _, title, seen_by, _ in SAM_PAGES if seen_by == "team")
        titles = sorted(text.splitlines()[0] for text in listed.all_inner_texts())
        assert titles == sorted([*shared, "Things I enjoy"]), "only the shared pages"
        assert doctor.get_by_role("link", name=re.compile("^My health")).count() == 0
        assert doctor.get_by_role("link", name=re.compile("^My family")).count() == 0
        assert doctor.get_by_text("Pages to start").count() == 0
        check(doctor, "professional-home")

        listed.filter(has_text="Things I enjoy").click()
        assert SHARED_TEXT in doctor.locator(".wiki-body").inner_text()
        check(doctor, "professional-reads-shared")
        response = doctor.goto(f"{live_server}/c/sam/wiki/my-health")
        assert response.status == 404
        assert heading(doctor) == "Page not found"
        assert "medicine" not in doctor.content()
        check(doctor, "professional-family-page-not-found")


def test_a_young_person_gets_a_login_and_a_new_password(live_server, phone, browser):
    log_in_as(phone, live_server, "parent@demo.test", "demo-parent-pass", "parent")
    open_people(phone, live_server, "people-for-young-person")
    login_form = phone.get_by_role("region", name="A login for Sam")
    login_form.get_by_label("Their name").fill("Sam (tablet)")
    login_form.get_by_label("Username").fill("sam.tablet")
    login_form.get_by_label("Password").fill("purple kite day")
    login_form.get_by_role("button", name="Make the login").click()
    assert phone.url == f"{live_server}/c/sam/people"
    assert phone.get_by_role("status").inner_text() == (
        "Sam (tablet) can now log in with the username sam.tablet."
    )
    card = phone.locator(".card", has_text="Sam (tablet)")
    assert "Young person · logs in as sam.tablet" in card.inner_text()
    check(phone, "people-young-person")

    with fresh_phone(browser) as tablet:
        log_in_as(tablet, live_server, "sam.tablet", "purple kite day", "young-person")
        tablet.goto(f"{live_server}/c/sam/")
        assert tablet.get_by_text("You are: Young person").is_visible()
        check(tablet, "young-person-home")
        response = tablet.goto(f"{live_server}/c/sam/wiki/about-me/edit")
        assert response.status == 200
        assert tablet.get_by_label("Page text").is_editable()
        check(tablet, "young-person-editor")

        card.get_by_text("Set a new password for Sam (tablet)").click()
        card.get_by_label("New password").fill("green apple sky")
        card.get_by_role("button", name="Set password").click()
        assert phone.get_by_role("status").inner_text() == (
            "Sam (tablet)'s password is changed. They are logged out everywhere."
        )
        check(phone, "people-password-set")

        # The tablet's login ended with the old password.
        tablet.goto(f"{live_server}/c/sam/wiki/about-me/edit")
        assert "/login" in tablet.url
        check(tablet, "young-person-logged-out")

    with fresh_phone(browser) as tablet:
        tablet.goto(f"{live_server}/login")
        log_in(tablet, "sam.tablet", "purple kite day")
        assert "is not right" in tablet.get_by_role("alert").inner_text()
        assert "/login" in tablet.url
        check(tablet, "young-person-old-password")
        log_in(tablet, "sam.tablet", "green apple sky")
        tablet.wait_for_url(lambda url: "/login" not in url)
        check(tablet, "young-person-new-password")
        response = tablet.goto(f"{live_server}/c/sam/wiki/about-me/edit")
        assert response.status == 200
        assert tablet.get_by_label("Page text").is_editable()


def test_a_champion_brings_a_new_family_and_sees_only_progress(live_server, phone, browser):
    log_in_as(phone, live_server, "champion@demo.test", "demo-champion-pass", "champion")
    phone.goto(f"{live_server}/champion/")
    assert heading(phone) == "Families you invited"
    assert phone.get_by_text("You have not invited any families yet.").is_visible()
    check(phone, "champion-empty")
    phone.get_by_label("The parent or carer's name").fill("Jo Bloggs")
    phone.get_by_role("button", name="Make the invitation").click()
    link = invitation_shown(phone, check_as="created-new-family")
    assert phone.get_by_text("You are invited to start your child's About Me").is_visible()

    with fresh_phone(browser) as jo:
        open_link(jo, link, "join-new-family")
        assert heading(jo) == "Start your child's About Me"
        assert "Grace Okafor invited you" in jo.locator("main").inner_text()
        make_account(
            jo,
            name="Jo Bloggs",
            email="jo@example.test",
            password="lemon tree house",
            child_name="Riley Bloggs",
        )
        match = re.fullmatch(rf"{re.escape(live_server)}/c/(riley-bloggs-[0-9a-f]{{6}})/", jo.url)
        assert match, jo.url
        child_slug = match.group(1)
        assert heading(jo) == "Riley Bloggs"
        assert jo.get_by_text("You are: Parent or carer").is_visible()
        assert jo.get_by_role("link", name="People", exact=True).is_visible()
        check(jo, "new-family-home")

    phone.goto(f"{live_server}/champion/")
    family = phone.locator(".cards > .card", has_text="Jo Bloggs")
    assert family.count() == 1
    assert "1 of 4 steps" in family.inner_text()
    assert "✓ Accepted the invitation" in family.inner_text()
    assert "○ Started the About Me" in family.inner_text()
    assert "Riley" not in phone.content()
    check(phone, "champion")

    response = phone.goto(f"{live_server}/c/{child_slug}/")
    assert response.status == 404
    assert heading(phone) == "Page not found"
    assert "Riley" not in phone.content()
    check(phone, "champion-child-not-found")
    print(f"screenshot champion: {screenshot_path('champion')}")


def test_used_cancelled_and_expired_links_say_why(live_server, phone, browser, app):
    log_in_as(phone, live_server, "parent@demo.test", "demo-parent-pass", "parent")
    open_people(phone, live_server, "people-for-links")
    used = invite(phone, role=GRAN_ROLE, name="Used", check_as="created-used")
    open_people(phone, live_server, "people-before-cancel")
    cancelled = invite(phone, role=GRAN_ROLE, name="Cancelled", check_as="created-cancelled")
    open_people(phone, live_server, "people-before-expiry")
    expired = invite(phone, role=GRAN_ROLE, name="Late", check_as="created-late")

    # Accepted on an old phone with JavaScript off: a plain form post is enough.
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        aunt = context.new_page()
        assert aunt.goto(used).status == 200
        check_without_javascript(aunt, "join-no-js")
        make_account(aunt, name="Aunt Used", email="aunt@example.test", password="lemon tree house")
        assert aunt.url == f"{live_server}/c/sam/"
        assert aunt.get_by_text("You are: Family member (can view)").is_visible()
        check_without_javascript(aunt, "home-no-js")
    finally:
        context.close()
    problem_page(browser, used, "This invitation has already been used.", "link-used")

    open_people(phone, live_server, "people-three-waiting")
    card = phone.locator(".card", has_text="Cancelled")
    card.get_by_role("button", name="Cancel this invitation").click()
    assert phone.url == f"{live_server}/c/sam/people"
    assert phone.get_by_role("status").inner_text() == (
        "The invitation is cancelled. Its link no longer works."
    )
    # A cancelled invitation leaves the list of ones that can still be used.
    assert phone.locator(".card", has_text="Cancelled").count() == 0
    check(phone, "people-cancelled")
    problem_page(browser, cancelled, "This invitation was cancelled", "link-cancelled")

    with app.app_context():
        late = db.session.scalars(select(Invitation).where(Invitation.invitee_name == "Late")).one()
        late.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    problem_page(browser, expired, "This invitation has run out", "link-expired")

    problem_page(browser, used.rsplit("/", 1)[0] + "/made-up", "is not right", "link-wrong")


def test_the_activity_page_tells_the_family_who_was_invited_and_joined(live_server, phone, browser):
    log_in_as(phone, live_server, "parent@demo.test", "demo-parent-pass", "parent")
    open_people(phone, live_server, "people-for-activity-start")
    link = invite(phone, role=GRAN_ROLE, name="Gran", check_as="created-for-activity")
    with fresh_phone(browser) as gran:
        join(gran, link, name="Gran Shah", email="gran@example.test", check_as="join-again")
        assert gran.url == f"{live_server}/c/sam/"
    open_people(phone, live_server, "people-for-activity")
    login_form = phone.get_by_role("region", name="A login for Sam")
    login_form.get_by_label("Their name").fill("Sam (tablet)")
    login_form.get_by_label("Username").fill("sam.tablet")
    login_form.get_by_label("Password").fill("purple kite day")
    login_form.get_by_role("button", name="Make the login").click()
    assert phone.get_by_role("status").is_visible()
    check(phone, "people-login-made")

    phone.get_by_role("link", name="See who has looked and what changed").click()
    assert phone.url == f"{live_server}/c/sam/activity"
    assert heading(phone) == "Who has looked and what changed"
    lines = [
        re.sub(r"\s+", " ", line) for line in phone.locator("ol.activity li").all_inner_texts()
    ]
    sentences = [line.split(" ", 4)[-1] for line in lines]  # after "3 Mar 2026, 10:15"

    def line_saying(words: str) -> str:
        found = [line for line in lines if words in line]
        assert len(found) == 1, (words, lines)
        return found[0]

    line_saying("Priya Shah (parent or carer) invited Gran")
    line_saying("Gran Shah (family member who can read) accepted an invitation and joined")
    line_saying("Priya Shah (parent or carer) made a login for Sam (tablet)")
    line_saying("Gran Shah (family member who can read) looked at the home page")
    # Newest first: the join comes after the invitation.
    joined = next(i for i, line in enumerate(lines) if "accepted an invitation" in line)
    invited = next(i for i, line in enumerate(lines) if "invited Gran" in line)
    assert joined < invited
    assert all("_" not in sentence for sentence in sentences), "no code words like family_viewer"
    check(phone, "activity")
    print(f"screenshot activity: {screenshot_path('activity')}")
