""" "Did you feel included?": one answer per family member per issued plan version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.contact.models import FEELINGS, PlanFeeling
from portal.extensions import db
from portal.families.models import Child
from portal.plans.models import PlanVersion
from portal.plans.service import get_plan, get_version

COMMENT_LENGTH = 2_000


class FeelingRefused(Exception):
    pass


def answer_of(plan_id: int, version_number: int, user_id: int) -> PlanFeeling | None:
    return db.session.scalars(
        select(PlanFeeling).where(
            PlanFeeling.plan_id == plan_id,
            PlanFeeling.version_number == version_number,
            PlanFeeling.user_id == user_id,
        )
    ).first()


def issued_version(child: Child, number: int | None) -> PlanVersion:
    plan = get_plan(child.id)
    version = get_version(plan, number) if plan is not None and number else None
    if version is None or version.label is None:
        raise FeelingRefused("That version of the plan was not issued to the family.")
    return version


def record_answer(
    child: Child, user, version_number: int | None, answer: str, comment: str, *, now: datetime
) -> PlanVersion:
    """Keep the person's answer for an issued version, once. Commits."""
    version = issued_version(child, version_number)
    if answer not in FEELINGS:
        raise FeelingRefused("Choose Yes, Partly or No.")
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_LENGTH:
        raise FeelingRefused("Keep your comment under 2,000 characters.")
    if answer_of(version.plan_id, version.number, user.id) is not None:
        raise FeelingRefused(f"You have already answered for {version.label}. Thank you.")
    db.session.add(
        PlanFeeling(
            plan_id=version.plan_id,
            version_number=version.number,
            user_id=user.id,
            answer=answer,
            comment=comment,
            created_at=now,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same answer sent twice at once
        db.session.rollback()
        raise FeelingRefused(f"You have already answered for {version.label}. Thank you.") from None
    return version
