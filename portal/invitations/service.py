"""Invitations as plain functions: make, find, accept, revoke; young people's accounts."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from portal.accounts.models import Council, User, lower_or_none
from portal.accounts.passwords import WeakPassword, check_new_password, hash_password
from portal.accounts.service import create_user
from portal.accounts.sessions import end_all_login_sessions
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.families.service import create_child
from portal.invitations.models import MEMBER_INVITATION, NEW_FAMILY, Invitation

# Who a parent may invite, as what.
INVITABLE_ROLES = {
    "family_viewer": "Family member who can read",
    "family_editor": "Family member who can read and write",
    "professional": "Professional (sees only what you share with the plan team)",
}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvitationProblem(Exception):
    """An invitation that cannot be used; str() says why, calmly."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_email(email: str | None) -> str | None:
    email = lower_or_none((email or "").strip())
    if email and not EMAIL.match(email):
        raise InvitationProblem("That email address does not look right.")
    return email


def invite_member(
    child: Child, inviter: User, *, role: str, email: str | None, name: str, days: int
) -> tuple[Invitation, str]:
    """A link that lets one person into this child's wiki; returns it with its token."""
    if role not in INVITABLE_ROLES:
        raise InvitationProblem("Choose what the person may do.")
    return _make(
        kind=MEMBER_INVITATION,
        child_id=child.id,
        council_id=child.council_id,
        role=role,
        email=_clean_email(email),
        name=name,
        inviter=inviter,
        days=days,
    )


def invite_new_family(champion: User, *, email: str | None, name: str, days: int):
    """A champion's link: it creates a new family's account and child, nothing else."""
    if not champion.is_champion or champion.council_id is None:
        raise InvitationProblem("Only a parent champion of a council can invite new families.")
    return _make(
        kind=NEW_FAMILY,
        child_id=None,
        council_id=champion.council_id,
        role="parent",
        email=_clean_email(email),
        name=name,
        inviter=champion,
        days=days,
    )


def _make(*, kind, child_id, council_id, role, email, name, inviter, days):
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        kind=kind,
        child_id=child_id,
        council_id=council_id,
        role=role,
        email=email,
        invitee_name=(name or "").replace("\x00", "").strip()[:200],
        token_hash=_hash(token),
        invited_by_id=inviter.id,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, token


def find(token: str) -> Invitation:
    """The live invitation behind a link, or InvitationProblem saying what is wrong."""
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == _hash(token or ""))
    ).first()
    if invitation is None:
        raise InvitationProblem(
            "This invitation link is not right. Check you copied all of it, "
            "or ask the person who invited you to send a new one."
        )
    problem = {
        "accepted": "This invitation has already been used. If that was you, just log in.",
        "revoked": "This invitation was cancelled by the person who sent it. "
        "Ask them for a new one if you still need it.",
        "expired": "This invitation has run out (they last a week). "
        "Ask the person who invited you to send a new one.",
    }.get(invitation.status)
    if problem:
        raise InvitationProblem(problem)
    return invitation


def check_email_matches(invitation: Invitation, user: User) -> None:
    if invitation.email and (user.email or "").lower() != invitation.email:
        raise InvitationProblem(
            "This invitation was sent to a different email address. "
            "Log in with the account for that address, or ask for a new invitation."
        )


def accept(invitation: Invitation, user: User, *, child_name: str = "") -> Child:
    """Use the invitation for `user`: a membership, or for a new family a new child.
    Single use even when two people click at once: only one UPDATE can claim it."""
    check_email_matches(invitation, user)
    if invitation.kind == NEW_FAMILY and not (child_name or "").replace("\x00", "").strip():
        raise InvitationProblem("Please tell us your child's name.")
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InvitationProblem("This invitation has already been used.")
    if invitation.kind == NEW_FAMILY:
        child = _new_family_child(invitation, child_name)
        invitation.created_child_id = child.id
    else:
        child = db.session.get(Child, invitation.child_id)
    existing = db.session.scalars(
        select(Membership).where(Membership.child_id == child.id, Membership.user_id == user.id)
    ).first()
    if existing is None:
        db.session.add(
            Membership(
                child_id=child.id,
                user_id=user.id,
                role=invitation.role,
                granted_by_id=invitation.invited_by_id,
            )
        )
    db.session.commit()
    return child


def _new_family_child(invitation: Invitation, child_name: str) -> Child:
    name = (child_name or "").replace("\x00", "").strip()[:200]
    if not name:
        raise InvitationProblem("Please tell us your child's name.")
    council = db.session.get(Council, invitation.council_id)
    return create_child(council, name=name, slug=_free_slug(name))


def _free_slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "child"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        taken = db.session.scalar(select(Child.id).where(Child.slug == slug))
        if taken is None:
            return slug


def revoke(invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def pending_for_child(child: Child) -> list[Invitation]:
    """Invitations that can still be used (not accepted, cancelled or run out)."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.child_id == child.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


# How invitations read to families: never the stored code words.
ROLE_WORDS = {**INVITABLE_ROLES, "parent": "Parent or carer starting their child's About Me"}
STATUS_WORDS = {
    "waiting": "not used yet",
    "accepted": "accepted",
    "revoked": "cancelled",
    "expired": "ran out",
}


def join_with_new_account(
    invitation: Invitation, *, name: str, email: str | None, password: str, child_name: str = ""
) -> tuple[User, Child]:
    """Someone new: an account (bound to the invited email if there was one), then accept."""
    email = invitation.email or _clean_email(email)
    if not email:
        raise InvitationProblem("Please give your email address; you will log in with it.")
    if not (name or "").strip():
        raise InvitationProblem("Please tell us your name.")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvitationProblem(
            "There is already an account with that email address. Log in, then open the "
            "invitation link again."
        )
    try:
        user = create_user(name=name.strip()[:200], email=email, password=password)
    except WeakPassword as weak:
        db.session.rollback()
        raise InvitationProblem(str(weak)) from weak
    child = accept(invitation, user, child_name=child_name)
    return user, child


def create_young_person(
    child: Child, parent: User, *, name: str, username: str, password: str
) -> User:
    """A young person's own login: a username, no email needed."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvitationProblem(
            "Usernames are 3 to 30 letters or numbers (dots, dashes and underscores are fine)."
        )
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvitationProblem("That username is taken. Try adding a number.")
    try:
        user = create_user(
            name=(name or child.display_name).strip()[:200], username=username, password=password
        )
    except WeakPassword as weak:
        db.session.rollback()
        raise InvitationProblem(str(weak)) from weak
    db.session.add(
        Membership(child_id=child.id, user_id=user.id, role="young_person", granted_by_id=parent.id)
    )
    db.session.commit()
    return user


def set_young_person_password(membership: Membership, password: str) -> None:
    """A parent sets a new password for their young person; every old login ends."""
    user = membership.user
    try:
        check_new_password(password, avoid=(user.username, user.email))
    except WeakPassword as weak:
        raise InvitationProblem(str(weak)) from weak
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_login_sessions(user)
    db.session.commit()
