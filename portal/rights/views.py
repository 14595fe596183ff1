"""`/c/<child>/data`: the owner's copy of everything, and erasing everything.

Only the owner (a parent or carer) may use these addresses; anyone else gets 404, as
everywhere under /c/<child>/. The `erase-due` command lives here too.
"""

from __future__ import annotations

import os

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from media.storage import storage_for
from portal.access import OWN_DATA, child_or_404
from portal.audit import record
from portal.extensions import limiter
from portal.rights import service
from portal.rights.export import build_export, download_name
from portal.rights.forms import EraseForm

# cli_group=None: `flask --app portal erase-due`, not `flask rights erase-due`.
bp = Blueprint("rights", __name__, cli_group=None)


def _limit_key() -> str:
    # Per person, so a family behind one school or office address is not held up.
    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id else get_remote_address()


def _date(moment) -> str:
    return moment.strftime("%-d %B %Y")


def _render(child, *, form: EraseForm | None = None, error: str | None = None, status=200):
    return render_template(
        "rights/data.html",
        child=child,
        pending=service.pending_request(child.id),
        erase_form=form or EraseForm(formdata=None),
        error=error,
        grace_days=service.grace_days(current_app),
        format_date=_date,
    ), status


@bp.get("/c/<child>/data")
@login_required
def data_page(child: str):
    return _render(child_or_404(current_user, child, OWN_DATA))


@bp.post("/c/<child>/data/export")
@limiter.limit(
    lambda: current_app.config.get("EXPORT_RATE_LIMIT", "10 per hour"), key_func=_limit_key
)
@login_required
def export(child: str):
    found = child_or_404(current_user, child, OWN_DATA)
    output = build_export(
        found, storage_for(current_app), temp_dir=current_app.config.get("EXPORT_TEMP_DIR")
    )
    try:
        size = os.fstat(output.fileno()).st_size
        record(current_user, found, "downloaded", "export")
        response = send_file(
            output,
            mimetype="application/zip",
            as_attachment=True,
            download_name=download_name(found),
            conditional=False,
            max_age=0,
        )
    except BaseException:
        output.close()
        raise
    # The response closes the file when it is sent (or the download is abandoned), and
    # an unnamed temporary file is gone from the disk once it is closed.
    response.content_length = size
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/c/<child>/data/erase")
@login_required
def request_erasure(child: str):
    found = child_or_404(current_user, child, OWN_DATA)
    form = EraseForm()
    if not form.validate_on_submit():
        return _render(found, form=form, status=400)
    if service.pending_request(found.id) is not None:
        return redirect(url_for("rights.data_page", child=found.slug), code=303)
    if not service.names_match(form.confirm_name.data or "", found):
        form.confirm_name.errors = [f"Type {found.name} exactly as it is written here."]
        return _render(found, form=form, status=400)
    days = service.grace_days(current_app)
    pending = service.request_erasure(found, current_user, days=days)
    flash(
        f"Everything about {found.display_name} will be erased on "
        f"{_date(pending.erase_after)}. Until then you can change your mind on this page.",
        "success",
    )
    return redirect(url_for("rights.data_page", child=found.slug), code=303)


@bp.post("/c/<child>/data/erase/cancel")
@login_required
def cancel_erasure(child: str):
    found = child_or_404(current_user, child, OWN_DATA)
    if not FlaskForm().validate_on_submit():
        return _render(found, status=400)
    if service.cancel_erasure(found):
        flash(f"Erasing stopped. Nothing about {found.display_name} will be erased.", "success")
    return redirect(url_for("rights.data_page", child=found.slug), code=303)


@bp.app_template_global("erasure_pending")
def erasure_pending(child):
    """For any page that wants to warn members: the waiting erasure request, if any
    (see templates/rights/_erasure_notice.html)."""
    return service.pending_request(child.id)


@bp.cli.command("erase-due")
@click.option("--dry-run", is_flag=True, help="Only list the children that are due.")
def erase_due_command(dry_run: bool) -> None:
    """Erase every child whose erasure request has waited out its grace period."""
    if dry_run:
        for found in service.due_requests():
            click.echo(f"due: child {found.child_id} (asked {found.requested_at.isoformat()})")
        return
    reports = service.erase_due(storage_for(current_app))
    for report in reports:
        rows = sum(report.rows_deleted.values())
        click.echo(
            f"erased child {report.child_id}: {rows} rows, {report.objects_deleted} stored files"
        )
    click.echo(f"{len(reports)} erased.")
