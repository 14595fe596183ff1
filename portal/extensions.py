"""Extension objects, created once here and bound to the app in create_app()."""

from __future__ import annotations

import functools
import sqlite3
import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations name the same thing on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # batch mode lets SQLite alter tables
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, and let readers and a writer work at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


# A pooled connection last handed out longer ago than this is pinged before use.
IDLE_PING_SECONDS = 10.0


@event.listens_for(Engine, "engine_connect")
def _ping_after_idle(connection: Connection) -> None:
    """Check a server connection that sat idle in the pool; trust one used moments ago.

    This replaces pool_pre_ping, which spent a round trip on every request. A server
    restart, failover or idle timeout drops connections while the site is quiet, and
    those are caught here: a connection last handed out more than IDLE_PING_SECONDS
    ago is pinged, and if it is dead it is invalidated, so the request's first query
    reconnects. The trade-off: a connection that dies within seconds of its last use
    (the database restarting while people are using the site) fails the one request
    that meets it; SQLAlchemy then discards the rest of that pool, so it happens once
    per worker, like the requests in flight at the time. pool_recycle (config.py)
    bounds a connection's age. SQLite is a local file and is never pinged.
    """
    if connection.dialect.name == "sqlite":
        return
    pooled = connection.connection
    now = time.monotonic()
    last_used = pooled.info.get("last_used")  # kept with this DBAPI connection only
    pooled.info["last_used"] = now
    if last_used is None or now - last_used <= IDLE_PING_SECONDS:
        return  # a fresh connection, or one in use moments ago
    dialect = connection.dialect
    try:
        dialect.do_ping(pooled.dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if not dialect.is_disconnect(error, pooled.dbapi_connection, None):
            raise
        connection.invalidate(error)  # the first statement gets a new connection


def reads_without_transaction(view):
    """Decorate a view that only reads: on PostgreSQL its queries run in autocommit mode.

    In a transaction psycopg sends BEGIN before the first query and SQLAlchemy a
    ROLLBACK when the session closes: two round trips per page view that protect
    nothing here. Under PostgreSQL's default READ COMMITTED every statement takes its
    own snapshot even inside a transaction, so reads see exactly the same data without
    one. A write in such a view would commit statement by statement, so only use this
    on views whose writes are single, self-contained statements (the rendered-HTML
    cache in wiki.service.revision_html). After a commit the session takes a normal,
    transactional connection again, and the pool turns autocommit off when the
    connection is returned. SQLite already runs plain reads without a transaction.

    Put it above @login_required, so the login-session lookup is covered too.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return wrapper
