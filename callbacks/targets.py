"""One page per target (/targets/T01 ...) and the list of the twelve (/targets).

Bodies read the newest snapshot only. The province ranking sums the snapshot's per-cell
numerators and denominators per province (never an average of percentages) and judges each
province with the same status rules as the national figure.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import access, exports, inputs, planner, snapshots
from ioc_app.i18n import normalise_language, t
from ioc_app.overview import all_panels, freshness_of
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.target_data import breakdowns, core_view, find_indicator
from ioc_app.target_page import target_page
from layouts import planner as planner_layout
from layouts import targets as layout
from layouts.ids import Shell
from layouts.planner import PlanIds
from layouts.targets import TargetIds

PATH = "targets"
NAV_KEY = "nav.targets"
log = logging.getLogger(__name__)


def render(pctx: PageContext) -> Any:
    services, lang = pctx.services, pctx.lang
    selection = Selection.from_store(pctx.selection)
    if not pctx.args:
        view = access.reader_view(selection)
        scope, only = view.selection.scope, view.only
        fresh = freshness_of(services)
        snap = snapshots.current(services.ioc_engine)
        panels = all_panels(snap, scope) if snap is not None else []
        return layout.target_list_page(panels, view.selection.to_store(), scope, fresh, lang, only)
    code = pctx.args[0]
    indicator = find_indicator(code)
    if indicator is None:
        return layout.unknown_target(code, lang)
    return target_page(services, indicator, selection, lang, layout.page_of)  # drawn once per snapshot and view


def update_target(
    services: Services,
    state: dict[str, Any] | None,
    selection: dict[str, Any] | None,
    code: str | None,
    lang: str | None,
) -> Any:
    """The target page's data for the newest snapshot and the selection (filters are kept), drawn once per
    snapshot for each reader's view (``ioc_app.target_page``)."""
    lang = normalise_language(lang)
    indicator = find_indicator(code)
    if indicator is None:
        return layout.unknown_target(str(code), lang)
    return target_page(services, indicator, Selection.from_store(selection), lang, layout.body_of, state)


def what_if(
    services: Services, effort: float | None, code: str | None, selection: dict[str, Any] | None, lang: str | None
) -> str:
    """The deadline's projection with the planned effort a month (the hint while the input is empty)."""
    lang = normalise_language(lang)
    indicator = find_indicator(code)
    snap = snapshots.current(services.ioc_engine)
    if effort is None or indicator is None or snap is None:
        return t("plan.what_if_hint", lang)
    sel = Selection.from_store(selection)
    plan = planner.plan(snap, indicator, sel.scope, sel.level)
    return planner_layout.what_if_text(plan, plan.what_if(effort), lang)


def update_list(
    services: Services, state: dict[str, Any] | None, selection: dict[str, Any] | None, lang: str | None
) -> Any:
    lang = normalise_language(lang)
    snap = snapshots.current(services.ioc_engine)
    fresh = freshness_of(services, state)
    panels = all_panels(snap, Selection.from_store(selection).scope) if snap is not None else []
    return layout.list_body(panels, fresh, lang)


def table_export(
    services: Services, table: str, fmt: str, code: str | None, selection: dict[str, Any] | None, lang: str | None
) -> dict | None:
    """The ranking ("ranking"), the breakdowns ("breakdown") or the provinces' gaps ("plan") of a target
    as CSV or Excel."""
    lang = normalise_language(lang)
    indicator = find_indicator(code)
    snap = snapshots.current(services.ioc_engine)
    if indicator is None or snap is None:
        return None
    sel = Selection.from_store(selection)
    scope = sel.scope
    stem = f"{indicator.code}_{table}_{scope.key.replace('|', '_').replace(':', '-')}_{snap.run.data_date.isoformat()}"
    if table == "plan":
        frame, headers = planner_layout.plan_table(planner.plan(snap, indicator, scope, sel.level), lang)
        return exports.download(frame, headers, fmt, stem, t("plan.provinces", lang))
    if table == "ranking":
        _, ranking = core_view(snap, indicator, scope, sel.level)
        frame, headers = layout.ranking_table(ranking, lang)
        return exports.download(frame, headers, fmt, stem, t("targets.export_ranking", lang))
    frame, headers = layout.breakdown_table(breakdowns(snap, indicator, scope, lang), lang)
    return exports.download(frame, headers, fmt, stem, t("targets.export_breakdown", lang))


# Both export buttons, the target's code, the selection and the language.
_EXPORT_CHECKS = inputs.checked(inputs.count, inputs.count, inputs.indicator, inputs.selection, inputs.language)


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(TargetIds.BODY, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(TargetIds.CODE, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,  # the first paint comes with the page
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.indicator, inputs.language)(
            guarded("target", 1)(
                lambda state, selection, code, lang: update_target(services, state, selection, code, lang)
            )
        )
    )
    app.callback(
        Output(TargetIds.LIST, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.language)(
            guarded("target list", 1)(lambda state, selection, lang: update_list(services, state, selection, lang))
        )
    )
    app.callback(
        Output(TargetIds.RANKING_DOWNLOAD, "data"),
        Input(TargetIds.RANKING_CSV, "n_clicks"),
        Input(TargetIds.RANKING_XLSX, "n_clicks"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        _EXPORT_CHECKS(
            lambda _c, _x, code, selection, lang: table_export(
                services,
                "ranking",
                "xlsx" if ctx.triggered_id == TargetIds.RANKING_XLSX else "csv",
                code,
                selection,
                lang,
            )
        )
    )
    app.callback(
        Output(TargetIds.BREAKDOWN_DOWNLOAD, "data"),
        Input(TargetIds.BREAKDOWN_CSV, "n_clicks"),
        Input(TargetIds.BREAKDOWN_XLSX, "n_clicks"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        _EXPORT_CHECKS(
            lambda _c, _x, code, selection, lang: table_export(
                services,
                "breakdown",
                "xlsx" if ctx.triggered_id == TargetIds.BREAKDOWN_XLSX else "csv",
                code,
                selection,
                lang,
            )
        )
    )
    app.callback(
        Output(PlanIds.RESULT, "children"),
        Input(PlanIds.EFFORT, "value"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.planned_effort, inputs.indicator, inputs.selection, inputs.language)(
            guarded("what if", 1)(
                lambda effort, code, selection, lang: what_if(services, effort, code, selection, lang)
            )
        )
    )
    app.callback(
        Output(PlanIds.DOWNLOAD, "data"),
        Input(PlanIds.CSV, "n_clicks"),
        Input(PlanIds.XLSX, "n_clicks"),
        State(TargetIds.CODE, "data"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        _EXPORT_CHECKS(
            lambda _c, _x, code, selection, lang: table_export(
                services, "plan", "xlsx" if ctx.triggered_id == PlanIds.XLSX else "csv", code, selection, lang
            )
        )
    )
