"""The national overview: the filters (shared with the target pages), the network and the twelve panels.

Every body reads the newest snapshot only (in memory after its first load): a click costs
milliseconds and never touches the VET database's big tables.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, no_update

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import access, exports, inputs, snapshots
from ioc_app.i18n import normalise_language, t
from ioc_app.overview import all_panels, filter_update, first_paint, freshness_of
from ioc_app.selection import Selection, choices
from ioc_app.services import Services
from layouts import home as layout
from layouts.home import CHILDREN_PARTS, DATA_PARTS, PATH_PARTS, Filters, Home, Part
from layouts.ids import Shell

PATH = ""
NAV_KEY = "nav.overview"
log = logging.getLogger(__name__)


# --- page and callback bodies ---------------------------------------------------------------------


def render(pctx: PageContext) -> Any:
    """The first paint, drawn once per snapshot for each reader's view (``overview.first_paint``)."""
    return first_paint(pctx.services, Selection.from_store(pctx.selection), pctx.lang, layout.home_page)


def update_overview(
    services: Services,
    state: dict[str, Any] | None,
    selection: dict[str, Any] | None,
    lang: str | None,
    shown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """'Data as of', the network's and the panels' changing parts and the written situation for the
    newest snapshot and the selection (filters are kept); nothing when the page already shows them
    (``shown``: what the page was drawn with)."""
    lang = normalise_language(lang)
    sel = Selection.from_store(selection)
    fresh = freshness_of(services, state)
    shown = shown or {}
    if layout.shown(fresh, sel.to_store(), bool(shown.get("drawn"))) == shown:
        return {key: no_update for key in OUTPUTS}
    return filter_update(services, state, sel, lang, bool(shown.get("drawn")), layout.overview_update)


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
    level: str | None,
    province: str | None,
    inst_type: str | None,
    ownership: str | None,
    current: dict[str, Any] | None = None,
) -> Any:
    """The shared selection the filter bar writes (every page reads it); nothing when it is the one
    already there (the bar's first appearance, which would otherwise redraw the page it came with).

    The browser runs the same as ``FILTERS_TO_SELECTION_JS`` (tests compare the two)."""
    sel = Selection.from_store({"level": level}).with_province(province or None).with_filters(inst_type, ownership)
    new = sel.to_store()
    return no_update if current is not None and Selection.from_store(current).to_store() == new else new


# ``selection_from_filters`` in the browser: the filter bar's first appearance (with every page that has
# one) and each change cost no round trip. The same cleaning as ``Selection.from_store``: unknown levels,
# codes and filters are dropped (the server cleans whatever a store holds again when it reads it).
FILTERS_TO_SELECTION_JS = """function(level, province, instType, ownership, current) {
    var known = CHOICES;
    var lvl = known.levels.indexOf(level) !== -1 ? level : '34';
    var pick = function(value, allowed) { return typeof value === 'string' && allowed.indexOf(value) !== -1 ? value : null; };
    var sel = {level: lvl, province: pick(province, known.provinces[lvl]),
               type: pick(instType, known.types), ownership: pick(ownership, known.ownerships)};
    if (current && typeof current === 'object') {
        var now = current.level === '63' ? '63' : '34';
        if (now === sel.level && pick(current.province, known.provinces[now]) === sel.province
                && pick(current.type, known.types) === sel.type && pick(current.ownership, known.ownerships) === sel.ownership) {
            return window.dash_clientside.no_update;
        }
    }
    return sel;
}""".replace("CHOICES", json.dumps(choices(), separators=(",", ":")))


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


# What a new snapshot or selection changes on the overview, by name (``layout.overview_update``).
OUTPUTS: dict[str, Output] = {
    "asof": Output(Home.ASOF, "children"),
    "situation": Output(Home.SITUATION, "children"),
    "scope": Output(Home.SCOPE, "children"),
    "network_stale": Output(Home.NETWORK_STALE, "children"),
    "network": Output(Home.NETWORK, "children"),
    "panels": Output(Home.PANELS, "children"),
    "shown": Output(Home.SHOWN, "data"),
    "stats": Output({"type": Part.STAT, "code": ALL}, "children"),
    "class": Output({"type": Part.FRAME, "code": ALL}, "className"),
    "style": Output({"type": Part.FRAME, "code": ALL}, "style"),
    "sources_title": Output({"type": Part.SOURCES, "code": ALL}, "title"),
    **{part: Output({"type": part, "code": ALL}, "children") for part in CHILDREN_PARTS},
    **{part: Output({"type": part, "code": ALL}, "d") for part in PATH_PARTS},
    **{part: Output({"type": part, "code": ALL}, "data") for part in DATA_PARTS},
}


# A panel's folded table, drawn in the browser from its rows (``layout.spark_table``) when the fold is first
# opened (a click or Enter/Space on its summary), and again when new rows come while it has been opened.
# The same table as ``chart_text.data_table`` draws: a caption, column headings, each row's date as its
# heading and right-aligned figures.
SPARK_TABLE_JS = """function(clicks, rows, drawn) {
    var nu = window.dash_clientside.no_update;
    var trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || '';
    if (!clicks || !rows || (drawn && trigger.indexOf('n_clicks') !== -1)) { return nu; }
    var el = function(type, props) { return {namespace: 'dash_html_components', type: type, props: props}; };
    var head = el('Tr', {children: rows.headers.map(function(h) { return el('Th', {children: h, scope: 'col'}); })});
    var body = rows.rows.map(function(row) {
        return el('Tr', {children: row.map(function(cell, i) {
            return i === 0 ? el('Th', {children: cell, scope: 'row'}) : el('Td', {children: cell, className: 'ioc-num'});
        })});
    });
    var table = el('Table', {className: 'ioc-chart-table', children: [
        el('Caption', {children: rows.caption}), el('Thead', {children: head}), el('Tbody', {children: body})]});
    return el('Div', {className: 'ioc-chart-data-scroll', children: table});
}"""


PART_KEYS = frozenset(key for key, out in OUTPUTS.items() if isinstance(out.component_id, dict))


def in_page_order(result: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """Each part's values (by panel code) as a list in the order of the components the request names."""
    out = dict(result)
    for key in PART_KEYS:
        try:
            refs = sent[key]
            # Dash takes a list for every pattern of components, unchanged ones included.
            out[key] = [no_update] * len(refs) if out[key] is no_update else [out[key][r["id"]["code"]] for r in refs]
        except (KeyError, TypeError):
            raise inputs.InputError(f"the overview's {key} names components the page does not have") from None
    return out


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
    app.clientside_callback(  # selection_from_filters, in the browser (FILTERS_TO_SELECTION_JS)
        FILTERS_TO_SELECTION_JS,
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(Filters.LEVEL, "value"),
        Input(Filters.PROVINCE, "value"),
        Input(Filters.TYPE, "value"),
        Input(Filters.OWNERSHIP, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )
    app.callback(
        output=OUTPUTS,
        inputs=[Input(Shell.SNAPSHOT, "data"), Input(Shell.SELECTION, "data")],
        state=[State(Shell.LANG, "data"), State(Home.SHOWN, "data")],
        prevent_initial_call=True,  # the first paint comes with the page
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.language, inputs.overview_view)(
            guarded("overview", tuple(OUTPUTS))(
                lambda state, selection, lang, shown: in_page_order(
                    update_overview(services, state, selection, lang, shown), ctx.outputs_grouping
                )
            )
        )
    )
    app.clientside_callback(
        SPARK_TABLE_JS,
        Output({"type": Part.SPARK_BODY, "code": MATCH}, "children"),
        Input({"type": Part.SPARK_FOLD, "code": MATCH}, "n_clicks"),
        Input({"type": Part.SPARK_ROWS, "code": MATCH}, "data"),
        State({"type": Part.SPARK_BODY, "code": MATCH}, "children"),
        prevent_initial_call=True,
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
