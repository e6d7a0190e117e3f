"""The one place that computes per-province figures: every unit (34 or 63) x one target, from a snapshot.

The scorecard, the map, the target pages' ranking and the province pages all read a
:class:`ProvincialTable`: for each unit of a level, the value of the series the registry declares
for province views (``Indicator.provincial``) at a date, its numerator and denominator, and its
status against each target, with the nation's figure beside them. The figures are the same as
``kpis.indicator_view`` gives for each province scope (and so as the JSON API), computed in one
pass over the snapshot's cells instead of one rollup per province:

- the cells of a series are encoded once per snapshot as integer codes (legacy province, period
  end, type, ownership), so any level and filter is one ``bincount`` into a units x month-ends
  matrix;
- the status rules are those of ``ioc_app.indicators.status``; an open percentage target is
  projected for every unit at once with the same least-squares line in closed form, and any unit
  the fast path cannot decide is handed to ``status.assess`` on the points the rules look at.

Province scoping (who may see which unit) narrows the units read from a table, never the
computation, so every user sees the same figure for the same province.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from data_sources.scope import INSTITUTION_TYPES, OWNERSHIPS
from geo import provinces as geo
from ioc_app import access
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator, Target
from ioc_app.memo import SnapshotMemo, per_snapshot
from ioc_app.place_names import place_name
from ioc_app.selection import Level, clean_level
from ioc_app.snapshots import Snapshot

# How a table's figures are meant: judged against the targets, for reference only, or national only.
STATUS_MODE, INFO_MODE, NATIONAL_MODE = "status", "info", "national"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Points = list[tuple[dt.date, float | None]]


@dataclass(frozen=True)
class Unit:
    """A provincial unit: one of the 34 current or 63 legacy units."""

    code: str
    name: str  # bare, as in the code tables (sorting uses it)
    level: Level
    is_city: bool = False

    @property
    def path(self) -> str:
        return f"/province/{self.code}" if self.level == "34" else f"/province/63-{self.code}"

    def full_name(self, lang: str) -> str:
        return place_name(self.name, self.is_city, lang, full=True)

    def short_name(self, lang: str) -> str:
        return place_name(self.name, self.is_city, lang, full=False)


@lru_cache(maxsize=2)
def units(level: str) -> tuple[Unit, ...]:
    """The provincial units of a level, in GSO code order (north to south)."""
    if clean_level(level) == "63":
        return tuple(Unit(p.code, p.name, "63", p.is_city) for p in geo.legacy_provinces())
    return tuple(Unit(p.code, p.name, "34", p.is_city) for p in geo.provinces())


def unit_of(level: str, code: str) -> Unit | None:
    for u in units(level):
        if u.code == code:
            return u
    return None


@dataclass(frozen=True)
class TargetStatus:
    """One target's status for one unit at the table's date."""

    year: int
    status: str
    value: float | None  # at the deadline once it has passed, else the current value
    judged: bool  # the deadline has passed


@dataclass(frozen=True)
class Figure:
    """One unit's (or the nation's) figure on one target at a date."""

    value: float | None
    numerator: int
    denominator: int
    statuses: tuple[TargetStatus, ...] = ()  # one per target of the indicator; empty when not judged

    @property
    def headline(self) -> TargetStatus | None:
        """The status a table leads with: the nearest deadline not yet passed, else the last one."""
        open_ = [s for s in self.statuses if not s.judged]
        if open_:
            return min(open_, key=lambda s: s.year)
        return max(self.statuses, key=lambda s: s.year) if self.statuses else None


NO_FIGURE = Figure(None, 0, 0)


@dataclass(frozen=True)
class ProvincialTable:
    """One target for every unit of a level and for the nation, at one date and filter."""

    indicator: Indicator
    level: Level
    as_of: dt.date
    inst_type: str | None
    ownership: str | None
    mode: str  # STATUS_MODE | INFO_MODE | NATIONAL_MODE
    series: str | None  # the series shown per unit (None: national only)
    units: tuple[Unit, ...]
    figures: tuple[Figure, ...]  # in ``units`` order; NO_FIGURE throughout in national mode
    national: Figure  # every record of the filter, national ones included (sums, never an average)

    def figure(self, code: str) -> Figure | None:
        for unit, fig in zip(self.units, self.figures, strict=True):
            if unit.code == code:
                return fig
        return None

    def by_code(self) -> dict[str, Figure]:
        return {u.code: f for u, f in zip(self.units, self.figures, strict=True)}


def mode_of(indicator: Indicator) -> str:
    if indicator.provincial is None:
        return NATIONAL_MODE
    return STATUS_MODE if indicator.provincially_judged else INFO_MODE


# ---------------------------------------------------------------------------------------------
# Encoding a series' cells once per snapshot.


@dataclass(frozen=True)
class _Encoded:
    """One series' cells as integer codes, so any level and filter sums with one ``bincount``."""

    period: IntArray  # index into the snapshot's period ends (-1: not one of them)
    legacy: IntArray  # index into the 63 legacy units (-1: national record, no province)
    inst_type: IntArray  # index into INSTITUTION_TYPES (-1: none)
    ownership: IntArray  # index into OWNERSHIPS (-1: none)
    numerator: FloatArray
    denominator: FloatArray


@lru_cache(maxsize=1)
def _legacy_codes() -> tuple[str, ...]:
    return tuple(p.code for p in geo.legacy_provinces())


@lru_cache(maxsize=1)
def _legacy_to_current_index() -> IntArray:
    current = [p.code for p in geo.provinces()]
    return np.array([current.index(p.code34) for p in geo.legacy_provinces()], dtype=np.int64)


def _encode_cells(cells: pd.DataFrame, date_column: str, dates: list[dt.date]) -> _Encoded:
    def codes(column: str, categories: tuple[str, ...] | list[dt.date]) -> IntArray:
        # -1 for anything not listed (no province, no type, ...)
        return pd.Index(list(categories)).get_indexer(pd.Index(cells[column])).astype(np.int64)

    return _Encoded(
        period=codes(date_column, dates),
        legacy=codes("province63", _legacy_codes()),
        inst_type=codes("inst_type", INSTITUTION_TYPES),
        ownership=codes("ownership", OWNERSHIPS),
        numerator=cells["numerator"].to_numpy(dtype=float),
        denominator=cells["denominator"].to_numpy(dtype=float),
    )


@per_snapshot(size=64)
def _encode(snapshot: Snapshot, series: str) -> _Encoded:
    return _encode_cells(snapshot.cells(series), "period_end", snapshot.period_ends)


@per_snapshot(size=64)
def _encode_compared(snapshot: Snapshot, series: str) -> _Encoded:
    """The series' cells at the comparison days stored apart from the period ends (``period`` indexes
    ``snapshot.compared_dates``)."""
    return _encode_cells(snapshot.compared_cells(series), "as_of", snapshot.compared_dates)


def _mask(enc: _Encoded, n_periods: int, inst_type: str | None, ownership: str | None) -> npt.NDArray[np.bool_]:
    m = (enc.period >= 0) & (enc.period < n_periods)
    if inst_type:
        m &= enc.inst_type == INSTITUTION_TYPES.index(inst_type)
    if ownership:
        m &= enc.ownership == OWNERSHIPS.index(ownership)
    return m


def _unit_sums(
    enc: _Encoded, level: str, n_periods: int, inst_type: str | None, ownership: str | None
) -> tuple[FloatArray, FloatArray]:
    n_units = len(units(level))
    m = _mask(enc, n_periods, inst_type, ownership) & (enc.legacy >= 0)
    unit = enc.legacy[m] if clean_level(level) == "63" else _legacy_to_current_index()[enc.legacy[m]]
    flat = unit * n_periods + enc.period[m]
    size = n_units * n_periods
    num = np.bincount(flat, weights=enc.numerator[m], minlength=size).astype(np.float64).reshape(n_units, n_periods)
    den = np.bincount(flat, weights=enc.denominator[m], minlength=size).astype(np.float64).reshape(n_units, n_periods)
    return num, den


def unit_matrix(
    snapshot: Snapshot,
    series: str,
    level: str,
    n_periods: int,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Numerators and denominators per unit (rows, in ``units(level)`` order) and the first ``n_periods``
    period ends (columns)."""
    return _unit_sums(_encode(snapshot, series), level, n_periods, inst_type, ownership)


def unit_values_at(
    snapshot: Snapshot,
    series: str,
    level: str,
    as_of: dt.date,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> tuple[FloatArray, FloatArray] | None:
    """Numerators and denominators per unit (in ``units(level)`` order) at a period end or a comparison
    day of the snapshot; None when it has no figures for that day."""
    if as_of in snapshot.period_ends:
        at = snapshot.period_ends.index(as_of)
        num, den = unit_matrix(snapshot, series, level, at + 1, inst_type, ownership)
    elif as_of in snapshot.compared_dates:
        at = snapshot.compared_dates.index(as_of)
        num, den = _unit_sums(
            _encode_compared(snapshot, series), level, len(snapshot.compared_dates), inst_type, ownership
        )
    else:
        return None
    return num[:, at], den[:, at]


def national_row(
    snapshot: Snapshot, series: str, n_periods: int, inst_type: str | None = None, ownership: str | None = None
) -> tuple[FloatArray, FloatArray]:
    """Every cell of the filter, national records included, summed per period end."""
    enc = _encode(snapshot, series)
    m = _mask(enc, n_periods, inst_type, ownership)
    num = np.bincount(enc.period[m], weights=enc.numerator[m], minlength=n_periods).astype(np.float64)
    den = np.bincount(enc.period[m], weights=enc.denominator[m], minlength=n_periods).astype(np.float64)
    return num, den


# ---------------------------------------------------------------------------------------------
# Statuses for every unit at once.


def _shares(num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


def _point_rows(
    periods: list[dt.date], num: FloatArray, den: FloatArray, ind: Indicator, as_of: dt.date
) -> list[Points]:
    """(period end, value or None) per row of a units x periods matrix, as ``status.assess`` reads them.

    Each row keeps only the points the status rules can look at: the last ``status.FIT_POINTS``
    known values (the trend), the last point on or before each passed deadline (the judgement)
    and the latest point (the current value). The statuses are the same as from the full
    trajectory; the work per province is several times smaller.
    """
    num, den = np.atleast_2d(num), np.atleast_2d(den)
    obj = _shares(num, den).astype(object)
    known = den != 0
    obj[~known] = None
    # Index of the FIT_POINTS-th known value from the end, per row (0 when there are fewer).
    from_end = np.cumsum(known[:, ::-1], axis=1)[:, ::-1]
    starts = np.maximum((from_end >= status.FIT_POINTS).sum(axis=1) - 1, 0)
    for target in ind.targets:
        deadline = status.deadline_of(target)
        if deadline <= as_of:
            at = bisect.bisect_right(periods, deadline) - 1
            if at >= 0:
                starts = np.minimum(starts, at)
    return [list(zip(periods[a:], row[a:], strict=True)) for a, row in zip(starts.tolist(), obj.tolist(), strict=True)]


def _open_statuses(
    ind: Indicator, target: Target, num: FloatArray, den: FloatArray, periods: list[dt.date], as_of: dt.date
) -> list[TargetStatus | None]:
    """The status rules of ``ioc_app.indicators.status`` for an open percentage target, for every unit at once.

    The trend is the same least-squares line through the last ``FIT_POINTS`` monthly values,
    computed in closed form for all units together instead of one ``polyfit`` per unit. A unit
    whose last ``FIT_POINTS`` months are not all known gets None, and the caller asks
    ``status.assess`` for it: the rules stay in one place, this is only their fast path.
    """
    units_n, n = num.shape
    deadline = status.deadline_of(target)
    if ind.kind != "percent" or deadline <= as_of or n == 0:
        return [None] * units_n
    known = den != 0
    vals = _shares(num, den)
    k = status.FIT_POINTS
    full = known[:, -k:].all(axis=1) if n >= k else np.zeros(units_n, dtype=bool)
    projected = np.full(units_n, np.nan)
    if n >= k and full.any():
        origin = periods[-1]  # the last known point of a full row is the latest one
        x = np.array([(d - origin).days / 365.25 for d in periods[-k:]])
        dx = x - x.mean()
        y = vals[:, -k:]
        slope = ((y - y.mean(axis=1, keepdims=True)) @ dx) / float(dx @ dx)
        intercept = y.mean(axis=1) - slope * x.mean()
        projected = np.clip(intercept + slope * ((deadline - origin).days / 365.25), 0.0, 1.0)
    out: list[TargetStatus | None] = []
    for i in range(units_n):
        if not known[i, -1]:
            out.append(TargetStatus(target.year, status.NO_DATA, None, False))
            continue
        current = float(vals[i, -1])
        if current >= target.value - status.EPS:
            state = status.ACHIEVED
        elif not full[i]:
            out.append(None)
            continue
        elif projected[i] >= target.value - status.EPS:
            state = status.ON_TRACK
        elif projected[i] >= target.value - status.AT_RISK_MARGIN - status.EPS:
            state = status.AT_RISK
        else:
            state = status.OFF_TRACK
        out.append(TargetStatus(target.year, state, current, False))
    return out


def _from_assessment(a: status.Assessment) -> TargetStatus:
    return TargetStatus(a.year, a.status, a.value, a.judged)


@lru_cache(maxsize=64)
def _single_target(ind: Indicator, index: int) -> Indicator:
    """The indicator with one of its targets only, so ``status.assess`` judges just that one."""
    return dataclasses.replace(ind, targets=(ind.targets[index],))


def _statuses(
    ind: Indicator, matrices: dict[str, tuple[FloatArray, FloatArray]], periods: list[dt.date], as_of: dt.date
) -> list[tuple[TargetStatus, ...]]:
    """Each row's status against each target (rows of the matrices; targets in registry order)."""
    n_rows = next(iter(matrices.values()))[0].shape[0]
    rows: dict[str, list[Points]] = {}  # built only for the rows the fast path leaves open

    def points(series: str) -> list[Points]:
        if series not in rows:
            rows[series] = _point_rows(periods, *matrices[series], ind, as_of)
        return rows[series]

    per_target: list[list[TargetStatus]] = []
    for index, target in enumerate(ind.targets):
        fast = _open_statuses(ind, target, *matrices[target.series], periods, as_of)
        single = _single_target(ind, index)
        column = []
        for i in range(n_rows):
            hit = fast[i]
            if hit is None:
                hit = _from_assessment(status.assess(single, {target.series: points(target.series)[i]}, as_of)[0])
            column.append(hit)
        per_target.append(column)
    return [tuple(col[i] for col in per_target) for i in range(n_rows)]


def _figure(num: FloatArray, den: FloatArray, statuses: tuple[TargetStatus, ...] = ()) -> Figure:
    """The figure at the last column of a (periods,) row."""
    if not len(den):
        return Figure(None, 0, 0, statuses)
    n, d = float(num[-1]), float(den[-1])
    return Figure(n / d if d else None, int(n), int(d), statuses)


# ---------------------------------------------------------------------------------------------
# The table.


def provincial_table(
    snapshot: Snapshot,
    indicator_code: str,
    level: str = "34",
    as_of: dt.date | None = None,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> ProvincialTable:
    """One target for every unit of ``level`` and the nation at ``as_of`` (default: the data date).

    ``as_of`` is one of the snapshot's period ends (a later date counts as the data date). Kept per
    snapshot: a snapshot never changes once stored.
    """
    as_of = min(as_of or snapshot.run.data_date, snapshot.run.data_date)
    return _table(snapshot, indicator_code, clean_level(level), as_of, inst_type, ownership)


@per_snapshot(size=512, shared=True)
def _table(
    snapshot: Snapshot, indicator_code: str, level: str, as_of: dt.date, inst_type: str | None, ownership: str | None
) -> ProvincialTable:
    return compute_provincial_table(snapshot, indicator_code, level, as_of, inst_type, ownership)


def compute_provincial_table(
    snapshot: Snapshot,
    indicator_code: str,
    level: str = "34",
    as_of: dt.date | None = None,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> ProvincialTable:
    """:func:`provincial_table` without the memo."""
    ind = registry.get(indicator_code)
    lvl = clean_level(level)
    as_of = min(as_of or snapshot.run.data_date, snapshot.run.data_date)
    periods = snapshot.period_ends[: bisect.bisect_right(snapshot.period_ends, as_of)]
    n = len(periods)
    unit_list = units(lvl)
    mode = mode_of(ind)
    shown = ind.provincial
    head_key = shown.key if shown is not None else ind.headline_series.key
    judged_keys = [t.series for t in ind.targets]

    nationals = {k: national_row(snapshot, k, n, inst_type, ownership) for k in {head_key, *judged_keys}}
    if mode == INFO_MODE:
        national = _figure(*nationals[head_key])
    else:
        rows = {k: (nationals[k][0][None, :], nationals[k][1][None, :]) for k in judged_keys}
        national = _figure(*nationals[head_key], _statuses(ind, rows, periods, as_of)[0])

    figures: tuple[Figure, ...]
    if mode == NATIONAL_MODE:
        figures = (NO_FIGURE,) * len(unit_list)
    else:
        matrices = {k: unit_matrix(snapshot, k, lvl, n, inst_type, ownership) for k in {head_key, *judged_keys}}
        num, den = matrices[head_key]
        statuses = (
            _statuses(ind, {k: matrices[k] for k in judged_keys}, periods, as_of)
            if mode == STATUS_MODE
            else [()] * len(unit_list)
        )
        figures = tuple(_figure(num[i], den[i], statuses[i]) for i in range(len(unit_list)))
    return ProvincialTable(
        indicator=ind,
        level=lvl,
        as_of=as_of,
        inst_type=inst_type,
        ownership=ownership,
        mode=mode,
        series=shown.key if shown is not None else None,
        units=unit_list,
        figures=figures,
        national=national,
    )


def restricted(table: ProvincialTable) -> ProvincialTable:
    """The table as this request may see it: other units' figures and the nation's withheld."""
    visible = access.visible_units(table.level)
    if visible is None:
        return table
    figures = tuple(f if u.code in visible else NO_FIGURE for u, f in zip(table.units, table.figures, strict=True))
    return dataclasses.replace(table, figures=figures, national=NO_FIGURE)


def provincial_tables(
    snapshot: Snapshot, level: str = "34", inst_type: str | None = None, ownership: str | None = None
) -> dict[str, ProvincialTable]:
    """Every target's table at the data date, by indicator code in registry order."""
    return {
        ind.code: provincial_table(snapshot, ind.code, level, None, inst_type, ownership) for ind in registry.INDICATORS
    }


def memos() -> list[SnapshotMemo]:
    """This module's memos (benchmarks report their sizes)."""
    return [_encode.memo, _encode_compared.memo, _table.memo]  # type: ignore[attr-defined]  # set by per_snapshot
