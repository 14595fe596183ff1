"""Full-text search within one child's wiki: SQLite FTS5 locally, PostgreSQL in production."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import DDL, bindparam, event, text

from portal.extensions import db
from wiki.models import Page

MAX_QUERY_LENGTH = 200

# Private control characters the engines wrap matches in. We escape the snippet's HTML
# first and only then turn these into <mark> tags, so page text can never inject markup.
_MARK_START = "\x02"
_MARK_END = "\x03"

_WORD = re.compile(r"\w+", re.UNICODE)

# The statements below are shared verbatim with the Alembic migration, which runs them
# through op.execute() (a text() construct) while create_all() runs them through DDL():
# so no ':' (a bind parameter to text()) and no '%' (a format directive to DDL()).

SQLITE_DDL: list[str] = [
    # External content: the index stores only tokens and reads title/body from wiki_page,
    # so page text is not stored twice. Porter stems like PostgreSQL's 'english' config;
    # remove_diacritics 2 lets "cafe" find "café".
    "CREATE VIRTUAL TABLE IF NOT EXISTS wiki_page_search USING fts5("
    "title, body, content='wiki_page', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_ai AFTER INSERT ON wiki_page BEGIN "
    "INSERT INTO wiki_page_search(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
    # FTS5 can only unindex an external-content row when 'delete' is given its old values.
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_ad AFTER DELETE ON wiki_page BEGIN "
    "INSERT INTO wiki_page_search(wiki_page_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "END",
    # Only text changes touch the index: saves re-tokenising a page on every visibility,
    # delete flag or timestamp update.
    "CREATE TRIGGER IF NOT EXISTS wiki_page_search_au AFTER UPDATE OF title, body ON wiki_page "
    "BEGIN "
    "INSERT INTO wiki_page_search(wiki_page_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO wiki_page_search(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
]

SQLITE_DROP: list[str] = [
    "DROP TRIGGER IF EXISTS wiki_page_search_au",
    "DROP TRIGGER IF EXISTS wiki_page_search_ad",
    "DROP TRIGGER IF EXISTS wiki_page_search_ai",
    "DROP TABLE IF EXISTS wiki_page_search",
]

POSTGRESQL_DDL: list[str] = [
    "CREATE INDEX IF NOT EXISTS ix_wiki_page_search ON wiki_page USING gin "
    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, '')))",
]

POSTGRESQL_DROP: list[str] = [
    "DROP INDEX IF EXISTS ix_wiki_page_search",
]

_SQLITE_SEARCH = text(
    """
    SELECT p.id, p.slug, p.title,
           snippet(wiki_page_search, 1, :mark_start, :mark_end, '…', 24) AS snippet
    FROM wiki_page_search
    JOIN wiki_page AS p ON p.id = wiki_page_search.rowid
    WHERE wiki_page_search MATCH :match
      AND p.child_id = :child_id
      AND p.deleted = :deleted
      AND p.visibility IN :visibilities
    ORDER BY bm25(wiki_page_search, 4.0, 1.0), p.id
    LIMIT :limit
    """
).bindparams(bindparam("visibilities", expanding=True))

# Ranked hits are chosen first and headlined after: ts_headline re-parses the whole
# body, so it should run only for the rows we return. The tsquery is written out in
# place, not joined from a CTE, so the planner can use it as a GIN index condition; the
# document must be the indexed expression exactly, for the same reason.
_POSTGRESQL_SEARCH = text(
    """
    SELECT hits.id, hits.slug, hits.title,
           ts_headline('english', coalesce(hits.body, ''),
                       to_tsquery('english', :query), :options) AS snippet
    FROM (
        SELECT p.id, p.slug, p.title, p.body,
               ts_rank(to_tsvector('english', coalesce(p.title, '') || ' ' || coalesce(p.body, '')),
                       to_tsquery('english', :query)) AS rank
        FROM wiki_page AS p
        WHERE to_tsvector('english', coalesce(p.title, '') || ' ' || coalesce(p.body, ''))
              @@ to_tsquery('english', :query)
          AND p.child_id = :child_id
          AND p.deleted = :deleted
          AND p.visibility IN :visibilities
        ORDER BY rank DESC, p.id
        LIMIT :limit
    ) AS hits
    ORDER BY hits.rank DESC, hits.id
    """
).bindparams(bindparam("visibilities", expanding=True))

_HEADLINE_OPTIONS = (
    f"StartSel={_MARK_START}, StopSel={_MARK_END}, MinWords=10, MaxWords=30, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class SearchHit:
    """One matching page, with an HTML-safe snippet of its body."""

    page_id: int
    slug: str
    title: str
    snippet: Markup


def register_search_ddl() -> None:
    """Have create_all()/drop_all() build and remove the search structures."""
    table = Page.__table__
    # Flag kept on the table rather than in this module, so a module reload does not
    # attach every listener twice.
    if table.info.get("search_ddl_registered"):
        return
    for statements, dialect in ((SQLITE_DDL, "sqlite"), (POSTGRESQL_DDL, "postgresql")):
        for statement in statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
    for statements, dialect in ((SQLITE_DROP, "sqlite"), (POSTGRESQL_DROP, "postgresql")):
        for statement in statements:
            event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))
    table.info["search_ddl_registered"] = True


def rebuild_search_index() -> None:
    """Re-index every page from wiki_page (SQLite); PostgreSQL's index needs no backfill."""
    if _dialect() == "sqlite":
        db.session.execute(text("INSERT INTO wiki_page_search(wiki_page_search) VALUES('rebuild')"))


def search_pages(
    child_id: int, query: str, *, visibilities: Collection[str], limit: int = 20
) -> list[SearchHit]:
    """Pages of one child matching `query`, best first, among the given visibilities."""
    dialect = _dialect()
    # PostgreSQL text cannot hold NUL at all, so the driver would reject it.
    query = query[:MAX_QUERY_LENGTH].replace("\x00", "")
    if not visibilities or limit < 1:
        return []
    params = {
        "child_id": child_id,
        "deleted": False,
        "visibilities": list(visibilities),
        "limit": limit,
    }
    if dialect == "sqlite":
        match = fts5_match_expression(query)
        if not match:
            return []
        statement = _SQLITE_SEARCH
        params.update(match=match, mark_start=_MARK_START, mark_end=_MARK_END)
    else:
        tsquery = postgresql_prefix_query(query)
        if not tsquery:
            return []
        statement = _POSTGRESQL_SEARCH
        params.update(query=tsquery, options=_HEADLINE_OPTIONS)
    rows = db.session.execute(statement, params)
    return [
        SearchHit(page_id=row.id, slug=row.slug, title=row.title, snippet=highlight(row.snippet))
        for row in rows
    ]


def fts5_match_expression(query: str) -> str:
    """An FTS5 query that ANDs each word of `query` as a prefix, whatever the user typed."""
    # Quoting every token makes FTS5 operators (AND, NEAR, *, ^, :) plain words; \w never
    # matches '"', so a token cannot break out of its quotes.
    return " AND ".join(f'"{word}"*' for word in _WORD.findall(query))


def postgresql_prefix_query(query: str) -> str:
    """A to_tsquery() string that ANDs each word of `query` as a prefix, as FTS5 does."""
    # \w tokens hold none of tsquery's operators (& | ! ( ) : * <->), so they cannot
    # change the query's shape; "swim" then finds "swimming" and "sat" "Saturdays".
    return " & ".join(f"{word}:*" for word in _WORD.findall(query))


def highlight(snippet: str | None) -> Markup:
    """Escape an engine's snippet, then turn its sentinels into balanced <mark> tags."""
    parts: list[Markup] = []
    open_mark = False
    # Walk the sentinels rather than replace() them: a stray one that came from page text
    # must not leave a <mark> unclosed or a </mark> unopened.
    for piece in re.split(f"([{_MARK_START}{_MARK_END}])", snippet or ""):
        if piece == _MARK_START:
            if not open_mark:
                parts.append(Markup("<mark>"))
                open_mark = True
        elif piece == _MARK_END:
            if open_mark:
                parts.append(Markup("</mark>"))
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append(Markup("</mark>"))
    return Markup("").join(parts)


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise RuntimeError(f"wiki search supports SQLite and PostgreSQL, not {name!r}")
    return name


register_search_ddl()
