"""Plotly figure builders of the target pages: pure functions of data (the overview's sparklines are
SVG, ``layouts.sparkline``: no plotly bundle there).

Figures are plain plotly JSON dicts ({"data": [...], "layout": {...}}): dcc.Graph takes them as
they are, and building a dict costs microseconds where a validated ``go.Figure`` costs tens of
milliseconds. ``plotly.graph_objects.Figure(fig)`` validates one.
Shares are 0..1 and drawn as percentages; separators follow the language (1.234,5 in Vietnamese).
No geo traces: they would fetch from a CDN.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ioc_app.i18n import fmt_number, fmt_percent, t
from ioc_app.target_data import PRIMARY as PRIMARY_ROLE
from ioc_app.target_data import SECONDARY as SECONDARY_ROLE
from ioc_app.target_data import SUPPORTING as SUPPORTING_ROLE
from ioc_app.target_data import TrajectoryChart
from layouts.components import STATUS_STYLE, status_word

Figure = dict[str, Any]

PRIMARY = "#0b4f8a"
SECONDARY = "#009E73"  # Okabe-Ito bluish green: a second population (T08's colleges and intermediate schools)
SUPPORTING = "#CC79A7"  # Okabe-Ito reddish purple: an informative series, not judged
LINE_COLOURS = {PRIMARY_ROLE: PRIMARY, SECONDARY_ROLE: SECONDARY, SUPPORTING_ROLE: SUPPORTING}
PATH_COLOUR = "#5b6675"
TARGET_COLOUR = "#b3261e"
GRID = "#e3e7ed"
TEXT = "#1b2430"
FONT = '"Segoe UI", "Noto Sans", "Roboto", "Helvetica Neue", Arial, sans-serif'
X_START, X_END = dt.date(2021, 10, 1), dt.date(2031, 3, 1)


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the language."""
    return ".," if lang == "en" else ",."


def graph_config(filename: str) -> dict[str, Any]:
    """dcc.Graph config: PNG download from the modebar (drawn in the browser, works offline)."""
    return {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    }


def graph_style(fig: Figure) -> dict[str, str]:
    """A dcc.Graph's box at the figure's own height: the width follows the page, the height stays."""
    height = fig.get("layout", {}).get("height")
    return {"height": f"{height}px"} if height else {}


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _layout(lang: str, height: int | None, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "separators": separators(lang),
        "font": {"family": FONT, "size": 14, "color": TEXT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "hoverlabel": {"font": {"family": FONT}},
    }
    if height is not None:
        layout["height"] = height
    layout.update(extra)
    return layout


def empty_figure(lang: str, height: int = 240, message: str | None = None) -> Figure:
    """A calm 'no data' figure (never a blank box)."""
    return {
        "data": [],
        "layout": _layout(
            lang,
            height,
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": message or t("common.no_data", lang),
                    "showarrow": False,
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                    "font": {"size": 16, "color": PATH_COLOUR},
                }
            ],
        ),
    }


def _hline(y: float, colour: str, dash: str = "dot", width: float = 1.5) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": colour, "width": width, "dash": dash},
    }


def _vline(x: float, colour: str, dash: str = "dot", width: float = 1.5) -> dict[str, Any]:
    return {
        "type": "line",
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "xref": "x",
        "x0": x,
        "x1": x,
        "line": {"color": colour, "width": width, "dash": dash},
    }


def trajectory_figure(chart: TrajectoryChart, lang: str, height: int = 400) -> Figure:
    """Trajectory against the straight path to each target, with the projection fan to 2030."""
    if not any(v is not None for line in chart.lines for v in line.values):
        return empty_figure(lang, height)
    data: list[dict[str, Any]] = []
    if chart.fan is not None and chart.fan.dates:
        f = chart.fan
        xs = [_iso(d) for d in f.dates]
        data.append(
            {
                "type": "scatter",
                "x": xs + xs[::-1],
                "y": f.high + f.low[::-1],
                "fill": "toself",
                "fillcolor": "rgba(86,180,233,0.28)",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "name": t("chart.band", lang),
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": f.centre,
                "line": {"color": PRIMARY, "width": 2, "dash": "dash"},
                "name": t("chart.projection", lang),
                "hovertemplate": "%{y:.1%}<extra></extra>",
            }
        )
    for mark in chart.targets:
        label = t("chart.target", lang).format(year=mark.year)
        if mark.baseline_date is not None and mark.baseline_value is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [_iso(mark.baseline_date), _iso(mark.deadline)],
                    "y": [mark.baseline_value, mark.value],
                    "line": {"color": PATH_COLOUR, "width": 1.5, "dash": "dot"},
                    "name": t("chart.path", lang).format(year=mark.year),
                    "hoverinfo": "skip",
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [_iso(mark.deadline)],
                "y": [mark.value],
                "text": [label],
                "textposition": "bottom left",
                "showlegend": False,
                "name": label,
                "marker": {
                    "symbol": "diamond",
                    "size": 14,
                    "color": TARGET_COLOUR,
                    "line": {"color": "#fff", "width": 1},
                },
                "textfont": {"color": TARGET_COLOUR, "size": 13},
                "hovertemplate": f"{label}: %{{y:.0%}}<extra></extra>",
            }
        )
    for line in chart.lines:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [_iso(d) for d in line.dates],
                "y": line.values,
                "name": line.name,
                "line": {"color": LINE_COLOURS.get(line.role, PRIMARY), "width": 3.5},
                "hovertemplate": "%{y:.1%}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            lang,
            height,
            margin={"l": 56, "r": 16, "t": 12, "b": 40},
            hovermode="x unified",
            legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0, "font": {"size": 13}},
            yaxis={"range": [0, 1.08], "tickformat": ".0%", "gridcolor": GRID, "zeroline": False, "dtick": 0.25},
            xaxis={"gridcolor": GRID, "dtick": "M12", "tickformat": "%Y", "range": [_iso(X_START), _iso(X_END)]},
        ),
    }


def ranking_figure(
    names: list[str],
    values: list[float],
    statuses: list[str | None],
    lang: str,
    national: float | None = None,
    target: float | None = None,
    highlight: str | None = None,
) -> Figure:
    """Province ranking: one bar per province, coloured by its status, labelled value + icon + word."""
    if not names:
        return empty_figure(lang, 200)
    colours, labels = [], []
    for v, s in zip(values, statuses, strict=True):
        if s is None:
            colours.append(PRIMARY)
            labels.append(fmt_percent(v, lang))
        else:
            icon, colour = STATUS_STYLE.get(s, STATUS_STYLE["no_data"])
            colours.append(colour)
            labels.append(f"{fmt_percent(v, lang)}  {icon} {status_word(s, lang)}")
    ticks = [f"<b>▶ {n}</b>" if n == highlight else n for n in names]
    shapes, annotations = [], []
    if national is not None:
        shapes.append(_vline(national, TEXT, "dash"))
        annotations.append(
            {
                "x": national,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
                "text": f"{t('common.national', lang)} {fmt_percent(national, lang)}",
            }
        )
    if target is not None:
        shapes.append(_vline(target, TARGET_COLOUR))
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": values,
                "y": ticks,
                "marker": {"color": colours},
                "text": labels,
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{y}: %{x:.1%}<extra></extra>",
            }
        ],
        "layout": _layout(
            lang,
            56 + 30 * len(names),
            margin={"l": 8, "r": 16, "t": 26, "b": 24},
            showlegend=False,
            bargap=0.25,
            shapes=shapes,
            annotations=annotations,
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            xaxis={
                "range": [0, 1.65],
                "tickformat": ".0%",
                "gridcolor": GRID,
                "tickvals": [0, 0.25, 0.5, 0.75, 1.0],
                "fixedrange": True,
            },
        ),
    }


def breakdown_figure(
    labels: list[str],
    values: list[float | None],
    numerators: list[int],
    denominators: list[int],
    lang: str,
    target: float | None = None,
) -> Figure:
    """Bars by institution type or ownership, each labelled with its value and numerator/denominator."""
    if not labels:
        return empty_figure(lang, 200)
    text = [
        (
            f"{fmt_percent(v, lang)} ({fmt_number(n, lang)}/{fmt_number(d, lang)})"
            if v is not None
            else t("common.no_data", lang)
        )
        for v, n, d in zip(values, numerators, denominators, strict=True)
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [v or 0 for v in values],
                "y": labels,
                "marker": {"color": PRIMARY},
                "text": text,
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{y}: %{x:.1%}<extra></extra>",
            }
        ],
        "layout": _layout(
            lang,
            60 + 42 * len(labels),
            margin={"l": 8, "r": 16, "t": 8, "b": 24},
            showlegend=False,
            bargap=0.3,
            shapes=[_vline(target, TARGET_COLOUR)] if target is not None else [],
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            xaxis={
                "range": [0, 1.6],
                "tickformat": ".0%",
                "gridcolor": GRID,
                "tickvals": [0, 0.25, 0.5, 0.75, 1.0],
                "fixedrange": True,
            },
        ),
    }
