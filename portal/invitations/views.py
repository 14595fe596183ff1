"""People in a child's wiki (`/c/<child>/people`), invitation links (`/invite/<token>`)
and the parent champion's page (`/champion/`)."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit
from portal.access import MANAGE_PEOPLE, champion_or_404, child_or_404
from portal.accounts.sessions import begin_login
from portal.extensions import db, limiter
from portal.families.models import Membership
from portal.invitations import service
from portal.invitations.forms import (
    InviteForm,
    JoinForm,
    NewFamilyForm,
    NewPasswordForm,
    YoungPersonForm,
)
from portal.invitations.models import NEW_FAMILY, Invitation
from portal.invitations.progress import onboarding_progress
from portal.mail import link_base, send_mail

bp = Blueprint("people", __name__)


@bp.context_processor
def invitation_words() -> dict:
    return {"role_words": service.ROLE_WORDS, "status_words": service.STATUS_WORDS}


INVITE_LIMIT = "30 per hour"


def _days() -> int:
    return int(current_app.config["INVITATION_DAYS"])


# --- a child's people -------------------------------------------------------------------


@bp.get("/c/<child>/people")
@login_required
def people(child: str):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    return _render_people(found)


def _render_people(found, *, invite_form=None, young_form=None, error=None, status=200):
    members = db.session.scalars(
        select(Membership)
        .where(Membership.child_id == found.id)
        .options(selectinload(Membership.user))  # every card shows its person
        .order_by(Membership.id)
    ).all()
    return render_template(
        "invitations/people.html",
        child=found,
        members=members,
        pending=service.pending_for_child(found),
        invite_form=invite_form or InviteForm(formdata=None),
        young_form=young_form or YoungPersonForm(formdata=None),
        error=error,
    ), status


@bp.post("/c/<child>/people/invite")
@login_required
@limiter.limit(INVITE_LIMIT)
def invite(child: str):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_people(found, invite_form=form, status=400)
    try:
        invitation, token = service.invite_member(
            found,
            current_user,
            role=form.role.data,
            email=form.email.data,
            name=form.name.data or "",
            days=_days(),
        )
    except service.InvitationProblem as problem:
        return _render_people(found, invite_form=form, error=str(problem), status=400)
    audit.record(
        current_user,
        found,
        "created",
        "member",
        label=f"invited {invitation.invitee_name or invitation.email or 'someone'}",
    )
    return _show_new_invitation(invitation, token, child_name=found.display_name)


def _show_new_invitation(invitation: Invitation, token: str, *, child_name: str):
    # Never from the Host header in production (portal.mail.link_base says why).
    base = link_base() or ""
    link = base + url_for("people.open_invitation", token=token)
    if invitation.email:
        send_mail(
            invitation.email,
            f"{current_user.name} invited you to Golden Thread",
            render_template(
                "invitations/email.txt",
                inviter=current_user.name,
                child_name=child_name,
                invitation=invitation,
                link=link,
                days=_days(),
            ),
        )
    return render_template(
        "invitations/created.html",
        invitation=invitation,
        link=link,
        qr=segno.make(link, error="m").svg_data_uri(scale=6, border=2),
        child_name=child_name,
        days=_days(),
    )


@bp.post("/c/<child>/people/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(child: str, invitation_id: int):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    if not FlaskForm().validate_on_submit():
        abort(400)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.child_id != found.id:
        abort(404)
    service.revoke(invitation)
    who = invitation.invitee_name or invitation.email or "someone"
    audit.record(
        current_user, found, "deleted", "member", label=f"cancelled the invitation for {who}"
    )
    flash("The invitation is cancelled. Its link no longer works.", "success")
    return redirect(url_for("people.people", child=child), code=303)


@bp.post("/c/<child>/people/young-person")
@login_required
def add_young_person(child: str):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    form = YoungPersonForm()
    if not form.validate_on_submit():
        return _render_people(found, young_form=form, status=400)
    try:
        user = service.create_young_person(
            found,
            current_user,
            name=form.name.data or "",
            username=form.username.data or "",
            password=form.password.data or "",
        )
    except service.InvitationProblem as problem:
        return _render_people(found, young_form=form, error=str(problem), status=400)
    audit.record(current_user, found, "created", "member", label=f"made a login for {user.name}")
    flash(f"{user.name} can now log in with the username {user.username}.", "success")
    return redirect(url_for("people.people", child=child), code=303)


def _member_or_404(found, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.child_id != found.id:
        abort(404)
    return membership


@bp.post("/c/<child>/people/<int:membership_id>/password")
@login_required
def young_person_password(child: str, membership_id: int):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    membership = _member_or_404(found, membership_id)
    form = NewPasswordForm()
    if membership.role != "young_person" or not membership.user.username:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_young_person_password(membership, form.password.data or "")
    except service.InvitationProblem as problem:
        return _render_people(found, error=str(problem), status=400)
    audit.record(
        current_user,
        found,
        "edited",
        "member",
        label=f"set a new password for {membership.user.name}",
    )
    flash(
        f"{membership.user.name}'s password is changed. They are logged out everywhere.", "success"
    )
    return redirect(url_for("people.people", child=child), code=303)


@bp.post("/c/<child>/people/<int:membership_id>/remove")
@login_required
def remove_member(child: str, membership_id: int):
    found = child_or_404(current_user, child, MANAGE_PEOPLE)
    membership = _member_or_404(found, membership_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if membership.user_id == current_user.id or membership.role in {"parent", "caseworker"}:
        return _render_people(
            found,
            error="Parents and the caseworker cannot be removed here. Ask the council for help.",
            status=400,
        )
    name = membership.user.name
    db.session.delete(membership)
    db.session.commit()
    audit.record(current_user, found, "deleted", "member", label=f"removed {name}")
    flash(f"{name} can no longer see {found.display_name}'s pages.", "success")
    return redirect(url_for("people.people", child=child), code=303)


# --- opening an invitation ------------------------------------------------------------------


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(INVITE_LIMIT, methods=["POST"])
def open_invitation(token: str):
    try:
        invitation = service.find(token)
    except service.InvitationProblem as problem:
        return render_template("invitations/problem.html", message=str(problem)), 410
    form = JoinForm()
    if invitation.email and request.method == "GET":
        form.email.data = invitation.email
    if request.method == "POST" and form.validate_on_submit():
        try:
            child = _accept_or_join(invitation, form)
        except service.InvitationProblem as problem:
            return _render_invitation(invitation, form, error=str(problem), status=400)
        flash(f"Welcome! You can now see {child.display_name}'s About Me.", "success")
        return redirect(url_for("families.child_home", child=child.slug), code=303)
    return _render_invitation(invitation, form, status=400 if form.errors else 200)


def _accept_or_join(invitation: Invitation, form: JoinForm):
    child_name = form.child_name.data or ""
    if current_user.is_authenticated:
        child = service.accept(invitation, current_user, child_name=child_name)
        user = current_user
    else:
        user, child = service.join_with_new_account(
            invitation,
            name=form.name.data or "",
            email=form.email.data,
            password=form.password.data or "",
            child_name=child_name,
        )
        begin_login(user)
    audit.record(user, child, "created", "member", label="accepted an invitation and joined")
    return child


def _render_invitation(invitation, form, *, error=None, status=200):
    return render_template(
        "invitations/open.html",
        invitation=invitation,
        form=form,
        error=error,
        new_family=invitation.kind == NEW_FAMILY,
        login_url=url_for("accounts.login", next=request.path),
    ), status


# --- parent champions -------------------------------------------------------------------------


@bp.get("/champion/")
@login_required
def champion_home():
    champion_or_404(current_user)
    return _render_champion()


def _render_champion(form=None, error=None, status=200):
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.invited_by_id == current_user.id, Invitation.kind == NEW_FAMILY)
        .order_by(Invitation.created_at.desc())
    ).all()
    return render_template(
        "invitations/champion.html",
        families=list(zip(invitations, onboarding_progress(invitations), strict=True)),
        form=form or NewFamilyForm(formdata=None),
        error=error,
    ), status


@bp.post("/champion/invite")
@login_required
@limiter.limit(INVITE_LIMIT)
def champion_invite():
    champion_or_404(current_user)
    form = NewFamilyForm()
    if not form.validate_on_submit():
        return _render_champion(form, status=400)
    try:
        invitation, token = service.invite_new_family(
            current_user, email=form.email.data, name=form.name.data or "", days=_days()
        )
    except service.InvitationProblem as problem:
        return _render_champion(form, error=str(problem), status=400)
    return _show_new_invitation(invitation, token, child_name="")
