"""The list of a person's children and each child's home page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from portal import audit
from portal.access import (
    EDIT_WIKI,
    MANAGE_PEOPLE,
    MESSAGE_KEY_WORKER,
    OWN_DATA,
    VIEW_ACTIVITY,
    VIEW_PLAN,
    can,
    child_or_404,
    membership_of,
    visible_visibilities,
    young_person_decides,
)
from portal.contact.service import key_worker_card
from portal.dbtypes import utcnow
from portal.families.models import FAMILY_ROLES
from portal.families.service import memberships_for
from portal.scans.notices import forms_for_home_page
from wiki.service import list_pages
from wiki.starters import STARTERS

bp = Blueprint("families", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("families/home.html", memberships=memberships_for(current_user))


@bp.get("/c/<child>/")
@login_required
def child_home(child: str):
    found = child_or_404(current_user, child)
    visibilities = visible_visibilities(current_user, found)
    pages = list_pages(found.id, visibilities)
    started = {page.slug for page in pages}
    # Starters show only to the family, until someone writes them.
    starters = [s for s in STARTERS if s.slug not in started] if "family" in visibilities else []
    audit.record(current_user, found, "viewed", "child")
    membership = membership_of(current_user, found)
    return render_template(
        "families/child_home.html",
        child=found,
        membership=membership,
        key_worker=key_worker_card(found, utcnow()),
        can_message=can(current_user, MESSAGE_KEY_WORKER, found),
        show_change=membership.role in FAMILY_ROLES,
        age=found.age_on(date.today()),
        pages=pages,
        starters=starters,
        can_edit=can(current_user, EDIT_WIKI, found),
        can_manage_people=can(current_user, MANAGE_PEOPLE, found),
        can_see_activity=can(current_user, VIEW_ACTIVITY, found),
        can_own_data=can(current_user, OWN_DATA, found),
        can_see_plan=can(current_user, VIEW_PLAN, found),
        young_person_decides=young_person_decides(found),
        paper_forms=forms_for_home_page(current_user, found),
    )
