"""Command-line tools: `flask --app portal demo-data`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
@with_appcontext
def demo_data(if_empty: bool) -> None:
    """Create the demo council, users and children (debug or demo mode only)."""
    from portal.demo import DemoRefused, load_demo_data

    if not (current_app.debug or current_app.config.get("DEMO_MODE")):
        raise click.ClickException(
            "Demo data is only for debug or demo mode (set DEMO_MODE=1 or APP_ENV=development)."
        )
    try:
        created = load_demo_data(only_if_empty=if_empty)
    except DemoRefused as reason:
        click.echo(str(reason))
        return
    click.echo(f"Demo data loaded: {created} users. Log in as parent@demo.test / demo-parent-pass")
