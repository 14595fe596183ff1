"""The audit trail in plain language, for families and for council administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from portal.audit import ACTIONS, AuditEvent
from portal.extensions import db
from portal.families.models import MEMBER_ROLES
from portal.local_time import in_england

PAGE_SIZE = 50
ROLE_WORDS = {
    **{role: label.lower() for role, label in MEMBER_ROLES.items()},
    "family_viewer": "family member who can read",
    "family_editor": "family member who can write",
    "parent": "parent or carer",
    "administrator": "SEND administrator",
    "auditor": "quality auditor",
    "caseworker": "caseworker",
}
THING_WORDS = {
    "child": "the home page",
    "page": "the page",
    "media": "",
    "plan": "the plan",
    "member": "",
    "export": "a copy of everything",
    "scan": "the paper form",
    "message": "a message about",
}


@dataclass(frozen=True)
class ActivityLine:
    when: datetime
    who: str
    role: str
    what: str
    address: str

    @property
    def sentence(self) -> str:
        when = in_england(self.when).strftime("%-d %B %Y at %H:%M")
        return f"{self.who} ({self.role}) {self.what} on {when}"


def describe(entry: AuditEvent) -> ActivityLine:
    thing = THING_WORDS.get(entry.target_type, "")
    label = f"“{entry.target_label}”" if entry.target_label else ""
    with_team = " with the plan team" if entry.action in ("shared", "unshared") else ""
    what = " ".join(part for part in (ACTIONS[entry.action], thing, label) if part) + with_team
    if entry.target_type == "member":
        what = entry.target_label  # written as a whole phrase: "invited Gran"
    elif entry.target_type == "child" and entry.action == "viewed":
        what = "looked at the home page"
    elif entry.action == "searched":
        what = f"searched the pages for “{entry.target_label}”"
    return ActivityLine(
        when=entry.created_at,
        who=entry.actor_name,
        role=ROLE_WORDS.get(entry.actor_role, entry.actor_role.replace("_", " ")),
        what=what,
        address=entry.ip_address,
    )


def child_activity(child_id: int, *, page: int = 1) -> tuple[list[ActivityLine], bool]:
    """One page of a child's trail, newest first, and whether there is more."""
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.child_id == child_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return [describe(row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def council_trail(
    council_id: int, *, text: str = "", page: int = 1
) -> tuple[list[tuple[AuditEvent, ActivityLine]], bool]:
    """A council's trail for its administrators, searchable by person, page or address."""
    query = select(AuditEvent).where(AuditEvent.council_id == council_id)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(AuditEvent.actor_name).like(pattern),
                func.lower(AuditEvent.target_label).like(pattern),
                AuditEvent.ip_address.like(pattern),
            )
        )
    rows = db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return [(row, describe(row)) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE
