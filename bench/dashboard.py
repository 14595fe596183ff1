"""Caseload dashboard speed on a council of 2,000 children. Prints the median server time.

    python -m bench.dashboard                                  # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/db python -m bench.dashboard

Target (issue 7): `/admin/` renders in under 300 ms of server time (in-process Flask
test client: routing, access check, queries, timeline and template; no network).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import insert, select

from portal import create_app
from portal.accounts.models import Council, User
from portal.config import normalise_database_url
from portal.demo import load_demo_data
from portal.extensions import db
from portal.families.models import Child, Membership
from portal.plans.models import Plan
from tests.conftest import log_in

CHILDREN = 2_000
CASEWORKERS = 12
RUNS = 15
TARGET_MS = 300


def seed(council: Council, today: date, rng: random.Random) -> None:
    """2,000 children at every stage, each assigned to one of 12 caseworkers."""
    workers = [
        User(
            email=f"worker{i}@bench.test",
            name=f"Caseworker {i:02d}",
            password_hash="!",  # noqa: S106 - nobody logs in as these
            council_id=council.id,
            staff_role="caseworker",
        )
        for i in range(CASEWORKERS)
    ]
    db.session.add_all(workers)
    db.session.flush()
    children = [
        {"council_id": council.id, "slug": f"child-{i}", "name": f"Child {i:04d} Bench"}
        for i in range(CHILDREN)
    ]
    db.session.execute(insert(Child), children)
    ids = db.session.scalars(select(Child.id).where(Child.slug.like("child-%"))).all()
    plans, members = [], []
    for child_id in ids:
        requested = today - timedelta(days=rng.randrange(0, 300))
        stage = rng.randrange(5)
        plan = {"child_id": child_id, "requested_on": None if stage == 0 else requested}
        if stage >= 2:
            plan["decided_on"] = requested + timedelta(days=rng.randrange(20, 50))
        if stage >= 3:
            plan["draft_issued_on"] = plan["decided_on"] + timedelta(days=rng.randrange(30, 80))
        if stage >= 4:
            plan["final_issued_on"] = plan["draft_issued_on"] + timedelta(
                days=rng.randrange(16, 40)
            )
        if all(d is None or d <= today for k, d in plan.items() if k.endswith("_on")):
            plans.append(plan)
        members.append(
            {"child_id": child_id, "user_id": rng.choice(workers).id, "role": "caseworker"}
        )
    db.session.execute(insert(Plan), [{"current_number": 0, **p} for p in plans])
    db.session.execute(insert(Membership), members)
    db.session.commit()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        database = normalise_database_url(url) if url else f"sqlite:///{folder}/bench.sqlite"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "TESTING": True},
            env="testing",
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            load_demo_data(pages=False)
            council = db.session.scalars(select(Council).where(Council.slug == "demo")).one()
            seed(council, date.today(), random.Random(7))
        client = app.test_client()
        log_in(client, "admin@demo.test", "demo-admin-pass")
        timings = []
        for _ in range(RUNS + 1):
            started = time.perf_counter()
            response = client.get("/admin/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings = timings[1:]  # the first warms the template cache
        filtered = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get("/admin/?stage=draft")
            filtered.append((time.perf_counter() - started) * 1000)
        with app.app_context():
            db.drop_all()
    median = statistics.median(timings)
    engine = "PostgreSQL" if url else "SQLite"
    print(f"caseload dashboard, {CHILDREN:,} children, {engine}")
    print(
        f"  /admin/           median {median:6.1f} ms "
        f"(min {min(timings):.1f}, max {max(timings):.1f}) target < {TARGET_MS} ms"
    )
    print(f"  /admin/?stage=…   median {statistics.median(filtered):6.1f} ms")
    sys.exit(0 if median < TARGET_MS else 1)


if __name__ == "__main__":
    main()
