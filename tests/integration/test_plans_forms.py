"""The plan's forms: two people (or two tabs) changing the plan at once, and input that
cannot be saved. Nothing half-saved, a message, status 400, and what was typed is kept."""

from __future__ import annotations

import html as html_lib
from datetime import date, timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.integration.plan_helpers import (
    GOOD_OUTCOME,
    GOOD_PROVISION,
    amendments,
    comments,
    content,
    days_ago,
    form_fields,
    get_ok,
    issued,
    item,
    person,
    plan_row,
    post_opened,
    press,
    start_plan,
    suggest,
    text_of,
    textarea,
    versions,
    well_formed_plan,
)

STALE = "Someone changed this part of the plan after you opened it"
NEED = {"section": "B", "links": ["a1"]}


@pytest.fixture
def caseworker(app, demo):
    return person(app, "caseworker@demo.test")


@pytest.fixture
def thread(app, caseworker):
    return well_formed_plan(app, caseworker)


def opened(client, url: str) -> dict:
    """The fields of a form as it was when opened: a tab left open."""
    return form_fields(get_ok(client, url))


def shown(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


# Two tabs ----------------------------------------------------------------------------------


def test_two_forms_on_one_item_the_second_save_is_refused_and_keeps_its_text(
    app, caseworker, thread
):
    url = "/c/sam/plan/item/n1"
    first, second = opened(caseworker, url), opened(caseworker, url)
    assert first["base"] == second["base"]
    response = post_opened(caseworker, url, first, {**NEED, "text": "Sam finds loud rooms hard."})
    assert response.status_code == 302
    count = len(versions(app))
    response = post_opened(
        caseworker, url, second, {**NEED, "text": "Sam finds lunchtimes really hard."}
    )
    assert response.status_code == 400
    page = shown(response)
    assert STALE in page
    assert textarea(page, "text") == "Sam finds lunchtimes really hard."
    assert len(versions(app)) == count
    assert item(content(app), "n1")["text"] == "Sam finds loud rooms hard."


def test_after_a_stale_refusal_the_form_shows_the_plan_as_it_is_and_can_be_saved_again(
    app, caseworker, thread
):
    """The refusal says "look at the plan as it is now and save again": the page must show
    the wording saved meanwhile, and saving the form again must then work."""
    url = "/c/sam/plan/item/n1"
    first, second = opened(caseworker, url), opened(caseworker, url)
    post_opened(caseworker, url, first, {**NEED, "text": "Sam finds loud rooms hard."})
    refused = post_opened(caseworker, url, second, {**NEED, "text": "Sam finds lunch hard."})
    assert refused.status_code == 400
    page = shown(refused)
    assert "Sam finds loud rooms hard." in page  # what the plan says now
    again = form_fields(page)
    response = post_opened(caseworker, url, again, {**NEED, "text": "Sam finds lunch hard."})
    assert response.status_code == 302, text_of(response.get_data(as_text=True))
    assert item(content(app), "n1")["text"] == "Sam finds lunch hard."


def test_two_forms_on_one_text_section_the_second_save_is_refused(app, caseworker, thread):
    url = "/c/sam/plan/text/I"
    first, second = opened(caseworker, url), opened(caseworker, url)
    assert post_opened(caseworker, url, first, {"text": "Riverside Academy"}).status_code == 302
    response = post_opened(caseworker, url, second, {"text": "Hillside College"})
    assert response.status_code == 400
    assert STALE in shown(response)
    assert textarea(shown(response), "text") == "Hillside College"
    assert content(app)["text_sections"] == {"I": "Riverside Academy"}


def test_edits_to_different_items_opened_together_both_land(app, caseworker, thread):
    need_form = opened(caseworker, "/c/sam/plan/item/n1")
    outcome_form = opened(caseworker, "/c/sam/plan/item/o1")
    new_form = opened(caseworker, "/c/sam/plan/new/need")
    text_form = opened(caseworker, "/c/sam/plan/text/K")
    assert need_form["base"] == outcome_form["base"] == new_form["base"] == text_form["base"]
    saves = [
        ("/c/sam/plan/item/n1", need_form, {**NEED, "text": "Sam finds loud rooms hard."}),
        (
            "/c/sam/plan/item/o1",
            outcome_form,
            {**GOOD_OUTCOME, "text": "Sam will take the bus on his own.", "links": ["n1"]},
        ),
        ("/c/sam/plan/new/need", new_form, {"section": "C", "text": "Sam has asthma."}),
        ("/c/sam/plan/text/K", text_form, {"text": "Advice from the school nurse."}),
    ]
    for url, fields, data in saves:
        response = post_opened(caseworker, url, fields, data)
        assert response.status_code == 302, (url, text_of(response.get_data(as_text=True)))
    now = content(app)
    assert item(now, "n1")["text"] == "Sam finds loud rooms hard."
    assert item(now, "o1")["text"] == "Sam will take the bus on his own."
    assert item(now, "o1")["timeframe"] == GOOD_OUTCOME["timeframe"]
    assert item(now, "n2") == {
        "id": "n2",
        "section": "C",
        "text": "Sam has asthma.",
        "aspiration_ids": [],
    }
    assert now["text_sections"] == {"K": "Advice from the school nurse."}


def test_removing_an_item_changed_since_the_page_was_opened_is_refused(app, caseworker, thread):
    plan_page = opened(caseworker, "/c/sam/plan")
    form = opened(caseworker, "/c/sam/plan/item/p1")
    post_opened(
        caseworker,
        "/c/sam/plan/item/p1",
        form,
        {**GOOD_PROVISION, "links": ["o1"], "who": "Ms Ali"},
    )
    count = len(versions(app))
    response = post_opened(caseworker, "/c/sam/plan/item/p1/delete", plan_page, {})
    assert response.status_code == 302
    assert STALE in text_of(get_ok(caseworker, "/c/sam/plan"))
    assert len(versions(app)) == count
    assert item(content(app), "p1")["who"] == "Ms Ali"
    # Opened afresh, it goes; earlier versions keep it.
    response = press(caseworker, "/c/sam/plan/item/p1/delete")
    assert response.status_code == 302
    assert [p["id"] for p in content(app)["provision"]] == []
    assert item(versions(app)[-2]["content"], "p1")["who"] == "Ms Ali"


# Input that cannot be saved ---------------------------------------------------------------

LONG = "Sam " * 5_001  # 20,004 characters: one over the most a text may have


@pytest.mark.parametrize(
    ("url", "data", "message", "kept"),
    [
        pytest.param(
            "/c/sam/plan/new/need",
            {"section": "B", "text": LONG},
            "Keep this under 20,000 characters.",
            LONG.strip()[:200],
            id="over-long need",
        ),
        pytest.param(
            "/c/sam/plan/new/outcome",
            {**GOOD_OUTCOME, "text": ""},
            "Describe the outcome.",
            GOOD_OUTCOME["measure"],
            id="empty outcome",
        ),
        pytest.param(
            "/c/sam/plan/new/provision",
            {**GOOD_PROVISION, "what": "   "},
            "Say what will be provided.",
            GOOD_PROVISION["who"],
            id="blank provision",
        ),
        pytest.param(
            "/c/sam/plan/new/outcome",
            {**GOOD_OUTCOME, "pfa_theme": "astronaut"},
            "Not a valid choice.",
            GOOD_OUTCOME["text"],
            id="unknown PfA theme",
        ),
        pytest.param(
            "/c/sam/plan/new/outcome",
            {**GOOD_OUTCOME, "links": ["n1", "n99"]},
            "'n99' is not a valid choice for this field.",
            GOOD_OUTCOME["text"],
            id="link to no need",
        ),
        pytest.param(
            "/c/sam/plan/new/provision",
            {**GOOD_PROVISION, "links": ["a1"]},
            "'a1' is not a valid choice for this field.",
            GOOD_PROVISION["what"],
            id="provision linked to a passage",
        ),
        pytest.param(
            "/c/sam/plan/new/need",
            {"section": "Z", "text": "Sam finds noise hard."},
            "Not a valid choice.",
            "Sam finds noise hard.",
            id="unknown section",
        ),
        pytest.param(
            "/c/sam/plan/item/n1",
            {"section": "B", "text": ""},
            "Describe the need.",
            None,
            id="need emptied",
        ),
        pytest.param(
            "/c/sam/plan/item/o1",
            {**GOOD_OUTCOME, "text": "Sam will cook a meal.", "links": ["o1"]},
            "'o1' is not a valid choice for this field.",
            "Sam will cook a meal.",
            id="outcome linked to itself",
        ),
        pytest.param(
            "/c/sam/plan/text/I",
            {"text": LONG},
            "Keep this under 20,000 characters.",
            LONG.strip()[:200],
            id="over-long section I",
        ),
        pytest.param(
            "/c/sam/plan/new/outcome",
            {**GOOD_OUTCOME, "timeframe": LONG, "links": ["n1"]},
            "Keep this under 1,000 characters.",
            GOOD_OUTCOME["text"],
            id="over-long timeframe",
        ),
        pytest.param(
            "/c/sam/plan/new/provision",
            {**GOOD_PROVISION, "how_often": LONG, "links": ["o1"]},
            "Keep this under 1,000 characters.",
            GOOD_PROVISION["what"],
            id="over-long how often",
        ),
    ],
)
def test_input_that_cannot_be_saved_is_shown_back_with_a_message(
    app, caseworker, thread, url, data, message, kept
):
    before = versions(app)
    response = post_opened(caseworker, url, opened(caseworker, url), data)
    assert response.status_code == 400
    page = shown(response)
    assert message in page
    assert "There is a problem" in page
    if kept is not None:
        assert kept in page
    assert versions(app) == before


def test_dates_in_the_wrong_order_or_the_future_are_refused_and_kept(app, caseworker, thread):
    before = plan_row(app)
    requested, decided = days_ago(30), days_ago(40)
    response = press(
        caseworker,
        "/c/sam/plan/dates",
        requested_on=requested,
        decided_on=decided,
        draft_issued_on="",
        final_issued_on="",
    )
    assert response.status_code == 400
    page = shown(response)
    assert "The decision whether to assess" in page
    assert "cannot be dated before the request" in page
    assert f'value="{requested}"' in page and f'value="{decided}"' in page

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = press(
        caseworker,
        "/c/sam/plan/dates",
        requested_on=requested,
        decided_on=tomorrow,
        draft_issued_on="",
        final_issued_on="",
    )
    assert response.status_code == 400
    assert "cannot be in the future" in shown(response)
    assert f'value="{tomorrow}"' in shown(response)

    response = press(caseworker, "/c/sam/plan/dates", requested_on="31/02/2026")
    assert response.status_code == 400
    assert "Not a valid date value." in shown(response)
    assert plan_row(app) == before


def test_starting_a_plan_checks_its_date_and_happens_once(app, caseworker):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = press(caseworker, "/c/sam/plan/start", requested_on=tomorrow)
    assert response.status_code == 400
    assert "The request date cannot be in the future." in shown(response)
    assert f'value="{tomorrow}"' in shown(response)
    assert "Start the plan" in get_ok(caseworker, "/c/sam/plan")
    start_plan(caseworker, requested_on=days_ago(3))
    token = csrf_token_from(get_ok(caseworker, "/c/sam/plan"))
    response = caseworker.post(
        "/c/sam/plan/start", data={"csrf_token": token, "requested_on": days_ago(1)}
    )
    assert response.status_code == 400
    assert "This child already has a plan." in shown(response)
    assert plan_row(app)["requested_on"].isoformat() == days_ago(3)
    assert len(versions(app)) == 1


def test_comments_and_suggestions_check_their_input(app, caseworker, thread):
    issued(caseworker)
    parent = person(app, "parent@demo.test")
    page = get_ok(parent, "/c/sam/plan")
    token = csrf_token_from(page)
    long_comment = "Please " * 800  # 5,600 characters
    response = parent.post(
        "/c/sam/plan/comments", data={"csrf_token": token, "section": "A", "body": long_comment}
    )
    assert response.status_code == 400
    assert "Keep this under 5,000 characters." in shown(response)
    assert long_comment.strip()[:100] in shown(response)
    response = parent.post(
        "/c/sam/plan/comments", data={"csrf_token": token, "section": "A", "body": ""}
    )
    assert response.status_code == 400
    assert "Write your comment first." in shown(response)
    response = parent.post(
        "/c/sam/plan/comments", data={"csrf_token": token, "section": "Z", "body": "Hello"}
    )
    assert response.status_code == 400
    response = suggest(parent, "o1", "Sam will cook.", reason="x" * 5_001)
    assert response.status_code == 400
    assert "Keep this under 5,000 characters." in shown(response)
    assert textarea(shown(response), "proposed") == "Sam will cook."
    assert comments(app) == [] and amendments(app) == []


def test_plan_text_is_shown_as_text_never_as_markup(app, caseworker, thread):
    script = "<script>alert('plan')</script> & <b>bold</b>"
    edit = {**GOOD_OUTCOME, "text": script, "links": ["n1"]}
    assert (
        post_opened(
            caseworker, "/c/sam/plan/item/o1", opened(caseworker, "/c/sam/plan/item/o1"), edit
        ).status_code
        == 302
    )
    issued(caseworker)
    parent = person(app, "parent@demo.test")
    for client, url in (
        (caseworker, "/c/sam/plan"),
        (parent, "/c/sam/plan"),
        (parent, "/c/sam/plan/print"),
        (caseworker, f"/c/sam/plan/versions/{plan_row(app)['current_number']}"),
    ):
        page = get_ok(client, url)
        assert "<script>alert" not in page and "<b>bold</b>" not in page, url
        assert "&lt;script&gt;alert(" in page, url
    suggest(parent, "o1", "<img src=x onerror=alert(1)>")
    working = get_ok(parent, "/c/sam/plan/working-document")
    assert "<img src=x" not in working and "&lt;img src=x" in working


# CSRF ---------------------------------------------------------------------------------------


def test_every_plan_form_without_its_csrf_token_is_refused(app, caseworker, thread):
    parent = person(app, "parent@demo.test")
    issued(caseworker)
    suggest(parent, "n1", "Sam finds crowds hard.")
    amendment = amendments(app)[0]["id"]
    base = str(plan_row(app)["current_number"])
    before = (versions(app), plan_row(app), amendments(app), comments(app))
    posts = [
        (caseworker, "/c/sam/plan/start", {"requested_on": ""}),
        (caseworker, "/c/sam/plan/dates", {"requested_on": days_ago(1)}),
        (caseworker, "/c/sam/plan/issue", {"as": "draft"}),
        (caseworker, "/c/sam/plan/quote", {"base": base, "page": "1", "revision": "2"}),
        (caseworker, "/c/sam/plan/section-a/a1/update", {"base": base, "choice": "keep"}),
        (caseworker, "/c/sam/plan/new/need", {"base": base, "section": "B", "text": "x"}),
        (caseworker, "/c/sam/plan/item/n1", {"base": base, "section": "B", "text": "x"}),
        (caseworker, "/c/sam/plan/item/p1/delete", {"base": base}),
        (caseworker, "/c/sam/plan/text/I", {"base": base, "text": "x"}),
        (caseworker, f"/c/sam/plan/suggestions/{amendment}/accept", {}),
        (caseworker, f"/c/sam/plan/suggestions/{amendment}/decline", {"reason": "x"}),
        (parent, "/c/sam/plan/comments", {"section": "A", "body": "x"}),
        (parent, "/c/sam/plan/suggest/o1", {"proposed": "x"}),
        (parent, f"/c/sam/plan/suggestions/{amendment}/agree", {}),
    ]
    for client, url, data in posts:
        assert client.post(url, data=data).status_code == 400, url
        wrong = {**data, "csrf_token": "not-the-token"}
        assert client.post(url, data=wrong).status_code == 400, url
    assert (versions(app), plan_row(app), amendments(app), comments(app)) == before
