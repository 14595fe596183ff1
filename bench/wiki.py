"""Wiki speed, measured. Prints median server times and requests per second.

    python -m bench.wiki                                   # SQLite (the embedded default)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/db python -m bench.wiki

Targets (issue 3): view a 5 KB page ≤ 5 ms; save an edit ≤ 30 ms; history of a page
with 1,000 revisions ≤ 50 ms; diff of two 100 KB revisions ≤ 50 ms; logged-in page
views under gunicorn with 2 sync workers ≥ 600 requests/s and ≥ 0.4× a bare Flask app
serving a constant page of the same size. Needs `wrk` (apt-get install wrk) for the
requests-per-second part. Server times are in-process (Flask test client), so they
include routing, access checks, queries and templates, but no network.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from portal import create_app
from portal.config import normalise_database_url
from portal.demo import load_demo_data
from portal.extensions import db
from tests.conftest import csrf_token_from, log_in
from wiki import service

SECRET = "bench-secret-key-not-for-production"
TARGETS_MS = {
    "view 5 KB page": 5,
    "save an edit": 30,
    "history, 1,000 revisions": 50,
    "diff of two 100 KB revisions": 50,
}


def five_kb_body() -> str:
    paragraph = "Sam likes **trains**, swimming and [[Things I enjoy]]. " * 4
    lines = [f"## Part {i}\n\n{paragraph}\n\n- one\n- two\n" for i in range(12)]
    return "".join(lines)[:5000]


def hundred_kb_pair() -> tuple[str, str]:
    lines = [f"Line {i}: Sam told us about the day at school and what helped." for i in range(1600)]
    old = "\n".join(lines)[:100_000]
    new_lines = old.split("\n")
    for i in range(0, len(new_lines), 32):  # about 50 scattered changes
        new_lines[i] = new_lines[i].replace("helped", "did not help")
    return old, "\n".join(new_lines)


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def prepare(app) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_data()
        from sqlalchemy import select

        from portal.families.models import Child

        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        base = "/c/sam/wiki/"

        def save(slug, body, number):
            service.save_edit(
                sam.id,
                slug,
                title=slug,
                body=body,
                summary="",
                base_number=number,
                author_id=None,
                link_base=base,
            )

        save("five-kb", five_kb_body(), 0)
        old, new = hundred_kb_pair()
        save("big", old, 0)
        save("big", new, 1)
        started = time.perf_counter()
        for number in range(1000):
            save("long-history", f"Version {number + 1} of the page.\n", number)
        print(f"  (made 1,000 revisions in {time.perf_counter() - started:.1f} s)")


def server_times(app) -> dict[str, float]:
    client = app.test_client()
    log_in(client, "parent@demo.test", "demo-parent-pass")
    for path in (
        "/c/sam/wiki/five-kb",
        "/c/sam/wiki/long-history/history",
        "/c/sam/wiki/big/diff?from=1&to=2",
    ):
        assert client.get(path).status_code == 200, path

    def view():
        client.get("/c/sam/wiki/five-kb")

    edit_html = client.get("/c/sam/wiki/five-kb/edit").get_data(as_text=True)
    token = csrf_token_from(edit_html)
    counter = iter(range(1, 10_000))

    def save():
        number = next(counter)
        response = client.post(
            "/c/sam/wiki/five-kb/edit",
            data={
                "csrf_token": token,
                "title": "five-kb",
                "summary": "bench",
                "body": five_kb_body() + f"\nEdit {number}\n",
                "base_revision": str(number),
            },
        )
        assert response.status_code == 302, response.status_code

    return {
        "view 5 KB page": median_ms(view, 200),
        "save an edit": median_ms(save, 100),
        "history, 1,000 revisions": median_ms(
            lambda: client.get("/c/sam/wiki/long-history/history"), 100
        ),
        "diff of two 100 KB revisions": median_ms(
            lambda: client.get("/c/sam/wiki/big/diff?from=1&to=2"), 50
        ),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, path: str, cookie: str | None, timeout: float = 60) -> None:
    """Wait for a 200 from the app, not just an open port: gunicorn's master listens
    before its workers have imported the app, and on a busy machine that import could
    eat into the measured seconds."""
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers=headers)
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
            raise RuntimeError(f"GET {path} answered {status}, not 200")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def requests_per_second(target: str, env: dict, path: str, cookie: str | None) -> float:
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        env={**os.environ, **env},
    )
    try:
        wait_until_serving(port, path, cookie)
        command = ["wrk", "-t2", "-c8", "-d6s", f"http://127.0.0.1:{port}{path}"]
        if cookie:
            command[1:1] = ["-H", f"Cookie: {cookie}"]
        subprocess.run(command[:-2] + ["-d1s", command[-1]], capture_output=True, check=True)
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in output:
            raise RuntimeError(f"errors from {target}:\n{output}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    finally:
        server.terminate()
        server.wait(timeout=10)


def throughput(app, database_url: str) -> tuple[float, float]:
    client = app.test_client()
    log_in(client, "parent@demo.test", "demo-parent-pass")
    size = len(client.get("/c/sam/wiki/five-kb").get_data())
    cookie = f"gt_session={client.get_cookie('gt_session').value}"
    ours = requests_per_second(
        "portal:create_app()",
        {"APP_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url},
        "/c/sam/wiki/five-kb",
        cookie,
    )
    bare = requests_per_second(
        "bench.bare_app:create_bare_app()", {"BARE_PAGE_BYTES": str(size)}, "/", None
    )
    return ours, bare


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="gt-bench-"))
    database_url = normalise_database_url(
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}"
    )
    engine = database_url.split(":")[0]
    print(f"Wiki benchmark on {engine}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "LOCAL_STORAGE_PATH": str(folder / "media"),
        },
        env="testing",
    )
    prepare(app)
    print(f"{'measure':<32}{'median ms':>10}{'target':>8}")
    for name, value in server_times(app).items():
        verdict = "ok" if value <= TARGETS_MS[name] else "MISSED"
        print(f"{name:<32}{value:>10.2f}{TARGETS_MS[name]:>8}  {verdict}")
    if shutil.which("wrk"):
        ours, bare = throughput(app, database_url)
        print(f"{'page views, gunicorn 2 workers':<32}{ours:>10.0f} req/s (target ≥ 600)")
        print(f"{'bare Flask, same page size':<32}{bare:>10.0f} req/s")
        print(f"{'ratio':<32}{ours / bare:>10.2f}× (target ≥ 0.4×)")
    else:
        print("wrk is not installed: requests per second not measured (apt-get install wrk)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
