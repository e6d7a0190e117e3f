"""The wall display (``/present``): a frame of slots that ``assets/present.js`` rotates, and each slide's body.

Pure functions of the values they are given. Sizes are set by the stylesheet in viewport units
(``assets/present.css``) and charts are SVG drawn in a fixed coordinate box, so one layout fills
1920x1080 and 3840x2160 alike. Status is told by icon, word and colour together, as on the desk.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import dash_leaflet as dl
import dash_svg as svg
from dash import dcc, html

from ioc_app.i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, t
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.registry import get as registry_get
from ioc_app.place_names import province_name
from ioc_app.presentation import (
    BehindSlide,
    ChangesSlide,
    MapSlide,
    OverviewSlide,
    ProvincesSlide,
    SlideSpec,
    TargetPanel,
    TargetsSlide,
)
from ioc_app.target_data import TrajectoryChart
from layouts import chart_text
from layouts.components import STATUS_STYLE, status_word, value_text
from layouts.home import headline_value, judged_and_next, scope_label, targets_text
from layouts.ids import Present
from layouts.map import BREAKS, INITIAL_BOUNDS, PALETTE, PROVINCES_URL, archipelago_markers, provinces_hideout

VIETNAM_OFFSET = dt.timedelta(hours=7)  # the store keeps UTC; Vietnam keeps UTC+7 all year

# Status colours for text on the wall's dark panels: each at least 4.5:1 against them (WCAG AA).
WALL_STATUS = {
    "achieved": "#3ddc97",
    "on_track": "#6cc4f0",
    "at_risk": "#f0b429",
    "off_track": "#ff9a57",
    "missed": "#ff7b7b",
    "no_projection": "#b8c2cf",
    "not_measured": "#b8c2cf",
    "no_data": "#b8c2cf",
}
LINE = "#6cc4f0"
SECOND_LINE = "#3ddc97"
SUPPORT_LINE = "#e59ad0"
TARGET = "#ff9a9a"
MUTED = "#8a96a6"


def _data(**values: Any) -> dict[str, Any]:
    """``data-*`` attributes (Dash takes them as keywords; its stubs do not list them)."""
    return {f"data-{k}": v for k, v in values.items()}


def status_mark(status: str | None, lang: str) -> html.Span:
    status = status if status in STATUS_STYLE else "no_data"
    icon = STATUS_STYLE[status][0]
    return html.Span(
        [html.Span(icon, className="present-status-icon", **{"aria-hidden": "true"}), status_word(status, lang)],  # type: ignore[arg-type]  # aria-* keywords
        className=f"present-status present-status-{status}",
        style={"color": WALL_STATUS[status]},
    )


# --- the frame --------------------------------------------------------------------------------------------


def frame(
    title: str, slides: list[SlideSpec], start: int, playlist: str, lang: str, alert_count: int | None = None
) -> html.Div:
    """The whole page: top bar, one slot per slide (filled and shown by the script), progress, notices.

    ``alert_count``: the open alerts the display may see, shown in the bar when there are some."""
    config = {
        "playlist": playlist,
        "start": start,
        "slides": [s.to_json() for s in slides],
        "texts": {
            "reconnecting": t("present.reconnecting", lang),
            "paused": t("present.paused", lang),
            "revoked": t("present.revoked", lang),
            "forbidden": t("present.forbidden", lang),
            "slide_of": t("present.slide_of", lang),
        },
        "lang": lang,
    }
    return html.Div(
        id=Present.ROOT,
        className="present-root",
        lang=lang,
        # Read by assets/present.js when the frame appears: slides, durations, the start, its texts.
        **_data(config=json.dumps(config, ensure_ascii=False)),
        children=[
            html.Div(
                className="present-bar",
                children=[
                    html.Span(title, className="present-playlist"),
                    html.Span(id=Present.COUNTER, className="present-counter"),
                    html.Span(id=Present.MARK, className="present-mark", role="status"),
                    html.Span(
                        [
                            html.Span(t("common.data_date", lang) + " ", className="present-asof-label"),
                            html.Span(id=Present.ASOF),
                        ],
                        className="present-asof",
                    ),
                    *(
                        [
                            html.Span(
                                t("alerts.open_count", lang).format(count=alert_count),
                                id=Present.ALERTS,
                                className="present-alerts",
                            )
                        ]
                        if alert_count
                        else []
                    ),
                    html.Span(id=Present.CLOCK, className="present-clock"),
                ],
            ),
            html.Div(
                className="present-stage",
                children=[
                    html.Div(t("present.loading", lang), id=Present.LOADING, className="present-loading"),
                    *(slot(i) for i in range(len(slides))),
                ],
            ),
            html.Div(html.Div(id=Present.PROGRESS, className="present-progress-fill"), className="present-progress"),
            html.Div(id=Present.NOTICE, className="present-notice", hidden=True, role="alert"),
        ],
    )


def slot(index: int) -> html.Div:
    return html.Div(
        [
            dcc.Store(id={"type": Present.REQUEST, "index": index}),
            html.Section(id={"type": Present.SLOT, "index": index}, className="present-slot-body"),
        ],
        className="present-slot",
        **_data(index=index),
    )


def message(text: str, lang: str, as_of: dt.date | None = None) -> html.Div:
    """A calm full-screen message (no snapshot yet, an empty playlist): never a blank slide."""
    return html.Div(
        html.P(text, className="present-message"),
        className="present-slide present-slide-message",
        **_data(asof=fmt_date(as_of, lang) if as_of else ""),
    )


def _slide(kind: str, title: Any, as_of: dt.date, lang: str, body: list, extra_class: str = "") -> html.Div:
    return html.Div(
        [html.H2(title, className="present-title"), html.Div(body, className="present-body")],
        className=f"present-slide present-{kind} {extra_class}".strip(),
        **_data(asof=fmt_date(as_of, lang), kind=kind),
    )


def target_title(head: str, ind: Indicator, lang: str) -> list:
    """A slide about one target: what the slide is, then the target named in full on its own line."""
    return [
        head,
        html.Span([html.Span(ind.code, className="present-code"), ind.name(lang)], className="present-subtitle"),
    ]


# --- overview: every target of the scope ---------------------------------------------------------------


def _bar(value: float | None, goal: float | None) -> html.Div:
    """The value as a bar with the next target marked (not shown for milestones)."""
    width = f"{max(0.0, min(1.0, value or 0.0)) * 100:.1f}%"
    children: list = [html.Div(className="present-bar-fill", style={"width": width})]
    if goal is not None:
        children.append(html.Div(className="present-bar-goal", style={"left": f"{goal * 100:.1f}%"}))
    return html.Div(children, className="present-meter", **{"aria-hidden": "true"})  # type: ignore[arg-type]  # aria-* keywords


def tile(panel: Any, lang: str) -> html.Div:
    view = panel.view
    ind: Indicator = view.indicator
    head = view.headline
    status = head.status if head is not None else "no_data"
    value, _detail = headline_value(view, lang)
    _judged, nxt = judged_and_next(view.assessments)
    goal = nxt.target if nxt is not None and ind.kind == "percent" else None
    bar = _bar(view.headline_series.last.get("value"), goal) if ind.kind == "percent" else None
    return html.Div(
        [
            html.Div(
                [html.Span(ind.code, className="present-code"), t(f"sc.short.{ind.code}", lang)],
                className="present-tile-name",
            ),
            html.Div(value, className="present-value" + (" present-value-text" if ind.kind == "milestone" else "")),
            bar,
            status_mark(status, lang),
            html.Div(targets_text(ind, lang, view), className="present-goals"),
        ],
        className=f"present-tile present-tile-{status}",
        style={"borderColor": WALL_STATUS.get(status, MUTED)},
        **_data(code=ind.code),
    )


def overview(data: OverviewSlide, as_of: dt.date, lang: str) -> html.Div:
    title = f"{t('nav.overview', lang)}: {scope_label(data.scope, lang)}"
    return _slide(
        "overview", title, as_of, lang, [html.Div([tile(p, lang) for p in data.panels], className="present-tiles")]
    )


# --- targets in groups: value, verdicts and the trajectory --------------------------------------------------

CHART_W, CHART_H = 900, 300
PAD_L, PAD_R, PAD_T, PAD_B = 96, 20, 16, 48


def _x(d: dt.date, start: dt.date, end: dt.date) -> float:
    span = (end - start).days or 1
    return PAD_L + (CHART_W - PAD_L - PAD_R) * (d - start).days / span


def _y(v: float) -> float:
    return PAD_T + (CHART_H - PAD_T - PAD_B) * (1 - max(0.0, min(1.0, v)))


def _points(dates: list[dt.date], values: list[float | None], start: dt.date, end: dt.date) -> str:
    return " ".join(
        f"{_x(d, start, end):.1f},{_y(v):.1f}" for d, v in zip(dates, values, strict=False) if v is not None
    )


def trajectory_svg(chart: TrajectoryChart, lang: str) -> svg.Svg:
    """The trajectory, the straight paths to each target and the projection band, as scalable SVG."""
    start = dt.date(2021, 12, 31)
    end = dt.date(2030, 12, 31)
    parts: list = []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(share)
        parts.append(svg.Line(x1=PAD_L, x2=CHART_W - PAD_R, y1=y, y2=y, stroke="#2b3648", strokeWidth=1))
        parts.append(
            svg.Text(fmt_percent(share, lang, 0), x=PAD_L - 10, y=y + 10, textAnchor="end", fill=MUTED, fontSize=30)
        )
    for year in (2022, 2024, 2026, 2028, 2030):
        parts.append(
            svg.Text(
                str(year),
                x=_x(dt.date(year, 6, 30), start, end),
                y=CHART_H - 8,
                textAnchor="middle",
                fill=MUTED,
                fontSize=30,
            )
        )
    if chart.fan is not None and chart.fan.dates:
        f = chart.fan
        upper = [(_x(d, start, end), _y(v)) for d, v in zip(f.dates, f.high, strict=True)]
        lower = [(_x(d, start, end), _y(v)) for d, v in zip(f.dates, f.low, strict=True)]
        band = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower[::-1])
        parts.append(svg.Polygon(points=band, fill=LINE, fillOpacity=0.22, stroke="none"))
        parts.append(
            svg.Polyline(
                points=_points(f.dates, list(f.centre), start, end),
                fill="none",
                stroke=LINE,
                strokeWidth=3,
                strokeDasharray="10 8",
            )
        )
    for mark in chart.targets:
        if mark.baseline_date is not None and mark.baseline_value is not None:
            parts.append(
                svg.Polyline(
                    points=_points([mark.baseline_date, mark.deadline], [mark.baseline_value, mark.value], start, end),
                    fill="none",
                    stroke=MUTED,
                    strokeWidth=2,
                    strokeDasharray="4 6",
                )
            )
        x, y = _x(mark.deadline, start, end), _y(mark.value)
        parts.append(
            svg.Polygon(
                points=f"{x:.1f},{y - 11:.1f} {x + 11:.1f},{y:.1f} {x:.1f},{y + 11:.1f} {x - 11:.1f},{y:.1f}",
                fill=TARGET,
                stroke="#0b1220",
                strokeWidth=2,
            )
        )
    colours = {"primary": LINE, "secondary": SECOND_LINE, "supporting": SUPPORT_LINE}
    for line in chart.lines:
        parts.append(
            svg.Polyline(
                points=_points(line.dates, line.values, start, end),
                fill="none",
                stroke=colours.get(line.role, LINE),
                strokeWidth=5,
                strokeLinejoin="round",
            )
        )
    return svg.Svg(
        parts,
        viewBox=f"0 0 {CHART_W} {CHART_H}",
        preserveAspectRatio="xMidYMid meet",
        className="present-chart",
        role="img",
        # The chart in words: its latest value and its change over a year (layouts.chart_text).
        **{"aria-label": chart_text.trend_summary(t("present.chart_label", lang), *_headline(chart), lang)},
    )


def _headline(chart: TrajectoryChart) -> tuple[list[dt.date], list[float | None]]:
    """The dates and values of the chart's first (headline) line; none without a line."""
    return (chart.lines[0].dates, chart.lines[0].values) if chart.lines else ([], [])


def verdict_line(a: Any, lang: str) -> html.Div:
    if a.judged:
        head = t("panel.judged", lang).format(year=a.year)
        figure = "" if a.value is None else fmt_percent(a.value, lang)
    else:
        head = t("panel.projected", lang).format(year=a.year)
        figure = fmt_percent(a.projection.value, lang) if a.projection is not None else ""
    return html.Div(
        [html.Span(f"{head} {figure}".strip(), className="present-verdict-head"), status_mark(a.status, lang)],
        className="present-verdict",
    )


def target_card(item: TargetPanel, lang: str, short: bool = False) -> html.Div:
    view = item.panel.view
    ind = view.indicator
    value, detail = headline_value(view, lang)
    judged, nxt = judged_and_next(view.assessments)
    return html.Div(
        [
            html.Div(
                [
                    html.Span(ind.code, className="present-code"),
                    t(f"sc.short.{ind.code}", lang) if short else ind.name(lang),
                ],
                className="present-card-name",
            ),
            html.Div(
                [
                    html.Div(
                        [html.Div(value, className="present-value"), html.Div(detail, className="present-detail")],
                        className="present-card-figure",
                    ),
                    html.Div(
                        [verdict_line(a, lang) for a in (judged, nxt) if a is not None], className="present-verdicts"
                    ),
                ],
                className="present-card-head",
            ),
            html.Div(trajectory_svg(item.chart, lang), className="present-chart-box"),
        ],
        className="present-card",
        **_data(code=ind.code),
    )


def targets(data: TargetsSlide, as_of: dt.date, lang: str) -> html.Div:
    codes = [i.panel.view.indicator.code for i in data.items]
    title = f"{t('nav.targets', lang)} {codes[0]}–{codes[-1]}" if len(codes) > 1 else codes[0]
    if not data.scope.is_national:
        title += f" · {scope_label(data.scope, lang)}"
    return _slide(
        "targets",
        title,
        as_of,
        lang,
        [
            html.Div(
                [target_card(i, lang, short=len(codes) > 4) for i in data.items],
                className=f"present-cards present-cards-{len(codes)}",
            )
        ],
    )


# --- the map -----------------------------------------------------------------------------------------------


def map_legend(data: MapSlide, lang: str) -> html.Div:
    lower = (0.0, *BREAKS[:-1])
    rows = [
        html.Div(
            [
                html.Span(className="present-swatch", style={"background": colour}),
                f"{fmt_percent(lo, lang, 0)} – {fmt_percent(hi, lang, 0)}",
            ],
            className="present-legend-row",
        )
        for colour, lo, hi in zip(PALETTE, lower, BREAKS, strict=False)
    ]
    ranked = sorted(((f.value, code) for code, f in data.figures.items() if f.value is not None), reverse=True)
    top = [html.Li(f"{province_name(code, lang, full=False)} {fmt_percent(v, lang)}") for v, code in ranked[:5]]
    low = [html.Li(f"{province_name(code, lang, full=False)} {fmt_percent(v, lang)}") for v, code in ranked[-5:][::-1]]
    national = (
        [
            html.Div(t("common.national", lang), className="present-label"),
            html.Div(fmt_percent(data.national.value, lang), className="present-value"),
        ]
        if data.national is not None and data.national.value is not None
        else []
    )
    return html.Div(
        [
            *national,
            html.Div(rows, className="present-legend"),
            html.Div(t("present.highest", lang), className="present-label"),
            html.Ol(top, className="present-list"),
            html.Div(t("present.lowest", lang), className="present-label"),
            html.Ol(low, className="present-list"),
        ],
        className="present-map-side",
    )


def map_slide(data: MapSlide, as_of: dt.date, lang: str, version: int = 0) -> html.Div:
    ind = data.indicator
    # A new id on every load makes a new Leaflet map: updating the old one's bounds in place fails
    # in dash-leaflet, and a fresh map keeps nothing from the last rotation.
    leaflet = dl.Map(
        id=f"present-map-{version}",
        children=[
            dl.GeoJSON(
                url=f"{PROVINCES_URL}?set=34",
                hideout=provinces_hideout(data.figures, ind, lang),
                style={"variable": "iocMap.provinceStyle"},
            ),
            dl.Pane(
                archipelago_markers(data.archipelagos, lang),
                name="present-labels",
                style={"zIndex": 650, "pointerEvents": "none"},
            ),
        ],
        bounds=INITIAL_BOUNDS,
        zoomSnap=0.1,
        zoomControl=False,
        dragging=False,
        scrollWheelZoom=False,
        doubleClickZoom=False,
        touchZoom=False,
        boxZoom=False,
        keyboard=False,  # the presenter's arrow keys move the slides, not the map
        attributionControl=False,
        trackViewport=False,  # nothing listens to the viewport (and tracking it fails without a center)
        className="present-leaflet",
        style={"height": "100%", "width": "100%"},
    )
    title = target_title(t("nav.map", lang), ind, lang)
    return _slide("map", title, as_of, lang, [html.Div(leaflet, className="present-map-box"), map_legend(data, lang)])


# --- the provinces table --------------------------------------------------------------------------------------


def _cell(cell: Any, lang: str) -> html.Td:
    status = cell.status or "no_data"
    icon = STATUS_STYLE.get(status, STATUS_STYLE["no_data"])[0]
    text = fmt_percent(cell.value, lang, 0) if cell.value is not None else "–"
    return html.Td(
        [html.Span(icon, className="present-cell-icon", **{"aria-hidden": "true"}), text],  # type: ignore[arg-type]  # aria-* keywords
        className=f"present-cell present-status-{status}",
        style={"color": WALL_STATUS.get(status, MUTED)},
        title=status_word(status, lang),
    )


def _half(data: ProvincesSlide, units: list[Any], lang: str) -> html.Table:
    head = html.Tr(
        [html.Th(t("common.province", lang), className="present-th-name")]
        + [
            html.Th(html.Span(i.code, className="present-code"), title=t(f"sc.short.{i.code}", lang))
            for i in data.columns
        ]
    )
    rows = [
        html.Tr(
            [html.Th(province_name(u.code, lang, full=False), scope="row", className="present-th-name")]
            + [_cell(data.card.cells[u.code][i.code], lang) for i in data.columns]
        )
        for u in units
    ]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="present-table")


def provinces(data: ProvincesSlide, as_of: dt.date, lang: str) -> html.Div:
    units = sorted(data.card.units, key=lambda u: province_name(u.code, lang, full=False))
    half = (len(units) + 1) // 2
    tables = [_half(data, units[:half], lang)] + ([_half(data, units[half:], lang)] if units[half:] else [])
    key = html.Div(
        [html.Span([html.Span(i.code, className="present-code"), t(f"sc.short.{i.code}", lang)]) for i in data.columns],
        className="present-key",
    )
    legend = html.Div(
        [status_mark(s, lang) for s in ("achieved", "on_track", "at_risk", "off_track", "missed")],
        className="present-status-legend",
    )
    return _slide(
        "provinces",
        t("sc.title", lang),
        as_of,
        lang,
        [html.Div(tables, className="present-tables"), key, legend],
    )


# --- the provinces furthest behind -------------------------------------------------------------------------


def behind(data: BehindSlide, as_of: dt.date, lang: str) -> html.Div:
    ind = data.indicator
    goal = max(ind.targets, key=lambda tg: tg.year)
    rows = []
    for r in data.ranking.table.to_dict("records"):
        status = r["status"] or "no_data"
        rows.append(
            html.Div(
                [
                    html.Span(province_name(str(r["code"]), lang, full=False), className="present-behind-name"),
                    html.Div(_bar(float(r["value"]), goal.value), className="present-behind-bar"),
                    html.Span(fmt_percent(float(r["value"]), lang), className="present-behind-value"),
                    status_mark(status, lang),
                ],
                className="present-behind-row",
                **_data(code=str(r["code"])),
            )
        )
    note = t("present.behind_note", lang).format(
        n=fmt_number(data.ranked, lang), year=goal.year, goal=fmt_percent(goal.value, lang, 0)
    )
    title = target_title(t("present.title.behind", lang), ind, lang)
    body: list[Any] = rows or [html.P(t("common.no_data", lang), className="present-message")]
    return _slide(
        "behind",
        title,
        as_of,
        lang,
        [html.Div(body, className="present-behind"), html.P(note, className="present-note")],
    )


# --- what changed since yesterday and since last week ----------------------------------------------------


def delta_text(change: Any, delta: float | None, earlier: Any, kind: str, lang: str, unit: str = "") -> html.Span:
    """A change as sign, figure and arrow (never by colour alone): '▲ +0,4', '▼ −1 mốc', 'Không đổi'.

    ``unit`` follows a share's figure where no column header names it (' điểm %')."""
    if delta is None:
        return html.Span("–", className="present-delta present-delta-none", title=t("common.no_data", lang))
    if kind == "milestone":
        moved = (change.now.numerator or 0) - (earlier.numerator or 0)
        figure = f"{moved:+d} {t('milestone.of', lang)}".replace("-", "−") if moved else ""
    else:
        moved = round(delta, 1)
        figure = f"{'+' if moved > 0 else '−'}{fmt_number(abs(moved), lang, 1)}{unit}" if moved else ""
    if not moved:
        return html.Span(t("present.changes.unchanged", lang), className="present-delta present-delta-none")
    up = moved > 0
    return html.Span(
        [html.Span("▲" if up else "▼", className="present-delta-icon", **{"aria-hidden": "true"}), figure],  # type: ignore[arg-type]  # aria-* keywords
        className="present-delta " + ("present-delta-up" if up else "present-delta-down"),
    )


def _change_row(change: Any, lang: str) -> html.Tr:
    ind = registry_get(change.code)
    value = value_text(change.now.value, ind.kind, lang, change.now.numerator, change.now.denominator)
    return html.Tr(
        [
            html.Th([html.Span(ind.code, className="present-code"), t(f"sc.short.{ind.code}", lang)], scope="row"),
            html.Td(value, className="present-change-value"),
            html.Td(delta_text(change, change.delta_day, change.day_before, ind.kind, lang)),
            html.Td(delta_text(change, change.delta_week, change.week_before, ind.kind, lang)),
            html.Td(status_mark(change.status, lang)),
        ],
        **_data(code=ind.code),
    )


def _mover_list(title: str, movers: tuple, lang: str) -> list:
    items = [
        html.Li(
            [
                html.Span(province_name(m.code, lang, full=False), className="present-mover-name"),
                delta_text(m, m.delta_week, m.week_before, "percent", lang, f" {t('common.pp', lang)}"),
            ]
        )
        for m in movers
    ]
    return [html.Div(title, className="present-label"), html.Ol(items, className="present-list present-movers")]


def changes(data: ChangesSlide, as_of: dt.date, lang: str) -> html.Div:
    head = html.Tr(
        [
            html.Th(t("common.target", lang)),
            html.Th(t("targets.current", lang)),
            html.Th(f"{t('present.changes.day', lang)} ({t('common.pp', lang)})"),
            html.Th(f"{t('present.changes.week', lang)} ({t('common.pp', lang)})"),
            html.Th(t("common.verdict", lang)),
        ]
    )
    table = html.Table(
        [html.Thead(head), html.Tbody([_change_row(c, lang) for c in data.changes])], className="present-change-table"
    )
    side: list = []
    if data.movers is not None and (data.movers.up or data.movers.down):
        ind = registry_get(data.movers.indicator)
        side = [
            html.Div(
                [html.Span(ind.code, className="present-code"), t(f"sc.short.{ind.code}", lang)],
                className="present-movers-target",
            ),
            *(_mover_list(t("present.changes.movers_up", lang), data.movers.up, lang) if data.movers.up else []),
            *(_mover_list(t("present.changes.movers_down", lang), data.movers.down, lang) if data.movers.down else []),
        ]
    title: Any = t("present.title.changes", lang)
    if not data.scope.is_national:
        title = [title, html.Span(scope_label(data.scope, lang), className="present-subtitle")]
    body = [html.Div(table, className="present-changes-box")]
    if side:
        body.append(html.Div(side, className="present-map-side present-movers-side"))
    return _slide("changes", title, as_of, lang, body)


# --- one slide, whatever its kind ---------------------------------------------------------------------------


def slide(spec: SlideSpec, data: Any, as_of: dt.date, lang: str, version: int = 0, stale: str = "") -> html.Div:
    """The slide of this kind, in a frame that carries the data's staleness ("" when fresh) for the top bar."""
    return html.Div(_body_of(spec, data, as_of, lang, version), className="present-slide-frame", **_data(stale=stale))


def _body_of(spec: SlideSpec, data: Any, as_of: dt.date, lang: str, version: int) -> html.Div:
    if isinstance(data, OverviewSlide):
        return overview(data, as_of, lang)
    if isinstance(data, TargetsSlide):
        return targets(data, as_of, lang)
    if isinstance(data, MapSlide):
        return map_slide(data, as_of, lang, version)
    if isinstance(data, ProvincesSlide):
        return provinces(data, as_of, lang)
    if isinstance(data, BehindSlide):
        return behind(data, as_of, lang)
    if isinstance(data, ChangesSlide):
        return changes(data, as_of, lang)
    raise ValueError(f"no layout for a {spec.kind} slide")


def stale_text(state: dict[str, Any], lang: str) -> str:
    """'⚠ Dữ liệu cũ, từ 09:05 30/11/2026' when the figures are stale (the wall keeps showing them), else ''."""
    if not state.get("stale") or not state.get("refreshed_at"):
        return ""
    refreshed = dt.datetime.fromisoformat(str(state["refreshed_at"])) + VIETNAM_OFFSET
    return f"⚠ {t('fresh.stale_since', lang)} {fmt_datetime(refreshed, lang)}"


def notice_page(text: str, lang: str) -> html.Div:
    """The wall's frame with one message and nothing to rotate (an unknown or refused playlist)."""
    return html.Div(
        html.Div(html.P(text, className="present-message"), className="present-notice"),
        id=Present.ROOT,
        className="present-root",
        lang=lang,
    )
