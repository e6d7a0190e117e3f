"""Status of an indicator against each of its targets, and projections to future deadlines.

Rules (also in the README):
- A deadline is 31 December of its year. On or after that day the target is *judged* on the
  value at the deadline (the last point on or before it): ``achieved`` if it reached the target,
  ``missed`` otherwise, ``not_measured`` if there is no value at the deadline.
- Before the deadline: ``no_data`` if there is no current value (the population is empty);
  ``achieved`` if the current value already meets the target; otherwise the projection decides:
  ``on_track`` if the projected value at the deadline meets the target, ``at_risk`` if it falls
  short by at most 10 percentage points, ``off_track`` beyond; ``no_projection`` (the value is
  kept) while fewer than 3 monthly values are known.
- Projection: a least-squares line through the last 12 known monthly values (time in years),
  extended to the deadline and bounded to 0-100%, with a 95% prediction interval.
- Milestones (0/1) are not projected: unmet before ``deadline - 1 year`` (same calendar day a
  year earlier) is ``on_track``, from that day on ``at_risk``.
- Yearly gain still needed: (target - current value) / years left (years of 365.25 days).
- Comparisons allow ``EPS`` (1e-9, a ten-millionth of a point) so that the fit's rounding
  noise does not move a value sitting exactly on an edge.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

import numpy as np

from ioc_app.indicators.registry import Indicator, Target

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, MISSED, NO_DATA = (
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "missed",
    "no_data",
)
NO_PROJECTION = "no_projection"  # a current value, but too few monthly values for a trend
NOT_MEASURED = "not_measured"  # judged deadline without a value at the deadline
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, MISSED, NO_PROJECTION, NOT_MEASURED, NO_DATA)
AT_RISK_MARGIN = 0.10
FIT_POINTS = 12
MIN_FIT_POINTS = 3  # a line through two points has no residual, so no interval
EPS = 1e-9

# Two-sided 95% Student t quantiles by degrees of freedom (normal beyond 30).
_T95 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    20: 2.086,
    25: 2.060,
    30: 2.042,
}


def _t95(df: int) -> float:
    if df in _T95:
        return _T95[df]
    smaller = [k for k in _T95 if k <= df]
    return _T95[max(smaller)] if df <= 30 else 1.96


Point = tuple[dt.date, float | None]  # (period end, value)


@dataclass(frozen=True)
class Projection:
    value: float
    low: float
    high: float
    slope_per_year: float


@dataclass(frozen=True)
class Assessment:
    """One target of one indicator, at one date."""

    year: int
    deadline: dt.date
    target: float
    series: str
    status: str
    judged: bool  # the deadline has passed
    value: float | None  # at the deadline when judged, else the current value
    projection: Projection | None
    gain_needed_per_year: float | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["deadline"] = self.deadline.isoformat()
        return d


class _TargetFields(TypedDict):
    """The fields of an Assessment that come from its target."""

    year: int
    deadline: dt.date
    target: float
    series: str


def deadline_of(target: Target) -> dt.date:
    return dt.date(target.year, 12, 31)


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def one_year_before(d: dt.date) -> dt.date:
    """The same calendar day a year earlier (29 February gives 28 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def project(points: list[Point], to: dt.date) -> Projection | None:
    """Linear fit on the last ``FIT_POINTS`` known values, extended to ``to``, bounded to [0, 1]."""
    known = [(d, v) for d, v in points if v is not None][-FIT_POINTS:]
    if len(known) < MIN_FIT_POINTS:
        return None
    origin = known[-1][0]
    x = np.array([_years(origin, d) for d, _ in known])
    y = np.array([v for _, v in known], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    x0 = _years(origin, to)
    centre = intercept + slope * x0
    n = len(x)
    resid = y - (intercept + slope * x)
    s = math.sqrt(float(resid @ resid) / (n - 2)) if n > 2 else 0.0
    sxx = float(((x - x.mean()) ** 2).sum())
    half = _t95(n - 2) * s * math.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx) if sxx > 0 else 0.0

    def clip(v: float) -> float:
        return min(1.0, max(0.0, float(v)))

    return Projection(
        value=clip(centre), low=clip(centre - half), high=clip(centre + half), slope_per_year=float(slope)
    )


def value_at(points: list[Point], when: dt.date) -> float | None:
    """The value of the last point on or before ``when``."""
    best = None
    for d, v in points:
        if d <= when:
            best = v
        else:
            break
    return best


def assess(indicator: Indicator, trajectories: dict[str, list[Point]], as_of: dt.date) -> list[Assessment]:
    """Each target's status at ``as_of`` from its series' trajectory (points sorted by date, up to as_of)."""
    out = []
    for target in indicator.targets:
        points = [(d, v) for d, v in trajectories.get(target.series, []) if d <= as_of]
        out.append(_assess_target(indicator, target, points, as_of))
    return out


def _meets(v: float | None, target: Target) -> bool:
    return v is not None and v >= target.value - EPS


def _assess_target(indicator: Indicator, target: Target, points: list[Point], as_of: dt.date) -> Assessment:
    deadline = deadline_of(target)
    current = points[-1][1] if points else None
    base = _TargetFields(year=target.year, deadline=deadline, target=target.value, series=target.series)
    if as_of >= deadline:
        at_deadline = value_at(points, deadline)
        if at_deadline is None:
            return Assessment(
                **base, status=NOT_MEASURED, judged=True, value=None, projection=None, gain_needed_per_year=None
            )
        status = ACHIEVED if _meets(at_deadline, target) else MISSED
        return Assessment(
            **base, status=status, judged=True, value=at_deadline, projection=None, gain_needed_per_year=None
        )
    if current is None:
        return Assessment(**base, status=NO_DATA, judged=False, value=None, projection=None, gain_needed_per_year=None)
    years_left = _years(as_of, deadline)
    gain = max(0.0, target.value - current) / years_left if years_left > 0 else None
    if _meets(current, target):
        return Assessment(
            **base, status=ACHIEVED, judged=False, value=current, projection=None, gain_needed_per_year=0.0
        )
    if indicator.kind == "milestone":
        # By calendar, not by days: a year before a deadline in a leap year is 366 days.
        status = ON_TRACK if as_of < one_year_before(deadline) else AT_RISK
        return Assessment(
            **base, status=status, judged=False, value=current, projection=None, gain_needed_per_year=gain
        )
    projection = project(points, deadline)
    if projection is None:
        status = NO_PROJECTION
    elif projection.value >= target.value - EPS:
        status = ON_TRACK
    elif projection.value >= target.value - AT_RISK_MARGIN - EPS:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Assessment(
        **base, status=status, judged=False, value=current, projection=projection, gain_needed_per_year=gain
    )


def headline(assessments: list[Assessment]) -> Assessment | None:
    """The target a panel leads with: the nearest deadline not yet passed, else the last judged one."""
    open_ = [a for a in assessments if not a.judged]
    if open_:
        return min(open_, key=lambda a: a.deadline)
    return max(assessments, key=lambda a: a.deadline) if assessments else None
