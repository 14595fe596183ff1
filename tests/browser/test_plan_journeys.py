"""The EHC plan in Chromium: the caseworker drafts it from the family's shared pages on a
desktop, the family reviews the draft on a phone, and the core flows work without JS."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from portal.plans.quality import CHECKS
from tests.browser.checks import check_page, sideways_overflow, small_tap_targets
from tests.browser.chromium import PHONE
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in
from tests.browser.test_media_journeys import axe_without_javascript

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE_SIZE = PHONE["viewport"]

OUTCOME = "By the end of Year 11, Sam travels to school on his own by train."
FAMILY_OUTCOME = "By the end of Year 11, Sam travels to college on his own by train."
VAGUE = "access to speech therapy as required"


def requested_on() -> str:
    return (date.today() - timedelta(days=70)).isoformat()


def check_everywhere(page, name: str, *, axe_on_phone: bool = False) -> None:
    """check_page at the page's own size; a desktop page is also shrunk to 360×640 and
    must neither scroll sideways nor have small targets there (axe-core runs again at
    that size only when asked: it is the slow part)."""
    check_page(page, name, SCREENSHOTS)
    size = page.viewport_size
    if size == PHONE_SIZE:
        return
    page.set_viewport_size(PHONE_SIZE)
    try:
        if axe_on_phone:
            check_page(page, f"{name}-phone", SCREENSHOTS)
        else:
            page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
            assert sideways_overflow(page) <= 0, f"{name}-phone"
            assert small_tap_targets(page) == [], f"{name}-phone"
    finally:
        page.set_viewport_size(size)


def check_without_javascript(page, name: str) -> None:
    """check_page for a page in a context with JavaScript off (axe-core would wait for
    ever there, so it runs on a twin of the page with our scripts refused)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert axe_without_javascript(page) == [], name
    assert sideways_overflow(page) <= 0, name
    assert small_tap_targets(page) == [], name


def flash(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text).first).to_be_visible()


def words_of(locator) -> str:
    """The text as a screen reader reads it, visually hidden words included."""
    return " ".join(locator.text_content().split())


def checklist(page):
    return page.locator("#checks .checklist > li")


def logged_in(browser, base: str, login: str, password: str, **options):
    """A fresh context and page, logged in."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.goto(f"{base}/login")
    log_in(page, login, password)
    return context, page


def start_plan(page, base: str, *, check: bool) -> None:
    page.goto(f"{base}/c/sam/")
    page.get_by_role("link", name="EHC plan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam's EHC plan")
    if check:
        check_everywhere(page, "plan-none-caseworker")
    page.get_by_label("When was the request for an assessment received?").fill(requested_on())
    page.get_by_role("button", name="Start the plan").click()
    flash(page, "The plan is started.")


def quote(page, which: int, *, tick: int | None, check: bool) -> tuple[str, str]:
    """Quote the `which`-th shared page: one passage (by position), or the whole page.
    Returns the page's title and the words quoted."""
    page.get_by_role("link", name="Quote from a page", exact=True).click()
    if check:
        check_everywhere(page, "plan-quote-pages")
    card = page.locator(".cards .card-link").nth(which)
    title = card.locator("strong").inner_text()
    card.click()
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    passages = page.locator(".passages label")
    assert passages.count() > 1, "each shared demo page has several passages"
    words = "\n\n".join(passages.all_inner_texts())
    if tick is not None:
        words = passages.nth(tick).inner_text()
        page.get_by_label(words, exact=True).check()
    if check:
        check_everywhere(page, "plan-quote")
    page.get_by_role("button", name="Quote in Section A").click()
    flash(page, f"Quoted “{title}” in Section A.")
    return title, words


def add_need(page, *, check: bool) -> None:
    page.locator("#section-B").get_by_role(
        "link", name="Add a need to Section B", exact=True
    ).click()
    page.get_by_label("The need").fill(
        "Sam finds it hard to cope when plans change without warning."
    )
    page.get_by_label(re.compile("^a1: ")).check()
    if check:
        check_everywhere(page, "plan-add-need")
    page.get_by_role("button", name="Save", exact=True).click()
    flash(page, "Added n1.")


def add_outcome(page, *, check: bool) -> None:
    page.get_by_role("link", name="Add an outcome", exact=True).click()
    page.get_by_label("The outcome", exact=True).fill(OUTCOME)
    page.get_by_label(re.compile("^B n1: Sam finds it hard")).check()
    page.get_by_label("Preparing for Adulthood theme").select_option(label="Independent living")
    page.get_by_label("By when").fill("July 2027")
    page.get_by_label("How we will know").fill("Travels alone on 4 school days out of 5.")
    if check:
        check_everywhere(page, "plan-add-outcome")
    page.get_by_role("button", name="Save", exact=True).click()
    flash(page, "Added o1.")


def add_provision(page, what: str, *, number: int, check: bool = False) -> None:
    page.locator("#section-F").get_by_role(
        "link", name="Add provision to Section F", exact=True
    ).click()
    page.get_by_label("What will be provided").fill(what)
    page.get_by_label("Who provides it").fill("The school's travel trainer")
    page.get_by_label("How often").fill("Twice a week, 45 minutes")
    page.get_by_label("For how long or how much").fill("Until the next annual review")
    page.get_by_label(re.compile("^E o1: By the end of Year 11")).check()
    if check:
        check_everywhere(page, "plan-add-provision")
    page.get_by_role("button", name="Save", exact=True).click()
    flash(page, f"Added p{number}.")


def issue_draft(page) -> None:
    page.get_by_role("button", name="Issue the draft to the family").click()
    flash(page, "Draft 1 is issued.")


def draft_and_issue(browser, base: str) -> None:
    """The caseworker's part, quickly and without checks: a well-formed Draft 1."""
    context, page = logged_in(
        browser, base, "caseworker@demo.test", "demo-caseworker-pass", **DESKTOP
    )
    start_plan(page, base, check=False)
    quote(page, 0, tick=-1, check=False)
    quote(page, 1, tick=None, check=False)
    add_need(page, check=False)
    add_outcome(page, check=False)
    add_provision(page, "Travel training on the train to school.", number=1)
    issue_draft(page)
    context.close()


def test_caseworker_drafts_the_plan_from_the_family_pages(live_server, browser):
    context, page = logged_in(
        browser, live_server, "caseworker@demo.test", "demo-caseworker-pass", **DESKTOP
    )
    start_plan(page, live_server, check=True)
    assert page.get_by_text("Not issued to the family yet.").is_visible()

    title, words = quote(page, 0, tick=-1, check=True)
    a1 = page.locator("#item-a1")
    assert a1.locator("blockquote").inner_text().strip() == words
    assert re.search(f"from “{re.escape(title)}”, version [0-9]+", a1.inner_text())
    _title, words = quote(page, 1, tick=None, check=False)
    assert page.locator("#item-a2 blockquote").inner_text().split() == words.split()

    add_need(page, check=True)
    add_outcome(page, check=True)
    add_provision(page, "Travel training on the train to school.", number=1, check=True)

    # The golden thread is whole: every line of the checklist passes.
    lines = checklist(page)
    assert lines.count() == len(CHECKS)
    assert page.locator("#checks .check-fail").count() == 0
    for i in range(lines.count()):
        line = lines.nth(i)
        marker = line.evaluate("el => getComputedStyle(el, '::before').content")
        assert marker == '"✓"', line.inner_text()
        assert words_of(line).startswith("Done: ")
    assert page.locator("#item-o1").get_by_text("Independent living").is_visible()
    assert page.locator("#item-n1 .thread").filter(has_text="Outcomes").inner_text() == (
        "Outcomes: o1"
    )
    page.locator("#checks").screenshot(path=str(SCREENSHOTS / "plan-checklist-passing.png"))
    check_everywhere(page, "plan-caseworker", axe_on_phone=True)

    # A vague promise is caught, on the checklist and next to the item.
    add_provision(page, VAGUE, number=2)
    failing = page.locator("#checks .check-fail")
    assert failing.count() == 1
    assert words_of(failing).startswith("Needs attention: Provision avoids vague words")
    marker = failing.evaluate("el => getComputedStyle(el, '::before').content")
    assert marker == '"!"'
    assert 'uses the vague words "access to"' in failing.inner_text()
    assert "vague words" in page.locator("#item-p2 .findings").inner_text()
    page.locator("#checks").screenshot(path=str(SCREENSHOTS / "plan-checklist-finding.png"))
    check_everywhere(page, "plan-checklist")

    page.get_by_role("button", name="Remove p2").click()
    flash(page, "Removed p2.")
    assert page.locator("#checks .check-fail").count() == 0

    issue_draft(page)
    assert page.get_by_text("The family is reading version").is_visible()
    check_everywhere(page, "plan-issued-caseworker")

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Shah")
    check_everywhere(page, "plan-print")
    context.close()


def test_family_reviews_the_draft_on_a_phone(live_server, browser, phone):
    draft_and_issue(browser, live_server)
    phone.set_default_timeout(5_000)

    phone.goto(f"{live_server}/login")
    log_in(phone, "parent@demo.test", "demo-parent-pass")
    phone.goto(f"{live_server}/c/sam/")
    phone.get_by_role("link", name="EHC plan", exact=True).click()
    expect(phone.get_by_text("Draft 1, issued")).to_be_visible()
    countdown = phone.get_by_role("status").filter(has_text="days left to comment")
    assert re.search(r"You have 1[45] days left to comment", countdown.inner_text())
    check_page(phone, "plan-family", SCREENSHOTS)

    section_a = phone.locator("#section-A")
    section_a.get_by_text("Comment on Section A", exact=True).click()
    section_a.get_by_label("Your comment on Section A").fill(
        "Sam also loves buses. Please add that he is learning to read timetables."
    )
    section_a.get_by_role("button", name="Send comment").click()
    flash(phone, "Your comment on Section A is saved.")
    assert "Sam also loves buses." in phone.locator("#section-A .comments").inner_text()
    check_page(phone, "plan-family-commented", SCREENSHOTS)

    phone.get_by_role("link", name="Suggest different wording for o1").click()
    assert phone.get_by_label("The wording you would like").input_value() == OUTCOME
    phone.get_by_label("The wording you would like").fill(FAMILY_OUTCOME)
    phone.get_by_label("Why (optional)").fill("Sam starts college in September.")
    check_page(phone, "plan-suggest", SCREENSHOTS)
    phone.get_by_role("button", name="Send my suggestion").click()
    flash(phone, "Your suggested wording is sent to the caseworker.")

    # The caseworker, on a desktop, declines it with a reason.
    context, desk = logged_in(
        browser, live_server, "caseworker@demo.test", "demo-caseworker-pass", **DESKTOP
    )
    desk.goto(f"{live_server}/c/sam/plan")
    expect(
        desk.get_by_role("heading", level=2, name="Suggested wording from the family")
    ).to_be_visible()
    suggestions = desk.locator("#suggestions")
    assert FAMILY_OUTCOME in suggestions.inner_text()
    assert "Sam also loves buses." in desk.locator("#section-A .comments").inner_text()
    suggestions.get_by_role("link", name="Decline the suggestion for o1 with a reason").click()
    desk.get_by_label("Why the plan keeps its wording").fill(
        "Sam stays at school for sixth form; college is not agreed yet."
    )
    check_everywhere(desk, "plan-decline")
    desk.get_by_role("button", name="Decline").click()
    flash(desk, "Declined.")
    context.close()

    phone.reload()
    assert "college is not agreed yet" in phone.locator("#suggestions").inner_text()
    phone.get_by_role("link", name="Working document").first.click()
    point = phone.locator(".working-point")
    expect(point).to_have_count(1)
    assert point.locator("del").all_inner_texts() == ["school"]
    assert point.locator("ins").all_inner_texts() == ["college"]
    # Not every screen reader announces <del> and <ins>: the page says whose words are whose.
    spoken = " ".join(point.locator(".working-text").aria_snapshot().split())
    assert re.search(r"\[the plan's words: school ?\]", spoken), spoken
    assert re.search(r"\[the family's words: college ?\]", spoken), spoken
    assert "college is not agreed yet" in point.inner_text()
    check_page(phone, "plan-working-document", SCREENSHOTS)

    phone.goto(f"{live_server}/c/sam/plan")
    phone.get_by_role("link", name="Print view").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sam Shah")
    check_page(phone, "plan-print-phone", SCREENSHOTS)


def test_quoting_and_commenting_work_without_javascript(live_server, browser):
    context, page = logged_in(
        browser,
        live_server,
        "caseworker@demo.test",
        "demo-caseworker-pass",
        **PHONE,
        java_script_enabled=False,
    )
    start_plan(page, live_server, check=False)
    _title, words = quote(page, 0, tick=0, check=False)
    assert page.locator("#item-a1 blockquote").inner_text().strip() == words
    check_without_javascript(page, "plan-nojs-quoted")
    issue_draft(page)
    context.close()

    context, page = logged_in(
        browser,
        live_server,
        "parent@demo.test",
        "demo-parent-pass",
        **PHONE,
        java_script_enabled=False,
    )
    page.goto(f"{live_server}/c/sam/plan")
    section_a = page.locator("#section-A")
    section_a.get_by_text("Comment on Section A", exact=True).click()
    section_a.get_by_label("Your comment on Section A").fill("Written with JavaScript off.")
    section_a.get_by_role("button", name="Send comment").click()
    flash(page, "Your comment on Section A is saved.")
    assert "Written with JavaScript off." in page.locator("#section-A .comments").inner_text()
    check_without_javascript(page, "plan-nojs-commented")

    page.get_by_role("link", name="Suggest different wording for a1").click()
    page.get_by_label("The wording you would like").fill("I want to drive trains.")
    page.get_by_role("button", name="Send my suggestion").click()
    flash(page, "Your suggested wording is sent to the caseworker.")
    context.close()
