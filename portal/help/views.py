"""Short, easy-read guides for families getting started (open to everyone)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

bp = Blueprint("help", __name__, url_prefix="/help")

GUIDES = {
    "getting-started": "Getting started",
    "photos-and-recordings": "Adding photos, videos and recordings",
    "sharing": "Sharing with the plan team",
    "inviting-people": "Inviting family and professionals",
}


@bp.get("/")
def index():
    return render_template("help/index.html", guides=GUIDES)


@bp.get("/<slug>")
def guide(slug: str):
    if slug not in GUIDES:
        abort(404)
    return render_template(f"help/{slug}.html", title=GUIDES[slug], guides=GUIDES)
