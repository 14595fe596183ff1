"""Media library logic, free of HTTP: add, process, replace, delete, list.

Views call these; background jobs call `process_item`. Every stored object is
recorded as a MediaFile with its backend, so nothing is ever orphaned or guessed.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from media import links
from media.kinds import HEAD_BYTES, FileType, identify
from media.models import FAILED, KINDS, ORIGINAL, PROCESSING, READY, MediaFile, MediaItem
from media.results import CLEAN_ORIGINAL, Processed, Rejected
from media.storage import MissingObject, Storage, copy_to_file, new_key
from portal.dbtypes import utcnow
from portal.extensions import db

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 200
MAX_ALT_CHARS = 5000
MB = 1024 * 1024
# The biggest file of each kind, in bytes; MEDIA_MAX_BYTES in config overrides them.
DEFAULT_LIMITS = {"image": 50 * MB, "audio": 300 * MB, "video": 1024 * MB, "document": 50 * MB}


@dataclass(frozen=True)
class Upload:
    """One file as it arrived: a seekable stream (on disk for anything large)."""

    stream: BinaryIO
    filename: str


def _clean_text(value: str, limit: int, what: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise Rejected(f"Keep the {what} under {limit:,} characters.")
    return text


def _checked_visibility(visibility: str) -> str:
    if visibility not in {"family", "team"}:
        raise ValueError(f"unknown visibility {visibility!r}")
    return visibility


def title_from_filename(filename: str) -> str:
    """A readable default title: the file's name without its extension."""
    stem = Path(filename or "").stem.replace("_", " ").strip()
    return stem[:MAX_TITLE_CHARS] or "Untitled"


def safe_download_name(title: str, extension: str) -> str:
    """A file name for downloads made from the title; never a path."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = "".join(ch if ch.isalnum() or ch in " -_" else "" for ch in ascii_title).strip()
    return f"{(stem or 'download')[:80]}.{extension}"


def _stream_size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_file(head: bytes, size: int, limits: dict[str, int]) -> FileType:
    """What a file really is (from its first bytes) and whether it is small enough."""
    file_type = identify(head)
    limit = limits.get(file_type.kind, DEFAULT_LIMITS[file_type.kind])
    if size > limit:
        raise Rejected(
            f"This {file_type.label.lower()} is {size / MB:,.0f} MB; "
            f"the largest we take is {limit / MB:,.0f} MB."
        )
    return file_type


def check_upload(upload: Upload, limits: dict[str, int]) -> FileType:
    """check_file for an upload that came through this server."""
    upload.stream.seek(0)
    head = upload.stream.read(HEAD_BYTES)
    upload.stream.seek(0)
    return check_file(head, _stream_size(upload.stream), limits)


def add_file(
    *,
    child_id: int,
    user_id: int | None,
    upload: Upload,
    title: str,
    alt_text: str,
    storage: Storage,
    limits: dict[str, int],
    visibility: str = "family",
) -> MediaItem:
    """Store an upload as a new item waiting for processing. Raises Rejected."""
    title = _clean_text(title, MAX_TITLE_CHARS, "title") or title_from_filename(upload.filename)
    alt_text = _clean_text(alt_text, MAX_ALT_CHARS, "description")
    file_type = check_upload(upload, limits)
    item = _new_file_item(child_id, user_id, file_type, title, alt_text, visibility)
    _store_original(item, upload, file_type, storage)
    db.session.add(item)
    db.session.commit()
    return item


def _new_file_item(
    child_id, user_id, file_type: FileType, title, alt_text, visibility
) -> MediaItem:
    return MediaItem(
        child_id=child_id,
        kind=file_type.kind,
        status=PROCESSING,
        title=title,
        alt_text=alt_text,
        added_by_id=user_id,
        generation=1,
        visibility=_checked_visibility(visibility),
    )


def _store_original(item: MediaItem, upload: Upload, file_type: FileType, storage: Storage) -> None:
    key = new_key("originals/")
    size = storage.put(key, upload.stream)
    _record_original(item, key, size, upload.filename, file_type, storage)


def _record_original(item, key, size, filename, file_type: FileType, storage: Storage) -> None:
    item.original_name = (filename or "")[:255]
    item.original_mime = file_type.mime
    item.original_label = file_type.label
    item.original_size = size
    item.kind = file_type.kind
    item.files.append(
        MediaFile(
            generation=item.generation,
            name=ORIGINAL,
            backend=storage.name,
            key=key,
            mime=file_type.mime,
            size=size,
        )
    )


def add_stored_file(
    *,
    child_id: int,
    user_id: int | None,
    key: str,
    filename: str,
    title: str,
    alt_text: str,
    storage: Storage,
    limits: dict[str, int],
    visibility: str = "family",
) -> MediaItem:
    """An item for an object the browser put straight into the store (presigned POST).
    The object is checked like any upload; a refused one is removed from the store."""
    title = _clean_text(title, MAX_TITLE_CHARS, "title") or title_from_filename(filename)
    alt_text = _clean_text(alt_text, MAX_ALT_CHARS, "description")
    if db.session.scalar(select(MediaFile.id).where(MediaFile.key == key)) is not None:
        raise Rejected("This file was already added.")
    try:
        size = storage.size(key)
    except MissingObject as missing:
        raise Rejected("The upload did not arrive. Please try again.") from missing
    try:
        file_type = check_file(_head_of(storage, key), size, limits)
    except Rejected:
        storage.delete(key)
        raise
    item = _new_file_item(child_id, user_id, file_type, title, alt_text, visibility)
    _record_original(item, key, size, filename, file_type, storage)
    db.session.add(item)
    db.session.commit()
    return item


def _head_of(storage: Storage, key: str) -> bytes:
    chunks = storage.open(key)
    try:
        return next(chunks, b"")[:HEAD_BYTES]
    finally:
        chunks.close()


def replace_file(
    item: MediaItem, *, upload: Upload, storage: Storage, limits: dict[str, int]
) -> MediaItem:
    """Give an item a new file (a new generation); the old files stay recorded."""
    file_type = check_upload(upload, limits)
    if file_type.kind != item.kind:
        raise Rejected(
            f"This is a {file_type.label.lower()}; a {item.kind} can only be replaced "
            f"by another {item.kind}. Add it as a new item instead."
        )
    item.generation += 1
    item.status, item.failure_reason = PROCESSING, ""
    item.width = item.height = item.duration_seconds = item.page_count = None
    _store_original(item, upload, file_type, storage)
    item.updated_at = utcnow()
    db.session.commit()
    return item


def add_link(
    *,
    child_id: int,
    user_id: int | None,
    url: str,
    title: str,
    alt_text: str,
    visibility: str = "family",
):
    """A web link as an item; YouTube and Vimeo get a privacy-enhanced player."""
    url = links.clean_url(url)
    title = _clean_text(title, MAX_TITLE_CHARS, "title")
    if not title:
        raise Rejected("Please give the link a title, so people know where it goes.")
    item = MediaItem(
        child_id=child_id,
        kind="link",
        status=READY,
        title=title,
        alt_text=_clean_text(alt_text, MAX_ALT_CHARS, "description"),
        url=url,
        embed_url=links.embed_url_for(url),
        added_by_id=user_id,
        visibility=_checked_visibility(visibility),
    )
    db.session.add(item)
    db.session.commit()
    return item


def update_details(item: MediaItem, *, title: str, alt_text: str, visibility: str) -> None:
    item.title = _clean_text(title, MAX_TITLE_CHARS, "title") or item.title
    item.alt_text = _clean_text(alt_text, MAX_ALT_CHARS, "description")
    if visibility in {"family", "team"}:
        item.visibility = visibility
    item.updated_at = utcnow()
    db.session.commit()


def set_deleted(item: MediaItem, deleted: bool) -> None:
    """Soft delete: the item leaves the library and pages, and can be put back."""
    item.deleted = deleted
    item.updated_at = utcnow()
    db.session.commit()


def mark_for_retry(item: MediaItem) -> None:
    item.status, item.failure_reason = PROCESSING, ""
    db.session.commit()


# --- reading -----------------------------------------------------------------


def get_item(child_id: int, item_id: int) -> MediaItem | None:
    return db.session.scalars(
        select(MediaItem)
        .where(MediaItem.child_id == child_id, MediaItem.id == item_id)
        .options(selectinload(MediaItem.files))
    ).first()


def library(
    child_id: int, visibilities: Collection[str], *, kind: str | None = None, deleted=False
) -> list[MediaItem]:
    """The child's items the viewer may see, newest first."""
    query = (
        select(MediaItem)
        .where(
            MediaItem.child_id == child_id,
            MediaItem.deleted.is_(deleted),
            MediaItem.visibility.in_(list(visibilities)),
        )
        .options(selectinload(MediaItem.files))
        .order_by(MediaItem.created_at.desc(), MediaItem.id.desc())
    )
    if kind in KINDS:
        query = query.where(MediaItem.kind == kind)
    return list(db.session.scalars(query))


def items_by_id(child_id: int, ids: Collection[int]) -> dict[int, MediaItem]:
    """Several of one child's items at once (for pages that embed them)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(MediaItem)
        .where(MediaItem.child_id == child_id, MediaItem.id.in_(list(ids)))
        .options(selectinload(MediaItem.files))
    )
    return {item.id: item for item in rows}


# --- processing ----------------------------------------------------------------


def _run_processor(kind: str, source: Path, workdir: Path) -> Processed:
    # Imported here: a web process that never processes need not load ffmpeg or pdfium.
    if kind == "image":
        from media.images import process_image

        return process_image(source, workdir)
    if kind == "video":
        from media.av import process_video

        return process_video(source, workdir)
    if kind == "audio":
        from media.av import process_audio

        return process_audio(source, workdir)
    if kind == "document":
        with source.open("rb") as head:
            is_pdf = head.read(5) == b"%PDF-"
        if is_pdf:
            from media.pdf import process_pdf

            return process_pdf(source, workdir)
        return Processed(kind="document")  # other documents are download only
    raise Rejected("This kind of item needs no processing.")


def process_item(item_id: int, storage: Storage) -> MediaItem | None:
    """Make an item's renditions. A failure marks the item failed, with a reason,
    and keeps the original; it never raises for a bad file."""
    item = db.session.get(MediaItem, item_id, options=[selectinload(MediaItem.files)])
    if item is None or item.kind == "link":
        return item
    original = item.current_files().get(ORIGINAL)
    if original is None:
        return _finish(item, failure="The file is missing; please upload it again.")
    with tempfile.TemporaryDirectory(prefix="gt-media-") as folder:
        workdir = Path(folder)
        source = workdir / "source"
        try:
            copy_to_file(storage, original.key, source)
            processed = _run_processor(item.kind, source, workdir)
        except Rejected as rejected:
            return _finish(item, failure=str(rejected))
        except MissingObject:
            return _finish(item, failure="The file is missing; please upload it again.")
        except Exception:
            # A parser bug must not lose the item or show a 500: record and move on.
            log.exception("processing media item %s failed", item_id)
            return _finish(item, failure="Something went wrong preparing this file.")
        stored = [_store_rendition(item, rendition, storage) for rendition in processed.renditions]
    item.kind = processed.kind
    item.width, item.height = processed.width, processed.height
    item.duration_seconds = processed.duration_seconds
    item.page_count = processed.page_count
    if any(f.name == CLEAN_ORIGINAL for f in stored):
        # The clean copy stands in for the upload: drop the one with GPS and camera data.
        storage.delete(original.key)
        db.session.delete(original)
    return _finish(item)


def _store_rendition(item: MediaItem, rendition, storage: Storage) -> MediaFile:
    key = new_key("renditions/")
    with rendition.path.open("rb") as stream:
        size = storage.put(key, stream)
    stored = MediaFile(
        generation=item.generation,
        name=rendition.name,
        backend=storage.name,
        key=key,
        mime=rendition.mime,
        size=size,
        width=rendition.width,
        height=rendition.height,
    )
    item.files.append(stored)
    return stored


def _finish(item: MediaItem, *, failure: str | None = None) -> MediaItem:
    item.status = FAILED if failure else READY
    item.failure_reason = (failure or "")[:300]
    item.updated_at = utcnow()
    db.session.commit()
    return item
