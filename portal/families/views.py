"""The list of a person's children and each child's home page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from portal.access import child_or_404, membership_of
from portal.families.service import memberships_for

bp = Blueprint("families", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("families/home.html", memberships=memberships_for(current_user))


@bp.get("/c/<child>/")
@login_required
def child_home(child: str):
    found = child_or_404(current_user, child)
    return render_template(
        "families/child_home.html",
        child=found,
        membership=membership_of(current_user, found),
        age=found.age_on(date.today()),
    )
