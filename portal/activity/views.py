"""`/c/<child>/activity`: the family's view of who looked at and changed what."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from portal.access import VIEW_ACTIVITY, child_or_404
from portal.activity.service import child_activity

bp = Blueprint("activity", __name__)


@bp.get("/c/<child>/activity")
@login_required
def child_activity_page(child: str):
    found = child_or_404(current_user, child, VIEW_ACTIVITY)
    page = max(request.args.get("p", 1, type=int) or 1, 1)
    lines, has_more = child_activity(found.id, page=page)
    return render_template(
        "activity/child.html", child=found, lines=lines, page_number=page, has_more=has_more
    )
