"""Wiki pages and revisions, with full-text search.

Revision ID: 3b7e9d2c41a0
Revises: 1732f8727efc
Create Date: 2026-11-22 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import portal.dbtypes

revision = "3b7e9d2c41a0"
down_revision = "1732f8727efc"
branch_labels = None
depends_on = None

# The same statements wiki/search.py attaches to create_all(), copied here so this
# migration never changes when the application code does.
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS wiki_page_search USING fts5("
    "title, body, content='wiki_page', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_ai AFTER INSERT ON wiki_page BEGIN "
    "INSERT INTO wiki_page_search(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_ad AFTER DELETE ON wiki_page BEGIN "
    "INSERT INTO wiki_page_search(wiki_page_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_au AFTER UPDATE OF title, body ON wiki_page "
    "BEGIN "
    "INSERT INTO wiki_page_search(wiki_page_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO wiki_page_search(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS wiki_page_search_au",
    "DROP TRIGGER IF EXISTS wiki_page_search_ad",
    "DROP TRIGGER IF EXISTS wiki_page_search_ai",
    "DROP TABLE IF EXISTS wiki_page_search",
]
POSTGRESQL_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_wiki_page_search ON wiki_page USING gin "
    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, '')))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS ix_wiki_page_search"]


def upgrade():
    op.create_table(
        "wiki_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), server_default="family", nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("current_number", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", portal.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_wiki_page_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wiki_page")),
        sa.UniqueConstraint("child_id", "slug", name=op.f("uq_wiki_page_child_id_slug")),
    )
    with op.batch_alter_table("wiki_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wiki_page_child_id"), ["child_id"], unique=False)

    op.create_table(
        "wiki_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rendered_html", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_wiki_revision_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["wiki_page.id"],
            name=op.f("fk_wiki_revision_page_id_wiki_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wiki_revision")),
        sa.UniqueConstraint("page_id", "number", name=op.f("uq_wiki_revision_page_id_number")),
    )
    with op.batch_alter_table("wiki_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wiki_revision_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wiki_revision_page_id"), ["page_id"], unique=False)

    for statement in _search_statements(SQLITE_DDL, POSTGRESQL_DDL):
        op.execute(statement)


def downgrade():
    for statement in _search_statements(SQLITE_DROP, POSTGRESQL_DROP):
        op.execute(statement)
    with op.batch_alter_table("wiki_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wiki_revision_page_id"))
        batch_op.drop_index(batch_op.f("ix_wiki_revision_author_id"))
    op.drop_table("wiki_revision")
    with op.batch_alter_table("wiki_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wiki_page_child_id"))
    op.drop_table("wiki_page")


def _search_statements(sqlite: list[str], postgresql: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    return {"sqlite": sqlite, "postgresql": postgresql}.get(dialect, [])
