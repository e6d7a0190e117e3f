"""The IOC store's migrations, on SQLite and on a real PostgreSQL server.

A store made by the last release before migrations (its ``create_all`` DDL, frozen below) keeps its
rows through ``db upgrade``; the models and the revisions agree at head; every way of starting the
app refuses a store behind head, except the embedded SQLite store on the serve path, which upgrades.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from data_sources.counting import default_rules
from data_sources.engine import make_engine
from ioc_app import accounts, cli, create_app, migrations, playlist_store, snapshots, task_progress
from ioc_app.settings import Settings
from ioc_app.store import IocBase, RefreshRun
from tests.conftest import TEST_SECRET_KEY, database_url
from tests.test_cli import ROOT, assert_one_line_error, run_cli

# What `IocBase.metadata.create_all` emitted for the store before migrations (release of 30/11/2026),
# per table in its order. Frozen here so later model changes cannot make the old store look new.
LEGACY_DDL: dict[str, dict[str, list[str]]] = {
    "sqlite": {
        "refresh_run": [
            """CREATE TABLE refresh_run (
                id INTEGER NOT NULL, started_at DATETIME NOT NULL, finished_at DATETIME,
                status VARCHAR(10) NOT NULL, "trigger" VARCHAR(20) NOT NULL, data_date DATE,
                rows INTEGER NOT NULL, seconds FLOAT, error TEXT, PRIMARY KEY (id))"""
        ],
        "task_progress_report": [
            """CREATE TABLE task_progress_report (
                id INTEGER NOT NULL, task_id VARCHAR(10) NOT NULL, reported_on DATE NOT NULL,
                state VARCHAR(20) NOT NULL, percent INTEGER, note TEXT, source VARCHAR(300) NOT NULL,
                recorded_at DATETIME NOT NULL, PRIMARY KEY (id),
                CONSTRAINT ck_task_progress_state CHECK (state IN ('not_started', 'in_progress', 'completed')),
                CONSTRAINT ck_task_progress_percent CHECK (percent IS NULL OR (percent >= 0 AND percent <= 100)),
                CONSTRAINT ck_task_progress_source CHECK (length(trim(source)) > 0))""",
            "CREATE INDEX ix_task_progress_task_date ON task_progress_report (task_id, reported_on)",
        ],
        "kpi_institution": [
            """CREATE TABLE kpi_institution (
                refresh_id INTEGER NOT NULL, series VARCHAR(40) NOT NULL, institution_id INTEGER NOT NULL,
                numerator INTEGER NOT NULL, denominator INTEGER NOT NULL,
                PRIMARY KEY (refresh_id, series, institution_id),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)"""
        ],
        "kpi_snapshot": [
            """CREATE TABLE kpi_snapshot (
                refresh_id INTEGER NOT NULL, series VARCHAR(40) NOT NULL, period_end DATE NOT NULL,
                province63 VARCHAR(2) NOT NULL, inst_type VARCHAR(20) NOT NULL, ownership VARCHAR(20) NOT NULL,
                numerator INTEGER NOT NULL, denominator INTEGER NOT NULL,
                PRIMARY KEY (refresh_id, series, period_end, province63, inst_type, ownership),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)""",
            "CREATE INDEX ix_kpi_snapshot_refresh_series ON kpi_snapshot (refresh_id, series)",
        ],
        "snapshot_rule": [
            """CREATE TABLE snapshot_rule (
                refresh_id INTEGER NOT NULL, "key" VARCHAR(40) NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (refresh_id, "key"),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)"""
        ],
    },
    "postgresql": {
        "refresh_run": [
            """CREATE TABLE refresh_run (
                id SERIAL NOT NULL, started_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
                finished_at TIMESTAMP WITHOUT TIME ZONE, status VARCHAR(10) NOT NULL, trigger VARCHAR(20) NOT NULL,
                data_date DATE, rows INTEGER NOT NULL, seconds FLOAT, error TEXT, PRIMARY KEY (id))"""
        ],
        "task_progress_report": [
            """CREATE TABLE task_progress_report (
                id SERIAL NOT NULL, task_id VARCHAR(10) NOT NULL, reported_on DATE NOT NULL,
                state VARCHAR(20) NOT NULL, percent INTEGER, note TEXT, source VARCHAR(300) NOT NULL,
                recorded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (id),
                CONSTRAINT ck_task_progress_state CHECK (state IN ('not_started', 'in_progress', 'completed')),
                CONSTRAINT ck_task_progress_percent CHECK (percent IS NULL OR (percent >= 0 AND percent <= 100)),
                CONSTRAINT ck_task_progress_source CHECK (length(trim(source)) > 0))""",
            "CREATE INDEX ix_task_progress_task_date ON task_progress_report (task_id, reported_on)",
        ],
        "kpi_institution": [
            """CREATE TABLE kpi_institution (
                refresh_id INTEGER NOT NULL, series VARCHAR(40) NOT NULL, institution_id INTEGER NOT NULL,
                numerator INTEGER NOT NULL, denominator INTEGER NOT NULL,
                PRIMARY KEY (refresh_id, series, institution_id),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)"""
        ],
        "kpi_snapshot": [
            """CREATE TABLE kpi_snapshot (
                refresh_id INTEGER NOT NULL, series VARCHAR(40) NOT NULL, period_end DATE NOT NULL,
                province63 VARCHAR(2) NOT NULL, inst_type VARCHAR(20) NOT NULL, ownership VARCHAR(20) NOT NULL,
                numerator INTEGER NOT NULL, denominator INTEGER NOT NULL,
                PRIMARY KEY (refresh_id, series, period_end, province63, inst_type, ownership),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)""",
            "CREATE INDEX ix_kpi_snapshot_refresh_series ON kpi_snapshot (refresh_id, series)",
        ],
        "snapshot_rule": [
            """CREATE TABLE snapshot_rule (
                refresh_id INTEGER NOT NULL, key VARCHAR(40) NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (refresh_id, key),
                FOREIGN KEY(refresh_id) REFERENCES refresh_run (id) ON DELETE CASCADE)"""
        ],
    },
}
ALL_LEGACY = tuple(LEGACY_DDL["sqlite"])
# The release of 28/11/2026 had neither counting rules nor progress reports yet.
OLDER_LEGACY = ("refresh_run", "kpi_institution", "kpi_snapshot")

# The rows as the old release wrote them, through typed table clauses of their own (not the models).
REFRESH_RUN = sa.table(
    "refresh_run",
    sa.column("id", sa.Integer),
    sa.column("started_at", sa.DateTime),
    sa.column("finished_at", sa.DateTime),
    sa.column("status", sa.String),
    sa.column("trigger", sa.String),
    sa.column("data_date", sa.Date),
    sa.column("rows", sa.Integer),
    sa.column("seconds", sa.Float),
    sa.column("error", sa.Text),
)
KPI_SNAPSHOT = sa.table(
    "kpi_snapshot",
    *(sa.column(c, sa.String) for c in ("series", "province63", "inst_type", "ownership")),
    sa.column("refresh_id", sa.Integer),
    sa.column("period_end", sa.Date),
    sa.column("numerator", sa.Integer),
    sa.column("denominator", sa.Integer),
)
KPI_INSTITUTION = sa.table(
    "kpi_institution",
    *(sa.column(c, sa.Integer) for c in ("refresh_id", "institution_id", "numerator", "denominator")),
    sa.column("series", sa.String),
)
SNAPSHOT_RULE = sa.table(
    "snapshot_rule", sa.column("refresh_id", sa.Integer), sa.column("key", sa.String), sa.column("value", sa.Text)
)
TASK_PROGRESS_REPORT = sa.table(
    "task_progress_report",
    sa.column("id", sa.Integer),
    sa.column("task_id", sa.String),
    sa.column("reported_on", sa.Date),
    sa.column("state", sa.String),
    sa.column("percent", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("source", sa.String),
    sa.column("recorded_at", sa.DateTime),
)
DATA_DATE = dt.date(2026, 11, 15)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for an IOC store, on each dialect."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ioc.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


def build_legacy_store(engine: Engine, tables: tuple[str, ...] = ALL_LEGACY) -> dict[str, list[dict[str, Any]]]:
    """A store as a release before migrations left it, with a snapshot and a progress report; its rows."""
    ddl = LEGACY_DDL[engine.dialect.name]
    with engine.begin() as conn:
        for name in ALL_LEGACY:
            if name in tables:
                for statement in ddl[name]:
                    conn.execute(text(statement))
        run_id = conn.execute(
            sa.insert(REFRESH_RUN)
            .values(
                started_at=dt.datetime(2026, 11, 30, 1, 0, 0),
                finished_at=dt.datetime(2026, 11, 30, 1, 0, 42, 500000),
                status="ok",
                trigger="scheduler",
                data_date=DATA_DATE,
                rows=2,
                seconds=42.5,
                error=None,
            )
            .returning(REFRESH_RUN.c.id)
        ).scalar_one()
        cells = [
            {"series": "staff_digital_capacity", "period_end": DATA_DATE, "province63": "01", "numerator": 3},
            {"series": "staff_digital_capacity", "period_end": DATA_DATE, "province63": "79", "numerator": 5},
        ]
        conn.execute(
            sa.insert(KPI_SNAPSHOT),
            [
                {**c, "refresh_id": run_id, "inst_type": "college", "ownership": "public", "denominator": 10}
                for c in cells
            ],
        )
        conn.execute(
            sa.insert(KPI_INSTITUTION),
            [
                {
                    "refresh_id": run_id,
                    "series": "staff_digital_capacity",
                    "institution_id": 7,
                    "numerator": 3,
                    "denominator": 4,
                }
            ],
        )
        if "snapshot_rule" in tables:
            conn.execute(
                sa.insert(SNAPSHOT_RULE),
                [{"refresh_id": run_id, "key": k, "value": v} for k, v in default_rules().to_records().items()],
            )
        if "task_progress_report" in tables:
            conn.execute(
                sa.insert(TASK_PROGRESS_REPORT).values(
                    task_id="2.1.2",
                    reported_on=dt.date(2026, 3, 31),
                    state="in_progress",
                    percent=60,
                    note="Vận hành thử",
                    source="Công văn 345/GDNN",
                    recorded_at=dt.datetime(2026, 4, 2, 8, 30),
                )
            )
    return read_rows(engine, tables)


def read_rows(engine: Engine, tables: tuple[str, ...] = ALL_LEGACY) -> dict[str, list[dict[str, Any]]]:
    clauses = {
        "refresh_run": REFRESH_RUN,
        "kpi_snapshot": KPI_SNAPSHOT,
        "kpi_institution": KPI_INSTITUTION,
        "snapshot_rule": SNAPSHOT_RULE,
        "task_progress_report": TASK_PROGRESS_REPORT,
    }
    with engine.connect() as conn:
        return {
            name: [
                dict(row._mapping) for row in conn.execute(sa.select(clauses[name]).order_by(*clauses[name].c)).all()
            ]
            for name in tables
        }


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def schema_diff(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, IocBase.metadata))


# --- the revisions -------------------------------------------------------------------------------------


def test_the_migrations_have_one_head() -> None:
    assert migrations.script().get_heads() == [migrations.head()]
    assert migrations.script().get_base() == migrations.FIRST_REVISION


def test_a_new_store_is_created_at_head_and_agrees_with_the_models(engine: Engine) -> None:
    before = migrations.state(engine)
    assert (before.revision, before.tables, before.at_head) == (None, frozenset(), False)
    assert "has no tables yet: run `python -m ioc_app db upgrade`" in (before.problem() or "")
    first = migrations.upgrade(engine)
    assert first.after.at_head and "created at revision" in first.summary()
    # Whoever changes ioc_app/store.py must add a revision: at head the models and the database agree.
    assert schema_diff(engine) == []
    assert table_names(engine) == {*IocBase.metadata.tables, "alembic_version"}
    again = migrations.upgrade(engine)
    assert again.before.at_head and "already at revision" in again.summary()


def test_every_revision_goes_down_and_up_again(engine: Engine) -> None:
    migrations.upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(migrations.config(conn), "base")
    assert table_names(engine) == {"alembic_version"}
    migrations.upgrade(engine)
    assert schema_diff(engine) == []


def test_revision_0003_keeps_the_tokens_and_adds_playlists(engine: Engine) -> None:
    # Tokens made before wall playlists keep working, limited to no playlist.
    with engine.begin() as conn:
        command.upgrade(migrations.config(conn), "0002")
        conn.execute(
            text(
                "INSERT INTO access_token (name, kind, province, token_hash, created_at) "
                "VALUES ('wall', 'display', '79', :hash, :at)"
            ),
            {"hash": "a" * 64, "at": dt.datetime(2026, 11, 1)},
        )
    assert "playlist" not in table_names(engine)
    migrations.upgrade(engine)
    [token] = accounts.tokens(engine)
    assert (token.name, token.province, token.playlist) == ("wall", "79", None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO playlist (name, title, slides, updated_at, updated_by) "
                "VALUES ('phong-hop', 'Phòng họp', '[{\"kind\": \"overview\", \"seconds\": 30}]', :at, 'cli')"
            ),
            {"at": dt.datetime(2026, 11, 2)},
        )
        conn.execute(text("UPDATE access_token SET playlist = 'phong-hop'"))
    assert accounts.tokens(engine)[0].identity.playlist == "phong-hop"
    assert playlist_store.get(engine, "phong-hop") is not None
    with engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0002")
    assert "playlist" not in table_names(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, province FROM access_token")).all() == [("wall", "79")]


# --- a store from before migrations ----------------------------------------------------------------------


def test_db_upgrade_keeps_the_data_of_a_store_from_before_migrations(store_url: str, engine: Engine) -> None:
    rows = build_legacy_store(engine)
    found = migrations.state(engine)
    assert found.predates_migrations and "predates migrations" in (found.problem() or "")

    env = {"IOC_DATABASE_URL": store_url}
    current = run_cli("db", "current", env=env)
    assert current.returncode == 1 and "no revision (tables from before migrations)" in current.stdout
    upgraded = run_cli("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "recognised tables from before migrations, data kept; stamped 0001" in upgraded.stdout
    assert f"now at revision {migrations.head()} (head)" in upgraded.stdout
    current = run_cli("db", "current", env=env)
    assert current.returncode == 0 and f"revision {migrations.head()} (head)" in current.stdout

    assert read_rows(engine) == rows
    assert schema_diff(engine) == []
    # The app reads the old snapshot and report, and writes new rows after them (sequences intact).
    snap = snapshots.current(engine)
    assert snap is not None and snap.run.data_date == DATA_DATE and snap.rules == default_rules()
    assert int(snap.cells("staff_digital_capacity")["numerator"].sum()) == 8
    [report] = task_progress.reports(engine)
    assert (report.task, report.percent, report.source) == ("2.1.2", 60, "Công văn 345/GDNN")
    added = task_progress.record(engine, "5", "completed", dt.date(2026, 6, 1), "Báo cáo 45", today=DATA_DATE)
    assert len(task_progress.reports(engine)) == 2 and added.task == "5"
    with Session(engine) as s, s.begin():
        run = RefreshRun(started_at=dt.datetime(2026, 12, 1), status="failed", trigger="test", rows=0)
        s.add(run)
        s.flush()
        assert run.id == rows["refresh_run"][0]["id"] + 1

    again = run_cli("db", "upgrade", env=env)
    assert again.returncode == 0 and "already at revision" in again.stdout


def test_an_older_store_gets_the_tables_it_lacked(engine: Engine) -> None:
    rows = build_legacy_store(engine, OLDER_LEGACY)
    result = migrations.upgrade(engine)
    assert result.created_for_legacy == ("snapshot_rule", "task_progress_report")
    assert "added snapshot_rule, task_progress_report" in result.summary()
    assert read_rows(engine, OLDER_LEGACY) == rows
    assert schema_diff(engine) == []
    snap = snapshots.current(engine)
    assert snap is not None and snap.rules is None  # a snapshot from before rules were stored
    assert task_progress.reports(engine) == []


def test_tables_not_made_by_a_release_are_refused_and_left_alone(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE refresh_run (id INTEGER PRIMARY KEY, started_at TIMESTAMP, note TEXT)"))
    with pytest.raises(migrations.StoreNotReady, match="has a table refresh_run with columns id, note, started_at"):
        migrations.upgrade(engine)
    assert table_names(engine) == {"refresh_run"}


def test_a_store_migrated_by_a_newer_release_is_refused(store_url: str, engine: Engine) -> None:
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    found = migrations.state(engine)
    assert not found.known and "unknown to this release" in found.describe()
    with pytest.raises(migrations.StoreNotReady, match="a newer release migrated it"):
        migrations.upgrade(engine)
    current = run_cli("db", "current", env={"IOC_DATABASE_URL": store_url})
    assert current.returncode == 1 and "revision 9999, unknown to this release" in current.stdout


# --- starting the app ----------------------------------------------------------------------------------


def _settings(tmp_path: Path, ioc_url: str) -> Settings:
    return Settings(
        vet_database_url=database_url(tmp_path, "vet"),
        ioc_database_url=ioc_url,
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,  # production refuses to start without one, before it looks at the store
    )


def test_create_app_refuses_a_store_behind_head(store_url: str, engine: Engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path, store_url)
    with pytest.raises(migrations.StoreNotReady) as empty:
        create_app(settings)
    assert str(empty.value).endswith("has no tables yet: run `python -m ioc_app db upgrade`")
    build_legacy_store(engine)
    with pytest.raises(migrations.StoreNotReady, match="predates migrations: run `python -m ioc_app db upgrade`"):
        create_app(settings)
    assert migrations.state(engine).revision is None  # the app changed nothing
    migrations.upgrade(engine)
    assert create_app(settings).server.test_client().get("/healthz").get_json()["ioc_database"]["reachable"]


def test_gunicorns_import_of_app_fails_with_the_command_to_run(tmp_path: Path) -> None:
    env = {
        "IOC_DATABASE_URL": database_url(tmp_path, "ioc"),
        "VET_DATABASE_URL": database_url(tmp_path, "v"),
        "IOC_SECRET_KEY": TEST_SECRET_KEY,
    }
    proc = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3  # gunicorn stops instead of restarting workers
    assert_one_line_error(proc, "has no tables yet: run `python -m ioc_app db upgrade`")


def test_the_serve_path_upgrades_an_embedded_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # SQLite: only an embedded (SQLite) store is upgraded by the serving process itself.
    url = f"sqlite:///{tmp_path / 'ioc.sqlite3'}"
    legacy = make_engine(url)
    rows = build_legacy_store(legacy)
    cli.prepare_store(_settings(tmp_path, url))
    assert "recognised tables from before migrations" in capsys.readouterr().err
    assert migrations.state(legacy).at_head and read_rows(legacy) == rows
    cli.prepare_store(_settings(tmp_path, url))
    assert capsys.readouterr().err == ""  # nothing to say at head
    legacy.dispose()


def test_the_serve_path_refuses_a_server_store_behind_head(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.serve(_settings(tmp_path, pg_url))
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith("has no tables yet: run `python -m ioc_app db upgrade`")
    untouched = make_engine(pg_url)
    assert table_names(untouched) == set()
    untouched.dispose()


@pytest.mark.parametrize(
    "command",
    [
        ["refresh"],
        ["scheduler"],
        ["tasks", "list"],
        ["tasks", "report", "5", "--state", "completed", "--on", "2026-01-05", "--source", "CV 1"],
    ],
)
def test_commands_refuse_a_store_behind_head(tmp_path: Path, command: list[str]) -> None:
    env = {"IOC_DATABASE_URL": database_url(tmp_path, "ioc"), "VET_DATABASE_URL": database_url(tmp_path, "v")}
    proc = run_cli(*command, env=env)
    assert_one_line_error(proc, "has no tables yet: run `python -m ioc_app db upgrade`")
    engine = make_engine(env["IOC_DATABASE_URL"])
    assert table_names(engine) == set()
    engine.dispose()


# --- no schema work per call ----------------------------------------------------------------------------


def test_each_read_of_the_store_is_one_select_with_no_schema_work(engine: Engine) -> None:
    # The dashboard polls snapshots.current on every callback: the schema is ensured once at start, not here.
    migrations.upgrade(engine)
    with engine.begin() as conn:
        run_id = conn.execute(
            sa.insert(REFRESH_RUN)
            .values(
                started_at=dt.datetime(2026, 11, 30),
                finished_at=dt.datetime(2026, 11, 30, 0, 1),
                status="ok",
                trigger="test",
                data_date=DATA_DATE,
                rows=0,
            )
            .returning(REFRESH_RUN.c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(SNAPSHOT_RULE),
            [{"refresh_id": run_id, "key": k, "value": v} for k, v in default_rules().to_records().items()],
        )
    assert snapshots.current(engine) is not None  # loads the snapshot once
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert snapshots.current(engine) is not None
    assert task_progress.latest_reports(engine, DATA_DATE) == {}
    assert len(statements) == 2 and all(s.lstrip().upper().startswith("SELECT") for s in statements), statements
