"""Wiki pages over HTTP: view, edit, history, diff, restore, delete, share, search."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.access import (
    CHANGE_VISIBILITY,
    EDIT_WIKI,
    can,
    child_or_404,
    child_row_or_404,
    visible_visibilities,
    young_person_decides,
)
from portal.audit import record as record_event
from portal.extensions import reads_without_transaction
from wiki import service
from wiki.diff import diff_texts, inline_segments
from wiki.forms import VISIBILITY_CHOICES, ConfirmForm, EditForm, SearchForm, VisibilityForm
from wiki.models import Page, Revision
from wiki.render import page_slug, render_markdown
from wiki.search import search_pages
from wiki.signals import page_saved
from wiki.starters import STARTERS_BY_SLUG

bp = Blueprint("wiki", __name__, url_prefix="/c/<child>")


@dataclass(frozen=True)
class WikiContext:
    """Who is looking at which child's wiki, and what they may do there."""

    child: object
    visibilities: frozenset[str]
    can_edit: bool
    can_share: bool
    young_person_decides: bool = False

    @property
    def link_base(self) -> str:
        return f"/c/{self.child.slug}/wiki/"


def wiki_context(child_slug: str) -> WikiContext:
    user = current_user._get_current_object()  # one proxy lookup, not one per question
    return context_for(child_or_404(user, child_slug), user)


def context_for(child, user) -> WikiContext:
    """What `user` may do in the wiki of a child whose access check they passed."""
    return WikiContext(
        child=child,
        visibilities=visible_visibilities(user, child),
        can_edit=can(user, EDIT_WIKI, child),
        can_share=can(user, CHANGE_VISIBILITY, child),
        young_person_decides=young_person_decides(child),
    )


def visible_page_or_404(context: WikiContext, slug: str, *, allow_deleted: bool = False) -> Page:
    page = service.get_page(context.child.id, slug)
    if page is None or page.visibility not in context.visibilities:
        abort(404)
    if page.deleted and not (allow_deleted and context.can_edit):
        abort(404)
    return page


def editable_page_or_404(context: WikiContext, slug: str) -> Page | None:
    """For the editors: the page at a canonical address (None if nobody wrote it yet),
    or 404 for someone who may not edit, or a page they may not see."""
    if not context.can_edit or slug != page_slug(slug):
        abort(404)
    page = service.get_page(context.child.id, slug)
    if page is not None and page.visibility not in context.visibilities:
        abort(404)
    return page


def require_editor_post(context: WikiContext, form: FlaskForm) -> None:
    """A button that changes a page: 404 for a non-editor, 400 for a stale form."""
    if not context.can_edit:
        abort(404)
    if not form.validate_on_submit():
        abort(400)


def visible_revision_or_404(context: WikiContext, page: Page, number: int) -> Revision:
    """A revision the viewer may see: the plan team sees only versions that were shared."""
    revision = service.get_revision(page, number)
    if revision is None or revision.visibility not in context.visibilities:
        abort(404)
    return revision


@bp.get("/wiki/")
@login_required
def index(child: str):
    wiki_context(child)  # a non-member gets 404 here too, not a redirect
    return redirect(url_for("families.child_home", child=child))


@bp.get("/new")
@login_required
def new_page(child: str):
    context = wiki_context(child)
    title = (request.args.get("title") or "").strip()[: service.MAX_TITLE_CHARS]
    if not context.can_edit:
        abort(404)
    if not title:
        flash("Give the new page a title.", "error")
        return redirect(url_for("families.child_home", child=child))
    return redirect(url_for("wiki.edit_page", child=child, page=page_slug(title), title=title))


@bp.get("/wiki/<page>")
@reads_without_transaction
@login_required
def view_page(child: str, page: str):
    # The child, the membership and the page with its current revision in one query.
    user = current_user._get_current_object()
    row = child_row_or_404(user, child, statement=service.CHILD_PAGE_AND_CURRENT, page_slug=page)
    context = context_for(row[0], user)
    found, current = row[2], row[3]
    if found is None or current is None or (found.deleted and not context.can_edit):
        return missing_page(context, page)
    if found.visibility not in context.visibilities:
        abort(404)
    record_event(user, context.child, "viewed", "page", target_id=found.id, label=found.title)
    return render_template(
        "wiki/page.html",
        context=context,
        page=found,
        html=service.revision_html(current, context.link_base),
        revision=current,
        just_saved=request.args.get("saved") == "1",
        visibility_choices=VISIBILITY_CHOICES,
    )


def missing_page(context: WikiContext, slug: str):
    starter = STARTERS_BY_SLUG.get(slug) if "family" in context.visibilities else None
    status = 200 if starter else 404
    if not starter and not context.can_edit:
        abort(404)
    return render_template("wiki/missing.html", context=context, slug=slug, starter=starter), status


@bp.route("/wiki/<page>/edit", methods=["GET", "POST"])
@login_required
def edit_page(child: str, page: str):
    context = wiki_context(child)
    found = editable_page_or_404(context, page)
    form = EditForm(data=None if request.method == "POST" else _edit_defaults(found, page))
    if request.method == "GET" or not form.validate_on_submit():
        return _render_editor(context, page, form, status=400 if form.errors else 200)
    if "preview" in request.form:
        preview = render_markdown(form.body.data or "", link_base=context.link_base)
        return _render_editor(context, page, form, preview=preview)
    if found is not None and found.deleted:
        return _render_editor(
            context, page, form, error="This page was deleted. Bring it back first."
        )
    try:
        outcome = service.save_edit(
            context.child.id,
            page,
            title=form.title.data or "",
            body=form.body.data or "",
            summary=form.summary.data or "",
            base_number=form.base_revision.data,
            author_id=current_user.id,
            link_base=context.link_base,
        )
    except service.EditConflict as conflict:
        return _render_conflict(context, page, form, conflict)
    except service.WikiError as error:
        return _render_editor(context, page, form, error=str(error), status=400)
    _flash_saved(outcome)
    if outcome.revision is not None:
        action = "created" if outcome.revision.number == 1 else "edited"
        record_event(
            current_user,
            context.child,
            "merged" if outcome.merged else action,
            "page",
            target_id=outcome.page.id,
            label=outcome.page.title,
        )
        page_saved.send(
            context.child, page=outcome.page, revision=outcome.revision, user=current_user
        )
    return redirect(url_for("wiki.view_page", child=child, page=page, saved=1))


def _edit_defaults(found: Page | None, slug: str) -> dict:
    if found is not None:
        return {"title": found.title, "body": found.body, "base_revision": found.current_number}
    starter = STARTERS_BY_SLUG.get(slug)
    if starter:
        return {"title": starter.title, "body": starter.starting_body(), "base_revision": 0}
    title = request.args.get("title") or slug.replace("-", " ").capitalize()
    return {"title": title[: service.MAX_TITLE_CHARS], "body": "", "base_revision": 0}


def _render_editor(context, slug, form, *, preview=None, error=None, status=200):
    starter = STARTERS_BY_SLUG.get(slug)
    return render_template(
        "wiki/edit.html",
        context=context,
        slug=slug,
        form=form,
        starter=starter,
        preview=preview,
        error=error,
    ), status


def _render_conflict(context, slug, form, conflict: service.EditConflict):
    base_number = form.base_revision.data
    base = service.get_revision(conflict.page, base_number) if base_number else None
    their_change = diff_texts(base.body if base else "", conflict.theirs.body)
    mine = form.body.data
    form.body.data = conflict.merge.with_markers
    # The next save starts from their version; IntegerField renders raw_data first.
    form.base_revision.data = conflict.theirs.number
    form.base_revision.raw_data = [str(conflict.theirs.number)]
    return render_template(
        "wiki/conflict.html",
        context=context,
        slug=slug,
        form=form,
        conflict=conflict,
        mine=mine,
        their_change=their_change,
        inline_segments=inline_segments,
    ), 409


def _flash_saved(outcome: service.SaveOutcome) -> None:
    if outcome.revision is None:
        flash("Nothing had changed, so there was nothing to save.", "info")
    elif outcome.merged:
        flash(
            "Saved. Someone else edited this page at the same time: both changes are kept.",
            "success",
        )
    else:
        flash("Saved.", "success")


@bp.get("/wiki/<page>/history")
@reads_without_transaction
@login_required
def page_history(child: str, page: str):
    context = wiki_context(child)
    found = visible_page_or_404(context, page, allow_deleted=True)
    page_number = max(request.args.get("p", 1, type=int), 1)
    size = service.HISTORY_PAGE_SIZE
    revisions = [
        revision
        for revision in service.history(found, offset=(page_number - 1) * size, limit=size)
        if revision.visibility in context.visibilities
    ]
    record_event(
        current_user, context.child, "viewed", "page", target_id=found.id, label=found.title
    )
    return render_template(
        "wiki/history.html",
        context=context,
        page=found,
        revisions=revisions,
        page_number=page_number,
        has_older=found.current_number > page_number * size,
    )


@bp.get("/wiki/<page>/revisions/<int:number>")
@reads_without_transaction
@login_required
def view_revision(child: str, page: str, number: int):
    context = wiki_context(child)
    found = visible_page_or_404(context, page, allow_deleted=True)
    revision = visible_revision_or_404(context, found, number)
    record_event(
        current_user, context.child, "viewed", "page", target_id=found.id, label=found.title
    )
    return render_template(
        "wiki/revision.html",
        context=context,
        page=found,
        revision=revision,
        html=service.revision_html(revision, context.link_base),
    )


@bp.get("/wiki/<page>/diff")
@reads_without_transaction
@login_required
def page_diff(child: str, page: str):
    context = wiki_context(child)
    found = visible_page_or_404(context, page, allow_deleted=True)
    to_number = request.args.get("to", found.current_number, type=int)
    from_number = request.args.get("from", to_number - 1, type=int)
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    old = visible_revision_or_404(context, found, from_number)
    new = visible_revision_or_404(context, found, to_number)
    record_event(
        current_user, context.child, "viewed", "page", target_id=found.id, label=found.title
    )
    return render_template(
        "wiki/diff.html",
        context=context,
        page=found,
        old=old,
        new=new,
        diff=diff_texts(old.body, new.body),
        inline_segments=inline_segments,
    )


@bp.post("/wiki/<page>/revisions/<int:number>/restore")
@login_required
def restore(child: str, page: str, number: int):
    context = wiki_context(child)
    found = visible_page_or_404(context, page)
    visible_revision_or_404(context, found, number)
    require_editor_post(context, ConfirmForm())
    service.restore_revision(found, number, author_id=current_user.id, link_base=context.link_base)
    record_event(
        current_user, context.child, "restored", "page", target_id=found.id, label=found.title
    )
    flash(f"Version {number} is the current version again. Nothing was lost.", "success")
    return redirect(url_for("wiki.view_page", child=child, page=page))


@bp.post("/wiki/<page>/delete")
@login_required
def delete(child: str, page: str):
    return _set_deleted(child, page, True)


@bp.post("/wiki/<page>/undelete")
@login_required
def undelete(child: str, page: str):
    return _set_deleted(child, page, False)


def _set_deleted(child: str, page: str, deleted: bool):
    context = wiki_context(child)
    found = visible_page_or_404(context, page, allow_deleted=True)
    require_editor_post(context, ConfirmForm())
    try:
        service.set_deleted(found, deleted, author_id=current_user.id, link_base=context.link_base)
    except service.WikiError as error:
        flash(str(error), "error")
    else:
        action = "deleted" if deleted else "undeleted"
        record_event(
            current_user, context.child, action, "page", target_id=found.id, label=found.title
        )
        flash(
            "Page deleted. It is kept in the history: you can bring it back."
            if deleted
            else "The page is back.",
            "success",
        )
    return redirect(url_for("wiki.view_page", child=child, page=page))


@bp.post("/wiki/<page>/visibility")
@login_required
def change_visibility(child: str, page: str):
    context = wiki_context(child)
    found = visible_page_or_404(context, page)
    if not context.can_share:
        abort(404)
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_visibility(
            found, form.visibility.data, author_id=current_user.id, link_base=context.link_base
        )
    except service.WikiError as error:
        flash(str(error), "info")
    else:
        action = "shared" if form.visibility.data == "team" else "unshared"
        record_event(
            current_user, context.child, action, "page", target_id=found.id, label=found.title
        )
        flash(
            "Shared with the plan team."
            if form.visibility.data == "team"
            else "Now only your family can see this page.",
            "success",
        )
    return redirect(url_for("wiki.view_page", child=child, page=page))


@bp.get("/search")
@reads_without_transaction
@login_required
def search(child: str):
    context = wiki_context(child)
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    hits = search_pages(context.child.id, query, visibilities=context.visibilities) if query else []
    if query:
        record_event(current_user, context.child, "searched", "child", label=query[:60])
    return render_template("wiki/search.html", context=context, form=form, query=query, hits=hits)
