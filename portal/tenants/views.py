"""`/site/`: the service's own administrators add councils (tenants) and each
council's first SEND administrator. They see no child's data."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from portal.access import site_admin_or_404
from portal.accounts.models import Council
from portal.accounts.reset import request_password_reset
from portal.admin.service import StaffRefused, create_staff
from portal.extensions import db
from portal.families.models import Child

bp = Blueprint("tenants", __name__, url_prefix="/site")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def _councils():
    return db.session.execute(
        select(Council, func.count(Child.id))
        .outerjoin(Child, Child.council_id == Council.id)
        .group_by(Council.id)
        .order_by(Council.name)
    ).all()


@bp.get("/")
@login_required
def councils():
    site_admin_or_404(current_user)
    return render_template("tenants/councils.html", councils=_councils(), typed={})


@bp.post("/")
@login_required
def add_council():
    site_admin_or_404(current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {
        k: (request.form.get(k) or "").strip()
        for k in ("name", "slug", "admin_name", "admin_email")
    }
    problem = None
    if not typed["name"] or not SLUG.match(typed["slug"]):
        problem = (
            "Give the council a name and a short address (lower-case letters, digits, dashes)."
        )
    elif db.session.scalar(select(Council.id).where(Council.slug == typed["slug"])) is not None:
        problem = "That short address is taken."
    if problem is None:
        council = Council(name=typed["name"][:200], slug=typed["slug"])
        db.session.add(council)
        db.session.flush()
        try:
            admin = create_staff(
                council.id,
                name=typed["admin_name"],
                email=typed["admin_email"],
                role="administrator",
            )
        except StaffRefused as refused:
            db.session.rollback()
            problem = str(refused)
    if problem:
        flash(problem, "error")
        return render_template("tenants/councils.html", councils=_councils(), typed=typed), 400
    request_password_reset(admin.email)
    flash(
        f"{council.name} is added. We emailed {admin.name} a link to choose a password.", "success"
    )
    return redirect(url_for("tenants.councils"), code=303)
