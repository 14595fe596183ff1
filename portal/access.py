"""The one access policy. Every route asks it; no view checks roles by hand.

A person without access to a child gets 404, never 403, so a URL does not
reveal that a child exists.
"""

from __future__ import annotations

from datetime import date

from flask import abort, g, has_app_context
from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, select

from portal.accounts.models import User
from portal.extensions import db
from portal.families.models import Child, Membership

VIEW_CHILD = "view_child"
EDIT_WIKI = "edit_wiki"
CHANGE_VISIBILITY = "change_visibility"
MANAGE_PEOPLE = "manage_people"  # invite, remove, young people's logins
ADD_MEDIA = "add_media"  # the family, and the plan team (advice, uploads for the family)
VIEW_ACTIVITY = "view_activity"  # the audit trail of this child's data
OWN_DATA = "own_data"  # download everything, or ask for everything to be erased
VIEW_PLAN = "view_plan"  # the family sees issued versions; the caseworker every version
WRITE_PLAN = "write_plan"  # the caseworker drafts and issues the EHC plan
REVIEW_PLAN = "review_plan"  # comment on an issued plan, suggest wording
CHECK_PAPER_FORMS = "check_paper_forms"  # confirm a paper form staff typed up is right
# Read and send messages to the key worker. Least privilege: family members who may only
# view the wiki do not read the family's letters with the council; the plan team's staff
# answer from their own inbox (portal.contact), not as members.
MESSAGE_KEY_WORKER = "message_key_worker"

FAMILY_EDITORS = frozenset({"parent", "young_person", "family_editor"})
FAMILY = FAMILY_EDITORS | {"family_viewer"}
PLAN_TEAM = frozenset({"professional", "caseworker"})
PLAN_WRITERS = frozenset({"caseworker"})

# Which membership roles may do each action on a child.
ROLES_FOR_ACTION: dict[str, frozenset[str]] = {
    VIEW_CHILD: FAMILY | PLAN_TEAM,
    EDIT_WIKI: FAMILY_EDITORS,
    CHANGE_VISIBILITY: FAMILY_EDITORS,
    ADD_MEDIA: FAMILY_EDITORS | PLAN_TEAM,
    MANAGE_PEOPLE: frozenset({"parent"}),
    VIEW_ACTIVITY: FAMILY,
    OWN_DATA: frozenset({"parent"}),
    # Least sharing: invited professionals are not shown the plan here; the council
    # sends the final plan to the school itself.
    VIEW_PLAN: FAMILY | PLAN_WRITERS,
    WRITE_PLAN: PLAN_WRITERS,
    REVIEW_PLAN: FAMILY_EDITORS,
    CHECK_PAPER_FORMS: FAMILY_EDITORS,
    MESSAGE_KEY_WORKER: FAMILY_EDITORS,
}


# Built once: asked on every request under /c/<child>/. The first two columns are the
# child and the user's membership (None for a non-member). A caller that needs more rows
# for the same request may add outer-joined columns and run it through child_row_or_404,
# saving a round trip; joining them with member_join keeps those columns empty for a
# non-member, so the database never hands their data to this request.
CHILD_WITH_MEMBERSHIP = (
    select(Child, Membership)
    .outerjoin(
        Membership,
        (Membership.child_id == Child.id) & (Membership.user_id == bindparam("user_id")),
    )
    .where(Child.slug == bindparam("child_slug"))
)


def member_join(child_id: ColumnElement, *conditions: ColumnElement) -> ColumnElement:
    """The ON clause for a table joined to CHILD_WITH_MEMBERSHIP by its child id column:
    its rows come back only when the user is a member of that child."""
    return and_(child_id == Child.id, Membership.id.is_not(None), *conditions)


def membership_of(user: User, child: Child) -> Membership | None:
    """The user's membership of the child's wiki, if any (asked once per request)."""
    cache = g.setdefault("_memberships", {}) if has_app_context() else {}
    key = (user.id, child.id)
    if key not in cache:
        cache[key] = db.session.scalars(
            select(Membership).where(Membership.child_id == child.id, Membership.user_id == user.id)
        ).first()
    return cache[key]


def can(user: User | None, action: str, target: Child) -> bool:
    """Whether the user may do `action` to `target`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action not in ROLES_FOR_ACTION:
        raise ValueError(f"unknown action {action!r}")
    membership = membership_of(user, target)
    if membership is None:
        return False
    # Staff never cross councils, even if a membership row says otherwise.
    if user.is_staff and user.council_id != target.council_id:
        return False
    if (
        action == CHANGE_VISIBILITY
        and membership.role != "young_person"
        and young_person_decides(target)
    ):
        return False
    return membership.role in ROLES_FOR_ACTION[action]


CONSENT_AGE = 16


def young_person_decides(child: Child) -> bool:
    """From 16, a young person with their own login decides what the plan team sees;
    their parents are told, and can no longer change it."""
    age = child.age_on(date.today())
    if age is None or age < CONSENT_AGE:
        return False  # no query at all for younger children: most page views
    cache = g.setdefault("_young_person_decides", {}) if has_app_context() else {}
    if child.id not in cache:
        cache[child.id] = (
            db.session.scalar(
                select(Membership.id).where(
                    Membership.child_id == child.id, Membership.role == "young_person"
                )
            )
            is not None
        )
    return cache[child.id]


def visible_visibilities(user: User | None, child: Child) -> frozenset[str]:
    """Which page visibilities the user may see in the child's wiki: the family sees
    everything; the plan team only what the family shared with it."""
    if not can(user, VIEW_CHILD, child):
        return frozenset()
    membership = membership_of(user, child)
    return frozenset({"family", "team"}) if membership.role in FAMILY else frozenset({"team"})


def require(user: User | None, action: str, target: Child) -> None:
    """Abort with 404 unless the user may do `action` to `target`."""
    if not can(user, action, target):
        abort(404)


def child_or_404(user: User | None, slug: str, action: str = VIEW_CHILD) -> Child:
    """Load a child by URL slug and check access; 404 whether missing or forbidden."""
    return child_row_or_404(user, slug, action)[0]


def child_row_or_404(
    user: User | None,
    slug: str,
    action: str = VIEW_CHILD,
    statement: Select = CHILD_WITH_MEMBERSHIP,
    **params,
) -> Row:
    """Run `statement` (CHILD_WITH_MEMBERSHIP, perhaps with more columns) for the child
    with this slug and check access on its child and membership, as child_or_404 does;
    return the whole row. The access decision is this module's alone: the extra columns
    only save a round trip and are not looked at before the check has passed."""
    if user is None or not user.is_authenticated:
        abort(404)
    # One query for the child and the user's membership, which `can` then reads from g.
    row = db.session.execute(statement, {**params, "child_slug": slug, "user_id": user.id}).first()
    if row is None:
        abort(404)
    child, membership = row[0], row[1]
    if has_app_context():
        g.setdefault("_memberships", {})[(user.id, child.id)] = membership
    require(user, action, child)
    return row


def council_admin_or_404(user: User | None) -> int:
    """The council a SEND administrator runs; 404 for anyone else (staff tools are
    not advertised to people who cannot use them)."""
    return _council_staff_or_404(user, "administrator")


def auditor_or_404(user: User | None) -> int:
    """A quality auditor's council; 404 for anyone else. Which plans they may read is
    decided by their assignments (portal.quality.reviewing), never by membership."""
    return _council_staff_or_404(user, "auditor")


def _council_staff_or_404(user: User | None, role: str) -> int:
    if user is None or not user.is_authenticated or not user.is_active:
        abort(404)
    if user.staff_role != role or user.council_id is None:
        abort(404)
    return user.council_id


def champion_or_404(user: User | None) -> int:
    """A parent champion's council (their invitations start families there); 404 for
    anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        abort(404)
    if not user.is_champion or user.council_id is None:
        abort(404)
    return user.council_id


def site_admin_or_404(user: User | None) -> None:
    """The service's own administrators: councils, never any child's data."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_site_admin:
        abort(404)
