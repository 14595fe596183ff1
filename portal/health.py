"""GET /healthz: does the database answer, and can we write to storage?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from media.storage import StorageUnavailable, storage_for
from portal.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {"database": "ok", "storage": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; details go to the log, not the world
        current_app.logger.exception("health check: database")
        checks["database"] = "error"
        db.session.rollback()
    try:
        storage_for(current_app).check()
    except StorageUnavailable:
        current_app.logger.exception("health check: storage")
        checks["storage"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "error", **checks), 200 if healthy else 503
