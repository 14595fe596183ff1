"""The audit trail: who viewed or changed which child's data, when, and from where.

Append-only: rows are written here and never updated or deleted by the app (erasing a
child's whole record is the one exception, and it removes the child's trail with it).
Views are recorded once per person, thing and quarter hour, so reading a page twice
in a minute is one line in the family's activity list, not two.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

# What happened, in words a family reads ("Ms Patel viewed My health").
ACTIONS = {
    "viewed": "viewed",
    "created": "wrote",
    "edited": "changed",
    "merged": "changed",
    "restored": "brought back an old version of",
    "deleted": "deleted",
    "undeleted": "brought back",
    "shared": "shared",
    "unshared": "stopped sharing",
    "uploaded": "added",
    "replaced": "replaced the file of",
    "downloaded": "downloaded",
    "details": "changed the details of",
    "searched": "searched",
    "issued": "issued",
    "commented": "commented on",
    "suggested": "suggested new wording for",
    "accepted": "took in the family's wording for",
    "declined": "declined the family's wording for",
    "agreed": "agreed to the wording of",
    "published": "typed up and published",
    "confirmed": "confirmed",
    "messaged": "sent",
    "replied": "replied to",
    "answered": "answered “Did you feel included?” for",
    "opened": "opened a meeting on",
    "joined": "joined a meeting on",
    "saved": "wrote, in a meeting, on",
    "ended": "ended the meeting and saved",
}
TARGET_TYPES = ("child", "page", "media", "plan", "member", "export", "scan", "message")
VIEW_REPEAT_SECONDS = 15 * 60


class AuditEvent(db.Model):
    """One thing someone did to a child's data. Names are copied in, so the line
    still reads right after a page is renamed or an account is closed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(200), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise RuntimeError("audit events are never changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise RuntimeError("audit events are never deleted one by one")


class _RecentViews:
    """Which (person, thing) views this process recorded lately, bounded in size."""

    def __init__(self, limit: int = 50_000) -> None:
        self.seen: OrderedDict[tuple, float] = OrderedDict()
        self.limit = limit
        self.lock = threading.Lock()

    def first_in_a_while(self, key: tuple) -> bool:
        now = time.monotonic()
        with self.lock:
            last = self.seen.get(key)
            if last is not None and now - last < VIEW_REPEAT_SECONDS:
                return False
            self.seen[key] = now
            self.seen.move_to_end(key)
            while len(self.seen) > self.limit:
                self.seen.popitem(last=False)
            return True

    def forget(self) -> None:
        with self.lock:
            self.seen.clear()


recent_views = _RecentViews()


def _client_address() -> str:
    # The app is meant to run behind one proxy (ProxyFix decides what remote_addr is).
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def actor_role_for(user, child) -> str:
    """The role a person acts in for this child, as the family would name it."""
    from portal.access import membership_of

    membership = membership_of(user, child)
    if membership is not None:
        return membership.role
    return user.staff_role or "member"


def record(
    user,
    child,
    action: str,
    target_type: str,
    *,
    target_id: int | None = None,
    label: str = "",
    commit: bool = True,
) -> AuditEvent | None:
    """Write one event. A repeated view within a quarter hour is skipped."""
    if action not in ACTIONS or target_type not in TARGET_TYPES:
        raise ValueError(f"unknown audit event {action} {target_type}")
    if action == "viewed" and not recent_views.first_in_a_while(
        (user.id, child.id, target_type, target_id)
    ):
        return None
    entry = AuditEvent(
        child_id=child.id,
        council_id=child.council_id,
        actor_id=user.id,
        actor_name=user.name[:200],
        actor_role=actor_role_for(user, child)[:40],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=(label or "")[:200],
        ip_address=_client_address(),
        created_at=utcnow(),
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry
