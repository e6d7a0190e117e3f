"""Snapshots: the refresh that precomputes every figure, and the cached read the dashboard uses.

A refresh computes all series x all cells x all month ends since December 2021 (plus the
data date, and the day and the week before it) from the VET database and writes them in one
transaction. A failed refresh rolls back, leaving the previous snapshot in place, and is recorded
with its error; so is one killed midway (its run stays "running" until the next refresh marks it
abandoned). Users' clicks read only the newest successful snapshot, held in memory by its id: one
per process at a time, replaced (in the background in a web process) when a newer one is stored.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Engine, Select, Table, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from data_sources.counting import CountingRules, default_rules
from data_sources.queries import data_date as read_data_date
from ioc_app import memo, shared_redis
from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators.scopes import Scope
from ioc_app.store import KpiComparison, KpiInstitution, KpiSnapshot, RefreshRun, SnapshotRule

log = logging.getLogger(__name__)
KEEP_SNAPSHOTS = 3


@dataclass(frozen=True)
class RefreshResult:
    run_id: int
    status: str
    rows: int
    seconds: float
    data_date: dt.date | None
    error: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def vet_data_date(vet_engine: Engine) -> dt.date:
    """The VET database's own data date, or today when it records none."""
    with Session(vet_engine) as s:
        return read_data_date(s) or dt.date.today()


def refresh(
    vet_engine: Engine,
    ioc_engine: Engine,
    trigger: str = "cli",
    data_date: dt.date | None = None,
    keep: int = KEEP_SNAPSHOTS,
    rules: CountingRules | Callable[[], CountingRules] = default_rules,
    confirm: Callable[[Connection], None] | None = None,
) -> RefreshResult:
    """Recompute every figure and store it as the newest snapshot; never raises for a data error.

    The run is recorded before anything is computed (status "running"), and becomes "ok" in the
    transaction that writes its figures, or "failed" with its error. A process killed midway
    leaves only that "running" record: readers take "ok" runs alone, and the next refresh under
    the lease marks it abandoned (``abandon_unfinished``).

    ``rules`` may be a function reading them (``Settings.counting_rules``), so that a rule file
    edited into an invalid state fails this refresh with its message and keeps the last snapshot.
    ``confirm`` runs inside the writing transaction and may refuse it by raising (``job_lease.Lease.confirm``).
    """
    started, t0 = _now(), time.perf_counter()
    run_id = _start_run(ioc_engine, started, trigger)
    try:
        data_date = data_date or vet_data_date(vet_engine)
        counting = rules() if callable(rules) else rules
        frames = kpi_engine.snapshot_frames(vet_engine, data_date, counting)
        stored = _Stored(frames.cube, frames.institutions, counting, frames.comparisons)
        _store(ioc_engine, run_id, stored, data_date, time.perf_counter() - t0, keep, confirm)
        seconds = time.perf_counter() - t0
        log.info("snapshot %s: %s rows in %.1f s", run_id, len(frames.cube), seconds)
        return RefreshResult(run_id, "ok", len(frames.cube), seconds, data_date)
    except Exception as exc:
        seconds = time.perf_counter() - t0
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        log.exception("snapshot refresh failed")
        with Session(ioc_engine) as s, s.begin():
            s.execute(
                update(RefreshRun)
                .where(RefreshRun.id == run_id)
                .values(
                    status="failed", finished_at=_now(), data_date=data_date, rows=0, seconds=seconds, error=message
                )
            )
        return RefreshResult(run_id, "failed", 0, seconds, data_date, message)


def _start_run(ioc_engine: Engine, started: dt.datetime, trigger: str) -> int:
    with Session(ioc_engine) as s, s.begin():
        run = RefreshRun(started_at=started, finished_at=None, status="running", trigger=trigger, rows=0)
        s.add(run)
        s.flush()
        return run.id


def abandon_unfinished(ioc_engine: Engine) -> list[int]:
    """Mark the runs still "running" as abandoned (their process died); only the lease holder may call it."""
    with Session(ioc_engine) as s, s.begin():
        ids = list(s.scalars(select(RefreshRun.id).where(RefreshRun.status == "running")))
        if ids:
            s.execute(
                update(RefreshRun)
                .where(RefreshRun.id.in_(ids))
                .values(status="abandoned", error="interrupted: the refreshing process stopped before it finished")
            )
    return ids


@dataclass(frozen=True)
class _Stored:
    cube: pd.DataFrame
    per_institution: pd.DataFrame
    rules: CountingRules
    comparisons: pd.DataFrame


def _store(
    ioc_engine: Engine,
    run_id: int,
    stored: _Stored,
    data_date: dt.date,
    seconds: float,
    keep: int,
    confirm: Callable[[Connection], None] | None = None,
) -> None:
    """Write the run's figures and mark it ok, in one transaction: all of it or nothing."""
    with Session(ioc_engine) as s, s.begin():
        if confirm is not None:
            confirm(s.connection())
        s.add_all(SnapshotRule(refresh_id=run_id, key=k, value=v) for k, v in stored.rules.to_records().items())
        conn = s.connection()
        tables = (
            (KpiSnapshot, stored.cube),
            (KpiInstitution, stored.per_institution),
            (KpiComparison, stored.comparisons),
        )
        for table, frame in tables:
            _insert_frame(conn, cast(Table, table.__table__), frame, run_id)
        s.execute(
            update(RefreshRun)
            .where(RefreshRun.id == run_id)
            .values(status="ok", finished_at=_now(), data_date=data_date, rows=len(stored.cube), seconds=seconds)
        )
        # Keep the newest few snapshots; older ones go in the same transaction.
        old = s.scalars(
            select(RefreshRun.id)
            .where(RefreshRun.status == "ok", RefreshRun.id != run_id)
            .order_by(RefreshRun.id.desc())
            .offset(max(keep - 1, 0))
        ).all()
        if old:
            s.execute(delete(KpiSnapshot).where(KpiSnapshot.refresh_id.in_(old)))
            s.execute(delete(KpiInstitution).where(KpiInstitution.refresh_id.in_(old)))
            s.execute(delete(KpiComparison).where(KpiComparison.refresh_id.in_(old)))
            s.execute(delete(SnapshotRule).where(SnapshotRule.refresh_id.in_(old)))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: object) -> str:
    """One value in COPY's text format: \\N for NULL, the separators escaped."""
    return "\\N" if value is None or value is pd.NA or value != value else str(value).translate(_COPY_ESCAPES)


def _copy_text(frame: pd.DataFrame, run_id: int, columns: list[str]) -> str:
    """The rows of ``frame`` (after ``run_id``) in COPY's text format, each distinct value converted once."""
    texts = [[_copy_value(run_id)] * len(frame)]
    for name in columns[1:]:
        values = frame[name].tolist()
        known: dict[object, str] = {}
        texts.append([known[v] if v in known else known.setdefault(v, _copy_value(v)) for v in values])
    return "".join(f"{row}\n" for row in map("\t".join, zip(*texts, strict=True)))


def _insert_frame(conn: Connection, table: Table, frame: pd.DataFrame, run_id: int) -> None:
    """Insert a snapshot's rows in as few statements as the database takes them fastest.

    SQLite: one executemany of plain tuples, straight to the driver (a prepared statement stepped per
    row), each column's values converted once per distinct value (a date column has a few dozen).
    PostgreSQL (psycopg): one COPY of the whole frame as text; multi-row INSERTs of a thousand rows
    cost it seconds per 10,000 rows (each statement built, parsed and planned), and so does psycopg's
    ``write_row`` (Python per row) or pandas' ``to_csv``, a second per 200,000 rows.
    Another server: SQLAlchemy's multi-row INSERTs.
    """
    if not len(frame):
        return
    columns = ["refresh_id", *frame.columns]
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        data = _copy_text(frame, run_id, columns)
        import psycopg  # only a PostgreSQL store needs the driver's COPY (SQLite workers never load it)

        driver = conn.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        # The connection's own transaction: the COPY commits or rolls back with the rest of the snapshot.
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy,
        ):
            copy.write(data)
        return
    values: list[list[Any]] = [[run_id] * len(frame)]
    for name in frame.columns:
        column = frame[name].tolist()
        process = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if process is not None and conn.dialect.name == "sqlite":
            converted = {v: process(v) for v in set(column)}
            column = [converted[v] for v in column]
        values.append(column)
    rows = zip(*values, strict=True)
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", list(rows))


@dataclass(frozen=True)
class RunInfo:
    id: int
    finished_at: dt.datetime
    data_date: dt.date
    seconds: float | None


Matrix = tuple[pd.DataFrame, npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _wide(cells: pd.DataFrame, date_column: str, dates: list[dt.date]) -> Matrix:
    """Cells (province63, inst_type, ownership) and their numerators and denominators as int arrays of
    shape (cells, dates), columns in the order of ``dates``."""
    cell_cols = list(kpi_engine.CELL_COLUMNS)
    grouped = cells.groupby([*cell_cols, date_column], dropna=False)[["numerator", "denominator"]].sum()
    if grouped.empty:
        shape = (0, len(dates))
        return pd.DataFrame(columns=cell_cols), np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    wide = grouped.unstack(date_column, fill_value=0)
    num, den = wide["numerator"], wide["denominator"]
    # The columns are (field, date), so each field selects a frame.
    assert isinstance(num, pd.DataFrame) and isinstance(den, pd.DataFrame)
    num = num.reindex(columns=dates, fill_value=0)
    den = den.reindex(columns=dates, fill_value=0)
    return num.index.to_frame(index=False), num.to_numpy(np.int64), den.to_numpy(np.int64)


class Snapshot:
    """One stored snapshot, in memory: the cube and the comparison days' cells, split by series for fast reads."""

    def __init__(
        self,
        run: RunInfo,
        cube: pd.DataFrame,
        institutions: pd.DataFrame | None = None,
        rules: CountingRules | None = None,
        comparisons: pd.DataFrame | None = None,
    ) -> None:
        self.run = run
        # The counting rules the figures were computed with (None: a snapshot from before they were stored).
        self.rules = rules
        # series, institution_id, numerator, denominator at the data date.
        self.institutions = (
            institutions
            if institutions is not None
            else pd.DataFrame(columns=["series", "institution_id", "numerator", "denominator"])
        )
        self.by_series = {key: part.reset_index(drop=True) for key, part in cube.groupby("series", sort=False)}
        self.period_ends: list[dt.date] = sorted(cube["period_end"].unique()) if len(cube) else []
        self._period_index = {d: i for i, d in enumerate(self.period_ends)}
        # The cells at the comparison days that are no period end (none in a snapshot from before they were stored).
        comparisons = comparisons if comparisons is not None else pd.DataFrame(columns=kpi_engine.COMPARISON_COLUMNS)
        self._compared_by_series = {
            k: part.reset_index(drop=True) for k, part in comparisons.groupby("series", sort=False)
        }
        counted = sorted(comparisons["as_of"].unique()) if len(comparisons) else []
        self._counted_index = {d: i for i, d in enumerate(counted)}
        # The comparison days stored apart from the period ends: the columns of ``compared_matrix``.
        self.compared_dates: list[dt.date] = counted
        # The data date minus a day and minus a week, where the snapshot has their figures.
        self.comparison_dates: list[dt.date] = [
            d for d in kpi_engine.comparison_dates(run.data_date) if d in self._period_index or d in self._counted_index
        ]
        # Per series: its cells and their numerators/denominators as (cell x period end) arrays, built
        # on first use, so any scope's trajectory is a masked column sum (about a millisecond per click).
        self._matrices: dict[str, Matrix] = {}
        self._compared_matrices: dict[str, Matrix] = {}
        self._cell_columns: dict[tuple[str, bool], tuple[npt.NDArray[np.object_], ...]] = {}

    def cells(self, series: str) -> pd.DataFrame:
        part = self.by_series.get(series)
        if part is None:
            return pd.DataFrame(columns=kpi_engine.CUBE_COLUMNS)
        return part

    def compared_cells(self, series: str) -> pd.DataFrame:
        """The series' cells at the comparison days that are no period end (COMPARISON_COLUMNS)."""
        part = self._compared_by_series.get(series)
        if part is None:
            return pd.DataFrame(columns=kpi_engine.COMPARISON_COLUMNS)
        return part

    def matrix(self, series: str) -> Matrix:
        """The series' cells (province63, inst_type, ownership) and their numerators and denominators as
        int arrays of shape (cells, period ends), columns in the order of ``period_ends``."""
        hit = self._matrices.get(series)
        if hit is None:
            hit = _wide(self.cells(series), "period_end", self.period_ends)
            self._matrices[series] = hit  # a race only computes the same thing twice
        return hit

    def compared_matrix(self, series: str) -> Matrix:
        """As ``matrix``, over the comparison days stored apart from the period ends (in date order)."""
        hit = self._compared_matrices.get(series)
        if hit is None:
            hit = _wide(self.compared_cells(series), "as_of", self.compared_dates)
            self._compared_matrices[series] = hit
        return hit

    def _mask(self, series: str, scope: Scope, compared: bool) -> npt.NDArray[np.bool_]:
        cells = (self.compared_matrix if compared else self.matrix)(series)[0]
        cols = self._cell_columns.get((series, compared))
        if cols is None:
            cols = tuple(cells[c].to_numpy(object) for c in kpi_engine.CELL_COLUMNS)
            self._cell_columns[(series, compared)] = cols
        province63, inst_type, ownership = cols
        mask = np.ones(len(cells), bool)
        codes = scope.legacy_codes()
        if codes is not None:
            mask &= np.fromiter((c in codes for c in province63), bool, len(province63))
        if scope.inst_type:
            mask &= inst_type == scope.inst_type
        if scope.ownership:
            mask &= ownership == scope.ownership
        return mask

    def cell_mask(self, series: str, scope: Scope) -> npt.NDArray[np.bool_]:
        """Which rows of ``matrix(series)`` fall in the scope (as ``Scope.mask``, in plain numpy)."""
        return self._mask(series, scope, compared=False)

    def trajectory(self, series: str, scope: Scope) -> pd.DataFrame:
        """period_end, numerator, denominator, value for every period end of the snapshot.

        Equal to ``rollup(self.cells(series), scope)`` filled with zeros over the period ends.
        """
        _cells, num, den = self.matrix(series)
        mask = self.cell_mask(series, scope)
        n = num[mask].sum(axis=0, dtype=np.int64)
        d = den[mask].sum(axis=0, dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(d != 0, n / np.where(d != 0, d, 1), np.nan)
        return pd.DataFrame({"period_end": self.period_ends, "numerator": n, "denominator": d, "value": value})

    def value_at(self, series: str, scope: Scope, as_of: dt.date) -> tuple[int, int] | None:
        """(numerator, denominator) of the scope at a period end or a comparison day; None when the
        snapshot has no figures for that day (a snapshot stored before comparison days were)."""
        if as_of in self._period_index:
            column, compared = self._period_index[as_of], False
        elif as_of in self._counted_index:
            column, compared = self._counted_index[as_of], True
        else:
            return None
        _cells, num, den = (self.compared_matrix if compared else self.matrix)(series)
        mask = self._mask(series, scope, compared)
        return int(num[mask, column].sum()), int(den[mask, column].sum())


_NEWEST_OK = (
    select(RefreshRun.id, RefreshRun.finished_at, RefreshRun.data_date, RefreshRun.seconds)
    .where(RefreshRun.status == "ok")
    .order_by(RefreshRun.id.desc())
    .limit(1)
)


def newest_run(ioc_engine: Engine) -> RunInfo | None:
    """The newest successful run in the store: one indexed SELECT, no session and no schema work."""
    with ioc_engine.connect() as conn:
        row = conn.execute(_NEWEST_OK).first()
    if row is None:
        return None
    assert row.finished_at is not None and row.data_date is not None  # an ok run records both
    return RunInfo(row.id, row.finished_at, row.data_date, row.seconds)


def latest_run(ioc_engine: Engine) -> RunInfo | None:
    """The newest successful snapshot's run.

    In a web process serving from memory (``serve_from_memory``) it is the run of the snapshot the
    process serves, so the freshness a page shows always matches its figures; the store is asked at
    most every ``CHECK_SECONDS`` then, and a newer snapshot is loaded in the background.
    """
    held = _served.get(ioc_engine)
    if held is None or not _served.background:
        return newest_run(ioc_engine)
    _served.check(ioc_engine, held)
    return held.run


def run_as_of(ioc_engine: Engine, day: dt.date) -> RunInfo | None:
    """The newest kept snapshot whose data date is on or before ``day`` (an older run's figures are
    pruned, so only runs that still hold their figures count)."""
    kept = exists().where(KpiSnapshot.refresh_id == RefreshRun.id)
    with Session(ioc_engine) as s:
        run = s.scalars(
            select(RefreshRun)
            .where(RefreshRun.status == "ok", RefreshRun.data_date <= day, kept)
            .order_by(RefreshRun.data_date.desc(), RefreshRun.id.desc())
            .limit(1)
        ).first()
        if run is None:
            return None
        assert run.finished_at is not None and run.data_date is not None  # an ok run records both
        return RunInfo(run.id, run.finished_at, run.data_date, run.seconds)


def as_of(ioc_engine: Engine, day: dt.date) -> Snapshot | None:
    """The snapshot ``run_as_of`` names, loaded (the newest one is the one ``current`` serves)."""
    run = run_as_of(ioc_engine, day)
    if run is None:
        return None
    served = current(ioc_engine)
    if served is not None and served.run.id == run.id:
        return served
    return _read(ioc_engine, run)  # an older snapshot, read for this one use (a dated brief)


def last_failure(ioc_engine: Engine) -> RefreshRun | None:
    """The newest finished run if it failed (so the UI can say the data may be behind); runs in progress
    or abandoned by a killed process do not count."""
    with Session(ioc_engine) as s:
        run = s.scalars(
            select(RefreshRun).where(RefreshRun.status.in_(("ok", "failed"))).order_by(RefreshRun.id.desc()).limit(1)
        ).first()
        return run if run is not None and run.status == "failed" else None


# How often a web process serving from memory asks the store whether a newer snapshot exists.
CHECK_SECONDS = 2.0
READ_CHUNK = 2_000


class _Served:
    """The one snapshot this process serves, and its replacement when a newer one appears.

    One at a time: installing a snapshot drops the previous one and every memo computed from it
    (``ioc_app.memo``), so a worker's memory stays flat across refreshes. With ``background`` on
    (web processes) a newer snapshot is loaded by a thread while requests keep the previous one;
    otherwise (commands, tests) ``current`` loads it before it answers.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()  # guards the fields below
        self.load_lock = threading.Lock()  # one load at a time: a second asker waits, then finds it loaded
        self.held: tuple[Engine, Snapshot] | None = None
        self.checked = 0.0
        self.loading: RunInfo | None = None
        self.background = False

    def get(self, engine: Engine) -> Snapshot | None:
        held = self.held
        return held[1] if held is not None and held[0] is engine else None

    def check(self, engine: Engine, served: Snapshot) -> None:
        """Ask the store for a newer run, at most every CHECK_SECONDS, and load it in the background."""
        now = time.monotonic()
        with self.lock:
            if now - self.checked < CHECK_SECONDS:
                return
            self.checked = now
        newest = newest_run(engine)
        if newest is not None and newest != served.run:
            self.load_later(engine, newest)

    def check_now(self, engine: Engine) -> None:
        """A snapshot was announced (``ioc_app.shared_redis``): ask the store now and load a newer one at once.
        The store, not the message, says which run is newest: an announcement is only a wake-up call."""
        newest = newest_run(engine)
        held = self.get(engine)
        if newest is not None and (held is None or newest != held.run):
            self.load_later(engine, newest)

    def load(self, engine: Engine, run: RunInfo) -> Snapshot:
        with self.load_lock:
            held = self.get(engine)
            if held is not None and held.run == run:
                return held
            snapshot = _read(engine, run)
            with self.lock:
                self.held, self.checked = (engine, snapshot), time.monotonic()
        memo.clear_all()  # what was computed from the previous snapshot goes with it
        del held
        gc.collect()  # now, not at some later collection: pandas objects keep reference cycles
        _return_freed_memory()
        return snapshot

    def load_later(self, engine: Engine, run: RunInfo) -> None:
        with self.lock:
            if self.loading == run:
                return
            self.loading = run
        threading.Thread(target=self._load_quietly, args=(engine, run), name="snapshot-load", daemon=True).start()

    def _load_quietly(self, engine: Engine, run: RunInfo) -> None:
        try:
            self.load(engine, run)
            log.info("snapshot %s loaded", run.id)
        except Exception:
            log.exception("loading snapshot %s failed; the previous one is still served", run.id)
        finally:
            with self.lock:
                if self.loading == run:
                    self.loading = None


_served = _Served()


def serve_from_memory(ioc_engine: Engine, redis_url: str | None = None, check_seconds: float | None = None) -> None:
    """For a web process: load the newest snapshot now in the background, and from then on serve it from
    memory, replacing it (in the background, once) when the store has a newer one.

    A newer one is found by asking the store at most every ``check_seconds`` (``CHECK_SECONDS``) as requests
    come; with ``redis_url`` also at once when a refresh announces it, by a thread listening on Redis (the
    poll goes on beside it, so a Redis that is away only delays the news until the next check)."""
    global CHECK_SECONDS
    if check_seconds is not None:
        CHECK_SECONDS = check_seconds
    if not _served.background:
        _served.background = True
        _keep_big_arrays_apart()
    if redis_url:
        shared_redis.link(redis_url).listen(lambda: _served.check_now(ioc_engine))
    run = newest_run(ioc_engine)
    if run is not None:
        _served.load_later(ioc_engine, run)


def served() -> Snapshot | None:
    """The snapshot this process holds in memory, if any (for tests and memory reports)."""
    held = _served.held
    return held[1] if held is not None else None


def current(ioc_engine: Engine) -> Snapshot | None:
    """The newest successful snapshot, from memory: loaded once per snapshot id, one per process."""
    held = _served.get(ioc_engine)
    if held is not None and _served.background:
        _served.check(ioc_engine, held)
        return held
    run = newest_run(ioc_engine)
    if run is None:
        return None
    if held is not None and held.run == run:
        return held
    return _served.load(ioc_engine, run)


def read_latest(ioc_engine: Engine) -> Snapshot | None:
    """The newest successful snapshot read for one job (the alerts after a refresh), without replacing the
    one ``current`` serves."""
    run = newest_run(ioc_engine)
    if run is None:
        return None
    return _read(ioc_engine, run)


def _read(ioc_engine: Engine, run: RunInfo) -> Snapshot:
    shared: dict[object, object] = {}
    with ioc_engine.connect() as conn:
        cube = _frame(
            conn,
            select(
                KpiSnapshot.series,
                KpiSnapshot.period_end,
                KpiSnapshot.province63,
                KpiSnapshot.inst_type,
                KpiSnapshot.ownership,
                KpiSnapshot.numerator,
                KpiSnapshot.denominator,
            ).where(KpiSnapshot.refresh_id == run.id),
            shared,
        )
        institutions = _frame(
            conn,
            select(
                KpiInstitution.series,
                KpiInstitution.institution_id,
                KpiInstitution.numerator,
                KpiInstitution.denominator,
            ).where(KpiInstitution.refresh_id == run.id),
            shared,
        )
        rule_rows = conn.execute(
            select(SnapshotRule.key, SnapshotRule.value).where(SnapshotRule.refresh_id == run.id)
        ).all()
        records = {key: value for key, value in rule_rows}
        comparisons = _frame(
            conn,
            select(
                KpiComparison.series,
                KpiComparison.as_of,
                KpiComparison.province63,
                KpiComparison.inst_type,
                KpiComparison.ownership,
                KpiComparison.numerator,
                KpiComparison.denominator,
            ).where(KpiComparison.refresh_id == run.id),
            shared,
        )
        # Not kept in the pool: on SQLite it holds the snapshot's file pages mapped and cached (up to 1 GB of
        # mapping and 64 MB of cache, data_sources.engine) for as long as it stays open.
        conn.invalidate()
    rules = CountingRules.from_records(records) if records else None
    return Snapshot(run, cube, institutions, rules, comparisons)


def _frame(conn: Connection, statement: Select[*tuple[Any, ...]], shared: dict[object, object]) -> pd.DataFrame:
    """The statement's rows as a frame, read a chunk at a time into columns allocated once. Equal values
    share one object: a national cube repeats a few hundred names and dates over 200,000 rows, and a
    string per cell would cost four times the memory. Nothing row-sized is left behind on the heap, so
    loading the next snapshot while this one is served does not leave the process bigger."""
    total = conn.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    result = conn.execute(statement)
    names = list(result.keys())
    columns = {name: np.empty(total, object) for name in names}
    done = 0
    while rows := result.fetchmany(READ_CHUNK):
        if done + len(rows) > total:
            raise RuntimeError("the snapshot's rows changed while it was read")  # a stored snapshot never does
        for name, values in zip(names, zip(*rows, strict=True), strict=True):
            columns[name][done : done + len(rows)] = [shared.setdefault(v, v) for v in values]
        done += len(rows)
    # Numbers become int64 (float where a value is missing), names strings, dates stay dates: as read_sql makes them.
    return pd.DataFrame({name: column[:done] for name, column in columns.items()}).infer_objects()


def _keep_big_arrays_apart() -> None:
    """Arrays of 128 kB or more in mappings of their own, given back to the system when freed. glibc raises
    that limit after each big array freed, so the next snapshot's columns would otherwise come from the heap,
    between longer-lived objects, and a worker would grow a little with every snapshot it replaces."""
    m_mmap_threshold = -3  # glibc's malloc.h
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(m_mmap_threshold, 128 * 1024)


def _return_freed_memory() -> None:
    """Hand the heap's free pages back to the system after a snapshot is replaced (glibc keeps them otherwise)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
