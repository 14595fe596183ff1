"""`/admin/`: a SEND administrator's tools for their own council."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal import audit
from portal.access import council_admin_or_404
from portal.accounts.models import User
from portal.accounts.reset import request_password_reset
from portal.accounts.two_factor import reset_two_factor
from portal.activity.service import council_trail
from portal.admin import service
from portal.admin.caseload import STAGES, caseload
from portal.contact.service import key_workers_in_council, lead_worker_candidates
from portal.extensions import db
from portal.plans.timeline import describe_days

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required
def index():
    """The caseload dashboard: every child in the council, overdue first."""
    council_id = council_admin_or_404(current_user)
    caseworker_id = request.args.get("caseworker", type=int)
    stage = request.args.get("stage") or None
    return render_template(
        "admin/index.html",
        load=caseload(
            council_id,
            today=date.today(),
            caseworker_id=caseworker_id,
            stage=stage,
            page=request.args.get("page", 1, type=int),
        ),
        caseworkers=service.council_caseworkers(council_id),
        stages=STAGES,
        chosen_caseworker=caseworker_id,
        chosen_stage=stage,
        describe_days=describe_days,
    )


@bp.get("/assignments")
@login_required
def assignments():
    council_id = council_admin_or_404(current_user)
    return render_template(
        "admin/assignments.html",
        children=service.council_children(council_id),
        caseworkers=service.council_caseworkers(council_id),
        assigned=service.assignments(council_id),
        key_workers=key_workers_in_council(council_id),
        lead_workers=lead_worker_candidates(council_id),
    )


@bp.post("/assignments")
@login_required
def change_assignment():
    council_id = council_admin_or_404(current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    child_id = request.form.get("child", type=int)
    caseworker_id = request.form.get("caseworker", type=int)
    if child_id is None or caseworker_id is None:
        flash("Choose a child and a caseworker.", "error")
        return redirect(url_for("admin.assignments"), code=303)
    if request.form.get("action") == "remove":
        pair = service.unassign(council_id, child_id, caseworker_id)
        if pair:
            audit.record(
                current_user,
                pair[0],
                "deleted",
                "member",
                label=f"removed {pair[1].name} as caseworker",
            )
            flash(f"{pair[1].name} is no longer assigned to {pair[0].name}.", "success")
        return redirect(url_for("admin.assignments"), code=303)
    try:
        child, caseworker = service.assign(council_id, child_id, caseworker_id, by=current_user)
    except service.AssignmentRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("admin.assignments"), code=303)
    audit.record(
        current_user, child, "created", "member", label=f"assigned {caseworker.name} as caseworker"
    )
    flash(f"{caseworker.name} is now assigned to {child.name}.", "success")
    return redirect(url_for("admin.assignments"), code=303)


@bp.get("/audit")
@login_required
def council_audit():
    council_id = council_admin_or_404(current_user)
    text = (request.args.get("q") or "").strip()[:100]
    page = max(request.args.get("p", 1, type=int) or 1, 1)
    rows, has_more = council_trail(council_id, text=text, page=page)
    return render_template(
        "admin/audit.html", rows=rows, query=text, page_number=page, has_more=has_more
    )


@bp.get("/staff")
@login_required
def staff():
    council_id = council_admin_or_404(current_user)
    return render_template("admin/staff.html", staff=service.council_staff(council_id), typed={})


@bp.post("/staff")
@login_required
def add_staff():
    council_id = council_admin_or_404(current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {key: request.form.get(key, "") for key in ("name", "email", "role")}
    try:
        person = service.create_staff(council_id, **typed)
    except service.StaffRefused as refused:
        flash(str(refused), "error")
        return render_template(
            "admin/staff.html", staff=service.council_staff(council_id), typed=typed
        ), 400
    request_password_reset(person.email)
    flash(f"{person.name} can now log in: we emailed them a link to choose a password.", "success")
    return redirect(url_for("admin.staff"), code=303)


@bp.post("/staff/<int:user_id>/reset-two-step")
@login_required
def reset_staff_two_step(user_id: int):
    council_id = council_admin_or_404(current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    person = db.session.get(User, user_id)
    if person is None or person.council_id != council_id or not person.is_staff:
        abort(404)
    reset_two_factor(person)
    flash(
        f"{person.name} will set up two-step login again next time they log in. "
        "They have been logged out everywhere.",
        "success",
    )
    return redirect(url_for("admin.staff"), code=303)
