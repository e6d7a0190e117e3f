"""The digital map page (T10): choropleth by province, institution points, shared province selection.

Callbacks read the snapshot (cached in memory) and hand the result to layouts/map.py; the map's
geometry comes from the geo API once and is restyled in the browser through ``hideout``.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import inputs, snapshots
from ioc_app.freshness import current_state
from ioc_app.i18n import fmt_date, normalise_language
from ioc_app.map_data import build_model, clamp_index
from ioc_app.selection import Selection
from ioc_app.services import Services
from layouts import map as map_layout
from layouts.ids import Shell
from layouts.map import MapIds

PATH = "map"
NAV_KEY = "nav.map"
log = logging.getLogger(__name__)


def render(ctx: PageContext) -> Any:
    snapshot = snapshots.current(ctx.services.ioc_engine)
    if snapshot is None or not snapshot.period_ends:
        return map_layout.no_snapshot(ctx.lang)
    state = current_state(ctx.services)
    model = build_model(
        ctx.services, snapshot, ctx.query.get("indicator", ""), None, ctx.selection, bool(state.get("stale"))
    )
    return map_layout.map_page(model, ctx.lang)


def update_map(
    services: Services,
    code: str | None,
    date_index: Any,
    selection: dict | None,
    snap_state: dict | None,
    lang: str | None,
    page_state: dict | None,
) -> tuple:
    """New hideout, geometry URL, title, selection card and date label after any choice or a new snapshot.

    Only the hideout (a few kB) changes for a new indicator, date, filter or selection; the
    geometry URL changes only with the 34/63 level, and the browser keeps what it fetched.
    """
    lang = normalise_language(lang)
    snapshot = snapshots.current(services.ioc_engine)
    if snapshot is None or not snapshot.period_ends:
        raise PreventUpdate
    stale = bool((snap_state or {}).get("stale")) if snap_state else bool((page_state or {}).get("stale"))
    model = build_model(services, snapshot, code or "", date_index, selection, stale)
    new_state = map_layout.view_state(model, lang)
    if new_state == page_state:
        raise PreventUpdate  # e.g. a poll that found nothing new, or an input reporting its value on mount
    hideout = map_layout.provinces_hideout(model.figures, model.indicator, lang, model.selection.province)
    return (
        hideout,
        f"{map_layout.PROVINCES_URL}?set={model.level}",
        map_layout.title_card(model, lang),
        map_layout.info_panel(model, lang),
        fmt_date(model.as_of, lang),
        new_state,
    )


def update_dates(services: Services, snap_state: dict | None, value: Any, current_max: Any, lang: str | None) -> tuple:
    """Date slider after a new snapshot: new period ends; a user at the data date follows the newest one."""
    snapshot = snapshots.current(services.ioc_engine)
    if snapshot is None or not snapshot.period_ends:
        raise PreventUpdate
    new_max = len(snapshot.period_ends) - 1
    if current_max == new_max:
        raise PreventUpdate
    follow = value is None or value == current_max
    new_value = new_max if follow else clamp_index(value, snapshot.period_ends)
    return new_max, map_layout.date_marks(snapshot.period_ends, normalise_language(lang)), new_value


def select_level(level: str | None, selection: dict | None) -> Any:
    """The shared selection after the 34/63 toggle (no update when the level is already that one)."""
    sel = Selection.from_store(selection)
    new = sel.with_level(level or "34")
    return no_update if new == sel else new.to_store()


def select_filters(inst_type: str | None, ownership: str | None, selection: dict | None) -> Any:
    """The shared selection after the type / ownership filters ('' = all); no update when unchanged."""
    sel = Selection.from_store(selection)
    new = sel.with_filters(inst_type, ownership)
    return no_update if new == sel else new.to_store()


def units_table(services: Services, view: dict | None) -> Any:
    """The map's table of units for what the map shows (``MapIds.STATE``): drawn after the map, so the
    page's first layout stays small, and again whenever the map changes."""
    snapshot = snapshots.current(services.ioc_engine)
    if not view or snapshot is None or not snapshot.period_ends:
        raise PreventUpdate
    # The record's fields, checked one by one as the inputs they came from are.
    lang = normalise_language(inputs.language(view.get("lang")))
    code = inputs.indicator(view.get("indicator"))
    date_index = inputs.date_index(view.get("date"))
    selection = inputs.selection({k: view.get(k) for k in ("level", "province", "type", "ownership")})
    model = build_model(services, snapshot, code, date_index, selection, view.get("stale") is True)
    return map_layout.province_list(model, lang)


def select_from_list(clicks: Any, selection: dict | None) -> Any:
    """The shared selection after a unit's "select on the map" button: selected, or cleared when it
    already was (as a click on the map does)."""
    trigger = ctx.triggered_id
    pressed = bool(ctx.triggered and ctx.triggered[0].get("value"))
    if not pressed or not isinstance(trigger, dict) or not isinstance(trigger.get("code"), str):
        return no_update  # the table was drawn again: its buttons report n_clicks=0
    sel = Selection.from_store(selection)
    code = trigger["code"]
    return sel.with_province(None if sel.province == code else code).to_store()


def clear_province(n_clicks: int | None, selection: dict | None) -> Any:
    if not n_clicks:
        return no_update
    return Selection.from_store(selection).with_province(None).to_store()


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(MapIds.PROVINCES, "hideout"),
        Output(MapIds.PROVINCES, "url"),
        Output(MapIds.TITLE, "children"),
        Output(MapIds.INFO, "children"),
        Output(MapIds.DATE_LABEL, "children"),
        Output(MapIds.STATE, "data"),
        Input(MapIds.INDICATOR, "value"),
        Input(MapIds.DATE, "value"),
        Input(Shell.SELECTION, "data"),
        Input(Shell.SNAPSHOT, "data"),
        State(Shell.LANG, "data"),
        State(MapIds.STATE, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(
            inputs.indicator,
            inputs.date_index,
            inputs.selection,
            inputs.snapshot_state,
            inputs.language,
            inputs.map_view,
        )(
            guarded("map", 6)(
                lambda code, index, sel, snap, lang, page: update_map(services, code, index, sel, snap, lang, page)
            )
        )
    )
    app.callback(
        Output(MapIds.DATE, "max"),
        Output(MapIds.DATE, "marks"),
        Output(MapIds.DATE, "value"),
        Input(Shell.SNAPSHOT, "data"),
        State(MapIds.DATE, "value"),
        State(MapIds.DATE, "max"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.snapshot_state, inputs.date_index, inputs.date_index, inputs.language)(
            guarded("map dates", 3)(lambda snap, value, mx, lang: update_dates(services, snap, value, mx, lang))
        )
    )
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.LEVEL, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.level, inputs.selection)(select_level))
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.TYPE, "value"),
        Input(MapIds.OWNERSHIP, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.institution_type, inputs.ownership, inputs.selection)(select_filters))
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.CLEAR, "n_clicks"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.count, inputs.selection)(clear_province))
    app.callback(Output(MapIds.LIST, "children"), Input(MapIds.STATE, "data"))(
        inputs.checked(inputs.map_view)(guarded("map table")(lambda view: units_table(services, view)))
    )
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input({"type": MapIds.LIST_SELECT, "code": ALL}, "n_clicks"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.counts, inputs.selection)(select_from_list))
    # In the browser: the clicked feature carries its geometry, which the server does not need.
    app.clientside_callback(
        ClientsideFunction("iocMap", "selectProvince"),
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.PROVINCES, "clickData"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("iocMap", "pointsUrl"),
        Output(MapIds.POINTS, "url"),
        Input(MapIds.TYPE, "value"),
        Input(MapIds.OWNERSHIP, "value"),
        Input(MapIds.READY, "value"),
        Input(MapIds.SHOW_POINTS, "value"),
        State(MapIds.POINTS_BASE, "data"),
        prevent_initial_call=True,
    )
