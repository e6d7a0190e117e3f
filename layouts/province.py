"""The province page: its 12 targets against the nation, and its institutions' contribution.

Pure functions of data: no queries, no I/O.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from ioc_app.i18n import fmt_number, fmt_percent, t, vi_sort_key
from ioc_app.indicators import registry
from ioc_app.province_view import FLAGS, InstitutionRow, TargetRow
from ioc_app.scorecard import Cell, Unit
from layouts.components import brief_links, status_word, value_text
from layouts.scorecard import (
    badge_html,
    cell_html,
    esc,
    export_buttons,
    html_block,
    link,
    short_name,
    sort_th,
    stale_marker,
    tag,
)
from layouts.situation import paragraph

FLAG_LABELS = {
    "infra": "common.infrastructure",
    "connected": "prov.flag.connected",
    "digital_school": "prov.flag.digital_school",
    "high_quality": "prov.flag.high_quality",
}


class ProvIds(StrEnum):
    UNIT = "prov-unit"
    TARGETS = "prov-targets"
    DRAG = "prov-drag"
    INSTITUTIONS = "prov-institutions"
    FOCUS = "prov-focus"
    TARGETS_CSV = "prov-targets-csv"
    TARGETS_XLSX = "prov-targets-xlsx"
    INST_CSV = "prov-inst-csv"
    INST_XLSX = "prov-inst-xlsx"
    DOWNLOAD = "prov-download"
    SITUATION = "prov-situation"


# ---------------------------------------------------------------------------------------------


def unknown_province(lang: str) -> html.Div:
    return html.Div(
        className="ioc-not-found",
        role="alert",
        children=[
            html.H2(t("prov.unknown", lang)),
            dcc.Link(t("common.back_scorecard", lang), href="/scorecard"),
        ],
    )


def _export_panel(title: str, body_id: str, csv_id: str, xlsx_id: str, lang: str) -> html.Section:
    """A panel whose table a callback fills, with its CSV and Excel downloads in the head."""
    return html.Section(
        className="ioc-panel",
        children=[
            html.Div(className="ioc-panel-head", children=[html.H3(title), export_buttons(csv_id, xlsx_id, lang)]),
            dcc.Loading(html.Div(id=body_id), type="dot", delay_show=400),
        ],
    )


def province_page(unit: Unit, subtitle: str, lang: str, focus_options: list[str], focus: str) -> html.Div:
    """The page frame; the targets and the institutions are filled (and refreshed) by callbacks."""
    return html.Div(
        className="ioc-page ioc-province",
        children=[
            dcc.Store(id=ProvIds.UNIT, data={"level": unit.level, "code": unit.code}),
            dcc.Download(id=ProvIds.DOWNLOAD),
            html.Div(
                className="ioc-prov-head",
                children=[
                    html.H2(unit.full_name(lang), id="prov-name"),
                    html.Span(subtitle, className="ioc-prov-sub"),
                    dcc.Link(t("common.back_scorecard", lang), href="/scorecard", className="ioc-back"),
                    # A brief is of a current province (a legacy unit's page has none).
                    brief_links(unit.code, lang) if unit.level == "34" else None,
                ],
            ),
            paragraph("", ProvIds.SITUATION),  # filled with the targets, by the same callback
            html.Div(
                className="ioc-prov-grid",
                children=[
                    _export_panel(
                        t("prov.targets", lang), ProvIds.TARGETS, ProvIds.TARGETS_CSV, ProvIds.TARGETS_XLSX, lang
                    ),
                    html.Section(
                        className="ioc-panel",
                        children=[
                            html.Div(
                                className="ioc-panel-head",
                                children=[
                                    html.H3(t("prov.drag_title", lang)),
                                    html.Div(
                                        className="ioc-focus-controls",
                                        children=[
                                            html.Label(t("prov.focus", lang), htmlFor=ProvIds.FOCUS),
                                            dcc.Dropdown(
                                                id=ProvIds.FOCUS,
                                                value=focus,
                                                clearable=False,
                                                searchable=False,
                                                options=[
                                                    {"label": f"{c} · {short_name(c, lang)}", "value": c}
                                                    for c in focus_options
                                                ],
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                            html.P(t("prov.drag_intro", lang), className="ioc-note"),
                            html.Div(id=ProvIds.DRAG),
                        ],
                    ),
                ],
            ),
            _export_panel(
                t("prov.institutions", lang), ProvIds.INSTITUTIONS, ProvIds.INST_CSV, ProvIds.INST_XLSX, lang
            ),
        ],
    )


def _diff(province: Cell, national: Cell, lang: str) -> str:
    if province.value is None or national.value is None or province.kind != "percent":
        return ""
    diff = (province.value - national.value) * 100
    if abs(diff) < 0.05:
        return tag("span", "= 0", class_="ioc-muted")
    sign, cls = ("▲ +", "ioc-delta-up") if diff > 0 else ("▼ −", "ioc-delta-down")
    return tag("span", esc(f"{sign}{fmt_number(abs(diff), lang, 1)} {t('common.pp', lang)}"), class_=cls)


def _status_html(cell: Cell, lang: str) -> str:
    if cell.mode == "national" and cell.value is None:
        return tag("span", esc(t("sc.national_only", lang)), class_="ioc-muted", title=t("sc.national_only_hint", lang))
    if cell.status is None:
        return tag("span", esc(t("sc.info", lang)), class_="ioc-muted", title=t("sc.info_hint", lang))
    return badge_html(cell.status, lang)


def _caption(parts: list[Any]) -> html.Div | None:
    parts = [p for p in parts if p is not None]
    return html.Div(parts, className="ioc-sc-caption") if parts else None


def targets_table(rows: list[TargetRow], lang: str, stale: bool, filters: list[str]) -> html.Div:
    """The province's cell, status, national cell, difference and rank on each of the 12 targets."""
    head = tag(
        "tr",
        tag("th", esc(t("common.target", lang)), colspan="2")
        + tag("th", esc(t("common.value", lang)), class_="ioc-num")
        + tag("th", esc(t("common.status", lang)))
        + tag("th", esc(t("common.national", lang)), class_="ioc-num")
        + tag("th", esc(t("prov.col_diff", lang)), class_="ioc-num")
        + tag("th", esc(t("prov.col_rank", lang)), class_="ioc-num"),
    )
    body = []
    for r in rows:
        ind = registry.get(r.code)
        rank = f"{r.rank}/{r.ranked}" if r.rank is not None else "—"
        body.append(
            tag(
                "tr",
                tag("td", esc(r.code), class_="ioc-code")
                + tag("td", esc(short_name(r.code, lang)), title=ind.name(lang), class_="ioc-target-name")
                + cell_html(r.province, lang)
                + tag("td", _status_html(r.province, lang))
                + cell_html(r.national, lang)
                + tag("td", _diff(r.province, r.national, lang), class_="ioc-num")
                + tag("td", esc(rank), class_="ioc-num"),
                data_code=r.code,
            )
        )
    table = tag(
        "table",
        tag("thead", head) + tag("tbody", "".join(body)),
        class_="ioc-table ioc-sc-table ioc-prov-targets",
        id="prov-targets-table",
    )
    chips: list[Any] = []
    if filters:
        chips.append(html.Span(f"{t('common.filtered', lang)}: {' · '.join(filters)}", className="ioc-chip"))
    chips.append(stale_marker(stale, lang))
    return html.Div([_caption(chips), html_block(table, "ioc-sc-block")])


def province_gap(cell: Cell) -> int:
    """What the province still lacks on a target: its denominator minus its numerator."""
    return max(cell.denominator - cell.numerator, 0)


def drag_list(rows: list[InstitutionRow], focus: str, province_cell: Cell, lang: str, top: int = 8) -> Any:
    """The institutions with the most still to do on the focus target, with their share of the province gap.

    The share is of the province's own gap: records kept at province level (inspections of the
    province, its own reports) belong to no institution, so the shares may add up to less than 100%.
    """
    with_gap = [r for r in rows if (r.shortfall(focus) or 0) > 0]
    total = province_gap(province_cell)
    if not with_gap or not total:
        return html.P(t("prov.drag_none", lang), className="ioc-note")
    with_gap.sort(key=lambda r: (-(r.shortfall(focus) or 0), vi_sort_key(r.name)))
    items = []
    for r in with_gap[:top]:
        gap = r.shortfall(focus) or 0
        share = gap / total
        bar = tag("div", tag("span", "", style=f"width:{share * 100:.1f}%"), class_="ioc-bar")
        items.append(
            tag(
                "tr",
                tag("td", link(f"/institution/{r.id}", esc(r.name)), class_="ioc-inst-name")
                + tag("td", esc(value_text(r.value(focus), "percent", lang)), class_="ioc-num")
                + tag("td", esc(fmt_number(gap, lang)), class_="ioc-num")
                + tag("td", esc(fmt_percent(share, lang)) + bar, class_="ioc-num ioc-share"),
            )
        )
    head = tag(
        "tr",
        tag("th", esc(t("prov.col_name", lang)))
        + tag("th", esc(focus), class_="ioc-num")
        + tag("th", esc(t("prov.col_short", lang)), class_="ioc-num")
        + tag("th", esc(t("prov.col_share", lang)), class_="ioc-num"),
    )
    block = html_block(
        tag(
            "table",
            tag("thead", head) + tag("tbody", "".join(items)),
            class_="ioc-table ioc-drag-table",
            id="prov-drag-table",
        ),
        "ioc-sc-block",
    )
    outside = total - sum(r.shortfall(focus) or 0 for r in with_gap)
    if outside > 0:
        return html.Div(
            [
                block,
                html.P(
                    t("prov.drag_outside", lang).format(share=fmt_percent(outside / total, lang)), className="ioc-note"
                ),
            ]
        )
    return block


def _flags_html(flags: dict[str, bool], lang: str) -> str:
    chips = []
    for key in FLAGS:
        on = flags.get(key, False)
        if key == "high_quality" and not on:
            continue
        chips.append(
            tag(
                "span",
                esc(("✔ " if on else "✖ ") + t(FLAG_LABELS[key], lang)),
                class_="ioc-flag-chip " + ("ioc-flag-yes" if on else "ioc-flag-no"),
                title=f"{t(f'prov.flag.{key}_hint', lang)}: {t('prov.yes' if on else 'common.not_yet', lang)}",
            )
        )
    return tag("div", "".join(chips), class_="ioc-flags")


def institutions_table(
    rows: list[InstitutionRow],
    codes: list[str],
    focus: str,
    province_cells: dict[str, Cell],
    path: str,
    lang: str,
    sort_col: str,
    desc: bool,
    closed: int,
    stale: bool,
    total: int | None = None,
    page: int = 1,
    pages: int = 1,
    page_size: int = 0,
) -> html.Div | html.P:
    """A page of the institutions in the scope (``rows``, of ``total`` in all): readiness flags, the focus
    target's gap, its value on each target; links to the other pages below it."""
    if not rows:
        return html.P(t("prov.no_institutions", lang), className="ioc-note")
    total = len(rows) if total is None else total
    total_gap = province_gap(province_cells[focus])
    hint = t("sc.sort_hint", lang)

    def th(col: str, label: str, numeric: bool = True, title: str | None = None) -> str:
        return sort_th(
            path,
            col,
            label,
            sort_col,
            desc,
            title or hint,
            "ioc-num" if numeric else "",
            default_desc=col not in ("name", "type", "ownership"),
        )

    def sub(label: str) -> str:
        return tag("strong", esc(focus)) + tag("span", esc(label), class_="ioc-sc-short")

    head = (
        th("name", esc(t("prov.col_name", lang)), False)
        + th("type", esc(t("common.type", lang)), False)
        + th("ownership", esc(t("common.ownership", lang)), False)
        + tag("th", esc(t("prov.col_readiness", lang)))
        + th("done", sub(t("prov.col_done", lang)))
        + th("short", sub(t("prov.col_short", lang)))
        + th("share", sub(t("prov.col_share", lang)))
        + "".join(th(c, tag("strong", esc(c)), title=f"{c}: {registry.get(c).name(lang)} ({hint})") for c in codes)
    )
    body = []
    for r in rows:
        num, den = r.cells.get(focus, (0, 0))
        gap = r.shortfall(focus)
        cells = []
        for c in codes:
            v = r.value(c)
            ref = province_cells[c].value
            below = v is not None and ref is not None and v < ref - 1e-9
            n, d = r.cells.get(c, (0, 0))
            text = esc(value_text(v, "percent", lang)) if v is not None else "—"
            if below:
                text += tag("span", " ↓", class_="ioc-flag")
            cells.append(
                tag(
                    "td",
                    text,
                    class_="ioc-num" + (" ioc-below" if below else ""),
                    title=f"{fmt_number(n, lang)}/{fmt_number(d, lang)}" if d else None,
                )
            )
        body.append(
            tag(
                "tr",
                tag("td", link(f"/institution/{r.id}", esc(r.name)), class_="ioc-inst-name")
                + tag("td", esc(t(f"prov.type_short.{r.type}", lang)))
                + tag("td", esc(t(f"ownership.{r.ownership}", lang)))
                + tag("td", _flags_html(r.flags, lang), class_="ioc-flags-cell")
                + tag("td", esc(f"{fmt_number(num, lang)}/{fmt_number(den, lang)}") if den else "—", class_="ioc-num")
                + tag("td", esc(fmt_number(gap, lang)) if gap is not None else "—", class_="ioc-num")
                + tag("td", esc(fmt_percent(gap / total_gap, lang)) if gap and total_gap else "—", class_="ioc-num")
                + "".join(cells),
                data_id=r.id,
            )
        )
    caption: list[Any] = [html.Span(t("prov.institutions_count", lang).format(open=fmt_number(total, lang)))]
    if closed:
        caption.append(html.Span(t("prov.closed_count", lang).format(closed=fmt_number(closed, lang))))
    caption.append(html.Span(t("prov.below_hint", lang), className="ioc-below ioc-chip"))
    caption.append(stale_marker(stale, lang))
    table = tag(
        "table",
        tag("thead", tag("tr", head)) + tag("tbody", "".join(body)),
        class_="ioc-table ioc-inst-table",
        id="prov-inst-table",
    )
    first = (page - 1) * page_size + 1
    pager = pager_html(path, sort_col, desc, page, pages, first, first + len(rows) - 1, lang) if pages > 1 else ""
    return html.Div(
        [_caption(caption), html_block(tag("div", table, class_="ioc-inst-scroll") + pager, "ioc-sc-block")]
    )


def pager_html(path: str, sort_col: str, desc: bool, page: int, pages: int, first: int, last: int, lang: str) -> str:
    """'‹ Trang trước · Trang 2/7 · cơ sở 41–80 · Trang sau ›': links that keep the table's order."""

    def href(n: int) -> str:
        return f"{path}?{urlencode({'sort': sort_col, 'desc': int(desc), 'page': n})}"

    where = t("prov.page_of", lang).format(
        page=fmt_number(page, lang),
        pages=fmt_number(pages, lang),
        first=fmt_number(first, lang),
        last=fmt_number(last, lang),
    )
    parts = [link(href(page - 1), esc(t("common.page_previous", lang))) if page > 1 else ""]
    parts.append(tag("span", esc(where), class_="ioc-pager-where"))
    parts.append(link(href(page + 1), esc(t("common.page_next", lang))) if page < pages else "")
    return tag("nav", "".join(parts), class_="ioc-pager", id="prov-inst-pager", aria_label=where)


# ---------------------------------------------------------------------------------------------
# Exports


def targets_export(unit: Unit, rows: list[TargetRow], lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    records = []
    for r in rows:
        ind = registry.get(r.code)
        p, n = r.province, r.national
        records.append(
            {
                "province": unit.full_name(lang),
                "code": r.code,
                "target": ind.name(lang),
                "value": None if p.value is None else round(p.value * 100, 1),
                "status": "" if p.status is None else status_word(p.status, lang),
                "numerator": p.numerator if p.denominator else None,
                "denominator": p.denominator if p.denominator else None,
                "national_value": None if n.value is None else round(n.value * 100, 1),
                "national_status": "" if n.status is None else status_word(n.status, lang),
                "rank": f"{r.rank}/{r.ranked}" if r.rank is not None else None,
            }
        )
    headers = {
        "province": t("common.province", lang),
        "code": t("common.code", lang),
        "target": t("common.target", lang),
        "value": t("prov.export.province_value", lang),
        "status": t("common.status", lang),
        "numerator": t("common.numerator", lang),
        "denominator": t("common.denominator", lang),
        "national_value": t("prov.export.national_value", lang),
        "national_status": t("prov.export.status_national", lang),
        "rank": t("prov.col_rank", lang),
    }
    frame = pd.DataFrame(records, columns=list(headers))
    for c in ("numerator", "denominator"):
        frame[c] = frame[c].astype("Int64")
    return frame, headers


def institutions_export(rows: list[InstitutionRow], codes: list[str], lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    records = []
    for r in rows:
        rec: dict[str, Any] = {
            "id": r.id,
            "code": r.code,
            "name": r.name,
            "type": t(f"prov.type_short.{r.type}", lang),
            "ownership": t(f"ownership.{r.ownership}", lang),
        }
        for key in FLAGS:
            rec[f"flag_{key}"] = t("prov.yes" if r.flags.get(key) else "common.not_yet", lang)
        for c in codes:
            num, den = r.cells.get(c, (0, 0))
            rec[f"{c}_value"] = round(num / den * 100, 1) if den else None
            rec[f"{c}_num"] = num if den else None
            rec[f"{c}_den"] = den if den else None
        records.append(rec)
    headers = {
        "id": t("prov.export.id", lang),
        "code": t("common.institution_code", lang),
        "name": t("prov.col_name", lang),
        "type": t("common.type", lang),
        "ownership": t("common.ownership", lang),
    }
    headers.update({f"flag_{k}": t(f"prov.flag.{k}_hint", lang) for k in FLAGS})
    for c in codes:
        label = f"{c} {short_name(c, lang)}"
        headers[f"{c}_value"] = f"{label} – {t('export.part.value', lang)}"
        headers[f"{c}_num"] = f"{label} – {t('export.part.numerator', lang)}"
        headers[f"{c}_den"] = f"{label} – {t('export.part.denominator', lang)}"
    frame = pd.DataFrame(records, columns=list(headers))
    for col in frame.columns:
        if col.endswith(("_num", "_den")):
            frame[col] = frame[col].astype("Int64")
    return frame, headers


def kind_text(is_city: bool, lang: str) -> str:
    """A centrally-run city or a province, in the page's language."""
    return t("prov.kind.city", lang) if is_city else t("prov.kind.province", lang)


def subtitle_34(is_city: bool, merged_names: list[str], lang: str) -> str:
    """The unit's kind and what it was merged from (short names: a list)."""
    if len(merged_names) <= 1:
        return f"{kind_text(is_city, lang)} · {t('prov.not_merged', lang)}"
    return f"{kind_text(is_city, lang)} · {t('prov.merged_from', lang)}: {', '.join(merged_names)}"


def subtitle_63(current_name: str, lang: str) -> str:
    """A legacy unit and the current unit it is now part of (named in full)."""
    return f"{t('common.legacy_province', lang)} · {t('prov.now_part_of', lang)}: {current_name}"
