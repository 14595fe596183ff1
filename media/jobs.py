"""Background processing: RQ on Redis when REDIS_URL is set, inline when it is not."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from media.service import process_item
from media.storage import storage_for

QUEUE_NAME = "golden-thread"
# Long enough for a 1 GB video on a small machine; ffmpeg has its own limits inside.
JOB_TIMEOUT_SECONDS = 45 * 60


def run_in_background(
    app: Flask, job: Callable[..., object], *args, timeout_seconds: int = JOB_TIMEOUT_SECONDS
) -> None:
    """Queue `job(*args)` for a worker, or run it now when there is no queue. The job
    runs in an app context either way (the worker makes one; inline, the caller's)."""
    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        job(*args)
        return
    _queue(redis_url).enqueue(
        job,
        *args,
        job_timeout=timeout_seconds,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def enqueue_processing(app: Flask, item_id: int) -> None:
    """Process the item in the background, or now when there is no queue."""
    run_in_background(app, run_processing_job, item_id)


def _queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))


def run_processing_job(item_id: int) -> str:
    """The RQ job: runs inside the worker's app context (portal.worker)."""
    item = process_item(item_id, storage_for(current_app))
    return item.status if item is not None else "gone"
