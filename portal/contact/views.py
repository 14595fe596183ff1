"""Working together: the family's messages (`/c/<child>/messages`), staff inboxes
(`/staff/messages`), key-worker details (`/account/key-worker`), the administrator's
choice of key worker and enquiry figures (`/admin/…`), and "Did you feel included?"."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

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

from media.serving import file_response
from media.storage import storage_for
from portal import audit
from portal.access import (
    MESSAGE_KEY_WORKER,
    REVIEW_PLAN,
    can,
    child_or_404,
    council_admin_or_404,
    membership_of,
)
from portal.accounts.models import Council
from portal.contact import feelings, notify, photos, service
from portal.contact.figures import FAMILY_SENDERS, enquiry_figures
from portal.contact.forms import (
    ChooseKeyWorkerForm,
    FeelingForm,
    NewMessageForm,
    ProfileForm,
    ReplyForm,
    TargetForm,
)
from portal.contact.models import CATEGORIES, FEELINGS, SENDER_TYPES, MessageThread
from portal.contact.working_days import is_late, local_day
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.meetings.service import meeting_feelings

log = logging.getLogger(__name__)

bp = Blueprint("contact", __name__)


@dataclass(frozen=True)
class PhotoFile:
    key: str
    mime: str


# ---- the family's side ----------------------------------------------------------------


def _family_page(found: Child, form: NewMessageForm, error: str | None = None, status=200):
    form.about.choices = service.about_choices(found)
    return render_template(
        "contact/messages.html",
        child=found,
        threads=service.family_threads(found.id),
        key_worker=service.key_worker_card(found, utcnow()),
        form=form,
        error=error,
        categories=CATEGORIES,
    ), status


@bp.get("/c/<child>/messages")
@login_required
def messages(child: str):
    found = child_or_404(current_user, child, MESSAGE_KEY_WORKER)
    form = NewMessageForm(formdata=None)
    form.about.data = request.args.get("about", "")[:40]
    return _family_page(found, form)


@bp.post("/c/<child>/messages")
@login_required
def send(child: str):
    found = child_or_404(current_user, child, MESSAGE_KEY_WORKER)
    form = NewMessageForm()
    form.about.choices = service.about_choices(found)
    if not form.validate_on_submit():
        return _family_page(found, form, status=400)
    role = membership_of(current_user, found).role
    now = utcnow()
    try:
        thread = service.start_thread(
            found,
            current_user,
            role,
            category=form.category.data,
            subject=form.subject.data,
            body=form.body.data,
            about=form.about.data or "",
            now=now,
        )
    except service.MessageRefused as refused:
        db.session.rollback()
        return _family_page(found, form, error=str(refused), status=400)
    audit.record(
        current_user,
        found,
        "messaged",
        "message",
        target_id=thread.id,
        label=CATEGORIES[thread.category],
        commit=False,
    )
    db.session.commit()
    notify.tell_staff(found, thread)
    flash("Your message is sent. We will email you when there is a reply.", "success")
    return redirect(url_for("contact.thread", child=found.slug, thread_id=thread.id), code=303)


def _thread_page(found, thread, form, *, staff: bool, error=None, status=200):
    """One conversation, for the family or for staff, with the reply form."""
    if staff:
        action = url_for("contact.staff_reply", thread_id=thread.id)
        back = url_for("contact.staff_inbox")
    else:
        action = url_for("contact.family_reply", child=found.slug, thread_id=thread.id)
        back = url_for("contact.messages", child=found.slug)
    return render_template(
        "contact/thread.html",
        child=found,
        thread=thread,
        messages=service.messages_of(thread),
        form=form,
        error=error,
        staff_view=staff,
        categories=CATEGORIES,
        about_url=service.about_url(found, thread),
        action=action,
        back=back,
        late=staff and is_late(thread.due_on, utcnow()),
    ), status


@bp.get("/c/<child>/messages/<int:thread_id>")
@login_required
def thread(child: str, thread_id: int):
    found = child_or_404(current_user, child, MESSAGE_KEY_WORKER)
    chosen = service.thread_of_child(found, thread_id) or abort(404)
    audit.record(
        current_user, found, "viewed", "message", target_id=chosen.id,
        label=CATEGORIES[chosen.category],
    )  # fmt: skip
    return _thread_page(found, chosen, ReplyForm(formdata=None), staff=False)


@bp.post("/c/<child>/messages/<int:thread_id>")
@login_required
def family_reply(child: str, thread_id: int):
    found = child_or_404(current_user, child, MESSAGE_KEY_WORKER)
    chosen = service.thread_of_child(found, thread_id) or abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _thread_page(found, chosen, form, staff=False, status=400)
    role = membership_of(current_user, found).role
    try:
        service.add_family_message(chosen, current_user, role, form.body.data, now=utcnow())
    except service.MessageRefused as refused:
        db.session.rollback()
        return _thread_page(found, chosen, form, staff=False, error=str(refused), status=400)
    audit.record(
        current_user, found, "messaged", "message", target_id=chosen.id,
        label=CATEGORIES[chosen.category], commit=False,
    )  # fmt: skip
    db.session.commit()
    notify.tell_staff(found, chosen)
    flash("Your message is sent.", "success")
    return redirect(url_for("contact.thread", child=found.slug, thread_id=chosen.id), code=303)


# ---- the staff side -------------------------------------------------------------------


def _staff_or_404():
    if not current_user.is_authenticated or current_user.staff_role not in (
        "caseworker",
        "administrator",
    ):
        abort(404)


@bp.get("/staff/messages")
@login_required
def staff_inbox():
    _staff_or_404()
    now = utcnow()
    rows = service.staff_inbox(current_user, now)
    return render_template(
        "contact/inbox.html",
        rows=rows,
        overdue=sum(row.overdue for row in rows),
        categories=CATEGORIES,
    )


def _staff_thread_or_404(thread_id: int) -> tuple[MessageThread, Child]:
    _staff_or_404()
    chosen = db.session.get(MessageThread, thread_id)
    if chosen is None:
        abort(404)
    found = db.session.get(Child, chosen.child_id)
    if not service.staff_may_answer(current_user, found):
        abort(404)
    return chosen, found


@bp.get("/staff/messages/<int:thread_id>")
@login_required
def staff_thread(thread_id: int):
    chosen, found = _staff_thread_or_404(thread_id)
    audit.record(
        current_user, found, "viewed", "message", target_id=chosen.id,
        label=CATEGORIES[chosen.category],
    )  # fmt: skip
    return _thread_page(found, chosen, ReplyForm(formdata=None), staff=True)


@bp.post("/staff/messages/<int:thread_id>")
@login_required
def staff_reply(thread_id: int):
    chosen, found = _staff_thread_or_404(thread_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _thread_page(found, chosen, form, staff=True, status=400)
    try:
        service.add_staff_reply(chosen, current_user, form.body.data, now=utcnow())
    except service.MessageRefused as refused:
        db.session.rollback()
        return _thread_page(found, chosen, form, staff=True, error=str(refused), status=400)
    audit.record(
        current_user, found, "replied", "message", target_id=chosen.id,
        label=CATEGORIES[chosen.category], commit=False,
    )  # fmt: skip
    db.session.commit()
    notify.tell_family(found, chosen)
    flash("Your reply is sent. The family gets an email with a link to it.", "success")
    return redirect(url_for("contact.staff_thread", thread_id=chosen.id), code=303)


@bp.route("/account/key-worker", methods=["GET", "POST"])
@login_required
def profile():
    _staff_or_404()
    saved = service.profile_for(current_user)
    form = ProfileForm(obj=saved) if request.method == "GET" else ProfileForm()
    if form.validate_on_submit():
        saved = service.save_profile(
            current_user,
            job_title=form.job_title.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            hours=form.hours.data or "",
            now=utcnow(),
        )
        storage = storage_for(current_app)
        upload = form.photo.data
        try:
            if form.remove_photo.data:
                photos.remove_photo(saved, storage)
            elif upload is not None and upload.filename:
                photos.set_photo(saved, upload.stream, storage)
        except photos.PhotoRefused as refused:
            form.photo.errors = [f"Your details are saved, but not the photo: {refused}"]
            return render_template("contact/profile.html", form=form, profile=saved), 400
        flash("Your key-worker details are saved. Families see them on their child's page.",
              "success")  # fmt: skip
        return redirect(url_for("contact.profile"), code=303)
    status = 400 if form.errors else 200
    return render_template("contact/profile.html", form=form, profile=saved), status


@bp.get("/account/key-worker/photo")
@login_required
def own_photo():
    _staff_or_404()
    return _photo_response(service.profile_for(current_user))


@bp.get("/c/<child>/key-worker/photo")
@login_required
def key_worker_photo(child: str):
    """The key worker's photo, for anyone who sees the child's page."""
    card = service.key_worker_card(child_or_404(current_user, child), utcnow())
    return _photo_response(card.profile if card is not None else None)


def _photo_response(profile):
    if profile is None or not profile.photo_key:
        abort(404)
    return file_response(
        storage_for(current_app), PhotoFile(profile.photo_key, profile.photo_mime or ""),
        as_attachment=False, download_name="key-worker.jpg",
    )  # fmt: skip


# ---- the administrator's side ---------------------------------------------------------


@bp.post("/admin/key-worker")
@login_required
def choose_key_worker():
    council_id = council_admin_or_404(current_user)
    form = ChooseKeyWorkerForm()
    if not form.validate_on_submit():
        flash("Choose a child and a key worker.", "error")
        return redirect(url_for("admin.assignments"), code=303)
    try:
        found, person = service.choose_key_worker(
            council_id, form.child.data, form.worker.data, by=current_user, now=utcnow()
        )
    except service.ChoiceRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("admin.assignments"), code=303)
    audit.record(
        current_user, found, "created", "member", label=f"named {person.name} as key worker"
    )
    told = notify.tell_family_of_new_key_worker(found)
    flash(
        f"{person.name} is now {found.name}'s key worker. "
        f"We emailed {told} family member{'s' if told != 1 else ''}.",
        "success",
    )
    return redirect(url_for("admin.assignments"), code=303)


def _range_from(args) -> tuple[date, date]:
    today = local_day(utcnow())
    default_start = date(today.year, today.month, 1) - timedelta(days=1)
    default_start = date(default_start.year, default_start.month, 1)
    start = _date_or(args.get("from"), default_start)
    end = _date_or(args.get("to"), today)
    if end < start:
        start, end = end, start
    if (end - start).days > 3 * 366:
        start = end - timedelta(days=3 * 366)
    return start, end


def _date_or(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return fallback


def _enquiries_page(council_id: int, target_form: TargetForm, status: int = 200):
    start, end = _range_from(request.args)
    return render_template(
        "contact/enquiries.html",
        figures=enquiry_figures(council_id, start, end, utcnow()),
        meetings=meeting_feelings(council_id, start, end),
        start=start,
        end=end,
        categories=CATEGORIES,
        senders={key: SENDER_TYPES[key] for key in FAMILY_SENDERS},
        feelings=FEELINGS,
        target_form=target_form,
    ), status


@bp.get("/admin/enquiries")
@login_required
def enquiries():
    council_id = council_admin_or_404(current_user)
    days = db.session.get(Council, council_id).message_target_days
    return _enquiries_page(council_id, TargetForm(formdata=None, days=days))


@bp.post("/admin/enquiries/target")
@login_required
def set_target():
    council_id = council_admin_or_404(current_user)
    form = TargetForm()
    if not form.validate_on_submit():
        return _enquiries_page(council_id, form, status=400)
    service.set_target_days(council_id, form.days.data)
    log.info("Council %s message target set to %s working days", council_id, form.days.data)
    flash(f"Families' messages now have {form.days.data} working days for a reply.", "success")
    return redirect(url_for("contact.enquiries"), code=303)


# ---- "Did you feel included?" ----------------------------------------------------------


@bp.app_template_global()
def included_question(child: Child, version) -> dict | None:
    """For the plan page: the question, or this person's answer, for the issued version
    shown; None for anyone who is not asked (staff, people who may only read)."""
    if version is None or version.label is None or not can(current_user, REVIEW_PLAN, child):
        return None
    answer = feelings.answer_of(version.plan_id, version.number, current_user.id)
    form = FeelingForm(formdata=None, version=version.number)
    return {"answer": answer, "form": form, "answers": FEELINGS}


@bp.post("/c/<child>/plan/included")
@login_required
def feel_included(child: str):
    found = child_or_404(current_user, child, REVIEW_PLAN)
    form = FeelingForm()
    back = url_for("plans.plan_page", child=found.slug) + "#included"
    if not form.validate_on_submit():
        # Shown again on its own page, with what they wrote.
        return render_template(
            "contact/included.html", child=found, form=form, answers=FEELINGS, back=back
        ), 400
    try:
        version = feelings.record_answer(
            found, current_user, form.version.data, form.answer.data, form.comment.data or "",
            now=utcnow(),
        )  # fmt: skip
    except feelings.FeelingRefused as refused:
        flash(str(refused), "error")
        return redirect(back, code=303)
    audit.record(
        current_user, found, "answered", "plan", target_id=version.plan_id, label=version.label
    )
    flash("Thank you. Your answer helps the council include families better.", "success")
    return redirect(back, code=303)
