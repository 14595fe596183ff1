"""The monthly plan quality audit through the real pages: an administrator draws a
round of final plans, two auditors grade them, and the report adds up.

Seeded: in the demo council, 12 final plans issued in March 2026 (one amended since,
and one more whose final date was typed in by hand, with no final version to audit),
3 in February, none in April, and three auditors; another council has plans and an
auditor of its own.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Council
from portal.extensions import db
from portal.families.models import Child
from portal.families.service import create_child
from portal.plans.models import Plan
from portal.quality import drawing
from portal.quality.models import QualityGrade, QualityReview, QualityRound, QualitySample
from tests.conftest import csrf_token_from, make_user
from tests.integration.plan_helpers import child_id, get_ok, person, text_of
from tests.integration.quality_helpers import (
    AMENDED_WORDS,
    AUDITOR_PASSWORD,
    DRAFT_WORDS,
    FINDINGS_BY_DOMAIN,
    council_of,
    grade,
    issued_plan,
    make_auditor,
    reviews_of,
)

MARCH, FEBRUARY, APRIL = date(2026, 3, 1), date(2026, 2, 1), date(2026, 4, 1)
ANN, BEN, CAT = "ann@audit.test", "ben@audit.test", "cat@audit.test"
ELSEWHERE_AUDITOR, ELSEWHERE_ADMIN = "auditor@elsewhere.test", "admin@elsewhere.test"
PASSWORD = "another test password"
DOMAINS = ("section_a", "needs", "outcomes", "provision", "golden_thread", "pfa")
EVERY_GOOD = dict.fromkeys(DOMAINS, "good")


@pytest.fixture
def seeded(app, demo) -> dict:
    """The plans and people described at the top of this file."""
    with app.app_context():
        council = council_of("sam")
        for day in range(1, 13):
            issued_plan(council, f"mar{day:02d}", date(2026, 3, day * 2), amended=day == 3)
        issued_plan(council, "mar-typed", date(2026, 3, 15), final_version=False)
        issued_plan(council, "may-draft", date(2026, 5, 2))
        for day in (3, 14, 27):
            issued_plan(council, f"feb{day}", date(2026, 2, day))
        auditors = {
            email: make_auditor(council, name, email).id
            for name, email in (("Ann Auditor", ANN), ("Ben Auditor", BEN), ("Cat Auditor", CAT))
        }
        elsewhere = Council(slug="elsewhere", name="Elsewhere Council")
        db.session.add(elsewhere)
        db.session.flush()
        for day in range(1, 5):
            issued_plan(elsewhere, f"else{day}", date(2026, 3, day))
        make_auditor(elsewhere, "Eve Elsewhere", ELSEWHERE_AUDITOR)
        make_user(
            ELSEWHERE_ADMIN,
            password=PASSWORD,
            name="Ed Elsewhere",
            staff_role="administrator",
            council_id=elsewhere.id,
        )
        march = drawing.final_plans_issued(council.id, MARCH)
        return {"council": council.id, "auditors": auditors, "march": march}


def draw_page(client) -> str:
    return get_ok(client, "/admin/quality")


def draw_round(client, month="2026-03", size="5", seed="42", auditors=(ANN, BEN), ids=None):
    """Post the draw form as the administrator would."""
    token = csrf_token_from(draw_page(client))
    chosen = [str(ids[email]) for email in auditors] if ids else []
    return client.post(
        "/admin/quality",
        data={"csrf_token": token, "month": month, "size": size, "seed": seed, "auditors": chosen},
    )


def sampled_plans(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(QualitySample.plan_id).order_by(QualitySample.position))
        )


def round_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(QualityRound.id)))


# ---- drawing ------------------------------------------------------------------------------


def test_a_draw_with_the_same_seed_picks_the_same_five_and_another_seed_differs(app, seeded):
    march = seeded["march"]
    assert len(march) == 12  # not the typed-in one, not another council's, not May's
    first, again = drawing.draw(march, 5, 42), drawing.draw(march, 5, 42)
    assert first == again and len(first) == 5
    assert drawing.draw(march, 5, 43) != first
    # The rule, written out: Random(seed).sample over the plans ordered by id.
    import random

    expected = random.Random(42).sample(sorted(march, key=lambda c: c.plan_id), 5)
    assert first == expected

    admin = person(app, "admin@demo.test")
    response = draw_round(admin, ids=seeded["auditors"])
    assert response.status_code == 303
    assert sampled_plans(app) == [candidate.plan_id for candidate in first]
    html = get_ok(admin, response.location)
    assert "Audit round for March 2026" in html
    assert "seed <strong>42</strong>" in html


def test_only_this_councils_plans_with_a_final_version_issued_that_month_are_drawn(app, seeded):
    with app.app_context():
        slugs = db.session.scalars(
            select(Child.slug)
            .join(Plan, Plan.child_id == Child.id)
            .where(Plan.id.in_([c.plan_id for c in seeded["march"]]))
        ).all()
    assert sorted(slugs) == [f"mar{day:02d}" for day in range(1, 13)]
    assert all(c.version_number == 3 for c in seeded["march"])  # the Final plan version


def test_each_plan_gets_two_different_auditors_in_turn(app, seeded):
    ids = seeded["auditors"]
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, auditors=(CAT, ANN, BEN), ids=ids).status_code == 303
    with app.app_context():
        pairs = [
            tuple(
                db.session.scalars(
                    select(QualityReview.auditor_id)
                    .where(QualityReview.sample_id == sample_id)
                    .order_by(QualityReview.auditor_id)
                )
            )
            for sample_id in db.session.scalars(
                select(QualitySample.id).order_by(QualitySample.position)
            )
        ]
    a, b, c = sorted(ids.values())
    assert pairs == [(a, b), (a, c), (b, c), (a, b), (a, c)]
    assert drawing.pair_auditors([c, a, b], 3) == [(a, b), (c, a), (b, c)]


def test_a_blank_seed_picks_one_and_keeps_it_so_the_draw_can_be_repeated(app, seeded):
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, seed="", ids=seeded["auditors"]).status_code == 303
    with app.app_context():
        seed = db.session.scalar(select(QualityRound.seed))
    drawn = [c.plan_id for c in drawing.draw(seeded["march"], 5, seed)]
    assert sampled_plans(app) == drawn


def test_a_month_with_fewer_plans_than_asked_draws_them_all(app, seeded):
    admin = person(app, "admin@demo.test")
    response = draw_round(admin, month="2026-02", ids=seeded["auditors"])
    assert response.status_code == 303
    assert len(sampled_plans(app)) == 3
    html = get_ok(admin, response.location)
    assert "asking for 5 plans" in html
    assert "0 of 6" in text_of(html)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"month": "2026-04"}, "No final plans were issued in April 2026"),
        ({"auditors": (ANN,)}, "Choose at least two auditors"),
        ({"auditors": ()}, "Choose at least two auditors"),
        ({"size": "0"}, "Draw from 1 to 20 plans."),
        ({"size": "21"}, "Draw from 1 to 20 plans."),
        ({"size": "five"}, "Give a whole number, for example 5."),
        ({"seed": "forty-two"}, "The seed is a whole number from 0 to 999,999,999."),
        ({"month": "March"}, "Give the month as year and month, for example 2026-03."),
        ({"month": ""}, "Choose the month to audit."),
    ],
)
def test_a_draw_that_cannot_be_made_says_why_and_keeps_what_was_typed(app, seeded, fields, message):
    admin = person(app, "admin@demo.test")
    typed = {"month": "2026-03", "size": "5", "seed": "42", "auditors": (ANN, BEN), **fields}
    response = draw_round(admin, **typed, ids=seeded["auditors"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html_lib.unescape(html)
    assert round_count(app) == 0
    for name in ("month", "size", "seed"):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(typed[name])}"', html), name
    for email in (ANN, BEN, CAT):
        box = rf'value="{seeded["auditors"][email]}" checked'
        assert bool(re.search(box, html)) == (email in typed["auditors"]), email


def test_a_second_round_for_the_same_month_is_refused(app, seeded):
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, ids=seeded["auditors"]).status_code == 303
    response = draw_round(admin, seed="7", ids=seeded["auditors"])
    assert response.status_code == 400
    assert "There is already an audit round for March 2026." in response.get_data(as_text=True)
    assert round_count(app) == 1


def test_the_draw_form_offers_last_month_and_this_councils_auditors(app, seeded):
    html = draw_page(person(app, "admin@demo.test"))
    assert "Ann Auditor" in html and "Cat Auditor" in html
    assert "Eve Elsewhere" not in html
    last_month = drawing.previous_month(date.today()).strftime("%Y-%m")
    assert re.search(rf'name="month"[^>]*value="{last_month}"', html)
    staff_tools = get_ok(person(app, "admin@demo.test"), "/admin/")
    assert 'href="/admin/quality"' in staff_tools


# ---- grading ------------------------------------------------------------------------------


@pytest.fixture
def drawn(app, seeded) -> dict:
    """A March round with seed 42, graded by Ann and Ben."""
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, ids=seeded["auditors"]).status_code == 303
    return {"ann": reviews_of(app, ANN), "ben": reviews_of(app, BEN), **seeded}


def test_auditors_see_only_their_reviews_listed(app, drawn):
    ann = person(app, ANN, AUDITOR_PASSWORD)
    html = get_ok(ann, "/quality/")
    assert "March 2026" in html
    links = re.findall(r'href="/quality/reviews/(\d+)"', html)
    assert sorted(map(int, links)) == sorted(drawn["ann"])
    assert "Plans to grade" in get_ok(ann, "/")  # the menu and the home page point here
    assert get_ok(person(app, CAT, AUDITOR_PASSWORD), "/quality/").count("/quality/reviews/") == 0


def test_a_fresh_review_shows_the_sampled_version_with_findings_in_each_domain(app, drawn):
    ann = person(app, ANN, AUDITOR_PASSWORD)
    html = get_ok(ann, f"/quality/reviews/{drawn['ann'][0]}")
    page = text_of(html)
    assert "Final plan" in page and "Finds noisy rooms hard." in page
    assert DRAFT_WORDS not in page and AMENDED_WORDS not in page
    assert "/c/" not in html  # nothing leads into the wiki or the plan pages
    for domain, codes in FINDINGS_BY_DOMAIN.items():
        box = re.search(
            rf'<textarea[^>]*name="comment_{domain}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S
        )
        lines = [line for line in html_lib.unescape(box.group(1)).splitlines() if line]
        assert len(lines) == len(codes), domain
    assert 'name="grade_pfa"' in html and "not_applicable" not in html  # 16: PfA is graded


def test_the_review_of_an_amended_plan_shows_the_final_plan_not_the_amendment(app, seeded):
    with app.app_context():
        issued_plan(council_of("sam"), "jun-amended", date(2026, 6, 10), amended=True)
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, month="2026-06", ids=seeded["auditors"]).status_code == 303
    review = reviews_of(app, ANN)[0]
    page = text_of(get_ok(person(app, ANN, AUDITOR_PASSWORD), f"/quality/reviews/{review}"))
    assert "Version 3 of the plan" in page and "Finds noisy rooms hard." in page
    assert AMENDED_WORDS not in page and DRAFT_WORDS not in page


def test_a_draft_keeps_its_grades_and_a_submitted_review_is_read_only(app, drawn):
    ann = person(app, ANN, AUDITOR_PASSWORD)
    review = drawn["ann"][0]
    url = f"/quality/reviews/{review}"
    response = grade(ann, review, {"needs": "good"}, comments={"needs": "Clear."}, action="save")
    assert response.status_code == 303
    html = get_ok(ann, url)
    assert "Draft saved." in html
    assert re.search(r'checked[^>]*value="good"|value="good"[^>]*checked', html)
    # The comments not yet written are empty now: the findings were the first draft's.
    assert re.search(r'name="comment_needs"[^>]*>\r?\n?Clear.</textarea>', html)

    # Submitting with a domain ungraded, or a low grade without a comment, is refused.
    incomplete = {**EVERY_GOOD, "pfa": "inadequate"}
    del incomplete["outcomes"]
    response = grade(ann, review, incomplete, comments={"needs": "Typed again."})
    assert response.status_code == 400
    page = html_lib.unescape(response.get_data(as_text=True))
    assert "Choose a grade for Outcomes." in page
    assert "Say what should improve in Preparing for Adulthood." in page
    assert "Typed again." in page  # what was typed is kept
    with app.app_context():
        assert db.session.get(QualityReview, review).submitted_at is None

    response = grade(ann, review, EVERY_GOOD, comments={"needs": "Clear."})
    assert response.status_code == 303
    html = get_ok(ann, url)
    assert "It can no longer change." in html and "<textarea" not in html
    response = grade(ann, review, dict.fromkeys(DOMAINS, "inadequate"), comments={"needs": "x"})
    assert response.status_code == 400
    assert "can no longer change" in response.get_data(as_text=True)
    with app.app_context():
        grades = db.session.scalars(
            select(QualityGrade.grade).where(QualityGrade.review_id == review)
        ).all()
    assert sorted(grades) == ["good"] * 6


def test_an_unknown_grade_is_refused(app, drawn):
    ann = person(app, ANN, AUDITOR_PASSWORD)
    response = grade(ann, drawn["ann"][0], {**EVERY_GOOD, "pfa": "not_applicable"})
    assert response.status_code == 400
    assert "Choose one of the grades shown." in response.get_data(as_text=True)


def test_preparing_for_adulthood_can_be_not_applicable_under_14(app, seeded):
    with app.app_context():
        council = council_of("sam")
        issued_plan(council, "young", date(2026, 1, 9), born=date(2016, 5, 1))
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, month="2026-01", ids=seeded["auditors"]).status_code == 303
    ann = person(app, ANN, AUDITOR_PASSWORD)
    review = reviews_of(app, ANN)[0]
    assert "Not applicable (under 14)" in get_ok(ann, f"/quality/reviews/{review}")
    assert grade(ann, review, {**EVERY_GOOD, "pfa": "not_applicable"}).status_code == 303


# Known grades (O, G, R, I) for samples 0-4 and the domains in order. Ben's last review
# stays a draft, so it does not count: 9 grades per domain, 4 plans compared.
ANN_GRADES = ["OGRRGI", "OGGGGG", "GGGGGO", "RRIIRR", "GOGRGG"]
BEN_GRADES = ["RRRIGR", "GGGGOG", "GGGGGG", "IRIRRI", "GGGRGG"]
LETTERS = {"O": "outstanding", "G": "good", "R": "requires_improvement", "I": "inadequate"}
# Domain: Outstanding, Good, Requires improvement, Inadequate, not applicable, average.
EXPECTED = {
    "Section A: the voice of the child": ["2", "4", "2", "1", "0", "2.8"],
    "Needs": ["1", "5", "3", "0", "0", "2.8"],
    "Outcomes": ["0", "5", "2", "2", "0", "2.3"],
    "Provision": ["0", "4", "3", "2", "0", "2.2"],
    "The golden thread": ["1", "6", "2", "0", "0", "2.9"],
    "Preparing for Adulthood": ["1", "4", "2", "2", "0", "2.4"],
}


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """A report table's rows: the row header, then each cell's text."""
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if head:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[text_of(head.group(1))] = [text_of(cell) for cell in cells]
    return rows


def test_the_report_adds_up_known_grades(app, drawn):
    for email, reviews, table in ((ANN, drawn["ann"], ANN_GRADES), (BEN, drawn["ben"], BEN_GRADES)):
        auditor = person(app, email, AUDITOR_PASSWORD)
        for number, (review, letters) in enumerate(zip(reviews, table, strict=True)):
            grades = {
                domain: LETTERS[letter] for domain, letter in zip(DOMAINS, letters, strict=True)
            }
            comments = dict.fromkeys(DOMAINS, "Seen.")
            action = "save" if email == BEN and number == 4 else "submit"
            assert (
                grade(auditor, review, grades, comments=comments, action=action).status_code == 303
            )

    admin = person(app, "admin@demo.test")
    html = get_ok(admin, "/admin/quality/report")
    assert table_rows(html, "Grades per domain, March 2026") == EXPECTED
    trend = table_rows(html, "Average on the 1 to 4 scale")
    assert trend == {domain: [cells[-1]] for domain, cells in EXPECTED.items()}
    assert "9 of 10 reviews submitted." in html
    # Exactly the same on 14 of 24 domain grades; within one grade on 23 (all but Section A
    # of the first plan, Outstanding against Requires improvement).
    pairs = table_rows(html, "Each pair")
    assert pairs == {"Ann Auditor and Ben Auditor": ["24", "58%", "96%"]}
    page = text_of(html)
    assert "agreed exactly on 58% of domain grades (14 of 24)" in page
    assert "within one grade on 96% (23 of 24)" in page
    round_page = text_of(get_ok(admin, "/admin/quality"))
    assert "9 of 10 reviews submitted" in round_page

    # February's three plans, all Outstanding from both: a second month in the report.
    march_reviews = set(drawn["ann"] + drawn["ben"])
    assert draw_round(admin, month="2026-02", ids=drawn["auditors"]).status_code == 303
    for email in (ANN, BEN):
        auditor = person(app, email, AUDITOR_PASSWORD)
        for review in set(reviews_of(app, email)) - march_reviews:
            outstanding = dict.fromkeys(DOMAINS, "outstanding")
            assert grade(auditor, review, outstanding).status_code == 303
    html = get_ok(admin, "/admin/quality/report")
    february = table_rows(html, "Grades per domain, February 2026")
    assert february == {domain: ["6", "0", "0", "0", "0", "4.0"] for domain in EXPECTED}
    trend = table_rows(html, "Average on the 1 to 4 scale")
    assert trend == {domain: ["4.0", cells[-1]] for domain, cells in EXPECTED.items()}
    assert table_rows(html, "Grades per domain, March 2026") == EXPECTED
    # 24 + 18 compared; 14 + 18 exact (76%), 23 + 18 within one (98%).
    assert table_rows(html, "Each pair") == {"Ann Auditor and Ben Auditor": ["42", "76%", "98%"]}


# ---- who may see what ---------------------------------------------------------------------


def test_only_the_assigned_auditor_reaches_a_review(app, drawn):
    review = drawn["ann"][0]
    url = f"/quality/reviews/{review}"
    for login, password in (
        ("admin@demo.test", None),
        ("caseworker@demo.test", None),
        ("parent@demo.test", None),
        ("champion@demo.test", None),
        (CAT, AUDITOR_PASSWORD),  # same council, not given this plan
        (ELSEWHERE_AUDITOR, AUDITOR_PASSWORD),
    ):
        client = person(app, login, password)
        assert client.get(url).status_code == 404, login
        token = csrf_token_from(client.get("/help/").get_data(as_text=True))
        posted = client.post(url, data={"csrf_token": token, "action": "save"})
        assert posted.status_code == 404, login
    assert app.test_client().get(url).status_code == 302  # logged out: the login page
    with app.app_context():
        assert db.session.scalar(select(func.count(QualityGrade.id))) == 0


def test_audit_pages_are_404_for_everyone_but_their_users(app, drawn):
    with app.app_context():
        round_id = db.session.scalar(select(QualityRound.id))
    admin_pages = ["/admin/quality", f"/admin/quality/{round_id}", "/admin/quality/report"]
    for login, password in (
        (ANN, AUDITOR_PASSWORD),
        ("caseworker@demo.test", None),
        ("parent@demo.test", None),
        ("champion@demo.test", None),
    ):
        client = person(app, login, password)
        for url in admin_pages:
            assert client.get(url).status_code == 404, (login, url)
    for login in ("admin@demo.test", "caseworker@demo.test", "parent@demo.test"):
        assert person(app, login).get("/quality/").status_code == 404, login
    elsewhere = person(app, ELSEWHERE_ADMIN, PASSWORD)
    assert elsewhere.get(f"/admin/quality/{round_id}").status_code == 404
    assert "March 2026" not in elsewhere.get("/admin/quality/report").get_data(as_text=True)


def test_the_family_sees_that_an_auditor_read_their_childs_plan(app, seeded):
    with app.app_context():
        sam = db.session.get(Child, child_id(app, "sam"))
        issued_plan(sam.council, "sam", date(2026, 1, 20), child=sam)
    admin = person(app, "admin@demo.test")
    assert draw_round(admin, month="2026-01", ids=seeded["auditors"]).status_code == 303
    ann = person(app, ANN, AUDITOR_PASSWORD)
    get_ok(ann, f"/quality/reviews/{reviews_of(app, ANN)[0]}")
    activity = text_of(get_ok(person(app, "parent@demo.test"), "/c/sam/activity"))
    assert "Ann Auditor (quality auditor) viewed the plan" in activity
    assert "for the council's quality audit" in activity


def test_erasing_a_child_takes_their_samples_reviews_and_grades(app, drawn):
    from media.storage import storage_for
    from portal.rights.service import erase_child

    ann = person(app, ANN, AUDITOR_PASSWORD)
    assert grade(ann, drawn["ann"][0], EVERY_GOOD).status_code == 303
    with app.app_context():
        sample = db.session.get(QualityReview, drawn["ann"][0]).sample
        erased = sample.child_id
        erase_child(erased, storage_for(app))
        assert db.session.scalar(select(func.count(QualitySample.id))) == 4
        assert db.session.scalar(select(func.count(QualityReview.id))) == 8
        assert db.session.scalar(select(func.count(QualityGrade.id))) == 0


def test_a_council_with_one_auditor_is_told_to_add_another(app, demo):
    with app.app_context():
        council = council_of("sam")
        make_auditor(council, "Only Auditor", "only@audit.test")
        create_child(council, name="Nobody Else", slug="nobody-else")
        db.session.commit()
    html = draw_page(person(app, "admin@demo.test"))
    assert "Your council has 1 quality auditor." in html_lib.unescape(html)
