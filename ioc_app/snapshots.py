"""Snapshots: the refresh that precomputes every figure, and the cached read the dashboard uses.

A refresh computes all series x all cells x all month ends since December 2021 (plus the
data date, and the day and the week before it) from the VET database and writes them in one
transaction. A failed refresh rolls back, leaving the previous snapshot in place, and is recorded
with its error; so is one killed midway (its run stays "running" until the next refresh marks it
abandoned). Users' clicks read only the newest successful snapshot, cached in memory by its id.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Engine, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from data_sources.counting import CountingRules, default_rules
from data_sources.queries import data_date as read_data_date
from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators.scopes import Scope
from ioc_app.store import KpiComparison, KpiInstitution, KpiSnapshot, RefreshRun, SnapshotRule

log = logging.getLogger(__name__)
KEEP_SNAPSHOTS = 3
INSERT_BATCH = 20_000


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
            # into=dict (the default) selects the stubs' overload with the column names' own key type.
            records = frame.assign(refresh_id=run_id).to_dict("records", into=dict)
            for i in range(0, len(records), INSERT_BATCH):
                conn.execute(insert(table), records[i : i + INSERT_BATCH])
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


def latest_run(ioc_engine: Engine) -> RunInfo | None:
    with Session(ioc_engine) as s:
        run = s.scalars(
            select(RefreshRun).where(RefreshRun.status == "ok").order_by(RefreshRun.id.desc()).limit(1)
        ).first()
        if run is None:
            return None
        assert run.finished_at is not None and run.data_date is not None  # an ok run records both
        return RunInfo(run.id, run.finished_at, run.data_date, run.seconds)


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
    return None if run is None else _load(ioc_engine, run)


def last_failure(ioc_engine: Engine) -> RefreshRun | None:
    """The newest finished run if it failed (so the UI can say the data may be behind); runs in progress
    or abandoned by a killed process do not count."""
    with Session(ioc_engine) as s:
        run = s.scalars(
            select(RefreshRun).where(RefreshRun.status.in_(("ok", "failed"))).order_by(RefreshRun.id.desc()).limit(1)
        ).first()
        return run if run is not None and run.status == "failed" else None


@lru_cache(maxsize=4)
def _load(ioc_engine: Engine, run: RunInfo) -> Snapshot:
    with ioc_engine.connect() as conn:
        cube = pd.read_sql(
            select(
                KpiSnapshot.series,
                KpiSnapshot.period_end,
                KpiSnapshot.province63,
                KpiSnapshot.inst_type,
                KpiSnapshot.ownership,
                KpiSnapshot.numerator,
                KpiSnapshot.denominator,
            ).where(KpiSnapshot.refresh_id == run.id),
            conn,
        )
        institutions = pd.read_sql(
            select(
                KpiInstitution.series,
                KpiInstitution.institution_id,
                KpiInstitution.numerator,
                KpiInstitution.denominator,
            ).where(KpiInstitution.refresh_id == run.id),
            conn,
        )
        rule_rows = conn.execute(
            select(SnapshotRule.key, SnapshotRule.value).where(SnapshotRule.refresh_id == run.id)
        ).all()
        records = {key: value for key, value in rule_rows}
        comparisons = pd.read_sql(
            select(
                KpiComparison.series,
                KpiComparison.as_of,
                KpiComparison.province63,
                KpiComparison.inst_type,
                KpiComparison.ownership,
                KpiComparison.numerator,
                KpiComparison.denominator,
            ).where(KpiComparison.refresh_id == run.id),
            conn,
        )
    cube["period_end"] = pd.to_datetime(cube["period_end"]).dt.date
    comparisons["as_of"] = pd.to_datetime(comparisons["as_of"]).dt.date
    rules = CountingRules.from_records(records) if records else None
    return Snapshot(run, cube, institutions, rules, comparisons)


def current(ioc_engine: Engine) -> Snapshot | None:
    """The newest successful snapshot (loaded once per snapshot id, then served from memory)."""
    run = latest_run(ioc_engine)
    if run is None:
        return None
    return _load(ioc_engine, run)


def read_latest(ioc_engine: Engine) -> Snapshot | None:
    """The newest successful snapshot read for one job (the alerts after a refresh), without keeping it in
    the cache ``current`` serves the web process from."""
    run = latest_run(ioc_engine)
    if run is None:
        return None
    return _load.__wrapped__(ioc_engine, run)
