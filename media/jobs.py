"""Background processing: RQ on Redis when REDIS_URL is set, inline when it is not."""

from __future__ import annotations

from flask import Flask, current_app

from media.service import process_item
from media.storage import storage_for

QUEUE_NAME = "golden-thread"
# Long enough for a 1 GB video on a small machine; ffmpeg has its own limits inside.
JOB_TIMEOUT_SECONDS = 45 * 60


def enqueue_processing(app: Flask, item_id: int) -> None:
    """Process the item in the background, or now when there is no queue."""
    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        process_item(item_id, storage_for(app))
        return
    queue = _queue(redis_url)
    queue.enqueue(
        run_processing_job,
        item_id,
        job_timeout=JOB_TIMEOUT_SECONDS,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def _queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))


def run_processing_job(item_id: int) -> str:
    """The RQ job: runs inside the worker's app context (portal.worker)."""
    item = process_item(item_id, storage_for(current_app))
    return item.status if item is not None else "gone"
