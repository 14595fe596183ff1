"""The live co-production meeting: the caseworker opens it on the plan and invites the
family; they write each section together; the result becomes a plan version."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.meetings import service
from portal.meetings.models import MeetingFeeling, MeetingRevision
from tests.conftest import make_user
from tests.integration import plan_helpers
from tests.integration.meeting_helpers import (
    meeting_url,
    open_meeting,
    opened,
    press,
    save,
    state,
    user_id,
)
from tests.integration.plan_helpers import get_ok, person, text_of


@pytest.fixture
def plan(app, demo):
    caseworker = person(app, "caseworker@demo.test")
    ids = plan_helpers.well_formed_plan(app, caseworker)
    return {"caseworker": caseworker, **ids}


def family_editor(app) -> None:
    """An aunt who may edit the wiki (invitable), and Gran who may only view (not)."""
    with app.app_context():
        from portal.families.models import Child, Membership

        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        aunt = make_user("aunt@meet.test", name="Aunt Ria")
        gran = make_user("gran@meet.test", name="Gran")
        db.session.add_all(
            [
                Membership(child_id=sam.id, user_id=aunt.id, role="family_editor"),
                Membership(child_id=sam.id, user_id=gran.id, role="family_viewer"),
            ]
        )
        db.session.commit()


def test_the_caseworker_invites_family_members_and_only_they_get_in(app, plan):
    family_editor(app)
    caseworker = plan["caseworker"]
    page = get_ok(caseworker, "/c/sam/plan/meetings/new")
    assert "Priya Shah (parent)" in text_of(page)
    assert "Aunt Ria (family)" in text_of(page)
    assert "Gran" not in text_of(page)  # may only view: not invited to write
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    parent = person(app, "parent@demo.test")
    # The parent sees "Join the meeting" on the plan page and the child's home.
    for url in ("/c/sam/plan", "/c/sam/"):
        html = get_ok(parent, url)
        assert "Join the meeting" in html and meeting_url(meeting) in html
    assert "Section A" in get_ok(parent, meeting_url(meeting))
    # Sam was not invited; the aunt neither; nor anyone outside the family.
    sam = person(app, "sam", "demo-young-pass")
    assert "Join the meeting" not in get_ok(sam, "/c/sam/plan")
    assert sam.get(meeting_url(meeting)).status_code == 404
    assert sam.get(f"{meeting_url(meeting)}/state").status_code == 404
    aunt = person(app, "aunt@meet.test", "correct horse battery")
    assert aunt.get(meeting_url(meeting)).status_code == 404
    other = person(app, "other.parent@demo.test", "demo-other-pass")
    assert other.get(meeting_url(meeting)).status_code == 404
    # Inviting someone who may only view is refused.
    response = caseworker.post(
        "/c/sam/plan/meetings/new",
        data={**plan_helpers.form_fields(get_ok(caseworker, "/c/sam/plan/meetings/new")),
              "invite": [str(user_id(app, "gran@meet.test"))]},
    )  # fmt: skip
    assert response.status_code == 400
    # The trail says who opened and joined, without any text.
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "opened" in actions and "joined" in actions


def test_saving_from_a_stale_revision_merges_edits_to_different_paragraphs(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    parent = person(app, "parent@demo.test")
    press(caseworker, meeting, "move", section="B")
    press(caseworker, meeting, "move", section="E")
    mine, theirs = opened(caseworker, meeting), opened(parent, meeting)
    assert mine["text"] == theirs["text"]
    base = mine["text"] + "\n\nSam will make a friend at college."
    assert save(caseworker, meeting, "E", mine, base).get_json()["ok"]
    # The parent wrote from revision 1 and changed the first paragraph.
    changed = theirs["text"].replace("Sam", "Sam Shah", 1)
    answer = save(parent, meeting, "E", theirs, changed).get_json()
    assert answer["ok"] and answer["merged"] and not answer["conflict"]
    assert answer["text"] == changed + "\n\nSam will make a friend at college."
    assert state(caseworker, meeting)["text"] == answer["text"]
    with app.app_context():
        revisions = db.session.scalars(
            select(MeetingRevision).where(MeetingRevision.section == "E")
            .order_by(MeetingRevision.number)
        ).all()  # fmt: skip
        assert [(r.number, r.base_number) for r in revisions] == [(1, 0), (2, 1), (3, 1)]
        assert revisions[2].merged and revisions[2].author.name == "Priya Shah"


def test_a_real_conflict_keeps_both_texts_and_says_so(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    parent = person(app, "parent@demo.test")
    press(caseworker, meeting, "move", section="I")
    mine, theirs = opened(caseworker, meeting), opened(parent, meeting)
    save(caseworker, meeting, "I", mine, "Riverside Academy")
    answer = save(parent, meeting, "I", theirs, "Hilltop School").get_json()
    assert answer["conflict"] and "Both versions are kept" in answer["message"]
    assert answer["text"] == "Riverside Academy\n\nHilltop School"
    # Without JavaScript: the same, as a page.
    again = opened(caseworker, meeting)
    response = save(caseworker, meeting, "I", {**again, "base": "1"}, "Oak Tree School", js=False)
    assert response.status_code == 302
    assert "Both versions are kept" in get_ok(caseworker, meeting_url(meeting))


def test_bad_input_keeps_what_was_typed(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    form = opened(caseworker, meeting)
    typed = "x" * 50_001
    response = save(caseworker, meeting, "A", form, typed, js=False)
    assert response.status_code == 400
    assert typed in response.get_data(as_text=True)
    response = save(caseworker, meeting, "A", form, typed)
    assert response.status_code == 400 and not response.get_json()["ok"]


def test_notes_and_actions(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    parent = person(app, "parent@demo.test")
    assert press(parent, meeting, "notes", text="Sam wants to try the bus.").status_code == 302
    response = press(
        caseworker, meeting, "actions", who="Ms Patel", what="Ask the college", by_when="2027-01-15"
    )
    assert response.status_code == 302
    page = text_of(get_ok(parent, meeting_url(meeting)))
    assert "Sam wants to try the bus." in page
    assert "Ms Patel : Ask the college – by 15 January 2027" in page
    notes = state(parent, meeting)["notes"]
    assert [n["kind"] for n in notes] == ["note", "action"]
    response = press(parent, meeting, "actions", who="", what="Something")
    assert response.status_code == 400 and "Something" in response.get_data(as_text=True)


def test_ending_saves_a_plan_version_with_the_participants_and_closes_the_meeting(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test", "sam"])
    parent = person(app, "parent@demo.test")
    before = plan_helpers.content(app)
    need = plan["need"]
    press(caseworker, meeting, "move", section="B")
    form = opened(parent, meeting)
    edited = form["text"].replace("hard to cope with", "very hard") + "\n\nSam tires by lunch."
    assert save(parent, meeting, "B", form, edited).get_json()["ok"]
    press(caseworker, meeting, "move", section="A")
    form = opened(caseworker, meeting)
    assert save(caseworker, meeting, "A", form, form["text"] + " Really!").get_json()["ok"]
    response = press(caseworker, meeting, "end")
    assert response.status_code == 302
    number = plan_helpers.plan_row(app)["current_number"]
    assert response.location.endswith(f"/c/sam/plan/versions/{number}")
    after = plan_helpers.content(app)
    kept = plan_helpers.item(after, need)
    assert kept["text"].endswith("very hard.") and kept["aspiration_ids"] == ["a1"]
    new = [n for n in after["needs"] if n["id"] not in {x["id"] for x in before["needs"]}]
    assert [n["text"] for n in new] == ["Sam tires by lunch."]
    # The outcome still meets the edited need: the golden thread holds.
    assert plan_helpers.item(after, plan["outcome"])["need_ids"] == [need]
    block = plan_helpers.item(after, "a1")
    assert block["source"] == "caseworker" and block["page_id"] is not None
    version = text_of(get_ok(caseworker, f"/c/sam/plan/versions/{number}"))
    assert "Written in a meeting on" in version
    assert "Priya Shah (parent)" in version and "(caseworker)" in version
    assert "Sam Shah" not in version.split("Written in a meeting")[1][:200]  # never joined
    assert "no longer a word-for-word quote" in version
    # Closed: read-only for everyone, the notes still there.
    page = get_ok(parent, meeting_url(meeting))
    assert "This meeting ended" in page and 'name="text"' not in page
    form["base"] = "2"
    answer = save(caseworker, meeting, "A", form, "late words")
    assert answer.status_code == 400 and "ended" in answer.get_json()["message"]
    response = press(parent, meeting, "notes", text="A late note.")
    assert response.status_code == 400 and "A late note." in response.get_data(as_text=True)
    response = save(caseworker, meeting, "A", form, "Late words.", js=False)
    assert response.status_code == 400
    assert "has ended" in response.get_data(as_text=True)
    assert "Late words." in response.get_data(as_text=True)
    # Ending it again changes nothing: no second version, and the caseworker is told.
    again = press(caseworker, meeting, "end")
    assert again.status_code == 302 and again.location.endswith(meeting_url(meeting))
    assert plan_helpers.plan_row(app)["current_number"] == number
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "ended"))


def test_ending_is_refused_when_the_plan_changed_the_same_section_meanwhile(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    press(caseworker, meeting, "move", section="B")
    form = opened(caseworker, meeting)
    save(caseworker, meeting, "B", form, form["text"] + "\n\nA new need.")
    response = plan_helpers.edit_item(
        caseworker, plan["need"], {"section": "B", "text": "Changed outside.", "links": ["a1"]}
    )
    assert response.status_code == 302
    number = plan_helpers.plan_row(app)["current_number"]
    response = press(caseworker, meeting, "end")
    assert response.status_code == 302 and response.location.endswith(meeting_url(meeting))
    assert "changed outside the meeting" in get_ok(caseworker, meeting_url(meeting))
    assert plan_helpers.plan_row(app)["current_number"] == number
    assert "Section B" in get_ok(caseworker, meeting_url(meeting))  # still open


def test_did_you_feel_included_once_per_person_and_the_monthly_figures(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test", "sam"])
    parent = person(app, "parent@demo.test")
    get_ok(parent, meeting_url(meeting))
    assert press(parent, meeting, "included", answer="yes").status_code == 404  # still open
    press(caseworker, meeting, "end")
    assert "Did you feel included in the meeting?" in get_ok(parent, "/c/sam/plan")
    assert press(parent, meeting, "included", answer="").status_code == 400
    assert press(parent, meeting, "included", answer="yes", comment="Kind").status_code == 302
    page = get_ok(parent, meeting_url(meeting))
    assert "You answered “Yes”" in page
    from tests.conftest import csrf_token_from

    again = parent.post(
        f"{meeting_url(meeting)}/included",
        data={"csrf_token": csrf_token_from(page), "answer": "no"},
    )
    assert again.status_code == 400 and "already answered" in again.get_data(as_text=True)
    sam = person(app, "sam", "demo-young-pass")
    assert press(sam, meeting, "included", answer="partly").status_code == 302
    # The caseworker is not asked.
    assert press(caseworker, meeting, "included", answer="yes").status_code == 404
    with app.app_context():
        assert db.session.query(MeetingFeeling).count() == 2
        council = plan_helpers.child_id(app)
        from portal.families.models import Child

        council_id = db.session.get(Child, council).council_id
        today = datetime.now(UTC).date()
        figures = service.meeting_feelings(council_id, date(today.year, 1, 1), today)
        month = f"{today.year:04d}-{today.month:02d}"
        assert figures.counts[month] == {"yes": 1, "partly": 1, "no": 0}
        assert figures.share(month) == 0.5
    # The council's administrator sees them beside the enquiry figures.
    admin = person(app, "admin@demo.test")
    shown = text_of(get_ok(admin, "/admin/enquiries")).split("feel included in plan meetings?")[1]
    assert shown.split(month)[1].split()[:6] == ["1", "(50%)", "1", "(50%)", "0", "(0%)"]


def test_an_invited_family_member_who_may_no_longer_edit_is_shut_out(app, plan):
    family_editor(app)
    meeting = open_meeting(app, plan["caseworker"], ["aunt@meet.test"])
    aunt = person(app, "aunt@meet.test", "correct horse battery")
    assert aunt.get(meeting_url(meeting)).status_code == 200
    with app.app_context():
        from portal.families.models import Membership

        membership = db.session.scalars(
            select(Membership).where(Membership.user_id == user_id(app, "aunt@meet.test"))
        ).one()
        membership.role = "family_viewer"
        db.session.commit()
    assert aunt.get(meeting_url(meeting)).status_code == 404
    assert aunt.get(f"{meeting_url(meeting)}/state").status_code == 404


def test_the_familys_copy_includes_the_meetings_notes_actions_and_words(app, plan):
    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test"])
    parent = person(app, "parent@demo.test")
    press(parent, meeting, "notes", text="Sam wants to try the bus.")
    press(
        caseworker, meeting, "actions", who="Ms Patel", what="Ask the college", by_when="2027-01-15"
    )
    form = opened(parent, meeting)
    assert save(parent, meeting, "A", form, form["text"] + "\n\nI like maps too.").get_json()["ok"]
    token = plan_helpers.form_fields(get_ok(parent, "/c/sam/data"))["csrf_token"]
    response = parent.post("/c/sam/data/export", data={"csrf_token": token}, buffered=True)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        text = archive.read("meetings/meetings.txt").decode()
        described = json.loads(archive.read("meetings/meetings.json"))
        index = archive.read("index.html").decode()
    response.close()
    assert "Note: Sam wants to try the bus." in text
    assert "Action (Ms Patel, by 2027-01-15): Ask the college" in text
    assert "I like maps too." in text
    assert len(described) == 1
    assert {p["role"] for p in described[0]["people"]} == {"caseworker", "parent"}
    assert "Plan meetings" in index


def test_the_poll_costs_the_same_however_many_people_and_notes(app, plan):
    # meeting.js asks every 2 seconds from every phone: names come with their rows.
    from tests.integration.test_view_queries import database_waits

    caseworker = plan["caseworker"]
    meeting = open_meeting(app, caseworker, ["parent@demo.test", "sam"])
    parent = person(app, "parent@demo.test")
    sam = person(app, "sam", "demo-young-pass")
    state(parent, meeting)  # the first poll also notes that the parent is here
    with database_waits(app) as before:
        assert state(parent, meeting)["notes"] == []
    press(caseworker, meeting, "notes", text="From the council.")
    press(sam, meeting, "notes", text="From Sam.")
    get_ok(sam, meeting_url(meeting))  # Sam joins
    with database_waits(app) as after:
        assert [n["author"] for n in state(parent, meeting)["notes"]] == ["Ms Patel", "Sam Shah"]
    assert len(after) == len(before), "\n".join(after)
