"""Simple mode: one question at a time, big text, no Markdown. Made for young people."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki import service
from wiki.forms import SimpleAnswerForm
from wiki.sections import answer_for, with_answer, with_paragraph
from wiki.signals import page_saved
from wiki.starters import STARTERS_BY_SLUG
from wiki.views import editable_page_or_404, wiki_context

bp = Blueprint("simple", __name__, url_prefix="/c/<child>")

ADD_QUESTION = "What would you like to add?"


@bp.route("/wiki/<page>/simple", methods=["GET", "POST"])
@login_required
def answer(child: str, page: str):
    context = wiki_context(child)
    found = editable_page_or_404(context, page)
    starter = STARTERS_BY_SLUG.get(page)
    if (found is None and starter is None) or (found is not None and found.deleted):
        abort(404)
    questions = starter.questions if starter else (ADD_QUESTION,)
    step = min(max(request.args.get("step", 1, type=int), 1), len(questions))
    question = questions[step - 1]
    base_body = found.body if found else ""
    form = SimpleAnswerForm(
        data=None
        if request.method == "POST"
        else {
            "answer": answer_for(base_body, question) if starter else "",
            "base_revision": found.current_number if found else 0,
        }
    )
    if request.method == "POST" and form.validate_on_submit():
        error = _save_answer(context, page, found, starter, question, form)
        if error is None:
            if step < len(questions):
                return redirect(url_for("simple.answer", child=child, page=page, step=step + 1))
            flash("Thank you. Your answers are saved.", "success")
            return redirect(url_for("wiki.view_page", child=child, page=page, saved=1))
        form.answer.errors = [error]
    return render_template(
        "wiki/simple.html",
        context=context,
        slug=page,
        title=found.title if found else starter.title,
        question=question,
        step=step,
        total=len(questions),
        form=form,
    ), (400 if form.errors else 200)


def _save_answer(context, slug, found, starter, question, form) -> str | None:
    """Save one answer as a revision; return a message for the person if it failed."""
    answer_text = (form.answer.data or "").strip()
    if not answer_text:
        return None if starter else "Write something to add, or go back."
    base = service.get_revision(found, form.base_revision.data) if found else None
    base_body = base.body if base else ""
    body = (
        with_answer(base_body, question, answer_text)
        if starter
        else with_paragraph(base_body, answer_text)
    )
    try:
        outcome = service.save_edit(
            context.child.id,
            slug,
            title=found.title if found else starter.title,
            body=body,
            summary=f"Answered: {question}" if starter else "Added in simple mode",
            base_number=form.base_revision.data,
            author_id=current_user.id,
            link_base=context.link_base,
        )
    except service.EditConflict:
        return "Someone else changed this answer just now. Read it again, then add yours."
    except service.WikiError as error:
        return str(error)
    if outcome.revision is not None:
        page_saved.send(
            context.child, page=outcome.page, revision=outcome.revision, user=current_user
        )
    return None
