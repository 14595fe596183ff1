"""Who may do what to a plan, beyond the status codes of the access matrix: refused
requests change nothing, read-only family members see no review buttons, and staff
never cross councils, whatever a membership row says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Council
from portal.extensions import db
from portal.families.models import Child, Membership
from tests.conftest import csrf_token_from, make_user
from tests.integration.plan_helpers import (
    GOOD_OUTCOME,
    QUOTED_TEXT,
    amendments,
    comments,
    get_ok,
    issued,
    person,
    plan_row,
    suggest,
    text_of,
    versions,
    well_formed_plan,
)

PASSWORD = "plan access test password"


@pytest.fixture
def caseworker(app, demo):
    return person(app, "caseworker@demo.test")


@pytest.fixture
def drafted(app, caseworker):
    ids = well_formed_plan(app, caseworker)
    issued(caseworker)
    return ids


def member(app, email: str, role: str, *, council: str | None = None, staff_role=None):
    """A new account with a membership of Sam's wiki, staff of `council` if given."""
    with app.app_context():
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        council_id = None
        if council is not None:
            found = db.session.scalars(select(Council).where(Council.slug == council)).first()
            if found is None:
                found = Council(slug=council, name=f"{council.title()} Council")
                db.session.add(found)
                db.session.flush()
            council_id = found.id
        user = make_user(
            email, password=PASSWORD, name=email.split("@")[0].title(),
            staff_role=staff_role, council_id=council_id,
        )  # fmt: skip
        db.session.add(Membership(child_id=sam.id, user_id=user.id, role=role))
        db.session.commit()
    return person(app, email, PASSWORD)


def everything(app) -> tuple:
    return versions(app), plan_row(app), amendments(app), comments(app)


def test_a_caseworker_of_another_council_is_refused_even_with_a_membership(app, demo):
    stranger = member(
        app, "cw@elsewhere.test", "caseworker", council="elsewhere", staff_role="caseworker"
    )
    assert stranger.get("/c/sam/plan").status_code == 404
    token = csrf_token_from(get_ok(stranger, "/help/"))
    response = stranger.post("/c/sam/plan/start", data={"csrf_token": token, "requested_on": ""})
    assert response.status_code == 404
    caseworker = person(app, "caseworker@demo.test")
    assert "Start the plan" in get_ok(caseworker, "/c/sam/plan")  # still no plan
    well_formed_plan(app, caseworker)
    issued(caseworker)
    before = everything(app)
    for url in ("/c/sam/plan", "/c/sam/plan/versions", "/c/sam/plan/item/n1", "/c/sam/plan/print"):
        assert stranger.get(url).status_code == 404, url
    assert stranger.get("/c/sam/plan/export.pdf", buffered=True).status_code == 404
    for url, data in (
        ("/c/sam/plan/new/need", {"section": "B", "text": "x", "base": "1"}),
        ("/c/sam/plan/issue", {"as": "draft"}),
        ("/c/sam/plan/item/n1/delete", {"base": "1"}),
    ):
        assert stranger.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert everything(app) == before


def test_a_family_viewer_reads_the_plan_but_cannot_comment_or_suggest(app, caseworker, drafted):
    viewer = member(app, "gran@family.test", "family_viewer")
    page = get_ok(viewer, "/c/sam/plan")
    assert QUOTED_TEXT in page and GOOD_OUTCOME["text"] in page
    assert "Comment on Section" not in page
    assert "Suggest different wording" not in page
    parent = person(app, "parent@demo.test")
    suggest(parent, "n1", "Sam finds crowds hard.")
    amendment = amendments(app)[0]["id"]
    before = everything(app)
    token = csrf_token_from(page)
    assert viewer.get("/c/sam/plan/suggest/o1").status_code == 404
    for url, data in (
        ("/c/sam/plan/comments", {"section": "A", "body": "Lovely"}),
        ("/c/sam/plan/suggest/o1", {"proposed": "Sam will fly."}),
        (f"/c/sam/plan/suggestions/{amendment}/agree", {}),
    ):
        assert viewer.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert "We agree" not in get_ok(viewer, "/c/sam/plan")
    assert everything(app) == before
    # Reading is allowed: versions, the working document, print and PDF.
    for url in ("/c/sam/plan/versions", "/c/sam/plan/working-document", "/c/sam/plan/print"):
        get_ok(viewer, url)
    assert viewer.get("/c/sam/plan/export.pdf", buffered=True).status_code == 200


def test_the_family_cannot_use_the_caseworkers_routes(app, caseworker, drafted):
    parent = person(app, "parent@demo.test")
    suggest(parent, "n1", "Sam finds crowds hard.")
    amendment = amendments(app)[0]["id"]
    before = everything(app)
    token = csrf_token_from(get_ok(parent, "/c/sam/plan"))
    base = str(plan_row(app)["current_number"])
    for url in (
        "/c/sam/plan/quote",
        "/c/sam/plan/new/need",
        "/c/sam/plan/item/n1",
        "/c/sam/plan/text/I",
        f"/c/sam/plan/suggestions/{amendment}/decline",
    ):
        assert parent.get(url).status_code == 404, url
    for url, data in (
        ("/c/sam/plan/start", {}),
        ("/c/sam/plan/dates", {"requested_on": ""}),
        ("/c/sam/plan/issue", {"as": "final"}),
        ("/c/sam/plan/quote", {"base": base, "page": "1", "revision": "2"}),
        ("/c/sam/plan/section-a/a1/update", {"base": base, "choice": "pull"}),
        ("/c/sam/plan/new/need", {"base": base, "section": "B", "text": "x"}),
        ("/c/sam/plan/item/n1", {"base": base, "section": "B", "text": "x"}),
        ("/c/sam/plan/item/n1/delete", {"base": base}),
        ("/c/sam/plan/text/I", {"base": base, "text": "x"}),
        (f"/c/sam/plan/suggestions/{amendment}/accept", {}),
        (f"/c/sam/plan/suggestions/{amendment}/decline", {"reason": "x"}),
    ):
        response = parent.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 404, url
    page = get_ok(parent, "/c/sam/plan")
    assert "Quality checklist" not in page and "Issue the draft" not in page
    assert everything(app) == before


def test_a_plan_is_found_only_under_its_own_child(app, caseworker, drafted):
    """Alex has no plan: Sam's plan, amendments and versions are not reachable through
    Alex's address, even by Alex's parent."""
    other = person(app, "other.parent@demo.test")
    assert "There is no EHC plan here yet" in text_of(get_ok(other, "/c/alex/plan"))
    assert other.get("/c/alex/plan/versions").status_code == 404
    assert other.get("/c/alex/plan/versions/1").status_code == 404
    assert other.get("/c/sam/plan").status_code == 404
