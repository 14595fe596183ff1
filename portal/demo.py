"""The demo council, users and children of DESIGN section 5."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import Council, User
from portal.accounts.service import create_user
from portal.extensions import db
from portal.families.service import add_member, create_child

DEMO_COUNCIL_SLUG = "demo"


class DemoRefused(Exception):
    """The demo data was not loaded, for the reason given."""


def _birthday_for_age(years: int, today: date) -> date:
    """A birthday 100 days past the `years`th, so the demo age holds for months."""
    anniversary = date(today.year - years, today.month, min(today.day, 28))
    return anniversary - timedelta(days=100)


def load_demo_data(
    *,
    only_if_empty: bool = False,
    today: date | None = None,
    pages: bool = True,
    working_together: bool = True,
) -> int:
    """Create the demo data and commit; return the number of users made. `pages=False`
    leaves out Sam's wiki pages (for databases from before the wiki existed), and
    `working_together=False` the key worker's details and Sam's messages (from before
    messages existed)."""
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        raise DemoRefused("The database already has users; demo data not loaded.")
    if db.session.scalars(select(Council).where(Council.slug == DEMO_COUNCIL_SLUG)).first():
        raise DemoRefused("Demo data is already loaded.")
    today = today or date.today()

    council = Council(slug=DEMO_COUNCIL_SLUG, name="Demo Council")
    db.session.add(council)
    db.session.flush()

    def user(**fields) -> User:
        # Staff and parent champions work with one council; families belong to none.
        works_for_council = fields.get("staff_role") or fields.get("is_champion")
        return create_user(council_id=council.id if works_for_council else None, **fields)

    parent = user(email="parent@demo.test", name="Priya Shah", password="demo-parent-pass")
    young_person = user(username="sam", name="Sam Shah", password="demo-young-pass")
    caseworker = user(
        email="caseworker@demo.test",
        name="Ms Patel",
        password="demo-caseworker-pass",
        staff_role="caseworker",
    )
    administrator = user(
        email="admin@demo.test",
        name="Mr Jones",
        password="demo-admin-pass",
        staff_role="administrator",
    )
    user(
        email="champion@demo.test",
        name="Grace Okafor",
        password="demo-champion-pass",
        is_champion=True,
    )
    other_parent = user(email="other.parent@demo.test", name="Tom Reid", password="demo-other-pass")

    sam = create_child(
        council,
        name="Sam Shah",
        slug="sam",
        preferred_name="Sam",
        date_of_birth=_birthday_for_age(15, today),
    )
    alex = create_child(
        council,
        name="Alex Reid",
        slug="alex",
        preferred_name="Alex",
        date_of_birth=_birthday_for_age(9, today),
    )
    add_member(sam, parent, "parent", granted_by=None)
    add_member(sam, young_person, "young_person", granted_by=parent)
    add_member(sam, caseworker, "caseworker", granted_by=administrator)
    add_member(alex, other_parent, "parent", granted_by=None)
    db.session.commit()
    if pages:
        _sam_pages(sam, parent)
    if working_together:
        _sam_messages(sam, parent, caseworker)
    return 6


# Two About Me pages Sam's family shares with the plan team, so the caseworker can
# build a draft from the wiki; one more kept to the family.
SAM_PAGES = (
    (
        "what-is-important-to-me",
        "What is important to me",
        "team",
        "My dog Biscuit.\n\nI am good at remembering facts about trains. I know every "
        "station on the line to Leeds.\n\nWhen I grow up I want to work on the railway.",
    ),
    (
        "how-best-to-support-me",
        "How best to support me",
        "team",
        "Tell me what is happening next. A picture timetable helps me.\n\n"
        "Quiet time after school, in my room with the door shut.",
    ),
    (
        "my-family-and-important-people",
        "My family and important people",
        "family",
        "Mum, Gran and my dog Biscuit. Gran picks me up on Fridays.",
    ),
)


def _sam_pages(sam, parent: User) -> None:
    from wiki.service import save_edit, set_visibility

    link_base = f"/c/{sam.slug}/wiki/"
    for slug, title, visibility, body in SAM_PAGES:
        outcome = save_edit(
            sam.id,
            slug,
            title=title,
            body=body,
            summary="First written",
            base_number=0,
            author_id=parent.id,
            link_base=link_base,
        )
        if visibility == "team":
            set_visibility(outcome.page, "team", author_id=parent.id, link_base=link_base)


def _sam_messages(sam, parent: User, caseworker: User) -> None:
    """Ms Patel's key-worker details, and one answered conversation with Sam's mum."""
    from datetime import UTC, datetime, time

    from portal.contact.models import KeyWorkerProfile
    from portal.contact.service import add_staff_reply, start_thread

    db.session.add(
        KeyWorkerProfile(
            user_id=caseworker.id,
            job_title="SEND caseworker",
            phone="01632 960 123",
            email="caseworker@demo.test",
            hours="Mon–Thu 9–5",
        )
    )
    asked = datetime.combine(date.today() - timedelta(days=7), time(10, 0), UTC)
    thread = start_thread(
        sam,
        parent,
        "parent",
        category="review",
        subject="When is Sam's annual review?",
        body="Hello Ms Patel, could you tell me when Sam's annual review will be? "
        "I would like Gran to come too.",
        about="",
        now=asked,
    )
    add_staff_reply(
        thread,
        caseworker,
        "Hello Priya, the review is planned for next month; I will send the date this week. "
        "Gran is very welcome.",
        now=asked + timedelta(hours=5),
    )
    db.session.commit()
