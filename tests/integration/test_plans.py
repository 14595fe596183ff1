"""The EHC plan through real requests: Section A quoted from the family's pages and kept
in step with them, the family's review of an issued draft (comments, suggested wording,
the working document), versions, print and PDF, and the activity trail."""

from __future__ import annotations

import re

import pytest

from portal import audit
from portal.plans.content import SECTIONS
from tests.integration.plan_helpers import (
    FAMILY_ONLY,
    GOOD_OUTCOME,
    QUOTED,
    QUOTED_PASSAGE,
    QUOTED_TEXT,
    WHOLE,
    WHOLE_TEXT,
    added,
    amendments,
    comment,
    comments,
    content,
    days_ago,
    decline,
    edit_item,
    edit_wiki_page,
    get_ok,
    issued,
    item,
    item_html,
    page_ids,
    passages_of,
    pdf_text,
    person,
    plan_row,
    plan_views,
    post_button,
    press,
    quote_page,
    share,
    start_plan,
    suggest,
    text_of,
    title_of,
    versions,
    well_formed_plan,
)

# The family's change to the quoted page: the quoted passage grows.
TRAIN_DRIVER = QUOTED_TEXT.removesuffix(".") + " as a train driver."
QUOTED_NOW = "\n\n".join([*passages_of(QUOTED)[:-1], TRAIN_DRIVER])


@pytest.fixture(autouse=True)
def fresh_view_memory():
    audit.recent_views.forget()
    yield
    audit.recent_views.forget()


@pytest.fixture
def caseworker(app, demo):
    return person(app, "caseworker@demo.test")


@pytest.fixture
def parent(app, demo):
    return person(app, "parent@demo.test")


@pytest.fixture
def quoted(app, caseworker):
    """Sam's plan started, quoting one passage of one shared page and the whole of the
    other, both at revision 2 (the revision that shared them)."""
    pages = page_ids(app)
    start_plan(caseworker)
    assert quote_page(caseworker, pages[QUOTED], passages=[QUOTED_PASSAGE]).status_code == 302
    assert quote_page(caseworker, pages[WHOLE]).status_code == 302
    return pages


# Section A from the family's pages ------------------------------------------------------


def test_quotes_are_pinned_to_the_page_revisions_they_came_from(app, caseworker, quoted):
    section_a = content(app)["section_a"]
    assert [block["id"] for block in section_a] == ["a1", "a2"]
    a1, a2 = section_a
    assert a1 == {
        "id": "a1",
        "text": QUOTED_TEXT,
        "source": "family",
        "page_id": quoted[QUOTED],
        "page_slug": QUOTED,
        "page_title": title_of(QUOTED),
        "revision": 2,
        "kept_revision": None,
    }
    assert (a2["text"], a2["revision"], a2["page_slug"]) == (
        WHOLE_TEXT,
        2,
        WHOLE,
    )
    # One version per change: started, then each quote.
    assert [v["summary"] for v in versions(app)] == [
        "Started the plan",
        f"Quoted “{title_of(QUOTED)}” (revision 2) in Section A",
        f"Quoted “{title_of(WHOLE)}” (revision 2) in Section A",
    ]
    page = get_ok(caseworker, "/c/sam/plan")
    assert QUOTED_TEXT in item_html(page, "a1")
    assert f"/c/sam/wiki/{QUOTED}/revisions/2" in item_html(page, "a1")
    assert "Updated since the draft" not in page
    # The family's words are quoted, never rewritten.
    assert caseworker.get("/c/sam/plan/item/a1").status_code == 404


def test_a_page_changed_after_quoting_shows_updated_since_the_draft_with_the_diff(
    app, caseworker, parent, quoted
):
    edit_wiki_page(parent, QUOTED, QUOTED_NOW)
    page = get_ok(caseworker, "/c/sam/plan")
    a1 = item_html(page, "a1")
    assert "Updated since the draft" in a1
    assert "version 2 → 3" in a1
    assert re.search(r"<ins>[^<]*train driver[^<]*</ins>", a1), a1
    assert "Use version 3" in a1 and "Keep version 2" in a1
    assert "Updated since the draft" not in item_html(page, "a2")


def test_use_version_takes_the_new_revision_into_a_new_plan_version(
    app, caseworker, parent, quoted
):
    edit_wiki_page(parent, QUOTED, QUOTED_NOW)
    before = versions(app)
    response = press(caseworker, "/c/sam/plan/section-a/a1/update", choice="pull")
    assert response.status_code == 302
    after = versions(app)
    assert len(after) == len(before) + 1
    newest = after[-1]
    assert newest["summary"] == f"Took revision 3 of “{title_of(QUOTED)}” into Section A"
    a1 = item(newest["content"], "a1")
    assert (a1["revision"], a1["text"], a1["kept_revision"]) == (3, TRAIN_DRIVER, None)
    assert item(newest["content"], "a2") == item(before[-1]["content"], "a2")
    # The version before still says what it said, in the database and on its page.
    older = before[-1]
    assert item(older["content"], "a1")["revision"] == 2
    assert item(older["content"], "a1")["text"] == QUOTED_TEXT
    old_page = get_ok(caseworker, f"/c/sam/plan/versions/{older['number']}")
    assert QUOTED_TEXT in old_page
    assert "train driver" not in old_page
    new_page = get_ok(caseworker, f"/c/sam/plan/versions/{newest['number']}")
    assert TRAIN_DRIVER in new_page
    # Nothing left to take: the notice is gone.
    page = get_ok(caseworker, "/c/sam/plan")
    assert "Updated since the draft" not in page
    assert f"/c/sam/wiki/{QUOTED}/revisions/3" in item_html(page, "a1")


def test_a_whole_page_quote_takes_the_whole_new_page(app, caseworker, parent, quoted):
    edit_wiki_page(parent, WHOLE, WHOLE_TEXT + "\n\nSwimming on Saturdays.")
    press(caseworker, "/c/sam/plan/section-a/a2/update", choice="pull")
    a2 = item(content(app), "a2")
    assert (a2["revision"], a2["text"]) == (3, WHOLE_TEXT + "\n\nSwimming on Saturdays.")


def test_keep_version_records_the_revision_looked_at_until_the_page_changes_again(
    app, caseworker, parent, quoted
):
    edit_wiki_page(parent, WHOLE, WHOLE_TEXT + "\n\nSwimming.")
    assert "Updated since the draft" in item_html(get_ok(caseworker, "/c/sam/plan"), "a2")
    count = len(versions(app))
    response = press(caseworker, "/c/sam/plan/section-a/a2/update", choice="keep")
    assert response.status_code == 302
    found = versions(app)
    assert len(found) == count + 1
    assert found[-1]["summary"] == f"Kept revision 2 of “{title_of(WHOLE)}” (page is at 3)"
    a2 = item(found[-1]["content"], "a2")
    assert (a2["revision"], a2["kept_revision"], a2["text"]) == (2, 3, WHOLE_TEXT)
    assert "Updated since the draft" not in get_ok(caseworker, "/c/sam/plan")
    # Nothing new to keep a second time.
    press(caseworker, "/c/sam/plan/section-a/a2/update", choice="keep")
    assert len(versions(app)) == count + 1
    # The page changes again: the notice is back, against the quoted revision.
    edit_wiki_page(parent, WHOLE, WHOLE_TEXT + "\n\nSwimming and chess.")
    a2_html = item_html(get_ok(caseworker, "/c/sam/plan"), "a2")
    assert "Updated since the draft" in a2_html
    assert "Use version 4" in a2_html and "Keep version 2" in a2_html


def test_a_page_unshared_after_quoting_is_flagged_and_cannot_be_pulled(
    app, caseworker, parent, quoted
):
    share(parent, QUOTED, "family")
    edit_wiki_page(parent, QUOTED, QUOTED_NOW)  # the family's own, now
    page = get_ok(caseworker, "/c/sam/plan")
    a1 = item_html(page, "a1")
    assert "no longer shared with the plan team" in a1
    assert "Use version" not in a1
    assert "train driver" not in page
    count = len(versions(app))
    press(caseworker, "/c/sam/plan/section-a/a1/update", choice="pull")
    assert len(versions(app)) == count
    assert item(content(app), "a1")["text"] == QUOTED_TEXT
    # A deleted page is flagged the same way.
    post_button(
        parent,
        f"/c/sam/wiki/{WHOLE}/delete",
        f"/c/sam/wiki/{WHOLE}",
    )
    assert "no longer shared with the plan team" in item_html(
        get_ok(caseworker, "/c/sam/plan"), "a2"
    )


def test_sharing_a_page_again_without_changing_its_words_is_not_an_update(
    app, caseworker, parent, quoted
):
    """Unsharing and sharing again adds page revisions with the same words: the plan must
    not say the family changed the page, nor offer to "use" a version with nothing new."""
    share(parent, QUOTED, "family")
    share(parent, QUOTED, "team")
    a1 = item_html(get_ok(caseworker, "/c/sam/plan"), "a1")
    assert "Updated since the draft" not in a1
    assert "Use version" not in a1


def test_a_revision_the_family_never_shared_cannot_be_quoted(app, caseworker, parent):
    """The quote form names the page revision it showed; the caseworker may only quote a
    revision the family shared with the plan team, as in the wiki itself."""
    start_plan(caseworker)
    edit_wiki_page(parent, "worries", "PRIVATE: what I worry about at night.")
    edit_wiki_page(parent, "worries", "I like swimming.")
    share(parent, "worries")  # revision 3 is shared; 1 and 2 stay with the family
    page_id = page_ids(app)["worries"]
    assert caseworker.get("/c/sam/wiki/worries/revisions/1").status_code == 404
    count = len(versions(app))
    response = quote_page(caseworker, page_id, revision="1")
    assert response.status_code in (400, 404)
    assert len(versions(app)) == count
    assert "PRIVATE" not in str(content(app))


def test_quoting_checks_its_input(app, caseworker, quoted):
    count = len(versions(app))
    html = get_ok(caseworker, f"/c/sam/plan/quote?page={quoted[QUOTED]}")
    assert QUOTED_TEXT in html
    response = quote_page(caseworker, quoted[QUOTED], passages=[99])
    assert response.status_code == 400
    assert "is not a valid choice" in text_of(response.get_data(as_text=True))
    # A family-only page, or one that is not there, is not offered at all.
    assert caseworker.get(f"/c/sam/plan/quote?page={page_ids(app)[FAMILY_ONLY]}").status_code == 404
    assert caseworker.get("/c/sam/plan/quote?page=99999").status_code == 404
    pick = get_ok(caseworker, "/c/sam/plan/quote")
    assert title_of(QUOTED) in pick and title_of(WHOLE) in pick
    assert title_of(FAMILY_ONLY) not in pick
    assert len(versions(app)) == count


# The family's review ------------------------------------------------------------------


@pytest.fixture
def drafted(app, caseworker):
    """Sam's plan with one golden thread, issued to the family as Draft 1 today."""
    ids = well_formed_plan(app, caseworker)
    issued(caseworker)
    return ids


def test_before_any_draft_the_family_sees_no_plan_content(app, caseworker, parent):
    assert "There is no EHC plan here yet" in get_ok(parent, "/c/sam/plan")
    assert parent.get("/c/sam/plan/versions").status_code == 404
    well_formed_plan(app, caseworker)
    page = get_ok(parent, "/c/sam/plan")
    assert "The council has not issued a draft plan yet" in page
    for words in (QUOTED_TEXT, GOOD_OUTCOME["text"], "Section A", "Quality checklist"):
        assert words not in page
    listing = get_ok(parent, "/c/sam/plan/versions")
    assert "/c/sam/plan/versions/1" not in listing
    for number in range(1, plan_row(app)["current_number"] + 2):
        assert parent.get(f"/c/sam/plan/versions/{number}").status_code == 404
    assert parent.get("/c/sam/plan/versions/1/diff/2").status_code == 404
    assert parent.get("/c/sam/plan/print").status_code == 404
    assert parent.get("/c/sam/plan/export.pdf", buffered=True).status_code == 404
    assert parent.get("/c/sam/plan/suggest/o1").status_code == 404
    assert QUOTED_TEXT not in get_ok(parent, "/c/sam/plan/working-document")
    # Nothing to comment on yet.
    response = comment(parent, "A", "Too early?")
    assert response.status_code == 400
    assert "The plan has not been issued yet." in text_of(response.get_data(as_text=True))
    assert comments(app) == []


def test_the_family_reads_the_issued_draft_and_its_countdown(app, caseworker, parent, drafted):
    plan = plan_row(app)
    assert plan["issued_number"] == plan["current_number"]
    assert [v["label"] for v in versions(app) if v["label"]] == ["Draft 1"]
    page = get_ok(parent, "/c/sam/plan")
    assert "Draft 1, issued" in page
    assert "You have 15 days left to comment" in text_of(page)
    assert QUOTED_TEXT in page and GOOD_OUTCOME["text"] in page
    assert "Quality checklist" not in page
    # The caseworker works on: the family still reads Draft 1.
    assert (
        edit_item(
            caseworker, "o1", {**GOOD_OUTCOME, "text": "UNISSUED wording", "links": ["n1"]}
        ).status_code
        == 302
    )
    page = get_ok(parent, "/c/sam/plan")
    assert "UNISSUED" not in page and GOOD_OUTCOME["text"] in page
    assert "UNISSUED wording" in get_ok(caseworker, "/c/sam/plan")
    current = plan_row(app)["current_number"]
    listing = get_ok(parent, "/c/sam/plan/versions")
    assert f'href="/c/sam/plan/versions/{plan["issued_number"]}">Draft 1<' in listing
    assert f"/c/sam/plan/versions/{current}" not in listing
    assert parent.get(f"/c/sam/plan/versions/{current}").status_code == 404
    # The draft was in fact issued 5 days ago: 10 days are left.
    response = press(
        caseworker,
        "/c/sam/plan/dates",
        requested_on=plan["requested_on"].isoformat(),
        decided_on="",
        draft_issued_on=days_ago(5),
        final_issued_on="",
    )
    assert response.status_code == 302
    assert "You have 10 days left to comment" in text_of(get_ok(parent, "/c/sam/plan"))


def test_the_family_comments_and_suggests_and_the_caseworker_decides(
    app, caseworker, parent, drafted
):
    draft = plan_row(app)["issued_number"]
    # A comment on Section A.
    response = comment(parent, "A", "Please say how much Sam loves trains.")
    assert response.status_code == 302
    assert [(c["section"], c["version_number"], c["body"]) for c in comments(app)] == [
        ("A", draft, "Please say how much Sam loves trains.")
    ]
    assert "Please say how much Sam loves trains." in get_ok(caseworker, "/c/sam/plan")
    # Two suggestions: one for the outcome, one for the need.
    assert (
        suggest(
            parent, "o1", "Sam will travel to college by train on his own.", "He can."
        ).status_code
        == 302
    )
    assert suggest(parent, "n1", "Sam finds crowded corridors frightening.").status_code == 302
    outcome_amendment, need_amendment = amendments(app)
    assert (outcome_amendment["target"], outcome_amendment["section"]) == ("o1", "E")
    assert outcome_amendment["current_text"] == GOOD_OUTCOME["text"]
    assert (need_amendment["target"], need_amendment["status"]) == ("n1", "open")
    assert need_amendment["version_number"] == draft

    # Accept the outcome's wording: a new version with the family's words.
    count = len(versions(app))
    response = press(caseworker, f"/c/sam/plan/suggestions/{outcome_amendment['id']}/accept")
    assert response.status_code == 302
    found = versions(app)
    assert len(found) == count + 1
    assert item(found[-1]["content"], "o1")["text"] == (
        "Sam will travel to college by train on his own."
    )
    assert item(found[-1]["content"], "o1")["timeframe"] == GOOD_OUTCOME["timeframe"]
    accepted = amendments(app)[0]
    assert accepted["status"] == "accepted"
    assert accepted["accepted_in"] == found[-1]["number"]
    assert accepted["decided_by_id"] is not None and accepted["decided_at"] is not None

    # Decline the need's wording: not without a reason.
    for reason in ("", "   "):
        response = decline(caseworker, need_amendment["id"], reason)
        assert response.status_code == 400
        assert "Say why, so the family can understand" in text_of(response.get_data(as_text=True))
        assert amendments(app)[1]["status"] == "open"
        assert amendments(app)[1]["decided_at"] is None
    response = decline(caseworker, need_amendment["id"], "School reports say noise, not crowds.")
    assert response.status_code == 302
    declined = amendments(app)[1]
    assert declined["status"] == "declined"
    assert declined["decision_reason"] == "School reports say noise, not crowds."
    assert len(versions(app)) == count + 1  # declining changes no wording

    # The working document: the plan's wording struck through, the family's inserted.
    for viewer in (caseworker, parent):
        working = get_ok(viewer, "/c/sam/plan/working-document")
        assert "Section B, n1" in working
        assert re.search(r"<del>[^<]*noisy[^<]*</del>", working), working
        assert re.search(r"<ins>[^<]*crowded corridors[^<]*</ins>", working), working
        assert "School reports say noise, not crowds." in working
        assert "Section E, o1" not in working  # accepted: nothing left to agree

    # The family sees why, and agrees to the plan's wording after all.
    page = get_ok(parent, "/c/sam/plan")
    assert "School reports say noise, not crowds." in page
    assert "We agree to the plan" in page
    assert press(parent, f"/c/sam/plan/suggestions/{need_amendment['id']}/agree").status_code == 302
    assert amendments(app)[1]["status"] == "agreed"
    working = get_ok(parent, "/c/sam/plan/working-document")
    assert "Section B, n1" not in working
    assert "Every point is agreed" in working


def test_settled_suggestions_stay_settled(app, caseworker, parent, drafted):
    suggest(parent, "o1", "Sam will travel by bus.")
    amendment = amendments(app)[0]
    # An open suggestion cannot be "agreed" by the family: the caseworker has not decided.
    press(parent, f"/c/sam/plan/suggestions/{amendment['id']}/agree")
    assert amendments(app)[0]["status"] == "open"
    press(caseworker, f"/c/sam/plan/suggestions/{amendment['id']}/accept")
    count = len(versions(app))
    # Accepted once: neither accepted again nor declined afterwards.
    press(caseworker, f"/c/sam/plan/suggestions/{amendment['id']}/accept")
    response = decline(caseworker, amendment["id"], "Changed my mind")
    assert response.status_code == 400
    assert "already been settled" in text_of(response.get_data(as_text=True))
    assert amendments(app)[0]["status"] == "accepted"
    assert len(versions(app)) == count


def test_a_suggestion_must_change_the_wording(app, parent, drafted):
    response = suggest(parent, "o1", GOOD_OUTCOME["text"])
    assert response.status_code == 400
    assert "Your wording is the same as the plan" in text_of(response.get_data(as_text=True))
    response = suggest(parent, "o1", "")
    assert response.status_code == 400
    assert "Write the wording you would like." in text_of(response.get_data(as_text=True))
    assert parent.get("/c/sam/plan/suggest/o99").status_code == 404
    assert amendments(app) == []


def test_the_working_document_shows_the_family_only_issued_wording(
    app, caseworker, parent, drafted
):
    """The family reads issued versions only: the working document must not show them
    wording the caseworker has written since and not issued."""
    suggest(parent, "n1", "Sam finds crowded corridors frightening.")
    decline(caseworker, amendments(app)[0]["id"], "Noise, not crowds.")
    response = edit_item(
        caseworker, "n1", {"section": "B", "text": "UNISSUED caseworker wording", "links": ["a1"]}
    )
    assert response.status_code == 302
    working = get_ok(parent, "/c/sam/plan/working-document")
    assert "UNISSUED" not in working
    assert re.search(r"<del>[^<]*noisy[^<]*</del>", working), working


def test_once_the_final_plan_is_issued_the_family_is_not_asked_to_comment_on_the_draft(
    app, caseworker, parent, drafted
):
    issued(caseworker, final=True)
    plan = plan_row(app)
    assert plan["final_issued_on"] is not None
    assert [v["label"] for v in versions(app) if v["label"]] == ["Draft 1", "Final plan"]
    page = get_ok(parent, "/c/sam/plan")
    assert "Final plan, issued" in page
    assert "left to comment" not in text_of(page)


def test_after_the_final_plan_come_amended_plans(app, caseworker, parent, drafted):
    issued(caseworker, final=True)
    edit_item(
        caseworker, "o1", {**GOOD_OUTCOME, "text": "Sam will cycle to college.", "links": ["n1"]}
    )
    issued(caseworker, final=True)
    plan = plan_row(app)
    assert (plan["drafts_issued"], plan["amendments_issued"]) == (1, 1)
    labels = [v["label"] for v in versions(app) if v["label"]]
    assert labels == ["Draft 1", "Final plan", "Amended plan 1"]
    page = get_ok(parent, "/c/sam/plan")
    assert "Amended plan 1, issued" in page and "Sam will cycle to college." in page


def test_a_draft_cannot_be_issued_without_the_request_date(app, caseworker):
    start_plan(caseworker)
    press(caseworker, "/c/sam/plan/issue", **{"as": "draft"})
    assert "Add the date the request for an assessment came in" in text_of(
        get_ok(caseworker, "/c/sam/plan")
    )
    assert plan_row(app)["issued_number"] is None
    assert len(versions(app)) == 1


def test_the_family_is_told_when_the_15_days_have_passed(app, caseworker, parent, drafted):
    response = press(
        caseworker,
        "/c/sam/plan/dates",
        requested_on=days_ago(60),
        decided_on=days_ago(40),
        draft_issued_on=days_ago(20),
        final_issued_on="",
    )
    assert response.status_code == 302
    page = text_of(get_ok(parent, "/c/sam/plan"))
    assert "The 15 days for comments on the draft ended on" in page
    assert "left to comment" not in page
    # Comments are still taken.
    assert comment(parent, "B", "Late, sorry.").status_code == 302


def test_the_final_plan_needs_a_draft_first(app, caseworker):
    well_formed_plan(app, caseworker)
    count = len(versions(app))
    response = press(caseworker, "/c/sam/plan/issue", **{"as": "final"})
    assert response.status_code == 302
    assert "Issue a draft first" in text_of(get_ok(caseworker, "/c/sam/plan"))
    assert response.location.endswith("/c/sam/plan")
    assert len(versions(app)) == count
    assert plan_row(app)["final_issued_on"] is None


# Versions, print and PDF ----------------------------------------------------------------


def test_the_versions_page_and_what_changed(app, caseworker, parent, drafted):
    edit_item(
        caseworker, "n1", {"section": "B", "text": "Sam finds loud rooms hard.", "links": ["a1"]}
    )
    current = plan_row(app)["current_number"]
    listing = get_ok(caseworker, "/c/sam/plan/versions")
    for number in range(1, current + 1):
        assert f"/c/sam/plan/versions/{number}" in listing
    diff = get_ok(caseworker, f"/c/sam/plan/versions/{current - 1}/diff/{current}")
    assert re.search(r"<ins>[^<]*loud[^<]*</ins>", diff), diff
    draft = plan_row(app)["issued_number"]
    same = get_ok(parent, f"/c/sam/plan/versions/{draft}/diff/{draft}")
    assert "These two versions have the same text." in same
    assert parent.get(f"/c/sam/plan/versions/{draft}/diff/{current}").status_code == 404


def test_the_pdf_is_the_issued_version_for_the_family_and_the_working_one_for_the_caseworker(
    app, caseworker, parent, drafted
):
    draft = plan_row(app)["issued_number"]
    edit_item(caseworker, "o1", {**GOOD_OUTCOME, "text": "UNISSUED wording", "links": ["n1"]})
    current = plan_row(app)["current_number"]

    response = parent.get("/c/sam/plan/export.pdf", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data[:4] == b"%PDF"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ehc-plan-sam-v{draft}.pdf"'
    )
    text = pdf_text(response.data)
    assert "Sam Shah" in text
    assert "Draft 1" in text
    for title in SECTIONS.values():
        assert " ".join(title.split()) in text, title
    assert GOOD_OUTCOME["text"] in text and QUOTED_TEXT in text
    assert "UNISSUED" not in text

    response = caseworker.get("/c/sam/plan/export.pdf", buffered=True)
    assert response.status_code == 200 and response.data[:4] == b"%PDF"
    text = pdf_text(response.data)
    assert "Working version" in text and "not issued" in text
    assert f"(version {current})" in text
    assert "UNISSUED wording" in text

    # An unissued version by number: the caseworker's, never the family's.
    assert parent.get("/c/sam/plan/export.pdf?version=1", buffered=True).status_code == 404
    assert parent.get(f"/c/sam/plan/export.pdf?version={current}", buffered=True).status_code == 404
    assert parent.get(f"/c/sam/plan/print?version={current}").status_code == 404
    response = parent.get(f"/c/sam/plan/export.pdf?version={draft}", buffered=True)
    assert response.status_code == 200 and "Draft 1" in pdf_text(response.data)
    response = caseworker.get("/c/sam/plan/export.pdf?version=1", buffered=True)
    text = pdf_text(response.data)
    assert "not issued" in text and "(version 1)" in text
    assert caseworker.get("/c/sam/plan/export.pdf?version=999", buffered=True).status_code == 404


def test_the_print_view_is_the_plan_as_html(app, caseworker, parent, drafted):
    page = get_ok(parent, "/c/sam/plan/print")
    assert "<title>EHC plan for Sam Shah — Draft 1</title>" in page
    for letter, title in SECTIONS.items():
        assert f'<span class="section-letter">{letter}</span>' in page
        assert title.replace("'", "&#39;") in page
    assert QUOTED_TEXT in page and GOOD_OUTCOME["text"] in page
    assert f"/c/sam/wiki/{QUOTED}/revisions/2" in page
    edit_item(caseworker, "o1", {**GOOD_OUTCOME, "text": "UNISSUED wording", "links": ["n1"]})
    page = get_ok(caseworker, "/c/sam/plan/print")
    current = plan_row(app)["current_number"]
    assert "Working version" in page and "not issued" in page
    assert f"(version {current})" in page
    assert "UNISSUED wording" in page
    assert "UNISSUED" not in get_ok(parent, "/c/sam/plan/print")


# The activity trail -----------------------------------------------------------------------


def test_plan_work_is_in_the_childs_activity_in_plain_words(app, caseworker, parent):
    well_formed_plan(app, caseworker)
    issued(caseworker)
    comment(parent, "A", "Thank you.")
    suggest(parent, "o1", "Sam will travel by train on his own.")
    suggest(parent, "n1", "Sam finds crowds hard.")
    first, second = amendments(app)
    press(caseworker, f"/c/sam/plan/suggestions/{first['id']}/accept")
    decline(caseworker, second["id"], "Noise, not crowds.")
    press(parent, f"/c/sam/plan/suggestions/{second['id']}/agree")
    edit_item(caseworker, "n1", {"section": "B", "text": "Sam finds loud rooms hard."})
    issued(caseworker)
    assert parent.get("/c/sam/plan/export.pdf", buffered=True).status_code == 200

    trail = text_of(get_ok(parent, "/c/sam/activity"))
    for line in (
        "Ms Patel (caseworker) wrote the plan “the EHC plan”",
        f"Ms Patel (caseworker) changed the plan “Quoted “{title_of(QUOTED)}” (revision 2) "
        "in Section A”",
        "Ms Patel (caseworker) changed the plan “Added a need”",
        "Ms Patel (caseworker) changed the plan “Changed n1”",
        "Ms Patel (caseworker) viewed the plan “the EHC plan”",
        "Ms Patel (caseworker) issued the plan “Draft 1”",
        "Priya Shah (parent or carer) viewed the plan “the EHC plan”",
        "Priya Shah (parent or carer) commented on the plan “Section A”",
        "Priya Shah (parent or carer) suggested new wording for the plan “Section E”",
        "Ms Patel (caseworker) took in the family's wording for the plan “Section E”",
        "Ms Patel (caseworker) declined the family's wording for the plan “Section B”",
        "Priya Shah (parent or carer) agreed to the wording of the plan “Section B”",
        "Ms Patel (caseworker) issued the plan “Draft 2”",
        "Priya Shah (parent or carer) downloaded the plan “Draft 2”",
    ):
        assert line in trail, line


def test_the_trail_names_what_was_added_in_good_english(app, caseworker, parent):
    well_formed_plan(app, caseworker)
    added(caseworker, "summary", {"text": "Sam is happiest outdoors."})
    trail = text_of(get_ok(parent, "/c/sam/activity"))
    for line in (
        "Ms Patel (caseworker) changed the plan “Added a need”",
        "Ms Patel (caseworker) changed the plan “Added an outcome”",
        "Ms Patel (caseworker) changed the plan “Added an item of provision”",
        "Ms Patel (caseworker) changed the plan “Added a summary for Section A”",
    ):
        assert line in trail, line
    assert "<h1>Add an outcome</h1>" in get_ok(caseworker, "/c/sam/plan/new/outcome")
    assert "<h1>Add an item of provision</h1>" in get_ok(caseworker, "/c/sam/plan/new/provision")


def test_every_way_of_reading_the_plan_is_in_the_trail(app, caseworker, drafted):
    """Views of a child's data are in the trail (DESIGN, section 4), as the wiki records
    views of old revisions and diffs: the print view, a version, what changed between
    versions and the working document all show the plan."""
    young_person = person(app, "sam")
    draft = plan_row(app)["issued_number"]
    for url in (
        "/c/sam/plan/print",
        f"/c/sam/plan/versions/{draft}",
        f"/c/sam/plan/versions/{draft}/diff/{draft}",
        "/c/sam/plan/working-document",
    ):
        audit.recent_views.forget()
        before = plan_views(app, "Sam Shah")
        get_ok(young_person, url)
        assert plan_views(app, "Sam Shah") == before + 1, url
