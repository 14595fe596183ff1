"""Driving the plan pages through real requests, as a caseworker or a parent would, and
reading what they left in the database."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.demo import SAM_PAGES
from portal.extensions import db
from portal.families.models import Child
from portal.plans.models import Plan, PlanAmendment, PlanComment, PlanVersion
from tests.conftest import csrf_token_from, log_in
from tests.integration.wiki_helpers import post_button, save_page

# Sam's demo pages (portal/demo.py): two shared with the plan team, one kept to the family.
PAGES = {slug: (title, visibility, body) for slug, title, visibility, body in SAM_PAGES}
QUOTED, WHOLE = [slug for slug, (_t, visibility, _b) in PAGES.items() if visibility == "team"]
FAMILY_ONLY = next(slug for slug, (_t, visibility, _b) in PAGES.items() if visibility == "family")


def passages_of(slug: str) -> list[str]:
    return [part.strip() for part in PAGES[slug][2].split("\n\n") if part.strip()]


def title_of(slug: str) -> str:
    return PAGES[slug][0]


# What the plan quotes: the last passage of one page, and the whole of the other.
QUOTED_PASSAGE = len(passages_of(QUOTED)) - 1
QUOTED_TEXT = passages_of(QUOTED)[QUOTED_PASSAGE]
WHOLE_TEXT = "\n\n".join(passages_of(WHOLE))


def person(app: Flask, login: str, password: str | None = None) -> FlaskClient:
    """A browser of one's own, logged in: the caseworker and the parent side by side."""
    client = app.test_client()
    response = log_in(client, login, password)
    assert response.status_code == 302, (login, response.status_code)
    return client


def get_ok(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page's text without tags, entities decoded and white space folded."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def base_of(html: str) -> str | None:
    """The plan version a form on this page was opened on (its hidden `base`)."""
    match = re.search(r'name="base"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="base"', html)
    return (match.group(1) or match.group(2)) if match else None


def form_fields(html: str) -> dict:
    """The CSRF token and `base` of the (first) form on a page."""
    fields = {"csrf_token": csrf_token_from(html)}
    base = base_of(html)
    if base is not None:
        fields["base"] = base
    return fields


def post_form(client: FlaskClient, page_url: str, action: str, data: dict, **kwargs):
    """POST to `action` with the CSRF token (and the plan version, `base`) of `page_url`."""
    fields = form_fields(get_ok(client, page_url))
    fields.update(data)
    return client.post(action, data=fields, **kwargs)


def post_opened(client: FlaskClient, action: str, opened: dict, data: dict):
    """POST a form opened earlier (its `form_fields`), as a second browser tab would."""
    return client.post(action, data={**opened, **data})


def start_plan(client: FlaskClient, child: str = "sam", requested_on: str = "") -> None:
    response = post_form(
        client, f"/c/{child}/plan", f"/c/{child}/plan/start", {"requested_on": requested_on}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def quote_page(client: FlaskClient, page_id: int, passages=(), child: str = "sam", **extra):
    url = f"/c/{child}/plan/quote?page={page_id}"
    html = get_ok(client, url)
    revision = re.search(r'id="revision"[^>]*value="(\d+)"|value="(\d+)"[^>]*id="revision"', html)
    revision = revision.group(1) or revision.group(2)
    fields = {"page": str(page_id), "revision": revision, "passages": [str(p) for p in passages]}
    return post_form(client, url, f"/c/{child}/plan/quote", {**fields, **extra})


def add_item(client: FlaskClient, kind: str, data: dict, child: str = "sam"):
    url = f"/c/{child}/plan/new/{kind}"
    return post_form(client, url, url, data)


def added(client: FlaskClient, kind: str, data: dict, child: str = "sam") -> str:
    """Add an item that must be saved; its new id (from the redirect's #item-...)."""
    response = add_item(client, kind, data, child)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("#item-", 1)[1]


def edit_item(client: FlaskClient, item_id: str, data: dict, child: str = "sam"):
    url = f"/c/{child}/plan/item/{item_id}"
    return post_form(client, url, url, data)


def issue(client: FlaskClient, final: bool = False, child: str = "sam"):
    return post_form(
        client,
        f"/c/{child}/plan",
        f"/c/{child}/plan/issue",
        {"as": "final" if final else "draft"},
    )


def issued(client: FlaskClient, final: bool = False, child: str = "sam") -> None:
    response = issue(client, final, child)
    assert response.status_code == 302, response.status_code
    assert "/plan" in response.location


def suggest(client: FlaskClient, target: str, proposed: str, reason: str = "", child="sam"):
    url = f"/c/{child}/plan/suggest/{target}"
    return post_form(client, url, url, {"proposed": proposed, "reason": reason})


def comment(client: FlaskClient, section: str, body: str, child: str = "sam"):
    return post_form(
        client, f"/c/{child}/plan", f"/c/{child}/plan/comments", {"section": section, "body": body}
    )


def decline(client: FlaskClient, amendment_id: int, reason: str, child: str = "sam"):
    url = f"/c/{child}/plan/suggestions/{amendment_id}/decline"
    return post_form(client, url, url, {"reason": reason})


def press(client: FlaskClient, action: str, page_url: str = "/c/sam/plan", **data):
    """Press a button-only form (accept, agree, keep, use) found on `page_url`."""
    return post_form(client, page_url, action, data)


def edit_wiki_page(client: FlaskClient, slug: str, body: str, child: str = "sam") -> None:
    title = title_of(slug) if slug in PAGES else None
    response = save_page(client, child, slug, body, title=title)
    assert response.status_code == 302, response.get_data(as_text=True)


def share(client: FlaskClient, slug: str, visibility: str = "team", child: str = "sam") -> None:
    response = post_button(
        client,
        f"/c/{child}/wiki/{slug}/visibility",
        f"/c/{child}/wiki/{slug}",
        visibility=visibility,
    )
    assert response.status_code == 302, response.status_code


def textarea(html: str, name: str) -> str:
    """What a <textarea> on the page holds (as typed, entities decoded)."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name} on the page"
    return html_lib.unescape(match.group(1))


def item_html(html: str, item_id: str) -> str:
    """The <article> of one plan item on a plan page."""
    match = re.search(
        rf'<article class="plan-item" id="item-{re.escape(item_id)}">.*?</article>', html, re.S
    )
    assert match, f"no item {item_id} on the page"
    return match.group(0)


def checklist(html: str) -> dict[str, bool]:
    """The caseworker's quality checklist: each line and whether it passes."""
    box = html[html.index('id="checks"') :]
    box = box[: box.index("</section>")]
    lines = re.findall(
        r'<li class="check-(pass|fail)">\s*<span class="visually-hidden">[^<]*</span>([^<]+)', box
    )
    return {html_lib.unescape(line.strip()): state == "pass" for state, line in lines}


# Reading the database ------------------------------------------------------------------


def child_id(app: Flask, slug: str = "sam") -> int:
    with app.app_context():
        return db.session.scalars(select(Child.id).where(Child.slug == slug)).one()


def page_ids(app: Flask, slug: str = "sam") -> dict[str, int]:
    """The child's wiki pages by slug."""
    from wiki.models import Page

    with app.app_context():
        rows = db.session.execute(
            select(Page.slug, Page.id)
            .join(Child, Child.id == Page.child_id)
            .where(Child.slug == slug)
        )
        return dict(rows.all())


def plan_row(app: Flask, slug: str = "sam") -> dict:
    with app.app_context():
        plan = db.session.scalars(
            select(Plan).join(Child, Child.id == Plan.child_id).where(Child.slug == slug)
        ).one()
        return {column.name: getattr(plan, column.key) for column in Plan.__table__.columns}


def versions(app: Flask, slug: str = "sam") -> list[dict]:
    """Every plan version, oldest first, with its content as JSON data."""
    plan_id = plan_row(app, slug)["id"]
    with app.app_context():
        rows = db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number)
        )
        return [
            {
                "number": v.number,
                "label": v.label,
                "summary": v.summary,
                "content": json.loads(v.content),
            }
            for v in rows
        ]


def content(app: Flask, number: int | None = None, slug: str = "sam") -> dict:
    """One version's content (the newest when no number is given)."""
    found = versions(app, slug)
    if number is None:
        return found[-1]["content"]
    return next(v["content"] for v in found if v["number"] == number)


def item(data: dict, item_id: str) -> dict:
    """One item of a version's content, by id."""
    for name in ("section_a", "needs", "outcomes", "provision"):
        for entry in data[name]:
            if entry["id"] == item_id:
                return entry
    raise KeyError(item_id)


def amendments(app: Flask, slug: str = "sam") -> list[dict]:
    plan_id = plan_row(app, slug)["id"]
    with app.app_context():
        rows = db.session.scalars(
            select(PlanAmendment).where(PlanAmendment.plan_id == plan_id).order_by(PlanAmendment.id)
        )
        return [
            {column.name: getattr(a, column.key) for column in PlanAmendment.__table__.columns}
            for a in rows
        ]


def comments(app: Flask, slug: str = "sam") -> list[dict]:
    plan_id = plan_row(app, slug)["id"]
    with app.app_context():
        rows = db.session.scalars(
            select(PlanComment).where(PlanComment.plan_id == plan_id).order_by(PlanComment.id)
        )
        return [
            {column.name: getattr(c, column.key) for column in PlanComment.__table__.columns}
            for c in rows
        ]


def plan_views(app: Flask, name: str) -> int:
    """How many times the trail says this person viewed a plan."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                AuditEvent.actor_name == name,
                AuditEvent.action == "viewed",
                AuditEvent.target_type == "plan",
            )
        )


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


# A plan in one go --------------------------------------------------------------------------

GOOD_OUTCOME = {
    "text": "Sam will travel to college on the train on his own.",
    "pfa_theme": "independent_living",
    "timeframe": "By the end of Year 11 (July 2027)",
    "measure": "Travels on his own on 4 days out of 5",
}
GOOD_PROVISION = {
    "section": "F",
    "what": "Travel training with a trained travel buddy",
    "who": "The council's independent travel training team",
    "how_often": "Twice a week, 1 hour",
    "how_long": "Until the next annual review",
}


def well_formed_plan(app: Flask, client: FlaskClient) -> dict[str, str]:
    """As the caseworker on demo data: start Sam's plan and write one golden thread
    (family words -> need -> outcome -> provision) that passes every quality check."""
    pages = page_ids(app)
    start_plan(client, requested_on=days_ago(60))
    assert quote_page(client, pages[QUOTED], passages=[QUOTED_PASSAGE]).status_code == 302
    need = added(
        client,
        "need",
        {
            "section": "B",
            "text": "Sam finds busy, noisy places hard to cope with.",
            "links": ["a1"],
        },
    )
    outcome = added(client, "outcome", {**GOOD_OUTCOME, "links": [need]})
    provision = added(client, "provision", {**GOOD_PROVISION, "links": [outcome]})
    return {"aspiration": "a1", "need": need, "outcome": outcome, "provision": provision}


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, white space folded (lines wrap wherever the layout says)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()
    return " ".join(" ".join(texts).split())
