"""The province scorecard page, and small pieces shared by the province, institution and task pages.

Pure functions of data: no queries, no I/O.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from ioc_app.i18n import fmt_date, fmt_number, t, vi_sort_key  # noqa: F401 - pages sort with it
from ioc_app.indicators import registry
from ioc_app.scorecard import Cell, Unit
from layouts.components import STATUS_STYLE, field, status_badge, status_word, value_text


class ScoreIds(StrEnum):
    TABLE = "sc-table"
    LEVEL = "sc-level"
    TYPE = "sc-type"
    OWNERSHIP = "sc-ownership"
    DOWNLOAD = "sc-download"
    EXPORT_CSV = "sc-export-csv"
    EXPORT_XLSX = "sc-export-xlsx"


# ---------------------------------------------------------------------------------------------
# Shared pieces


def stale_marker(stale: bool, lang: str) -> html.Span | None:
    """A word-and-icon flag on a panel whose figures are past the freshness limit."""
    if not stale:
        return None
    return html.Span(
        f"⚠ {t('fresh.stale', lang)}",
        className="ioc-badge ioc-badge-stale ioc-panel-stale",
        title=t("fresh.stale_hint", lang),
    )


def export_buttons(csv_id: str, xlsx_id: str, lang: str) -> html.Div:
    return html.Div(
        className="ioc-export",
        children=[
            html.Button(f"↓ {t('common.download_csv', lang)}", id=csv_id, n_clicks=0, className="ioc-button"),
            html.Button(f"↓ {t('common.download_xlsx', lang)}", id=xlsx_id, n_clicks=0, className="ioc-button"),
        ],
    )


def status_legend(lang: str) -> html.Div:
    return html.Div(className="ioc-legend", children=[status_badge(s, lang) for s in STATUS_STYLE])


def no_snapshot(lang: str) -> html.Div:
    return html.Div(t("sc.no_snapshot", lang), className="ioc-unavailable", role="status")


def short_name(code: str, lang: str) -> str:
    return t(f"sc.short.{code}", lang)


def sort_arrow(active: bool, descending: bool) -> str:
    if not active:
        return "↕"
    return "▼" if descending else "▲"


def badge_html(status: str | None, lang: str) -> str:
    """The HTML twin of ``components.status_badge``: icon + word on the status colour."""
    status = status if status in STATUS_STYLE else "no_data"
    icon, _colour = STATUS_STYLE[status]
    word = status_word(status, lang)
    return tag(
        "span",
        tag("span", esc(icon), class_="ioc-status-icon", aria_hidden="true")
        + tag("span", esc(word), class_="ioc-status-word"),
        class_=f"ioc-status ioc-status-{status} ioc-st-{status}",
        title=word,
    )


# ---------------------------------------------------------------------------------------------
# The scorecard page


def scorecard_page(lang: str, selection: dict) -> html.Div:
    """The page frame; the table is filled (and refilled on each new snapshot) by a callback."""
    type_options = [{"label": t("common.all_types", lang), "value": ""}] + [
        {"label": t(f"type.{k}", lang), "value": k} for k in ("college", "intermediate", "centre")
    ]
    own_options = [{"label": t("common.all_ownerships", lang), "value": ""}] + [
        {"label": t(f"ownership.{k}", lang), "value": k} for k in ("public", "private", "foreign")
    ]
    return html.Div(
        className="ioc-page ioc-scorecard",
        children=[
            dcc.Download(id=ScoreIds.DOWNLOAD),
            html.Div(
                className="ioc-sc-head",
                children=[
                    html.Div([html.H2(t("sc.title", lang)), html.P(t("sc.intro", lang), className="ioc-sc-intro")]),
                    export_buttons(ScoreIds.EXPORT_CSV, ScoreIds.EXPORT_XLSX, lang),
                ],
            ),
            html.Div(
                className="ioc-sc-controls",
                children=[
                    field(
                        t("common.level", lang),
                        dcc.RadioItems(
                            id=ScoreIds.LEVEL,
                            options=[
                                {"label": t("common.level34", lang), "value": "34"},
                                {"label": t("common.level63", lang), "value": "63"},
                            ],
                            value=selection.get("level") or "34",
                            className="ioc-segmented",
                            inline=True,
                        ),
                        ScoreIds.LEVEL,
                        group=True,
                    ),
                    field(
                        t("common.type", lang),
                        dcc.Dropdown(
                            id=ScoreIds.TYPE,
                            options=type_options,
                            value=selection.get("type") or "",
                            clearable=False,
                            searchable=False,
                            className="ioc-sc-dropdown",
                        ),
                        ScoreIds.TYPE,
                    ),
                    field(
                        t("common.ownership", lang),
                        dcc.Dropdown(
                            id=ScoreIds.OWNERSHIP,
                            options=own_options,
                            value=selection.get("ownership") or "",
                            clearable=False,
                            searchable=False,
                            className="ioc-sc-dropdown",
                        ),
                        ScoreIds.OWNERSHIP,
                    ),
                    status_legend(lang),
                ],
            ),
            dcc.Loading(html.Div(id=ScoreIds.TABLE, className="ioc-sc-table-wrap"), type="dot", delay_show=400),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Large tables are one Markdown component holding escaped HTML: the Dash renderer's cost grows
# much faster than the number of components, and a 63-row table of nested components takes
# seconds to mount. ``<dccLink>`` inside the HTML navigates without reloading the page.


def esc(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def tag(name: str, content: str = "", **attrs: Any) -> str:
    """``<name attrs>content</name>``; ``content`` is HTML already escaped, attribute values are escaped here."""
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = {"class_": "class"}.get(key, key).replace("_", "-")
        parts.append(key if value is True else f'{key}="{esc(value)}"')
    return f"<{' '.join(parts)}>{content}</{name}>"


def link(href: str, content: str, title: str | None = None) -> str:
    return tag("dccLink", content, href=href, title=title)


def html_block(markup: str, class_name: str | None = None, block_id: str | None = None) -> dcc.Markdown:
    """Escaped HTML as one component (no newline: Markdown must keep it one raw HTML block)."""
    kwargs = {"id": block_id} if block_id else {}
    return dcc.Markdown(
        markup.replace("\n", " "),
        dangerously_allow_html=True,
        dedent=False,
        className=class_name,
        **kwargs,  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
    )


def sort_href(path: str, col: str, sort_col: str, desc: bool, default_desc: bool = False) -> str:
    """The link a header points to: the same column again reverses the order."""
    new_desc = (not desc) if col == sort_col else default_desc
    return f"{path}?{urlencode({'sort': col, 'desc': int(new_desc)})}"


def sort_th(
    path: str,
    col: str,
    label: str,
    sort_col: str,
    desc: bool,
    title: str,
    class_name: str = "",
    default_desc: bool = False,
) -> str:
    active = col == sort_col
    arrow = tag("span", esc(sort_arrow(active, desc)), class_="ioc-sort-arrow", aria_hidden="true")
    return tag(
        "th",
        link(
            sort_href(path, col, sort_col, desc, default_desc),
            tag("span", label, class_="ioc-sort-label") + arrow,
            title=title,
        ),
        class_=f"ioc-sort-th {class_name}".strip(),
        aria_sort=("descending" if desc else "ascending") if active else "none",
    )


def cell_html(cell: Cell, lang: str, href: str | None = None, cell_tag: str = "td") -> str:
    """The HTML twin of ``cell_view``: icon + value, status word for screen readers, details in the tooltip."""
    if cell.mode == "national" and cell.value is None:
        inner = tag("span", esc(t("sc.national_only", lang)), class_="ioc-visually-hidden")
        title, cls = t("sc.national_only_hint", lang), "ioc-sc-cell ioc-sc-national-only"
    elif cell.status is None:
        text = value_text(cell.value, cell.kind, lang, cell.numerator, cell.denominator)
        inner = tag("span", "i", class_="ioc-sc-icon ioc-sc-info-icon", aria_hidden="true") + esc(text)
        title = f"{_fraction(cell, lang)} · {t('sc.info', lang)}" if cell.value is not None else t("sc.info_hint", lang)
        cls = "ioc-sc-cell ioc-sc-info"
    else:
        icon, _colour = STATUS_STYLE.get(cell.status, STATUS_STYLE["no_data"])
        word = status_word(cell.status, lang)
        text = "" if cell.value is None else value_text(cell.value, cell.kind, lang, cell.numerator, cell.denominator)
        inner = (
            tag("span", esc(icon), class_="ioc-sc-icon", aria_hidden="true")
            + tag("span", esc(text), class_="ioc-sc-value")
            + tag("span", esc(word), class_="ioc-visually-hidden")
        )
        title = " · ".join(_cell_tip(cell, lang))
        cls = f"ioc-sc-cell ioc-st ioc-st-{cell.status}"
    if href:
        return tag(cell_tag, link(href, inner, title=title), class_=cls)
    return tag(cell_tag, inner, class_=cls, title=title)


def _fraction(cell: Cell, lang: str) -> str:
    return f"{fmt_number(cell.numerator, lang)}/{fmt_number(cell.denominator, lang)}"


def _cell_tip(cell: Cell, lang: str) -> list[str]:
    tip = [status_word(cell.status, lang)]
    if cell.status_year is not None:
        if cell.judged and cell.status_value is not None:
            tip.append(
                t("sc.judged_at", lang).format(
                    year=cell.status_year, value=value_text(cell.status_value, cell.kind, lang)
                )
            )
        else:
            tip.append(t("sc.target_year", lang).format(year=cell.status_year))
    if cell.denominator:
        tip.append(_fraction(cell, lang))
    return tip


def scorecard_table(
    card: Any, ordered_units: list[Unit], lang: str, sort_col: str, desc: bool, selected: str | None, stale: bool
) -> html.Div:
    """The table: header (sort links), national row (sums), one row per unit in the given order (links)."""
    path = "/scorecard"
    sort_title = t("sc.sort_hint", lang)
    head = [
        sort_th(path, "code", esc(t("common.code", lang)), sort_col, desc, sort_title, "ioc-sc-code"),
        sort_th(path, "name", esc(t("common.province", lang)), sort_col, desc, sort_title, "ioc-sc-name"),
    ]
    for ind in registry.INDICATORS:
        hint = ind.name(lang)
        if ind.code == "T10":
            hint += " — " + t("sc.info_hint", lang)
        label = tag("strong", esc(ind.code)) + tag("span", esc(short_name(ind.code, lang)), class_="ioc-sc-short")
        head.append(sort_th(path, ind.code, label, sort_col, desc, f"{ind.code}: {hint} ({sort_title})", "ioc-num"))
    national = tag(
        "tr",
        tag("th", "VN", class_="ioc-sc-code")
        + tag("th", esc(t("common.national", lang)), class_="ioc-sc-name")
        + "".join(cell_html(card.totals[ind.code], lang, cell_tag="th") for ind in registry.INDICATORS),
        class_="ioc-sc-national",
    )
    body = []
    open_title = t("sc.open_province", lang)
    for unit in ordered_units:
        row_cells = card.cells[unit.code]
        cells = (
            tag("td", link(unit.path, esc(unit.code), title=open_title), class_="ioc-sc-code")
            + tag(
                "td",
                link(unit.path, esc(unit.short_name(lang)), title=f"{unit.full_name(lang)} · {open_title}"),
                class_="ioc-sc-name",
            )
            + "".join(cell_html(row_cells[ind.code], lang, href=unit.path) for ind in registry.INDICATORS)
        )
        body.append(
            tag(
                "tr",
                cells,
                class_="ioc-sc-row" + (" ioc-sc-selected" if unit.code == selected else ""),
                data_code=unit.code,
            )
        )
    table = tag(
        "table",
        tag("thead", tag("tr", "".join(head)) + national) + tag("tbody", "".join(body)),
        class_=f"ioc-sc-table ioc-sc-level{card.level}",
        id="sc-grid",
    )
    chips = [t(f"type.{card.inst_type}", lang)] if card.inst_type else []
    chips += [t(f"ownership.{card.ownership}", lang)] if card.ownership else []
    caption: list[Any] = [
        html.Span(f"{t('common.as_of', lang)} {fmt_date(card.as_of, lang)} · {len(card.units)} {t('sc.rows', lang)}"),
    ]
    if chips:
        caption.append(html.Span(f"{t('common.filtered', lang)}: {' · '.join(chips)}", className="ioc-chip"))
    marker = stale_marker(stale, lang)
    if marker is not None:
        caption.append(marker)
    return html.Div(
        [
            html.Div(caption, className="ioc-sc-caption"),
            html_block(tag("div", table, class_="ioc-sc-scroll"), "ioc-sc-block"),
        ]
    )


def export_frame(card: Any, ordered_units: list[Unit], lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows as shown (national row last), per target: value in %, status word, numerator, denominator."""
    rows = []

    def add(code: str, name: str, cells: dict[str, Cell]) -> None:
        row: dict[str, Any] = {"code": code, "name": name}
        for ind in registry.INDICATORS:
            c = cells[ind.code]
            row[f"{ind.code}_value"] = None if c.value is None else round(c.value * 100, 1)
            if c.mode == "national" and c.value is None:
                row[f"{ind.code}_status"] = t("sc.national_only", lang)
            else:
                row[f"{ind.code}_status"] = t("sc.info", lang) if c.status is None else status_word(c.status, lang)
            row[f"{ind.code}_num"] = c.numerator if c.denominator else None
            row[f"{ind.code}_den"] = c.denominator if c.denominator else None
        rows.append(row)

    for unit in ordered_units:
        add(unit.code, unit.short_name(lang), card.cells[unit.code])
    add("VN", t("common.national", lang), card.totals)
    headers = {"code": t("common.code", lang), "name": t("common.province", lang)}
    for ind in registry.INDICATORS:
        label = f"{ind.code} {short_name(ind.code, lang)}"
        headers[f"{ind.code}_value"] = f"{label} – {t('export.part.value', lang)}"
        headers[f"{ind.code}_status"] = f"{label} – {t('export.part.status', lang)}"
        headers[f"{ind.code}_num"] = f"{label} – {t('export.part.numerator', lang)}"
        headers[f"{ind.code}_den"] = f"{label} – {t('export.part.denominator', lang)}"
    frame = pd.DataFrame(rows, columns=list(headers))
    for col in frame.columns:
        if col.endswith(("_num", "_den")):
            frame[col] = frame[col].astype("Int64")
    return frame, headers
