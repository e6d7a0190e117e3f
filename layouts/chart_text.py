"""Text alternatives of the charts (WCAG 1.1.1): a summary line (what a chart shows, its latest value,
its trend) and the data table behind it, folded in a ``<details>`` ("Xem bảng số liệu").

Pure functions of the same values the charts are drawn from; numbers and dates are formatted in the
page's language (1.234,5 and 31/12/2025 in Vietnamese).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dash import html

from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t
from layouts.scorecard import esc, html_block, tag

FLAT = 0.0005  # under 0.05 percentage points: unchanged


def points(diff: float, lang: str) -> str:
    """A difference of shares in percentage points, without its sign: '3,1 điểm %'."""
    return f"{fmt_number(abs(diff) * 100, lang, 1)} {t('common.pp', lang)}"


def year_before(d: dt.date) -> dt.date:
    """The same day a year earlier (28 February for a 29th)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def trend_summary(what: str, dates: Sequence[dt.date], values: Sequence[float | None], lang: str) -> str:
    """'T01 · ...: 45,2% tại 30/11/2026, tăng 3,1 điểm % so với 31/10/2025' from a series of shares: the
    latest value and its change since the last value a year or more before (or since the first value)."""
    known = [(d, v) for d, v in zip(dates, values, strict=True) if v is not None]
    if not known:
        return t("chart.summary_no_data", lang).format(what=what)
    last_date, last = known[-1]
    earlier = [(d, v) for d, v in known if d <= year_before(last_date)] or known[:1]
    since_date, since = earlier[-1]
    line = t("chart.summary_latest", lang).format(
        what=what, value=fmt_percent(last, lang), date=fmt_date(last_date, lang)
    )
    if since_date == last_date:
        return line
    diff = last - since
    key = "chart.trend_flat" if abs(diff) < FLAT else "chart.trend_up" if diff > 0 else "chart.trend_down"
    return f"{line}, {t(key, lang).format(diff=points(diff, lang), date=fmt_date(since_date, lang))}"


def data_table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    lang: str,
    numeric_from: int = 1,
) -> html.Details:
    """The chart's figures as a real table, folded: headers are column headings, the first cell of each
    row its row heading; cells from ``numeric_from`` on are right-aligned figures.

    The table is one block of escaped HTML, not a component per cell: a tree of components would cost
    far more to build and to send. (The overview's short panel tables are drawn in the browser when
    opened: ``callbacks.home.SPARK_TABLE_JS``, the same table.)"""
    table = _markup_table(caption, headers, rows, numeric_from)
    return html.Details(className="ioc-chart-data", children=[html.Summary(t("chart.show_table", lang)), table])


def _markup_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric_from: int) -> Any:
    head = tag("tr", "".join(tag("th", esc(h), scope="col") for h in headers))
    # Cells written directly (a long table has thousands): the same markup ``tag`` writes, built faster.
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{esc(cell)}</th>'
            if i == 0
            else f'<td class="ioc-num">{esc(cell)}</td>'
            if i >= numeric_from
            else f"<td>{esc(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    table = tag(
        "table", tag("caption", esc(caption)) + tag("thead", head) + tag("tbody", body), class_="ioc-chart-table"
    )
    return html_block(table, "ioc-chart-data-scroll")


def year_ends(dates: Sequence[dt.date]) -> list[int]:
    """The positions of each year's last date and of the latest date: a long series in a few rows."""
    last_of_year = {d.year: i for i, d in enumerate(dates)}
    return sorted(set(last_of_year.values()) | ({len(dates) - 1} if dates else set()))


def series_rows(dates: Sequence[dt.date], columns: Sequence[Sequence[float | None]], lang: str) -> list[list[str]]:
    """One row per date: the date and each series' share at it ('—' where a series has no value)."""
    return [[fmt_date(d, lang), *[fmt_percent(col[i], lang) for col in columns]] for i, d in enumerate(dates)]


def figure(chart: Any, summary: str, table: html.Details | None, summary_id: str | None = None) -> html.Figure:
    """A chart with its summary line as the caption and its data table (if not already on the page) under it."""
    caption = (
        html.Figcaption(summary, className="ioc-chart-summary", id=summary_id)
        if summary_id
        else html.Figcaption(summary, className="ioc-chart-summary")
    )
    return html.Figure(className="ioc-chart", children=[chart, caption, *([table] if table is not None else [])])
