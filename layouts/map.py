"""The digital map of the VET institution network (target T10 of Decision 2222).

Pure builders: from a snapshot (already in memory) and the user's choices to the small dicts the
browser styles the map with (``hideout``), and from those to components. No queries, no I/O.

Geometry never passes through here: the map loads it from ``/api/v1/geo/provinces`` and
``/api/v1/institutions`` (ioc_app/geo_api.py) and the browser keeps it; a change of indicator,
date or filter only sends a new ``hideout`` of a few kilobytes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import dash_leaflet as dl
import numpy as np
from dash import dcc, html

from geo import provinces as geo_provinces
from geo.boundaries import expected_codes
from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator, Series
from ioc_app.snapshots import Snapshot
from layouts.components import STATUS_STYLE, status_badge, status_word

PROVINCES_URL = "/api/v1/geo/provinces"
INSTITUTIONS_URL = "/api/v1/institutions"
DEFAULT_INDICATOR = "T06"
# Initial view: the mainland and both archipelagos (Hoàng Sa ~16.5°N 112°E, Trường Sa ~8-11.5°N 112-116°E).
# A little more to the west than Vietnam's westernmost point, so the legend (bottom left) stays clear of Cà Mau.
INITIAL_BOUNDS = [[7.5, 99.8], [23.5, 117.5]]
MAX_BOUNDS = [[0.0, 92.0], [30.0, 128.0]]
POINTS_PANE = "ioc-points"
LABEL_SIZE = (240, 64)  # px box of an archipelago label

# Class breaks of the choropleth (shares 0..1): 0–25, 25–50, 50–75, 75–<100, and 100 % on its own
# because most 2030 targets are 100 %. Sequential yellow-green-blue (ColorBrewer "YlGnBu", light =
# low): distinguishable with every colour-vision deficiency, its light end still stands out from
# the grey background, and it leaves vermillion, purple and white free for the institution points.
BREAKS = (0.25, 0.5, 0.75, 1.0)
PALETTE = ("#edf8b1", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA_COLOUR = "#b9b9b9"
FILL_OPACITY = 0.85
EPS = 1e-9

# Institution points: colour AND size differ by type (Okabe-Ito hues, dark outline).
TYPE_COLOURS = {"college": "#D55E00", "intermediate": "#CC79A7", "centre": "#FFFFFF"}
TYPE_RADIUS = {"college": 7, "intermediate": 6, "centre": 4.5}
INSTITUTION_TYPES = ("college", "intermediate", "centre")
OWNERSHIPS = ("public", "private", "foreign")


class MapIds(StrEnum):
    MAP = "map-leaflet"
    PROVINCES = "map-provinces"
    POINTS = "map-points"
    INDICATOR = "map-indicator"
    DATE = "map-date"
    DATE_LABEL = "map-date-label"
    LEVEL = "map-level"
    TYPE = "map-type"
    OWNERSHIP = "map-ownership"
    READY = "map-ready"
    SHOW_POINTS = "map-show-points"
    TITLE = "map-title"
    LEGEND = "map-legend"
    INFO = "map-info"
    CLEAR = "map-clear"
    STATE = "map-state"  # store: {"snapshot": id} of what the page shows
    POINTS_BASE = "map-points-base"  # store: the institutions URL without a query


# --- which series a map shows -------------------------------------------------------------


def map_series(indicator: Indicator) -> Series | None:
    """The series coloured on the map, or None when the indicator has no provincial figures.

    T10's own series are national milestones; its supporting ``map_completeness`` series is
    provincial. T05 and T07 are national only.
    """
    if indicator.code == "T10":
        return indicator.series_by_key("map_completeness")
    headline = indicator.headline_series
    return None if headline.national_only else headline


def mappable_codes() -> list[str]:
    return [ind.code for ind in registry.INDICATORS if map_series(ind) is not None]


def indicator_options(lang: str) -> list[dict[str, Any]]:
    """T01–T12 for the dropdown; national-only ones disabled and marked."""
    out = []
    for ind in registry.INDICATORS:
        series = map_series(ind)
        label = f"{ind.code} · {ind.name(lang)}"
        if series is None:
            label += f" ({t('map.national_only', lang)})"
        elif ind.code == "T10":
            label += f" ({t('map.t10_series', lang)})"
        out.append({"label": label, "value": ind.code, "disabled": series is None})
    return out


# --- per-province figures ------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceFigure:
    code: str
    name: str
    value: float | None
    numerator: int
    denominator: int
    statuses: tuple[str, ...]  # one per target of the indicator (empty for a supporting series)


def _unit_codes(level: str) -> dict[str, str]:
    return expected_codes(level)


@dataclass(frozen=True)
class _CellIndex:
    """A series' cells as integer positions (legacy province, period end) and plain arrays."""

    legacy: np.ndarray  # position in the 63 legacy codes, -1 if none (national records)
    period: np.ndarray  # position in snapshot.period_ends
    inst_type: np.ndarray
    ownership: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray


_LEGACY_CODES = tuple(p.code for p in geo_provinces.legacy_provinces())


class SnapshotMemo:
    """Values derived from a snapshot, kept while that snapshot is current.

    Keyed by the snapshot's id (never by the object, so an old snapshot is not kept alive);
    a newer snapshot drops the older entries, and each snapshot keeps its ``size`` most recent.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._run: int | None = None
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if self._run != snapshot.run.id:
                self._run, self._items = snapshot.run.id, OrderedDict()
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two threads may compute the same value once each
        with self._lock:
            if self._run == snapshot.run.id:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value


_CELLS = SnapshotMemo(64)
_FIGURES = SnapshotMemo(512)


def _cell_index(snapshot: Snapshot, series_key: str) -> _CellIndex:
    return _CELLS.get(snapshot, (series_key,), lambda: _build_cell_index(snapshot, series_key))


def _build_cell_index(snapshot: Snapshot, series_key: str) -> _CellIndex:
    cells = snapshot.cells(series_key)
    legacy = {c: i for i, c in enumerate(_LEGACY_CODES)}
    period = {d: i for i, d in enumerate(snapshot.period_ends)}
    return _CellIndex(
        legacy=np.array([legacy.get(c, -1) for c in cells["province63"]], dtype=np.int64),
        period=np.array([period.get(d, -1) for d in cells["period_end"]], dtype=np.int64),
        inst_type=cells["inst_type"].to_numpy(dtype=object),
        ownership=cells["ownership"].to_numpy(dtype=object),
        numerator=cells["numerator"].to_numpy(dtype=np.int64),
        denominator=cells["denominator"].to_numpy(dtype=np.int64),
    )


def province_arrays(snapshot: Snapshot, series_key: str, level: str, inst_type: str | None = None,
                    ownership: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Codes of ``level`` and their numerators and denominators, shape (codes, snapshot period ends).

    The same sums as ``snapshot.trajectory(series, Scope(province34=code, ...))`` for every code at
    once: one pass over the series' cells instead of 34 or 63 rollups.
    """
    codes = list(_unit_codes(level))
    num = np.zeros((len(codes), len(snapshot.period_ends)), dtype=np.int64)
    den = np.zeros_like(num)
    cells = _cell_index(snapshot, series_key)
    if level == "34":
        position = {c: i for i, c in enumerate(codes)}
        to_unit = np.array([position[p.code34] for p in geo_provinces.legacy_provinces()], dtype=np.int64)
    else:
        to_unit = np.arange(len(_LEGACY_CODES), dtype=np.int64)
    ok = (cells.legacy >= 0) & (cells.period >= 0)
    if inst_type:
        ok &= cells.inst_type == inst_type
    if ownership:
        ok &= cells.ownership == ownership
    index = (to_unit[cells.legacy[ok]], cells.period[ok])
    np.add.at(num, index, cells.numerator[ok])
    np.add.at(den, index, cells.denominator[ok])
    return codes, num, den


def _shares(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1), np.nan)


def province_figures(snapshot: Snapshot, indicator_code: str, level: str, as_of: dt.date,
                     inst_type: str | None = None, ownership: str | None = None) -> dict[str, ProvinceFigure]:
    """Value at ``as_of`` and status against each target, per province of ``level``.

    Equal to ``kpis.indicator_view(snapshot, indicator, Scope(province34=code, ...), as_of)`` for each
    code (the API's figures), computed in one pass. Remembered per snapshot: a snapshot never changes.
    """
    key = (indicator_code, level, as_of, inst_type, ownership)
    return _FIGURES.get(snapshot, key, lambda: compute_province_figures(snapshot, *key))


def compute_province_figures(snapshot: Snapshot, indicator_code: str, level: str, as_of: dt.date,
                             inst_type: str | None = None, ownership: str | None = None) -> dict[str, ProvinceFigure]:
    """:func:`province_figures` without the memo."""
    indicator = registry.get(indicator_code)
    shown = map_series(indicator)
    names = _unit_codes(level)
    if shown is None:
        return {}
    judged = shown.key in {tg.series for tg in indicator.targets}
    keys = {shown.key} | ({tg.series for tg in indicator.targets} if judged else set())
    arrays = {k: province_arrays(snapshot, k, level, inst_type, ownership) for k in keys}
    known = bisect.bisect_right(snapshot.period_ends, as_of)  # period ends up to as_of
    ends = snapshot.period_ends[:known]
    codes, num, den = arrays[shown.key]
    values = {k: _shares(n, d) for k, (_c, n, d) in arrays.items()}
    out = {}
    for i, code in enumerate(codes):
        value = None
        if known and not np.isnan(values[shown.key][i, known - 1]):
            value = float(values[shown.key][i, known - 1])
        statuses: tuple[str, ...] = ()
        if judged:
            trajectories = {k: [(d, None if np.isnan(v) else float(v)) for d, v in zip(ends, vals[i, :known])]
                            for k, vals in values.items()}
            statuses = tuple(a.status for a in status.assess(indicator, trajectories, as_of))
        out[code] = ProvinceFigure(
            code=code, name=names[code], value=value,
            numerator=int(num[i, known - 1]) if known else 0,
            denominator=int(den[i, known - 1]) if known else 0,
            statuses=statuses,
        )
    return out


def class_of(value: float | None) -> int | None:
    """Index of the legend class of a share (None for no data)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for i, upper in enumerate(BREAKS[:-1]):
        if value < upper - EPS:
            return i
    return len(BREAKS) - 1 if value < 1.0 - EPS else len(BREAKS)


def colour_of(value: float | None) -> str:
    cls = class_of(value)
    return NO_DATA_COLOUR if cls is None else PALETTE[cls]


def target_labels(indicator: Indicator, lang: str) -> list[str]:
    """'Mục tiêu 2025 · 50%' for each target, in the order of the statuses."""
    out = []
    for tg in indicator.targets:
        value = t("milestone.done", lang) if indicator.kind == "milestone" else fmt_percent(tg.value, lang, 0)
        prefix = "≥ " if tg.at_least else ""
        out.append(f"{t('common.goal', lang)} {tg.year} · {prefix}{value}")
    return out


def provinces_hideout(figures: dict[str, ProvinceFigure], indicator: Indicator, lang: str,
                      selected: str | None = None) -> dict[str, Any]:
    """What the browser's style and tooltip functions read (assets/map.js), a few kilobytes.

    ``v``: code -> [fill colour, value text, numerator/denominator text, [status per target]];
    ``tg``: target labels; ``st``: status -> [icon, word, colour]; ``sel``: the selected code.
    """
    values = {}
    for code, f in figures.items():
        ratio = f"{fmt_number(f.numerator, lang)}/{fmt_number(f.denominator, lang)}" if f.denominator else ""
        text = fmt_percent(f.value, lang) if f.value is not None else t("common.no_data", lang)
        values[code] = [colour_of(f.value), text, ratio, list(f.statuses)]
    shown = map_series(indicator)
    judged = shown is not None and shown.key in {tg.series for tg in indicator.targets}
    return {
        "v": values,
        "sel": selected,
        "tg": target_labels(indicator, lang) if judged else [],
        "st": {s: [icon, status_word(s, lang), colour] for s, (icon, colour) in STATUS_STYLE.items()},
        "nd": NO_DATA_COLOUR,
        "ndt": t("common.no_data", lang),
        "fo": FILL_OPACITY,
        "note": None if judged else t("map.no_target", lang),
    }


# Popup label (as the JavaScript names it) -> text key.
POPUP_TEXTS = {
    "province": "map.popup.province", "legacy": "map.popup.legacy", "code": "common.institution_code",
    "infrastructure": "common.infrastructure", "connected": "map.popup.connected", "not_connected": "map.ready_false",
    "digital_school": "map.popup.digital_school", "profile": "map.popup.profile", "none": "map.popup.none",
    "open": "map.popup.open",
}


def points_hideout(lang: str) -> dict[str, Any]:
    """Texts and colours of the institution layer (popup labels in the current language)."""
    return {
        "lang": lang,
        "pane": POINTS_PANE,
        "colours": TYPE_COLOURS,
        "radius": TYPE_RADIUS,
        "t": {
            "types": {k: t(f"type.{k}", lang) for k in INSTITUTION_TYPES},
            "ownerships": {k: t(f"ownership.{k}", lang) for k in OWNERSHIPS},
            **{k: t(key, lang) for k, key in POPUP_TEXTS.items()},
        },
    }


def switch_level(selection: dict[str, Any], level: str) -> dict[str, Any]:
    """The selection after changing between 34 and 63 units.

    A legacy province maps to exactly one current unit; a current unit covers several legacy
    ones, so going 34 -> 63 clears the province rather than guess.
    """
    out = dict(selection)
    if level not in ("34", "63") or out.get("level") == level:
        out["level"] = level if level in ("34", "63") else out.get("level", "34")
        return out
    code = out.get("province")
    if code and level == "34":
        legacy = geo_provinces.legacy_by_code().get(code)
        out["province"] = legacy.code34 if legacy else None
    elif code:
        out["province"] = None
    out["level"] = level
    return out


# --- the page model and components ---------------------------------------------------------


@dataclass(frozen=True)
class MapModel:
    """Everything the page shows, computed from the snapshot and the user's choices."""

    indicator: Indicator
    level: str
    period_ends: list[dt.date]
    date_index: int
    figures: dict[str, ProvinceFigure]
    national: ProvinceFigure | None
    selection: dict[str, Any]
    snapshot_id: int
    stale: bool = False
    tile_url: str | None = None
    tile_attribution: str | None = None
    archipelagos: list[dict[str, Any]] = field(default_factory=list)
    located: int | None = None  # open institutions drawn on the map
    unlocated: int | None = None  # open institutions without coordinates (T10 counts them)

    @property
    def as_of(self) -> dt.date:
        return self.period_ends[self.date_index]


def national_figure(snapshot: Snapshot, indicator: Indicator, as_of: dt.date, inst_type: str | None,
                    ownership: str | None) -> ProvinceFigure | None:
    """The nationwide figure of the mapped series, for context beside the map."""
    shown = map_series(indicator)
    if shown is None:
        return None
    cells = snapshot.cells(shown.key)
    cells = cells[cells["period_end"] == as_of]
    if inst_type:
        cells = cells[cells["inst_type"] == inst_type]
    if ownership:
        cells = cells[cells["ownership"] == ownership]
    num, den = int(cells["numerator"].sum()), int(cells["denominator"].sum())
    return ProvinceFigure("VN", "", num / den if den else None, num, den, ())


def date_marks(period_ends: list[dt.date], lang: str) -> dict[int, str]:
    """Year ends labelled by year, and the last point (the data date) by its date."""
    marks = {i: str(d.year) for i, d in enumerate(period_ends) if d.month == 12 and d.day == 31}
    if period_ends:
        last = len(period_ends) - 1
        # Keep the data date's label apart from a year-end label right before it.
        for i in [k for k in marks if last - k < 4 and k != last]:
            del marks[i]
        marks[last] = fmt_date(period_ends[-1], lang)
    return marks


def scope_text(selection: dict[str, Any], lang: str) -> str:
    parts = []
    if selection.get("type"):
        parts.append(t(f"type.{selection['type']}", lang))
    if selection.get("ownership"):
        parts.append(t(f"ownership.{selection['ownership']}", lang))
    return " · ".join(parts)


def title_card(model: MapModel, lang: str) -> list:
    ind = model.indicator
    shown = map_series(ind)
    sub = [fmt_date(model.as_of, lang)]
    scope = scope_text(model.selection, lang)
    if scope:
        sub.append(scope)
    if model.national is not None:
        value = fmt_percent(model.national.value, lang) if model.national.value is not None else t("common.no_data", lang)
        sub.append(f"{t('common.national', lang)}: {value}")
    children: list = [
        html.Div([html.Span(ind.code, className="ioc-map-code"), html.Span(ind.name(lang))],
                 className="ioc-map-title-name"),
    ]
    if ind.code == "T10" and shown is not None:
        children.append(html.Div(t("map.t10_note", lang), className="ioc-map-title-note"))
    children.append(html.Div(" · ".join(sub), className="ioc-map-title-sub"))
    if model.stale:
        children.append(html.Span(f"⚠ {t('fresh.stale', lang)}", className="ioc-badge ioc-badge-stale",
                                  title=t("fresh.stale_hint", lang)))
    return children


def legend(lang: str, located: int | None = None, unlocated: int | None = None) -> list:
    """Class breaks of the choropleth, 'no data', the institution types and how many are drawn."""
    labels = ["0–25%", "25–50%", "50–75%", "75–<100%", "100%"]
    if lang == "vi":
        labels = [s.replace(".", ",") for s in labels]
    classes = [
        html.Li([html.Span(className="ioc-map-swatch", style={"background": c}), html.Span(lbl)])
        for c, lbl in zip(PALETTE, labels, strict=True)
    ]
    classes.append(html.Li([html.Span(className="ioc-map-swatch ioc-map-swatch-nodata",
                                      style={"background": NO_DATA_COLOUR}),
                            html.Span(t("common.no_data", lang))]))
    types = [
        html.Li([html.Span(className="ioc-map-dot",
                           style={"background": TYPE_COLOURS[k], "width": f"{2 * TYPE_RADIUS[k] + 2}px",
                                  "height": f"{2 * TYPE_RADIUS[k] + 2}px"}),
                 html.Span(t(f"type.{k}", lang))])
        for k in INSTITUTION_TYPES
    ]
    types.append(html.Li([html.Span("12", className="ioc-map-cluster-swatch"),
                          html.Span(t("map.legend_cluster", lang))]))
    out = [
        html.Ul(classes, className="ioc-map-legend-classes"),
        html.Div(t("map.legend_points", lang), className="ioc-map-legend-head"),
        html.Ul(types, className="ioc-map-legend-types"),
    ]
    if located is not None:
        lines = [html.Div(f"{fmt_number(located, lang)} {t('map.on_map', lang)}")]
        if unlocated:
            lines.append(html.Div(f"{fmt_number(unlocated, lang)} {t('map.missing_coords', lang)}"))
        out.append(html.Div(lines, className="ioc-map-legend-count", id="map-legend-count"))
    return out


def info_panel(model: MapModel, lang: str) -> list:
    """The selected province's figure and statuses, or a hint to click one."""
    code = model.selection.get("province")
    fig = model.figures.get(code) if code else None
    if fig is None:
        return [html.Div(t("map.click_hint", lang), className="ioc-map-info-hint")]
    ind = model.indicator
    value = fmt_percent(fig.value, lang) if fig.value is not None else t("common.no_data", lang)
    rows: list = [
        html.Div(t("map.selected", lang), className="ioc-map-info-head"),
        html.Div(fig.name, className="ioc-map-info-name", id="map-info-name"),
        html.Div([html.Span(value, className="ioc-map-info-value"),
                  html.Span(f" {fmt_number(fig.numerator, lang)}/{fmt_number(fig.denominator, lang)}"
                            if fig.denominator else "", className="ioc-map-info-ratio")]),
    ]
    for label, st in zip(target_labels(ind, lang), fig.statuses, strict=False):
        rows.append(html.Div([html.Span(label, className="ioc-map-info-target"), status_badge(st, lang)],
                             className="ioc-map-info-status"))
    rows.append(html.Button(t("map.clear", lang), id=MapIds.CLEAR, className="ioc-map-clear", n_clicks=0))
    return rows


def archipelago_markers(labels: list[dict[str, Any]], lang: str) -> list:
    """Permanent labels of Quần đảo Hoàng Sa (Đà Nẵng) and Quần đảo Trường Sa (Khánh Hòa)."""
    names = geo_provinces.province_by_code()
    out: list = []
    for item in labels:
        # The islands are specks at national zoom; a dot each keeps them visible.
        out += [dl.CircleMarker(center=[lat, lon], radius=2.5, interactive=False, color="#ffffff", weight=1,
                                fillColor="#33414f", fillOpacity=1) for lat, lon in item.get("islands", [])]
        name = item["name_en"] if lang == "en" else item["name"]
        province = names[item["code"]].name
        html_label = (f'<div id="map-archipelago-{item["code"]}"><span class="ioc-archipelago-name">{name}</span>'
                      f'<span class="ioc-archipelago-province">({province})</span></div>')
        # Above the northernmost island, so the words never cover the dots; anchored at the label's
        # bottom centre (CSS aligns the text to the bottom whatever the number of lines).
        top = max((lat for lat, _ in item.get("islands", [])), default=item["lat"])
        out.append(dl.DivMarker(
            position=[top, item["lon"]],
            iconOptions={"html": html_label, "className": "ioc-archipelago-label", "iconSize": list(LABEL_SIZE),
                         "iconAnchor": [LABEL_SIZE[0] // 2, LABEL_SIZE[1] + 14]},
            interactive=False,
            keyboard=False,
        ))
    return out


def _js(name: str) -> dict[str, str]:
    return {"variable": f"iocMap.{name}"}


def _points_url(selection: dict[str, Any]) -> str:
    q = []
    if selection.get("type"):
        q.append(f"type={selection['type']}")
    if selection.get("ownership"):
        q.append(f"ownership={selection['ownership']}")
    return INSTITUTIONS_URL + ("?" + "&".join(q) if q else "")


def leaflet_map(model: MapModel, lang: str) -> dl.Map:
    layers: list = []
    if model.tile_url:
        layers.append(dl.TileLayer(url=model.tile_url, attribution=model.tile_attribution or ""))
    layers.append(dl.GeoJSON(
        id=MapIds.PROVINCES,
        url=f"{PROVINCES_URL}?set={model.level}",
        hideout=provinces_hideout(model.figures, model.indicator, lang, model.selection.get("province")),
        style=_js("provinceStyle"),
        hoverStyle=_js("provinceHover"),
        onEachFeature=_js("provinceEach"),
        attribution=t("map.attribution", lang),
    ))
    layers.append(dl.Pane(name=POINTS_PANE, style={"zIndex": 610}, children=[dl.GeoJSON(
        id=MapIds.POINTS,
        url=_points_url(model.selection),
        cluster=True,
        superClusterOptions={"radius": 56, "maxZoom": 10, "minPoints": 3},
        zoomToBoundsOnClick=True,
        pointToLayer=_js("pointToLayer"),
        clusterToLayer=_js("clusterToLayer"),
        onEachFeature=_js("pointEach"),
        hideout=points_hideout(lang),
    )]))
    layers.append(dl.Pane(name="ioc-labels", style={"zIndex": 650, "pointerEvents": "none"},
                          children=archipelago_markers(model.archipelagos, lang)))
    return dl.Map(
        id=MapIds.MAP,
        children=layers,
        bounds=INITIAL_BOUNDS,
        maxBounds=MAX_BOUNDS,
        zoomSnap=0.25,
        zoomDelta=0.5,
        minZoom=4,
        maxZoom=14,
        trackViewport=False,  # no prop updates on every pan; nothing listens to the viewport
        className="ioc-map-leaflet",
        style={"height": "100%", "width": "100%"},
    )


def _dropdown_options(keys: tuple[str, ...], prefix: str, lang: str) -> list[dict[str, str]]:
    return [{"label": t("map.all", lang), "value": ""}] + [{"label": t(f"{prefix}.{k}", lang), "value": k}
                                                            for k in keys]


def controls(model: MapModel, lang: str) -> list:
    """The indicator, date, level and institution filters (left column)."""
    sel = model.selection
    return [
        html.Div(className="ioc-map-control", children=[
            html.Label(t("common.target", lang), htmlFor=MapIds.INDICATOR),
            dcc.Dropdown(id=MapIds.INDICATOR, options=indicator_options(lang), value=model.indicator.code,
                         clearable=False, searchable=False, optionHeight=52, maxHeight=560),
            html.Div(t("map.national_only_note", lang), className="ioc-map-note"),
        ]),
        html.Div(className="ioc-map-control ioc-map-control-date", children=[
            html.Label([t("common.as_of", lang), " ", html.Strong(fmt_date(model.as_of, lang), id=MapIds.DATE_LABEL)]),
            dcc.Slider(id=MapIds.DATE, min=0, max=len(model.period_ends) - 1, step=1, value=model.date_index,
                       marks=date_marks(model.period_ends, lang), included=True, updatemode="mouseup",
                       allow_direct_input=False),
        ]),
        html.Div(className="ioc-map-control", children=[
            html.Label(t("common.level", lang)),
            dcc.RadioItems(id=MapIds.LEVEL, value=model.level, className="ioc-map-radio",
                           options=[{"label": t("common.level34", lang), "value": "34"},
                                    {"label": t("common.level63", lang), "value": "63"}]),
        ]),
        html.Div(className="ioc-map-filters", children=[
            html.Div(className="ioc-map-control", children=[
                html.Label(t("common.type", lang), htmlFor=MapIds.TYPE),
                dcc.Dropdown(id=MapIds.TYPE, options=_dropdown_options(INSTITUTION_TYPES, "type", lang),
                             value=sel.get("type") or "", clearable=False, searchable=False),
            ]),
            html.Div(className="ioc-map-control", children=[
                html.Label(t("map.filter_ownership", lang), htmlFor=MapIds.OWNERSHIP),
                dcc.Dropdown(id=MapIds.OWNERSHIP, options=_dropdown_options(OWNERSHIPS, "ownership", lang),
                             value=sel.get("ownership") or "", clearable=False, searchable=False),
            ]),
            html.Div(className="ioc-map-control", children=[
                html.Label(t("map.filter_ready", lang), htmlFor=MapIds.READY),
                dcc.Dropdown(id=MapIds.READY, value="", clearable=False, searchable=False,
                             options=[{"label": t("map.all", lang), "value": ""},
                                      {"label": t("map.ready_true", lang), "value": "true"},
                                      {"label": t("map.ready_false", lang), "value": "false"}]),
            ]),
            dcc.Checklist(id=MapIds.SHOW_POINTS, value=["on"], className="ioc-map-check",
                          options=[{"label": t("map.show_points", lang), "value": "on"}]),
        ]),
    ]


def view_state(model: MapModel, lang: str) -> dict[str, Any]:
    """What the page currently shows; a callback whose inputs give the same state changes nothing.

    (Dash 4 inputs report their value once when mounted; this keeps that from costing a restyle.)
    """
    sel = model.selection
    return {"snapshot": model.snapshot_id, "stale": model.stale, "indicator": model.indicator.code,
            "date": model.date_index, "level": model.level, "province": sel.get("province"),
            "type": sel.get("type"), "ownership": sel.get("ownership"), "lang": lang}


def map_page(model: MapModel, lang: str) -> html.Div:
    """The map page: a left column (what is shown, controls, selection) and the map with its legend."""
    return html.Div(
        className="ioc-page ioc-map-page",
        children=[
            dcc.Store(id=MapIds.STATE, data=view_state(model, lang)),
            dcc.Store(id=MapIds.POINTS_BASE, data=INSTITUTIONS_URL),
            html.Aside(
                className="ioc-map-side",
                children=[
                    html.Div(title_card(model, lang), id=MapIds.TITLE, className="ioc-map-card ioc-map-title"),
                    html.Div(controls(model, lang), className="ioc-map-card ioc-map-controls"),
                    html.Div(info_panel(model, lang), id=MapIds.INFO, className="ioc-map-card ioc-map-info",
                             **{"aria-live": "polite"}),
                ],
            ),
            html.Div(
                className="ioc-map-wrap",
                children=[
                    leaflet_map(model, lang),
                    html.Div(legend(lang, model.located, model.unlocated), id=MapIds.LEGEND,
                             className="ioc-map-overlay ioc-map-legend"),
                ],
            ),
        ],
    )


def no_snapshot(lang: str) -> html.Div:
    return html.Div(className="ioc-unavailable", role="alert", children=t("map.no_snapshot", lang))
