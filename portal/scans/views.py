"""Scanned paper forms over HTTP. `/admin/scans`: a SEND administrator uploads scans
for a child of their council, checks the text OCR found and publishes it to the
child's wiki. `/c/<child>/paper-forms/<id>`: the family checks it and confirms it."""

from __future__ import annotations

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

from media import service as media_service
from media.jobs import enqueue_processing
from media.ocr import ocr_available
from media.scans import ACCEPTED
from media.serving import file_response
from media.storage import storage_for
from portal import audit
from portal.access import CHECK_PAPER_FORMS, child_or_404, council_admin_or_404
from portal.extensions import csrf
from portal.scans import publishing, service
from portal.scans.models import FORM_TYPES, UPLOADED, ScannedForm
from portal.scans.notices import tell_family
from portal.scans.reading import start_reading
from wiki.service import get_revision, revision_html
from wiki.views import context_for

bp = Blueprint("scans", __name__, url_prefix="/admin/scans")
family_bp = Blueprint("paper_forms", __name__, url_prefix="/c/<child>/paper-forms")

ACCEPT = "application/pdf,image/jpeg,image/png,image/tiff,.pdf,.jpg,.jpeg,.png,.tif,.tiff"


def max_scan_bytes() -> int:
    return int(current_app.config.get("SCAN_MAX_BYTES", service.DEFAULT_MAX_BYTES))


def record_event(scan: ScannedForm, action: str) -> None:
    """One line of the child's audit trail about this scan, by the person asking."""
    audit.record(current_user, scan.child, action, "scan", target_id=scan.id, label=scan.form_label)


def scan_or_404(scan_id: int) -> ScannedForm:
    """One of the administrator's own council's scans; 404 for anyone else."""
    council_id = council_admin_or_404(current_user)
    scan = service.council_scan(council_id, scan_id)
    if scan is None:
        abort(404)
    return scan


@bp.get("")
@login_required
def scan_list():
    return _render_list(council_admin_or_404(current_user), chosen={})


def _render_list(council_id: int, *, chosen: dict, errors=(), status: int = 200):
    return render_template(
        "scans/list.html",
        rows=service.council_scans(council_id),
        children=service.council_children(council_id),
        form_types=FORM_TYPES,
        chosen=chosen,
        errors=list(errors),
        accept=ACCEPT,
        accepted=ACCEPTED,
        ocr=ocr_available(),
    ), status


@bp.post("")
@csrf.exempt  # the form below checks the token, once the bigger limit is in place
@login_required
def upload():
    council_id = council_admin_or_404(current_user)
    # As media uploads: Werkzeug spools big files to disk, and the token is checked here.
    request.max_content_length = current_app.config["MEDIA_MAX_UPLOAD_BYTES"]
    if not FlaskForm().validate_on_submit():
        abort(400)
    chosen = {key: request.form.get(key, "") for key in ("child", "form_type")}
    files = [f for f in request.files.getlist("file") if f and f.filename]
    try:
        added, errors = service.add_scans(
            council_id=council_id,
            child_id=request.form.get("child", type=int),
            form_type=chosen["form_type"],
            uploads=[service.Upload(stream=f.stream, filename=f.filename) for f in files],
            user=current_user,
            storage=storage_for(current_app),
            max_bytes=max_scan_bytes(),
        )
    except service.ScanError as error:
        return _render_list(council_id, chosen=chosen, errors=[str(error)], status=400)
    for scan in added:
        record_event(scan, "uploaded")
        start_reading(current_app, scan.id)
    if added:
        flash(_uploaded_message(added), "success")
    if errors:
        return _render_list(council_id, chosen=chosen, errors=errors, status=400)
    if len(added) == 1:
        return redirect(url_for("scans.review", scan_id=added[0].id), code=303)
    return redirect(url_for("scans.scan_list"), code=303)


def _uploaded_message(added: list[ScannedForm]) -> str:
    message = "Uploaded 1 scan." if len(added) == 1 else f"Uploaded {len(added)} scans."
    if any(scan.status == UPLOADED for scan in added):
        message += " Its pages are being read: this page shows how far it has got."
    return message


@bp.get("/<int:scan_id>")
@login_required
def review(scan_id: int):
    scan = scan_or_404(scan_id)
    record_event(scan, "viewed")
    return _render_review(scan)


def _render_review(scan, *, texts=None, destination=None, error=None, status=200):
    return render_template(
        "scans/review.html",
        scan=scan,
        texts=texts or {page.number: page.text for page in scan.pages},
        destination=destination or publishing.Destination(title=publishing.default_title(scan)),
        destinations=publishing.destinations(),
        pages_done=service.pages_done(scan),
        error=error,
        published_page=publishing.published_page(scan),
    ), status


@bp.post("/<int:scan_id>")
@login_required
def save(scan_id: int):
    scan = scan_or_404(scan_id)
    texts, destination = _typed(scan)
    publish = request.form.get("action") == "publish"
    try:
        service.save_corrections(scan, texts, request.form.get("version", type=int))
        if publish:
            published = publishing.publish(
                scan,
                user=current_user,
                destination=destination,
                storage=storage_for(current_app),
                media_limits=_media_limits(),
            )
    except service.ScanError as error:
        status = 409 if isinstance(error, service.StaleScan) else 400
        return _render_review(
            scan, texts=texts, destination=destination, error=str(error), status=status
        )
    if publish:
        _after_publishing(scan, published)
    else:
        flash("Your corrections are saved.", "success")
    return redirect(url_for("scans.review", scan_id=scan.id), code=303)


def _typed(scan: ScannedForm) -> tuple[dict[int, str], publishing.Destination]:
    """What the administrator typed: each page's text, and where to publish it."""
    texts = {page.number: request.form.get(f"page-{page.number}", page.text) for page in scan.pages}
    destination = publishing.Destination(
        target=request.form.get("target", publishing.NEW_PAGE),
        title=request.form.get("title", "")[:300],
    )
    return texts, destination


def _media_limits() -> dict[str, int]:
    """The library's limits, raised for documents and pictures to the scan limit: a
    scan we took must fit in the library it is attached to."""
    limits = {**media_service.DEFAULT_LIMITS, **(current_app.config.get("MEDIA_MAX_BYTES") or {})}
    for kind in ("document", "image"):
        limits[kind] = max(limits[kind], max_scan_bytes())
    return limits


def _after_publishing(scan: ScannedForm, published: publishing.Published) -> None:
    record_event(scan, "published")
    enqueue_processing(current_app, published.item.id)
    told = tell_family(scan)
    family = f"We emailed {told} of the family" if told else "The family will see it"
    flash(
        f"Published as the page “{published.page.title}”. {family}: they can now check it.",
        "success",
    )


@bp.post("/<int:scan_id>/read-again")
@login_required
def read_again(scan_id: int):
    scan = scan_or_404(scan_id)
    if service.read_again(scan):
        start_reading(current_app, scan.id)
        flash("Reading the pages again.", "success")
    return redirect(url_for("scans.review", scan_id=scan.id), code=303)


@bp.get("/<int:scan_id>/pages/<int:number>")
@login_required
def page_picture(scan_id: int, number: int):
    return _picture_response(scan_or_404(scan_id), number)


@bp.get("/<int:scan_id>/original")
@login_required
def original(scan_id: int):
    scan = scan_or_404(scan_id)
    record_event(scan, "downloaded")
    extension = {"application/pdf": "pdf", "image/tiff": "tif", "image/png": "png"}
    return file_response(
        storage_for(current_app),
        service.original_of(scan),
        as_attachment=True,
        download_name=f"scan-{scan.id}.{extension.get(scan.original_mime, 'jpg')}",
    )


def _picture_response(scan: ScannedForm, number: int):
    page = service.scan_page(scan, number)
    if page is None:
        abort(404)
    return file_response(
        storage_for(current_app),
        page,
        as_attachment=False,
        download_name=f"scan-{scan.id}-page-{number}.jpg",
    )


# --- the family -----------------------------------------------------------------------


def family_scan_or_404(child_slug: str, scan_id: int):
    child = child_or_404(current_user, child_slug, CHECK_PAPER_FORMS)
    scan = publishing.family_scan(child.id, scan_id)
    if scan is None:
        abort(404)
    return child, scan


@family_bp.get("/<int:scan_id>")
@login_required
def check(child: str, scan_id: int):
    found, scan = family_scan_or_404(child, scan_id)
    record_event(scan, "viewed")
    context = context_for(found, current_user)
    page = publishing.published_page(scan)
    html = None
    if page is not None and not page.deleted:
        html = revision_html(get_revision(page, page.current_number), context.link_base)
    return render_template("scans/check.html", context=context, scan=scan, page=page, html=html)


@family_bp.post("/<int:scan_id>/confirm")
@login_required
def confirm(child: str, scan_id: int):
    found, scan = family_scan_or_404(child, scan_id)
    try:
        newly = publishing.confirm(scan, user=current_user)
    except service.ScanError as error:
        flash(str(error), "error")
        return redirect(url_for("paper_forms.check", child=child, scan_id=scan_id), code=303)
    if newly:
        record_event(scan, "confirmed")
    flash("Thank you. We have noted that the typed-up form is right.", "success")
    return redirect(url_for("paper_forms.check", child=child, scan_id=scan_id), code=303)


@family_bp.get("/<int:scan_id>/pages/<int:number>")
@login_required
def family_page_picture(child: str, scan_id: int, number: int):
    _, scan = family_scan_or_404(child, scan_id)
    return _picture_response(scan, number)
