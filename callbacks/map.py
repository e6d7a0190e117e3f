"""The digital map page (T10): choropleth by province, institution points, shared province selection.

Callbacks read the snapshot (cached in memory) and hand the result to layouts/map.py; the map's
geometry comes from the geo API once and is restyled in the browser through ``hideout``.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from functools import lru_cache
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.page import PageContext, normalise_selection
from data_sources.institution_points import load_points
from geo.boundaries import load_archipelago_labels
from geo.provinces import DATA_DIR
from ioc_app import snapshots
from ioc_app.freshness import snapshot_state
from ioc_app.i18n import fmt_date, normalise_language
from ioc_app.indicators import registry
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot
from layouts import map as map_layout
from layouts.ids import Shell
from layouts.map import MapIds, MapModel

PATH = "map"
NAV_KEY = "nav.map"
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _archipelagos() -> tuple[dict[str, Any], ...]:
    """Label points of the two archipelagos, with their islands' positions (drawn as dots)."""
    frame = load_archipelago_labels()
    with (DATA_DIR / "archipelagos.csv").open(encoding="utf-8", newline="") as fh:
        islands = list(csv.DictReader(fh))
    return tuple(
        {"name": r.name, "name_en": r.name_en, "code": r.code, "lat": r.geometry.y, "lon": r.geometry.x,
         "islands": [(float(i["lat"]), float(i["lon"])) for i in islands if i["code34"] == r.code]}
        for r in frame.itertuples(index=False)
    )


def indicator_code(raw: str | None) -> str:
    """A mappable indicator code from user input (URL ``?indicator=``, dropdown); the default otherwise."""
    code = (raw or "").strip().upper()
    return code if code in map_layout.mappable_codes() else map_layout.DEFAULT_INDICATOR


def clamp_index(index: Any, period_ends: list[dt.date]) -> int:
    """A valid index into the snapshot's period ends; the data date (last) for anything else."""
    last = len(period_ends) - 1
    if isinstance(index, bool) or not isinstance(index, (int, float)):
        return last
    return min(max(int(index), 0), last)


def build_model(services: Services, snapshot: Snapshot, code: str, date_index: Any,
                selection: dict[str, Any] | None, stale: bool = False) -> MapModel:
    sel = normalise_selection(selection)
    indicator = registry.get(indicator_code(code))
    index = clamp_index(date_index, snapshot.period_ends)
    as_of = snapshot.period_ends[index]
    figures = map_layout.province_figures(snapshot, indicator.code, sel["level"], as_of, sel["type"],
                                          sel["ownership"])
    settings = services.settings
    points = load_points(services.vet_engine).frame  # ~1,900 rows, read once per data date
    located = int(points["has_coords"].sum())
    return MapModel(
        indicator=indicator,
        level=sel["level"],
        period_ends=snapshot.period_ends,
        date_index=index,
        figures=figures,
        national=map_layout.national_figure(snapshot, indicator, as_of, sel["type"], sel["ownership"]),
        selection=sel,
        snapshot_id=snapshot.run.id,
        stale=stale,
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        archipelagos=list(_archipelagos()),
        located=located,
        unlocated=len(points) - located,
    )


def render(ctx: PageContext) -> Any:
    snapshot = snapshots.current(ctx.services.ioc_engine)
    if snapshot is None or not snapshot.period_ends:
        return map_layout.no_snapshot(ctx.lang)
    state = snapshot_state(ctx.services.ioc_engine, ctx.services.settings.stale_after_minutes)
    model = build_model(ctx.services, snapshot, ctx.query.get("indicator", ""), None, ctx.selection,
                        bool(state.get("stale")))
    return map_layout.map_page(model, ctx.lang)


def update_map(services: Services, code: str | None, date_index: Any, selection: dict | None,
               snap_state: dict | None, lang: str | None, page_state: dict | None) -> tuple:
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
    hideout = map_layout.provinces_hideout(model.figures, model.indicator, lang, model.selection.get("province"))
    return (
        hideout,
        f"{map_layout.PROVINCES_URL}?set={model.level}",
        map_layout.title_card(model, lang),
        map_layout.info_panel(model, lang),
        fmt_date(model.as_of, lang),
        new_state,
    )


def update_dates(services: Services, snap_state: dict | None, value: Any, current_max: Any,
                 lang: str | None) -> tuple:
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
    sel = normalise_selection(selection)
    new = map_layout.switch_level(sel, level or "34")
    return no_update if new == sel else new


def select_filters(inst_type: str | None, ownership: str | None, selection: dict | None) -> Any:
    """The shared selection after the type / ownership filters ('' = all); no update when unchanged."""
    sel = normalise_selection(selection)
    new = {**sel, "type": inst_type if inst_type in map_layout.INSTITUTION_TYPES else None,
           "ownership": ownership if ownership in map_layout.OWNERSHIPS else None}
    return no_update if new == sel else new


def clear_province(n_clicks: int | None, selection: dict | None) -> Any:
    if not n_clicks:
        return no_update
    sel = normalise_selection(selection)
    sel["province"] = None
    return sel


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
    )(lambda code, index, sel, snap, lang, page: update_map(services, code, index, sel, snap, lang, page))
    app.callback(
        Output(MapIds.DATE, "max"),
        Output(MapIds.DATE, "marks"),
        Output(MapIds.DATE, "value"),
        Input(Shell.SNAPSHOT, "data"),
        State(MapIds.DATE, "value"),
        State(MapIds.DATE, "max"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda snap, value, mx, lang: update_dates(services, snap, value, mx, lang))
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.LEVEL, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(select_level)
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.TYPE, "value"),
        Input(MapIds.OWNERSHIP, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(select_filters)
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.CLEAR, "n_clicks"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(clear_province)
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
