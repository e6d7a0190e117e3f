"""What it takes to reach a target: the effort still needed per month and per year, in the target's
own units (teachers to train, programmes to update, schools to connect), against the pace of the
last 12 months; each province's share of the gap; and what a planned monthly effort would give.

Assumption (stated on the page): the population stays at its size at the data date, so the
units still needed are ``ceil(target x denominator) - numerator`` and a planned effort of P units a
month adds P to the numerator each month up to the population's size. Months left are the whole
months after the data date's month up to the deadline (30/11/2026 or 15/11/2026 to 31/12/2030: 49).
The status a planned effort gives uses the rules of ``ioc_app.indicators.status`` on the projected
share at the deadline (achieved already, on track, at risk within 10 points, off track).

Milestone targets (T05, T10) state the milestones left, with no per-month arithmetic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from ioc_app import access, kpis
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator, Target
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.memo import per_snapshot
from ioc_app.provincial import unit_values_at, units
from ioc_app.situation import YEAR_MONTHS, months_before
from ioc_app.snapshots import Snapshot

HORIZON_YEAR = 2030


def months_between(data_date: dt.date, deadline: dt.date) -> int:
    """Whole months after the data date's month up to the deadline's month (0 once it is reached)."""
    return max(0, (deadline.year - data_date.year) * 12 + deadline.month - data_date.month)


def units_needed(target: float, numerator: int, denominator: int) -> int:
    """Units still to add for ``numerator / denominator`` to reach ``target`` (the population fixed)."""
    required = math.ceil(target * denominator - status.EPS)
    return max(0, required - numerator)


def status_of(target: float, current: float | None, projected: float | None) -> str:
    """The status words' rules (``ioc_app.indicators.status``) for a projected share at the deadline."""
    if current is None or projected is None:
        return status.NO_DATA
    if current >= target - status.EPS:
        return status.ACHIEVED
    if projected >= target - status.EPS:
        return status.ON_TRACK
    if projected >= target - status.AT_RISK_MARGIN - status.EPS:
        return status.AT_RISK
    return status.OFF_TRACK


@dataclass(frozen=True)
class ProvinceGap:
    """A province's units still needed and its share of the national gap (None: not shown or no gap)."""

    code: str
    name: str
    is_city: bool
    numerator: int
    denominator: int
    gap: int
    share: float | None


@dataclass(frozen=True)
class WhatIf:
    """The deadline's projection with a planned effort of ``per_month`` units a month."""

    per_month: float
    numerator: int
    value: float | None
    status: str


@dataclass(frozen=True)
class Plan:
    """One target in one scope: what is left to do by its last deadline."""

    code: str
    kind: str  # "percent" | "milestone"
    series: str
    data_date: dt.date
    year: int  # the deadline planned for
    deadline: dt.date
    target: float
    numerator: int
    denominator: int
    year_ago_date: dt.date
    year_ago_numerator: int | None
    months_left: int
    provinces: tuple[ProvinceGap, ...] = ()  # largest gap first
    national_gap: int | None = None  # the gap the shares divide (None: not shown)

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def gap(self) -> int:
        """Units still needed (milestones: milestones left)."""
        if self.kind == "milestone":
            return max(0, self.denominator - self.numerator)
        return units_needed(self.target, self.numerator, self.denominator)

    @property
    def open(self) -> bool:
        """The deadline is still ahead and there is a population to work on."""
        return self.months_left > 0 and self.denominator > 0

    @property
    def per_month(self) -> float | None:
        if self.kind != "percent" or not self.open:
            return None
        return self.gap / self.months_left

    @property
    def per_year(self) -> float | None:
        pm = self.per_month
        return None if pm is None else pm * 12

    @property
    def pace_per_month(self) -> float | None:
        """Units added a month over the last 12 months (None: no figure a year before)."""
        if self.kind != "percent" or self.year_ago_numerator is None:
            return None
        return (self.numerator - self.year_ago_numerator) / YEAR_MONTHS

    def what_if(self, per_month: float) -> WhatIf:
        """The share and status at the deadline with ``per_month`` units a month from now on."""
        if self.kind != "percent" or not self.denominator:
            return WhatIf(per_month, self.numerator, self.value, status.NO_DATA)
        added = max(0.0, per_month) * self.months_left
        projected = min(self.denominator, self.numerator + math.floor(added + status.EPS))
        value = projected / self.denominator
        return WhatIf(per_month, projected, value, status_of(self.target, self.value, value))

    @property
    def at_pace(self) -> WhatIf | None:
        """The deadline's projection if the last 12 months' pace went on (a falling pace adds nothing)."""
        pace = self.pace_per_month
        return None if pace is None or not self.open else self.what_if(max(0.0, pace))


def planned_target(indicator: Indicator) -> Target:
    """The target planned for: the 2030 one, else the indicator's last."""
    horizon = [t for t in indicator.targets if t.year == HORIZON_YEAR]
    return horizon[0] if horizon else max(indicator.targets, key=lambda t: t.year)


def _numerator_on(trajectory: pd.DataFrame, when: dt.date) -> int | None:
    rows = trajectory[(trajectory["period_end"] == when) & (trajectory["denominator"] > 0)]
    return int(rows["numerator"].iloc[-1]) if len(rows) else None


def _province_gaps(
    snapshot: Snapshot, target: Target, scope: Scope, level: str, national_gap: int
) -> tuple[ProvinceGap, ...]:
    """Each unit's gap at the data date (filters of the scope apply, its province does not)."""
    figures = unit_values_at(snapshot, target.series, level, snapshot.run.data_date, scope.inst_type, scope.ownership)
    if figures is None:
        return ()
    rows = []
    for unit, num, den in zip(units(level), *figures, strict=True):
        if not den:
            continue
        gap = units_needed(target.value, int(num), int(den))
        share = gap / national_gap if national_gap else None
        rows.append(ProvinceGap(unit.code, unit.name, unit.is_city, int(num), int(den), gap, share))
    return tuple(sorted(rows, key=lambda r: (-r.gap, r.code)))


@per_snapshot(size=256, shared=True)
def _plan(snapshot: Snapshot, code: str, scope: Scope, level: str, nation: bool) -> Plan:
    indicator = registry.get(code)
    target = planned_target(indicator)
    national = indicator.national_only and nation
    view = kpis.indicator_view(snapshot, indicator, NATIONAL if national else scope)
    traj = view.series[target.series].trajectory
    last = view.series[target.series].last
    data_date = snapshot.run.data_date
    year_ago = months_before(data_date, YEAR_MONTHS)
    deadline = status.deadline_of(target)
    numerator, denominator = int(last["numerator"]), int(last["denominator"])
    if indicator.kind == "milestone":  # every milestone series counts (T10: formed and linked)
        lasts = [view.series[s.key].last for s in indicator.series]
        numerator = sum(int(x["numerator"]) for x in lasts)
        denominator = sum(int(x["denominator"]) for x in lasts)
    plan = Plan(
        code=indicator.code,
        kind=indicator.kind,
        series=target.series,
        data_date=data_date,
        year=target.year,
        deadline=deadline,
        target=target.value,
        numerator=numerator,
        denominator=denominator,
        year_ago_date=year_ago,
        year_ago_numerator=_numerator_on(traj, year_ago),
        months_left=months_between(data_date, deadline),
    )
    if indicator.kind != "percent" or indicator.national_only:
        return plan
    whole = snapshot.value_at(target.series, dataclasses.replace(scope, province34=None, province63=None), data_date)
    national_gap = units_needed(target.value, *whole) if whole is not None else 0
    return dataclasses.replace(
        plan, provinces=_province_gaps(snapshot, target, scope, level, national_gap), national_gap=national_gap
    )


def plan(snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str = "34") -> Plan:
    """The target's plan in the scope this request may read, with the units of ``level`` (34 current,
    63 legacy). Province users see their own province's rows only, and no share of a national gap
    they may not see."""
    level = "63" if level == "63" else "34"
    result = _plan(snapshot, indicator.code, access.readable(scope), level, access.sees_nation())
    visible = access.visible_units(level)
    if visible is None:
        return result
    own = tuple(dataclasses.replace(p, share=None) for p in result.provinces if p.code in visible)
    return dataclasses.replace(result, provinces=own, national_gap=None)
