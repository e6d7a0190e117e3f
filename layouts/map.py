"""The digital map of the VET institution network (target T10 of Decision 2222).

Pure builders: from the page's values (``ioc_app.map_data.MapModel``, figures from the one
per-province computation) to the small dicts the browser styles the map with (``hideout``), and
from those to components. No queries, no I/O, no computation of figures.

Geometry never passes through here: the map loads it from ``/api/v1/geo/provinces`` and
``/api/v1/institutions`` (ioc_app/geo_api.py) and the browser keeps it; a change of indicator,
date or filter only sends a new ``hideout`` of a few kilobytes.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import Any

import dash_leaflet as dl
from dash import dcc, html

from geo import provinces as geo_provinces
from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t, vi_sort_key
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, OWNERSHIPS
from ioc_app.map_data import MapModel, ProvinceFigure
from ioc_app.place_names import place_name, province_name
from ioc_app.selection import Selection
from layouts.components import STATUS_STYLE, status_badge, status_word

PROVINCES_URL = "/api/v1/geo/provinces"
INSTITUTIONS_URL = "/api/v1/institutions"
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
    LIST = "map-list"  # the map as a table: every unit, its figure and status, a link and a select button
    LIST_SELECT = "map-list-select"  # pattern id type of a unit's "select on the map" button


def indicator_options(lang: str) -> list[dict[str, Any]]:
    """T01–T12 for the dropdown; national-only ones disabled and marked."""
    out = []
    for ind in registry.INDICATORS:
        label = f"{ind.code} · {ind.name(lang)}"
        if ind.provincial is None:
            label += f" ({t('map.national_only', lang)})"
        elif not ind.provincially_judged:
            label += f" ({t('map.t10_series', lang)})"
        out.append({"label": label, "value": ind.code, "disabled": ind.provincial is None})
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


def provinces_hideout(
    figures: dict[str, ProvinceFigure], indicator: Indicator, lang: str, selected: str | None = None
) -> dict[str, Any]:
    """What the browser's style and tooltip functions read (assets/map.js), a few kilobytes.

    ``v``: code -> [fill colour, value text, numerator/denominator text, [status per target]];
    ``nm``: code -> the unit's full name (the tooltip's heading); ``tg``: target labels;
    ``st``: status -> [icon, word, colour]; ``sel``: the selected code.
    """
    values = {}
    for code, f in figures.items():
        ratio = f"{fmt_number(f.numerator, lang)}/{fmt_number(f.denominator, lang)}" if f.denominator else ""
        text = fmt_percent(f.value, lang) if f.value is not None else t("common.no_data", lang)
        values[code] = [colour_of(f.value), text, ratio, list(f.statuses)]
    judged = indicator.provincially_judged
    return {
        "v": values,
        "nm": {code: f.full_name(lang) for code, f in figures.items()},
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
    "province": "common.province",
    "legacy": "map.popup.legacy",
    "code": "common.institution_code",
    "infrastructure": "common.infrastructure",
    "connected": "map.popup.connected",
    "not_connected": "map.ready_false",
    "digital_school": "map.popup.digital_school",
    "profile": "map.popup.profile",
    "none": "map.popup.none",
    "open": "map.popup.open",
}


def points_hideout(lang: str) -> dict[str, Any]:
    """Texts and colours of the institution layer (popup labels in the current language).

    The points carry bare province names (the API's data); the popup shows short names by code.
    """
    return {
        "lang": lang,
        "pane": POINTS_PANE,
        "colours": TYPE_COLOURS,
        "radius": TYPE_RADIUS,
        "t": {
            "types": {k: t(f"type.{k}", lang) for k in INSTITUTION_TYPES},
            "ownerships": {k: t(f"ownership.{k}", lang) for k in OWNERSHIPS},
            **{k: t(key, lang) for k, key in POPUP_TEXTS.items()},
            "p34": {p.code: place_name(p.name, p.is_city, lang, full=False) for p in geo_provinces.provinces()},
            "p63": {p.code: place_name(p.name, p.is_city, lang, full=False) for p in geo_provinces.legacy_provinces()},
        },
    }


# --- components ----------------------------------------------------------------------------


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


def scope_text(selection: Selection, lang: str) -> str:
    parts = []
    if selection.inst_type:
        parts.append(t(f"type.{selection.inst_type}", lang))
    if selection.ownership:
        parts.append(t(f"ownership.{selection.ownership}", lang))
    return " · ".join(parts)


def title_card(model: MapModel, lang: str) -> list:
    ind = model.indicator
    sub = [fmt_date(model.as_of, lang)]
    scope = scope_text(model.selection, lang)
    if scope:
        sub.append(scope)
    if model.national is not None:
        value = (
            fmt_percent(model.national.value, lang) if model.national.value is not None else t("common.no_data", lang)
        )
        sub.append(f"{t('common.national', lang)}: {value}")
    children: list = [
        html.Div(
            [html.Span(ind.code, className="ioc-map-code"), html.Span(ind.name(lang))], className="ioc-map-title-name"
        ),
    ]
    if ind.provincial is not None and not ind.provincially_judged:  # T10: the map's completeness
        children.append(html.Div(t("map.t10_note", lang), className="ioc-map-title-note"))
    children.append(html.Div(" · ".join(sub), className="ioc-map-title-sub"))
    if model.stale:
        children.append(
            html.Span(
                f"⚠ {t('fresh.stale', lang)}", className="ioc-badge ioc-badge-stale", title=t("fresh.stale_hint", lang)
            )
        )
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
    classes.append(
        html.Li(
            [
                html.Span(className="ioc-map-swatch ioc-map-swatch-nodata", style={"background": NO_DATA_COLOUR}),
                html.Span(t("common.no_data", lang)),
            ]
        )
    )
    types = [
        html.Li(
            [
                html.Span(
                    className="ioc-map-dot",
                    style={
                        "background": TYPE_COLOURS[k],
                        "width": f"{2 * TYPE_RADIUS[k] + 2}px",
                        "height": f"{2 * TYPE_RADIUS[k] + 2}px",
                    },
                ),
                html.Span(t(f"type.{k}", lang)),
            ]
        )
        for k in INSTITUTION_TYPES
    ]
    types.append(
        html.Li([html.Span("12", className="ioc-map-cluster-swatch"), html.Span(t("map.legend_cluster", lang))])
    )
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
    code = model.selection.province
    fig = model.figures.get(code) if code else None
    if fig is None:
        return [html.Div(t("map.click_hint", lang), className="ioc-map-info-hint")]
    ind = model.indicator
    value = fmt_percent(fig.value, lang) if fig.value is not None else t("common.no_data", lang)
    rows: list = [
        html.Div(t("map.selected", lang), className="ioc-map-info-head"),
        html.Div(fig.full_name(lang), className="ioc-map-info-name", id="map-info-name"),
        html.Div(
            [
                html.Span(value, className="ioc-map-info-value"),
                html.Span(
                    f" {fmt_number(fig.numerator, lang)}/{fmt_number(fig.denominator, lang)}"
                    if fig.denominator
                    else "",
                    className="ioc-map-info-ratio",
                ),
            ]
        ),
    ]
    for label, st in zip(target_labels(ind, lang), fig.statuses, strict=False):
        rows.append(
            html.Div(
                [html.Span(label, className="ioc-map-info-target"), status_badge(st, lang)],
                className="ioc-map-info-status",
            )
        )
    rows.append(html.Button(t("map.clear", lang), id=MapIds.CLEAR, className="ioc-map-clear", n_clicks=0))
    return rows


def archipelago_markers(labels: list[dict[str, Any]], lang: str) -> list:
    """Permanent labels of Quần đảo Hoàng Sa (TP. Đà Nẵng) and Quần đảo Trường Sa (Khánh Hòa)."""
    out: list = []
    for item in labels:
        # The islands are specks at national zoom; a dot each keeps them visible.
        out += [
            dl.CircleMarker(
                center=[lat, lon],
                radius=2.5,
                interactive=False,
                color="#ffffff",
                weight=1,
                fillColor="#33414f",
                fillOpacity=1,
            )
            for lat, lon in item.get("islands", [])
        ]
        name = item["name_en"] if lang == "en" else item["name"]
        province = province_name(item["code"], lang, full=False)
        html_label = (
            f'<div id="map-archipelago-{item["code"]}"><span class="ioc-archipelago-name">{name}</span>'
            f'<span class="ioc-archipelago-province">({province})</span></div>'
        )
        # Above the northernmost island, so the words never cover the dots; anchored at the label's
        # bottom centre (CSS aligns the text to the bottom whatever the number of lines).
        top = max((lat for lat, _ in item.get("islands", [])), default=item["lat"])
        out.append(
            dl.DivMarker(
                position=[top, item["lon"]],
                iconOptions={
                    "html": html_label,
                    "className": "ioc-archipelago-label",
                    "iconSize": list(LABEL_SIZE),
                    "iconAnchor": [LABEL_SIZE[0] // 2, LABEL_SIZE[1] + 14],
                },
                interactive=False,
                keyboard=False,
            )
        )
    return out


def _js(name: str) -> dict[str, str]:
    return {"variable": f"iocMap.{name}"}


def _points_url(selection: Selection) -> str:
    q = []
    if selection.inst_type:
        q.append(f"type={selection.inst_type}")
    if selection.ownership:
        q.append(f"ownership={selection.ownership}")
    return INSTITUTIONS_URL + ("?" + "&".join(q) if q else "")


def leaflet_map(model: MapModel, lang: str) -> dl.Map:
    layers: list = []
    if model.tile_url:
        layers.append(dl.TileLayer(url=model.tile_url, attribution=model.tile_attribution or ""))
    layers.append(
        dl.GeoJSON(
            id=MapIds.PROVINCES,
            url=f"{PROVINCES_URL}?set={model.level}",
            hideout=provinces_hideout(model.figures, model.indicator, lang, model.selection.province),
            style=_js("provinceStyle"),
            hoverStyle=_js("provinceHover"),
            onEachFeature=_js("provinceEach"),
            attribution=t("map.attribution", lang),
        )
    )
    layers.append(
        dl.Pane(
            name=POINTS_PANE,
            style={"zIndex": 610},
            children=[
                dl.GeoJSON(
                    id=MapIds.POINTS,
                    url=_points_url(model.selection),
                    cluster=True,
                    superClusterOptions={"radius": 56, "maxZoom": 10, "minPoints": 3},
                    zoomToBoundsOnClick=True,
                    pointToLayer=_js("pointToLayer"),
                    clusterToLayer=_js("clusterToLayer"),
                    onEachFeature=_js("pointEach"),
                    hideout=points_hideout(lang),
                )
            ],
        )
    )
    layers.append(
        dl.Pane(
            name="ioc-labels",
            style={"zIndex": 650, "pointerEvents": "none"},
            children=archipelago_markers(model.archipelagos, lang),
        )
    )
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
    return [{"label": t("map.all", lang), "value": ""}] + [
        {"label": t(f"{prefix}.{k}", lang), "value": k} for k in keys
    ]


def _filter(label: str, component_id: str, options: list[dict[str, str]], value: str) -> html.Div:
    """A labelled single-choice filter of the left column ('' = all)."""
    return html.Div(
        className="ioc-map-control",
        children=[
            html.Label(label, htmlFor=component_id),
            dcc.Dropdown(id=component_id, options=options, value=value, clearable=False, searchable=False),
        ],
    )


def controls(model: MapModel, lang: str) -> list:
    """The indicator, date, level and institution filters (left column)."""
    sel = model.selection
    return [
        html.Div(
            className="ioc-map-control",
            children=[
                html.Label(t("common.target", lang), htmlFor=MapIds.INDICATOR),
                dcc.Dropdown(
                    id=MapIds.INDICATOR,
                    options=indicator_options(lang),
                    value=model.indicator.code,
                    clearable=False,
                    searchable=False,
                    optionHeight=52,
                    maxHeight=560,
                ),
                html.Div(t("map.national_only_note", lang), className="ioc-map-note"),
            ],
        ),
        html.Div(
            className="ioc-map-control ioc-map-control-date",
            children=[
                html.Label(
                    [t("common.as_of", lang), " ", html.Strong(fmt_date(model.as_of, lang), id=MapIds.DATE_LABEL)]
                ),
                dcc.Slider(
                    id=MapIds.DATE,
                    min=0,
                    max=len(model.period_ends) - 1,
                    step=1,
                    value=model.date_index,
                    marks=date_marks(model.period_ends, lang),
                    included=True,
                    updatemode="mouseup",
                    allow_direct_input=False,
                ),
            ],
        ),
        html.Div(
            className="ioc-map-control",
            children=[
                html.Label(t("common.level", lang)),
                dcc.RadioItems(
                    id=MapIds.LEVEL,
                    value=model.level,
                    className="ioc-map-radio",
                    options=[
                        {"label": t("common.level34", lang), "value": "34"},
                        {"label": t("common.level63", lang), "value": "63"},
                    ],
                ),
            ],
        ),
        html.Div(
            className="ioc-map-filters",
            children=[
                _filter(
                    t("common.type", lang),
                    MapIds.TYPE,
                    _dropdown_options(INSTITUTION_TYPES, "type", lang),
                    sel.inst_type or "",
                ),
                _filter(
                    t("common.ownership", lang),
                    MapIds.OWNERSHIP,
                    _dropdown_options(OWNERSHIPS, "ownership", lang),
                    sel.ownership or "",
                ),
                _filter(
                    t("map.filter_ready", lang),
                    MapIds.READY,
                    [
                        {"label": t("map.all", lang), "value": ""},
                        {"label": t("map.ready_true", lang), "value": "true"},
                        {"label": t("map.ready_false", lang), "value": "false"},
                    ],
                    "",
                ),
                dcc.Checklist(
                    id=MapIds.SHOW_POINTS,
                    value=["on"],
                    className="ioc-map-check",
                    options=[{"label": t("map.show_points", lang), "value": "on"}],
                ),
            ],
        ),
    ]


def view_state(model: MapModel, lang: str) -> dict[str, Any]:
    """What the page currently shows; a callback whose inputs give the same state changes nothing.

    (Dash 4 inputs report their value once when mounted; this keeps that from costing a restyle.)
    """
    sel = model.selection
    return {
        "snapshot": model.snapshot_id,
        "stale": model.stale,
        "indicator": model.indicator.code,
        "date": model.date_index,
        "level": model.level,
        "province": sel.province,
        "type": sel.inst_type,
        "ownership": sel.ownership,
        "lang": lang,
    }


def _status_words(fig: ProvinceFigure, labels: list[str], lang: str) -> str:
    """'2025: Đạt; 2030: Đúng tiến độ' (words, not colours); '—' for a series not judged."""
    words = [f"{label}: {status_word(st, lang)}" for label, st in zip(labels, fig.statuses, strict=False)]
    return "; ".join(words) or "—"


def province_list(model: MapModel, lang: str) -> list:
    """The map without a pointer: every unit by name (a link to its page), its figure and status, and a
    button selecting it on the map as a click does."""
    labels = target_labels(model.indicator, lang) if model.judged else []
    selected = model.selection.province
    figures = sorted(model.figures.values(), key=lambda f: vi_sort_key(f.name))
    rows = []
    for fig in figures:
        name = fig.full_name(lang)
        ratio = f" ({fmt_number(fig.numerator, lang)}/{fmt_number(fig.denominator, lang)})" if fig.denominator else ""
        rows.append(
            html.Tr(
                className="is-selected" if fig.code == selected else None,
                children=[
                    html.Th(dcc.Link(name, href=f"/province/{fig.code}"), scope="row"),
                    html.Td(
                        fmt_percent(fig.value, lang) + ratio if fig.value is not None else t("common.no_data", lang),
                        className="ioc-num",
                    ),
                    html.Td(_status_words(fig, labels, lang)),
                    html.Td(
                        html.Button(
                            t("map.list_select", lang),
                            id={"type": MapIds.LIST_SELECT, "code": fig.code},
                            className="ioc-linklike ioc-map-list-select",
                            type="button",
                            n_clicks=0,
                            title=f"{t('map.list_select', lang)}: {name}",
                            **{"aria-pressed": "true" if fig.code == selected else "false"},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
                        )
                    ),
                ],
            )
        )
    head = html.Tr(
        [
            html.Th(t("common.province", lang), scope="col"),
            html.Th(f"{model.indicator.code} ({fmt_date(model.as_of, lang)})", scope="col", className="ioc-num"),
            html.Th(t("common.status", lang), scope="col"),
            html.Th(html.Span(t("map.list_select", lang), className="ioc-visually-hidden"), scope="col"),
        ]
    )
    return [html.Table(className="ioc-table ioc-map-list-table", children=[html.Thead(head), html.Tbody(rows)])]


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
                    html.Div(
                        info_panel(model, lang),
                        id=MapIds.INFO,
                        className="ioc-map-card ioc-map-info",
                        **{"aria-live": "polite"},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
                    ),
                ],
            ),
            html.Div(
                className="ioc-map-wrap",
                children=[
                    leaflet_map(model, lang),
                    html.Div(
                        legend(lang, model.located, model.unlocated),
                        id=MapIds.LEGEND,
                        className="ioc-map-overlay ioc-map-legend",
                    ),
                ],
            ),
            html.Section(
                [
                    html.H2(t("map.list_title", lang), id="map-list-title"),
                    html.P(t("map.list_hint", lang), className="ioc-map-note"),
                    # Filled by a callback once the map is drawn (``province_list``).
                    html.Div(id=MapIds.LIST, className="ioc-map-list-scroll"),
                ],
                className="ioc-map-card ioc-map-list",
                **{"aria-labelledby": "map-list-title"},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
            ),
        ],
    )


def no_snapshot(lang: str) -> html.Div:
    return html.Div(className="ioc-unavailable", role="alert", children=t("map.no_snapshot", lang))
