"""`/c/<child>/plan/meetings/...`: the caseworker and the family write the plan together.

The caseworker opens a meeting and invites family members; only they and the child's
caseworker get in (everyone else 404, as for any child URL). Pages work without
JavaScript (save, then reload to see others' words); meeting.js adds autosave and a poll
of the small JSON `state` every 2 seconds.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from portal.access import VIEW_PLAN, WRITE_PLAN, can, child_or_404
from portal.audit import recent_views, record
from portal.dbtypes import utcnow
from portal.families.models import Child
from portal.meetings import paragraphs, service
from portal.meetings.forms import (
    ActionForm,
    EndForm,
    FeelingForm,
    MoveForm,
    NoteForm,
    OpenForm,
    SectionForm,
)
from portal.meetings.models import FEELINGS, PlanMeeting
from portal.plans import service as plans
from portal.plans.content import SECTIONS
from portal.plans.models import Plan, PlanVersion

bp = Blueprint("meetings", __name__)

ROLE_WORDS = {
    "parent": "parent",
    "family_editor": "family",
    "young_person": "young person",
    "caseworker": "caseworker",
}


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "meeting.js"


def _plan_or_404(found: Child) -> Plan:
    plan = plans.get_plan(found.id)
    if plan is None:
        abort(404)
    return plan


def _meeting_or_404(child: str, meeting_id: int):
    """The child, plan, meeting and the person's place in it; 404 unless they may take part."""
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    meeting = service.get_meeting(plan, meeting_id)
    if meeting is None or not service.may_take_part(meeting, current_user, found):
        abort(404)
    return found, plan, meeting, service.participant(meeting, current_user)


def _meeting_url(found: Child, meeting: PlanMeeting) -> str:
    return url_for(".meeting_page", child=found.slug, meeting_id=meeting.id)


# Opening ---------------------------------------------------------------------------------


@bp.route("/c/<child>/plan/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(child: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    family = service.invitable(found)
    form = OpenForm(formdata=request.form if request.method == "POST" else None)
    form.invite.choices = [
        SelectChoice(user.id, f"{user.name} ({ROLE_WORDS.get(member.role, member.role)})")
        for member, user in family
    ]
    error = None
    if request.method == "POST" and form.validate():
        try:
            meeting = service.open_meeting(plan, found, current_user, form.invite.data or [])
        except service.MeetingError as exc:
            error = str(exc)
        else:
            record(current_user, found, "opened", "plan", target_id=plan.id)
            flash("The meeting is open. The people you invited can join it now.", "success")
            return redirect(_meeting_url(found, meeting))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/new.html", child=found, plan=plan, form=form, family=family, error=error
    ), status


# The meeting -------------------------------------------------------------------------------


def _context(found, plan, meeting, person, **overrides) -> dict:
    """Everything templates/meetings/meeting.html needs; `overrides` put back a form as
    it was typed, with its message."""
    letter = meeting.section
    newest = service.latest(meeting, letter)
    ended_texts = {}
    if not meeting.is_open:
        ended_texts = {
            key: paragraphs.split_paragraphs(text)
            for key, text in service.meeting_texts(meeting).items()
        }
    feeling = feeling_form = None
    if service.may_answer(meeting, person):
        feeling = service.feeling_of(meeting, current_user)
        feeling_form = FeelingForm(formdata=None) if feeling is None else None
    context = dict(
        child=found,
        plan=plan,
        meeting=meeting,
        letter=letter,
        section_name=SECTIONS[letter],
        sections=SECTIONS,
        newest=newest,
        form=SectionForm(formdata=None, base=newest.number, text=newest.text),
        error=None,
        note_error=None,
        action_error=None,
        feeling_error=None,
        people=service.participants(meeting),
        here=service.here,
        role_words=ROLE_WORDS,
        writer=can(current_user, WRITE_PLAN, found),
        notes=service.notes(meeting),
        note_form=NoteForm(formdata=None),
        action_form=ActionForm(formdata=None),
        end_form=EndForm(formdata=None),
        move_form=MoveForm(formdata=None),
        ended_texts=ended_texts,
        feeling=feeling,
        feeling_form=feeling_form,
        feelings=FEELINGS,
        revisions=service.revision_count(meeting),
    )
    context.update(overrides)
    return context


def _render_meeting(found, plan, meeting, person, status=200, **overrides):
    return render_template(
        "meetings/meeting.html", **_context(found, plan, meeting, person, **overrides)
    ), status


@bp.get("/c/<child>/plan/meetings/<int:meeting_id>")
@login_required
def meeting_page(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if person is not None and meeting.is_open and service.join(meeting, person):
        record(current_user, found, "joined", "plan", target_id=plan.id)
    else:
        record(current_user, found, "viewed", "plan", target_id=plan.id, label="the EHC plan")
    return _render_meeting(found, plan, meeting, person)


@bp.get("/c/<child>/plan/meetings/<int:meeting_id>/state")
@login_required
def state(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if person is not None and meeting.is_open:
        service.seen(person)
    newest = service.latest(meeting, meeting.section)
    response = jsonify(
        status=meeting.status,
        section=meeting.section,
        revision=newest.number,
        text=newest.text,
        revisions=service.section_numbers(meeting),
        people=[
            {"name": p.user.name, "role": ROLE_WORDS.get(p.role, p.role), "here": service.here(p)}
            for p in service.participants(meeting)
        ],
        notes=[
            {
                "kind": n.kind,
                "text": n.text,
                "who": n.who,
                "by_when": n.by_when.strftime("%-d %B %Y") if n.by_when else "",
                "author": n.author.name if n.author else "",
            }
            for n in service.notes(meeting)
        ],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/sections/<letter>")
@login_required
def save_section(child: str, meeting_id: int, letter: str):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if letter not in SECTIONS:
        abort(404)
    form = SectionForm()
    error = None
    saved = None
    if form.validate():
        try:
            saved = service.save_section(
                meeting,
                current_user,
                letter=letter,
                base_number=form.base.data,
                text=form.text.data or "",
            )
        except service.MeetingError as exc:
            error = str(exc)
    else:
        error = next(iter(form.errors.values()))[0] if form.errors else "Please try again."
        if "base" in form.errors:
            error = "The form was incomplete. Reload the page; your text is below."
    if saved is not None:
        if not saved.unchanged and recent_views.first_in_a_while(
            (current_user.id, found.id, "meeting-saved", meeting.id, letter)
        ):
            record(current_user, found, "saved", "plan", target_id=plan.id)
        message = ""
        if saved.conflict:
            message = (
                "Someone else changed the same paragraph at the same time. Both versions are "
                "kept, one after the other: agree which to keep and delete the other."
            )
        elif saved.merged:
            message = "Saved, together with what others wrote meanwhile."
        if _wants_json():
            return jsonify(
                ok=True,
                revision=saved.revision.number,
                text=saved.revision.text,
                merged=saved.merged,
                conflict=saved.conflict,
                message=message,
            )
        flash(message or "Saved.", "warning" if saved.conflict else "success")
        return redirect(_meeting_url(found, meeting) + "#section")
    if _wants_json():
        return jsonify(ok=False, message=error), 400
    # Show the section they wrote (even if the meeting moved on), with their words.
    newest = service.latest(meeting, letter)
    form.base.data = form.base.data or newest.number
    return _render_meeting(
        found,
        plan,
        meeting,
        person,
        400,
        form=form,
        error=error,
        letter=letter,
        section_name=SECTIONS[letter],
        newest=newest,
    )


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/move")
@login_required
def move(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if not can(current_user, WRITE_PLAN, found):
        abort(404)
    form = MoveForm()
    if not form.validate() or form.section.data not in SECTIONS:
        abort(400)
    try:
        service.move_to(meeting, form.section.data)
    except service.MeetingError as exc:
        flash(str(exc), "warning")
    return redirect(_meeting_url(found, meeting) + "#section")


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/notes")
@login_required
def add_note(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    form = NoteForm()
    error = None
    if form.validate():
        try:
            service.add_note(meeting, current_user, form.text.data)
        except service.MeetingError as exc:
            error = str(exc)
        else:
            flash("Note added.", "success")
            return redirect(_meeting_url(found, meeting) + "#notes")
    else:
        error = next(iter(form.errors.values()))[0]
    return _render_meeting(found, plan, meeting, person, 400, note_form=form, note_error=error)


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/actions")
@login_required
def add_action(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    form = ActionForm()
    error = None
    if form.validate():
        try:
            service.add_action(
                meeting,
                current_user,
                who=form.who.data,
                what=form.what.data,
                by_when=form.by_when.data,
            )
        except service.MeetingError as exc:
            error = str(exc)
        else:
            flash("Action added.", "success")
            return redirect(_meeting_url(found, meeting) + "#actions")
    else:
        error = next(iter(form.errors.values()))[0]
    return _render_meeting(found, plan, meeting, person, 400, action_form=form, action_error=error)


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/end")
@login_required
def end(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if not can(current_user, WRITE_PLAN, found):
        abort(404)
    if not EndForm().validate():
        abort(400)
    try:
        version = service.end_meeting(meeting, plan, current_user)
    except (service.MeetingError, plans.PlanError) as exc:
        flash(str(exc), "warning")
        return redirect(_meeting_url(found, meeting))
    record(current_user, found, "ended", "plan", target_id=plan.id)
    if version is None:
        flash("The meeting has ended. Nothing in the plan was changed.", "success")
        return redirect(_meeting_url(found, meeting))
    flash(f"The meeting has ended and is saved as version {version.number}.", "success")
    return redirect(url_for("plans.version_page", child=found.slug, number=version.number))


@bp.post("/c/<child>/plan/meetings/<int:meeting_id>/included")
@login_required
def feel_included(child: str, meeting_id: int):
    found, plan, meeting, person = _meeting_or_404(child, meeting_id)
    if not service.may_answer(meeting, person):
        abort(404)
    form = FeelingForm()
    error = None
    if form.validate():
        try:
            service.record_feeling(
                meeting, current_user, form.answer.data, form.comment.data or "", now=utcnow()
            )
        except service.MeetingError as exc:
            error = str(exc)
        else:
            record(current_user, found, "answered", "plan", target_id=plan.id)
            flash("Thank you for telling us.", "success")
            return redirect(_meeting_url(found, meeting) + "#included")
    else:
        error = next(iter(form.errors.values()))[0]
    return _render_meeting(
        found, plan, meeting, person, 400, feeling_form=form, feeling_error=error
    )


# On other pages ----------------------------------------------------------------------------


@bp.app_template_global()
def plan_meetings(child: Child) -> dict | None:
    """What the plan page and the child's home say about meetings, for this person."""
    if not current_user.is_authenticated or not can(current_user, VIEW_PLAN, child):
        return None
    writer = can(current_user, WRITE_PLAN, child)
    plan = plans.get_plan(child.id)
    if plan is None:
        return None
    if writer:
        open_ = [m for m in service.meetings_of(plan) if m.is_open]
        return {"writer": True, "open": open_, "unanswered": [], "plan": plan}
    open_ = service.open_meetings_for(child, current_user)
    unanswered = service.unanswered_for(child, current_user)
    if not open_ and not unanswered:
        return None
    return {"writer": False, "open": open_, "unanswered": unanswered, "plan": plan}


@bp.app_template_global()
def written_in_meeting(plan: Plan, version: PlanVersion) -> dict | None:
    """For a plan version saved from a meeting: when, with whom, and what it reworded."""
    meeting = service.meeting_for_version(plan, version.number)
    if meeting is None:
        return None
    return {
        "meeting": meeting,
        "people": service.joined_people(meeting),
        "reworded": meeting.reworded.split(),
        "role_words": ROLE_WORDS,
    }
