"""Key workers and messages as plain functions: no request needed, `now` passed in.

Nothing here logs or emails a message's text: emails carry a link and the child's first
name only, and the audit trail names the kind of message, never its words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from media.models import MediaItem
from portal.accounts.models import Council, User
from portal.admin.service import add_to_plan_team
from portal.contact.models import (
    CATEGORIES,
    KeyWorkerChoice,
    KeyWorkerProfile,
    Message,
    MessageThread,
)
from portal.contact.working_days import due_on, is_late
from portal.extensions import db
from portal.families.models import Child, Membership
from wiki.models import Page

log = logging.getLogger(__name__)

SUBJECT_LENGTH = 200
BODY_LENGTH = 5_000
# How long the family's home page says their key worker changed.
CHANGE_NOTICE_DAYS = 30
SENDER_FOR_ROLE = {"parent": "parent", "young_person": "young_person"}


class MessageRefused(Exception):
    """What someone sent cannot be kept; str() says why, in words for them."""


# ---- key workers ----------------------------------------------------------------------


def key_worker_for(child: Child) -> User | None:
    """The child's named key worker: the administrator's choice of lead worker when
    there is one (still on the council's staff), else the first assigned caseworker."""
    choice = db.session.get(KeyWorkerChoice, child.id)
    if choice is not None:
        person = choice.user
        if person.active and person.is_staff and person.council_id == child.council_id:
            return person
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.child_id == child.id,
            Membership.role == "caseworker",
            User.active,
            User.council_id == child.council_id,
        )
        .order_by(Membership.granted_at, Membership.id)
    ).first()


def key_workers_in_council(council_id: int) -> dict[int, User]:
    """Every child's key worker in the council, by child id (as key_worker_for, in two
    queries for the whole council)."""
    found: dict[int, User] = {}
    for child_id, person in db.session.execute(
        select(Membership.child_id, User)
        .join(User, User.id == Membership.user_id)
        .join(Child, Child.id == Membership.child_id)
        .where(
            Child.council_id == council_id,
            Membership.role == "caseworker",
            User.active,
            User.council_id == council_id,
        )
        .order_by(Membership.granted_at.desc(), Membership.id.desc())
    ):
        found[child_id] = person  # the earliest assignment is written last
    for child_id, person in db.session.execute(
        select(KeyWorkerChoice.child_id, User)
        .join(User, User.id == KeyWorkerChoice.user_id)
        .join(Child, Child.id == KeyWorkerChoice.child_id)
        .where(
            Child.council_id == council_id,
            User.active,
            User.staff_role.is_not(None),
            User.council_id == council_id,
        )
    ):
        found[child_id] = person
    return found


@dataclass(frozen=True)
class KeyWorkerCard:
    """What the child's home page shows about their key worker."""

    user: User
    profile: KeyWorkerProfile | None
    changed_at: datetime | None  # set while the family should be told of a change

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.user.name.split()[:2]).upper()

    @property
    def job_title(self) -> str:
        return (self.profile.job_title if self.profile else "") or (self.user.staff_role_name or "")

    @property
    def email(self) -> str:
        return (self.profile.email if self.profile else "") or (self.user.email or "")


def key_worker_card(child: Child, now: datetime) -> KeyWorkerCard | None:
    person = key_worker_for(child)
    if person is None:
        return None
    choice = db.session.get(KeyWorkerChoice, child.id)
    changed = None
    if (
        choice is not None
        and choice.user_id == person.id
        and now - choice.chosen_at < timedelta(days=CHANGE_NOTICE_DAYS)
    ):
        changed = choice.chosen_at
    return KeyWorkerCard(person, db.session.get(KeyWorkerProfile, person.id), changed)


def lead_worker_candidates(council_id: int) -> list[User]:
    """Staff an administrator may name as a child's key worker."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.council_id == council_id,
                User.staff_role.in_(("caseworker", "administrator")),
                User.active,
            )
            .order_by(User.name)
        )
    )


class ChoiceRefused(Exception):
    pass


def choose_key_worker(
    council_id: int, child_id: int, user_id: int, *, by: User, now: datetime
) -> tuple[Child, User]:
    """Name a child's key worker; a caseworker not yet assigned is assigned too, so
    they see what the family shares. Commits."""
    child = db.session.get(Child, child_id)
    person = db.session.get(User, user_id)
    if child is None or child.council_id != council_id:
        raise ChoiceRefused("That child is not in your council.")
    # Compared by id: Flask-Login's User equality needs a login session.
    if person is None or person.id not in {p.id for p in lead_worker_candidates(council_id)}:
        raise ChoiceRefused("Choose a caseworker or administrator from your council.")
    choice = db.session.get(KeyWorkerChoice, child.id)
    if choice is None:
        choice = KeyWorkerChoice(child_id=child.id, user_id=person.id)
        db.session.add(choice)
    choice.user_id, choice.chosen_by_id, choice.chosen_at = person.id, by.id, now
    if person.staff_role == "caseworker":
        add_to_plan_team(child, person, by=by)
    db.session.commit()
    db.session.refresh(choice)
    return child, person


def profile_for(user: User) -> KeyWorkerProfile | None:
    return db.session.get(KeyWorkerProfile, user.id)


def save_profile(
    user: User, *, job_title: str, phone: str, email: str, hours: str, now: datetime
) -> KeyWorkerProfile:
    """Keep a member of staff's key-worker details (validated by the form). Commits."""
    profile = db.session.get(KeyWorkerProfile, user.id)
    if profile is None:
        profile = KeyWorkerProfile(user_id=user.id)
        db.session.add(profile)
    profile.job_title = job_title.strip()
    profile.phone = phone.strip()
    profile.email = email.strip().lower()
    profile.hours = hours.strip()
    profile.updated_at = now
    db.session.commit()
    return profile


def staff_to_tell(child: Child) -> list[User]:
    """Who hears of a family's message: the key worker, or with none the council's
    administrators."""
    person = key_worker_for(child)
    if person is not None:
        return [person] if person.email else []
    return list(
        db.session.scalars(
            select(User).where(
                User.council_id == child.council_id,
                User.staff_role == "administrator",
                User.active,
                User.email.is_not(None),
            )
        )
    )


def first_name(child: Child) -> str:
    return child.name.split()[0] if child.name.split() else child.display_name


# ---- what a message may point at ------------------------------------------------------


@dataclass(frozen=True)
class About:
    kind: str | None = None  # "page", "media", "plan" or None
    ident: int | None = None
    section: str | None = None
    label: str = ""


def about_choices(child: Child) -> list[tuple[str, str]]:
    """Everything of the child's a family member might point at, as (value, label)."""
    from portal.plans.content import SECTIONS
    from portal.plans.service import get_plan

    choices: list[tuple[str, str]] = [("", "Nothing in particular")]
    for page in db.session.scalars(
        select(Page).where(Page.child_id == child.id, Page.deleted.is_(False)).order_by(Page.title)
    ):
        note = "" if page.visibility == "team" else " (family only)"
        choices.append((f"page:{page.id}", f"Page: {page.title}{note}"))
    for item in db.session.scalars(
        select(MediaItem)
        .where(MediaItem.child_id == child.id, MediaItem.deleted.is_(False))
        .order_by(MediaItem.title)
    ):
        note = "" if item.visibility == "team" else " (family only)"
        choices.append((f"media:{item.id}", f"Photo or file: {item.title}{note}"))
    plan = get_plan(child.id)
    if plan is not None and plan.issued_number is not None:
        for letter, name in SECTIONS.items():
            choices.append((f"plan:{letter}", f"Plan section {letter}: {name}"))
    return choices


def resolve_about(child: Child, value: str) -> About:
    """What `value` ("page:12", "media:3", "plan:B" or "") points at, checked to belong
    to the child and to be visible to their key worker."""
    from portal.plans.content import SECTIONS
    from portal.plans.service import get_plan

    value = (value or "").strip()
    if not value:
        return About()
    kind, _, rest = value.partition(":")
    if kind == "plan":
        plan = get_plan(child.id)
        if rest not in SECTIONS or plan is None or plan.issued_number is None:
            raise MessageRefused(
                "That plan section cannot be chosen: there is no issued plan to point at yet."
            )
        return About("plan", plan.id, rest, f"Plan section {rest}")
    if kind not in ("page", "media") or not rest.isdigit():
        raise MessageRefused("Choose something from the list, or nothing in particular.")
    model = Page if kind == "page" else MediaItem
    thing = db.session.get(model, int(rest))
    if thing is None or thing.child_id != child.id or thing.deleted:
        raise MessageRefused(
            "That page or file is not part of this child's record. Choose another, "
            "or nothing in particular."
        )
    if thing.visibility != "team":
        what = "page" if kind == "page" else "item"
        raise MessageRefused(
            f"The {what} “{thing.title}” is family only, so your key worker cannot see it. "
            "Share it with the plan team first, or choose something else."
        )
    return About(kind, thing.id, None, thing.title[:200])


def about_url(child: Child, thread: MessageThread) -> str | None:
    """Where the thing a thread points at is read (whoever opens it is checked there)."""
    from flask import url_for

    if thread.about_type == "plan":
        return url_for("plans.plan_page", child=child.slug) + f"#section-{thread.about_section}"
    if thread.about_type == "media":
        return url_for("media.item", child=child.slug, item_id=thread.about_id)
    if thread.about_type == "page":
        page = db.session.get(Page, thread.about_id)
        if page is not None and page.child_id == child.id:
            return url_for("wiki.view_page", child=child.slug, page=page.slug)
    return None


# ---- threads and messages -------------------------------------------------------------


def _clean(text: str, limit: int, missing: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise MessageRefused(missing)
    if len(text) > limit:
        raise MessageRefused(f"Keep this under {limit:,} characters.")
    return text


def sender_type_for(role: str) -> str:
    return SENDER_FOR_ROLE.get(role, "other_family")


def _target_days(council_id: int) -> int:
    return db.session.scalar(select(Council.message_target_days).where(Council.id == council_id))


def start_thread(
    child: Child,
    user: User,
    role: str,
    *,
    category: str,
    subject: str,
    body: str,
    about: str,
    now: datetime,
) -> MessageThread:
    """A family member's new message; not committed (the caller audits and commits)."""
    if category not in CATEGORIES:
        raise MessageRefused("Choose what your message is about.")
    subject = _clean(subject, SUBJECT_LENGTH, "Give your message a short title.")
    body = _clean(body, BODY_LENGTH, "Write your message.")
    pointed = resolve_about(child, about)
    due = due_on(now, _target_days(child.council_id))
    thread = MessageThread(
        child_id=child.id,
        council_id=child.council_id,
        category=category,
        subject=subject,
        about_type=pointed.kind,
        about_id=pointed.ident,
        about_section=pointed.section,
        about_label=pointed.label,
        started_by_id=user.id,
        created_at=now,
        first_due_on=due,
        due_on=due,
        last_message_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    db.session.add(
        Message(
            thread_id=thread.id,
            author_id=user.id,
            author_name=user.name[:200],
            sender_type=sender_type_for(role),
            body=body,
            created_at=now,
        )
    )
    return thread


def add_family_message(
    thread: MessageThread, user: User, role: str, body: str, *, now: datetime
) -> Message:
    """Another message from the family: the reply is due counting from this one."""
    body = _clean(body, BODY_LENGTH, "Write your message.")
    message = Message(
        thread_id=thread.id,
        author_id=user.id,
        author_name=user.name[:200],
        sender_type=sender_type_for(role),
        body=body,
        created_at=now,
    )
    db.session.add(message)
    thread.due_on = due_on(now, _target_days(thread.council_id))
    thread.last_message_at = now
    return message


def add_staff_reply(thread: MessageThread, user: User, body: str, *, now: datetime) -> Message:
    body = _clean(body, BODY_LENGTH, "Write your reply.")
    message = Message(
        thread_id=thread.id,
        author_id=user.id,
        author_name=user.name[:200],
        sender_type="staff",
        body=body,
        created_at=now,
    )
    db.session.add(message)
    thread.due_on = None
    thread.first_reply_at = thread.first_reply_at or now
    thread.last_message_at = now
    return message


def family_threads(child_id: int) -> list[MessageThread]:
    return list(
        db.session.scalars(
            select(MessageThread)
            .where(MessageThread.child_id == child_id)
            .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        )
    )


def thread_of_child(child: Child, thread_id: int) -> MessageThread | None:
    thread = db.session.get(MessageThread, thread_id)
    return thread if thread is not None and thread.child_id == child.id else None


def messages_of(thread: MessageThread) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.thread_id == thread.id)
            .order_by(Message.created_at, Message.id)
        )
    )


# ---- the staff side -------------------------------------------------------------------


def _children_of_staff(user: User):
    """Ids of the children whose messages this member of staff answers (a select)."""
    assigned = select(Membership.child_id).where(
        Membership.user_id == user.id, Membership.role == "caseworker"
    )
    chosen = select(KeyWorkerChoice.child_id).where(KeyWorkerChoice.user_id == user.id)
    return assigned.union(chosen)


def staff_may_answer(user: User, child: Child) -> bool:
    """The council's administrators, the child's key worker and assigned caseworkers."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if user.council_id != child.council_id:
        return False
    if user.staff_role == "administrator":
        return True
    if user.staff_role != "caseworker":
        return False
    chosen = key_worker_for(child)
    if chosen is not None and chosen.id == user.id:
        return True
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.child_id == child.id,
                Membership.user_id == user.id,
                Membership.role == "caseworker",
            )
        )
        is not None
    )


@dataclass(frozen=True)
class InboxRow:
    thread: MessageThread
    child: Child
    waiting: bool  # the latest message is the family's
    overdue: bool


def staff_inbox(user: User, now: datetime, *, limit: int = 200) -> list[InboxRow]:
    """Threads this member of staff answers, overdue first, then waiting, then newest.
    Administrators see every thread in their council."""
    query = (
        select(MessageThread, Child)
        .join(Child, Child.id == MessageThread.child_id)
        .where(MessageThread.council_id == user.council_id)
    )
    if user.staff_role != "administrator":
        query = query.where(MessageThread.child_id.in_(_children_of_staff(user)))
    rows = [
        InboxRow(thread, child, thread.due_on is not None, is_late(thread.due_on, now))
        for thread, child in db.session.execute(
            query.order_by(MessageThread.last_message_at.desc()).limit(limit)
        )
    ]
    rows.sort(key=lambda row: (not row.overdue, not row.waiting))
    return rows


def overdue_count(council_id: int, now: datetime) -> int:
    """Threads in the council waiting past their target at `now`."""
    waiting = db.session.scalars(
        select(MessageThread.due_on).where(
            MessageThread.council_id == council_id, MessageThread.due_on.is_not(None)
        )
    )
    return sum(1 for due in waiting if is_late(due, now))


def set_target_days(council_id: int, days: int) -> None:
    council = db.session.get(Council, council_id)
    council.message_target_days = days
    db.session.commit()
