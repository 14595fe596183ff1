"""Erasing a child's whole record: asking, cancelling within the grace period, and the
erasure itself, which leaves no row and no stored file about the child.

Which rows go is worked out from the schema, not from a list kept by hand: every row
that points at the child (or at a row that goes) through a foreign key is deleted,
and a pointer marked ON DELETE SET NULL is cleared instead. A table added later by
another feature is covered as soon as its foreign key says whose it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import aliased

from media.models import MediaFile, MediaItem
from media.storage import Storage
from portal.accounts.models import User
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.rights.models import ErasureRequest
from portal.scans.service import stored_scan_files

DEFAULT_GRACE_DAYS = 14


class ErasureError(RuntimeError):
    """The erasure cannot be done safely; nothing was deleted from the database."""


def grace_days(app: Flask) -> int:
    """ERASURE_GRACE_DAYS (config.py reads it from the environment; 14 by default)."""
    return max(int(app.config.get("ERASURE_GRACE_DAYS", DEFAULT_GRACE_DAYS)), 0)


def names_match(typed: str, child: Child) -> bool:
    """Whether the owner typed the child's full name (any case, any spacing)."""

    def fold(text: str) -> str:
        return " ".join((text or "").casefold().split())

    return bool(fold(typed)) and fold(typed) == fold(child.name)


def pending_request(child_id: int) -> ErasureRequest | None:
    return db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.child_id == child_id)
    ).first()


def request_erasure(child: Child, user: User, *, days: int) -> ErasureRequest:
    """Ask for the child's record to be erased once `days` have passed; commit. Asking
    again while a request waits keeps the first one (and its date)."""
    existing = pending_request(child.id)
    if existing is not None:
        return existing
    now = utcnow()
    found = ErasureRequest(
        child_id=child.id,
        requested_by_id=user.id,
        requested_at=now,
        erase_after=now + timedelta(days=days),
    )
    db.session.add(found)
    db.session.commit()
    return found


def cancel_erasure(child: Child) -> bool:
    """Withdraw a waiting request; commit. False when there was none."""
    result = db.session.execute(delete(ErasureRequest).where(ErasureRequest.child_id == child.id))
    db.session.commit()
    return bool(result.rowcount)


def due_requests(now: datetime | None = None) -> list[ErasureRequest]:
    """Requests whose grace period is over, oldest first."""
    return list(
        db.session.scalars(
            select(ErasureRequest)
            .where(ErasureRequest.erase_after <= (now or utcnow()))
            .order_by(ErasureRequest.erase_after, ErasureRequest.id)
        )
    )


# ---- working out the rows ---------------------------------------------------------


@dataclass
class RowPlan:
    """The rows to delete (table -> conditions, any of which selects a row) and the
    pointers to clear (table, column, condition)."""

    deletes: dict[Table, list[ColumnElement]] = field(default_factory=lambda: defaultdict(list))
    clears: list[tuple[Table, str, ColumnElement]] = field(default_factory=list)


def _follow_foreign_keys(plan: RowPlan) -> None:
    """Add to `plan` every row that hangs off a row it already deletes, at any depth.

    Tables are visited parents first (metadata.sorted_tables), so when a table's turn
    comes every way of reaching it has been recorded: a row pointing at a deleted row
    is deleted too (ON DELETE CASCADE, or no rule: it cannot outlive its parent), and a
    pointer marked ON DELETE SET NULL is cleared instead.
    """
    tables = db.metadata.sorted_tables
    for parent in tables:
        if not plan.deletes.get(parent):
            continue
        where = or_(*plan.deletes[parent])
        for table in tables:
            for foreign_key in table.foreign_keys:
                if foreign_key.column.table is not parent:
                    continue
                column = foreign_key.parent
                owned = column.in_(select(foreign_key.column).where(where))
                if (foreign_key.ondelete or "").upper() == "SET NULL":
                    plan.clears.append((table, column.name, owned))
                else:
                    plan.deletes[table].append(owned)


def _own_accounts(child_id: int) -> list[int]:
    """The young person's own logins that exist only for this child's wiki: no other
    membership, not staff, not a champion or site administrator."""
    elsewhere = aliased(Membership)
    other = (
        select(elsewhere.id)
        .where(elsewhere.user_id == User.id, elsewhere.child_id != child_id)
        .correlate(User)
    )
    return list(
        db.session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.child_id == child_id,
                Membership.role == "young_person",
                User.staff_role.is_(None),
                User.is_champion.is_(False),
                User.is_site_admin.is_(False),
                ~other.exists(),
            )
        )
    )


def plan_rows(child_id: int) -> RowPlan:
    """Every row about the child: the child, rows naming it in a child_id column (with
    or without a foreign key), the young person's own login, and all that hangs off
    them."""
    plan = RowPlan()
    child_table: Table = Child.__table__
    plan.deletes[child_table].append(child_table.c.id == child_id)
    for table in db.metadata.sorted_tables:
        if table is not child_table and "child_id" in table.c:
            plan.deletes[table].append(table.c.child_id == child_id)
    accounts = _own_accounts(child_id)
    if accounts:
        users: Table = User.__table__
        plan.deletes[users].append(users.c.id.in_(accounts))
    _follow_foreign_keys(plan)
    return plan


# ---- the erasure ------------------------------------------------------------------


@dataclass
class ErasureReport:
    child_id: int
    objects_deleted: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)


def _stored_objects(child_id: int) -> list[tuple[str, str]]:
    """(backend, key) of every stored file about the child: every generation of their
    media, and their scanned paper forms (the upload and each page's picture)."""
    media = db.session.execute(
        select(MediaFile.backend, MediaFile.key)
        .join(MediaItem, MediaItem.id == MediaFile.item_id)
        .where(MediaItem.child_id == child_id)
        .order_by(MediaFile.id)
    )
    return [(backend, key) for backend, key in media] + stored_scan_files(child_id)


def _delete_objects(objects, storages: Mapping[str, Storage], done: set[str]) -> int:
    missing = sorted({backend for backend, _ in objects if backend not in storages})
    if missing:
        raise ErasureError(
            f"files are recorded in storage {', '.join(missing)!s}, which is not configured; "
            "nothing was erased"
        )
    count = 0
    for backend, key in objects:
        if key in done:
            continue
        storages[backend].delete(key)  # a missing object is not an error
        done.add(key)
        count += 1
    return count


def _lock_child(child_id: int) -> bool:
    """Hold the child row until commit, so no upload or edit can add to it meanwhile
    (PostgreSQL: FOR UPDATE blocks inserts that reference it; SQLite: the write lock)."""
    child_table: Table = Child.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(child_table).where(child_table.c.id == child_id).values(slug=child_table.c.slug)
        )
    found = db.session.execute(
        select(child_table.c.id).where(child_table.c.id == child_id).with_for_update()
    ).first()
    return found is not None


def _still_due(child_id: int, due_by: datetime) -> bool:
    return (
        db.session.scalar(
            select(ErasureRequest.id).where(
                ErasureRequest.child_id == child_id, ErasureRequest.erase_after <= due_by
            )
        )
        is not None
    )


def erase_child(
    child_id: int,
    storage: Storage | Mapping[str, Storage],
    *,
    due_by: datetime | None = None,
) -> ErasureReport | None:
    """Delete every stored file of the child's media, then every database row about the
    child, the child's row last; commit. `storage` is the app's store, or a mapping of
    backend name to store when files live in more than one. With `due_by`, only erase
    if an erasure request is still waiting that fell due by then (else return None).

    Files go first, without holding locks (there may be many): if the database step
    then fails, running this again finishes the job. The database step locks the child,
    deletes any file added since, and removes the rows in one transaction.
    """
    storages = {storage.name: storage} if hasattr(storage, "delete") else dict(storage)
    report = ErasureReport(child_id=child_id)
    done: set[str] = set()
    db.session.rollback()  # start clean: the erasure is its own transaction
    if due_by is not None and not _still_due(child_id, due_by):
        return None
    report.objects_deleted += _delete_objects(_stored_objects(child_id), storages, done)
    db.session.rollback()
    try:
        if not _lock_child(child_id) or (due_by is not None and not _still_due(child_id, due_by)):
            db.session.rollback()
            return None if due_by is not None else report
        report.objects_deleted += _delete_objects(_stored_objects(child_id), storages, done)
        plan = plan_rows(child_id)
        for table, column, condition in plan.clears:
            db.session.execute(update(table).where(condition).values({column: None}))
        # Children before parents, so each condition still finds the rows it names.
        for table in reversed(db.metadata.sorted_tables):
            conditions = plan.deletes.get(table)
            if conditions:
                result = db.session.execute(delete(table).where(or_(*conditions)))
                if result.rowcount:
                    report.rows_deleted[table.name] = result.rowcount
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire_all()
    return report


def erase_due(
    storage: Storage | Mapping[str, Storage], *, now: datetime | None = None
) -> list[ErasureReport]:
    """Erase every child whose grace period is over; return a report for each. A request
    cancelled meanwhile is skipped, even if it was listed as due a moment ago."""
    now = now or utcnow()
    child_ids = [found.child_id for found in due_requests(now)]
    reports = []
    for child_id in child_ids:
        report = erase_child(child_id, storage, due_by=now)
        if report is not None:
            reports.append(report)
    return reports
