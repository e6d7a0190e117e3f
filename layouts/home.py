"""The national overview (home page): filters, the network at a glance and one panel per target.

Pure functions of data: the callbacks hand over indicator views and counts read from the snapshot.
The filter bar is shared with the target pages (same IDs, one set of callbacks).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import pandas as pd
from dash import dcc, html, no_update

from geo import provinces as geo_provinces
from ioc_app.i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, t
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, OWNERSHIPS, Scope
from ioc_app.indicators.status import Assessment
from ioc_app.kpis import IndicatorView
from ioc_app.overview import Freshness, NetworkCounts, OverviewPage, PanelData
from ioc_app.place_names import place_name
from ioc_app.situation import ScopeSituation
from ioc_app.sources import VET, SourceAge
from ioc_app.wording import headline_value as headline_value  # shared with the printed brief
from ioc_app.wording import scope_label as scope_label
from layouts import chart_text
from layouts.components import STATUS_STYLE, brief_links, export_header, field, status_badge, status_word
from layouts.situation import paragraph, scope_paragraph, scope_words
from layouts.sparkline import SparkPaths, spark_paths, sparkline

VIETNAM_UTC_OFFSET = dt.timedelta(hours=7)


class Filters(StrEnum):
    """The shared filter bar (overview and target pages)."""

    BAR = "filters-bar"
    LEVEL = "filters-level"
    PROVINCE = "filters-province"
    TYPE = "filters-type"
    OWNERSHIP = "filters-ownership"
    TOGGLE = "filters-toggle"  # phones: shows and hides the fields
    FIELDS = "filters-fields"


class Home(StrEnum):
    PAGE = "home-page"
    NETWORK = "home-network"
    PANELS = "home-panels"
    ASOF = "network-data-date"
    EXPORT_CSV = "home-export-csv"
    EXPORT_XLSX = "home-export-xlsx"
    DOWNLOAD = "home-download"
    SITUATION = "home-situation"
    ALERTS = "home-alerts"
    SCOPE = "home-scope-label"
    NETWORK_STALE = "home-network-stale"
    SHOWN = "home-shown"  # what the page shows: the snapshot, its staleness and the selection


class Part(StrEnum):
    """The parts of the panels and tiles a new scope or snapshot changes, one id per panel (``part_id``):
    a filter sends these properties, not the panels."""

    FRAME = "ov-frame"
    VALUE = "ov-value"
    DETAIL = "ov-detail"
    TAGS = "ov-tags"
    TARGETS = "ov-targets"
    GAP = "ov-gap"
    VERDICTS = "ov-verdicts"
    SOURCES = "ov-sources"
    SPARK_LINE = "ov-spark-line"
    SPARK_AREA = "ov-spark-area"
    SPARK_LAST = "ov-spark-last"
    SPARK_TARGET = "ov-spark-target"
    SPARK_TEXT = "ov-spark-text"  # the sparkline in words (read with the panel's link)
    SPARK_TABLE = "ov-spark-table"  # the sparkline's figures (a table folded under the panel)
    SPARK_FOLD = "ov-spark-fold"  # the fold (<details>) the table opens from
    SPARK_BODY = "ov-spark-body"  # where the table is drawn, once the fold is first opened
    SPARK_ROWS = "ov-spark-rows"  # the table's caption, headings and rows (a store)
    STAT = "ov-stat"


def panel_id(code: str) -> str:
    return f"home-panel-{code}"


def part_id(part: Part, code: str) -> dict[str, str]:
    return {"type": part, "code": code}


# --- small helpers --------------------------------------------------------------------------------


def stale_tags(stale: bool, lang: str) -> list:
    return [stale_marker(lang)] if stale else []


def stale_marker(lang: str) -> html.Span:
    return html.Span(
        f"⚠ {t('fresh.stale', lang)}",
        className="ioc-badge ioc-badge-stale ov-stale-marker",
        title=t("fresh.stale_hint", lang),
    )


def points_text(value: float | None, lang: str) -> str:
    """A difference of shares in percentage points: '12,3 điểm %'."""
    return f"{fmt_number((value or 0) * 100, lang, 1)} {t('common.pp', lang)}"


def targets_text(indicator: Indicator, lang: str, view: IndicatorView | None = None) -> str:
    """'50% (2025) · 100% (2030)'; milestones count cumulatively: '1/2 mốc (2025) · 2/2 mốc (2030)'."""
    parts = []
    if indicator.kind == "milestone" and view is not None:
        per_series = {
            s.key: int(view.series[s.key].last["denominator"]) for s in indicator.series if s.key in view.series
        }
        total, done = sum(per_series.values()), 0
        for target in sorted(indicator.targets, key=lambda x: x.year):
            done += per_series.pop(target.series, 0)
            parts.append(
                f"{fmt_number(done, lang)}/{fmt_number(total, lang)} {t('milestone.of', lang)} ({target.year})"
            )
        return " · ".join(parts)
    for target in indicator.targets:
        if indicator.kind == "milestone":
            parts.append(f"{t('milestone.done', lang)} ({target.year})")
        else:
            prefix = "≥ " if target.at_least else ""
            parts.append(f"{prefix}{fmt_percent(target.value, lang, 0)} ({target.year})")
    return " · ".join(parts)


def province_options(level: str, lang: str, only: frozenset[str] | None = None) -> list[dict[str, str]]:
    """Short names ('TP. Hà Nội', 'Cao Bằng'), in the order of the bare names; ``only`` the units a
    province user may read (None: all)."""
    units: tuple[geo_provinces.Province | geo_provinces.LegacyProvince, ...] = (
        geo_provinces.legacy_provinces() if level == "63" else geo_provinces.provinces()
    )
    return [
        {"label": place_name(p.name, p.is_city, lang, full=False), "value": p.code}
        for p in sorted(units, key=lambda p: _sort_key(p.name))
        if only is None or p.code in only
    ]


def _sort_key(name: str) -> str:
    # Vietnamese order is close enough to the order of the names without diacritics.
    import unicodedata

    return unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d")).encode("ascii", "ignore").decode()


def filter_bar(
    selection: dict[str, Any], lang: str, extra: list | None = None, only: frozenset[str] | None = None
) -> html.Div:
    """Level (34/63), province, type and ownership: they write the shared selection. Each has a visible
    label; on a phone the fields fold behind a button (assets/a11y.js opens and closes them)."""
    level = selection.get("level") or "34"
    fields = [
        field(
            t("common.level", lang),
            dcc.RadioItems(
                id=Filters.LEVEL,
                className="ov-level-toggle",
                options=[
                    {"label": t("filter.level34", lang), "value": "34"},
                    {"label": t("filter.level63", lang), "value": "63"},
                ],
                value=level,
                inline=True,
                inputClassName="ov-level-input",
                labelClassName="ov-level-label",
            ),
            Filters.LEVEL,
            group=True,
        ),
        field(
            t("common.province", lang),
            dcc.Dropdown(
                id=Filters.PROVINCE,
                className="ov-filter ov-filter-province",
                options=province_options(level, lang, only),
                value=selection.get("province"),
                placeholder=t("common.national", lang),
                clearable=True,
                searchable=True,
            ),
            Filters.PROVINCE,
        ),
        field(
            t("common.type", lang),
            dcc.Dropdown(
                id=Filters.TYPE,
                className="ov-filter",
                options=[{"label": t(f"type.{k}", lang), "value": k} for k in INSTITUTION_TYPES],
                value=selection.get("type"),
                placeholder=t("common.all_types", lang),
                clearable=True,
                searchable=False,
            ),
            Filters.TYPE,
        ),
        field(
            t("common.ownership", lang),
            dcc.Dropdown(
                id=Filters.OWNERSHIP,
                className="ov-filter",
                options=[{"label": t(f"ownership.{k}", lang), "value": k} for k in OWNERSHIPS],
                value=selection.get("ownership"),
                placeholder=t("common.all_ownerships", lang),
                clearable=True,
                searchable=False,
            ),
            Filters.OWNERSHIP,
        ),
        *(extra or []),
    ]
    return html.Div(
        id=Filters.BAR,
        className="ov-filters",
        role="search",
        children=[
            html.Button(
                t("filter.toggle", lang),
                id=Filters.TOGGLE,
                className="ov-filters-toggle",
                type="button",
                **{"aria-expanded": "false", "aria-controls": Filters.FIELDS},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
            ),
            html.Div(id=Filters.FIELDS, className="ov-filter-fields", children=fields),
        ],
    )


def export_buttons(csv_id: str, xlsx_id: str, download_id: str, lang: str) -> html.Div:
    return html.Div(
        className="ov-exports",
        children=[
            html.Button(f"⬇ {t('common.download_csv', lang)}", id=csv_id, n_clicks=0, className="ov-button"),
            html.Button(f"⬇ {t('common.download_xlsx', lang)}", id=xlsx_id, n_clicks=0, className="ov-button"),
            dcc.Download(id=download_id),
        ],
    )


def freshness_text(fresh: Freshness, lang: str) -> list:
    if fresh.data_date is None:
        return [html.Span(t("fresh.none", lang))]
    parts: list = [
        html.Span(f"{t('common.data_date', lang)} {fmt_date(fresh.data_date, lang)}", className="ov-asof-date")
    ]
    if fresh.refreshed_at is not None:
        parts.append(
            html.Span(
                f" · {t('fresh.refreshed', lang)} {fmt_datetime(fresh.refreshed_at + VIETNAM_UTC_OFFSET, lang)}",
                className="ioc-muted",
            )
        )
    if fresh.stale:
        parts.append(stale_marker(lang))
    return parts


# --- the network at a glance ----------------------------------------------------------------------


def _tile(label: str, value: int, lang: str, tile_id: str, major: bool = False, full: str | None = None) -> html.Div:
    return html.Div(
        id=tile_id,
        className="ov-tile" + (" ov-tile-major" if major else ""),
        title=full or label,
        children=[
            html.Div(fmt_number(value, lang), className="ov-tile-value", id=part_id(Part.STAT, tile_id)),
            html.Div(label, className="ov-tile-label"),
        ],
    )


STAT_IDS = (
    "stat-institutions",
    *(f"stat-type-{k}" for k in INSTITUTION_TYPES),
    *(f"stat-ownership-{k}" for k in OWNERSHIPS),
    "stat-staff",
    "stat-programmes",
    "stat-learners",
)


def stat_values(counts: NetworkCounts, lang: str) -> list[str]:
    """The tiles' figures, in the tiles' order (``network_strip``)."""
    figures = [counts.institutions, *(counts.by_type.get(k, 0) for k in INSTITUTION_TYPES)]
    figures += [counts.by_ownership.get(k, 0) for k in OWNERSHIPS]
    figures += [counts.staff, counts.programmes, counts.learner_records]
    return [fmt_number(v, lang) for v in figures]


def network_strip(counts: NetworkCounts, scope: Scope, fresh: Freshness, lang: str) -> list:
    """Institutions by type and ownership, staff, programmes and learner records in the scope, on one row."""
    tiles = [_tile(t("network.institutions", lang), counts.institutions, lang, "stat-institutions", major=True)]
    tiles += [_tile(t(f"type.{k}", lang), counts.by_type.get(k, 0), lang, f"stat-type-{k}") for k in INSTITUTION_TYPES]
    # The foreign-invested tile carries the short name; the full one is its tooltip.
    tiles += [
        _tile(
            t("ownership.foreign_short" if k == "foreign" else f"ownership.{k}", lang),
            counts.by_ownership.get(k, 0),
            lang,
            f"stat-ownership-{k}",
            full=t(f"ownership.{k}", lang),
        )
        for k in OWNERSHIPS
    ]
    tiles += [
        _tile(t("tile.staff", lang), counts.staff, lang, "stat-staff", major=True, full=t("network.staff", lang)),
        _tile(
            t("tile.programmes", lang),
            counts.programmes,
            lang,
            "stat-programmes",
            major=True,
            full=t("network.programmes", lang),
        ),
        _tile(
            t("tile.learners", lang),
            counts.learner_records,
            lang,
            "stat-learners",
            major=True,
            full=t("network.learners_total", lang),
        ),
    ]
    head = html.Div(
        className="ov-network-head",
        children=[
            html.H2(t("network.title", lang)),
            html.Span(scope_label(scope, lang), className="ov-scope-chip", id=Home.SCOPE),
            html.Span(stale_tags(fresh.stale, lang), id=Home.NETWORK_STALE),
        ],
    )
    return [head, html.Div(className="ov-tiles", children=tiles)]


# --- one panel per target -------------------------------------------------------------------------


def judged_and_next(assessments: list[Assessment]) -> tuple[Assessment | None, Assessment | None]:
    judged = [a for a in assessments if a.judged]
    open_ = [a for a in assessments if not a.judged]
    return (
        max(judged, key=lambda a: a.deadline) if judged else None,
        min(open_, key=lambda a: a.deadline) if open_ else None,
    )


def gap_text(indicator: Indicator, last: dict[str, Any], assessments: list[Assessment], lang: str) -> str:
    """How far the current value is from the next (or, if none is left, the last) target."""
    judged, nxt = judged_and_next(assessments)
    goal = nxt or judged
    if goal is None or last.get("value") is None:
        return ""
    current = last["value"]
    if indicator.kind == "milestone":
        series_last = last
        left = max(0, int(series_last["denominator"]) - int(series_last["numerator"]))
        if left == 0:
            return t("panel.reached", lang).format(year=goal.year)
        return t("panel.gap_milestones", lang).format(n=fmt_number(left, lang), year=goal.year)
    if current >= goal.target - 1e-9:
        return t("panel.reached", lang).format(year=goal.year)
    return t("panel.gap", lang).format(gap=points_text(goal.target - current, lang), year=goal.year)


def verdict(a: Assessment, indicator: Indicator, lang: str) -> html.Div:
    """One deadline: year, judged/projected, badge (colour + icon + word) and the figure behind it."""
    if a.judged:
        head = t("panel.judged", lang).format(year=a.year)
        figure = "" if indicator.kind == "milestone" or a.value is None else fmt_percent(a.value, lang)
    else:
        head = t("panel.projected", lang).format(year=a.year)
        figure = fmt_percent(a.projection.value, lang) if a.projection is not None else ""
    return html.Div(
        className="ov-verdict",
        children=[
            html.Div([html.Span(head), html.Span(figure, className="ov-verdict-figure")], className="ov-verdict-head"),
            html.Div(status_badge(a.status, lang), className="ov-verdict-body"),
        ],
    )


SOURCE_NAMES = {
    "vet": "sources.vet",
    "training": "sources.training",
    "inspection": "sources.inspection",
    "report": "sources.report",
    "readiness": "sources.readiness",
}


def ago_text(minutes: int, lang: str) -> str:
    if minutes < 60:
        return t("sources.minutes_ago", lang).format(n=minutes)
    return t("sources.hours_ago", lang).format(n=minutes // 60)


def sources_text(panel_sources: list[SourceAge], lang: str) -> str:
    """'Nguồn: CSDL GDNN (cập nhật 5 phút trước), báo cáo của tỉnh (12/11/2026)'."""
    parts = []
    for s in panel_sources:
        name = t(SOURCE_NAMES[s.key], lang)
        if s.at is None or s.minutes_ago is None:
            when = t("sources.not_yet" if s.key != VET else "sources.never", lang)
        elif s.key == VET and s.minutes_ago < 48 * 60:
            when = t("sources.updated_ago", lang).format(ago=ago_text(s.minutes_ago, lang))
        else:
            when = fmt_date((s.at + VIETNAM_UTC_OFFSET).date(), lang)
        parts.append(f"{name} ({when})")
    return f"{t('tasks.source', lang)}: " + ", ".join(parts)


def panel_props(
    data: PanelData, lang: str, stale: bool = False, panel_sources: list[SourceAge] | None = None
) -> dict[Part | str, Any]:
    """What a panel shows in its scope, by the part that shows it (``Part``); "class" and "style" are the
    frame's status colour, "sources_title" the sources line's tooltip."""
    view = data.view
    ind = view.indicator
    last = view.headline_series.last
    headline = view.headline
    status = headline.status if headline else "no_data"
    judged, nxt = judged_and_next(view.assessments)
    value, detail = headline_value(view, lang)
    # A milestone's value already says what is left; a supporting series (T10's map completeness,
    # T08's record share) is shown in that line instead.
    line = "" if ind.kind == "milestone" else gap_text(ind, last, view.assessments, lang)
    if data.supporting is not None and data.supporting.get("value") is not None:
        label = ind.supporting_series[0].label(lang)
        line = t("panel.supporting", lang).format(label=label, value=fmt_percent(data.supporting["value"], lang))
    target_line = nxt.target if nxt is not None and ind.kind == "percent" else None
    tags: list = []
    if data.national_only:
        tags.append(html.Span(t("panel.national_only", lang), className="ov-panel-tag"))
    if stale:
        tags.append(stale_marker(lang))
    sources = sources_text(panel_sources, lang) if panel_sources else ""
    paths = spark_paths(data.spark_dates, data.spark_values, target_line)
    return {
        "class": f"ov-panel-frame ov-panel-{status}",
        "style": {"--status-colour": STATUS_STYLE.get(status, STATUS_STYLE["no_data"])[1]},
        Part.VALUE: value,
        Part.DETAIL: detail,
        Part.TAGS: tags,
        Part.TARGETS: f"{t('panel.targets', lang)}: {targets_text(ind, lang, view)}",
        Part.GAP: line or "\u00a0",
        Part.VERDICTS: [verdict(a, ind, lang) for a in (judged, nxt) if a is not None],
        Part.SOURCES: sources,
        "sources_title": sources,
        Part.SPARK_TEXT: spark_summary(data, lang),
        Part.SPARK_ROWS: spark_rows(data, lang),
        Part.SPARK_LINE: paths.line,
        Part.SPARK_AREA: paths.area,
        Part.SPARK_LAST: paths.last,
        Part.SPARK_TARGET: paths.target,
    }


def spark_summary(data: PanelData, lang: str) -> str:
    """The sparkline in words: the latest value and its change over a year."""
    what = t("chart.spark_what", lang).format(code=data.view.indicator.code)
    return chart_text.trend_summary(what, data.spark_dates, data.spark_values, lang)


def spark_rows(data: PanelData, lang: str) -> dict[str, Any]:
    """The sparkline's figures at each year's end and the latest (the whole series is on the target's page,
    where the panel links): the caption, the column headings and the rows of its folded table."""
    keep = chart_text.year_ends(data.spark_dates)
    return {
        "caption": t("chart.spark_table_caption", lang).format(code=data.view.indicator.code),
        "headers": [t("chart.col_date", lang), t("common.value", lang)],
        "rows": chart_text.series_rows(
            [data.spark_dates[i] for i in keep], [[data.spark_values[i] for i in keep]], lang
        ),
    }


def spark_table(code: str, rows: dict[str, Any], lang: str) -> html.Div:
    """The fold under a panel with its figures. The table itself (~30 components a panel, a third of the
    overview's) is drawn in the browser from ``rows`` when the fold is first opened
    (``callbacks.home.SPARK_TABLE_JS``, the same table as ``chart_text.data_table``): the first paint does
    not build twelve tables nobody has opened yet."""
    fold = html.Details(
        id=part_id(Part.SPARK_FOLD, code),
        className="ioc-chart-data",
        children=[html.Summary(t("chart.show_table", lang)), html.Div(id=part_id(Part.SPARK_BODY, code))],
    )
    store = dcc.Store(id=part_id(Part.SPARK_ROWS, code), data=rows)
    return html.Div([fold, store], id=part_id(Part.SPARK_TABLE, code), className="ov-spark-data")


def panel(data: PanelData, lang: str, stale: bool = False, panel_sources: list[SourceAge] | None = None) -> html.Div:
    """A target's panel; the whole panel links to its page. Its frame carries the status colour."""
    ind = data.view.indicator
    code = ind.code
    props = panel_props(data, lang, stale, panel_sources)
    paths = SparkPaths(props[Part.SPARK_LINE], props[Part.SPARK_AREA], props[Part.SPARK_LAST], props[Part.SPARK_TARGET])
    spark_ids = {
        "line": part_id(Part.SPARK_LINE, code),
        "area": part_id(Part.SPARK_AREA, code),
        "last": part_id(Part.SPARK_LAST, code),
        "target": part_id(Part.SPARK_TARGET, code),
    }
    link = dcc.Link(
        id=panel_id(code),
        href=f"/targets/{code}",
        className="ov-panel",
        title=t("panel.open", lang).format(code=code),
        children=[
            html.Div(
                [html.Span(code, className="ov-panel-code"), " ", ind.name(lang)],
                className="ov-panel-name",
                title=ind.name(lang),
            ),
            html.Div(
                className="ov-panel-value-row",
                children=[
                    html.Span(
                        props[Part.VALUE],
                        id=part_id(Part.VALUE, code),
                        className="ov-panel-value" + (" ov-panel-value-text" if ind.kind == "milestone" else ""),
                    ),
                    html.Span(props[Part.DETAIL], id=part_id(Part.DETAIL, code), className="ov-panel-detail"),
                    html.Span(props[Part.TAGS], id=part_id(Part.TAGS, code), className="ov-panel-tags"),
                ],
            ),
            html.Div(props[Part.TARGETS], id=part_id(Part.TARGETS, code), className="ov-panel-targets"),
            html.Div(props[Part.GAP], id=part_id(Part.GAP, code), className="ov-panel-gap"),
            html.Div(props[Part.VERDICTS], id=part_id(Part.VERDICTS, code), className="ov-verdicts"),
            html.Div(
                props[Part.SOURCES],
                title=props["sources_title"],
                className="ov-panel-sources",
                id=part_id(Part.SOURCES, code),
            ),
            sparkline(paths, spark_ids),
            html.Span(props[Part.SPARK_TEXT], id=part_id(Part.SPARK_TEXT, code), className="ioc-visually-hidden"),
        ],
    )
    # The table sits outside the link: a control inside a link is neither a link nor a control.
    table = spark_table(code, props[Part.SPARK_ROWS], lang)
    return html.Div([link, table], id=part_id(Part.FRAME, code), className=props["class"], style=props["style"])


def panels_grid(
    panels: list[PanelData],
    lang: str,
    stale: bool = False,
    panel_sources: dict[str, list[SourceAge]] | None = None,
) -> list:
    by_code = panel_sources or {}
    return [panel(p, lang, stale, by_code.get(p.view.indicator.code)) for p in panels]


# The panel parts whose children a new scope or snapshot changes, the sparkline paths ("d") and the rows of
# its table (a store's "data").
CHILDREN_PARTS = (
    Part.VALUE,
    Part.DETAIL,
    Part.TAGS,
    Part.TARGETS,
    Part.GAP,
    Part.VERDICTS,
    Part.SOURCES,
    Part.SPARK_TEXT,
)
PATH_PARTS = (Part.SPARK_LINE, Part.SPARK_AREA, Part.SPARK_LAST, Part.SPARK_TARGET)
DATA_PARTS = (Part.SPARK_ROWS,)  # stores: their "data"
PANEL_KEYS = ("class", "style", "sources_title", *CHILDREN_PARTS, *PATH_PARTS, *DATA_PARTS)


def shown(fresh: Freshness, selection: dict[str, Any], drawn: bool) -> dict[str, Any]:
    """What the page shows (``Home.SHOWN``): an update that would show the same sends nothing.
    ``drawn``: the panels and tiles are on the page (not before the first snapshot)."""
    return {"snapshot": fresh.snapshot_id, "stale": fresh.stale, "drawn": drawn, **selection}


def overview_update(page: OverviewPage, drawn: bool) -> dict[str, Any]:
    """The overview's new properties by output name (see ``callbacks.home``).

    With the panels already drawn only their changing parts are sent, one list per part in the
    panels' order; otherwise (the first snapshot arrived, or none is left) the network and the
    panels are sent whole and the parts are left alone. A part's values are by panel code (tile id
    for "stats"): the callback sends them in the order of the components the browser names."""
    selection, scope, counts, fresh, lang = page.selection.to_store(), page.scope, page.counts, page.fresh, page.lang
    out: dict[str, Any] = {
        "asof": freshness_text(fresh, lang),
        "situation": situation_text(page.situation, lang),
        "scope": scope_label(scope, lang),
        "network_stale": stale_tags(fresh.stale, lang),
    }
    now_drawn = counts is not None
    out["shown"] = shown(fresh, selection, now_drawn)
    if drawn and now_drawn:
        assert counts is not None  # for the type checker: now_drawn says so
        by_code = page.panel_sources
        props = {
            p.view.indicator.code: panel_props(p, lang, fresh.stale, by_code.get(p.view.indicator.code))
            for p in page.panels
        }
        out.update({key: {code: p[key] for code, p in props.items()} for key in PANEL_KEYS})
        out["stats"] = dict(zip(STAT_IDS, stat_values(counts, lang), strict=True))
        out["network"] = out["panels"] = no_update
        return out
    out.update({key: no_update for key in (*PANEL_KEYS, "stats")})
    out["network"] = network_body(counts, scope, fresh, lang)
    out["panels"] = panels_grid(page.panels, lang, fresh.stale, page.panel_sources)
    return out


def home_page(page: OverviewPage) -> html.Div:
    """The whole overview for the first paint; the callbacks then refresh the situation, the network
    and the panels' parts. The open alerts the reader may see show as a badge linking to /alerts."""
    selection, fresh, lang = page.selection.to_store(), page.fresh, page.lang
    return html.Div(
        id=Home.PAGE,
        className="ioc-page ov-home",
        children=[
            dcc.Store(id=Home.SHOWN, data=shown(fresh, selection, page.counts is not None)),
            html.Div(
                className="ov-toolbar",
                children=[
                    filter_bar(selection, lang, only=page.only),
                    html.Span(freshness_text(fresh, lang), className="ov-asof", id=Home.ASOF),
                    *alerts_badge(page.alert_count, lang),
                    export_buttons(Home.EXPORT_CSV, Home.EXPORT_XLSX, Home.DOWNLOAD, lang),
                    brief_links(None, lang),
                ],
            ),
            paragraph(situation_text(page.situation, lang), Home.SITUATION),
            html.Section(
                id=Home.NETWORK, className="ov-network", children=network_body(page.counts, page.scope, fresh, lang)
            ),
            html.Section(
                id=Home.PANELS,
                className="ov-panels",
                **{"aria-label": t("home.title", lang)},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
                children=panels_grid(page.panels, lang, fresh.stale, page.panel_sources),
            ),
        ],
    )


def situation_text(situation: ScopeSituation | None, lang: str) -> str:
    """The overview's written situation ('' without a snapshot)."""
    if situation is None:
        return ""
    scope = situation.scope
    return scope_paragraph(situation, scope_words(scope, scope_label(scope, lang), lang), lang)


def alerts_badge(count: int | None, lang: str) -> list:
    """The open alerts' count, linking to the alerts page (a server page, so a plain link)."""
    if count is None:
        return []
    return [
        html.A(
            t("alerts.open_count", lang).format(count=fmt_number(count, lang)),
            href="/alerts",
            id=Home.ALERTS,
            className="ov-alerts" + (" ov-alerts-open" if count else ""),
            title=t("alerts.badge_hint", lang),
        )
    ]


def network_body(counts: NetworkCounts | None, scope: Scope, fresh: Freshness, lang: str) -> list:
    if counts is None:  # the scope chip and the stale marker stay, for the callback that fills them
        return [
            html.Div(
                className="ov-network-head",
                children=[
                    html.Span(scope_label(scope, lang), id=Home.SCOPE, hidden=True),
                    html.Span(id=Home.NETWORK_STALE, hidden=True),
                ],
            ),
            html.Div(t("fresh.none", lang), className="ioc-unavailable"),
        ]
    return network_strip(counts, scope, fresh, lang)


# --- the panel table (export) ---------------------------------------------------------------------

EXPORT_COLUMNS = (
    "code",
    "indicator",
    "scope",
    "value",
    "numerator",
    "denominator",
    "population",
    "judged_year",
    "judged_target",
    "judged_status",
    "next_year",
    "next_target",
    "next_status",
    "projection",
    "projection_low",
    "projection_high",
    "gain",
    "data_date",
)


def _pct(v: float | None) -> float | None:
    return None if v is None else round(v * 100, 2)


def panel_table(panels: list[PanelData], scope: Scope, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The overview as a table (shares in %, statuses as words) and its headers in the language."""
    rows = []
    for p in panels:
        v = p.view
        ind = v.indicator
        last = v.headline_series.last
        judged, nxt = judged_and_next(v.assessments)
        proj = nxt.projection if nxt is not None else None
        series = ind.headline_series
        rows.append(
            {
                "code": ind.code,
                "indicator": ind.name(lang),
                "scope": t("common.national", lang) if p.national_only else scope_label(scope, lang),
                "value": _pct(last["value"]),
                "numerator": last["numerator"],
                "denominator": last["denominator"],
                "population": series.population_en if lang == "en" else series.population_vi,
                "judged_year": judged.year if judged else None,
                "judged_target": _pct(judged.target) if judged else None,
                "judged_status": status_word(judged.status, lang) if judged else None,
                "next_year": nxt.year if nxt else None,
                "next_target": _pct(nxt.target) if nxt else None,
                "next_status": status_word(nxt.status, lang) if nxt else None,
                "projection": _pct(proj.value) if proj else None,
                "projection_low": _pct(proj.low) if proj else None,
                "projection_high": _pct(proj.high) if proj else None,
                "gain": _pct(nxt.gain_needed_per_year) if nxt else None,
                "data_date": v.as_of.isoformat(),
            }
        )
    headers = {c: export_header(c, lang) for c in EXPORT_COLUMNS}
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS)), headers
