"""The brief's map as a PNG: the 34 provinces coloured on one target, Hoàng Sa and Trường Sa labelled.

Drawn offline with matplotlib from the boundaries shipped in ``geo/data`` (or the operator's official
file), on a figure of its own (no pyplot state, safe in a web worker's threads). A judged target is
coloured by each province's status, with the key naming every status shown (icon and word, never
colour alone); a reference series (T10's map completeness) by its value on one blue scale.
"""

from __future__ import annotations

import io

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from geo.boundaries import load_boundaries
from ioc_app.brief import MapView
from ioc_app.i18n import fmt_percent, t
from ioc_app.map_data import archipelagos
from ioc_app.wording import STATUS_STYLE, status_word

BLANK = "#e6e8eb"  # a unit outside the brief, or without a figure
EDGE = "#ffffff"
EXTENT = (101.8, 117.6, 7.8, 23.6)  # lon, lon, lat, lat: the mainland and both archipelagos
DPI = 150


def shade(value: float) -> str:
    """A share's colour on the blue scale (the lightest blue kept for 0%, so it differs from blank)."""
    return to_hex(colormaps["Blues"](0.15 + 0.85 * min(max(value, 0.0), 1.0)))


def archipelago_names(lang: str) -> list[str]:
    """The archipelagos' names as the map labels them."""
    return [str(a["name_en"] if lang == "en" else a["name"]) for a in archipelagos()]


def map_png(view: MapView, lang: str, boundaries_path: str | None = None) -> bytes:
    """The map of ``view`` as PNG bytes."""
    frame = load_boundaries("34", boundaries_path)
    fig = Figure(figsize=(5.6, 6.4), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(EXTENT[0], EXTENT[1])
    ax.set_ylim(EXTENT[2], EXTENT[3])
    ax.set_aspect(1.0 / 0.96)  # degrees of longitude are shorter than of latitude at these latitudes

    def colour(code: str) -> str:
        value = view.values.get(code)
        if value is None:
            return BLANK
        if view.judged:
            state = view.statuses.get(code)
            return STATUS_STYLE[state][1] if state in STATUS_STYLE else BLANK
        return shade(value)

    frame["colour"] = [colour(str(c)) for c in frame["code"]]
    frame.plot(ax=ax, color=frame["colour"], edgecolor=EDGE, linewidth=0.4)

    for a in archipelagos():
        lats = [p[0] for p in a["islands"]]
        lons = [p[1] for p in a["islands"]]
        ax.scatter(lons, lats, s=1.5, color="#4D5661", zorder=3)
        name = a["name_en"] if lang == "en" else a["name"]
        top = max(lats, default=float(a["lat"]))  # the label above the islands, not on them
        ax.annotate(str(name), (float(a["lon"]), top + 0.35), fontsize=7, ha="center", va="bottom", zorder=4)

    if len(view.values) == 1:  # a province brief: name its province on the map
        code = next(iter(view.values))
        shape = frame[frame["code"] == code]
        if len(shape):
            point = shape.geometry.iloc[0].representative_point()
            ax.annotate(view.names.get(code, code), (point.x, point.y), fontsize=8, ha="left", va="center")

    ax.legend(handles=_key(view, lang), loc="upper right", fontsize=7, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _key(view: MapView, lang: str) -> list[Patch]:
    if view.judged:
        shown = [s for s in STATUS_STYLE if s in set(view.statuses.values())]
        handles = [Patch(color=STATUS_STYLE[s][1], label=f"{STATUS_STYLE[s][0]} {status_word(s, lang)}") for s in shown]
    else:
        handles = [Patch(color=shade(v), label=fmt_percent(v, lang, 0)) for v in (0.0, 0.5, 1.0)]
    return [*handles, Patch(color=BLANK, label=t("common.no_data", lang))]
