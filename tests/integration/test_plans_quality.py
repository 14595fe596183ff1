"""The caseworker's quality checklist, written through the real forms and checked both on
the plan page and with check_plan on the version the database holds."""

from __future__ import annotations

import pytest

from portal.plans.content import from_dict
from portal.plans.quality import CHECKS, check_plan
from tests.integration.plan_helpers import (
    GOOD_OUTCOME,
    GOOD_PROVISION,
    QUOTED,
    QUOTED_PASSAGE,
    added,
    checklist,
    content,
    days_ago,
    edit_item,
    get_ok,
    item,
    item_html,
    page_ids,
    person,
    press,
    quote_page,
    start_plan,
    text_of,
    well_formed_plan,
)

VAGUE = "access to speech and language therapy as required"


@pytest.fixture
def caseworker(app, demo):
    return person(app, "caseworker@demo.test")


def findings(app) -> list:
    """check_plan on the newest version in the database; Sam is 15."""
    return check_plan(from_dict(content(app)), age=15)


def test_gaps_in_the_golden_thread_are_flagged_on_the_checklist(app, caseworker):
    start_plan(caseworker, requested_on=days_ago(30))
    assert quote_page(caseworker, page_ids(app)[QUOTED], [QUOTED_PASSAGE]).status_code == 302
    need = added(
        caseworker, "need", {"section": "B", "text": "Sam finds noise hard.", "links": ["a1"]}
    )
    # An outcome with no provision, no timeframe and no Preparing for Adulthood theme.
    bare = added(
        caseworker,
        "outcome",
        {"text": "Sam will use a quiet space.", "links": [need], "measure": "Asks for it"},
    )
    # An outcome with a timeframe, served by vague provision.
    served = added(
        caseworker,
        "outcome",
        {"text": "Sam will talk about his day.", "links": [need], "timeframe": "By July 2027",
         "measure": "Tells a teacher 3 things"},
    )  # fmt: skip
    vague = added(
        caseworker,
        "provision",
        {**GOOD_PROVISION, "what": VAGUE, "links": [served]},
    )

    found = {(f.code, f.item_id) for f in findings(app)}
    assert ("outcome_no_provision", bare) in found
    assert ("outcome_no_timeframe", bare) in found
    assert ("plan_no_pfa_theme", None) in found
    assert ("provision_vague", vague) in found
    assert ("outcome_no_provision", served) not in found
    assert ("outcome_no_timeframe", served) not in found

    page = get_ok(caseworker, "/c/sam/plan")
    lines = checklist(page)
    assert set(lines) == set(CHECKS.values())
    for code in ("outcome_no_provision", "outcome_no_timeframe", "plan_no_pfa_theme"):
        assert lines[CHECKS[code]] is False, code
    assert lines[CHECKS["provision_vague"]] is False
    for code in ("section_a_no_family_words", "dangling_link", "need_no_outcome"):
        assert lines[CHECKS[code]] is True, code
    words = text_of(page)
    assert 'uses the vague words "access to"' in words
    assert 'uses the vague words "as required"' in words
    assert "no Preparing for Adulthood theme" in words
    assert f'Outcome {bare} ("Sam will use a quiet space.") does not say by when' in words
    assert f'Outcome {bare} ("Sam will use a quiet space.") has no provision' in words
    # Each finding is shown by its item as well, and on the item's own page.
    assert "does not say by when" in text_of(item_html(page, bare))
    assert "as required" in text_of(item_html(page, vague))
    item_page = text_of(get_ok(caseworker, f"/c/sam/plan/item/{vague}"))
    assert "Quality checks on this item" in item_page
    assert 'uses the vague words "as required"' in item_page


def test_a_plan_without_the_familys_words_is_flagged(app, caseworker):
    start_plan(caseworker)
    added(caseworker, "summary", {"text": "Sam likes trains, his mum says."})
    assert [f.code for f in findings(app)][0] == "section_a_no_family_words"
    lines = checklist(get_ok(caseworker, "/c/sam/plan"))
    assert lines[CHECKS["section_a_no_family_words"]] is False


def test_a_well_formed_plan_passes_every_check(app, caseworker):
    well_formed_plan(app, caseworker)
    assert findings(app) == []
    page = get_ok(caseworker, "/c/sam/plan")
    lines = checklist(page)
    assert set(lines) == set(CHECKS.values())
    assert all(lines.values()), [line for line, ok in lines.items() if not ok]
    assert "to look at" not in text_of(page)
    assert 'class="findings"' not in page


def test_fixing_an_item_clears_its_finding(app, caseworker):
    ids = well_formed_plan(app, caseworker)
    no_when = {**GOOD_OUTCOME, "timeframe": "", "links": [ids["need"]]}
    assert edit_item(caseworker, ids["outcome"], no_when).status_code == 302
    assert [f.code for f in findings(app)] == ["outcome_no_timeframe"]
    assert checklist(get_ok(caseworker, "/c/sam/plan"))[CHECKS["outcome_no_timeframe"]] is False
    fixed = {**GOOD_OUTCOME, "links": [ids["need"]]}
    assert edit_item(caseworker, ids["outcome"], fixed).status_code == 302
    assert findings(app) == []
    assert all(checklist(get_ok(caseworker, "/c/sam/plan")).values())


def test_removing_a_need_unlinks_it_and_its_id_is_never_reused(app, caseworker):
    ids = well_formed_plan(app, caseworker)
    assert press(caseworker, f"/c/sam/plan/item/{ids['need']}/delete").status_code == 302
    now = content(app)
    assert now["needs"] == []
    assert item(now, ids["outcome"])["need_ids"] == []
    assert [f.code for f in findings(app)] == ["outcome_no_need"]
    assert checklist(get_ok(caseworker, "/c/sam/plan"))[CHECKS["outcome_no_need"]] is False
    again = added(caseworker, "need", {"section": "B", "text": "Sam finds noise hard."})
    assert again != ids["need"]
    assert again == "n2"
