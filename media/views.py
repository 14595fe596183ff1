"""The media library over HTTP: list, upload, links, one item, its files."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer

from media import service
from media.embeds import expand_embeds
from media.forms import SHARING_CHOICES, DetailsForm, LinkForm, ReplaceForm, UploadForm
from media.jobs import enqueue_processing
from media.kinds import ACCEPTED_SUMMARY, EXTENSION_FOR_MIME
from media.models import FAILED, KIND_LABELS, ORIGINAL, READY, MediaItem
from media.results import CLEAN_ORIGINAL, DISPLAY, PLAYABLE, POSTER, THUMB, Rejected
from media.serving import file_response
from media.storage import S3Storage, new_key, storage_for
from portal.access import (
    ADD_MEDIA,
    CHANGE_VISIBILITY,
    EDIT_WIKI,
    can,
    child_or_404,
    visible_visibilities,
)
from portal.audit import record as record_event
from portal.extensions import csrf

bp = Blueprint("media", __name__, url_prefix="/c/<child>/media")

INLINE_FILES = (THUMB, DISPLAY, POSTER, PLAYABLE)


@dataclass(frozen=True)
class MediaContext:
    """Who is looking at which child's library, and what they may do there."""

    child: object
    visibilities: frozenset[str]
    can_edit: bool
    can_add: bool  # the plan team may add (advice, uploads on the family's behalf)
    can_share: bool

    @property
    def new_item_visibility(self) -> str:
        """What the plan team adds is shared with the team, or they could not see it."""
        return "family" if "family" in self.visibilities else "team"


def media_context(child_slug: str) -> MediaContext:
    child = child_or_404(current_user, child_slug)
    return MediaContext(
        child=child,
        visibilities=visible_visibilities(current_user, child),
        can_edit=can(current_user, EDIT_WIKI, child),
        can_add=can(current_user, ADD_MEDIA, child),
        can_share=can(current_user, CHANGE_VISIBILITY, child),
    )


def item_or_404(context: MediaContext, item_id: int, *, allow_deleted=False) -> MediaItem:
    """An item of this child the viewer may see; deleted ones only for editors."""
    item = service.get_item(context.child.id, item_id)
    if item is None or item.visibility not in context.visibilities:
        abort(404)
    if item.deleted and not (allow_deleted and context.can_edit):
        abort(404)
    return item


def limits() -> dict[str, int]:
    return {**service.DEFAULT_LIMITS, **(current_app.config.get("MEDIA_MAX_BYTES") or {})}


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("")
@login_required
def library(child: str):
    context = media_context(child)
    kind = request.args.get("kind")
    show_deleted = request.args.get("deleted") == "1" and context.can_edit
    items = service.library(context.child.id, context.visibilities, kind=kind, deleted=show_deleted)
    return _render_library(context, items, kind=kind, show_deleted=show_deleted)


def _render_library(context, items, *, kind=None, show_deleted=False, status=200, **forms):
    return render_template(
        "media/library.html",
        context=context,
        items=items,
        kind=kind if kind in KIND_LABELS else None,
        kind_labels=KIND_LABELS,
        show_deleted=show_deleted,
        upload_form=forms.get("upload_form") or UploadForm(formdata=None),
        link_form=forms.get("link_form") or LinkForm(formdata=None),
        upload_errors=forms.get("upload_errors", []),
        link_error=forms.get("link_error"),
        accepted=ACCEPTED_SUMMARY,
        max_video_mb=limits()["video"] // service.MB,
        direct_upload=isinstance(storage_for(current_app), S3Storage),
    ), status


@bp.post("")
@csrf.exempt  # the form below checks the token, once the bigger limit is in place
@login_required
def upload(child: str):
    context = media_context(child)
    if not context.can_add:
        abort(404)
    # Only uploads take big bodies (Werkzeug spools files to disk, never to memory). The
    # app-wide CSRF check would read the body first under the small limit, so these
    # views are exempt from it and UploadForm checks the token instead.
    request.max_content_length = current_app.config["MEDIA_MAX_UPLOAD_BYTES"]
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    errors, added = [], []
    if not files:
        errors.append("Choose at least one file to add.")
    title = form.title.data if len(files) == 1 else ""
    for file in files:
        try:
            item = service.add_file(
                child_id=context.child.id,
                user_id=current_user.id,
                upload=service.Upload(stream=file.stream, filename=file.filename),
                title=title or (f"{form.title.data} ({file.filename})" if form.title.data else ""),
                alt_text=form.alt.data or "",
                storage=storage_for(current_app),
                limits=limits(),
                visibility=context.new_item_visibility,
            )
        except Rejected as rejected:
            errors.append(f"{file.filename}: {rejected}")
            continue
        added.append(item)
        record_event(
            current_user, context.child, "uploaded", "media", target_id=item.id, label=item.title
        )
        enqueue_processing(current_app, item.id)
    if added:
        flash(_added_message(added), "success")
    if errors:
        if wants_json():
            return jsonify(errors=errors, added=len(added)), 400
        return _render_library(
            context,
            service.library(context.child.id, context.visibilities),
            upload_form=form,
            upload_errors=errors,
            status=400,
        )
    target = (
        url_for("media.item", child=child, item_id=added[0].id)
        if len(added) == 1
        else url_for("media.library", child=child)
    )
    if wants_json():
        return jsonify(location=target)
    return redirect(target, code=303)


def _added_message(added: list[MediaItem]) -> str:
    failed = [i for i in added if i.status == FAILED]
    message = "Added 1 item." if len(added) == 1 else f"Added {len(added)} items."
    if failed:
        message += f" {len(failed)} could not be prepared; you can try again or replace it."
    return message


@bp.post("/links")
@login_required
def add_link(child: str):
    context = media_context(child)
    if not context.can_add:
        abort(404)
    form = LinkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        item = service.add_link(
            child_id=context.child.id,
            user_id=current_user.id,
            url=form.url.data or "",
            title=form.title.data or "",
            alt_text=form.alt.data or "",
            visibility=context.new_item_visibility,
        )
    except Rejected as rejected:
        return _render_library(
            context,
            service.library(context.child.id, context.visibilities),
            link_form=form,
            link_error=str(rejected),
            status=400,
        )
    record_event(
        current_user, context.child, "uploaded", "media", target_id=item.id, label=item.title
    )
    flash("Link added.", "success")
    return redirect(url_for("media.item", child=child, item_id=item.id), code=303)


@bp.get("/<int:item_id>")
@login_required
def item(child: str, item_id: int):
    context = media_context(child)
    found = item_or_404(context, item_id, allow_deleted=True)
    record_event(
        current_user, context.child, "viewed", "media", target_id=found.id, label=found.title
    )
    return _render_item(context, found)


def _render_item(context, found, *, details_form=None, error=None, status=200):
    form = details_form or DetailsForm(
        formdata=None,
        data={"title": found.title, "alt": found.alt_text, "visibility": found.visibility},
    )
    if not context.can_share:
        del form.visibility
    return render_template(
        "media/item.html",
        context=context,
        item=found,
        files=found.current_files(),
        details_form=form,
        replace_form=ReplaceForm(formdata=None),
        sharing_choices=SHARING_CHOICES,
        error=error,
        READY=READY,
        FAILED=FAILED,
    ), status


@bp.get("/<int:item_id>/status")
@login_required
def item_status(child: str, item_id: int):
    """For the page's script: is the item ready yet?"""
    context = media_context(child)
    found = item_or_404(context, item_id, allow_deleted=True)
    return jsonify(status=found.status, reason=found.failure_reason)


@bp.post("/<int:item_id>")
@login_required
def update_item(child: str, item_id: int):
    context = media_context(child)
    if not context.can_edit:
        abort(404)
    found = item_or_404(context, item_id, allow_deleted=True)
    form = DetailsForm()
    if not context.can_share:
        del form.visibility
    if not form.validate_on_submit():
        return _render_item(context, found, details_form=form, status=400)
    was_shared = found.visibility
    try:
        service.update_details(
            found,
            title=form.title.data or "",
            alt_text=form.alt.data or "",
            visibility=form.visibility.data if context.can_share else found.visibility,
        )
    except Rejected as rejected:
        return _render_item(context, found, details_form=form, error=str(rejected), status=400)
    if found.visibility != was_shared:
        action = "shared" if found.visibility == "team" else "unshared"
    else:
        action = "details"
    record_event(
        current_user, context.child, action, "media", target_id=found.id, label=found.title
    )
    flash("Saved.", "success")
    return redirect(url_for("media.item", child=child, item_id=item_id), code=303)


@bp.post("/<int:item_id>/replace")
@csrf.exempt  # the form below checks the token, once the bigger limit is in place
@login_required
def replace_item(child: str, item_id: int):
    context = media_context(child)
    if not context.can_edit:
        abort(404)
    request.max_content_length = current_app.config["MEDIA_MAX_UPLOAD_BYTES"]
    found = item_or_404(context, item_id)
    form = ReplaceForm()
    if not form.validate_on_submit():
        abort(400)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    if found.kind == "link" or len(files) != 1:
        return _render_item(
            context, found, error="Choose one file to put in its place.", status=400
        )
    try:
        service.replace_file(
            found,
            upload=service.Upload(stream=files[0].stream, filename=files[0].filename),
            storage=storage_for(current_app),
            limits=limits(),
        )
    except Rejected as rejected:
        return _render_item(context, found, error=str(rejected), status=400)
    record_event(
        current_user, context.child, "replaced", "media", target_id=found.id, label=found.title
    )
    enqueue_processing(current_app, found.id)
    flash("File replaced. The old one is kept in the history.", "success")
    return redirect(url_for("media.item", child=child, item_id=item_id), code=303)


def _button_post(context: MediaContext) -> None:
    if not context.can_edit:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.post("/<int:item_id>/delete")
@login_required
def delete_item(child: str, item_id: int):
    context = media_context(child)
    _button_post(context)
    found = item_or_404(context, item_id)
    service.set_deleted(found, True)
    record_event(
        current_user, context.child, "deleted", "media", target_id=found.id, label=found.title
    )
    flash(f"“{found.title}” was deleted. You can bring it back from Deleted items.", "success")
    return redirect(url_for("media.library", child=child), code=303)


@bp.post("/<int:item_id>/restore")
@login_required
def restore_item(child: str, item_id: int):
    context = media_context(child)
    _button_post(context)
    found = item_or_404(context, item_id, allow_deleted=True)
    service.set_deleted(found, False)
    record_event(
        current_user, context.child, "undeleted", "media", target_id=found.id, label=found.title
    )
    flash(f"“{found.title}” is back.", "success")
    return redirect(url_for("media.item", child=child, item_id=item_id), code=303)


@bp.post("/<int:item_id>/retry")
@login_required
def retry_item(child: str, item_id: int):
    context = media_context(child)
    _button_post(context)
    found = item_or_404(context, item_id)
    if found.status != FAILED:
        return redirect(url_for("media.item", child=child, item_id=item_id), code=303)
    service.mark_for_retry(found)
    enqueue_processing(current_app, found.id)
    return redirect(url_for("media.item", child=child, item_id=item_id), code=303)


@bp.get("/<int:item_id>/file/<name>")
@login_required
def item_file(child: str, item_id: int, name: str):
    context = media_context(child)
    found = item_or_404(context, item_id)
    files = found.current_files()
    if name in INLINE_FILES and name in files:
        stored = files[name]
        return file_response(
            storage_for(current_app),
            stored,
            as_attachment=False,
            download_name=service.safe_download_name(found.title, _extension(stored.mime)),
        )
    if name == "download":
        stored = downloadable(found)
        if stored is None:
            abort(404)
        record_event(
            current_user,
            context.child,
            "downloaded",
            "media",
            target_id=found.id,
            label=found.title,
        )
        return file_response(
            storage_for(current_app),
            stored,
            as_attachment=True,
            download_name=service.safe_download_name(found.title, _extension(stored.mime)),
        )
    abort(404)


def downloadable(found: MediaItem):
    """The file members may download as "the original": the copy without metadata, or
    a document as uploaded. A photo's raw upload (with GPS) is never handed out."""
    files = found.current_files()
    if CLEAN_ORIGINAL in files:
        return files[CLEAN_ORIGINAL]
    if found.kind == "document" and ORIGINAL in files:
        return files[ORIGINAL]
    return None


def _extension(mime: str) -> str:
    # Renditions are ours (JPEG, PNG, MP4, M4A); originals keep their real type's name.
    return {**EXTENSION_FOR_MIME, "audio/webm": "webm"}.get(mime, "bin")


@bp.get("/<int:item_id>/embed")
@login_required
def embed_picture(child: str, item_id: int):
    """Where a page's `![..](media:ID)` points: the picture, or a video's poster."""
    context = media_context(child)
    found = item_or_404(context, item_id)
    files = found.current_files()
    for name in (DISPLAY, POSTER, THUMB):
        if name in files:
            return redirect(
                url_for(
                    "media.item_file", child=child, item_id=item_id, name=name, v=found.generation
                )
            )
    abort(404)


@bp.app_template_filter("with_media")
def with_media(page_html: str, context) -> str:
    """`{{ html|with_media(context) }}` in wiki templates: embeds drawn for this viewer."""
    return expand_embeds(
        page_html,
        child_id=context.child.id,
        child_slug=context.child.slug,
        visibilities=context.visibilities,
    )


# --- straight to S3 -------------------------------------------------------------------
# With S3 storage and JavaScript, a file goes from the phone to the store, never through
# this process: the page asks for a presigned POST (the store itself refuses anything
# over the limit), uploads, then asks us to check what arrived.

DIRECT_UPLOAD_SECONDS = 3600


def _direct_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="media-direct-upload")


@bp.post("/direct")
@login_required
def direct_start(child: str):
    context = media_context(child)
    storage = storage_for(current_app)
    if not context.can_add or not isinstance(storage, S3Storage):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    key = new_key("originals/")
    post = storage.presigned_post(
        key, max_bytes=max(limits().values()), expires_seconds=DIRECT_UPLOAD_SECONDS
    )
    token = _direct_serializer().dumps(
        {"child": context.child.id, "user": current_user.id, "key": key}
    )
    return jsonify(url=post["url"], fields=post["fields"], token=token)


@bp.post("/direct/done")
@login_required
def direct_done(child: str):
    context = media_context(child)
    storage = storage_for(current_app)
    if not context.can_add or not isinstance(storage, S3Storage):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        ticket = _direct_serializer().loads(
            request.form.get("token", ""), max_age=DIRECT_UPLOAD_SECONDS
        )
    except BadSignature:
        return jsonify(errors=["This upload took too long. Please add the file again."]), 400
    if ticket.get("child") != context.child.id or ticket.get("user") != current_user.id:
        abort(404)
    filename = request.form.get("filename", "")
    try:
        found = service.add_stored_file(
            child_id=context.child.id,
            user_id=current_user.id,
            key=ticket["key"],
            filename=filename,
            title=request.form.get("title", ""),
            alt_text=request.form.get("alt", ""),
            storage=storage,
            limits=limits(),
            visibility=context.new_item_visibility,
        )
    except Rejected as rejected:
        return jsonify(errors=[f"{filename}: {rejected}"]), 400
    record_event(
        current_user, context.child, "uploaded", "media", target_id=found.id, label=found.title
    )
    enqueue_processing(current_app, found.id)
    flash(_added_message([found]), "success")
    return jsonify(location=url_for("media.item", child=child, item_id=found.id))
