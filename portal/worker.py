"""The background worker: `flask --app portal worker` (the Procfile's `worker:`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def make_worker(app, redis_url: str, *, burst: bool = False):
    """An RQ worker whose jobs each run inside an app context with fresh DB connections."""
    from redis import Redis
    from rq import Worker

    from media.jobs import QUEUE_NAME
    from portal.extensions import db

    class AppWorker(Worker):
        def perform_job(self, job, queue):
            with app.app_context():
                # A forked work-horse must not share the parent's database sockets.
                db.engine.dispose(close=False)
                try:
                    return super().perform_job(job, queue)
                finally:
                    db.session.remove()

    return AppWorker([QUEUE_NAME], connection=Redis.from_url(redis_url))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Process uploaded media (needs REDIS_URL)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("Set REDIS_URL: without it, media is processed inline.")
    app = current_app._get_current_object()
    make_worker(app, redis_url).work(burst=burst)
