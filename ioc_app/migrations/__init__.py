"""The IOC store's schema, managed by Alembic: which revision a store is at, and bringing it to the code's head.

The store holds data that cannot be recomputed (progress reports, and soon accounts and the audit
log), so its schema changes only through the revisions in ``versions/``, never by ``create_all``.
Alembic is configured here in code, not by an ``alembic.ini``: the scripts are this folder, the
connection is the caller's engine.

A store created before migrations (by ``create_all``, with no ``alembic_version`` table) is
recognised by its tables: they are checked against revision 0001, the ones an older release did
not have yet are created, and the store is stamped 0001 and upgraded, keeping its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent
FIRST_REVISION = "0001"
UPGRADE_COMMAND = "python -m ioc_app db upgrade"
VERSION_TABLE = "alembic_version"


class StoreNotReady(RuntimeError):
    """The store is not at the code's head, or cannot be brought there; the message is one line."""


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the IOC store, with the connection its env.py runs on."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The revision this code expects the store at."""
    heads = script().get_heads()
    if len(heads) != 1:
        # Two branches each added a revision: renumber one to revise the other (see the README, Development).
        raise RuntimeError(
            f"the IOC store's migrations have {len(heads)} heads ({', '.join(heads)}); make one revise the other"
        )
    return heads[0]


def first_revision_tables() -> sa.MetaData:
    """Revision 0001's tables, as releases before migrations created them."""
    module = script().get_revision(FIRST_REVISION).module
    frozen: sa.MetaData = module.tables()
    return frozen


@dataclass(frozen=True)
class StoreState:
    """Where a store stands: its revision (None without ``alembic_version``), the code's head, its tables."""

    url: str  # password hidden
    revision: str | None
    head: str
    tables: frozenset[str]
    known: bool  # the revision is one of this code's (None counts as known)

    @property
    def at_head(self) -> bool:
        return self.revision == self.head

    @property
    def predates_migrations(self) -> bool:
        """Tables made by ``create_all`` before migrations, and no revision."""
        return self.revision is None and bool(self.tables & set(first_revision_tables().tables))

    def describe(self) -> str:
        if self.at_head:
            return f"revision {self.revision} (head)"
        if self.revision is None:
            what = "tables from before migrations" if self.predates_migrations else "empty"
            return f"no revision ({what}); head is {self.head}"
        if not self.known:
            return f"revision {self.revision}, unknown to this release (head {self.head})"
        return f"revision {self.revision}, behind head {self.head}"

    def problem(self) -> str | None:
        """Why a process may not use this store, in one line with what to run; None at head."""
        if self.at_head:
            return None
        where = f"the IOC store at {self.url}"
        if not self.known:
            return (
                f"{where} is at {self.describe()}: a newer release migrated it; run that release "
                "or restore the store's backup"
            )
        if self.revision is None and not self.predates_migrations:
            return f"{where} has no tables yet: run `{UPGRADE_COMMAND}`"
        if self.revision is None:
            return f"{where} predates migrations: run `{UPGRADE_COMMAND}` (it keeps the data)"
        return f"{where} is at {self.describe()}: run `{UPGRADE_COMMAND}`"


@dataclass(frozen=True)
class Upgrade:
    before: StoreState
    after: StoreState
    created_for_legacy: tuple[str, ...] = ()  # revision 0001 tables an old store lacked

    def summary(self) -> str:
        url, head_ = self.after.url, self.after.revision
        if self.before.at_head:
            return f"IOC store at {url}: already at revision {head_} (head)"
        if self.before.predates_migrations:
            added = f", added {', '.join(self.created_for_legacy)}" if self.created_for_legacy else ""
            return (
                f"IOC store at {url}: recognised tables from before migrations, data kept{added}; "
                f"stamped {FIRST_REVISION}, now at revision {head_} (head)"
            )
        if self.before.revision is None:
            return f"IOC store at {url}: created at revision {head_} (head)"
        return f"IOC store at {url}: upgraded from revision {self.before.revision} to {head_} (head)"


def _known(revision: str) -> bool:
    try:
        return script().get_revision(revision) is not None
    except CommandError:  # a revision this code has no script for
        return False


def _state(conn: Connection) -> StoreState:
    revisions = MigrationContext.configure(conn).get_current_heads()
    revision = ",".join(revisions) if revisions else None
    known = all(_known(r) for r in revisions)
    return StoreState(
        url=conn.engine.url.render_as_string(hide_password=True),
        revision=revision,
        head=head(),
        tables=frozenset(sa.inspect(conn).get_table_names()) - {VERSION_TABLE},
        known=known,
    )


def state(engine: Engine) -> StoreState:
    with engine.connect() as conn:
        return _state(conn)


def require_head(engine: Engine) -> StoreState:
    """The store's state if it is at the code's head; ``StoreNotReady`` saying what to run otherwise."""
    found = state(engine)
    problem = found.problem()
    if problem is not None:
        raise StoreNotReady(problem)
    return found


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for schema changes. On SQLite, foreign keys are off meanwhile: batch operations copy
    tables, and dropping the old copy of a referenced table would cascade into its children."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only outside a transaction, so first
            conn.commit()
        try:
            yield conn
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                conn.commit()
                if broken:
                    raise StoreNotReady(f"the migration left {len(broken)} rows without their parent, e.g. {broken[0]}")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def _adopt(conn: Connection, found: StoreState) -> tuple[str, ...]:
    """Check a store from before migrations against revision 0001, create what it lacks, stamp it."""
    frozen = first_revision_tables()
    inspector = sa.inspect(conn)
    for name in sorted(found.tables & set(frozen.tables)):
        have = {column["name"] for column in inspector.get_columns(name)}
        want = set(frozen.tables[name].columns.keys())
        if have != want:
            raise StoreNotReady(
                f"the IOC store at {found.url} has a table {name} with columns {', '.join(sorted(have))}, "
                f"not those of revision {FIRST_REVISION} ({', '.join(sorted(want))}); nothing was changed"
            )
    missing = [table for table in frozen.sorted_tables if table.name not in found.tables]
    # Older releases created these tables on first use, so a store can lack the newer ones; they start empty.
    frozen.create_all(conn, tables=missing)
    MigrationContext.configure(conn).stamp(script(), FIRST_REVISION)
    return tuple(sorted(table.name for table in missing))


def upgrade(engine: Engine) -> Upgrade:
    """Bring the store to the code's head: create it, adopt one from before migrations, or run the
    revisions it lacks. Idempotent. On PostgreSQL it all happens in one transaction."""
    with _migration_connection(engine) as conn:
        with conn.begin():
            before = _state(conn)
            if not before.known:
                raise StoreNotReady(before.problem() or before.describe())
            created: tuple[str, ...] = ()
            if before.predates_migrations:
                created = _adopt(conn, before)
            command.upgrade(config(conn), "head")
        after = _state(conn)
        conn.commit()
    return Upgrade(before, after, created)
