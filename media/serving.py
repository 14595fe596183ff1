"""Sending stored files to a browser that passed the access check."""

from __future__ import annotations

from typing import Protocol

from flask import Response, redirect, send_file

from media.storage import LocalStorage, Storage

# Short: a presigned address that leaks (a shared screenshot, a log) soon stops working.
PRESIGNED_SECONDS = 300
# Renditions never change under one address (the address carries the generation),
# so a phone may keep them a while; `private` keeps them out of shared caches.
RENDITION_CACHE = "private, max-age=3600"


class StoredObject(Protocol):
    """A stored file's row: a media file, or a scanned form's page picture."""

    key: str
    mime: str


def _disposition(as_attachment: bool, download_name: str) -> str:
    kind = "attachment" if as_attachment else "inline"
    return f'{kind}; filename="{download_name}"'


def file_response(
    storage: Storage, stored: StoredObject, *, as_attachment: bool, download_name: str
) -> Response:
    """The file itself from local disk (with range requests, for video seeking), or a
    redirect to a short-lived S3 address so no bytes pass through this process."""
    if isinstance(storage, LocalStorage):
        response = send_file(
            storage.path_for(stored.key),
            mimetype=stored.mime,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=True,
            etag=True,
            max_age=3600,
        )
    else:
        response = redirect(
            storage.presigned_get(
                stored.key,
                expires_seconds=PRESIGNED_SECONDS,
                mime=stored.mime,
                disposition=_disposition(as_attachment, download_name),
            ),
            code=303,
        )
    response.headers["Cache-Control"] = "private, no-store" if as_attachment else RENDITION_CACHE
    # A file is never a page: even if a browser ignored its type, it could not run script.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
