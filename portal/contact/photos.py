"""Key workers' photos, shown to families beside the key worker's name.

Only a small copy we make is kept (the media library's 320 px thumbnail): re-encoded,
without location, camera details or anything else the upload carried.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO

from media.images import process_image
from media.results import THUMB, Rejected
from media.storage import Storage, new_key
from portal.contact.models import KeyWorkerProfile
from portal.dbtypes import utcnow
from portal.extensions import db

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
KEY_PREFIX = "staff-photos/"


class PhotoRefused(ValueError):
    """A photo we cannot use; str() says why, for the member of staff."""


def _copy_limited(upload: BinaryIO, path: Path) -> int:
    """Write the upload to `path`, stopping as soon as it is over the limit."""
    written = 0
    with path.open("wb") as out:
        while chunk := upload.read(64 * 1024):
            written += len(chunk)
            if written > MAX_PHOTO_BYTES:
                raise PhotoRefused("That photo is over 10 MB. Choose a smaller one.")
            out.write(chunk)
    return written


def set_photo(profile: KeyWorkerProfile, upload: BinaryIO, storage: Storage) -> None:
    """Make and keep the small copy, then forget the old one. Commits."""
    with tempfile.TemporaryDirectory(prefix="gt-photo-") as folder:
        source = Path(folder) / "upload"
        if _copy_limited(upload, source) == 0:
            raise PhotoRefused("That file is empty. Choose a photo.")
        try:
            processed = process_image(source, Path(folder) / "out", max_pixels=MAX_PHOTO_PIXELS)
        except Rejected as refused:
            raise PhotoRefused(str(refused)) from None
        small = next(r for r in processed.renditions if r.name == THUMB)
        key = new_key(KEY_PREFIX)
        with small.path.open("rb") as stream:
            storage.put(key, stream)
    old = profile.photo_key
    profile.photo_key, profile.photo_mime = key, small.mime
    profile.updated_at = utcnow()
    db.session.commit()
    if old:
        storage.delete(old)


def remove_photo(profile: KeyWorkerProfile, storage: Storage) -> None:
    """Families see initials again. Commits."""
    old = profile.photo_key
    profile.photo_key = profile.photo_mime = None
    profile.updated_at = utcnow()
    db.session.commit()
    if old:
        storage.delete(old)
