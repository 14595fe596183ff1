"""Where user files live. One interface; the backend is chosen by STORAGE."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask


class StorageUnavailable(RuntimeError):
    """The store cannot be reached or written to."""


class Storage(Protocol):
    name: str

    def check(self) -> None:
        """Raise StorageUnavailable unless the store can be written to now."""


class LocalStorage:
    """Files in a folder on this machine (the instance folder by default)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".healthz-"):
                pass
        except OSError as error:
            raise StorageUnavailable(f"cannot write to {self.root}") from error


def storage_for(app: Flask) -> Storage:
    """The storage backend the app is configured for, made once per app."""
    storage = app.extensions.get("golden_thread_storage")
    if storage is None:
        kind = app.config["STORAGE"]
        if kind != "local":
            raise RuntimeError(f"STORAGE={kind!r} is not supported; use 'local'")
        root = app.config.get("LOCAL_STORAGE_PATH") or os.path.join(app.instance_path, "media")
        storage = LocalStorage(Path(root))
        app.extensions["golden_thread_storage"] = storage
    return storage
