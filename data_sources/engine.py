"""The one place SQLAlchemy engines are made, for either database (VET or IOC)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import ExceptionContext, make_url

# Seconds a read of the VET database waits on a lock before it fails (and the refresh retries):
# a request must not hang for long behind someone else's import.
READER_BUSY_TIMEOUT = 5.0


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and WAL journaling."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        # A URI filename (``file:...?mode=ro&uri=true``) names an existing file: nothing to create.
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_reader_engine(url: str, busy_timeout: float = READER_BUSY_TIMEOUT) -> Engine:
    """An engine that only reads ``url`` (the VET database: another system's, never written here).

    A SQLite file is opened read-only, so a missing file is an error rather than a new empty
    database. Any operational error drops every pooled connection, so a file that comes back (or
    is replaced) is reopened by the next request; a checkout also notices a file removed or
    replaced under an open connection.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # Read-only sessions, and a lock held by someone else fails a read after the timeout instead of hanging it.
        options = f"-c default_transaction_read_only=on -c lock_timeout={int(busy_timeout * 1000)}"
        engine = create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    elif parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        database = parsed.database
        if not database.startswith("file:"):
            database = f"file:{Path(database).resolve()}"
        path = database[len("file:") :].split("?", 1)[0]
        query = dict(parsed.query)
        query.update({"mode": "ro", "uri": "true"})
        ro_url = parsed.set(database=database, query=query)
        engine = create_engine(ro_url, connect_args={"timeout": busy_timeout}, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", lambda conn, record: record.info.__setitem__("file", _identity(path)))
        event.listen(engine, "checkout", lambda conn, record, proxy: _same_file(path, record.info.get("file")))
    event.listen(engine, "handle_error", _drop_connections_on_database_error)
    return engine


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _same_file(path: str, opened: Any) -> None:
    """Refuse a pooled connection whose file was removed or replaced since it was opened."""
    if opened is None or _identity(path) != opened:
        raise exc.DisconnectionError(f"{path} was removed or replaced")


def _drop_connections_on_database_error(ctx: ExceptionContext) -> None:
    # A file gone, locked, unreadable or not a database: treated as a disconnect, so the pool
    # discards this connection and every other one it holds. A bad statement is not such an error.
    if isinstance(ctx.sqlalchemy_exception, (exc.OperationalError, exc.DatabaseError)) and not isinstance(
        ctx.sqlalchemy_exception, (exc.IntegrityError, exc.ProgrammingError, exc.DataError)
    ):
        ctx.is_disconnect = True


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    # WAL lets the dashboard read while a refresh or an import writes.
    # A read-only file keeps its journal mode: reading it still works, and a write says why it cannot.
    with suppress(sqlite3.OperationalError):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Indicator refreshes scan tables of millions of rows: map the file and keep a larger page cache.
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
