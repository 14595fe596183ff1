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
    ["1732f8727efc", "3b7e9d2c41a0"],  # the walking skeleton; the wiki
)
def test_upgrade_from_an_earlier_release_keeps_its_data(empty_app, release):
    upgrade(revision=release)
    load_demo_data()
    upgrade()
    assert schema_differences() == []
    children = db.session.execute(text("SELECT slug FROM child ORDER BY slug")).scalars().all()
    assert children == ["alex", "sam"]
