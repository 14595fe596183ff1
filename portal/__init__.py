"""Golden Thread: the application factory."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from portal.config import config_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None, *, env: str | None = None) -> Flask:
    """Build the app for APP_ENV (or `env`), with optional config overrides for tests."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    load_config(app, env or os.environ.get("APP_ENV"), overrides or {})
    register_extensions(app)
    register_login(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def load_config(app: Flask, env: str | None, overrides: dict[str, Any]) -> None:
    config = config_for(env)
    app.config.from_object(config)
    app.config["APP_ENV"] = config.ENV_NAME
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database = Path(app.instance_path) / "golden-thread.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A local file never drops a connection: pinging it costs a query per request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    if not app.config.get("SECRET_KEY"):
        if config.ENV_NAME == "production":
            raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
        # Development without a key: sessions last until the server restarts.
        app.config["SECRET_KEY"] = secrets.token_urlsafe(32)
        logging.getLogger(__name__).warning("SECRET_KEY not set; using a temporary one")


def register_extensions(app: Flask) -> None:
    import portal.models  # noqa: F401  (every table known before migrations run)
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_login(app: Flask) -> None:
    from portal.accounts.sessions import handle_unauthorized, load_session_user
    from portal.extensions import login_manager

    login_manager.login_view = "accounts.login"
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(handle_unauthorized)


def register_blueprints(app: Flask) -> None:
    from media.views import bp as media
    from portal.accounts.views import bp as accounts
    from portal.activity.views import bp as activity
    from portal.admin.views import bp as admin
    from portal.contact.views import bp as contact
    from portal.families.views import bp as families
    from portal.health import bp as health
    from portal.help.views import bp as help_guides
    from portal.invitations.views import bp as people
    from portal.meetings.views import bp as meetings
    from portal.plans.views import bp as plans
    from portal.quality.views import admin_bp as quality_admin
    from portal.quality.views import bp as quality
    from portal.rights.views import bp as rights
    from portal.scans.views import bp as scans
    from portal.scans.views import family_bp as paper_forms
    from portal.tenants.views import bp as tenants
    from wiki.simple_mode import bp as simple
    from wiki.views import bp as wiki

    for blueprint in (
        accounts,
        families,
        health,
        wiki,
        simple,
        media,
        activity,
        people,
        help_guides,
        rights,
        plans,
        meetings,
        admin,
        quality_admin,
        quality,
        scans,
        paper_forms,
        contact,
        tenants,
    ):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from portal.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from portal.security import content_security_policy, refuse_nul_in_address, security_headers

    app.before_request(refuse_nul_in_address)
    app.after_request(security_headers(content_security_policy(app.config)))


def register_template_helpers(app: Flask) -> None:
    from portal.accounts.models import STAFF_ROLE_NAMES
    from portal.local_time import in_england

    app.jinja_env.globals["STAFF_ROLE_NAMES"] = STAFF_ROLE_NAMES
    app.jinja_env.filters["england"] = in_england  # times on London's clock, not UTC


def register_cli(app: Flask) -> None:
    from portal.cli import demo_data
    from portal.worker import worker

    app.cli.add_command(demo_data)
    app.cli.add_command(worker)
