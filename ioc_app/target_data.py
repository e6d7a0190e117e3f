"""What a target's page shows (/targets/T01 ...): its view in the scope, the trajectory chart's
values, the province ranking and the breakdowns by type and ownership, all from the snapshot.

The ranking reads the one per-province computation (``ioc_app.provincial``), so a province's
value and status here are the scorecard's and the map's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ioc_app import access, kpis
from ioc_app.facts import Facts, indicator_facts
from ioc_app.i18n import t
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, NATIONAL, OWNERSHIPS, Scope
from ioc_app.memo import per_snapshot
from ioc_app.provincial import INFO_MODE, NATIONAL_MODE, provincial_table
from ioc_app.settings import Settings
from ioc_app.snapshots import Snapshot

RANKING_COLUMNS = ["code", "name", "is_city", "numerator", "denominator", "value", "status"]
BREAKDOWN_COLUMNS = ["group", "label", "numerator", "denominator", "value"]
# Roles of the chart's lines; the layout gives each its colour.
PRIMARY, SECONDARY, SUPPORTING = "primary", "secondary", "supporting"


@dataclass(frozen=True)
class Line:
    """One series' trajectory on the target chart."""

    name: str
    dates: list[dt.date]
    values: list[float | None]
    role: str = PRIMARY  # PRIMARY | SECONDARY (a second population, T08) | SUPPORTING (not judged)


@dataclass(frozen=True)
class TargetMark:
    """A deadline's target and the straight path to it from the December 2021 baseline."""

    year: int
    deadline: dt.date
    value: float
    baseline_date: dt.date | None = None
    baseline_value: float | None = None


@dataclass(frozen=True)
class Fan:
    """The projection: centre line and 95% band from the last known value to the deadline."""

    dates: list[dt.date]
    centre: list[float]
    low: list[float]
    high: list[float]


@dataclass(frozen=True)
class TrajectoryChart:
    lines: list[Line]
    targets: list[TargetMark] = field(default_factory=list)
    fan: Fan | None = None


@dataclass(frozen=True)
class Ranking:
    """Provinces of one level ranked on a series at the data date (value desc; no-data ones dropped)."""

    level: str  # "34" or "63"
    series: str
    table: pd.DataFrame  # code, name, numerator, denominator, value, status (None when not judged)
    national: float | None
    national_only: bool = False
    supporting: bool = False  # ranked on a supporting series (T10's map completeness)


@dataclass(frozen=True)
class Breakdown:
    dimension: str  # "type" or "ownership"
    table: pd.DataFrame  # group, label, numerator, denominator, value


@dataclass(frozen=True)
class TargetData:
    view: kpis.IndicatorView
    chart: TrajectoryChart
    ranking: Ranking
    breakdowns: list[Breakdown] = field(default_factory=list)
    national_only: bool = False
    facts: Facts | None = None


def find_indicator(code: str | None) -> Indicator | None:
    try:
        return registry.get(code or "")
    except KeyError:
        return None


# --- ranking and breakdowns -----------------------------------------------------------------------


def visible_ranking(ranking: Ranking) -> Ranking:
    """The ranking as this request may see it: its own units only, no national figure."""
    visible = access.visible_units(ranking.level)
    if visible is None:
        return ranking
    table = ranking.table[ranking.table["code"].isin(visible)].reset_index(drop=True)
    return dataclasses.replace(ranking, table=table, national=None)


def province_ranking(snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str) -> Ranking:
    """Every province of the level with data, best first, with its value and status at the data date.

    The type and ownership of ``scope`` apply; its province does not (it is highlighted instead).
    """
    level = "63" if level == "63" else "34"
    table = provincial_table(snapshot, indicator.code, level, None, scope.inst_type, scope.ownership)
    if table.mode == NATIONAL_MODE or table.series is None:
        return Ranking(level, "", pd.DataFrame(columns=RANKING_COLUMNS), None, national_only=True)
    supporting = table.mode == INFO_MODE
    rows = []
    for unit, fig in zip(table.units, table.figures, strict=True):
        if not fig.denominator:
            continue  # no population in this province: not ranked
        head = fig.headline
        state = None if supporting else (head.status if head is not None else status.NO_DATA)
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "is_city": unit.is_city,
                "numerator": fig.numerator,
                "denominator": fig.denominator,
                "value": fig.numerator / fig.denominator,
                "status": state,
            }
        )
    frame = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    if len(frame):
        frame = frame.sort_values(["value", "denominator"], ascending=[False, False], kind="stable")
        frame = frame.reset_index(drop=True)
    return Ranking(level, table.series, frame, table.national.value, supporting=supporting)


def breakdowns(snapshot: Snapshot, indicator: Indicator, scope: Scope, lang: str) -> list[Breakdown]:
    """The province-view series at the data date by institution type and by ownership, within the scope."""
    shown = indicator.provincial
    if shown is None:
        return []
    key = shown.key
    cells, num, den = snapshot.matrix(key)
    out = []
    for dim, col, groups in (("type", "inst_type", INSTITUTION_TYPES), ("ownership", "ownership", OWNERSHIPS)):
        within = (
            dataclasses.replace(scope, inst_type=None) if dim == "type" else dataclasses.replace(scope, ownership=None)
        )
        mask = snapshot.cell_mask(key, within)
        labels = cells[col].to_numpy()[mask]
        n_now = num[mask, -1] if num.shape[1] else np.zeros(int(mask.sum()), np.int64)
        d_now = den[mask, -1] if den.shape[1] else np.zeros(int(mask.sum()), np.int64)
        rows = []
        for g in (*groups, ""):
            n, d = int(n_now[labels == g].sum()), int(d_now[labels == g].sum())
            if g == "" and d == 0:
                continue  # records not tied to an institution appear only when there are some
            if not g:
                label = t("targets.breakdown_other", lang)
            else:
                label = t(f"type.{g}", lang) if dim == "type" else t(f"ownership.{g}", lang)
            rows.append(
                {"group": g or "other", "label": label, "numerator": n, "denominator": d, "value": n / d if d else None}
            )
        out.append(Breakdown(dim, pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)))
    return out


# --- trajectory chart -----------------------------------------------------------------------------


def half_year_ends(after: dt.date, until: dt.date) -> list[dt.date]:
    """30 June and 31 December strictly between two dates: enough points for a smooth fan."""
    ends = [dt.date(y, m, 30 if m == 6 else 31) for y in range(after.year, until.year + 1) for m in (6, 12)]
    return [d for d in ends if after < d < until]


def projection_fan(points: list[tuple[dt.date, float | None]], as_of: dt.date, deadline: dt.date) -> Fan | None:
    """The 12-month trend from the data date to the deadline, with its 95% band (status.project)."""
    dates = [as_of, *half_year_ends(as_of, deadline), deadline]
    projections = [status.project(points, d) for d in dates]
    if any(p is None for p in projections):
        return None
    return Fan(
        dates=dates,
        centre=[p.value for p in projections if p is not None],
        low=[p.low for p in projections if p is not None],
        high=[p.high for p in projections if p is not None],
    )


def trajectory_chart(view: kpis.IndicatorView, lang: str) -> TrajectoryChart:
    """Each judged series (T08 has two populations), the straight paths and the projection fan."""
    ind = view.indicator
    lines = []
    milestone = ind.kind == "milestone"
    roles = (PRIMARY, SECONDARY)
    for i, s in enumerate(ind.series):
        sv = view.series[s.key]
        # Shares are told apart by their population (T08); milestones by what was achieved (T10).
        name = (
            (s.numerator_en if lang == "en" else s.numerator_vi)
            if milestone
            else (s.population_en if lang == "en" else s.population_vi)
        )
        lines.append(
            Line(name, list(sv.trajectory["period_end"]), [v for _, v in sv.points()], roles[min(i, len(roles) - 1)])
        )
    for s in ind.supporting_series:
        sv = view.series[s.key]
        lines.append(
            Line(
                s.label(lang) or (s.numerator_en if lang == "en" else s.numerator_vi),
                list(sv.trajectory["period_end"]),
                [v for _, v in sv.points()],
                SUPPORTING,
            )
        )
    marks = []
    for tg in ind.targets:
        pts = view.series[tg.series].points()
        # A milestone is reached on a day, not gradually: no straight path to it.
        base = pts[0] if pts and not milestone else (None, None)
        marks.append(TargetMark(tg.year, status.deadline_of(tg), tg.value, base[0], base[1]))
    fan = None
    open_ = [a for a in view.assessments if not a.judged and a.projection is not None]
    if open_ and ind.kind == "percent":
        nxt = min(open_, key=lambda a: a.deadline)
        fan = projection_fan(view.series[nxt.series].points(), view.as_of, nxt.deadline)
    return TrajectoryChart(lines=lines, targets=marks, fan=fan)


# --- page data ------------------------------------------------------------------------------------


@per_snapshot(size=256, shared=True)
def core_view(
    snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str, nation: bool = True
) -> tuple[kpis.IndicatorView, Ranking]:
    """The target's view in the scope (national for national-level targets when the nation may be seen)
    and the province ranking (every province: see ``visible_ranking``)."""
    view = kpis.indicator_view(snapshot, indicator, NATIONAL if indicator.national_only and nation else scope)
    return view, province_ranking(snapshot, indicator, scope, level)


@per_snapshot(size=256)
def _chart_and_breakdowns(
    snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str, lang: str, nation: bool
) -> tuple[TrajectoryChart, list[Breakdown]]:
    """The trajectory chart (its projection fits a trend per point) and the breakdowns in a readable scope."""
    view, _ = core_view(snapshot, indicator, scope, level, nation)
    return trajectory_chart(view, lang), breakdowns(snapshot, indicator, scope, lang)


def target_data(
    snapshot: Snapshot, indicator: Indicator, scope: Scope, level: str, lang: str, settings: Settings
) -> TargetData:
    """The target page's values in the scope this request may read."""
    scope = access.readable(scope)
    nation = access.sees_nation()
    view, ranking = core_view(snapshot, indicator, scope, level, nation)
    chart, parts = _chart_and_breakdowns(snapshot, indicator, scope, level, lang, nation)
    return TargetData(
        view=view,
        chart=chart,
        ranking=visible_ranking(ranking),
        breakdowns=parts,
        national_only=indicator.national_only and not scope.is_national,
        facts=indicator_facts(indicator, snapshot.rules, settings, lang),
    )
