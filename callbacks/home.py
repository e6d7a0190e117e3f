"""The national overview: the filters (shared with the target pages), the network and the twelve panels.

Every body reads the newest snapshot only (in memory after its first load): a click costs
milliseconds and never touches the VET database's big tables.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.page import PageContext, normalise_selection
from geo import provinces as geo_provinces
from ioc_app import exports, kpis, snapshots
from ioc_app.freshness import snapshot_state
from ioc_app.i18n import normalise_language, t
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, NATIONAL, OWNERSHIPS, Scope
from ioc_app.services import Services
from layouts import home as layout
from layouts.home import Filters, Freshness, Home, NetworkCounts, PanelData
from layouts.ids import Shell
from layouts.shell import unavailable

PATH = ""
NAV_KEY = "nav.overview"
log = logging.getLogger(__name__)

# The snapshot series whose denominators count the network (at the data date, per cell).
INSTITUTIONS_SERIES = "map_completeness"  # every institution in operation (T10's supporting series)
STAFF_SERIES = "staff_digital_capacity"  # teachers and managers in post (T01)
PROGRAMMES_SERIES = "programme_digital_outcomes"  # programmes in use (T03)
LEARNERS_SERIES = "learner_digitised_all"  # learner records since 2021, every institution (T08, 2030)


def per_snapshot(maxsize: int = 256) -> Callable[[Callable[..., Any]], Any]:
    """Memoise ``fn(snapshot, *args)`` for the newest snapshot only.

    A stored snapshot never changes, so figures derived from it can be kept per scope; a new
    snapshot drops them all, so at most one snapshot's figures are held (unlike an lru_cache).
    """
    def decorate(fn: Callable[..., Any]) -> Any:
        lock = threading.Lock()
        held: dict[str, Any] = {"snapshot": None, "memo": OrderedDict()}

        @wraps(fn)
        def wrapper(snapshot: snapshots.Snapshot, *args: Any) -> Any:
            with lock:
                if held["snapshot"] is not snapshot:
                    held["snapshot"], held["memo"] = snapshot, OrderedDict()
                memo = held["memo"]
                if args in memo:
                    memo.move_to_end(args)
                    return memo[args]
            value = fn(snapshot, *args)
            with lock:
                if held["snapshot"] is snapshot:
                    memo[args] = value
                    if len(memo) > maxsize:
                        memo.popitem(last=False)
            return value

        def cache_clear() -> None:
            with lock:
                held["snapshot"], held["memo"] = None, OrderedDict()

        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return wrapper
    return decorate


# --- selection and scope --------------------------------------------------------------------------

def selection_scope(selection: dict[str, Any] | None) -> Scope:
    """The scope the shared selection names; unknown codes are ignored rather than failing."""
    sel = normalise_selection(selection)
    province = sel.get("province")
    p34 = p63 = None
    if province:
        if sel["level"] == "63" and province in geo_provinces.legacy_by_code():
            p63 = province
        elif sel["level"] == "34" and province in geo_provinces.province_by_code():
            p34 = province
    inst_type = sel.get("type") if sel.get("type") in INSTITUTION_TYPES else None
    ownership = sel.get("ownership") if sel.get("ownership") in OWNERSHIPS else None
    return Scope(province34=p34, province63=p63, inst_type=inst_type, ownership=ownership)


def is_national_only(indicator: Indicator) -> bool:
    """Targets measured on national records only (milestones, the authority's public services)."""
    return all(s.national_only for s in indicator.series)


def freshness_of(services: Services, state: dict[str, Any] | None = None) -> Freshness:
    """The snapshot's freshness, from the shell's store when given, else read (one small query)."""
    if not state or not state.get("id"):
        state = snapshot_state(services.ioc_engine, services.settings.stale_after_minutes)
    if not state.get("id"):
        return Freshness(None, None, None, stale=True)
    return Freshness(
        snapshot_id=state["id"],
        data_date=dt.date.fromisoformat(state["data_date"]),
        refreshed_at=dt.datetime.fromisoformat(state["refreshed_at"]),
        stale=bool(state.get("stale")),
    )


# --- figures from the snapshot --------------------------------------------------------------------

def _denominators_now(snapshot: snapshots.Snapshot, series: str, scope: Scope) -> tuple[pd.DataFrame, np.ndarray]:
    """The scope's cells of a series and their denominators at the data date (the last period end)."""
    cells, _, den = snapshot.matrix(series)
    mask = snapshot.cell_mask(series, scope)
    now = den[:, -1] if den.shape[1] else np.zeros(len(cells), np.int64)
    return cells[mask], now[mask]


@per_snapshot()
def network_counts(snapshot: snapshots.Snapshot, scope: Scope) -> NetworkCounts:
    """Institutions by type and ownership, staff, programmes and learner records in the scope.

    Taken from the denominators the snapshot already holds, so it costs no scan of the big tables.
    """
    cells, inst = _denominators_now(snapshot, INSTITUTIONS_SERIES, scope)
    types, owners = cells["inst_type"].to_numpy(), cells["ownership"].to_numpy()
    return NetworkCounts(
        data_date=snapshot.run.data_date,
        by_type={k: int(inst[types == k].sum()) for k in INSTITUTION_TYPES},
        by_ownership={k: int(inst[owners == k].sum()) for k in OWNERSHIPS},
        staff=int(_denominators_now(snapshot, STAFF_SERIES, scope)[1].sum()),
        programmes=int(_denominators_now(snapshot, PROGRAMMES_SERIES, scope)[1].sum()),
        learner_records=int(_denominators_now(snapshot, LEARNERS_SERIES, scope)[1].sum()),
    )


def panel_data(snapshot: snapshots.Snapshot, indicator: Indicator, scope: Scope) -> PanelData:
    """One target in the scope: national-level targets stay national whatever the filters."""
    national_only = is_national_only(indicator)
    view = kpis.indicator_view(snapshot, indicator, NATIONAL if national_only else scope)
    spark = view.headline_series.trajectory
    supporting = None
    if indicator.supporting_series:
        key = indicator.supporting_series[0].key
        traj = view.series[key].trajectory if not national_only or scope.is_national \
            else snapshot.trajectory(key, scope)
        supporting = kpis.SeriesView(key, traj).last
        spark = traj  # T10: the map's completeness says more over time than a 0/1 milestone
    values = [None if pd.isna(v) else float(v) for v in spark["value"]]
    return PanelData(view=view, national_only=national_only and not scope.is_national, supporting=supporting,
                     spark_dates=list(spark["period_end"]), spark_values=values)


@per_snapshot()
def _all_panels(snapshot: snapshots.Snapshot, scope: Scope) -> tuple[PanelData, ...]:
    return tuple(panel_data(snapshot, ind, scope) for ind in registry.INDICATORS)


def all_panels(snapshot: snapshots.Snapshot, scope: Scope) -> list[PanelData]:
    """The twelve panels (kept per snapshot and scope: a snapshot never changes once stored)."""
    return list(_all_panels(snapshot, scope))


# --- page and callback bodies ---------------------------------------------------------------------

def render(pctx: PageContext) -> Any:
    services, lang = pctx.services, pctx.lang
    scope = selection_scope(pctx.selection)
    fresh = freshness_of(services)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return layout.home_page(pctx.selection, scope, None, [], fresh, lang)
    return layout.home_page(pctx.selection, scope, network_counts(snap, scope), all_panels(snap, scope), fresh, lang)


def update_overview(services: Services, state: dict[str, Any] | None, selection: dict[str, Any] | None,
                    lang: str | None) -> tuple[Any, Any, Any]:
    """'Data as of', network and panels for the newest snapshot and the selection (filters are kept)."""
    lang = normalise_language(lang)
    scope = selection_scope(selection)
    try:
        snap = snapshots.current(services.ioc_engine)
        fresh = freshness_of(services, state)
        if snap is None:
            return layout.freshness_text(fresh, lang), layout.network_body(None, scope, fresh, lang), []
        return (layout.freshness_text(fresh, lang),
                layout.network_body(network_counts(snap, scope), scope, fresh, lang),
                layout.panels_grid(all_panels(snap, scope), lang, fresh.stale))
    except Exception:  # noqa: BLE001 - keep the last figures on screen, say the data is unavailable
        log.exception("updating the overview failed")
        return no_update, unavailable(lang), no_update


def level_changed(level: str | None, province: str | None, lang: str | None) -> tuple[list, str | None]:
    """Province choices for 34 or 63 units; a chosen province follows when the mapping is one-to-one."""
    lang = normalise_language(lang)
    level = "63" if level == "63" else "34"
    options = layout.province_options(level, lang)
    codes = {o["value"] for o in options}
    if not province:
        return options, None
    if level == "34" and province in geo_provinces.legacy_by_code():
        mapped = geo_provinces.current_code_of(province)  # every legacy unit lies in one current unit
        return options, mapped
    if level == "63" and province in geo_provinces.province_by_code():
        merged = geo_provinces.province_by_code()[province].merged_from
        return options, merged[0] if len(merged) == 1 else None  # a merged unit has no single legacy unit
    return options, province if province in codes else None


def selection_from_filters(level: str | None, province: str | None, inst_type: str | None,
                           ownership: str | None) -> dict[str, Any]:
    """The shared selection the filter bar writes (every page reads it)."""
    return normalise_selection({"level": level, "province": province or None, "type": inst_type or None,
                                "ownership": ownership or None})


def overview_export(services: Services, fmt: str, selection: dict[str, Any] | None, lang: str | None) -> dict | None:
    """The panel table as CSV or Excel, with headers in the user's language."""
    lang = normalise_language(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return None
    scope = selection_scope(selection)
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
    )(level_changed)
    app.callback(
        Output(Shell.SELECTION, "data", allow_duplicate=True),
        Input(Filters.LEVEL, "value"),
        Input(Filters.PROVINCE, "value"),
        Input(Filters.TYPE, "value"),
        Input(Filters.OWNERSHIP, "value"),
        prevent_initial_call=True,
    )(selection_from_filters)
    app.callback(
        Output(Home.ASOF, "children"),
        Output(Home.NETWORK, "children"),
        Output(Home.PANELS, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,  # the first paint comes with the page
    )(lambda state, selection, lang: update_overview(services, state, selection, lang))
    app.callback(
        Output(Home.DOWNLOAD, "data"),
        Input(Home.EXPORT_CSV, "n_clicks"),
        Input(Home.EXPORT_XLSX, "n_clicks"),
        State(Shell.SELECTION, "data"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(lambda _c, _x, selection, lang: overview_export(
        services, "xlsx" if ctx.triggered_id == Home.EXPORT_XLSX else "csv", selection, lang))
