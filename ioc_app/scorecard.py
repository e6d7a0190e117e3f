"""The province scorecard's figures: every province x the 12 targets, from one snapshot.

Each cell is the province's value of the target's headline series at the data date and the
status of its headline target, exactly as ``kpis.indicator_view`` gives for that province scope
(and so as the JSON API gives): the statuses are computed in one pass per indicator over the
snapshot's cells instead of one rollup per province, and cached per snapshot and filter.

Indicators measured only nationally (T05 platform milestones, T07 public services) have no
provincial figure; T10's provincial column shows its supporting map-completeness share (no
status, the milestones themselves are national). The national row sums numerators and
denominators over the provinces shown (never an average of percentages).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

from geo import provinces as geo
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator, Target
from ioc_app.indicators.scopes import INSTITUTION_TYPES, OWNERSHIPS
from ioc_app.selection import normalise_selection
from ioc_app.snapshots import Snapshot

# How a column is filled for a province: judged against its target, informative only, or national-only.
STATUS_MODE, INFO_MODE, NATIONAL_MODE = "status", "info", "national"
SORT_COLUMNS = ("code", "name", *(i.code for i in registry.INDICATORS))
CACHE_SIZE = 48
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Unit:
    """A provincial unit of the scorecard: one of the 34 current or 63 legacy units."""

    code: str
    name: str
    level: str  # "34" | "63"

    @property
    def path(self) -> str:
        return f"/province/{self.code}" if self.level == "34" else f"/province/63-{self.code}"


@dataclass(frozen=True)
class Cell:
    """One figure: value at the data date, its fraction, its status (None: not judged) and how it is measured."""

    value: float | None
    numerator: int
    denominator: int
    status: str | None
    mode: str  # "status" | "info" | "national"
    kind: str  # "percent" | "milestone"
    status_year: int | None = None  # the deadline the status is about
    status_value: float | None = None  # the value judged (at the deadline once it has passed)
    judged: bool = False  # the status is a judgement at a passed deadline


# ---------------------------------------------------------------------------------------------
# Data: the scorecard of one snapshot, level and filter (pure functions of the snapshot).


@lru_cache(maxsize=2)
def units(level: str) -> tuple[Unit, ...]:
    """The provincial units of a level, in GSO code order (north to south)."""
    if level == "63":
        return tuple(Unit(p.code, p.name, "63") for p in geo.legacy_provinces())
    return tuple(Unit(p.code, p.name, "34") for p in geo.provinces())


def unit_of(level: str, code: str) -> Unit | None:
    for u in units(level):
        if u.code == code:
            return u
    return None


def column_series(ind: Indicator) -> tuple[str | None, str]:
    """The series a province column shows, and how: judged ("status"), "info", or "national" only."""
    head = ind.headline_series
    if not head.national_only:
        return head.key, STATUS_MODE
    for s in ind.supporting_series:
        if not s.national_only:
            return s.key, INFO_MODE
    return None, NATIONAL_MODE


@dataclass(frozen=True)
class Scorecard:
    level: str
    inst_type: str | None
    ownership: str | None
    as_of: dt.date
    units: tuple[Unit, ...]
    cells: dict[str, dict[str, Cell]]  # unit code -> indicator code -> cell
    totals: dict[str, Cell]  # indicator code -> the national cell (sum of numerators / sum of denominators)

    def column(self, code: str) -> list[Cell]:
        return [self.cells[u.code][code] for u in self.units]


@dataclass(frozen=True)
class _Encoded:
    """One series' cells as integer codes, so any level and filter sums with one ``bincount``."""

    period: np.ndarray  # index into the snapshot's period ends (-1: after the data date)
    legacy: np.ndarray  # index into the 63 legacy units (-1: national record, no province)
    inst_type: np.ndarray  # index into INSTITUTION_TYPES (-1: none)
    ownership: np.ndarray  # index into OWNERSHIPS (-1: none)
    numerator: np.ndarray
    denominator: np.ndarray


@lru_cache(maxsize=1)
def _legacy_codes() -> tuple[str, ...]:
    return tuple(p.code for p in geo.legacy_provinces())


@lru_cache(maxsize=1)
def _legacy_to_current_index() -> np.ndarray:
    current = [p.code for p in geo.provinces()]
    return np.array([current.index(p.code34) for p in geo.legacy_provinces()], dtype=np.int64)


_encoded: OrderedDict[tuple, _Encoded] = OrderedDict()


def _encode(snapshot: Snapshot, series: str, periods: list[dt.date]) -> _Encoded:
    key = (snapshot.run, series)
    with _cache_lock:
        hit = _encoded.get(key)
    if hit is not None:
        return hit
    cells = snapshot.cells(series)

    def codes(column: str, categories: Any) -> np.ndarray:
        return pd.Index(list(categories)).get_indexer(cells[column]).astype(np.int64)  # -1: not listed

    enc = _Encoded(
        period=codes("period_end", periods),
        legacy=codes("province63", _legacy_codes()),
        inst_type=codes("inst_type", INSTITUTION_TYPES),
        ownership=codes("ownership", OWNERSHIPS),
        numerator=cells["numerator"].to_numpy(dtype=float),
        denominator=cells["denominator"].to_numpy(dtype=float),
    )
    with _cache_lock:
        _encoded[key] = enc
        while len(_encoded) > 4 * 16:
            _encoded.popitem(last=False)
    return enc


def _mask(enc: _Encoded, inst_type: str | None, ownership: str | None) -> np.ndarray:
    m = enc.period >= 0
    if inst_type:
        m &= enc.inst_type == INSTITUTION_TYPES.index(inst_type)
    if ownership:
        m &= enc.ownership == OWNERSHIPS.index(ownership)
    return m


def _unit_matrix(enc: _Encoded, level: str, n_units: int, n_periods: int, inst_type: str | None,
                 ownership: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators per unit (rows, in ``units(level)`` order) and period end (columns)."""
    m = _mask(enc, inst_type, ownership) & (enc.legacy >= 0)
    unit = enc.legacy[m] if level == "63" else _legacy_to_current_index()[enc.legacy[m]]
    flat = unit * n_periods + enc.period[m]
    size = n_units * n_periods
    num = np.bincount(flat, weights=enc.numerator[m], minlength=size).reshape(n_units, n_periods)
    den = np.bincount(flat, weights=enc.denominator[m], minlength=size).reshape(n_units, n_periods)
    return num, den


def _national_row(enc: _Encoded, n_periods: int, inst_type: str | None, ownership: str | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Every cell of the filter, national records included, summed per period end."""
    m = _mask(enc, inst_type, ownership)
    num = np.bincount(enc.period[m], weights=enc.numerator[m], minlength=n_periods)
    den = np.bincount(enc.period[m], weights=enc.denominator[m], minlength=n_periods)
    return num, den


def _point_rows(periods: list[dt.date], num: np.ndarray, den: np.ndarray, ind: Indicator, as_of: dt.date
                ) -> list[list[tuple[dt.date, float | None]]]:
    """(period end, value or None) per row of a units x periods matrix, as ``status.assess`` reads them.

    Each row keeps only the points the status rules can look at: the last ``status.FIT_POINTS``
    known values (the trend), the last point on or before each passed deadline (the judgement)
    and the latest point (the current value). The statuses are the same as from the full
    trajectory; the work per province is several times smaller.
    """
    num, den = np.atleast_2d(num), np.atleast_2d(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        vals = num / np.where(den != 0, den, 1.0)
    obj = vals.astype(object)
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


def _cell(ind: Indicator, mode: str, num: float, den: float, head: status.Assessment | None = None) -> Cell:
    value = float(num) / float(den) if den else None
    kind = "percent" if mode == INFO_MODE else ind.kind
    if head is None:
        return Cell(value=value, numerator=int(num), denominator=int(den), status=None, mode=mode, kind=kind)
    return Cell(value=value, numerator=int(num), denominator=int(den), status=head.status, mode=mode, kind=kind,
                status_year=head.year, status_value=head.value, judged=head.judged)


def _indicator_column(snapshot: Snapshot, ind: Indicator, level: str, n_units: int, periods: list[dt.date],
                      inst_type: str | None, ownership: str | None) -> tuple[list[Cell], Cell]:
    """One indicator for every unit and the nation: (unit cells in ``units(level)`` order, national cell)."""
    as_of = snapshot.run.data_date
    n = len(periods)
    key, mode = column_series(ind)
    if mode == NATIONAL_MODE:
        none = [Cell(None, 0, 0, None, NATIONAL_MODE, ind.kind)] * n_units
        nat = {s.key: _national_row(_encode(snapshot, s.key, periods), n, inst_type, ownership) for s in ind.series}
        head_num, head_den = nat[ind.headline_series.key]
        head = _headline(ind, {k: _point_rows(periods, *v, ind, as_of)[0] for k, v in nat.items()}, as_of)
        return none, _cell(ind, NATIONAL_MODE, head_num[-1], head_den[-1], head)
    if mode == INFO_MODE:
        enc = _encode(snapshot, key, periods)
        num, den = _unit_matrix(enc, level, n_units, n, inst_type, ownership)
        nnum, nden = _national_row(enc, n, inst_type, ownership)
        cells = [_cell(ind, mode, num[i, -1], den[i, -1]) for i in range(n_units)]
        return cells, _cell(ind, mode, nnum[-1], nden[-1])
    # Judged: every series a target of this indicator is judged on (T08 has two populations).
    keys = list(dict.fromkeys([key, *(s.key for s in ind.series)]))
    matrices, nationals = {}, {}
    for k in keys:
        enc = _encode(snapshot, k, periods)
        matrices[k] = _unit_matrix(enc, level, n_units, n, inst_type, ownership)
        nationals[k] = _national_row(enc, n, inst_type, ownership)
    num, den = matrices[key]
    target = headline_target(ind, as_of)
    fast = _open_statuses(ind, target, *matrices[target.series], periods, as_of)
    cells = []
    for i in range(n_units):
        if fast[i] is not None:
            state, current = fast[i]
            cells.append(Cell(value=float(num[i, -1]) / float(den[i, -1]) if den[i, -1] else None,
                              numerator=int(num[i, -1]), denominator=int(den[i, -1]), status=state, mode=STATUS_MODE,
                              kind=ind.kind, status_year=target.year, status_value=current, judged=False))
            continue
        rows = {k: _point_rows(periods, m[0][i], m[1][i], ind, as_of)[0] for k, m in matrices.items()}
        cells.append(_cell(ind, STATUS_MODE, num[i, -1], den[i, -1], _headline(ind, rows, as_of)))
    national_points = {k: _point_rows(periods, *v, ind, as_of)[0] for k, v in nationals.items()}
    nnum, nden = nationals[key]
    return cells, _cell(ind, STATUS_MODE, nnum[-1], nden[-1], _headline(ind, national_points, as_of))


def headline_target(ind: Indicator, as_of: dt.date) -> Target:
    """The target ``status.headline`` leads with: the nearest deadline not yet passed, else the last one.

    Which target that is depends on the dates alone, never on the values.
    """
    open_ = [t for t in ind.targets if status.deadline_of(t) > as_of]
    if open_:
        return min(open_, key=status.deadline_of)
    return max(ind.targets, key=status.deadline_of)


def _open_statuses(ind: Indicator, target: Target, num: np.ndarray, den: np.ndarray, periods: list[dt.date],
                   as_of: dt.date) -> list[tuple[str, float | None] | None]:
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
    with np.errstate(divide="ignore", invalid="ignore"):
        vals = num / np.where(known, den, 1.0)
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
    out: list[tuple[str, float | None] | None] = []
    for i in range(units_n):
        if not known[i, -1]:
            out.append((status.NO_DATA, None))
            continue
        current = float(vals[i, -1])
        if current >= target.value - status.EPS:
            out.append((status.ACHIEVED, current))
        elif not full[i]:
            out.append(None)
        elif projected[i] >= target.value - status.EPS:
            out.append((status.ON_TRACK, current))
        elif projected[i] >= target.value - status.AT_RISK_MARGIN - status.EPS:
            out.append((status.AT_RISK, current))
        else:
            out.append((status.OFF_TRACK, current))
    return out


def _headline(ind: Indicator, trajectories: dict[str, list[tuple[dt.date, float | None]]],
              as_of: dt.date) -> status.Assessment | None:
    return status.headline(status.assess(ind, trajectories, as_of))


def build_scorecard(snapshot: Snapshot, level: str = "34", inst_type: str | None = None,
                    ownership: str | None = None) -> Scorecard:
    """The scorecard of a snapshot (uncached; see ``scorecard``)."""
    as_of = snapshot.run.data_date
    periods = [p for p in snapshot.period_ends if p <= as_of]
    unit_list = units(level)
    codes = [u.code for u in unit_list]
    cells: dict[str, dict[str, Cell]] = {c: {} for c in codes}
    totals: dict[str, Cell] = {}
    for ind in registry.INDICATORS:
        column, national = _indicator_column(snapshot, ind, level, len(codes), periods, inst_type, ownership)
        for code, cell in zip(codes, column, strict=True):
            cells[code][ind.code] = cell
        totals[ind.code] = national
    return Scorecard(level, inst_type, ownership, as_of, unit_list, cells, totals)


_cache: OrderedDict[tuple, Scorecard] = OrderedDict()


def scorecard(snapshot: Snapshot, level: str = "34", inst_type: str | None = None,
              ownership: str | None = None) -> Scorecard:
    """The scorecard, computed once per snapshot run, level and filter, then served from memory."""
    key = (snapshot.run, level, inst_type, ownership)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    card = build_scorecard(snapshot, level, inst_type, ownership)
    with _cache_lock:
        _cache[key] = card
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return card


def clean_filters(selection: dict[str, Any] | None) -> tuple[str, str | None, str | None]:
    """Level, type and ownership of a shared selection, anything unknown dropped."""
    sel = normalise_selection(selection)
    inst_type = sel["type"] if sel["type"] in INSTITUTION_TYPES else None
    ownership = sel["ownership"] if sel["ownership"] in OWNERSHIPS else None
    return sel["level"], inst_type, ownership


# ---------------------------------------------------------------------------------------------
# Sorting: the order lives in the URL (``/scorecard?sort=T06&desc=1``), so a sorted view can be
# shared, bookmarked and undone with the browser's back button.


def sort_units(card: Scorecard, column: str, descending: bool) -> list[Unit]:
    """Units ordered by a column: code, name (Vietnamese alphabet) or an indicator's value (no data last)."""
    if column == "name":
        return sorted(card.units, key=lambda u: vi_sort_key(u.name), reverse=descending)
    if column in card.totals:
        known = [u for u in card.units if card.cells[u.code][column].value is not None]
        unknown = [u for u in card.units if card.cells[u.code][column].value is None]
        known.sort(key=lambda u: vi_sort_key(u.name))
        known.sort(key=lambda u: card.cells[u.code][column].value, reverse=descending)  # stable: ties by name
        return known + unknown
    return sorted(card.units, key=lambda u: u.code, reverse=descending)


def parse_sort(search: str | None) -> tuple[str, bool]:
    """``?sort=T06&desc=1`` -> ("T06", True); anything unknown -> GSO code order."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    col = query.get("sort")
    if col not in SORT_COLUMNS:
        return "code", False
    return col, query.get("desc") in ("1", "true")
