"""Family actions as plain functions: children, memberships, what a person can see."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.access import FAMILY_EDITORS
from portal.accounts.models import Council, User
from portal.extensions import db
from portal.families.models import MEMBER_ROLES, Child, Membership

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def create_child(
    council: Council,
    *,
    name: str,
    slug: str,
    preferred_name: str | None = None,
    date_of_birth: date | None = None,
) -> Child:
    """Add a child to a council; the slug becomes the wiki's address."""
    if not SLUG_PATTERN.match(slug):
        raise ValueError(f"{slug!r} is not a usable web address")
    child = Child(
        council_id=council.id,
        name=name,
        slug=slug,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
    )
    db.session.add(child)
    db.session.flush()
    return child


def add_member(child: Child, user: User, role: str, *, granted_by: User | None) -> Membership:
    """Let a person into a child's wiki with a role, recording who let them in."""
    if role not in MEMBER_ROLES:
        raise ValueError(f"unknown role {role!r}")
    membership = Membership(
        child_id=child.id,
        user_id=user.id,
        role=role,
        granted_by_id=granted_by.id if granted_by else None,
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def memberships_for(user: User) -> list[Membership]:
    """Every child the user belongs to, with the child loaded, in one query."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Child, Child.id == Membership.child_id)
            .options(contains_eager(Membership.child))
            .where(Membership.user_id == user.id)
            .order_by(Child.name)
        )
    )


def editors_with_email(child_id: int) -> list[User]:
    """The family members who edit the child's pages and can be emailed: those told of a
    reply to a message, a new key worker or a paper form to check."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.child_id == child_id,
                Membership.role.in_(FAMILY_EDITORS),
                User.active.is_(True),
                User.email.is_not(None),
            )
            .order_by(User.id)
        )
    )
