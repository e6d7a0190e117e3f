"""The facts a written situation states: every number a paragraph gives, read from the snapshot.

A target's paragraph states its value at the data date, the change since the month end three and
twelve months before, its verdict or projection at each deadline, and the provinces lowest on it
and those that moved most over the quarter. The paragraph of the overview and of a province states
how many targets stand in each status, the targets furthest from their target and those that rose
most over the quarter. The wording is ``ioc_app.situation_words``'s; nothing here is worded.

Values come from ``kpis.indicator_view`` (the panels' own figures); per-province figures from the
province ranking (``target_data.province_ranking``, over ``ioc_app.provincial``) and, for the
quarter before, ``provincial.unit_values_at``. Results are kept per snapshot; who may read what
is applied outside the memos, as on the overview and the target pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ioc_app import access, kpis
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry, status
from ioc_app.indicators.engine import month_end
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.memo import per_snapshot
from ioc_app.province_view import Unit, institution_rows, unit_scope
from ioc_app.provincial import unit_values_at, units
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot
from ioc_app.target_data import province_ranking

QUARTER_MONTHS, YEAR_MONTHS = 3, 12
NAMED_UNITS = 3  # provinces named in a paragraph, each way
NAMED_TARGETS = 3  # targets named in the overview's and a province's paragraph, each way


def months_before(d: dt.date, months: int) -> dt.date:
    """The month end ``months`` calendar months before the month of ``d`` (15/11/2026, 3 -> 31/08/2026)."""
    index = d.year * 12 + d.month - 1 - months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def change_points(now: float | None, before: float | None) -> float | None:
    """The change in percentage points (None when either value is unknown)."""
    return None if now is None or before is None else (now - before) * 100.0


@dataclass(frozen=True)
class Deadline:
    """One target of the indicator: its verdict once passed, its projection before."""

    year: int
    deadline: dt.date
    target: float
    status: str
    judged: bool
    value: float | None  # at the deadline once judged, else the current value
    projected: float | None  # the trend's value at the deadline (open percentage targets)


@dataclass(frozen=True)
class UnitFact:
    """A province on the target: its value at the data date and its change over the quarter."""

    code: str
    name: str
    is_city: bool
    value: float
    quarter_change: float | None  # percentage points


@dataclass(frozen=True)
class TargetSituation:
    """What a target's paragraph states, in one scope."""

    code: str
    kind: str  # "percent" | "milestone"
    data_date: dt.date
    scope: Scope  # the figures' scope: the nation for a national-level target, if the reader may see it
    value: float | None
    numerator: int
    denominator: int
    milestones_done: int
    milestones_total: int
    quarter_date: dt.date
    quarter_value: float | None
    year_date: dt.date
    year_value: float | None
    deadlines: tuple[Deadline, ...]
    headline_status: str | None
    headline_target: float | None  # the target the headline status is about
    headline_year: int | None
    national_only: bool = False  # measured over the whole country whatever the scope
    level: str = "34"
    lowest: tuple[UnitFact, ...] = ()  # lowest value first
    moved: tuple[UnitFact, ...] = ()  # largest change over the quarter (either way) first

    @property
    def quarter_change(self) -> float | None:
        return change_points(self.value, self.quarter_value)

    @property
    def year_change(self) -> float | None:
        return change_points(self.value, self.year_value)

    @property
    def shortfall(self) -> float | None:
        """How far the value is below the headline target, in percentage points (None: not a share)."""
        if self.kind != "percent" or self.value is None or self.headline_target is None:
            return None
        return max(0.0, (self.headline_target - self.value) * 100.0)


@dataclass(frozen=True)
class InstitutionFact:
    """An institution's own figure on a target at the data date."""

    name: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class ScopeSituation:
    """What the overview's or a province's paragraph states: the targets with a figure in the scope."""

    data_date: dt.date
    scope: Scope  # as read: a province user's nation is their province
    targets: tuple[TargetSituation, ...]
    # A province's page: its institutions furthest from the target it is furthest from.
    institutions_on: str | None = None
    institutions: tuple[InstitutionFact, ...] = ()

    def count(self, state: str) -> int:
        return sum(1 for s in self.targets if s.headline_status == state)

    @property
    def furthest(self) -> tuple[TargetSituation, ...]:
        """Shares furthest below their headline target, furthest first."""
        short = [s for s in self.targets if (s.shortfall or 0) > 0]
        return tuple(sorted(short, key=lambda s: (-(s.shortfall or 0), s.code))[:NAMED_TARGETS])

    @property
    def risen(self) -> tuple[TargetSituation, ...]:
        """Shares that rose most since the quarter before, largest rise first."""
        up = [s for s in self.targets if s.kind == "percent" and (s.quarter_change or 0) > 0]
        return tuple(sorted(up, key=lambda s: (-(s.quarter_change or 0), s.code))[:NAMED_TARGETS])


def _value_on(trajectory: pd.DataFrame, when: dt.date) -> float | None:
    rows = trajectory[trajectory["period_end"] == when]
    if not len(rows):
        return None
    v = rows["value"].iloc[-1]
    return None if pd.isna(v) else float(v)


def _deadlines(view: kpis.IndicatorView) -> tuple[Deadline, ...]:
    return tuple(
        Deadline(
            a.year,
            a.deadline,
            a.target,
            a.status,
            a.judged,
            a.value,
            a.projection.value if a.projection is not None else None,
        )
        for a in sorted(view.assessments, key=lambda a: a.deadline)
    )


def _units(snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str) -> tuple[UnitFact, ...]:
    """Every province of the level with a value, lowest first, with its change since the quarter before."""
    ranking = province_ranking(snapshot, indicator, scope, level)
    if ranking.national_only or not len(ranking.table):
        return ()
    quarter = months_before(snapshot.run.data_date, QUARTER_MONTHS)
    before = unit_values_at(snapshot, ranking.series, ranking.level, quarter, scope.inst_type, scope.ownership)
    earlier: dict[str, float] = {}
    if before is not None:
        for unit, num, den in zip(units(ranking.level), *before, strict=True):
            if den:
                earlier[unit.code] = float(num) / float(den)
    facts = [
        UnitFact(
            str(r["code"]),
            str(r["name"]),
            bool(r["is_city"]),
            float(r["value"]),
            change_points(float(r["value"]), earlier.get(str(r["code"]))),
        )
        for r in ranking.table.to_dict("records")
    ]
    return tuple(reversed(facts))


def _target(snapshot: Snapshot, indicator: Indicator, scope: Scope, nation: bool, level: str | None) -> TargetSituation:
    within = NATIONAL if indicator.national_only and nation else scope
    view = kpis.indicator_view(snapshot, indicator, within)
    traj = view.headline_series.trajectory
    last = view.headline_series.last
    lasts = [view.series[s.key].last for s in indicator.series]
    data_date = snapshot.run.data_date
    quarter, year = months_before(data_date, QUARTER_MONTHS), months_before(data_date, YEAR_MONTHS)
    head = view.headline
    facts = _units(snapshot, indicator, scope, level) if level is not None else ()
    # Only provinces still below the target are "behind" (T10's map completeness: below 100%).
    bar = head.target if head is not None else 1.0
    behind = [f for f in facts if f.value < bar - status.EPS]
    lowest = tuple(behind[:NAMED_UNITS]) if len(facts) > 1 else ()
    changed = [f for f in facts if f.quarter_change]
    moved = tuple(sorted(changed, key=lambda f: (-abs(f.quarter_change or 0), f.code))[:NAMED_UNITS])
    return TargetSituation(
        code=indicator.code,
        kind=indicator.kind,
        data_date=data_date,
        scope=within,
        value=last["value"],
        numerator=int(last["numerator"]),
        denominator=int(last["denominator"]),
        milestones_done=sum(int(x["numerator"]) for x in lasts),
        milestones_total=sum(int(x["denominator"]) for x in lasts),
        quarter_date=quarter,
        quarter_value=_value_on(traj, quarter),
        year_date=year,
        year_value=_value_on(traj, year),
        deadlines=_deadlines(view),
        headline_status=head.status if head is not None and last["denominator"] else None,
        headline_target=head.target if head is not None else None,
        headline_year=head.year if head is not None else None,
        national_only=indicator.national_only and not scope.is_national,
        level=level or "34",
        lowest=lowest,
        moved=moved,
    )


@per_snapshot(size=256, shared=True)
def _target_situation(snapshot: Snapshot, code: str, scope: Scope, level: str, nation: bool) -> TargetSituation:
    return _target(snapshot, registry.get(code), scope, nation, level)


def _visible(situation: TargetSituation) -> TargetSituation:
    """Other provinces are named only to those who may see them (a province user reads their own
    figure as the paragraph's value, so a ranking among one says nothing)."""
    if access.visible_units(situation.level) is None:
        return situation
    return dataclasses.replace(situation, lowest=(), moved=())


def target_situation(snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str = "34") -> TargetSituation:
    """A target's paragraph in the scope this request may read (the target page's figures)."""
    level = "63" if level == "63" else "34"
    readable = access.readable(scope)
    return _visible(_target_situation(snapshot, indicator.code, readable, level, access.sees_nation()))


@per_snapshot(size=256, shared=True)
def _scope_situation(snapshot: Snapshot, scope: Scope, nation: bool) -> ScopeSituation:
    targets = tuple(_target(snapshot, ind, scope, nation, None) for ind in registry.INDICATORS)
    return ScopeSituation(snapshot.run.data_date, scope, tuple(s for s in targets if s.denominator))


def scope_situation(snapshot: Snapshot, scope: Scope, nation: bool = True) -> ScopeSituation:
    """The overview's paragraph (``nation`` True: national-level targets stay national, as on the
    panels) or a province's (``nation`` False: only what the province itself measures), in the
    scope this request may read."""
    return _scope_situation(snapshot, access.readable(scope), nation and access.sees_nation())


def province_situation(
    services: Services, snapshot: Snapshot, unit: Unit, inst_type: str | None, ownership: str | None
) -> ScopeSituation:
    """A province page's paragraph: what the province measures itself, and on the target it is furthest
    from, its institutions with the most still to do (their own figures, ``province_view``)."""
    base = scope_situation(snapshot, unit_scope(unit, inst_type, ownership), nation=False)
    if not base.furthest:
        return base
    code = base.furthest[0].code
    rows, _closed = institution_rows(services, snapshot, unit, inst_type, ownership)
    behind = sorted(
        (r for r in rows if (r.shortfall(code) or 0) > 0),
        key=lambda r: (-(r.shortfall(code) or 0), vi_sort_key(r.name)),
    )
    named = tuple(InstitutionFact(r.name, *r.cells[code]) for r in behind[:NAMED_UNITS])
    return dataclasses.replace(base, institutions_on=code if named else None, institutions=named)
