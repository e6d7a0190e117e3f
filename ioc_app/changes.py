"""What changed since yesterday and since last week, for the wall display's slide.

Every target's headline value at the data date, a day and a week before it, and the change in
percentage points; and the provinces that moved most over the week on one target. All from the
snapshot: the refresh counts the two earlier days with the data date (``engine.snapshot_frames``),
so reading them scans nothing. A snapshot stored before those days were has no figure for them:
its changes are None.

Results are kept per snapshot (``ioc_app.memo``); who may read what is applied outside the memos.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ioc_app import access, kpis
from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.memo import per_snapshot
from ioc_app.provincial import NATIONAL_MODE, provincial_table, unit_values_at
from ioc_app.selection import clean_level
from ioc_app.snapshots import Snapshot

DAY, WEEK = kpi_engine.COMPARISON_DAYS


@dataclass(frozen=True)
class Point:
    """A series in a scope on one day; numerator and denominator None when the snapshot has no figure for it."""

    as_of: dt.date
    numerator: int | None = None
    denominator: int | None = None

    @property
    def value(self) -> float | None:
        if self.numerator is None or self.denominator is None:
            return None
        return kpi_engine.value(self.numerator, self.denominator)


@dataclass(frozen=True)
class Change:
    """One target's headline series now, a day and a week before, and the changes in percentage points."""

    code: str
    series: str
    now: Point
    day_before: Point
    week_before: Point
    delta_day: float | None  # percentage points; None when either value is unknown
    delta_week: float | None
    status: str | None  # of the headline target at the data date (ioc_app.indicators.status)
    national_only: bool = False  # measured over the whole country whatever the scope


@dataclass(frozen=True)
class Mover:
    """A province's change over the week on one target."""

    code: str
    name: str
    is_city: bool
    now: Point
    week_before: Point
    delta_week: float  # percentage points


@dataclass(frozen=True)
class Movers:
    """The provinces that moved most over the week on one target: up (largest rise first) and down."""

    indicator: str
    series: str | None  # the series province views show; None for a target measured nationally only
    level: str
    as_of: dt.date
    week_before: dt.date
    up: tuple[Mover, ...] = ()
    down: tuple[Mover, ...] = ()


def points(later: Point, earlier: Point) -> float | None:
    """The change from ``earlier`` to ``later`` in percentage points (None when either is unknown)."""
    a, b = later.value, earlier.value
    return None if a is None or b is None else (a - b) * 100.0


def _point(snapshot: Snapshot, series: str, scope: Scope, as_of: dt.date) -> Point:
    figures = snapshot.value_at(series, scope, as_of)
    return Point(as_of) if figures is None else Point(as_of, *figures)


def _change(snapshot: Snapshot, indicator: registry.Indicator, scope: Scope, nation: bool) -> Change:
    national = indicator.national_only and nation
    within = NATIONAL if national else scope
    series = indicator.headline_series.key
    data_date = snapshot.run.data_date
    view = kpis.indicator_view(snapshot, indicator, within)
    last = view.headline_series.last
    now = Point(data_date, last["numerator"], last["denominator"])
    day = _point(snapshot, series, within, data_date - dt.timedelta(days=DAY))
    week = _point(snapshot, series, within, data_date - dt.timedelta(days=WEEK))
    head = view.headline
    return Change(
        code=indicator.code,
        series=series,
        now=now,
        day_before=day,
        week_before=week,
        delta_day=points(now, day),
        delta_week=points(now, week),
        status=head.status if head is not None else None,
        national_only=indicator.national_only and not scope.is_national,
    )


@per_snapshot(size=256, shared=True)
def _changes(snapshot: Snapshot, scope: Scope, nation: bool) -> tuple[Change, ...]:
    return tuple(_change(snapshot, ind, scope, nation) for ind in registry.INDICATORS)


def changes(snapshot: Snapshot, scope: Scope) -> list[Change]:
    """Every target in registry order, in the scope this request may read (a province user's nation is
    their province). National-level targets stay national for those who may see the nation."""
    return list(_changes(snapshot, access.readable(scope), access.sees_nation()))


@per_snapshot(size=128, shared=True)
def _movers(snapshot: Snapshot, indicator_code: str, level: str) -> Movers:
    """Every unit with a figure on both days, ranked (see ``movers``)."""
    table = provincial_table(snapshot, indicator_code, level)
    data_date = snapshot.run.data_date
    week_date = data_date - dt.timedelta(days=WEEK)
    empty = Movers(indicator_code, table.series, table.level, data_date, week_date)
    if table.mode == NATIONAL_MODE or table.series is None:
        return empty
    before = unit_values_at(snapshot, table.series, table.level, week_date)
    if before is None:
        return empty
    moved = []
    for unit, fig, num, den in zip(table.units, table.figures, *before, strict=True):
        if not fig.denominator or not den:
            continue  # no population on one of the days: no change to tell
        now = Point(data_date, fig.numerator, fig.denominator)
        week = Point(week_date, int(num), int(den))
        delta = points(now, week)
        if delta:
            moved.append(Mover(unit.code, unit.name, unit.is_city, now, week, delta))
    up = sorted((m for m in moved if m.delta_week > 0), key=lambda m: (-m.delta_week, m.code))
    down = sorted((m for m in moved if m.delta_week < 0), key=lambda m: (m.delta_week, m.code))
    return Movers(indicator_code, table.series, table.level, data_date, week_date, tuple(up), tuple(down))


def movers(snapshot: Snapshot, indicator_code: str, level: str = "province", limit: int = 5) -> Movers:
    """The units of a level (the 34 current provinces by default, ``"63"`` for the legacy ones) whose value
    of the target's province series rose and fell most since the week before the data date, at most
    ``limit`` each way, among those this request may see (a province user: their own only).

    KeyError for an unknown indicator code.
    """
    registry.get(indicator_code)
    ranked = _movers(snapshot, indicator_code, clean_level(level))
    visible = access.visible_units(ranked.level)
    keep = max(limit, 0)

    def shown(group: tuple[Mover, ...]) -> tuple[Mover, ...]:
        return tuple(m for m in group if visible is None or m.code in visible)[:keep]

    return Movers(
        ranked.indicator,
        ranked.series,
        ranked.level,
        ranked.as_of,
        ranked.week_before,
        shown(ranked.up),
        shown(ranked.down),
    )
