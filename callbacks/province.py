"""A province's page: ``/province/<code>`` for a current unit (34), ``/province/63-<code>`` for a legacy one (63).

Shows the province's 12 targets (value, status, national comparison, rank among the units,
all from the same cached scorecard as ``/scorecard``), and its VET institutions with each one's
own numerator and denominator on every target at the data date (``snapshot.institutions``),
so an official sees which institutions pull the province down. The type and ownership
filters of the shared selection apply; the institution table's order lives in the URL
(``/province/79?sort=T06&desc=0``; default: the largest gap on the analysed target first).
Opening a province's page makes it the selected province for every page. Every read takes the
province explicitly: access control for provincial officials can narrow it where data is read.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.guard import guarded
from callbacks.page import PageContext
from geo import provinces as geo
from ioc_app import inputs, snapshots
from ioc_app.exports import download
from ioc_app.i18n import normalise_language, t
from ioc_app.place_names import province_name
from ioc_app.province_view import (
    INSTITUTION_PAGE_SIZE,
    Unit,
    clean_focus,
    institution_codes,
    page_of,
    parse_inst_page,
    parse_inst_sort,
    parse_unit,
    province_targets,
    sorted_institution_rows,
    unit_from_store,
)
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.situation import province_situation
from layouts import home as home_view
from layouts import province as view
from layouts import scorecard as scorecard_view
from layouts.ids import Shell
from layouts.province import ProvIds

PATH = "province"
NAV_KEY = None
log = logging.getLogger(__name__)


def subtitle(unit: Unit, lang: str) -> str:
    if unit.level == "63":
        return view.subtitle_63(province_name(geo.legacy_by_code()[unit.code].code34, lang), lang)
    p = geo.province_by_code()[unit.code]
    names = [province_name(c, lang, level="63", full=False) for c in p.merged_from]
    return view.subtitle_34(p.is_city, names, lang)


def filter_labels(inst_type: str | None, ownership: str | None, lang: str) -> list[str]:
    out = [t(f"type.{inst_type}", lang)] if inst_type else []
    return out + ([t(f"ownership.{ownership}", lang)] if ownership else [])


# ---------------------------------------------------------------------------------------------
# Callback bodies


def render(ctx_: PageContext) -> Any:
    unit = parse_unit(ctx_.args)
    if unit is None:
        return view.unknown_province(ctx_.lang)
    snap = snapshots.current(ctx_.services.ioc_engine)
    codes = institution_codes(snap) if snap is not None else []
    return view.province_page(
        unit, subtitle(unit, ctx_.lang), ctx_.lang, codes, clean_focus(ctx_.query.get("focus"), codes)
    )


def update_targets(
    services: Services, state: dict | None, selection: dict | None, unit_data: Any, lang: str | None
) -> tuple[Any, str]:
    """The province's targets table and its written situation (what it measures itself, filters applied)."""
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None:
        return view.unknown_province(lang), ""
    if snap is None:
        return scorecard_view.no_snapshot(lang), ""
    inst_type, ownership = Selection.from_store(selection).filters
    _card, rows = province_targets(snap, unit, inst_type, ownership)
    written = province_situation(services, snap, unit, inst_type, ownership)
    stale = bool(state and state.get("stale"))
    return (
        view.targets_table(rows, lang, stale, filter_labels(inst_type, ownership, lang)),
        home_view.situation_text(written, lang),
    )


def update_institutions(
    services: Services,
    state: dict | None,
    selection: dict | None,
    focus: str | None,
    search: str | None,
    unit_data: Any,
    lang: str | None,
) -> tuple[Any, Any]:
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None or snap is None:
        return None, None
    inst_type, ownership = Selection.from_store(selection).filters
    card, _rows = province_targets(snap, unit, inst_type, ownership)
    codes = institution_codes(snap)
    focus = clean_focus(focus, codes)
    col, desc = parse_inst_sort(search, codes)
    ordered, closed = sorted_institution_rows(services, snap, unit, inst_type, ownership, focus, col, desc)
    shown, page, pages = page_of(ordered, parse_inst_page(search))
    stale = bool(state and state.get("stale"))
    table = view.institutions_table(
        shown,
        codes,
        focus,
        card.cells[unit.code],
        unit.path,
        lang,
        col,
        desc,
        closed,
        stale,
        total=len(ordered),
        page=page,
        pages=pages,
        page_size=INSTITUTION_PAGE_SIZE,
    )
    return table, view.drag_list(ordered, focus, card.cells[unit.code][focus], lang)


def select_on_visit(pathname: str | None, selection: dict | None) -> Any:
    """Opening a province's page selects that province (and its level) for every other page."""
    parts = [p for p in (pathname or "").split("/") if p]
    if len(parts) < 2 or parts[0] != PATH:
        return no_update
    unit = parse_unit(parts[1:])
    if unit is None:
        return no_update
    sel = Selection.from_store(selection)
    if sel.province == unit.code and sel.level == unit.level:
        return no_update
    return sel.with_province(unit.code, unit.level).to_store()


def export(
    services: Services,
    which: str,
    fmt: str,
    selection: dict | None,
    focus: str | None,
    search: str | None,
    unit_data: Any,
    lang: str | None,
) -> Any:
    """The targets table or the institutions table, as CSV or Excel, in the page's language."""
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None or snap is None:
        return no_update
    inst_type, ownership = Selection.from_store(selection).filters
    stamp = snap.run.data_date.isoformat()
    slug = unit.code if unit.level == "34" else f"63-{unit.code}"
    if which == "targets":
        _card, rows = province_targets(snap, unit, inst_type, ownership)
        frame, headers = view.targets_export(unit, rows, lang)
        stem = f"{'chi-tieu-tinh' if lang == 'vi' else 'province-targets'}-{slug}-{stamp}"
    else:
        codes = institution_codes(snap)
        col, desc = parse_inst_sort(search, codes)
        inst_rows, _closed = sorted_institution_rows(
            services, snap, unit, inst_type, ownership, clean_focus(focus, codes), col, desc
        )
        frame, headers = view.institutions_export(inst_rows, codes, lang)
        stem = f"{'co-so-gdnn' if lang == 'vi' else 'institutions'}-{slug}-{stamp}"
    return download(frame, headers, fmt, stem, sheet=unit.short_name(lang))


_EXPORTS = {
    ProvIds.TARGETS_CSV: ("targets", "csv"),
    ProvIds.TARGETS_XLSX: ("targets", "xlsx"),
    ProvIds.INST_CSV: ("institutions", "csv"),
    ProvIds.INST_XLSX: ("institutions", "xlsx"),
}


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ProvIds.TARGETS, "children"),
        Output(ProvIds.SITUATION, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
    )(
        inputs.checked(inputs.snapshot_state, inputs.selection, inputs.unit, inputs.language)(
            guarded("province targets", 2)(
                lambda state, selection, unit, lang: update_targets(services, state, selection, unit, lang)
            )
        )
    )
    app.callback(
        Output(ProvIds.INSTITUTIONS, "children"),
        Output(ProvIds.DRAG, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        Input(ProvIds.FOCUS, "value"),
        Input(Shell.URL, "search"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
    )(
        inputs.checked(
            inputs.snapshot_state, inputs.selection, inputs.indicator, inputs.search, inputs.unit, inputs.language
        )(
            guarded("province institutions", 2)(
                lambda state, selection, focus, search, unit, lang: update_institutions(
                    services, state, selection, focus, search, unit, lang
                )
            )
        )
    )
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(Shell.URL, "pathname"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.pathname, inputs.selection)(select_on_visit))
    app.callback(
        Output(ProvIds.DOWNLOAD, "data"),
        *(Input(i, "n_clicks") for i in _EXPORTS),
        State(Shell.SELECTION, "data"),
        State(ProvIds.FOCUS, "value"),
        State(Shell.URL, "search"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(
            *(inputs.count for _ in _EXPORTS),
            inputs.selection,
            inputs.indicator,
            inputs.search,
            inputs.unit,
            inputs.language,
        )(
            lambda _a, _b, _c, _d, selection, focus, search, unit, lang: export(
                services, *_EXPORTS.get(ctx.triggered_id, ("targets", "csv")), selection, focus, search, unit, lang
            )
        )
    )
