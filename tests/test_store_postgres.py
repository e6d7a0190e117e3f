"""The IOC store on PostgreSQL as on SQLite: refresh, current snapshot, pruning, a failed write, the API.

The VET side is the hand-computed tiny database (on both engines, ``tiny_engine``); the store is a new
one at head on the same kind of database. A failure forced inside the snapshot's write must leave the
previous snapshot current and no row of the failed run behind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from data_sources.engine import make_engine
from ioc_app import accounts, create_app, snapshots
from ioc_app.settings import Settings
from ioc_app.store import IocBase
from tests.conftest import TEST_SECRET_KEY, new_store
from tests.postgres_server import fresh_database

SNAPSHOT_TABLES = ("kpi_snapshot", "kpi_comparison", "kpi_institution", "snapshot_rule")
# A trigger that refuses every row written to kpi_comparison, and the statement that removes it.
FAIL_ON_COMPARISONS = {
    "sqlite": (
        [
            "CREATE TRIGGER fail_comparisons BEFORE INSERT ON kpi_comparison "
            "BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
        ],
        "DROP TRIGGER fail_comparisons",
    ),
    "postgresql": (
        [
            "CREATE FUNCTION fail_write() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$",
            "CREATE TRIGGER fail_comparisons BEFORE INSERT ON kpi_comparison FOR EACH ROW EXECUTE FUNCTION fail_write()",
        ],
        "DROP TRIGGER fail_comparisons ON kpi_comparison",
    ),
}


@pytest.fixture
def store(tiny_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A new IOC store at head, on the same kind of database as the tiny VET database."""
    if tiny_engine.dialect.name == "postgresql":
        url = fresh_database(str(tiny_engine.url.set(database="postgres").render_as_string(hide_password=False)))
    else:
        url = f"sqlite:///{tmp_path / 'ioc.sqlite3'}"
    engine = make_engine(new_store(url))
    yield engine
    engine.dispose()


def _rows(engine: Engine, table: str, run_id: int) -> list[tuple[Any, ...]]:
    """The rows a run left in a snapshot table, read through the store's own column types."""
    columns = IocBase.metadata.tables[table]
    with engine.connect() as conn:
        rows = conn.execute(select(columns).where(columns.c.refresh_id == run_id)).all()
    return sorted((tuple(v for k, v in r._mapping.items() if k != "refresh_id") for r in rows), key=repr)


def test_refresh_and_current_snapshot(tiny_engine: Engine, store: Engine) -> None:
    result = snapshots.refresh(tiny_engine, store, trigger="test")
    assert result.status == "ok", result.error
    snap = snapshots.current(store)
    assert snap is not None and snap.run.id == result.run_id and snap.run.data_date == result.data_date
    assert result.rows > 0 and len(_rows(store, "kpi_snapshot", result.run_id)) > 0


def test_both_stores_hold_the_same_figures(tiny_engine: Engine, store: Engine, tmp_path: Path) -> None:
    """Whatever the store's engine, a refresh of the same records stores the same rows."""
    other = make_engine(new_store(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    try:
        here = snapshots.refresh(tiny_engine, store, trigger="test")
        there = snapshots.refresh(tiny_engine, other, trigger="test")
        for table in SNAPSHOT_TABLES:
            assert _rows(store, table, here.run_id) == _rows(other, table, there.run_id), table
    finally:
        other.dispose()


def test_old_snapshots_are_pruned(tiny_engine: Engine, store: Engine) -> None:
    runs = [snapshots.refresh(tiny_engine, store, trigger="test", keep=2) for _ in range(3)]
    assert all(r.status == "ok" for r in runs)
    with store.connect() as conn:
        kept = [r[0] for r in conn.execute(text("SELECT DISTINCT refresh_id FROM kpi_snapshot ORDER BY 1"))]
    assert kept == [runs[1].run_id, runs[2].run_id]


def test_a_failure_inside_the_write_leaves_the_previous_snapshot_current(tiny_engine: Engine, store: Engine) -> None:
    first = snapshots.refresh(tiny_engine, store, trigger="test")
    assert first.status == "ok"

    # The disk fills (say) while the day-before figures are written, after the main figures went in:
    # the database itself refuses the rows, whichever way they are sent (INSERT or COPY).
    fail, drop = FAIL_ON_COMPARISONS[store.dialect.name]
    with store.begin() as conn:
        for statement in fail:
            conn.exec_driver_sql(statement)
    try:
        failed = snapshots.refresh(tiny_engine, store, trigger="test")
    finally:
        with store.begin() as conn:
            conn.exec_driver_sql(drop)
    assert failed.status == "failed" and "no space left on device" in (failed.error or "")
    assert snapshots.latest_run(store).id == first.run_id
    for table in SNAPSHOT_TABLES:
        assert _rows(store, table, failed.run_id) == [], table
    with store.connect() as conn:
        status = conn.execute(text("SELECT status FROM refresh_run WHERE id = :r"), {"r": failed.run_id}).scalar_one()
    assert status == "failed"
    # The next refresh succeeds and becomes current.
    assert snapshots.refresh(tiny_engine, store, trigger="test").status == "ok"


def test_the_api_reads_a_postgresql_store_as_a_sqlite_one(tiny_engine: Engine, store: Engine, tmp_path: Path) -> None:
    other = make_engine(new_store(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    try:
        bodies = []
        for engine in (store, other):
            assert snapshots.refresh(tiny_engine, engine, trigger="test").status == "ok"
            settings = dataclasses.replace(
                Settings(),
                vet_database_url=tiny_engine.url.render_as_string(hide_password=False),
                ioc_database_url=engine.url.render_as_string(hide_password=False),
                auto_init_demo=False,
                secret_key=TEST_SECRET_KEY,
            )
            _, secret = accounts.create_token(engine, "api reader", "api")
            client = create_app(settings).server.test_client()
            resp = client.get("/api/v1/indicators", headers={"Authorization": f"Bearer {secret}"})
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
            body = resp.get_json()
            bodies.append(_without_run_details(body))
        assert bodies[0] == bodies[1]
    finally:
        other.dispose()


def _without_run_details(value: Any) -> Any:
    """The figures of an API answer, without what differs from one run to another (its id and times)."""
    if isinstance(value, dict):
        return {
            k: _without_run_details(v)
            for k, v in value.items()
            if k not in ("snapshot_id", "refreshed_at", "generated_at", "refresh_id", "run_id", "finished_at")
        }
    if isinstance(value, list):
        return [_without_run_details(v) for v in value]
    return value
