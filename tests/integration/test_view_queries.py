"""How often a page view waits for the database: a regression guard for speed.

On PostgreSQL every wait is a network round trip, so they are counted at the driver
(libpq's protocol trace): the statements SQLAlchemy sees, plus the BEGIN, ROLLBACK and
liveness pings that it does not. On SQLite, where a "round trip" is a call into the
library, the statements are counted.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack, contextmanager

import psycopg
import pytest
from sqlalchemy import event
from werkzeug.exceptions import NotFound

from portal import extensions
from portal.extensions import db
from tests.conftest import log_in
from tests.integration.wiki_helpers import save_page

PAGE = "/c/sam/wiki/things-i-enjoy"


@contextmanager
def database_waits(app):
    """Yield a list that fills with one entry per wait for the database in the block:
    the SQL sent (its first words), a command (BEGIN, ROLLBACK), or "(ping)"."""
    waits: list[str] = []
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":

        def statement(conn, cursor, sql, parameters, context, executemany):
            waits.append(" ".join(sql.split()[:4]))

        event.listen(engine, "before_cursor_execute", statement)
        try:
            yield waits
        finally:
            event.remove(engine, "before_cursor_execute", statement)
        return

    traces: dict[int, object] = {}
    files = ExitStack()

    def checkout(dbapi_connection, record, proxy):
        trace = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (ExitStack closes)
        traces[id(dbapi_connection)] = trace
        dbapi_connection.pgconn.trace(trace.fileno())

    def checkin(dbapi_connection, record):
        trace = traces.pop(id(dbapi_connection), None)
        if trace is None or dbapi_connection.closed:
            return
        dbapi_connection.pgconn.untrace()
        trace.seek(0)
        waits.extend(_waits_in_trace(trace.read().decode()))

    # Pings are counted where they are made: pool_pre_ping pings before the checkout
    # event, so the trace would miss it.
    def ping(dbapi_connection):
        waits.append("(ping)")
        return type(engine.dialect).do_ping(engine.dialect, dbapi_connection)

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine.pool, "checkin", checkin)
    engine.dialect.do_ping = ping
    try:
        yield waits
    finally:
        del engine.dialect.do_ping
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine.pool, "checkin", checkin)
        files.close()


def _waits_in_trace(trace: str) -> list[str]:
    # Each round trip ends with the server's ReadyForQuery; name it by what was sent:
    # a simple Query (BEGIN, ROLLBACK, the ";" ping) or a Parse with its SQL.
    waits, sent = [], ""
    for line in trace.splitlines():
        fields = line.split("\t")
        if len(fields) < 4:
            continue
        direction, message, rest = fields[1], fields[3], " ".join(fields[4:])
        if direction == "F" and not sent:
            if message == "Query":
                sent = rest.strip(' "')
            elif message == "Parse":  # Parse "<statement name>" "<sql>" ...
                sent = rest.split('" "', 1)[-1]
            elif message == "Bind":
                sent = "(prepared statement)"
            sent = "(ping)" if sent == ";" else " ".join(sent.split()[:4])
        elif direction == "B" and message == "ReadyForQuery":
            if sent != "(ping)":  # counted by database_waits itself
                waits.append(sent)
            sent = ""
    return waits


@pytest.fixture
def parent(app, client, demo):
    """The demo parent, logged in, with one page in Sam's wiki."""
    log_in(client, "parent@demo.test")
    assert save_page(client, "sam", "things-i-enjoy", "Trains and *swimming*.").status_code == 302
    assert client.get(PAGE).status_code == 200  # any one-off work happens here
    return client


def test_a_page_view_waits_for_the_database_twice(app, parent, monkeypatch):
    # Once for the login session and its user, once for the child, the membership
    # and the page with its current revision. On PostgreSQL: no BEGIN or ROLLBACK
    # (the view only reads) and no ping (the connection was used moments ago).
    monkeypatch.setattr(extensions, "IDLE_PING_SECONDS", 60.0)
    with database_waits(app) as waits:
        response = parent.get(PAGE)
    assert response.status_code == 200
    assert "Trains" in response.get_data(as_text=True)
    assert len(waits) == 2, waits
    assert not {wait.split()[0] for wait in waits} & {"BEGIN", "ROLLBACK", "(ping)"}, waits


def test_a_missing_page_costs_no_more(app, parent, monkeypatch):
    monkeypatch.setattr(extensions, "IDLE_PING_SECONDS", 60.0)
    with database_waits(app) as waits:
        assert parent.get("/c/sam/wiki/never-written").status_code == 404
    assert len(waits) == 2, waits


def test_a_save_after_a_view_still_runs_in_a_transaction(app, parent):
    # The view's autocommit must not stay on the pooled connection for the next request.
    with database_waits(app) as waits:
        response = save_page(parent, "sam", "things-i-enjoy", "Trains, swimming and cake.")
    assert response.status_code == 302
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        commands = {wait.split()[0] for wait in waits}
        assert {"BEGIN", "COMMIT"} <= commands, waits
        with app.app_context():
            assert db.session.connection().connection.dbapi_connection.autocommit is False


def test_a_non_member_gets_no_page_data_from_the_database(app, client, demo):
    # The joined query returns the page only with a membership; the 404 comes from access.
    from portal.access import child_row_or_404
    from portal.accounts.models import User
    from wiki import service

    log_in(client, "parent@demo.test")
    save_page(client, "sam", "things-i-enjoy", "Private to Sam's family.")
    with app.app_context():
        outsider = db.session.scalars(
            db.select(User).where(User.email == "other.parent@demo.test")
        ).one()
        row = db.session.execute(
            service.CHILD_PAGE_AND_CURRENT,
            {"child_slug": "sam", "user_id": outsider.id, "page_slug": "things-i-enjoy"},
        ).one()
        assert row[1] is None and row[2] is None and row[3] is None
        with app.test_request_context(), pytest.raises(NotFound):
            child_row_or_404(
                outsider, "sam", statement=service.CHILD_PAGE_AND_CURRENT, page_slug="x"
            )
    outsider_client = app.test_client()
    log_in(outsider_client, "other.parent@demo.test")
    assert outsider_client.get(PAGE).status_code == 404


def postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite connections are never dropped by a server")


def _drop_the_pooled_connection(app) -> None:
    """Leave one connection in the pool, and have the server end it, as a restart would."""
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        assert db.engine.pool.checkedin() == 1
        url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_dropped_while_idle_is_replaced_without_an_error(app, parent, monkeypatch):
    postgresql_only(app)
    _drop_the_pooled_connection(app)
    monkeypatch.setattr(extensions, "IDLE_PING_SECONDS", 0.0)  # as after a quiet spell
    with database_waits(app) as waits:
        assert parent.get(PAGE).status_code == 200
    assert waits.count("(ping)") == 1  # to the dead connection; its replacement is fresh
    _drop_the_pooled_connection(app)  # and the same in a view that runs in a transaction
    assert parent.get(PAGE + "/edit").status_code == 200


def test_the_idle_ping_is_what_saves_that_request(app, parent, monkeypatch):
    # The trade-off of dropping pool_pre_ping: a connection that dies while in steady
    # use fails the one request that meets it; the pool then starts afresh.
    postgresql_only(app)
    _drop_the_pooled_connection(app)
    monkeypatch.setattr(extensions, "IDLE_PING_SECONDS", 60.0)
    with pytest.raises(Exception, match="terminat|closed|connection"):
        parent.get(PAGE)
    assert parent.get(PAGE).status_code == 200
