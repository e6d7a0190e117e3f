"""The province scorecard (``/scorecard``): every province x the 12 targets, sortable, exportable.

The figures (and how they are counted) come from ``ioc_app.scorecard``; this module wires the
page: level "34" lists the current units, "63" the legacy ones; the type and ownership filters of
the shared selection apply to every figure; each row links to its province page.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import inputs, snapshots
from ioc_app.exports import download
from ioc_app.i18n import normalise_language
from ioc_app.scorecard import clean_filters, parse_sort, scorecard, sort_units
from ioc_app.selection import Selection
from ioc_app.services import Services
from layouts import scorecard as view
from layouts.ids import Shell
from layouts.scorecard import ScoreIds

PATH = "scorecard"
NAV_KEY = "nav.scorecard"
log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Callback bodies (plain functions: tests call them without a browser)


def render(ctx_: PageContext) -> Any:
    return view.scorecard_page(ctx_.lang, ctx_.selection)


def update_table(
    services: Services, state: dict | None, selection: dict | None, search: str | None, lang: str | None
) -> Any:
    lang = normalise_language(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return view.no_snapshot(lang)
    level, inst_type, ownership = clean_filters(selection)
    card = scorecard(snap, level, inst_type, ownership)
    col, desc = parse_sort(search)
    selected = Selection.from_store(selection).province
    stale = bool(state and state.get("stale"))
    return view.scorecard_table(card, sort_units(card, col, desc), lang, col, desc, selected, stale)


def write_filters(level: str | None, inst_type: str | None, ownership: str | None, selection: dict | None) -> dict:
    """The controls written into the shared selection (a change of level maps the province as every page does)."""
    return Selection.from_store(selection).with_level(level).with_filters(inst_type, ownership).to_store()


def export(services: Services, fmt: str, selection: dict | None, search: str | None, lang: str | None) -> Any:
    """The scorecard as CSV or Excel, headers in the page's language, rows in the order shown."""
    lang = normalise_language(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return no_update
    level, inst_type, ownership = clean_filters(selection)
    card = scorecard(snap, level, inst_type, ownership)
    col, desc = parse_sort(search)
    frame, headers = view.export_frame(card, sort_units(card, col, desc), lang)
    stem = (
        f"theo-doi-tinh-thanh-{card.as_of.isoformat()}"
        if lang == "vi"
        else f"province-tracker-{card.as_of.isoformat()}"
    )
    return download(frame, headers, fmt, stem, sheet="scorecard")


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ScoreIds.TABLE, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        Input(Shell.URL, "search"),
        State(Shell.LANG, "data"),
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.search, inputs.language)(
            guarded("scorecard", 1)(
                lambda state, selection, search, lang: update_table(services, state, selection, search, lang)
            )
        )
    )
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(ScoreIds.LEVEL, "value"),
        Input(ScoreIds.TYPE, "value"),
        Input(ScoreIds.OWNERSHIP, "value"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.level, inputs.institution_type, inputs.ownership, inputs.selection)(write_filters))
    app.callback(
        Output(ScoreIds.DOWNLOAD, "data"),
        Input(ScoreIds.EXPORT_CSV, "n_clicks"),
        Input(ScoreIds.EXPORT_XLSX, "n_clicks"),
        State(Shell.SELECTION, "data"),
        State(Shell.URL, "search"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.count, inputs.count, inputs.selection, inputs.search, inputs.language)(
            lambda _c, _x, selection, search, lang: export(
                services, "xlsx" if ctx.triggered_id == ScoreIds.EXPORT_XLSX else "csv", selection, search, lang
            )
        )
    )
