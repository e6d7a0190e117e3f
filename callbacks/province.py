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
from urllib.parse import parse_qsl

import pandas as pd
from dash import Dash, Input, Output, State, ctx, no_update

from ioc_app import scorecard as sd
from callbacks.page import PageContext, normalise_selection
from data_sources.institutions import institutions_in
from geo import provinces as geo
from ioc_app import snapshots
from ioc_app.exports import download
from ioc_app.i18n import normalise_language, t
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import Scope
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot
from layouts import province as view
from layouts import scorecard as scorecard_view
from layouts.ids import Shell
from layouts.province import InstitutionRow, ProvIds, TargetRow
from layouts.scorecard import Unit, vi_sort_key

PATH = "province"
NAV_KEY = None
log = logging.getLogger(__name__)

DEFAULT_FOCUS = "T01"
INSTITUTION_SORTS = ("name", "type", "ownership", "done", "short", "share")


def parse_unit(args: list[str]) -> Unit | None:
    """``["79"]`` -> current unit 79; ``["63-79"]`` -> legacy unit 79; anything else -> None."""
    if not args:
        return None
    raw = args[0].strip()
    if raw.startswith("63-"):
        return sd.unit_of("63", raw[3:])
    return sd.unit_of("34", raw)


def unit_from_store(data: Any) -> Unit | None:
    if not isinstance(data, dict):
        return None
    return sd.unit_of(str(data.get("level")), str(data.get("code")))


def unit_scope(unit: Unit, inst_type: str | None = None, ownership: str | None = None) -> Scope:
    if unit.level == "63":
        return Scope(province63=unit.code, inst_type=inst_type, ownership=ownership)
    return Scope(province34=unit.code, inst_type=inst_type, ownership=ownership)


def subtitle(unit: Unit, lang: str) -> str:
    if unit.level == "63":
        legacy = geo.legacy_by_code()[unit.code]
        return view.subtitle_63(geo.province_by_code()[legacy.code34].name, lang)
    p = geo.province_by_code()[unit.code]
    names = [geo.legacy_by_code()[c].name for c in p.merged_from]
    return view.subtitle_34(p.kind, names, lang)


def target_rows(card: sd.Scorecard, unit: Unit) -> list[TargetRow]:
    """The unit's cell on each target, the national cell, and its rank (1 = highest value) among the units."""
    rows = []
    for ind in registry.INDICATORS:
        mine = card.cells[unit.code][ind.code]
        values = [c.value for c in card.column(ind.code) if c.value is not None]
        rank = None if mine.value is None else 1 + sum(v > mine.value + 1e-12 for v in values)
        rows.append(TargetRow(ind.code, mine, card.totals[ind.code], rank, len(values)))
    return rows


def institution_codes(snapshot: Snapshot) -> list[str]:
    """Targets with a figure per institution (the series each scorecard column shows), in registry order."""
    present = set(snapshot.institutions["series"].unique())
    return [ind.code for ind in registry.INDICATORS if sd.column_series(ind)[0] in present]


def institution_rows(services: Services, snapshot: Snapshot, unit: Unit, inst_type: str | None,
                     ownership: str | None) -> tuple[list[InstitutionRow], int]:
    """Open institutions of the scope with their own figures; and how many closed ones were left out."""
    frame = institutions_in(services.vet_engine, unit_scope(unit, inst_type, ownership))
    if frame.empty:
        return [], 0
    open_ = frame[frame["is_open"]]
    as_of = snapshot.run.data_date
    codes = institution_codes(snapshot)
    series_code = {sd.column_series(registry.get(c))[0]: c for c in codes}
    per = snapshot.institutions
    per = per[per["institution_id"].isin(open_["id"]) & per["series"].isin(series_code)]
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    for series, iid, num, den in per[["series", "institution_id", "numerator", "denominator"]].itertuples(index=False):
        cells.setdefault(int(iid), {})[series_code[series]] = (int(num), int(den))

    def on(d: Any) -> bool:
        return d is not None and not pd.isna(d) and d <= as_of

    rows = [
        InstitutionRow(
            id=int(r.id), code=r.code, name=r.name, type=r.type, ownership=r.ownership,
            flags={"infra": on(r.digital_infrastructure_on), "connected": on(r.platform_connected_on),
                   "digital_school": on(r.digital_school_on), "high_quality": on(r.high_quality_on)},
            cells=cells.get(int(r.id), {}),
        )
        for r in open_.itertuples(index=False)
    ]
    return rows, int(len(frame) - len(open_))


def sort_institutions(rows: list[InstitutionRow], focus: str, col: str, desc: bool) -> list[InstitutionRow]:
    """Sorted by a column; missing figures always last, ties by name."""
    if col == "name":
        return sorted(rows, key=lambda r: vi_sort_key(r.name), reverse=desc)
    if col in ("type", "ownership"):
        return sorted(rows, key=lambda r: (getattr(r, col), vi_sort_key(r.name)), reverse=desc)

    def metric(r: InstitutionRow) -> float | None:
        if col in ("short", "share"):
            return r.shortfall(focus)
        if col == "done":
            return r.value(focus)
        return r.value(col)

    known = [r for r in rows if metric(r) is not None]
    known.sort(key=lambda r: vi_sort_key(r.name))
    known.sort(key=lambda r: metric(r), reverse=desc)  # stable: ties keep the name order
    return known + [r for r in rows if metric(r) is None]


def clean_focus(focus: str | None, codes: list[str]) -> str:
    if focus in codes:
        return focus  # type: ignore[return-value]
    return DEFAULT_FOCUS if DEFAULT_FOCUS in codes else (codes[0] if codes else DEFAULT_FOCUS)


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
    return view.province_page(unit, subtitle(unit, ctx_.lang), ctx_.lang, codes,
                              clean_focus(ctx_.query.get("focus"), codes))


def update_targets(services: Services, state: dict | None, selection: dict | None, unit_data: Any,
                   lang: str | None) -> Any:
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None:
        return view.unknown_province(lang)
    if snap is None:
        return scorecard_view.no_snapshot(lang)
    _level, inst_type, ownership = sd.clean_filters(selection)
    card = sd.scorecard(snap, unit.level, inst_type, ownership)
    return view.targets_table(target_rows(card, unit), lang, bool(state and state.get("stale")),
                              filter_labels(inst_type, ownership, lang))


def parse_inst_sort(search: str | None, codes: list[str]) -> tuple[str, bool]:
    """``?sort=T06&desc=0`` -> ("T06", False); default: the largest gap on the focus target first."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    col = query.get("sort")
    if col in INSTITUTION_SORTS or col in codes:
        return col, query.get("desc", "1") in ("1", "true")  # type: ignore[return-value]
    return "short", True


def update_institutions(services: Services, state: dict | None, selection: dict | None, focus: str | None,
                        search: str | None, unit_data: Any, lang: str | None) -> tuple[Any, Any]:
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None or snap is None:
        return None, None
    _level, inst_type, ownership = sd.clean_filters(selection)
    card = sd.scorecard(snap, unit.level, inst_type, ownership)
    codes = institution_codes(snap)
    focus = clean_focus(focus, codes)
    rows, closed = institution_rows(services, snap, unit, inst_type, ownership)
    col, desc = parse_inst_sort(search, codes)
    ordered = sort_institutions(rows, focus, col, desc)
    stale = bool(state and state.get("stale"))
    table = view.institutions_table(ordered, codes, focus, card.cells[unit.code], unit.path, lang, col, desc, closed,
                                    stale)
    return table, view.drag_list(rows, focus, card.cells[unit.code][focus], lang)


def select_on_visit(pathname: str | None, selection: dict | None) -> Any:
    """Opening a province's page selects that province (and its level) for every other page."""
    parts = [p for p in (pathname or "").split("/") if p]
    if len(parts) < 2 or parts[0] != PATH:
        return no_update
    unit = parse_unit(parts[1:])
    if unit is None:
        return no_update
    sel = normalise_selection(selection)
    if sel["province"] == unit.code and sel["level"] == unit.level:
        return no_update
    sel.update(level=unit.level, province=unit.code)
    return sel


def export(services: Services, which: str, fmt: str, selection: dict | None, focus: str | None,
           search: str | None, unit_data: Any, lang: str | None) -> Any:
    """The targets table or the institutions table, as CSV or Excel, in the page's language."""
    lang = normalise_language(lang)
    unit = unit_from_store(unit_data)
    snap = snapshots.current(services.ioc_engine)
    if unit is None or snap is None:
        return no_update
    _level, inst_type, ownership = sd.clean_filters(selection)
    stamp = snap.run.data_date.isoformat()
    slug = unit.code if unit.level == "34" else f"63-{unit.code}"
    if which == "targets":
        card = sd.scorecard(snap, unit.level, inst_type, ownership)
        frame, headers = view.targets_export(unit, target_rows(card, unit), lang)
        stem = f"{'chi-tieu-tinh' if lang == 'vi' else 'province-targets'}-{slug}-{stamp}"
    else:
        codes = institution_codes(snap)
        rows, _closed = institution_rows(services, snap, unit, inst_type, ownership)
        col, desc = parse_inst_sort(search, codes)
        frame, headers = view.institutions_export(sort_institutions(rows, clean_focus(focus, codes), col, desc),
                                                  codes, lang)
        stem = f"{'co-so-gdnn' if lang == 'vi' else 'institutions'}-{slug}-{stamp}"
    return download(frame, headers, fmt, stem, sheet=unit.name)


_EXPORTS = {
    ProvIds.TARGETS_CSV: ("targets", "csv"), ProvIds.TARGETS_XLSX: ("targets", "xlsx"),
    ProvIds.INST_CSV: ("institutions", "csv"), ProvIds.INST_XLSX: ("institutions", "xlsx"),
}


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ProvIds.TARGETS, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
    )(lambda state, selection, unit, lang: update_targets(services, state, selection, unit, lang))
    app.callback(
        Output(ProvIds.INSTITUTIONS, "children"),
        Output(ProvIds.DRAG, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        Input(ProvIds.FOCUS, "value"),
        Input(Shell.URL, "search"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
    )(lambda state, selection, focus, search, unit, lang: update_institutions(
        services, state, selection, focus, search, unit, lang))
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(Shell.URL, "pathname"),
        State(Shell.SELECTION, "data"),
        prevent_initial_call=True,
    )(select_on_visit)
    app.callback(
        Output(ProvIds.DOWNLOAD, "data"),
        *(Input(i, "n_clicks") for i in _EXPORTS),
        State(Shell.SELECTION, "data"),
        State(ProvIds.FOCUS, "value"),
        State(Shell.URL, "search"),
        State(ProvIds.UNIT, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda _a, _b, _c, _d, selection, focus, search, unit, lang: export(
        services, *_EXPORTS.get(ctx.triggered_id, ("targets", "csv")), selection, focus, search, unit, lang))
