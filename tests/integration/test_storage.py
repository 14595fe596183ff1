"""One contract for every storage backend: local folder and a real S3 server."""

from __future__ import annotations

import io
import os
import tracemalloc
import uuid

import pytest

from media.storage import (
    LocalStorage,
    MissingObject,
    S3Storage,
    StorageUnavailable,
    new_key,
)
from tests.integration import s3_server


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "store")
    bucket, client = request.getfixturevalue("s3_bucket")
    return S3Storage(bucket, client=client)


class Zeros(io.RawIOBase):
    """`size` bytes of a repeating pattern, made as they are read, never held at once."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = b"\x5a" * count
        self.left -= count
        return count


def read_all(storage, key: str) -> bytes:
    return b"".join(storage.open(key))


def test_put_then_open_gives_the_same_bytes(storage):
    key = new_key()
    data = os.urandom(300_000)
    assert storage.put(key, io.BytesIO(data)) == len(data)
    assert read_all(storage, key) == data
    assert storage.size(key) == len(data)
    assert storage.exists(key)


def test_an_empty_file_round_trips(storage):
    key = new_key()
    assert storage.put(key, io.BytesIO(b"")) == 0
    assert read_all(storage, key) == b""


def test_put_again_replaces_the_object(storage):
    key = new_key()
    storage.put(key, io.BytesIO(b"first"))
    storage.put(key, io.BytesIO(b"second"))
    assert read_all(storage, key) == b"second"


def test_delete_removes_and_deleting_twice_is_fine(storage):
    key = new_key()
    storage.put(key, io.BytesIO(b"x"))
    storage.delete(key)
    storage.delete(key)
    assert not storage.exists(key)


def test_a_missing_object_raises_missing_object(storage):
    with pytest.raises(MissingObject):
        read_all(storage, new_key())
    with pytest.raises(MissingObject):
        storage.size(new_key())


@pytest.mark.parametrize("key", ["../escape", "/absolute", "a/../../b", "a\\b", ""])
def test_keys_cannot_leave_the_store(storage, key):
    with pytest.raises(ValueError, match="unsafe storage key"):
        storage.put(key, io.BytesIO(b"x"))


def test_check_passes_when_the_store_answers(storage):
    storage.check()


def test_a_large_file_streams_without_being_held_in_memory(storage):
    # 128 MB through a store whose parts are 8 MB: memory must stay well below the file.
    size = 128 * 1024 * 1024
    key = new_key()
    tracemalloc.start()
    try:
        assert storage.put(key, Zeros(size)) == size
        total = sum(len(chunk) for chunk in storage.open(key))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == size
    assert peak < 48 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"


def test_keys_are_random_and_never_from_a_name():
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(key.split("/")[-1]) == 32 for key in keys)


def test_an_unreachable_bucket_fails_the_check(s3_endpoint):
    with pytest.raises(StorageUnavailable):
        S3Storage("no-such-bucket-" + uuid.uuid4().hex[:8], endpoint_url=s3_endpoint).check()


def test_local_storage_that_cannot_be_written_fails_the_check(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailable):
        LocalStorage(blocker).check()


def test_healthz_checks_the_s3_bucket(s3_bucket, app_factory):
    bucket, _ = s3_bucket
    ok = app_factory(STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.ENDPOINT)
    assert ok.test_client().get("/healthz").get_json()["storage"] == "ok"
    broken = app_factory(
        STORAGE="s3", S3_BUCKET="gt-missing-bucket", S3_ENDPOINT_URL=s3_server.ENDPOINT
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["storage"] == "error"
