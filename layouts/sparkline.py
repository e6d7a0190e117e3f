"""The overview's sparklines as SVG paths: twelve small lines need no plotly bundle.

Pure functions of data. A sparkline is drawn on a fixed 0-100% scale (so panels compare at a
glance) over the snapshot's period ends: the trajectory (gaps left open where a month has no
value), the area under it, its last point, and the next target as a dotted line. The drawing
stretches to the panel's width (``preserveAspectRatio="none"``) while strokes keep their width
(``vector-effect: non-scaling-stroke``), so the last point stays round.

The four paths are plain strings: a filter changes only them (the callback sends four ``d``
properties per panel, not a figure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dash_svg as svg

WIDTH, HEIGHT = 300.0, 66.0  # the drawing's own units; the panel sets its width, HEIGHT its height in px
TOP = 3.0  # room for the last point's stroke at 100%
LOW, HIGH = -0.02, 1.06  # the value range drawn (a little below 0 and above 100%)

LINE = "#0b4f8a"
AREA = "rgba(11,79,138,0.12)"
TARGET = "#b3261e"


@dataclass(frozen=True)
class SparkPaths:
    """The ``d`` of each path of a sparkline ('' draws nothing)."""

    line: str
    area: str
    last: str
    target: str


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP) * (HIGH - value) / (HIGH - LOW)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def spark_paths(dates: list[dt.date], values: list[float | None], target: float | None = None) -> SparkPaths:
    """The paths of the trajectory ``values`` at ``dates`` (None: no value that month) and the target line."""
    target_d = f"M0 {_n(_y(target))}H{_n(WIDTH)}" if target is not None else ""
    if not dates:
        return SparkPaths("", "", "", target_d)
    first, span = dates[0].toordinal(), max(dates[-1].toordinal() - dates[0].toordinal(), 1)
    xs = [WIDTH * (d.toordinal() - first) / span for d in dates]
    runs: list[list[tuple[float, float]]] = [[]]
    for x, v in zip(xs, values, strict=True):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, _y(v)))
    runs = [r for r in runs if r]
    if not runs:
        return SparkPaths("", "", "", target_d)
    base = _n(_y(0.0))
    line, area = [], []
    for run in runs:
        points = "L".join(f"{_n(x)} {_n(y)}" for x, y in run)
        line.append(f"M{points}")
        area.append(f"M{_n(run[0][0])} {base}L{points}L{_n(run[-1][0])} {base}Z")
    x, y = runs[-1][-1]
    return SparkPaths("".join(line), "".join(area), f"M{_n(x)} {_n(y)}h0", target_d)


def sparkline(paths: SparkPaths, ids: dict[str, dict[str, str]] | None = None) -> svg.Svg:
    """The sparkline's SVG; ``ids`` names each path ("line", "area", "last", "target") so a callback can
    replace its ``d``."""
    ids = ids or {}

    def path(part: str, d: str, **style: object) -> svg.Path:
        kwargs = {"id": ids[part]} if part in ids else {}
        return svg.Path(d=d, vectorEffect="non-scaling-stroke", **kwargs, **style)

    return svg.Svg(
        viewBox=f"0 0 {_n(WIDTH)} {_n(HEIGHT)}",
        preserveAspectRatio="none",
        className="ov-sparkline",
        style={"width": "100%", "height": f"{HEIGHT:.0f}px", "display": "block"},
        **{"aria-hidden": "true"},
        children=[
            path("area", paths.area, fill=AREA, stroke="none"),
            path("target", paths.target, fill="none", stroke=TARGET, strokeWidth=1.5, strokeDasharray="2 3"),
            path("line", paths.line, fill="none", stroke=LINE, strokeWidth=3, strokeLinejoin="round"),
            path("last", paths.last, fill="none", stroke=LINE, strokeWidth=8, strokeLinecap="round"),
        ],
    )
