"""One page per target (/targets/T01 ...) and the list of the twelve (/targets).

Bodies read the newest snapshot only. The province ranking sums the snapshot's per-cell
numerators and denominators per province (never an average of percentages) and judges each
province with the same status rules as the national figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.home import all_panels, freshness_of, is_national_only, per_snapshot, selection_scope
from callbacks.page import PageContext, normalise_selection
from geo import provinces as geo_provinces
from ioc_app import exports, kpis, snapshots
from ioc_app.i18n import normalise_language, t
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, NATIONAL, OWNERSHIPS, Scope
from ioc_app.services import Services
from layouts import charts
from layouts import targets as layout
from layouts.ids import Shell
from layouts.shell import unavailable
from layouts.targets import Breakdown, Ranking, TargetData, TargetIds

PATH = "targets"
NAV_KEY = "nav.targets"
log = logging.getLogger(__name__)
LINE_COLOURS = (charts.PRIMARY, charts.SECONDARY)
SUPPORTING_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: an informative series, not judged
RANKING_COLUMNS = ["code", "name", "numerator", "denominator", "value", "status"]


def find_indicator(code: str | None) -> Indicator | None:
    try:
        return registry.get(code or "")
    except KeyError:
        return None


def ranked_series(indicator: Indicator) -> tuple[str | None, bool]:
    """The series provinces are ranked on, and whether it is a supporting (unjudged) one."""
    if not is_national_only(indicator):
        return indicator.headline_series.key, False
    if indicator.supporting_series:
        return indicator.supporting_series[0].key, True
    return None, False


# --- ranking and breakdowns -----------------------------------------------------------------------

def _province_keys(cells: pd.DataFrame, mask: np.ndarray, level: str) -> np.ndarray:
    codes = cells["province63"].to_numpy()[mask]
    if level == "63":
        return codes
    legacy = geo_provinces.legacy_by_code()
    return np.array([legacy[c].code34 if c in legacy else "" for c in codes], dtype=object)


def _by_province(snapshot: snapshots.Snapshot, key: str, filt: Scope, level: str
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per province: numerators and denominators over the period ends."""
    cells, num, den = snapshot.matrix(key)
    mask = snapshot.cell_mask(key, filt)
    provs = _province_keys(cells, mask, level)
    if not len(provs):
        return {}
    codes, inverse = np.unique(provs.astype(str), return_inverse=True)
    n = np.zeros((len(codes), num.shape[1]), np.int64)
    d = np.zeros((len(codes), den.shape[1]), np.int64)
    np.add.at(n, inverse, num[mask])
    np.add.at(d, inverse, den[mask])
    return {str(c): (n[i], d[i]) for i, c in enumerate(codes) if c}


def _points(periods: list[dt.date], n: np.ndarray, d: np.ndarray) -> list[tuple[dt.date, float | None]]:
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(d != 0, n / np.where(d != 0, d, 1), np.nan).tolist()
    return [(p, None if v != v else v) for p, v in zip(periods, values, strict=True)]  # NaN != NaN


def province_ranking(snapshot: snapshots.Snapshot, indicator: Indicator, scope: Scope, level: str) -> Ranking:
    """Every province of the level with data, best first, with its value and status at the data date.

    The type and ownership of ``scope`` apply; its province does not (it is highlighted instead).
    """
    level = "63" if level == "63" else "34"
    key, supporting = ranked_series(indicator)
    empty = pd.DataFrame(columns=RANKING_COLUMNS)
    if key is None:
        return Ranking(level, "", empty, None, national_only=True)
    filt = Scope(inst_type=scope.inst_type, ownership=scope.ownership)
    judged_keys = [key] if supporting else sorted({tg.series for tg in indicator.targets})
    grids = {k: _by_province(snapshot, k, filt, level) for k in {key, *judged_keys}}
    units = geo_provinces.legacy_provinces() if level == "63" else geo_provinces.provinces()
    periods, as_of = snapshot.period_ends, snapshot.run.data_date
    rows = []
    for unit in units:
        head = grids[key].get(unit.code)
        if head is None or not head[1][-1]:
            continue  # no population in this province: not ranked
        n_now, d_now = int(head[0][-1]), int(head[1][-1])
        state = None
        if not supporting:
            traj = {k: _points(periods, *grids[k][unit.code]) for k in judged_keys if unit.code in grids[k]}
            verdict = status.headline(status.assess(indicator, traj, as_of))
            state = verdict.status if verdict else status.NO_DATA
        rows.append({"code": unit.code, "name": unit.name, "numerator": n_now, "denominator": d_now,
                     "value": n_now / d_now, "status": state})
    table = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    if len(table):
        table = table.sort_values(["value", "denominator"], ascending=[False, False], kind="stable")
        table = table.reset_index(drop=True)
    national = kpis.SeriesView(key, snapshot.trajectory(key, filt)).last["value"]
    return Ranking(level, key, table, national, supporting=supporting)


def breakdowns(snapshot: snapshots.Snapshot, indicator: Indicator, scope: Scope, lang: str) -> list[Breakdown]:
    """The ranked series at the data date by institution type and by ownership, within the scope."""
    key, _ = ranked_series(indicator)
    if key is None:
        return []
    cells, num, den = snapshot.matrix(key)
    out = []
    for dim, col, groups in (("type", "inst_type", INSTITUTION_TYPES), ("ownership", "ownership", OWNERSHIPS)):
        within = dataclasses.replace(scope, inst_type=None) if dim == "type" \
            else dataclasses.replace(scope, ownership=None)
        mask = snapshot.cell_mask(key, within)
        labels = cells[col].to_numpy()[mask]
        n_now = num[mask, -1] if num.shape[1] else np.zeros(int(mask.sum()), np.int64)
        d_now = den[mask, -1] if den.shape[1] else np.zeros(int(mask.sum()), np.int64)
        rows = []
        for g in (*groups, ""):
            n, d = int(n_now[labels == g].sum()), int(d_now[labels == g].sum())
            if g == "" and d == 0:
                continue  # records not tied to an institution appear only when there are some
            label = t(f"{'type' if dim == 'type' else 'ownership'}.{g}", lang) if g else t("targets.breakdown_other",
                                                                                          lang)
            rows.append({"group": g or "other", "label": label, "numerator": n, "denominator": d,
                         "value": n / d if d else None})
        out.append(Breakdown(dim, pd.DataFrame(rows, columns=["group", "label", "numerator", "denominator", "value"])))
    return out


# --- trajectory chart -----------------------------------------------------------------------------

def half_year_ends(after: dt.date, until: dt.date) -> list[dt.date]:
    """30 June and 31 December strictly between two dates: enough points for a smooth fan."""
    ends = [dt.date(y, m, 30 if m == 6 else 31) for y in range(after.year, until.year + 1) for m in (6, 12)]
    return [d for d in ends if after < d < until]


def projection_fan(points: list[tuple[dt.date, float | None]], as_of: dt.date, deadline: dt.date) -> charts.Fan | None:
    """The 12-month trend from the data date to the deadline, with its 95% band (status.project)."""
    dates = [as_of, *half_year_ends(as_of, deadline), deadline]
    projections = [status.project(points, d) for d in dates]
    if any(p is None for p in projections):
        return None
    return charts.Fan(dates=dates, centre=[p.value for p in projections], low=[p.low for p in projections],
                      high=[p.high for p in projections])


def trajectory_chart(view: kpis.IndicatorView, lang: str) -> charts.TrajectoryChart:
    """Each judged series (T08 has two populations), the straight paths and the projection fan."""
    ind = view.indicator
    lines = []
    milestone = ind.kind == "milestone"
    for i, s in enumerate(ind.series):
        sv = view.series[s.key]
        # Shares are told apart by their population (T08); milestones by what was achieved (T10).
        name = (s.numerator_en if lang == "en" else s.numerator_vi) if milestone \
            else (s.population_en if lang == "en" else s.population_vi)
        lines.append(charts.Line(name, list(sv.trajectory["period_end"]), [v for _, v in sv.points()],
                                 LINE_COLOURS[min(i, len(LINE_COLOURS) - 1)]))
    for s in ind.supporting_series:
        sv = view.series[s.key]
        lines.append(charts.Line(s.numerator_en if lang == "en" else s.numerator_vi, list(sv.trajectory["period_end"]),
                                 [v for _, v in sv.points()], SUPPORTING_COLOUR))
    marks = []
    for tg in ind.targets:
        pts = view.series[tg.series].points()
        # A milestone is reached on a day, not gradually: no straight path to it.
        base = pts[0] if pts and not milestone else (None, None)
        marks.append(charts.TargetMark(tg.year, status.deadline_of(tg), tg.value, base[0], base[1]))
    fan = None
    open_ = [a for a in view.assessments if not a.judged and a.projection is not None]
    if open_ and ind.kind == "percent":
        nxt = min(open_, key=lambda a: a.deadline)
        fan = projection_fan(view.series[nxt.series].points(), view.as_of, nxt.deadline)
    return charts.TrajectoryChart(lines=lines, targets=marks, fan=fan)


# --- page data ------------------------------------------------------------------------------------

@per_snapshot()
def _core(snapshot: snapshots.Snapshot, indicator: Indicator, scope: Scope, level: str
          ) -> tuple[kpis.IndicatorView, Ranking]:
    national_only = is_national_only(indicator)
    view = kpis.indicator_view(snapshot, indicator, NATIONAL if national_only else scope)
    return view, province_ranking(snapshot, indicator, scope, level)


def target_data(snapshot: snapshots.Snapshot, indicator: Indicator, scope: Scope, level: str, lang: str) -> TargetData:
    view, ranking = _core(snapshot, indicator, scope, level)
    return TargetData(view=view, chart=trajectory_chart(view, lang), ranking=ranking,
                      breakdowns=breakdowns(snapshot, indicator, scope, lang),
                      national_only=is_national_only(indicator) and not scope.is_national)


def _highlight(selection: dict[str, Any]) -> str | None:
    return normalise_selection(selection).get("province")


def render(pctx: PageContext) -> Any:
    services, lang = pctx.services, pctx.lang
    selection = normalise_selection(pctx.selection)
    scope = selection_scope(selection)
    fresh = freshness_of(services)
    snap = snapshots.current(services.ioc_engine)
    if not pctx.args:
        panels = all_panels(snap, scope) if snap is not None else []
        return layout.target_list_page(panels, selection, scope, fresh, lang)
    code = pctx.args[0]
    indicator = find_indicator(code)
    if indicator is None:
        return layout.unknown_target(code, lang)
    data = target_data(snap, indicator, scope, selection["level"], lang) if snap is not None else None
    return layout.target_page(code, indicator, data, selection, scope, fresh, lang, _highlight(selection))


def update_target(services: Services, state: dict[str, Any] | None, selection: dict[str, Any] | None,
                  code: str | None, lang: str | None) -> Any:
    """The target page's data for the newest snapshot and the selection (filters are kept)."""
    lang = normalise_language(lang)
    indicator = find_indicator(code)
    if indicator is None:
        return layout.unknown_target(str(code), lang)
    selection = normalise_selection(selection)
    scope = selection_scope(selection)
    try:
        snap = snapshots.current(services.ioc_engine)
        fresh = freshness_of(services, state)
        if snap is None:
            return [unavailable(lang)]
        data = target_data(snap, indicator, scope, selection["level"], lang)
        return layout.target_body(data, scope, fresh, lang, _highlight(selection))
    except Exception:  # noqa: BLE001 - keep the page, say the data is unavailable
        log.exception("updating target %s failed", code)
        return no_update


def update_list(services: Services, state: dict[str, Any] | None, selection: dict[str, Any] | None,
                lang: str | None) -> Any:
    lang = normalise_language(lang)
    try:
        snap = snapshots.current(services.ioc_engine)
        fresh = freshness_of(services, state)
        panels = all_panels(snap, selection_scope(selection)) if snap is not None else []
        return layout.list_body(panels, fresh, lang)
    except Exception:  # noqa: BLE001
        log.exception("updating the target list failed")
        return no_update




def table_export(services: Services, table: str, fmt: str, code: str | None, selection: dict[str, Any] | None,
                 lang: str | None) -> dict | None:
    """The ranking ("ranking") or the breakdowns ("breakdown") of a target as CSV or Excel."""
    lang = normalise_language(lang)
    indicator = find_indicator(code)
    snap = snapshots.current(services.ioc_engine)
    if indicator is None or snap is None:
        return None
    selection = normalise_selection(selection)
    scope = selection_scope(selection)
    stem = f"{indicator.code}_{table}_{scope.key.replace('|', '_').replace(':', '-')}_{snap.run.data_date.isoformat()}"
    if table == "ranking":
        _, ranking = _core(snap, indicator, scope, selection["level"])
        frame, headers = layout.ranking_table(ranking, lang)
        return exports.download(frame, headers, fmt, stem, t("targets.export_ranking", lang))
    frame, headers = layout.breakdown_table(breakdowns(snap, indicator, scope, lang), lang)
    return exports.download(frame, headers, fmt, stem, t("targets.export_breakdown", lang))


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(TargetIds.BODY, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(TargetIds.CODE, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,  # the first paint comes with the page
    )(lambda state, selection, code, lang: update_target(services, state, selection, code, lang))
    app.callback(
        Output(TargetIds.LIST, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda state, selection, lang: update_list(services, state, selection, lang))
    app.callback(
        Output(TargetIds.RANKING_DOWNLOAD, "data"),
        Input(TargetIds.RANKING_CSV, "n_clicks"),
        Input(TargetIds.RANKING_XLSX, "n_clicks"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda _c, _x, code, selection, lang: table_export(
        services, "ranking", "xlsx" if ctx.triggered_id == TargetIds.RANKING_XLSX else "csv", code, selection, lang))
    app.callback(
        Output(TargetIds.BREAKDOWN_DOWNLOAD, "data"),
        Input(TargetIds.BREAKDOWN_CSV, "n_clicks"),
        Input(TargetIds.BREAKDOWN_XLSX, "n_clicks"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda _c, _x, code, selection, lang: table_export(
        services, "breakdown", "xlsx" if ctx.triggered_id == TargetIds.BREAKDOWN_XLSX else "csv", code, selection,
        lang))
