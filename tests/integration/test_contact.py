"""Working together: the key worker on the child's page, messages both ways, overdue
threads, the family's export, and "Did you feel included?"."""

from __future__ import annotations

import logging
import re
import zipfile
from datetime import UTC, date, datetime
from io import BytesIO

from sqlalchemy import select

from portal.accounts.models import Council, User
from portal.audit import AuditEvent
from portal.contact import service
from portal.contact.models import KeyWorkerChoice, Message, MessageThread, PlanFeeling
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.mail import OutboxMail
from tests.conftest import csrf_token_from, make_user
from tests.integration import plan_helpers
from wiki.models import Page

SECRET_TEXT = "Sam had a meltdown at school on Tuesday and we need help"
REPLY_TEXT = "Thank you for telling me; I will call the school tomorrow morning"


def person(app, login, password=None):
    return plan_helpers.person(app, login, password)


def token_of(client, url):
    return csrf_token_from(plan_helpers.get_ok(client, url))


def send_message(client, *, subject="Help at school", body=SECRET_TEXT, category="general",
                 about="", child="sam"):  # fmt: skip
    return client.post(
        f"/c/{child}/messages",
        data={
            "csrf_token": token_of(client, f"/c/{child}/messages"),
            "category": category,
            "subject": subject,
            "body": body,
            "about": about,
        },
    )


def outbox(app) -> list[OutboxMail]:
    with app.app_context():
        mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
        db.session.expunge_all()
        return mails


def latest_thread(app) -> MessageThread:
    with app.app_context():
        thread = db.session.scalars(select(MessageThread).order_by(MessageThread.id.desc())).first()
        db.session.expunge_all()
        return thread


def test_the_childs_page_names_the_key_worker_with_their_details(app, demo):
    parent = person(app, "parent@demo.test")
    page = plan_helpers.get_ok(parent, "/c/sam/")
    assert "Your key worker" in page
    assert "Ms Patel" in page
    assert "SEND caseworker" in page
    assert "Mon–Thu 9–5" in page
    assert 'href="tel:01632960123"' in page
    assert 'href="/c/sam/messages"' in page


def test_a_message_reaches_the_key_worker_and_the_reply_the_family_without_the_text(
    app, demo, caplog
):
    caplog.set_level(logging.DEBUG)
    parent = person(app, "parent@demo.test")
    before = len(outbox(app))
    response = send_message(parent)
    assert response.status_code == 303
    thread = latest_thread(app)
    assert "Help at school" in plan_helpers.get_ok(parent, response.location)

    mails = outbox(app)[before:]
    assert [m.recipient for m in mails] == ["caseworker@demo.test"]
    assert f"/staff/messages/{thread.id}" in mails[0].body
    assert "Sam" in mails[0].subject
    assert SECRET_TEXT not in mails[0].body and "meltdown" not in mails[0].subject
    assert "Help at school" not in mails[0].body

    caseworker = person(app, "caseworker@demo.test")
    inbox = plan_helpers.get_ok(caseworker, "/staff/messages")
    assert "Help at school" in inbox and "Sam Shah" in inbox
    url = f"/staff/messages/{thread.id}"
    assert SECRET_TEXT in plan_helpers.get_ok(caseworker, url)
    response = caseworker.post(url, data={"csrf_token": token_of(caseworker, url),
                                          "body": REPLY_TEXT})  # fmt: skip
    assert response.status_code == 303

    mails = outbox(app)[before + 1 :]
    assert [m.recipient for m in mails] == ["parent@demo.test"]  # Sam has no email
    assert f"/c/sam/messages/{thread.id}" in mails[0].body
    assert REPLY_TEXT not in mails[0].body and SECRET_TEXT not in mails[0].body
    assert "Shah" not in mails[0].body + mails[0].subject  # the first name only

    family_view = plan_helpers.get_ok(parent, f"/c/sam/messages/{thread.id}")
    assert REPLY_TEXT in family_view and SECRET_TEXT in family_view
    answered = latest_thread(app)
    assert answered.due_on is None and answered.first_reply_at is not None

    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_type == "message")
        ).all()
        assert {"messaged", "replied", "viewed"} <= set(actions)
        labels = db.session.scalars(select(AuditEvent.target_label)).all()
        assert not any("meltdown" in label or "call the school" in label for label in labels)
    logged = caplog.text
    assert "meltdown" not in logged and "call the school" not in logged


def test_bad_input_keeps_what_was_typed(app, demo):
    parent = person(app, "parent@demo.test")
    response = send_message(parent, subject="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give your message a short title." in page
    assert SECRET_TEXT in page


def test_pointing_at_a_family_only_page_is_refused_clearly(app, demo):
    with app.app_context():
        pages = {p.slug: p.id for p in db.session.scalars(select(Page))}
    parent = person(app, "parent@demo.test")
    family_only = pages["my-family-and-important-people"]
    response = send_message(parent, about=f"page:{family_only}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is family only, so your key worker cannot see it" in page
    assert SECRET_TEXT in page
    # A page shared with the plan team is fine, and the thread says so.
    shared = pages["how-best-to-support-me"]
    assert send_message(parent, about=f"page:{shared}").status_code == 303
    thread = latest_thread(app)
    assert (thread.about_type, thread.about_id) == ("page", shared)
    # Something of another child's, or a plan section with no plan issued: refused.
    with app.app_context():
        alex = db.session.scalars(select(Child).where(Child.slug == "alex")).one()
        other = Page(child_id=alex.id, slug="x", title="Alex's page", visibility="team")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    response = send_message(parent, about=f"page:{other_id}")
    assert response.status_code == 400
    assert "not part of this child" in response.get_data(as_text=True)
    response = send_message(parent, about="plan:B")
    assert response.status_code == 400
    assert "no issued plan" in response.get_data(as_text=True)


def test_a_plan_section_can_be_pointed_at_once_the_plan_is_issued(app, demo):
    caseworker = person(app, "caseworker@demo.test")
    plan_helpers.well_formed_plan(app, caseworker)
    plan_helpers.issued(caseworker)
    parent = person(app, "parent@demo.test")
    assert send_message(parent, about="plan:E", category="plan").status_code == 303
    thread = latest_thread(app)
    assert (thread.about_type, thread.about_section) == ("plan", "E")


def test_who_may_send_and_read_messages(app, demo, client):
    with app.app_context():
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        viewer = make_user("gran@example.test", name="Gran")
        db.session.add(Membership(child_id=sam.id, user_id=viewer.id, role="family_viewer"))
        db.session.commit()
    young = person(app, "sam")
    assert send_message(young).status_code == 303
    with app.app_context():
        newest = select(Message.sender_type).order_by(Message.id.desc()).limit(1)
        assert db.session.scalar(newest) == "young_person"
    thread = latest_thread(app)
    # Family members who may only view, and the other family, get "not found".
    gran = person(app, "gran@example.test", "correct horse battery")
    assert gran.get("/c/sam/messages").status_code == 404
    assert gran.get(f"/c/sam/messages/{thread.id}").status_code == 404
    other = person(app, "other.parent@demo.test")
    assert other.get(f"/c/sam/messages/{thread.id}").status_code == 404
    # Alex's parent cannot read Sam's thread through Alex's address either.
    assert other.get(f"/c/alex/messages/{thread.id}").status_code == 404
    # Staff of another council: 404, even as an administrator.
    with app.app_context():
        elsewhere = Council(slug="elsewhere", name="Elsewhere")
        db.session.add(elsewhere)
        db.session.flush()
        make_user("admin@elsewhere.test", staff_role="administrator", council_id=elsewhere.id)
    stranger = person(app, "admin@elsewhere.test", "correct horse battery")
    assert stranger.get(f"/staff/messages/{thread.id}").status_code == 404
    assert "Sam" not in plan_helpers.get_ok(stranger, "/staff/messages")
    # The council's own administrator can read and answer.
    admin = person(app, "admin@demo.test")
    assert plan_helpers.get_ok(admin, f"/staff/messages/{thread.id}")


def test_an_unanswered_message_past_its_target_is_overdue(app, demo):
    with app.app_context():
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        parent = db.session.scalars(select(User).where(User.email == "parent@demo.test")).one()
        caseworker = db.session.scalars(
            select(User).where(User.email == "caseworker@demo.test")
        ).one()
        christmas_eve = datetime(2026, 12, 24, 10, tzinfo=UTC)
        thread = service.start_thread(
            sam, parent, "parent", category="general", subject="Over Christmas",
            body="x", about="", now=christmas_eve,
        )  # fmt: skip
        db.session.commit()
        # Two working days after Christmas Eve: the 25th, the weekend and the Boxing Day
        # substitute on the 28th do not count.
        assert thread.due_on == date(2026, 12, 30)

        def flagged(now):
            return {row.thread.id: row.overdue for row in service.staff_inbox(caseworker, now)}

        assert flagged(datetime(2026, 12, 30, 17, tzinfo=UTC))[thread.id] is False
        late = datetime(2026, 12, 31, 9, tzinfo=UTC)
        assert flagged(late)[thread.id] is True
        assert service.staff_inbox(caseworker, late)[0].thread.id == thread.id  # first
        assert service.overdue_count(sam.council_id, late) == 1
        service.add_staff_reply(thread, caseworker, "y", now=late)
        db.session.commit()
        assert flagged(late)[thread.id] is False
        assert service.overdue_count(sam.council_id, late) == 0


def test_the_council_sets_its_own_target(app, demo):
    admin = person(app, "admin@demo.test")
    token = token_of(admin, "/admin/enquiries")
    response = admin.post("/admin/enquiries/target", data={"csrf_token": token, "days": "0"})
    assert response.status_code == 400
    assert "Choose between 1 and 20 working days." in response.get_data(as_text=True)
    response = admin.post("/admin/enquiries/target", data={"csrf_token": token, "days": "5"})
    assert response.status_code == 303
    with app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "demo")).one()
        assert council.message_target_days == 5
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        parent = db.session.scalars(select(User).where(User.email == "parent@demo.test")).one()
        thread = service.start_thread(
            sam, parent, "parent", category="general", subject="s", body="b", about="",
            now=datetime(2026, 12, 7, 9, tzinfo=UTC),
        )  # fmt: skip
        assert thread.due_on == date(2026, 12, 14)  # Monday + 5 working days


def test_an_administrator_names_a_different_key_worker_and_the_family_is_told(app, demo):
    admin = person(app, "admin@demo.test")
    page = plan_helpers.get_ok(admin, "/admin/assignments")
    assert "Key worker: Ms Patel" in page
    with app.app_context():
        sam_id = db.session.scalar(select(Child.id).where(Child.slug == "sam"))
        jones = db.session.scalar(select(User.id).where(User.email == "admin@demo.test"))
    before = len(outbox(app))
    response = admin.post(
        "/admin/key-worker",
        data={"csrf_token": csrf_token_from(page), "child": sam_id, "worker": jones},
    )
    assert response.status_code == 303
    mails = outbox(app)[before:]
    assert [m.recipient for m in mails] == ["parent@demo.test"]
    assert "/c/sam/" in mails[0].body and "Mr Jones" not in mails[0].body
    home = plan_helpers.get_ok(person(app, "parent@demo.test"), "/c/sam/")
    assert "Mr Jones" in home and "key worker changed on" in home
    # New messages now go to Mr Jones, who answers from his inbox.
    parent = person(app, "parent@demo.test")
    assert send_message(parent).status_code == 303
    assert outbox(app)[-1].recipient == "admin@demo.test"
    # Another council's child or a person who is not staff: refused.
    with app.app_context():
        parent_id = db.session.scalar(select(User.id).where(User.email == "parent@demo.test"))
    response = admin.post(
        "/admin/key-worker",
        data={"csrf_token": csrf_token_from(page), "child": sam_id, "worker": parent_id},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(KeyWorkerChoice, sam_id).user_id == jones
        sam = db.session.get(Child, sam_id)
        council_id = sam.council_id
        by_child = service.key_workers_in_council(council_id)
        assert by_child[sam_id].id == service.key_worker_for(sam).id == jones
    assert "Key worker: Mr Jones" in plan_helpers.get_ok(admin, "/admin/assignments")


def test_naming_an_unassigned_caseworker_assigns_them(app, demo):
    with app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "demo")).one()
        brown = make_user("brown@demo.test", name="Mr Brown", staff_role="caseworker",
                          council_id=council.id)  # fmt: skip
        brown_id = brown.id
        sam_id = db.session.scalar(select(Child.id).where(Child.slug == "sam"))
    admin = person(app, "admin@demo.test")
    admin.post(
        "/admin/key-worker",
        data={"csrf_token": token_of(admin, "/admin/assignments"), "child": sam_id,
              "worker": brown_id},
    )  # fmt: skip
    brown_client = person(app, "brown@demo.test", "correct horse battery")
    assert brown_client.get("/c/sam/").status_code == 200


def test_staff_edit_their_key_worker_details(app, demo):
    caseworker = person(app, "caseworker@demo.test")
    url = "/account/key-worker"
    assert "Mon–Thu 9–5" in plan_helpers.get_ok(caseworker, url)
    token = token_of(caseworker, url)
    data = {"csrf_token": token, "job_title": "Lead worker", "phone": "0161 000",
            "email": "not an email", "hours": "Tue–Fri 8–4"}  # fmt: skip
    response = caseworker.post(url, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter an email address" in page and "Tue–Fri 8–4" in page
    data["email"] = "patel@council.example"
    assert caseworker.post(url, data=data).status_code == 303
    home = plan_helpers.get_ok(person(app, "parent@demo.test"), "/c/sam/")
    assert "Lead worker" in home and "Tue–Fri 8–4" in home and "patel@council.example" in home
    # Families have no key-worker details.
    assert person(app, "parent@demo.test").get(url).status_code == 404


def test_the_familys_copy_includes_the_messages(app, demo):
    parent = person(app, "parent@demo.test")
    send_message(parent)
    token = token_of(parent, "/c/sam/data")
    response = parent.post("/c/sam/data/export", data={"csrf_token": token}, buffered=True)
    assert response.status_code == 200
    archive = zipfile.ZipFile(BytesIO(response.get_data()))
    response.close()
    text = archive.read("messages/messages.txt").decode()
    assert SECRET_TEXT in text
    assert "When is Sam's annual review?" in text  # the demo conversation, and its reply
    assert "Messages" in archive.read("index.html").decode()


def test_did_you_feel_included_once_per_person_per_version(app, demo):
    caseworker = person(app, "caseworker@demo.test")
    plan_helpers.well_formed_plan(app, caseworker)
    plan_helpers.issued(caseworker)
    # Staff are not asked.
    assert "Did you feel included?" not in plan_helpers.get_ok(caseworker, "/c/sam/plan")
    parent = person(app, "parent@demo.test")
    page = plan_helpers.get_ok(parent, "/c/sam/plan")
    assert "Did you feel included?" in page
    number = re.search(r'<input type="hidden" name="version" value="(\d+)">', page).group(1)
    token = csrf_token_from(page)
    # No answer chosen: the comment stays.
    unanswered = {"csrf_token": token, "version": number, "comment": "Felt rushed"}
    response = parent.post("/c/sam/plan/included", data=unanswered)
    assert response.status_code == 400
    assert "Felt rushed" in response.get_data(as_text=True)
    data = {"csrf_token": token, "version": number, "answer": "partly", "comment": "Felt rushed"}
    assert parent.post("/c/sam/plan/included", data=data).status_code == 303
    assert "You answered “Partly”" in plan_helpers.get_ok(parent, "/c/sam/plan")
    parent.post("/c/sam/plan/included", data={**data, "answer": "yes"})
    with app.app_context():
        assert db.session.scalars(select(PlanFeeling.answer)).all() == ["partly"]
    # A version never issued is refused.
    parent.post("/c/sam/plan/included", data={**data, "version": "1"})
    with app.app_context():
        assert len(db.session.scalars(select(PlanFeeling.answer)).all()) == 1
    admin = person(app, "admin@demo.test")
    figures = plan_helpers.get_ok(admin, "/admin/enquiries")
    assert "Did families feel included?" in figures
    assert "1 (100%)" in figures
