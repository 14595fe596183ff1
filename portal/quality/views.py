"""Plan quality audits: administrators draw rounds and read the report (`/admin/quality`);
auditors grade the plans given to them (`/quality/`).

Anyone else gets 404, as does an auditor asking for a review that is not theirs.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from portal.access import auditor_or_404, council_admin_or_404
from portal.audit import record
from portal.quality import drawing, reviewing
from portal.quality.forms import DrawForm, posted_values, review_form
from portal.quality.models import DOMAINS, GRADES, NOT_APPLICABLE_LABEL, REVIEW_STATUSES
from portal.quality.plan_view import plan_context
from portal.quality.report import council_report

admin_bp = Blueprint("quality_admin", __name__, url_prefix="/admin/quality")
bp = Blueprint("quality", __name__, url_prefix="/quality")

GRADE_NAMES = {**GRADES, "not_applicable": NOT_APPLICABLE_LABEL}


# Administrators ----------------------------------------------------------------------------


def _auditor_choices(council_id: int) -> list[SelectChoice]:
    return [SelectChoice(person.id, person.name) for person in drawing.council_auditors(council_id)]


def _rounds_page(council_id: int, form: DrawForm, *, error: str | None = None, status=200):
    return render_template(
        "quality/rounds.html", form=form, error=error, rounds=drawing.council_rounds(council_id)
    ), status


@admin_bp.get("")
@login_required
def rounds():
    """The council's rounds and the form to draw the next one (every auditor ticked)."""
    council_id = council_admin_or_404(current_user)
    choices = _auditor_choices(council_id)
    form = DrawForm(
        formdata=None,
        month=drawing.previous_month(date.today()),
        auditors=[choice.value for choice in choices],
    )
    form.auditors.choices = choices
    return _rounds_page(council_id, form)


@admin_bp.post("")
@login_required
def draw():
    council_id = council_admin_or_404(current_user)
    form = DrawForm()
    form.auditors.choices = _auditor_choices(council_id)
    if not form.validate():
        return _rounds_page(council_id, form, status=400)
    try:
        audit_round = drawing.draw_round(
            council_id,
            month=form.month.data,
            size=form.size.data,
            seed=form.seed_number,
            auditor_ids=form.auditors.data or [],
            by=current_user,
        )
    except drawing.DrawRefused as refused:
        return _rounds_page(council_id, form, error=str(refused), status=400)
    flash(f"Drew the audit round for {drawing.month_name(audit_round.month)}.", "success")
    return redirect(url_for(".round_page", round_id=audit_round.id), code=303)


@admin_bp.get("/<int:round_id>")
@login_required
def round_page(round_id: int):
    """Each sampled plan, its two auditors and how far each has got."""
    council_id = council_admin_or_404(current_user)
    audit_round = drawing.council_round(council_id, round_id)
    if audit_round is None:
        abort(404)
    samples = drawing.round_samples(audit_round)
    reviews = [review for row in samples for review in row.reviews]
    return render_template(
        "quality/round.html",
        audit_round=audit_round,
        month_name=drawing.month_name(audit_round.month),
        samples=samples,
        reviews=len(reviews),
        submitted=sum(review.submitted_at is not None for review in reviews),
        statuses=REVIEW_STATUSES,
    )


@admin_bp.get("/report")
@login_required
def report():
    council_id = council_admin_or_404(current_user)
    return render_template("quality/report.html", report=council_report(council_id), grades=GRADES)


# Auditors ----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def my_reviews():
    """The plans given to this auditor to grade."""
    auditor_or_404(current_user)
    return render_template(
        "quality/reviews.html",
        assigned=reviewing.assigned_reviews(current_user),
        statuses=REVIEW_STATUSES,
        month_name=drawing.month_name,
    )


def _assigned_or_404(review_id: int) -> reviewing.AssignedReview:
    auditor_or_404(current_user)
    found = reviewing.assigned_review(current_user, review_id)
    if found is None:
        abort(404)
    return found


@bp.get("/reviews/<int:review_id>")
@login_required
def review(review_id: int):
    """The sampled plan version, read-only, beside the grading form."""
    assigned = _assigned_or_404(review_id)
    page = _review_page(assigned, posted=False)
    version = page["version"]
    record(
        current_user,
        assigned.child,
        "viewed",
        "plan",
        target_id=version.plan_id,
        label=f"{assigned.version_label}, for the council's quality audit",
    )
    return render_template("quality/review.html", **page)


@bp.post("/reviews/<int:review_id>")
@login_required
def save_review(review_id: int):
    assigned = _assigned_or_404(review_id)
    page = _review_page(assigned, posted=True)
    form, submit = page["form"], page["submitting"]
    if form.validate():
        grades = posted_values(form)
        try:
            reviewing.save_review(
                assigned.review, grades, submit=submit, pfa_graded=page["pfa_graded"]
            )
        except reviewing.ReviewRefused as refused:
            page["error"] = str(refused)
            page["problems"] = reviewing.submission_problems(grades) if submit else {}
        else:
            flash("Review submitted. Thank you." if submit else "Draft saved.", "success")
            return redirect(url_for(".review", review_id=review_id), code=303)
    return render_template("quality/review.html", **page), 400


def _review_page(assigned: reviewing.AssignedReview, *, posted: bool) -> dict:
    """Everything the review page shows; the form holds what was posted, else what was
    saved, else (a fresh review) what the automatic checks found."""
    review = assigned.review
    version = reviewing.audited_version(review)
    content = reviewing.content_of(version)
    issued = reviewing.issued_on(assigned, version)
    age = assigned.child.age_on(issued)
    pfa_graded = reviewing.pfa_applies(age)
    findings = reviewing.findings_by_domain(content, age=age)
    saved = reviewing.grades_of(review)
    if posted:
        form = review_form(pfa_graded=pfa_graded)
    else:
        values = reviewing.form_values(review, saved, findings)
        form = review_form(pfa_graded=pfa_graded, formdata=None, values=values)
    return dict(
        assigned=assigned,
        review=review,
        version=version,
        issued=issued,
        month_name=drawing.month_name(assigned.month),
        form=form,
        submitting=posted and request.form.get("action") == "submit",
        pfa_graded=pfa_graded,
        findings=findings,
        saved=saved,
        domains=DOMAINS,
        grade_names=GRADE_NAMES,
        error=None,
        problems={},
        **plan_context(assigned.child, content, findings),
    )
