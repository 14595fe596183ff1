"""Meeting actions as plain functions: open, join, save a section (merging with what
others saved meanwhile), move the meeting, notes and actions, end it as a plan version,
and the family's "Did you feel included?" answers with the council's monthly figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.access import FAMILY_EDITORS, WRITE_PLAN, can, membership_of
from portal.accounts.models import User
from portal.contact.figures import month_of, months_between
from portal.contact.working_days import local_day
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.meetings import paragraphs
from portal.meetings.models import (
    FEELINGS,
    INVITABLE_ROLES,
    MeetingFeeling,
    MeetingNote,
    MeetingParticipant,
    MeetingRevision,
    PlanMeeting,
)
from portal.plans import editing
from portal.plans import service as plans
from portal.plans.models import Plan, PlanVersion

MAX_SECTION_CHARS = 50_000
MAX_NOTE_CHARS = 2_000
MAX_COMMENT_CHARS = 2_000
HERE_SECONDS = 30  # seen by a poll this recently: shown as in the meeting
SEEN_EVERY_SECONDS = 10  # how often a poll writes "still here"


class MeetingError(ValueError):
    """A meeting action that cannot be done; the message is for the person."""


# Reading ---------------------------------------------------------------------------------


def get_meeting(plan: Plan, meeting_id: int) -> PlanMeeting | None:
    meeting = db.session.get(PlanMeeting, meeting_id)
    return meeting if meeting is not None and meeting.plan_id == plan.id else None


def meetings_of(plan: Plan) -> list[PlanMeeting]:
    return list(
        db.session.scalars(
            select(PlanMeeting)
            .where(PlanMeeting.plan_id == plan.id)
            .order_by(PlanMeeting.opened_at.desc(), PlanMeeting.id.desc())
        )
    )


def participants(meeting: PlanMeeting) -> list[MeetingParticipant]:
    """Everyone invited, with their accounts in the same query (the poll shows names)."""
    return list(
        db.session.scalars(
            select(MeetingParticipant)
            .options(joinedload(MeetingParticipant.user))
            .where(MeetingParticipant.meeting_id == meeting.id)
            .order_by(MeetingParticipant.id)
        )
    )


def participant(meeting: PlanMeeting, user) -> MeetingParticipant | None:
    return db.session.scalars(
        select(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.user_id == user.id
        )
    ).first()


def may_take_part(meeting: PlanMeeting, user, child: Child) -> bool:
    """The child's caseworker (whoever writes the plan now), or an invited family member
    who may still edit the family's wiki."""
    if can(user, WRITE_PLAN, child):
        return True
    membership = membership_of(user, child)  # as it is now: a role can change after inviting
    return (
        participant(meeting, user) is not None
        and membership is not None
        and membership.role in FAMILY_EDITORS
    )


def invitable(child: Child) -> list[tuple[Membership, User]]:
    """The family members who may be invited: parents, family editors, the young person."""
    return [
        (member, user)
        for member, user in db.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.child_id == child.id, Membership.role.in_(INVITABLE_ROLES))
            .order_by(Membership.id)
        )
    ]


def latest(meeting: PlanMeeting, letter: str) -> MeetingRevision | None:
    return db.session.scalars(
        select(MeetingRevision)
        .where(MeetingRevision.meeting_id == meeting.id, MeetingRevision.section == letter)
        .order_by(MeetingRevision.number.desc())
        .limit(1)
    ).first()


def revision(meeting: PlanMeeting, letter: str, number: int) -> MeetingRevision | None:
    return db.session.scalars(
        select(MeetingRevision).where(
            MeetingRevision.meeting_id == meeting.id,
            MeetingRevision.section == letter,
            MeetingRevision.number == number,
        )
    ).first()


def section_numbers(meeting: PlanMeeting) -> dict[str, int]:
    """Each section's newest revision number (what a poll compares)."""
    rows = db.session.execute(
        select(MeetingRevision.section, func.max(MeetingRevision.number))
        .where(MeetingRevision.meeting_id == meeting.id)
        .group_by(MeetingRevision.section)
    )
    return {section: number for section, number in rows}


def revision_count(meeting: PlanMeeting) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(MeetingRevision)
        .where(MeetingRevision.meeting_id == meeting.id, MeetingRevision.number > 1)
    )


def notes(meeting: PlanMeeting) -> list[MeetingNote]:
    return list(
        db.session.scalars(
            select(MeetingNote)
            .options(joinedload(MeetingNote.author))
            .where(MeetingNote.meeting_id == meeting.id)
            .order_by(MeetingNote.created_at, MeetingNote.id)
        )
    )


def _invited(child: Child, user, status: str):
    """The child's meetings in `status` that this person was invited to."""
    return (
        select(PlanMeeting)
        .join(Plan, Plan.id == PlanMeeting.plan_id)
        .join(MeetingParticipant, MeetingParticipant.meeting_id == PlanMeeting.id)
        .where(
            Plan.child_id == child.id,
            PlanMeeting.status == status,
            MeetingParticipant.user_id == user.id,
        )
        .order_by(PlanMeeting.id)
    )


def open_meetings_for(child: Child, user) -> list[PlanMeeting]:
    """Open meetings on the child's plan that this person is invited to."""
    return list(db.session.scalars(_invited(child, user, "open")))


def unanswered_for(child: Child, user) -> list[PlanMeeting]:
    """Ended meetings this family member was invited to and has not yet said how it felt."""
    answered = select(MeetingFeeling.meeting_id).where(MeetingFeeling.user_id == user.id)
    return list(
        db.session.scalars(
            _invited(child, user, "ended").where(
                MeetingParticipant.role.in_(INVITABLE_ROLES),
                PlanMeeting.id.not_in(answered),
            )
        )
    )


def meeting_for_version(plan: Plan, number: int) -> PlanMeeting | None:
    return db.session.scalars(
        select(PlanMeeting).where(
            PlanMeeting.plan_id == plan.id, PlanMeeting.saved_number == number
        )
    ).first()


def joined_people(meeting: PlanMeeting) -> list[MeetingParticipant]:
    return [p for p in participants(meeting) if p.joined_at is not None]


# Opening and joining -----------------------------------------------------------------------


def open_meeting(plan: Plan, child: Child, user, invited_user_ids: list[int]) -> PlanMeeting:
    """A meeting on the plan's current version, with the chosen family members invited.
    Every section starts as revision 1: the plan's words as they are now."""
    family = {member.user_id: member.role for member, _user in invitable(child)}
    chosen = [uid for uid in dict.fromkeys(invited_user_ids) if uid in family]
    if not chosen:
        raise MeetingError("Choose at least one person from the family to invite.")
    now = utcnow()
    meeting = PlanMeeting(
        plan_id=plan.id,
        started_from=plan.current_number,
        section="A",
        status="open",
        opened_by_id=user.id,
        opened_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(
        MeetingParticipant(meeting_id=meeting.id, user_id=user.id, role="caseworker", joined_at=now)
    )
    for uid in chosen:
        db.session.add(MeetingParticipant(meeting_id=meeting.id, user_id=uid, role=family[uid]))
    content = plans.content_of(plans.get_version(plan, plan.current_number))
    for letter in paragraphs.LETTERS:
        db.session.add(
            MeetingRevision(
                meeting_id=meeting.id,
                section=letter,
                number=1,
                base_number=0,
                text=paragraphs.section_text(content, letter),
                author_id=user.id,
                created_at=now,
            )
        )
    db.session.commit()
    return meeting


def join(meeting: PlanMeeting, person: MeetingParticipant) -> bool:
    """Mark the person as having joined; True the first time."""
    now = utcnow()
    first = person.joined_at is None
    if first:
        person.joined_at = now
    person.last_seen_at = now
    db.session.commit()
    return first


def seen(person: MeetingParticipant) -> None:
    """A poll from this person: they are still in the meeting (written every few seconds)."""
    now = utcnow()
    if person.last_seen_at is None or now - person.last_seen_at > timedelta(
        seconds=SEEN_EVERY_SECONDS
    ):
        person.last_seen_at = now
        if person.joined_at is None:
            person.joined_at = now
        db.session.commit()


def here(person: MeetingParticipant) -> bool:
    return person.last_seen_at is not None and utcnow() - person.last_seen_at < timedelta(
        seconds=HERE_SECONDS
    )


# Writing -----------------------------------------------------------------------------------


def _must_be_open(meeting: PlanMeeting) -> None:
    if not meeting.is_open:
        raise MeetingError("This meeting has ended, so nothing more can be written in it.")


def _lock(meeting: PlanMeeting) -> PlanMeeting:
    # As the plan's own lock: FOR UPDATE on PostgreSQL, SQLite's write lock by a no-op UPDATE.
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(PlanMeeting)
            .where(PlanMeeting.id == meeting.id)
            .values(status=PlanMeeting.status)
        )
    return db.session.scalars(
        select(PlanMeeting)
        .where(PlanMeeting.id == meeting.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


@dataclass(frozen=True)
class Saved:
    revision: MeetingRevision
    merged: bool  # others had saved since: their changes and yours were combined
    conflict: bool  # you both changed the same paragraph: both versions are in the text
    unchanged: bool = False


def save_section(meeting: PlanMeeting, user, *, letter: str, base_number: int, text: str) -> Saved:
    """Save a person's text for one section, written from revision `base_number`.

    If others saved since, the three texts are merged (wiki.merge): changes to different
    paragraphs both stay; a paragraph both changed keeps both versions. Commits."""
    if letter not in paragraphs.LETTERS:
        raise MeetingError("There is no such section.")
    text = paragraphs.normalise(text).strip()
    if len(text) > MAX_SECTION_CHARS:
        raise MeetingError(
            f"This section is too long ({len(text):,} characters; the most is "
            f"{MAX_SECTION_CHARS:,}). Nothing was saved: your text is below."
        )
    meeting = _lock(meeting)
    try:
        _must_be_open(meeting)
        newest = latest(meeting, letter)
        base = revision(meeting, letter, base_number)
        if newest is None or base is None:
            raise MeetingError("That section was not found in this meeting. Reload the page.")
    except MeetingError:
        db.session.rollback()
        raise
    merged = conflict = False
    if newest.number != base.number:
        result = paragraphs.merge_texts(base.text, text, newest.text)
        text, merged, conflict = result.text, True, result.conflict
    if text == newest.text:
        db.session.rollback()
        return Saved(newest, merged=merged, conflict=False, unchanged=True)
    saved = MeetingRevision(
        meeting_id=meeting.id,
        section=letter,
        number=newest.number + 1,
        base_number=base.number,
        text=text,
        merged=merged,
        conflict=conflict,
        author_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(saved)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise MeetingError("Someone saved at the same moment. Please save again.") from None
    return Saved(saved, merged=merged, conflict=conflict)


def move_to(meeting: PlanMeeting, letter: str) -> None:
    _must_be_open(meeting)
    if letter not in paragraphs.LETTERS:
        raise MeetingError("There is no such section.")
    meeting.section = letter
    db.session.commit()


def _short_text(text: str, what: str, limit: int) -> str:
    text = paragraphs.normalise(text or "").strip()
    if len(text) > limit:
        raise MeetingError(f"{what} is too long ({len(text):,} characters; the most is {limit:,}).")
    return text


def add_note(meeting: PlanMeeting, user, text: str) -> MeetingNote:
    _must_be_open(meeting)
    text = _short_text(text, "The note", MAX_NOTE_CHARS)
    if not text:
        raise MeetingError("Write the note first.")
    note = MeetingNote(
        meeting_id=meeting.id, kind="note", text=text, author_id=user.id, created_at=utcnow()
    )
    db.session.add(note)
    db.session.commit()
    return note


def add_action(
    meeting: PlanMeeting, user, *, who: str, what: str, by_when: date | None
) -> MeetingNote:
    _must_be_open(meeting)
    what = _short_text(what, "What will be done", MAX_NOTE_CHARS)
    who = _short_text(who, "Who", 200)
    if not what or not who:
        raise MeetingError("Say who will do what.")
    action = MeetingNote(
        meeting_id=meeting.id,
        kind="action",
        text=what,
        who=who,
        by_when=by_when,
        author_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(action)
    db.session.commit()
    return action


# Ending ------------------------------------------------------------------------------------


def meeting_texts(meeting: PlanMeeting) -> dict[str, str]:
    return {
        letter: found.text
        for letter in paragraphs.LETTERS
        if (found := latest(meeting, letter)) is not None
    }


def end_meeting(meeting: PlanMeeting, plan: Plan, user) -> PlanVersion | None:
    """Save what the meeting wrote as a new plan version and close the meeting.

    Only the sections the meeting changed are applied, on the plan's newest version; if
    the plan itself changed one of those sections since the meeting opened, nothing is
    saved (PlanStale) and the meeting stays open. Returns None when nothing changed."""
    _must_be_open(meeting)
    started = plans.content_of(plans.get_version(plan, meeting.started_from))
    texts = {
        letter: text
        for letter, text in meeting_texts(meeting).items()
        if text != paragraphs.section_text(started, letter)
    }
    taken: set[str] = set()
    for old in plans.versions(plan):
        taken.update(editing.all_ids(plans.content_of(old)))
    reworded: list[str] = []

    def change(current):
        for letter in texts:
            if paragraphs.section_text(current, letter) != paragraphs.section_text(started, letter):
                raise plans.PlanStale(
                    f"Section {letter} of the plan was changed outside the meeting after it "
                    "began, so the meeting was not saved. Look at the plan, then end the "
                    "meeting again."
                )
        new, found = paragraphs.apply_all(current, texts, taken=taken)
        reworded[:] = found
        return new

    names = ", ".join(p.user.name for p in joined_people(meeting))
    try:
        version = plans.change_plan(
            plan,
            user,
            base_number=meeting.started_from,
            target=None,
            change=change,
            summary=f"Written in a meeting with {names}",
            commit=False,
        )
    except plans.PlanStale:
        db.session.rollback()
        raise
    meeting = db.session.get(PlanMeeting, meeting.id)
    meeting.status = "ended"
    meeting.ended_at = utcnow()
    meeting.saved_number = version.number if version is not None else None
    meeting.reworded = " ".join(reworded)
    db.session.commit()
    return version


# Did you feel included? --------------------------------------------------------------------


def feeling_of(meeting: PlanMeeting, user) -> MeetingFeeling | None:
    return db.session.scalars(
        select(MeetingFeeling).where(
            MeetingFeeling.meeting_id == meeting.id, MeetingFeeling.user_id == user.id
        )
    ).first()


def may_answer(meeting: PlanMeeting, person: MeetingParticipant | None) -> bool:
    return not meeting.is_open and person is not None and person.role in INVITABLE_ROLES


def record_feeling(
    meeting: PlanMeeting, user, answer: str, comment: str, *, now: datetime
) -> MeetingFeeling:
    """Keep a family participant's answer, once per person per meeting. Commits."""
    if not may_answer(meeting, participant(meeting, user)):
        raise MeetingError("You can answer once the meeting has ended.")
    if answer not in FEELINGS:
        raise MeetingError("Choose Yes, Partly or No.")
    comment = _short_text(comment, "Your comment", MAX_COMMENT_CHARS)
    if feeling_of(meeting, user) is not None:
        raise MeetingError("You have already answered for this meeting. Thank you.")
    feeling = MeetingFeeling(
        meeting_id=meeting.id, user_id=user.id, answer=answer, comment=comment, created_at=now
    )
    db.session.add(feeling)
    try:
        db.session.commit()
    except IntegrityError:  # the same answer sent twice at once
        db.session.rollback()
        raise MeetingError("You have already answered for this meeting. Thank you.") from None
    return feeling


@dataclass
class MeetingFeelings:
    """Answers to "Did you feel included in the meeting?" by month (in England)."""

    months: list[str]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # month -> answer -> n

    def total(self, month: str) -> int:
        return sum(self.counts.get(month, {}).values())

    def share(self, month: str, answer: str = "yes") -> float | None:
        total = self.total(month)
        return self.counts[month].get(answer, 0) / total if total else None


def meeting_feelings(council_id: int, start: date, end: date) -> MeetingFeelings:
    """The council's answers given from `start` to `end` (both included), by month."""
    months = months_between(start, end)
    figures = MeetingFeelings(months, {m: dict.fromkeys(FEELINGS, 0) for m in months})
    low = datetime.combine(start - timedelta(days=1), time(), UTC)
    high = datetime.combine(end + timedelta(days=2), time(), UTC)
    rows = db.session.execute(
        select(MeetingFeeling.created_at, MeetingFeeling.answer)
        .join(PlanMeeting, PlanMeeting.id == MeetingFeeling.meeting_id)
        .join(Plan, Plan.id == PlanMeeting.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .where(
            Child.council_id == council_id,
            MeetingFeeling.created_at >= low,
            MeetingFeeling.created_at < high,
        )
    )
    for created_at, answer in rows:
        day = local_day(created_at)
        if start <= day <= end:
            figures.counts[month_of(day)][answer] += 1
    return figures
