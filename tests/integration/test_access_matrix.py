"""Every route of the app × every kind of person: who gets in, who gets 404.

A new route fails `test_every_route_is_in_the_matrix` until it is added here, with the
people who may use it. Everyone else must get 404 (or, logged out, the login page).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Council, User
from portal.accounts.service import create_user
from portal.contact.models import MessageThread
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.quality import drawing
from tests import media_samples, scan_samples
from tests.conftest import csrf_token_from, log_in
from tests.integration import plan_helpers, quality_helpers, scan_helpers
from tests.integration.media_helpers import latest_item, upload
from tests.integration.wiki_helpers import post_button, save_page
from wiki.models import Page

PASSWORD = "matrix test password"
PEOPLE = {
    "anonymous": None,
    "parent": ("parent@demo.test", "demo-parent-pass"),
    "young_person": ("sam", "demo-young-pass"),
    "family_viewer": ("viewer@matrix.test", PASSWORD),
    "professional": ("doctor@matrix.test", PASSWORD),
    "caseworker": ("caseworker@demo.test", "demo-caseworker-pass"),
    "caseworker_not_assigned": ("caseworker2@matrix.test", PASSWORD),
    "administrator": ("admin@demo.test", "demo-admin-pass"),
    "administrator_other_council": ("admin@elsewhere.test", PASSWORD),
    "auditor": ("auditor@matrix.test", PASSWORD),
    "champion": ("champion@demo.test", "demo-champion-pass"),
    "other_parent": ("other.parent@demo.test", "demo-other-pass"),
    "site_administrator": ("site@matrix.test", PASSWORD),
}
LOGGED_IN = frozenset(PEOPLE) - {"anonymous"}
FAMILY = frozenset({"parent", "young_person", "family_viewer"})
EDITORS = frozenset({"parent", "young_person"})
MEMBERS = FAMILY | {"professional", "caseworker"}
PARENT = frozenset({"parent"})
SITE = frozenset({"site_administrator"})  # councils only: no child's data
ADDERS = EDITORS | {"professional", "caseworker"}  # advice, uploads for the family
# Each administrator reaches their own council's tools; what those show is per council
# (test_an_administrator_sees_only_their_own_council).
ADMIN = frozenset({"administrator", "administrator_other_council"})
# The EHC plan: the family reads issued versions, the caseworker writes; professionals
# are not shown it here (portal.access, VIEW_PLAN).
PLAN_READERS = FAMILY | {"caseworker"}
PLAN_WRITER = frozenset({"caseworker"})
PLAN_REVIEWERS = EDITORS
# Staff tools for one council: only that council's administrator or assigned auditor.
OWN_ADMIN = frozenset({"administrator"})
AUDITOR = frozenset({"auditor"})
# Messages with the key worker: the family who may edit (never those who only view);
# staff answer from their own inbox: the child's caseworker and the council's
# administrator. Every caseworker and administrator has an inbox and key-worker details.
MESSAGE_STAFF = frozenset({"caseworker", "administrator"})
STAFF_WITH_INBOX = frozenset(
    {"caseworker", "caseworker_not_assigned", "administrator", "administrator_other_council"}
)
# A plan meeting: the caseworker and the family members invited (the matrix's meeting
# invites the parent only, so Sam, Gran and everyone else get 404).
MEETING = frozenset({"caseworker", "parent"})
NOBODY = frozenset()
EVERYONE = frozenset(PEOPLE)


@dataclass(frozen=True)
class Case:
    """One request and who may make it. `allowed` get a non-404 answer below 500;
    everyone else logged in gets 404, and anonymous people the login page."""

    endpoint: str
    method: str
    url: str
    allowed: frozenset[str]
    data: dict = field(default_factory=dict)
    public: bool = False  # answers everyone, logged in or not (no child data)


def cases(ids) -> list[Case]:
    item, page, member, invitation = ids["item"], "about-me", ids["member"], ids["invitation"]
    c = "/c/sam"
    p = f"{c}/plan"
    draft, working = ids["draft"], ids["working"]
    open_one, declined = ids["open_amendment"], ids["declined_amendment"]
    scan = ids["scan"]
    return [
        Case("families.home", "GET", "/", LOGGED_IN),
        Case("families.child_home", "GET", f"{c}/", MEMBERS),
        Case("activity.child_activity_page", "GET", f"{c}/activity", FAMILY),
        Case("wiki.index", "GET", f"{c}/wiki/", MEMBERS),
        Case("wiki.view_page", "GET", f"{c}/wiki/{page}", MEMBERS),
        Case("wiki.view_page", "GET", f"{c}/wiki/my-health", FAMILY),  # family only
        Case("wiki.page_history", "GET", f"{c}/wiki/{page}/history", MEMBERS),
        Case("wiki.page_diff", "GET", f"{c}/wiki/{page}/diff?from=3&to=4", MEMBERS),
        # Versions written before the page was shared stay with the family.
        Case("wiki.page_diff", "GET", f"{c}/wiki/{page}/diff?from=1&to=2", FAMILY),
        Case("wiki.view_revision", "GET", f"{c}/wiki/{page}/revisions/4", MEMBERS),
        Case("wiki.view_revision", "GET", f"{c}/wiki/{page}/revisions/2", FAMILY),
        Case("wiki.search", "GET", f"{c}/search?q=kind", MEMBERS),
        Case("wiki.new_page", "GET", f"{c}/new?title=Pets", EDITORS),
        Case("wiki.edit_page", "GET", f"{c}/wiki/{page}/edit", EDITORS),
        Case("wiki.edit_page", "POST", f"{c}/wiki/{page}/edit", EDITORS, {"body": "x"}),
        Case("simple.answer", "GET", f"{c}/wiki/{page}/simple", EDITORS),
        Case("wiki.change_visibility", "POST", f"{c}/wiki/my-health/visibility", EDITORS,
             {"visibility": "family"}),
        Case("wiki.delete", "POST", f"{c}/wiki/my-health/delete", EDITORS),
        Case("wiki.undelete", "POST", f"{c}/wiki/my-health/undelete", EDITORS),
        Case("wiki.restore", "POST", f"{c}/wiki/my-health/revisions/1/restore", EDITORS),
        Case("media.library", "GET", f"{c}/media", MEMBERS),
        Case("media.item", "GET", f"{c}/media/{item}", MEMBERS),
        Case("media.item_status", "GET", f"{c}/media/{item}/status", MEMBERS),
        Case("media.item_file", "GET", f"{c}/media/{item}/file/thumb", MEMBERS),
        Case("media.item_file", "GET", f"{c}/media/{item}/file/download", MEMBERS),
        Case("media.embed_picture", "GET", f"{c}/media/{item}/embed", MEMBERS),
        Case("media.upload", "POST", f"{c}/media", ADDERS),
        Case("media.add_link", "POST", f"{c}/media/links", ADDERS, {"url": "https://x.test"}),
        Case("media.update_item", "POST", f"{c}/media/{item}", EDITORS, {"title": "t"}),
        Case("media.replace_item", "POST", f"{c}/media/{item}/replace", EDITORS),
        Case("media.retry_item", "POST", f"{c}/media/{item}/retry", EDITORS),
        Case("media.delete_item", "POST", f"{c}/media/{item}/delete", EDITORS),
        Case("media.restore_item", "POST", f"{c}/media/{item}/restore", EDITORS),
        # Straight-to-S3 uploads exist only with S3 storage; these tests run on disk.
        Case("media.direct_start", "POST", f"{c}/media/direct", NOBODY),
        Case("media.direct_done", "POST", f"{c}/media/direct/done", NOBODY),
        Case("people.people", "GET", f"{c}/people", PARENT),
        Case("people.invite", "POST", f"{c}/people/invite", PARENT, {"role": "family_viewer"}),
        Case("people.revoke", "POST", f"{c}/people/invitations/{invitation}/revoke", PARENT),
        Case("people.add_young_person", "POST", f"{c}/people/young-person", PARENT),
        Case("people.young_person_password", "POST", f"{c}/people/{member}/password", PARENT),
        Case("people.remove_member", "POST", f"{c}/people/{member}/remove", PARENT),
        Case("people.champion_home", "GET", "/champion/", frozenset({"champion"})),
        Case("people.champion_invite", "POST", "/champion/invite", frozenset({"champion"})),
        Case("people.open_invitation", "GET", "/invite/not-a-real-token", EVERYONE, public=True),
        Case("rights.data_page", "GET", f"{c}/data", PARENT),
        Case("rights.export", "POST", f"{c}/data/export", PARENT),
        Case("rights.request_erasure", "POST", f"{c}/data/erase", PARENT),
        Case("rights.cancel_erasure", "POST", f"{c}/data/erase/cancel", PARENT),
        Case("admin.index", "GET", "/admin/", ADMIN),
        Case("admin.assignments", "GET", "/admin/assignments", ADMIN),
        Case("admin.change_assignment", "POST", "/admin/assignments", ADMIN,
             {"child": ids["sam"], "caseworker": ids["caseworker2"]}),
        Case("admin.council_audit", "GET", "/admin/audit?q=Patel", ADMIN),
        Case("admin.staff", "GET", "/admin/staff", ADMIN),
        Case("admin.add_staff", "POST", "/admin/staff", ADMIN, {"name": ""}),
        Case("tenants.councils", "GET", "/site/", SITE),
        Case("tenants.add_council", "POST", "/site/", SITE, {"name": ""}),
        # Only their own council's staff: the other council's administrator gets 404.
        Case("admin.reset_staff_two_step", "POST", f"/admin/staff/{ids['auditor']}/reset-two-step",
             frozenset({"administrator"})),
        Case("accounts.account", "GET", "/account", LOGGED_IN),
        Case("accounts.login", "GET", "/login", EVERYONE, public=True),
        Case("accounts.login_code", "GET", "/login/code", EVERYONE, public=True),
        Case("accounts.set_up_code", "GET", "/login/code/set-up", EVERYONE, public=True),
        Case("accounts.logout", "POST", "/logout", LOGGED_IN),
        Case("accounts.outbox", "GET", "/outbox", EVERYONE, public=True),
        Case("accounts.reset_ask", "GET", "/reset", EVERYONE, public=True),
        Case("accounts.reset_password", "GET", "/reset/not-a-token", EVERYONE, public=True),
        Case("health.healthz", "GET", "/healthz", EVERYONE, public=True),
        Case("help.index", "GET", "/help/", EVERYONE, public=True),
        Case("help.guide", "GET", "/help/getting-started", EVERYONE, public=True),
        Case("static", "GET", "/static/app.css", EVERYONE, public=True),
        # The EHC plan (started, Draft 1 issued, changed since; one suggestion open,
        # one declined).
        Case("plans.plan_page", "GET", p, PLAN_READERS),
        Case("plans.start", "POST", f"{p}/start", PLAN_WRITER),  # refused: there is one
        Case("plans.dates", "POST", f"{p}/dates", PLAN_WRITER, {"requested_on": ""}),
        Case("plans.issue", "POST", f"{p}/issue", PLAN_WRITER, {"as": "draft"}),
        Case("plans.quote", "GET", f"{p}/quote", PLAN_WRITER),
        Case("plans.quote", "GET", f"{p}/quote?page={ids['page']}", PLAN_WRITER),
        Case("plans.quote", "POST", f"{p}/quote", PLAN_WRITER,
             {"base": working, "page": ids["page"], "revision": ids["revision"]}),
        Case("plans.update_block", "POST", f"{p}/section-a/a1/update", PLAN_WRITER,
             {"base": working, "choice": "keep"}),
        Case("plans.new_item", "GET", f"{p}/new/outcome", PLAN_WRITER),
        Case("plans.new_item", "POST", f"{p}/new/need", PLAN_WRITER,
             {"base": working, "section": "B", "text": "x"}),
        Case("plans.edit_item", "GET", f"{p}/item/n1", PLAN_WRITER),
        Case("plans.edit_item", "POST", f"{p}/item/n1", PLAN_WRITER, {"text": ""}),
        Case("plans.delete_item", "POST", f"{p}/item/p1/delete", PLAN_WRITER),
        Case("plans.edit_text", "GET", f"{p}/text/I", PLAN_WRITER),
        Case("plans.edit_text", "POST", f"{p}/text/I", PLAN_WRITER, {"text": "x"}),
        Case("plans.version_list", "GET", f"{p}/versions", PLAN_READERS),
        Case("plans.version_page", "GET", f"{p}/versions/{draft}", PLAN_READERS),
        # Versions never issued are the caseworker's alone.
        Case("plans.version_page", "GET", f"{p}/versions/1", PLAN_WRITER),
        Case("plans.version_page", "GET", f"{p}/versions/{working}", PLAN_WRITER),
        Case("plans.version_diff", "GET", f"{p}/versions/{draft}/diff/{draft}", PLAN_READERS),
        Case("plans.version_diff", "GET", f"{p}/versions/{draft}/diff/{working}", PLAN_WRITER),
        Case("plans.working_document", "GET", f"{p}/working-document", PLAN_READERS),
        Case("plans.print_view", "GET", f"{p}/print", PLAN_READERS),
        Case("plans.print_view", "GET", f"{p}/print?version=1", PLAN_WRITER),
        Case("plans.export_pdf", "GET", f"{p}/export.pdf", PLAN_READERS),
        Case("plans.export_pdf", "GET", f"{p}/export.pdf?version={working}", PLAN_WRITER),
        Case("plans.comment", "POST", f"{p}/comments", PLAN_REVIEWERS,
             {"section": "A", "body": "x"}),
        Case("plans.suggest", "GET", f"{p}/suggest/n1", PLAN_REVIEWERS),
        Case("plans.suggest", "POST", f"{p}/suggest/o1", PLAN_REVIEWERS, {"proposed": "y"}),
        Case("plans.accept", "POST", f"{p}/suggestions/{open_one}/accept", PLAN_WRITER),
        Case("plans.decline", "GET", f"{p}/suggestions/{open_one}/decline", PLAN_WRITER),
        Case("plans.decline", "POST", f"{p}/suggestions/{open_one}/decline", PLAN_WRITER,
             {"reason": "r"}),
        Case("plans.agree", "POST", f"{p}/suggestions/{declined}/agree", PLAN_REVIEWERS),
        # Plan quality audits (one round of one plan, graded by the matrix's auditor).
        Case("quality_admin.rounds", "GET", "/admin/quality", ADMIN),
        Case("quality_admin.draw", "POST", "/admin/quality", ADMIN, {"month": ""}),
        Case("quality_admin.round_page", "GET", f"/admin/quality/{ids['round']}", OWN_ADMIN),
        Case("quality_admin.report", "GET", "/admin/quality/report", ADMIN),
        Case("quality.my_reviews", "GET", "/quality/", AUDITOR),
        Case("quality.review", "GET", f"/quality/reviews/{ids['review']}", AUDITOR),
        Case("quality.save_review", "POST", f"/quality/reviews/{ids['review']}", AUDITOR,
             {"action": "save"}),
        # Scanned paper forms (one read, checked and published for Sam).
        Case("scans.scan_list", "GET", "/admin/scans", ADMIN),
        Case("scans.upload", "POST", "/admin/scans", ADMIN, {"child": ""}),
        Case("scans.review", "GET", f"/admin/scans/{scan}", OWN_ADMIN),
        Case("scans.save", "POST", f"/admin/scans/{scan}", OWN_ADMIN, {"action": "save"}),
        Case("scans.original", "GET", f"/admin/scans/{scan}/original", OWN_ADMIN),
        Case("scans.page_picture", "GET", f"/admin/scans/{scan}/pages/1", OWN_ADMIN),
        Case("scans.read_again", "POST", f"/admin/scans/{scan}/read-again", OWN_ADMIN),
        Case("paper_forms.check", "GET", f"{c}/paper-forms/{scan}", EDITORS),
        Case("paper_forms.confirm", "POST", f"{c}/paper-forms/{scan}/confirm", EDITORS),
        Case("paper_forms.family_page_picture", "GET", f"{c}/paper-forms/{scan}/pages/1",
             EDITORS),
        # Working together: key workers, messages, enquiry figures, "Did you feel included?"
        Case("contact.messages", "GET", f"{c}/messages", EDITORS),
        Case("contact.send", "POST", f"{c}/messages", EDITORS, {"subject": ""}),
        Case("contact.thread", "GET", f"{c}/messages/{ids['thread']}", EDITORS),
        Case("contact.family_reply", "POST", f"{c}/messages/{ids['thread']}", EDITORS,
             {"body": ""}),
        Case("contact.staff_inbox", "GET", "/staff/messages", STAFF_WITH_INBOX),
        Case("contact.staff_thread", "GET", f"/staff/messages/{ids['thread']}", MESSAGE_STAFF),
        Case("contact.staff_reply", "POST", f"/staff/messages/{ids['thread']}", MESSAGE_STAFF,
             {"body": ""}),
        Case("contact.profile", "GET", "/account/key-worker", STAFF_WITH_INBOX),
        # Only Sam's caseworker (his key worker) has a photo; everyone else's is 404.
        Case("contact.own_photo", "GET", "/account/key-worker/photo", PLAN_WRITER),
        Case("contact.key_worker_photo", "GET", f"{c}/key-worker/photo", MEMBERS),
        Case("contact.choose_key_worker", "POST", "/admin/key-worker", ADMIN,
             {"child": ids["sam"], "worker": ids["caseworker1"]}),
        Case("contact.enquiries", "GET", "/admin/enquiries", ADMIN),
        Case("contact.set_target", "POST", "/admin/enquiries/target", ADMIN, {"days": ""}),
        Case("contact.feel_included", "POST", f"{p}/included", PLAN_REVIEWERS, {"answer": ""}),
        # Plan meetings: one open, one ended; ending the open one comes last.
        Case("meetings.new_meeting", "GET", f"{p}/meetings/new", PLAN_WRITER),
        Case("meetings.new_meeting", "POST", f"{p}/meetings/new", PLAN_WRITER),
        Case("meetings.meeting_page", "GET", f"{p}/meetings/{ids['meeting']}", MEETING),
        Case("meetings.meeting_page", "GET", f"{p}/meetings/{ids['ended_meeting']}", MEETING),
        Case("meetings.state", "GET", f"{p}/meetings/{ids['meeting']}/state", MEETING),
        Case("meetings.save_section", "POST", f"{p}/meetings/{ids['meeting']}/sections/K",
             MEETING, {"base": "1", "text": "Advice from the school."}),
        Case("meetings.move", "POST", f"{p}/meetings/{ids['meeting']}/move", PLAN_WRITER,
             {"section": "B"}),
        Case("meetings.add_note", "POST", f"{p}/meetings/{ids['meeting']}/notes", MEETING,
             {"text": ""}),
        Case("meetings.add_action", "POST", f"{p}/meetings/{ids['meeting']}/actions", MEETING,
             {"who": ""}),
        Case("meetings.feel_included", "POST", f"{p}/meetings/{ids['ended_meeting']}/included",
             PARENT, {"answer": ""}),
        Case("meetings.end", "POST", f"{p}/meetings/{ids['meeting']}/end", PLAN_WRITER),
    ]  # fmt: skip


def make_world(app, client) -> dict:
    """Demo data plus one person of every other kind, a shared page and a shared item."""
    with app.app_context():
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        demo_council = db.session.get(Council, sam.council_id)
        elsewhere = Council(slug="elsewhere", name="Elsewhere Council")
        db.session.add(elsewhere)
        db.session.flush()
        viewer = create_user(name="Gran", email="viewer@matrix.test", password=PASSWORD)
        doctor = create_user(name="Dr Lee", email="doctor@matrix.test", password=PASSWORD)
        create_user(
            name="Mr Brown",
            email="caseworker2@matrix.test",
            password=PASSWORD,
            staff_role="caseworker",
            council_id=demo_council.id,
        )
        create_user(
            name="Ms Green",
            email="admin@elsewhere.test",
            password=PASSWORD,
            staff_role="administrator",
            council_id=elsewhere.id,
        )
        create_user(
            name="Mx Grey",
            email="auditor@matrix.test",
            password=PASSWORD,
            staff_role="auditor",
            council_id=demo_council.id,
        )
        create_user(
            name="Site Admin", email="site@matrix.test", password=PASSWORD, is_site_admin=True
        )
        # fmt: skip
        db.session.add_all(
            [
                Membership(child_id=sam.id, user_id=viewer.id, role="family_viewer"),
                Membership(child_id=sam.id, user_id=doctor.id, role="professional"),
            ]
        )
        db.session.commit()
        sam_id = sam.id
        young_member = db.session.scalar(
            select(Membership.id).where(
                Membership.child_id == sam.id, Membership.role == "young_person"
            )
        )
    log_in(client, "parent@demo.test")
    save_page(client, "sam", "about-me", "Sam is kind.")
    save_page(client, "sam", "about-me", "Sam is kind and funny.")
    post_button(
        client, "/c/sam/wiki/about-me/visibility", "/c/sam/wiki/about-me", visibility="team"
    )
    save_page(client, "sam", "about-me", "Sam is kind, funny and brave.")  # version 4, shared
    save_page(client, "sam", "my-health", "Asthma.")
    upload(client, [("cat.png", media_samples.png())], title="Shared cat")
    item = latest_item(app)
    token = csrf_token_from(client.get(f"/c/sam/media/{item.id}").get_data(as_text=True))
    client.post(
        f"/c/sam/media/{item.id}",
        data={"csrf_token": token, "title": "Shared cat", "alt": "", "visibility": "team"},
    )
    page = client.get("/c/sam/people").get_data(as_text=True)
    client.post(
        "/c/sam/people/invite",
        data={"csrf_token": csrf_token_from(page), "role": "family_viewer", "name": "Pending"},
    )
    with app.app_context():
        from portal.invitations.models import Invitation

        invitation = db.session.scalar(select(Invitation.id))
    client.post("/logout", data={"csrf_token": token})
    with app.app_context():
        caseworker2 = db.session.scalar(
            select(User.id).where(User.email == "caseworker2@matrix.test")
        )
        auditor = db.session.scalar(select(User.id).where(User.email == "auditor@matrix.test"))
        caseworker1 = db.session.scalar(select(User.id).where(User.email == "caseworker@demo.test"))
        thread = db.session.scalar(select(MessageThread.id).where(MessageThread.child_id == sam_id))
    return {
        "thread": thread,
        "caseworker1": caseworker1,
        "item": item.id,
        "member": young_member,
        "invitation": invitation,
        "sam": sam_id,
        "caseworker2": caseworker2,
        "auditor": auditor,
        **make_plan(app, client),
        **make_quality_round(app),
        **make_scan(app, client, sam_id),
        **make_meetings(app),
        **make_key_worker_photo(app),
    }


def make_key_worker_photo(app) -> dict:
    """Sam's key worker (the demo caseworker) adds a photo to their details."""
    from media.storage import storage_for
    from portal.contact import photos, service

    with app.app_context():
        worker = db.session.scalars(select(User).where(User.email == "caseworker@demo.test")).one()
        profile = service.profile_for(worker)  # the demo gives Ms Patel her details
        photos.set_photo(profile, io.BytesIO(media_samples.png()), storage_for(app))
    return {}


def make_quality_round(app) -> dict:
    """A final plan issued in March, drawn for audit to the matrix's auditor and one more."""
    with app.app_context():
        council = quality_helpers.council_of("sam")
        quality_helpers.issued_plan(council, "matrix-final", date(2026, 3, 5))
        second = quality_helpers.make_auditor(council, "Mx Blue", "auditor2@matrix.test")
        auditor = db.session.scalar(select(User).where(User.email == "auditor@matrix.test"))
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
        drawn = drawing.draw_round(
            council.id,
            month=date(2026, 3, 1),
            size=1,
            seed=1,
            auditor_ids=[auditor.id, second.id],
            by=admin,
        )
        round_id = drawn.id
    return {"round": round_id, "review": quality_helpers.reviews_of(app, "auditor@matrix.test")[0]}


def make_scan(app, client, sam_id: int) -> dict:
    """One scanned page for Sam, read and published by the administrator."""
    log_in(client, "admin@demo.test")
    page = scan_samples.encoded(scan_samples.render_page(["All About Me", "I like trains."]))
    assert scan_helpers.upload_scans(client, [("form.png", page)], child=sam_id).status_code < 400
    scan = scan_helpers.latest_scan(app)
    assert scan_helpers.publish(client, scan.id, title="Paper form").status_code == 303
    client.post(
        "/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))}
    )
    return {"scan": scan.id}


def make_meetings(app) -> dict:
    """Two meetings on Sam's plan with the parent invited: one ended, one open."""
    from tests.integration.meeting_helpers import open_meeting, press

    caseworker = plan_helpers.person(app, "caseworker@demo.test")
    ended = open_meeting(app, caseworker, ["parent@demo.test"])
    assert press(caseworker, ended, "end").status_code == 302
    return {"ended_meeting": ended, "meeting": open_meeting(app, caseworker, ["parent@demo.test"])}


def make_plan(app, client) -> dict:
    """Sam's plan: a golden thread quoting the shared page, issued as Draft 1, changed
    since (so the working version is not issued); one suggestion open, one declined."""
    caseworker = plan_helpers.person(app, "caseworker@demo.test")
    ids = plan_helpers.well_formed_plan(app, caseworker)
    plan_helpers.issued(caseworker)
    draft = plan_helpers.plan_row(app)["issued_number"]
    response = plan_helpers.edit_item(
        caseworker, ids["need"], {"section": "B", "text": "Noise is hard.", "links": ["a1"]}
    )
    assert response.status_code == 302
    parent = plan_helpers.person(app, "parent@demo.test")
    assert plan_helpers.suggest(parent, ids["need"], "Crowds are hard.").status_code == 302
    assert plan_helpers.suggest(parent, ids["outcome"], "Sam will drive.").status_code == 302
    open_one, declined = (a["id"] for a in plan_helpers.amendments(app))
    assert plan_helpers.decline(caseworker, declined, "Not yet.").status_code == 302
    page = plan_helpers.page_ids(app)[plan_helpers.QUOTED]
    with app.app_context():
        revision = db.session.get(Page, page).current_number
    return {
        "draft": draft,
        "working": plan_helpers.plan_row(app)["current_number"],
        "open_amendment": open_one,
        "declined_amendment": declined,
        "page": page,
        "revision": revision,
    }


@pytest.fixture
def world(app, client, demo):
    return make_world(app, client)


def request_as(client, case: Case, token: str | None):
    if case.method == "GET":
        return client.get(case.url, buffered=True)
    data = {"csrf_token": token or "", **case.data}
    if case.endpoint in {"media.upload", "media.replace_item"}:
        data["file"] = (io.BytesIO(b""), "")
    return client.post(case.url, data=data, buffered=True)


def test_every_route_is_in_the_matrix(app):
    listed = {case.endpoint for case in cases(defaultdict(lambda: 1))}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routes - listed == set(), "add these routes to the access matrix"


@pytest.mark.parametrize("person", list(PEOPLE))
def test_the_access_matrix(app, client, world, person):
    if PEOPLE[person]:
        assert log_in(client, *PEOPLE[person]).status_code == 302, person
    help_page = client.get("/help/").get_data(as_text=True)
    token = csrf_token_from(help_page) if 'name="csrf_token"' in help_page else None
    unexpected = []
    for case in cases(world):
        response = request_as(client, case, token)
        status = response.status_code
        if case.public or person in case.allowed:
            ok = status < 500 and status != 404 if not case.public else status < 500
        elif person == "anonymous" and case.method == "POST":
            ok = status in (400, 401)  # no session, so no valid form token either
        elif person == "anonymous":
            ok = status == 302 and "/login" in response.location
        else:
            ok = status == 404
        if not ok:
            unexpected.append((case.method, case.url, status))
        # Destructive buttons were pressed by allowed people: put things back.
        if case.endpoint == "media.delete_item" and status != 404:
            client.post(f"/c/sam/media/{world['item']}/restore", data={"csrf_token": token})
        if case.endpoint == "accounts.logout" and status != 404 and PEOPLE[person]:
            log_in(client, *PEOPLE[person])
            token = csrf_token_from(client.get("/help/").get_data(as_text=True))
    assert unexpected == [], person


def test_an_administrator_sees_only_their_own_council(app, client, world):
    log_in(client, "parent@demo.test")
    client.get("/c/sam/")  # something in Sam's trail
    client.post(
        "/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))}
    )
    log_in(client, *PEOPLE["administrator_other_council"])
    assert "Sam" not in client.get("/admin/assignments").get_data(as_text=True)
    assert "Priya Shah" not in client.get("/admin/audit?q=Priya").get_data(as_text=True)
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    client.post(
        "/admin/assignments",
        data={"csrf_token": token, "child": world["sam"], "caseworker": world["caseworker2"]},
    )
    with app.app_context():
        assigned = db.session.scalar(
            select(Membership.id).where(
                Membership.child_id == world["sam"], Membership.user_id == world["caseworker2"]
            )
        )
    assert assigned is None
    # Their own council's administrator can assign, and the caseworker then gets in.
    client.post("/logout", data={"csrf_token": token})
    log_in(client, "admin@demo.test")
    assert "Priya Shah" in client.get("/admin/audit?q=Priya").get_data(as_text=True)
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    client.post(
        "/admin/assignments",
        data={"csrf_token": token, "child": world["sam"], "caseworker": world["caseworker2"]},
    )
    client.post("/logout", data={"csrf_token": token})
    log_in(client, *PEOPLE["caseworker_not_assigned"])
    assert client.get("/c/sam/").status_code == 200
