"""The national overview: the filters (shared with the target pages), the network and the twelve panels.

Every body reads the newest snapshot only (in memory after its first load): a click costs
milliseconds and never touches the VET database's big tables.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import access, alerts, exports, inputs, snapshots, sources
from ioc_app.i18n import normalise_language, t
from ioc_app.overview import all_panels, freshness_of, network_counts
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.situation import scope_situation
from layouts import home as layout
from layouts.home import Filters, Home
from layouts.ids import Shell

PATH = ""
NAV_KEY = "nav.overview"
log = logging.getLogger(__name__)


# --- page and callback bodies ---------------------------------------------------------------------


def render(pctx: PageContext) -> Any:
    services, lang = pctx.services, pctx.lang
    sel = access.readable_selection(Selection.from_store(pctx.selection))
    selection, scope, only = sel.to_store(), sel.scope, access.visible_units(sel.level)
    fresh = freshness_of(services)
    alert_count = alerts.readers_open_count(services.ioc_engine)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return layout.home_page(selection, scope, None, [], fresh, lang, only, alert_count=alert_count)
    counts, panels = network_counts(snap, scope), all_panels(snap, scope)
    feeds = sources.panel_sources(services.ioc_engine)
    situation = scope_situation(snap, scope)
    return layout.home_page(selection, scope, counts, panels, fresh, lang, only, feeds, situation, alert_count)


def update_overview(
    services: Services, state: dict[str, Any] | None, selection: dict[str, Any] | None, lang: str | None
) -> tuple[Any, Any, Any, Any]:
    """'Data as of', network, panels and the written situation for the newest snapshot and the
    selection (filters are kept)."""
    lang = normalise_language(lang)
    scope = Selection.from_store(selection).scope
    snap = snapshots.current(services.ioc_engine)
    fresh = freshness_of(services, state)
    if snap is None:
        return layout.freshness_text(fresh, lang), layout.network_body(None, scope, fresh, lang), [], ""
    return (
        layout.freshness_text(fresh, lang),
        layout.network_body(network_counts(snap, scope), scope, fresh, lang),
        layout.panels_grid(all_panels(snap, scope), lang, fresh.stale, sources.panel_sources(services.ioc_engine)),
        layout.situation_text(scope_situation(snap, scope), lang),
    )


def level_changed(level: str | None, province: str | None, lang: str | None) -> tuple[list, str | None]:
    """Province choices for 34 or 63 units; the chosen province follows the level (``Selection.with_level``)."""
    lang = normalise_language(lang)
    new_level = "63" if level == "63" else "34"
    old_level = "34" if new_level == "63" else "63"
    # The dropdown still holds a code of the level being left (or of the new one, if unchanged).
    sel = Selection.from_store({"level": old_level, "province": province})
    if sel.province is None:
        sel = Selection.from_store({"level": new_level, "province": province})
    return layout.province_options(new_level, lang, access.visible_units(new_level)), sel.with_level(new_level).province


def selection_from_filters(
    level: str | None, province: str | None, inst_type: str | None, ownership: str | None
) -> dict[str, Any]:
    """The shared selection the filter bar writes (every page reads it)."""
    sel = Selection.from_store({"level": level}).with_province(province or None).with_filters(inst_type, ownership)
    return sel.to_store()


def overview_export(services: Services, fmt: str, selection: dict[str, Any] | None, lang: str | None) -> dict | None:
    """The panel table as CSV or Excel, with headers in the user's language."""
    lang = normalise_language(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return None
    scope = Selection.from_store(selection).scope
    frame, headers = layout.panel_table(all_panels(snap, scope), scope, lang)
    stem = f"chi-tieu-2222_{scope.key.replace('|', '_').replace(':', '-')}_{snap.run.data_date.isoformat()}"
    return exports.download(frame, headers, fmt, stem, t("common.target", lang))


def register(app: Dash, services: Services) -> None:
    """The overview's callbacks and the shared filter bar's (used on the target pages too)."""
    app.callback(
        Output(Filters.PROVINCE, "options"),
        Output(Filters.PROVINCE, "value"),
        Input(Filters.LEVEL, "value"),
        State(Filters.PROVINCE, "value"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.level, inputs.province, inputs.language)(level_changed))
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(Filters.LEVEL, "value"),
        Input(Filters.PROVINCE, "value"),
        Input(Filters.TYPE, "value"),
        Input(Filters.OWNERSHIP, "value"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.level, inputs.province, inputs.institution_type, inputs.ownership)(selection_from_filters))
    app.callback(
        Output(Home.ASOF, "children"),
        Output(Home.NETWORK, "children"),
        Output(Home.PANELS, "children"),
        Output(Home.SITUATION, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,  # the first paint comes with the page
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.language)(
            guarded("overview", 4)(lambda state, selection, lang: update_overview(services, state, selection, lang))
        )
    )
    app.callback(
        Output(Home.DOWNLOAD, "data"),
        Input(Home.EXPORT_CSV, "n_clicks"),
        Input(Home.EXPORT_XLSX, "n_clicks"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.count, inputs.count, inputs.selection, inputs.language)(
            lambda _c, _x, selection, lang: overview_export(
                services, "xlsx" if ctx.triggered_id == Home.EXPORT_XLSX else "csv", selection, lang
            )
        )
    )
