"""`/c/<child>/plan`: the caseworker drafts the EHC plan from the family's pages; the
family reads the issued versions, comments and suggests wording.

Every route asks the access policy first (404 for anyone without access). The family
only ever sees issued versions; the caseworker sees the working version too.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from portal.access import REVIEW_PLAN, VIEW_PLAN, WRITE_PLAN, can, child_or_404
from portal.audit import record
from portal.families.models import Child
from portal.plans import editing, service
from portal.plans.content import (
    NEED_SECTIONS,
    PFA_THEMES,
    PROVISION_SECTIONS,
    SECTIONS,
    TEXT_SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
    plain_lines,
)
from portal.plans.document import PlanDocument, plan_pdf, render_document_html
from portal.plans.forms import (
    CommentForm,
    DatesForm,
    DeclineForm,
    NeedForm,
    OutcomeForm,
    ProvisionForm,
    QuoteForm,
    StartForm,
    SuggestForm,
    SummaryForm,
    TextSectionForm,
)
from portal.plans.models import Plan, PlanVersion
from portal.plans.quality import CHECKS, VAGUE_PHRASES, check_plan
from portal.plans.timeline import comment_window, describe_days, plan_timeline
from wiki.diff import diff_texts, inline_segments

bp = Blueprint("plans", __name__)

ITEM_KINDS = {"summary": "section_a", "need": "needs", "outcome": "outcomes"}
ITEM_KINDS["provision"] = "provision"
FORM_FOR = {"summary": SummaryForm, "need": NeedForm, "outcome": OutcomeForm}
FORM_FOR["provision"] = ProvisionForm
KIND_WORDS = {"summary": "a summary for Section A", "need": "a need", "outcome": "an outcome"}
KIND_WORDS["provision"] = "an item of provision"


def today() -> date:
    return date.today()


def _plan_or_404(child: Child) -> Plan:
    plan = service.get_plan(child.id)
    if plan is None:
        abort(404)
    return plan


def _writer(child: Child) -> bool:
    return can(current_user, WRITE_PLAN, child)


def _shown_version(plan: Plan, child: Child) -> PlanVersion | None:
    """The version this person reads as "the plan": the working version for the
    caseworker, the newest issued version for the family."""
    number = plan.current_number if _writer(child) else plan.issued_number
    return service.get_version(plan, number) if number else None


def _visible_version_or_404(plan: Plan, child: Child, number: int) -> PlanVersion:
    version = service.get_version(plan, number)
    if version is None or (version.label is None and not _writer(child)):
        abort(404)
    return version


def _window(plan: Plan):
    """The family's 15 days to comment on the draft; none once the final plan is out."""
    return None if plan.final_issued_on else comment_window(plan.draft_issued_on, today())


def _viewed(found: Child, plan: Plan) -> None:
    # One key for every way of reading the plan: one line per quarter hour at most.
    record(current_user, found, "viewed", "plan", target_id=plan.id, label="the EHC plan")


def _timeline(plan: Plan):
    return plan_timeline(
        requested_on=plan.requested_on,
        decided_on=plan.decided_on,
        draft_issued_on=plan.draft_issued_on,
        final_issued_on=plan.final_issued_on,
        today=today(),
    )


def _link_choices(content: PlanContent, kind: str) -> list[SelectChoice]:
    def short(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    if kind == "need":
        return [SelectChoice(b.id, f"{b.id}: {short(b.text)}") for b in content.section_a]
    if kind == "outcome":
        return [SelectChoice(n.id, f"{n.section} {n.id}: {short(n.text)}") for n in content.needs]
    if kind == "provision":
        return [SelectChoice(o.id, f"E {o.id}: {short(o.text)}") for o in content.outcomes]
    return []


def _content_context(
    found: Child,
    content: PlanContent,
    *,
    editable: bool,
    base: int = 0,
    findings=(),
    updates=None,
    comments=(),
) -> dict:
    """What templates/plans/_content.html needs, for the plan page and old versions."""
    by_item: dict[str, list] = {}
    for finding in findings:
        if finding.item_id:
            by_item.setdefault(finding.item_id, []).append(finding)
    by_section: dict[str, list] = {}
    for note in comments:
        by_section.setdefault(note.section, []).append(note)
    outcome_for: dict[str, list[str]] = {}
    for outcome in content.outcomes:
        for need_id in outcome.need_ids:
            outcome_for.setdefault(need_id, []).append(outcome.id)
    provision_for: dict[str, list[str]] = {}
    for item in content.provision:
        for outcome_id in item.outcome_ids:
            provision_for.setdefault(outcome_id, []).append(item.id)
    return dict(
        child=found,
        content=content,
        editable=editable,
        reviewing=not editable and can(current_user, REVIEW_PLAN, found),
        viewer_is_family=not _writer(found),
        base=base,
        findings_by_item=by_item,
        updates=updates or {},
        comments_by_section=by_section,
        outcome_for=outcome_for,
        provision_for=provision_for,
        sections=SECTIONS,
        need_sections=NEED_SECTIONS,
        provision_sections=PROVISION_SECTIONS,
        pfa_themes=PFA_THEMES,
        inline_segments=inline_segments,
    )


# The plan ----------------------------------------------------------------------------------


@bp.get("/c/<child>/plan")
@login_required
def plan_page(child: str):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = service.get_plan(found.id)
    writer = _writer(found)
    if plan is None:
        return render_template(
            "plans/none.html", child=found, writer=writer, form=StartForm(formdata=None)
        )
    version = _shown_version(plan, found)
    content = service.content_of(version)
    _viewed(found, plan)
    findings = check_plan(content, age=found.age_on(today())) if writer else []
    comments = service.comments(plan)
    amendments = service.amendments(plan)
    return render_template(
        "plans/plan.html",
        **_content_context(
            found,
            content,
            editable=writer,
            base=plan.current_number,
            findings=findings,
            updates=service.section_a_updates(found.id, content) if writer else {},
            comments=comments,
        ),
        plan=plan,
        version=version,
        writer=writer,
        reviewer=can(current_user, REVIEW_PLAN, found),
        findings=findings,
        checks=CHECKS,
        steps=_timeline(plan),
        window=_window(plan),
        describe_days=describe_days,
        amendments=amendments,
        dates_form=DatesForm(formdata=None, obj=plan),
        decline_form=DeclineForm(formdata=None),
    )


@bp.post("/c/<child>/plan/start")
@login_required
def start(child: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    form = StartForm()
    error = None
    if form.validate():
        try:
            service.start_plan(
                found, current_user, requested_on=form.requested_on.data, today=today()
            )
        except service.PlanError as exc:
            error = str(exc)
        else:
            record(current_user, found, "created", "plan", label="the EHC plan")
            flash("The plan is started. Begin with Section A: the family's own words.", "success")
            return redirect(url_for(".plan_page", child=found.slug))
    return render_template("plans/none.html", child=found, writer=True, form=form, error=error), 400


@bp.post("/c/<child>/plan/dates")
@login_required
def dates(child: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    form = DatesForm()
    error = None
    if form.validate():
        try:
            service.set_dates(
                plan,
                requested_on=form.requested_on.data,
                decided_on=form.decided_on.data,
                draft_issued_on=form.draft_issued_on.data,
                final_issued_on=form.final_issued_on.data,
                today=today(),
            )
        except service.PlanError as exc:
            error = str(exc)
        else:
            record(current_user, found, "edited", "plan", label="the plan's dates")
            flash("Dates saved.", "success")
            return redirect(url_for(".plan_page", child=found.slug) + "#timeline")
    return render_template("plans/dates.html", child=found, plan=plan, form=form, error=error), 400


@bp.post("/c/<child>/plan/issue")
@login_required
def issue(child: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    final = request.form.get("as") == "final"
    form = StartForm()  # for its CSRF check only
    if not form.validate():
        abort(400)
    try:
        version = service.issue_version(plan, current_user, final=final, today=today())
    except service.PlanError as exc:
        flash(str(exc), "warning")
        return redirect(url_for(".plan_page", child=found.slug))
    record(current_user, found, "issued", "plan", target_id=plan.id, label=version.label)
    flash(f"{version.label} is issued. The family can read it now.", "success")
    return redirect(url_for(".plan_page", child=found.slug))


# Section A from the wiki ---------------------------------------------------------------------


@bp.route("/c/<child>/plan/quote", methods=["GET", "POST"])
@login_required
def quote(child: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    pages = service.team_pages(found.id)
    page_id = request.values.get("page", type=int)
    page = service.team_page(found.id, page_id) if page_id else None
    if page_id and page is None:
        abort(404)
    revision = service.page_revision(page, page.current_number) if page else None
    texts = service.passages(revision.body) if revision else []
    form = QuoteForm(
        formdata=request.form if request.method == "POST" else None,
        base=plan.current_number,
        page=page.id if page else None,
        revision=revision.number if revision else None,
    )
    form.passages.choices = [SelectChoice(i, text) for i, text in enumerate(texts)]
    error = None
    if request.method == "POST" and form.validate():
        # Quote the revision the caseworker was shown, even if the page moved on since.
        shown = service.page_revision(page, form.revision.data or 0) if page else None
        if shown is None or shown.visibility != "team":
            abort(404)  # versions written before the page was shared stay with the family
        try:
            version = service.change_plan(
                plan,
                current_user,
                base_number=form.base.data or 0,
                target=None,
                change=lambda content: _add_quotes(plan, content, page, shown, form.passages.data),
                summary=f"Quoted “{shown.title}” (revision {shown.number}) in Section A",
            )
        except service.PlanError as exc:
            error = str(exc)
        else:
            if version is not None:
                record(current_user, found, "edited", "plan", label=version.summary)
            flash(f"Quoted “{shown.title}” in Section A.", "success")
            return redirect(url_for(".plan_page", child=found.slug) + "#section-A")
    return render_template(
        "plans/quote.html",
        child=found,
        plan=plan,
        pages=pages,
        page=page,
        revision=revision,
        form=form,
        error=error,
    ), (400 if request.method == "POST" else 200)


def _add_quotes(plan, content, page, revision, chosen) -> PlanContent:
    for block in service.quote_blocks(plan, content, page, revision, list(chosen or [])):
        content = editing.put_item(content, block)
    return content


@bp.post("/c/<child>/plan/section-a/<block_id>/update")
@login_required
def update_block(child: str, block_id: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    form = StartForm()
    if not form.validate():
        abort(400)
    keep = request.form.get("choice") == "keep"
    try:
        version = service.pull_update(
            plan,
            current_user,
            base_number=request.form.get("base", type=int) or 0,
            block_id=block_id,
            keep=keep,
        )
    except service.PlanError as exc:
        flash(str(exc), "warning")
    else:
        record(current_user, found, "edited", "plan", label=version.summary)
        flash(version.summary + ".", "success")
    return redirect(url_for(".plan_page", child=found.slug) + f"#item-{block_id}")


# Items -------------------------------------------------------------------------------------


def _item_kind(item) -> str:
    return {SectionABlock: "summary", Need: "need", Outcome: "outcome", Provision: "provision"}[
        type(item)
    ]


def _item_from_form(kind: str, item_id: str, form, old=None):
    links = list(form.links.data or []) if hasattr(form, "links") else []
    if kind == "summary":
        fields = dict(text=form.text.data.strip(), source="caseworker")
        if old is not None:
            fields.update(page_id=old.page_id, page_slug=old.page_slug, revision=old.revision)
            fields.update(page_title=old.page_title)
        return SectionABlock(id=item_id, **fields)
    if kind == "need":
        return Need(
            id=item_id, section=form.section.data, text=form.text.data.strip(), aspiration_ids=links
        )
    if kind == "outcome":
        return Outcome(
            id=item_id,
            text=form.text.data.strip(),
            need_ids=links,
            pfa_theme=form.pfa_theme.data or None,
            timeframe=(form.timeframe.data or "").strip(),
            measure=(form.measure.data or "").strip(),
        )
    return Provision(
        id=item_id,
        section=form.section.data,
        what=form.what.data.strip(),
        who=(form.who.data or "").strip(),
        how_often=(form.how_often.data or "").strip(),
        how_long=(form.how_long.data or "").strip(),
        outcome_ids=links,
    )


def _fill_form(kind: str, form, item) -> None:
    if kind == "summary" or kind == "need":
        form.text.data = item.text
    if kind == "need":
        form.section.data, form.links.data = item.section, list(item.aspiration_ids)
    if kind == "outcome":
        form.text.data, form.links.data = item.text, list(item.need_ids)
        form.pfa_theme.data = item.pfa_theme or ""
        form.timeframe.data, form.measure.data = item.timeframe, item.measure
    if kind == "provision":
        form.section.data, form.what.data, form.who.data = item.section, item.what, item.who
        form.how_often.data, form.how_long.data = item.how_often, item.how_long
        form.links.data = list(item.outcome_ids)


def _rebase(form, plan: Plan) -> None:
    """After a stale refusal: the hidden version field now names the newest version."""
    form.base.data = plan.current_number
    form.base.raw_data = [str(plan.current_number)]  # what the hidden input renders


def _item_page(
    found, plan, kind, form, *, item=None, error=None, status=200, stale=False, current=None
):
    content = service.content_of(service.get_version(plan, plan.current_number))
    findings = []
    if item is not None:
        findings = [
            f for f in check_plan(content, age=found.age_on(today())) if f.item_id == item.id
        ]
    return render_template(
        "plans/item.html",
        child=found,
        plan=plan,
        kind=kind,
        kind_word=KIND_WORDS[kind],
        item=item,
        stale=stale,
        current=current,
        vague=list(VAGUE_PHRASES),
        form=form,
        error=error,
        findings=findings,
    ), status


@bp.route("/c/<child>/plan/new/<kind>", methods=["GET", "POST"])
@login_required
def new_item(child: str, kind: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    if kind not in FORM_FOR:
        abort(404)
    content = service.content_of(service.get_version(plan, plan.current_number))
    form = FORM_FOR[kind](
        formdata=request.form if request.method == "POST" else None, base=plan.current_number
    )
    if hasattr(form, "links"):
        form.links.choices = _link_choices(content, kind)
    if request.method == "GET" and hasattr(form, "links") and request.args.get("link"):
        form.links.data = [request.args["link"]]
    section = request.args.get("section")
    offered = {choice.value for choice in form.section.choices} if hasattr(form, "section") else ()
    if request.method == "GET" and section in offered:
        form.section.data = section  # "Add a need" under Section C starts in C
    if request.method == "POST" and form.validate():
        made = {}

        def add(content: PlanContent) -> PlanContent:
            item_id = service.new_item_id(plan, content, ITEM_KINDS[kind])
            made["item"] = _item_from_form(kind, item_id, form)
            return editing.put_item(content, made["item"])

        try:
            version = service.change_plan(
                plan,
                current_user,
                base_number=form.base.data or 0,
                target=None,
                change=add,
                summary=f"Added {KIND_WORDS[kind]}",
            )
        except (service.PlanError, ValueError) as exc:
            return _item_page(found, plan, kind, form, error=str(exc), status=400)
        record(current_user, found, "edited", "plan", label=version.summary)
        flash(f"Added {made['item'].id}.", "success")
        return redirect(url_for(".plan_page", child=found.slug) + f"#item-{made['item'].id}")
    return _item_page(found, plan, kind, form, status=400 if request.method == "POST" else 200)


@bp.route("/c/<child>/plan/item/<item_id>", methods=["GET", "POST"])
@login_required
def edit_item(child: str, item_id: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    content = service.content_of(service.get_version(plan, plan.current_number))
    item = editing.find_item(content, item_id)
    if item is None:
        abort(404)
    if isinstance(item, SectionABlock) and item.source == "family":
        abort(404)  # the family's words are quoted, never rewritten: remove or re-quote
    kind = _item_kind(item)
    form = FORM_FOR[kind](
        formdata=request.form if request.method == "POST" else None, base=plan.current_number
    )
    if hasattr(form, "links"):
        form.links.choices = _link_choices(content, kind)
    if request.method == "GET":
        _fill_form(kind, form, item)
    elif form.validate():
        changed = _item_from_form(kind, item.id, form, old=item)
        try:
            version = service.change_plan(
                plan,
                current_user,
                base_number=form.base.data or 0,
                target=item.id,
                change=lambda c: editing.put_item(c, changed),
                summary=f"Changed {item.id}",
            )
        except service.PlanStale as exc:
            # Show the plan as it is now, and let the next save build on it.
            now = service.content_of(service.get_version(plan, plan.current_number))
            _rebase(form, plan)
            return _item_page(
                found,
                plan,
                kind,
                form,
                item=item,
                error=str(exc),
                status=400,
                stale=True,
                current=editing.find_item(now, item.id),
            )
        except (service.PlanError, ValueError) as exc:
            return _item_page(found, plan, kind, form, item=item, error=str(exc), status=400)
        if version is not None:
            record(current_user, found, "edited", "plan", label=version.summary)
        flash(f"Saved {item.id}.", "success")
        return redirect(url_for(".plan_page", child=found.slug) + f"#item-{item.id}")
    return _item_page(
        found, plan, kind, form, item=item, status=400 if request.method == "POST" else 200
    )


@bp.post("/c/<child>/plan/item/<item_id>/delete")
@login_required
def delete_item(child: str, item_id: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    form = StartForm()
    if not form.validate():
        abort(400)
    try:
        version = service.change_plan(
            plan,
            current_user,
            base_number=request.form.get("base", type=int) or 0,
            target=item_id,
            change=lambda c: editing.remove_item(c, item_id),
            summary=f"Removed {item_id}",
        )
    except service.PlanError as exc:
        flash(str(exc), "warning")
        return redirect(url_for(".plan_page", child=found.slug))
    if version is None:
        abort(404)
    record(current_user, found, "edited", "plan", label=version.summary)
    flash(f"Removed {item_id}. Earlier versions of the plan still have it.", "success")
    return redirect(url_for(".plan_page", child=found.slug))


@bp.route("/c/<child>/plan/text/<letter>", methods=["GET", "POST"])
@login_required
def edit_text(child: str, letter: str):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    if letter not in TEXT_SECTIONS:
        abort(404)
    content = service.content_of(service.get_version(plan, plan.current_number))
    form = TextSectionForm(
        formdata=request.form if request.method == "POST" else None, base=plan.current_number
    )
    form.text.label.text = f"Section {letter}: {SECTIONS[letter]}"
    error = current_text = None
    if request.method == "GET":
        form.text.data = content.text_sections.get(letter, "")
    elif form.validate():
        text = service.normalise_text(form.text.data or "").strip()
        try:
            version = service.change_plan(
                plan,
                current_user,
                base_number=form.base.data or 0,
                target=editing.text_target(letter),
                change=lambda c: editing.set_text_section(c, letter, text),
                summary=f"Changed Section {letter}",
            )
        except service.PlanStale as exc:
            error = str(exc)
            _rebase(form, plan)
            now = service.content_of(service.get_version(plan, plan.current_number))
            current_text = now.text_sections.get(letter, "")
        except service.PlanError as exc:
            error = str(exc)
        else:
            if version is not None:
                record(current_user, found, "edited", "plan", label=version.summary)
            flash(f"Saved Section {letter}.", "success")
            return redirect(url_for(".plan_page", child=found.slug) + f"#section-{letter}")
    return render_template(
        "plans/text.html",
        child=found,
        plan=plan,
        letter=letter,
        form=form,
        error=error,
        current_text=current_text,
    ), (400 if request.method == "POST" else 200)


# Versions ----------------------------------------------------------------------------------


@bp.get("/c/<child>/plan/versions")
@login_required
def version_list(child: str):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    writer = _writer(found)
    return render_template(
        "plans/versions.html",
        child=found,
        plan=plan,
        writer=writer,
        versions=service.versions(plan, issued_only=not writer),
    )


@bp.get("/c/<child>/plan/versions/<int:number>")
@login_required
def version_page(child: str, number: int):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    version = _visible_version_or_404(plan, found, number)
    _viewed(found, plan)
    return render_template(
        "plans/version.html",
        **_content_context(found, service.content_of(version), editable=False),
        plan=plan,
        version=version,
        writer=_writer(found),
    )


@bp.get("/c/<child>/plan/versions/<int:old>/diff/<int:new>")
@login_required
def version_diff(child: str, old: int, new: int):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    before = _visible_version_or_404(plan, found, old)
    after = _visible_version_or_404(plan, found, new)
    _viewed(found, plan)
    diff = diff_texts(
        "\n".join(plain_lines(service.content_of(before))),
        "\n".join(plain_lines(service.content_of(after))),
    )
    return render_template(
        "plans/diff.html",
        child=found,
        plan=plan,
        before=before,
        after=after,
        diff=diff,
        inline_segments=inline_segments,
    )


# Family review -----------------------------------------------------------------------------


@bp.post("/c/<child>/plan/comments")
@login_required
def comment(child: str):
    found = child_or_404(current_user, child, REVIEW_PLAN)
    plan = _plan_or_404(found)
    form = CommentForm()
    section = form.section.data if form.section.data in SECTIONS else None
    if section is None:
        abort(400)
    error = None
    if form.validate():
        try:
            service.add_comment(plan, current_user, section=section, body=form.body.data)
        except service.PlanError as exc:
            error = str(exc)
        else:
            record(current_user, found, "commented", "plan", label=f"Section {section}")
            flash(
                f"Your comment on Section {section} is saved. The caseworker will see it.",
                "success",
            )
            return redirect(url_for(".plan_page", child=found.slug) + f"#section-{section}")
    return render_template(
        "plans/comment.html",
        child=found,
        plan=plan,
        form=form,
        section=section,
        sections=SECTIONS,
        error=error,
    ), 400


@bp.route("/c/<child>/plan/suggest/<target>", methods=["GET", "POST"])
@login_required
def suggest(child: str, target: str):
    found = child_or_404(current_user, child, REVIEW_PLAN)
    plan = _plan_or_404(found)
    if plan.issued_number is None:
        abort(404)
    issued = service.content_of(service.get_version(plan, plan.issued_number))
    current_text = editing.main_text(issued, target)
    section = editing.section_of(issued, target)
    if current_text is None or section is None:
        abort(404)
    form = SuggestForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.proposed.data = current_text
    error = None
    if request.method == "POST" and form.validate():
        try:
            service.propose_amendment(
                plan,
                current_user,
                target=target,
                proposed=form.proposed.data,
                reason=form.reason.data or "",
            )
        except service.PlanError as exc:
            error = str(exc)
        else:
            record(current_user, found, "suggested", "plan", label=f"Section {section}")
            flash("Your suggested wording is sent to the caseworker.", "success")
            return redirect(url_for(".plan_page", child=found.slug) + f"#section-{section}")
    return render_template(
        "plans/suggest.html",
        child=found,
        plan=plan,
        target=target,
        section=section,
        sections=SECTIONS,
        current_text=current_text,
        form=form,
        error=error,
        window=_window(plan),
    ), (400 if request.method == "POST" else 200)


def _amendment_or_404(plan: Plan, amendment_id: int):
    amendment = service.get_amendment(plan, amendment_id)
    if amendment is None:
        abort(404)
    return amendment


def _settle(child: str, amendment_id: int, permission: str, settle, action: str, done: str):
    """Accept (caseworker) or agree (family) one suggestion, from a button."""
    found = child_or_404(current_user, child, permission)
    plan = _plan_or_404(found)
    amendment = _amendment_or_404(plan, amendment_id)
    if not StartForm().validate():
        abort(400)
    try:
        settle(plan, amendment, current_user)
    except service.PlanError as exc:
        flash(str(exc), "warning")
    else:
        record(current_user, found, action, "plan", label=f"Section {amendment.section}")
        flash(done, "success")
    return redirect(url_for(".plan_page", child=found.slug) + "#suggestions")


@bp.post("/c/<child>/plan/suggestions/<int:amendment_id>/accept")
@login_required
def accept(child: str, amendment_id: int):
    return _settle(
        child,
        amendment_id,
        WRITE_PLAN,
        service.accept_amendment,
        "accepted",
        "The family's wording is in the plan now. Issue a new draft when ready.",
    )


@bp.route("/c/<child>/plan/suggestions/<int:amendment_id>/decline", methods=["GET", "POST"])
@login_required
def decline(child: str, amendment_id: int):
    found = child_or_404(current_user, child, WRITE_PLAN)
    plan = _plan_or_404(found)
    amendment = _amendment_or_404(plan, amendment_id)
    form = DeclineForm(formdata=request.form if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.validate():
        try:
            service.decline_amendment(plan, amendment, current_user, reason=form.reason.data)
        except service.PlanError as exc:
            error = str(exc)
        else:
            record(current_user, found, "declined", "plan", label=f"Section {amendment.section}")
            flash(
                "Declined. The family sees your reason, and the point stays on the "
                "working document until it is agreed.",
                "success",
            )
            return redirect(url_for(".plan_page", child=found.slug) + "#suggestions")
    return render_template(
        "plans/decline.html",
        child=found,
        plan=plan,
        amendment=amendment,
        form=form,
        error=error,
    ), (400 if request.method == "POST" else 200)


@bp.post("/c/<child>/plan/suggestions/<int:amendment_id>/agree")
@login_required
def agree(child: str, amendment_id: int):
    return _settle(
        child,
        amendment_id,
        REVIEW_PLAN,
        service.agree_amendment,
        "agreed",
        "Marked as agreed. It is no longer on the working document.",
    )


@bp.get("/c/<child>/plan/working-document")
@login_required
def working_document(child: str):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    _viewed(found, plan)
    return render_template(
        "plans/working.html",
        child=found,
        plan=plan,
        points=service.working_document(
            plan, plan.current_number if _writer(found) else plan.issued_number
        ),
        sections=SECTIONS,
        inline_segments=inline_segments,
    )


# Print and PDF -----------------------------------------------------------------------------


def _document(found: Child, plan: Plan, *, for_pdf: bool) -> tuple[PlanDocument, PlanVersion]:
    number = request.args.get("version", type=int)
    version = (
        _visible_version_or_404(plan, found, number) if number else _shown_version(plan, found)
    )
    if version is None:
        abort(404)
    label = version.label or "Working version (not issued)"

    def page_link(block: SectionABlock) -> str | None:
        if block.page_slug and block.revision:
            return url_for(
                "wiki.view_revision", child=found.slug, page=block.page_slug, number=block.revision
            )
        return None

    doc = PlanDocument(
        child_name=found.name,
        preferred_name=found.preferred_name,
        date_of_birth=found.date_of_birth,
        council_name=found.council.name,
        version_label=label,
        version_number=version.number,
        dated=version.created_at.date(),
        content=service.content_of(version),
        page_link=None if for_pdf else page_link,
    )
    return doc, version


@bp.get("/c/<child>/plan/print")
@login_required
def print_view(child: str):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    doc, _version = _document(found, plan, for_pdf=False)
    _viewed(found, plan)
    return render_document_html(
        doc, for_pdf=False, back_url=url_for(".plan_page", child=found.slug)
    )


@bp.get("/c/<child>/plan/export.pdf")
@login_required
def export_pdf(child: str):
    found = child_or_404(current_user, child, VIEW_PLAN)
    plan = _plan_or_404(found)
    doc, version = _document(found, plan, for_pdf=True)
    record(current_user, found, "downloaded", "plan", target_id=plan.id, label=doc.version_label)
    name = f"ehc-plan-{found.slug}-v{version.number}.pdf"
    return Response(
        plan_pdf(doc),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
