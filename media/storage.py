"""Where user files live. One interface, two backends, chosen by STORAGE.

Keys are random and never come from a file's name. Files move in chunks: nothing
here holds a whole upload in memory, so a 1 GB video costs a few MB of RAM.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask

CHUNK_BYTES = 1024 * 1024


class StorageUnavailable(RuntimeError):
    """The store cannot be reached or written to."""


class MissingObject(KeyError):
    """No object is stored under that key."""


def new_key(prefix: str = "") -> str:
    """A fresh random object key; two hex levels keep local folders small."""
    token = secrets.token_hex(16)
    return f"{prefix}{token[:2]}/{token[2:4]}/{token}"


class Storage(Protocol):
    """What every backend offers; the tests run one contract suite over each."""

    name: str

    def put(self, key: str, stream: BinaryIO) -> int:
        """Store the stream under `key`, reading it in chunks; return the bytes written."""

    def open(self, key: str) -> Iterator[bytes]:
        """The object's bytes, in chunks; raises MissingObject."""

    def size(self, key: str) -> int:
        """The object's size in bytes; raises MissingObject."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""

    def delete(self, key: str) -> None:
        """Remove the object; removing a missing object is not an error."""

    def check(self) -> None:
        """Raise StorageUnavailable unless the store can be written to now."""


def copy_to_file(storage: Storage, key: str, path: Path) -> None:
    """Write the object to a local file a chunk at a time (for tools that need a path);
    raises MissingObject."""
    with Path(path).open("wb") as out:
        for chunk in storage.open(key):
            out.write(chunk)


def _safe_key(key: str) -> str:
    # Keys are ours (new_key), but a key must never climb out of the store.
    if not key or key.startswith("/") or ".." in key.split("/") or "\\" in key:
        raise ValueError(f"unsafe storage key {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this machine (the instance folder by default)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    def put(self, key: str, stream: BinaryIO) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside, then rename: a reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            shutil.copyfileobj(stream, temporary, CHUNK_BYTES)
            written = temporary.tell()
        os.replace(temporary.name, path)
        return written

    def open(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError as error:
            raise MissingObject(key) from error
        return _chunks_then_close(handle)

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as error:
            raise MissingObject(key) from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def path_for(self, key: str) -> Path:
        """Where the object lies on disk, for serving with range requests."""
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".healthz-"):
                pass
        except OSError as error:
            raise StorageUnavailable(f"cannot write to {self.root}") from error


def _chunks_then_close(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


class S3Storage:
    """Objects in any S3 API store (AWS S3, SeaweedFS, MinIO, Ceph) through boto3."""

    name = "s3"

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, client=None) -> None:
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            config=BotoConfig(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                s3={"addressing_style": "path"},
                # SigV4 everywhere: presigned addresses then carry their own expiry.
                signature_version="s3v4",
            ),
        )

    def put(self, key: str, stream: BinaryIO) -> int:
        from boto3.s3.transfer import TransferConfig

        counted = _CountingReader(stream)
        # Multipart in 8 MB parts, two at a time: memory stays near 16 MB whatever the size.
        transfer = TransferConfig(
            multipart_threshold=8 * CHUNK_BYTES,
            multipart_chunksize=8 * CHUNK_BYTES,
            max_concurrency=2,
        )
        # s3transfer reads up to this many parts ahead from a stream it cannot seek
        # (an upload arriving over HTTP); its default of 10 would hold 80 MB.
        transfer.max_in_memory_upload_chunks = 2
        self.client.upload_fileobj(counted, self.bucket, _safe_key(key), Config=transfer)
        return counted.count

    def open(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=_safe_key(key))["Body"]
        except ClientError as error:
            if _is_missing(error):
                raise MissingObject(key) from error
            raise
        return _chunks_then_close(body)

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=_safe_key(key))["ContentLength"]
        except ClientError as error:
            if _is_missing(error):
                raise MissingObject(key) from error
            raise

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except MissingObject:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_safe_key(key))

    def presigned_get(self, key: str, *, expires_seconds: int, mime: str, disposition: str) -> str:
        """A short-lived address from which the browser fetches the object itself
        (range requests included), with the type and disposition we choose."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": _safe_key(key),
                "ResponseContentType": mime,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=expires_seconds,
        )

    def presigned_post(self, key: str, *, max_bytes: int, expires_seconds: int) -> dict:
        """Fields for a browser to upload one object straight to the store; the store
        itself refuses anything larger than `max_bytes`."""
        return self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=_safe_key(key),
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_seconds,
        )

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"S3 bucket {self.bucket!r} does not answer") from error


def _is_missing(error) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


class _CountingReader:
    """A read-only stream wrapper that counts the bytes passed on."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.count += len(chunk)
        return chunk


def storage_for(app: Flask) -> Storage:
    """The storage backend the app is configured for, made once per app."""
    storage = app.extensions.get("golden_thread_storage")
    if storage is None:
        storage = _make_storage(app)
        app.extensions["golden_thread_storage"] = storage
    return storage


def _make_storage(app: Flask) -> Storage:
    kind = app.config["STORAGE"]
    if kind == "local":
        root = app.config.get("LOCAL_STORAGE_PATH") or os.path.join(app.instance_path, "media")
        return LocalStorage(Path(root))
    if kind == "s3":
        if not app.config.get("S3_BUCKET"):
            raise RuntimeError(
                "STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for non-AWS stores)"
            )
        return S3Storage(app.config["S3_BUCKET"], endpoint_url=app.config.get("S3_ENDPOINT_URL"))
    raise RuntimeError(f"STORAGE={kind!r} is not supported; use 'local' or 's3'")
