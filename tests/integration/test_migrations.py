"""The Alembic history builds exactly the schema the models describe, on this database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal.demo import load_demo_data
from portal.extensions import db
from tests.conftest import drop_everything, make_app


@pytest.fixture
def empty_app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        drop_everything()
        try:
            yield app
        finally:
            drop_everything()


def made_by_models(name, type_, parent_names) -> bool:
    # Search tables, triggers and indexes come from raw DDL in wiki/search.py.
    return not (name or "").startswith(("wiki_page_search", "ix_wiki_page_search"))


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_name": made_by_models},
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(empty_app):
    upgrade()
    assert schema_differences() == []


def test_downgrade_to_nothing_and_back_up(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "user_account" in inspect(db.engine).get_table_names()


@pytest.mark.parametrize(
    "release",
    # the walking skeleton; the wiki; the release before EHC plans
    ["1732f8727efc", "3b7e9d2c41a0", "5224d9e19136"],
)
def test_upgrade_from_an_earlier_release_keeps_its_data(empty_app, release):
    upgrade(revision=release)
    # Demo pages only where that release's wiki tables match today's models.
    load_demo_data(pages=release == "5224d9e19136", working_together=False)
    upgrade()
    assert schema_differences() == []
    children = db.session.execute(text("SELECT slug FROM child ORDER BY slug")).scalars().all()
    assert children == ["alex", "sam"]
    if release == "5224d9e19136":
        pages = db.session.execute(text("SELECT count(*) FROM wiki_page")).scalar()
        assert pages == 3  # Sam's demo pages survive, ready to be quoted in a plan
        assert db.session.execute(text("SELECT count(*) FROM ehc_plan")).scalar() == 0


PLAN_TABLES = {"ehc_plan", "ehc_plan_version", "ehc_plan_comment", "ehc_plan_amendment"}


def test_the_plan_tables_come_and_go_with_their_migration_and_nothing_else_does(empty_app):
    upgrade(revision="5224d9e19136")  # the release before EHC plans
    load_demo_data(working_together=False)
    pages = db.session.execute(text("SELECT count(*) FROM wiki_revision")).scalar()
    db.session.remove()
    upgrade(revision="c3c3a8fac5fd")
    assert set(inspect(db.engine).get_table_names()) >= PLAN_TABLES
    # A plan written on the new release, then the release rolled back: the plan goes,
    # the family's pages stay.
    with db.engine.begin() as connection:
        child = connection.execute(text("SELECT id FROM child WHERE slug = 'sam'")).scalar()
        connection.execute(
            text("INSERT INTO ehc_plan (child_id, current_number, drafts_issued, "
                 "amendments_issued, created_at, updated_at) "
                 "VALUES (:child, 0, 0, 0, :now, :now)"),
            {"child": child, "now": "2026-11-23 12:00:00"},
        )  # fmt: skip
    downgrade(revision="5224d9e19136")
    assert not PLAN_TABLES & set(inspect(db.engine).get_table_names())
    assert db.session.execute(text("SELECT count(*) FROM wiki_revision")).scalar() == pages
    db.session.remove()
    upgrade()
    assert schema_differences() == []
    assert db.session.execute(text("SELECT count(*) FROM ehc_plan")).scalar() == 0
    children = db.session.execute(text("SELECT slug FROM child ORDER BY slug")).scalars().all()
    assert children == ["alex", "sam"]
