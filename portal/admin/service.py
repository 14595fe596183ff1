"""Council staff tools as plain functions: who is assigned to which child."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.families.models import Child, Membership


def council_children(council_id: int) -> list[Child]:
    return list(
        db.session.scalars(select(Child).where(Child.council_id == council_id).order_by(Child.name))
    )


def council_caseworkers(council_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.council_id == council_id, User.staff_role == "caseworker", User.active)
            .order_by(User.name)
        )
    )


def assignments(council_id: int) -> dict[int, list[User]]:
    """Each child's assigned caseworkers, by child id."""
    rows = db.session.execute(
        select(Membership.child_id, User)
        .join(User, User.id == Membership.user_id)
        .join(Child, Child.id == Membership.child_id)
        .where(Child.council_id == council_id, Membership.role == "caseworker")
    ).all()
    found: dict[int, list[User]] = {}
    for child_id, user in rows:
        found.setdefault(child_id, []).append(user)
    return found


class AssignmentRefused(Exception):
    pass


def assign(council_id: int, child_id: int, caseworker_id: int, *, by: User) -> tuple[Child, User]:
    """Let a caseworker of this council into a child's wiki (as the plan team)."""
    child = db.session.get(Child, child_id)
    caseworker = db.session.get(User, caseworker_id)
    if child is None or child.council_id != council_id:
        raise AssignmentRefused("That child is not in your council.")
    if (
        caseworker is None
        or caseworker.council_id != council_id
        or caseworker.staff_role != "caseworker"
    ):
        raise AssignmentRefused("Choose a caseworker from your council.")
    if add_to_plan_team(child, caseworker, by=by):
        db.session.commit()
    return child, caseworker


def add_to_plan_team(child: Child, caseworker: User, *, by: User) -> bool:
    """Give a caseworker a caseworker membership of the child unless they have one
    already; True when added (not committed)."""
    existing = db.session.scalars(
        select(Membership).where(
            Membership.child_id == child.id, Membership.user_id == caseworker.id
        )
    ).first()
    if existing is not None:
        return False
    db.session.add(
        Membership(child_id=child.id, user_id=caseworker.id, role="caseworker", granted_by_id=by.id)
    )
    return True


def unassign(council_id: int, child_id: int, caseworker_id: int) -> tuple[Child, User] | None:
    membership = db.session.scalars(
        select(Membership)
        .join(Child, Child.id == Membership.child_id)
        .where(
            Membership.child_id == child_id,
            Membership.user_id == caseworker_id,
            Membership.role == "caseworker",
            Child.council_id == council_id,
        )
    ).first()
    if membership is None:
        return None
    pair = (membership.child, membership.user)
    db.session.delete(membership)
    db.session.commit()
    return pair


def council_staff(council_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.council_id == council_id, User.staff_role.is_not(None))
            .order_by(User.name)
        )
    )


class StaffRefused(Exception):
    """A staff account that cannot be made; str() says why."""


def create_staff(council_id: int, *, name: str, email: str, role: str) -> User:
    """A staff account with an unguessable password nobody knows: the person sets
    their own through the emailed link (and two-step login at first use)."""
    import secrets

    from portal.accounts.models import STAFF_ROLES, lower_or_none
    from portal.accounts.service import create_user

    email = lower_or_none((email or "").strip())
    name = (name or "").replace("\x00", "").strip()[:200]
    if role not in STAFF_ROLES:
        raise StaffRefused("Choose what they do: caseworker, administrator or auditor.")
    if not name or not email or "@" not in email:
        raise StaffRefused("Give their name and work email address.")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise StaffRefused("There is already an account with that email address.")
    user = create_user(
        name=name,
        email=email,
        password=secrets.token_urlsafe(24),
        staff_role=role,
        council_id=council_id,
    )
    db.session.commit()
    return user
