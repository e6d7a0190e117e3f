"""One page per target (/targets/T01 ...) and the list of the twelve (/targets).

Pure functions of data: the callbacks hand over the indicator view, the province ranking, the
breakdowns and the projection fan, all read from the snapshot.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pandas as pd
from dash import dcc, html

from ioc_app.facts import Facts
from ioc_app.i18n import fmt_number, fmt_percent, t
from ioc_app.indicators.citation import citation
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import Scope
from ioc_app.indicators.status import Assessment
from ioc_app.overview import Freshness, PanelData
from ioc_app.place_names import place_name
from ioc_app.planner import Plan
from ioc_app.situation import TargetSituation
from ioc_app.target_data import Breakdown, Ranking, TargetData
from ioc_app.target_page import TargetPage
from layouts import chart_text, charts
from layouts.components import STATUS_STYLE, export_header, status_badge, status_word
from layouts.home import (
    export_buttons,
    filter_bar,
    freshness_text,
    gap_text,
    headline_value,
    points_text,
    scope_label,
    stale_marker,
    targets_text,
)
from layouts.planner import plan_section
from layouts.shell import unavailable
from layouts.situation import paragraph, scope_words, target_paragraph


class TargetIds(StrEnum):
    PAGE = "target-page"
    CODE = "target-code"  # store: the code of the target shown
    BODY = "target-body"
    LIST = "target-list"
    RANKING_CSV = "target-ranking-csv"
    RANKING_XLSX = "target-ranking-xlsx"
    RANKING_DOWNLOAD = "target-ranking-download"
    BREAKDOWN_CSV = "target-breakdown-csv"
    BREAKDOWN_XLSX = "target-breakdown-xlsx"
    BREAKDOWN_DOWNLOAD = "target-breakdown-download"
    SITUATION = "target-situation"


RANK_SHOWN = 10  # best and worst ten


# --- pieces ---------------------------------------------------------------------------------------


def unknown_target(code: str, lang: str) -> html.Div:
    return html.Div(
        className="ioc-not-found",
        role="alert",
        children=[
            html.H2(t("targets.unknown", lang).format(code=code)),
            dcc.Link(t("targets.back", lang), href="/targets"),
        ],
    )


def _names(table: pd.DataFrame, lang: str, full: bool = False) -> list[str]:
    """The units of a ranking table by name: short on the chart and in the export, in full in a sentence."""
    return [
        place_name(n, bool(c), lang, full=full)
        for n, c in zip(table["name"].tolist(), table["is_city"].tolist(), strict=True)
    ]


def verdict_card(a: Assessment, indicator: Indicator, lang: str) -> html.Div:
    """One deadline in full: status, target, value, projection with its band, and the gain still needed."""
    milestone = indicator.kind == "milestone"

    def share(v: float | None) -> str:
        if milestone:
            return t("milestone.done", lang) if (v or 0) >= 1 else t("milestone.not_done", lang)
        return fmt_percent(v, lang)

    at_least = any(x.at_least and x.year == a.year for x in indicator.targets)
    goal = t("milestone.done", lang) if milestone else ("≥ " if at_least else "") + fmt_percent(a.target, lang, 0)
    rows: list[tuple[str, str]] = [(t("common.goal", lang), goal)]
    if a.judged:
        head = t("targets.judged", lang).format(year=a.year)
        rows.append((t("targets.reached_value", lang), share(a.value) if a.value is not None else "—"))
    else:
        head = t("targets.open", lang).format(year=a.year)
        rows.append((t("targets.current", lang), share(a.value) if a.value is not None else "—"))
        if a.projection is not None:
            p = a.projection
            rows.append(
                (
                    t("targets.projection", lang),
                    f"{fmt_percent(p.value, lang)} ({fmt_percent(p.low, lang, 0)}–{fmt_percent(p.high, lang, 0)})",
                )
            )
            rows.append(
                (
                    t("targets.trend", lang),
                    f"{'+' if p.slope_per_year >= 0 else '−'}{points_text(abs(p.slope_per_year), lang)}"
                    f"{t('targets.per_year', lang)}",
                )
            )
        if a.gain_needed_per_year is not None and not milestone:
            rows.append(
                (t("targets.gain", lang), f"{points_text(a.gain_needed_per_year, lang)}{t('targets.per_year', lang)}")
            )
    body = [
        html.Div(
            className="ov-kv", children=[html.Span(k, className="ov-kv-key"), html.Span(v, className="ov-kv-value")]
        )
        for k, v in rows
    ]
    if milestone and not a.judged:
        body.append(html.Div(t("targets.milestone_rule", lang), className="ov-muted-note"))
    colour = STATUS_STYLE.get(a.status, STATUS_STYLE["no_data"])[1]
    return html.Div(
        className=f"ov-verdict-card ov-verdict-card-{a.status}",
        id=f"target-verdict-{a.year}",
        style={"--status-colour": colour},
        children=[
            html.Div(className="ov-verdict-card-head", children=[html.Span(head), status_badge(a.status, lang)]),
            *body,
        ],
    )


def ranking_section(
    ranking: Ranking, indicator: Indicator, lang: str, highlight: str | None, target: float | None, stale: bool = False
) -> html.Section:
    children: list = [
        html.Div(
            className="ov-card-head",
            children=[
                html.H3(t("targets.ranking", lang)),
                *([stale_marker(lang)] if stale else []),
                html.Span(
                    t("filter.level34" if ranking.level == "34" else "filter.level63", lang), className="ov-scope-chip"
                ),
                export_buttons(TargetIds.RANKING_CSV, TargetIds.RANKING_XLSX, TargetIds.RANKING_DOWNLOAD, lang),
            ],
        )
    ]
    if ranking.national_only:
        children.append(html.P(t("targets.ranking_national_only", lang), className="ov-muted-note"))
        return html.Section(className="ov-card ov-ranking", id="target-ranking", children=children)
    table = ranking.table
    if ranking.supporting:
        children.append(html.P(t("targets.ranking_supporting", lang), className="ov-muted-note"))
    children.append(
        html.P(t("targets.ranking_note", lang).format(n=fmt_number(len(table), lang)), className="ov-muted-note")
    )
    # The table's columns read once as plain lists (34 or 63 rows): cheaper than indexing the frame per use.
    codes, values, statuses = table["code"].tolist(), [float(v) for v in table["value"]], table["status"].tolist()
    short, full = _names(table, lang), _names(table, lang, full=True)
    hl_name = None
    if highlight is not None and highlight in codes:
        at = codes.index(highlight)
        hl_name = short[at]
        children.append(
            html.P(
                t("targets.rank_of", lang).format(
                    name=full[at], rank=at + 1, n=len(codes), value=fmt_percent(values[at], lang)
                ),
                className="ov-rank-of",
                id="target-rank-of",
            )
        )

    def fig(rows: range | list[int]) -> dcc.Graph:
        figure = charts.ranking_figure(
            [short[i] for i in rows],
            [values[i] for i in rows],
            [statuses[i] for i in rows],
            lang,
            national=ranking.national,
            target=target,
            highlight=hl_name,
        )
        return dcc.Graph(
            figure=figure,
            config=charts.graph_config(f"{indicator.code}-ranking"),  # type: ignore[arg-type]  # the config dict is Plotly's own, which Dash's stub types narrowly
            style=charts.graph_style(figure),
        )

    n = len(codes)
    if n <= 2 * RANK_SHOWN:
        children.append(
            html.Div(className="ov-rank-col", children=[html.H4(t("targets.all_ranked", lang)), fig(range(n))])
        )
    else:
        children.append(
            html.Div(
                className="ov-two-cols",
                children=[
                    html.Div(
                        className="ov-rank-col",
                        children=[html.H4(t("targets.best", lang).format(n=RANK_SHOWN)), fig(range(RANK_SHOWN))],
                    ),
                    html.Div(
                        className="ov-rank-col",
                        children=[
                            html.H4(t("targets.worst", lang).format(n=RANK_SHOWN)),
                            fig(range(n - 1, n - 1 - RANK_SHOWN, -1)),
                        ],
                    ),
                ],
            )
        )
    children.append(ranking_alternative(ranking, full, lang))
    return html.Section(className="ov-card ov-ranking", id="target-ranking", children=children)


def ranking_alternative(ranking: Ranking, names: list[str], lang: str) -> html.Div:
    """The ranking charts in words (how many, the top and the bottom, the nation) and every ranked unit
    in a table."""
    table = ranking.table
    if not len(table):
        return html.Div(className="ioc-chart-alt")
    summary = t("chart.ranking_summary", lang).format(
        n=fmt_number(len(table), lang),
        top=names[0],
        top_value=fmt_percent(float(table["value"].iloc[0]), lang),
        bottom=names[-1],
        bottom_value=fmt_percent(float(table["value"].iloc[-1]), lang),
        national=fmt_percent(ranking.national, lang),
    )
    rows = [
        [
            fmt_number(i + 1, lang),
            name,
            fmt_percent(float(value), lang),
            fmt_number(int(num), lang),
            fmt_number(int(den), lang),
            status_word(status, lang) if status else "—",
        ]
        for i, (name, value, num, den, status) in enumerate(
            zip(
                names,
                table["value"].tolist(),
                table["numerator"].tolist(),
                table["denominator"].tolist(),
                table["status"].tolist(),
                strict=True,
            )
        )
    ]
    headers = [
        t("chart.col_rank", lang),
        t("common.province", lang),
        t("common.value", lang),
        t("common.numerator", lang),
        t("common.denominator", lang),
        t("common.status", lang),
    ]
    return html.Div(
        className="ioc-chart-alt",
        children=[
            html.P(summary, className="ioc-chart-summary", id="target-ranking-summary"),
            chart_text.data_table(t("targets.ranking", lang), headers, rows, lang, numeric_from=2),
        ],
    )


def breakdown_section(
    breakdowns: list[Breakdown], indicator: Indicator, lang: str, target: float | None, stale: bool = False
) -> html.Section:
    head = html.Div(
        className="ov-card-head",
        children=[
            html.H3(f"{t('targets.breakdown_type', lang)} · {t('targets.breakdown_ownership', lang)}"),
            *([stale_marker(lang)] if stale else []),
            export_buttons(TargetIds.BREAKDOWN_CSV, TargetIds.BREAKDOWN_XLSX, TargetIds.BREAKDOWN_DOWNLOAD, lang),
        ],
    )
    if not breakdowns:
        return html.Section(
            className="ov-card",
            id="target-breakdowns",
            children=[head, html.P(t("targets.ranking_national_only", lang), className="ov-muted-note")],
        )
    cols = []
    for b in breakdowns:
        rows = _breakdown_rows(b)
        labels = [r[0] for r in rows]
        figure = charts.breakdown_figure(
            labels,
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
            lang,
            target=target,
        )
        graph = dcc.Graph(
            id=f"target-breakdown-{b.dimension}",
            figure=figure,
            config=charts.graph_config(f"{indicator.code}-{b.dimension}"),  # type: ignore[arg-type]  # the config dict is Plotly's own, which Dash's stub types narrowly
            style=charts.graph_style(figure),
        )
        title = t(f"targets.breakdown_{b.dimension}", lang)
        cols.append(
            html.Div(className="ov-rank-col", children=[html.H4(title), breakdown_figure(graph, b, title, lang)])
        )
    return html.Section(
        className="ov-card", id="target-breakdowns", children=[head, html.Div(className="ov-two-cols", children=cols)]
    )


def _breakdown_rows(breakdown: Breakdown) -> list[tuple[str, float | None, int, int]]:
    """Each group's label, value (None: no population), numerator and denominator, as plain values (a few
    rows: reading them once is cheaper than indexing the frame for each use)."""
    tb = breakdown.table
    return [
        (str(label), None if pd.isna(value) else float(value), int(num), int(den))
        for label, value, num, den in zip(
            tb["label"].tolist(),
            tb["value"].tolist(),
            tb["numerator"].tolist(),
            tb["denominator"].tolist(),
            strict=True,
        )
    ]


def breakdown_figure(graph: dcc.Graph, breakdown: Breakdown, title: str, lang: str) -> html.Figure:
    """A breakdown chart with its summary (the highest and lowest group) and its table."""
    rows = _breakdown_rows(breakdown)
    known = sorted((r for r in rows if r[1] is not None), key=lambda r: -(r[1] or 0.0))  # stable: ties keep order
    if known:
        summary = t("chart.breakdown_summary", lang).format(
            what=title,
            top=known[0][0],
            top_value=fmt_percent(known[0][1], lang),
            bottom=known[-1][0],
            bottom_value=fmt_percent(known[-1][1], lang),
        )
    else:
        summary = t("chart.summary_no_data", lang).format(what=title)
    cells = [
        [label, fmt_percent(value, lang), fmt_number(num, lang), fmt_number(den, lang)]
        for label, value, num, den in rows
    ]
    headers = [title, t("common.value", lang), t("common.numerator", lang), t("common.denominator", lang)]
    return chart_text.figure(graph, summary, chart_text.data_table(title, headers, cells, lang))


def trajectory_alternative(data: TargetData, lang: str) -> tuple[str, html.Details]:
    """The trajectory chart's summary (the headline series' latest value and its trend over a year) and
    its table: one row per period end, one column per series."""
    ind = data.view.indicator
    lines = data.chart.lines
    what = f"{ind.code} · {ind.name(lang)}"
    if not lines:
        return t("chart.summary_no_data", lang).format(what=what), chart_text.data_table(what, [], [], lang)
    summary = chart_text.trend_summary(what, lines[0].dates, lines[0].values, lang)
    dates = sorted({d for line in lines for d in line.dates})
    by_date = [dict(zip(line.dates, line.values, strict=True)) for line in lines]
    rows = chart_text.series_rows(dates, [[values.get(d) for d in dates] for values in by_date], lang)
    headers = [t("chart.col_date", lang), *[line.name for line in lines]]
    return summary, chart_text.data_table(t("targets.trajectory", lang), headers, rows, lang)


def _interpretation_rows(facts: Facts, lang: str) -> list:
    """What we decided where the decision leaves room, and T04's list of IT occupations."""
    items: list = [html.Li(text) for text in facts.interpretations]
    if facts.occupations:
        items.append(
            html.Li(
                [
                    t("targets.it_list", lang),
                    html.Ul(
                        className="ov-occupations",
                        children=[html.Li(f"{o.code} — {o.name}") for o in facts.occupations],
                    ),
                ]
            )
        )
    return [html.Ul(className="ov-interpretations", children=items)] if items else []


def fact_card(indicator: Indicator, facts: Facts, fresh: Freshness, lang: str) -> html.Section:
    """The decision's wording (always Vietnamese: it is the legal text), definition, interpretations,
    populations, source."""

    def row(key: str, *value: Any) -> html.Div:
        return html.Div(className="ov-fact", children=[html.Dt(key), html.Dd(list(value))])

    series_rows = []
    judged_series = {s.key for s in indicator.series}
    for s in indicator.all_series:
        years = [str(tg.year) for tg in indicator.targets if tg.series == s.key]
        used = (
            f" — {t('targets.used_for', lang).format(years=', '.join(years))}"
            if len(judged_series) > 1 and years
            else ""
        )
        series_rows.append(
            html.Div(
                className="ov-series-fact",
                children=[
                    html.Div(
                        [
                            html.B(f"{t('targets.population', lang)}: "),
                            s.population_en if lang == "en" else s.population_vi,
                            html.Span(used, className="ov-muted-inline"),
                        ]
                    ),
                    html.Div(
                        [html.B(f"{t('common.numerator', lang)}: "), s.numerator_en if lang == "en" else s.numerator_vi]
                    ),
                ],
            )
        )
    updated = freshness_text(fresh, lang)
    return html.Section(
        className="ov-card ov-facts",
        id="target-facts",
        children=[
            html.H3(t("targets.facts", lang)),
            html.Dl(
                className="ov-fact-list",
                children=[
                    row(
                        t("targets.legal", lang),
                        html.Blockquote(indicator.legal_text_vi, lang="vi", className="ov-legal"),
                    ),
                    row(t("targets.definition", lang), facts.definition),
                    row(t("targets.interpretations", lang), *_interpretation_rows(facts, lang)),
                    row(f"{t('targets.population', lang)} · {t('common.numerator', lang)}", *series_rows),
                    row(t("targets.source", lang), indicator.source_en if lang == "en" else indicator.source_vi),
                    row(t("targets.article", lang), citation(indicator.article, lang, with_decision=True)),
                    row(t("targets.updated", lang), *updated),
                ],
            ),
        ],
    )


def target_body(
    data: TargetData,
    scope: Scope,
    fresh: Freshness,
    lang: str,
    highlight: str | None,
    situation: TargetSituation | None = None,
    plan: Plan | None = None,
) -> list:
    """Everything below the filters: header, written situation, trajectory, verdicts, what it takes,
    ranking, breakdowns, facts."""
    view = data.view
    ind = view.indicator
    last = view.headline_series.last
    open_ = [a for a in view.assessments if not a.judged]
    target = min(open_, key=lambda a: a.deadline).target if open_ and ind.kind == "percent" else None
    head_bits: list = [
        html.Span(
            t("common.national", lang) if data.national_only else scope_label(scope, lang),
            className="ov-scope-chip",
            id="target-scope-label",
        ),
        html.Span(freshness_text(fresh, lang), className="ov-asof"),
    ]
    stale_mark = [stale_marker(lang)] if fresh.stale else []  # on every card, not only once
    headline = view.headline
    value, detail = headline_value(view, lang)
    summary = html.Div(
        className="ov-target-summary",
        children=[
            html.Span(value, className="ov-target-value", id="target-value"),
            html.Span(detail, className="ov-panel-detail"),
            status_badge(headline.status if headline else None, lang, id="target-status"),
            html.Span(
                "" if ind.kind == "milestone" else gap_text(ind, last, view.assessments, lang), className="ov-panel-gap"
            ),
            html.Span(f"{t('panel.targets', lang)}: {targets_text(ind, lang, view)}", className="ov-panel-targets"),
        ],
    )
    trajectory = charts.trajectory_figure(data.chart, lang)
    trajectory_card = html.Section(
        className="ov-card ov-trajectory",
        children=[
            html.Div(className="ov-card-head", children=[html.H3(t("targets.trajectory", lang)), *stale_mark]),
            chart_text.figure(
                dcc.Graph(
                    id="target-trajectory",
                    figure=trajectory,
                    config=charts.graph_config(f"{ind.code}-trajectory"),  # type: ignore[arg-type]  # the config dict is Plotly's own, which Dash's stub types narrowly
                    style=charts.graph_style(trajectory),
                ),
                *trajectory_alternative(data, lang),
                summary_id="target-trajectory-summary",
            ),
        ],
    )
    verdicts = html.Section(
        className="ov-card ov-verdict-cards",
        children=[
            html.Div(className="ov-card-head", children=[html.H3(t("targets.verdicts", lang)), *stale_mark]),
            *[verdict_card(a, ind, lang) for a in sorted(view.assessments, key=lambda a: a.deadline)],
        ],
    )
    written = (
        target_paragraph(situation, scope_words(situation.scope, scope_label(situation.scope, lang), lang), lang)
        if situation is not None
        else ""
    )
    return [
        html.Div(className="ov-target-meta", children=head_bits),
        paragraph(written, TargetIds.SITUATION),
        summary,
        html.Div(className="ov-target-grid", children=[trajectory_card, verdicts]),
        *([plan_section(plan, lang)] if plan is not None else []),
        ranking_section(data.ranking, ind, lang, highlight, target, fresh.stale),
        breakdown_section(data.breakdowns, ind, lang, target, fresh.stale),
        *([fact_card(ind, data.facts, fresh, lang)] if data.facts is not None else []),
    ]


def target_page(
    code: str,
    indicator: Indicator | None,
    data: TargetData | None,
    selection: dict[str, Any],
    scope: Scope,
    fresh: Freshness,
    lang: str,
    highlight: str | None = None,
    only: frozenset[str] | None = None,
    situation: TargetSituation | None = None,
    plan: Plan | None = None,
) -> html.Div:
    if indicator is None:
        return html.Div(className="ioc-page ov-target", id=TargetIds.PAGE, children=[unknown_target(code, lang)])
    body = (
        target_body(data, scope, fresh, lang, highlight, situation, plan)
        if data is not None
        else [html.Div(t("targets.no_snapshot", lang), className="ioc-unavailable")]
    )
    return html.Div(
        className="ioc-page ov-target",
        id=TargetIds.PAGE,
        children=[
            dcc.Store(id=TargetIds.CODE, data=indicator.code),
            html.Div(
                className="ov-target-title",
                children=[
                    dcc.Link(f"← {t('targets.back', lang)}", href="/targets", className="ov-back"),
                    html.H2([html.Span(indicator.code, className="ov-panel-code"), " ", indicator.name(lang)]),
                ],
            ),
            html.Div(className="ov-toolbar", children=[filter_bar(selection, lang, only=only)]),
            html.Div(id=TargetIds.BODY, children=body),
        ],
    )


def page_of(page: TargetPage) -> html.Div:
    """The whole target page (the router's first paint) for one reader."""
    sel = page.selection
    return target_page(
        page.indicator.code,
        page.indicator,
        page.data,
        sel.to_store(),
        page.scope,
        page.fresh,
        page.lang,
        page.highlight,
        page.only,
        page.situation,
        page.plan,
    )


def body_of(page: TargetPage) -> list:
    """The part below the filters (a new selection or snapshot); the unavailable notice without a snapshot."""
    if page.data is None:
        return [unavailable(page.lang)]
    return target_body(page.data, page.scope, page.fresh, page.lang, page.highlight, page.situation, page.plan)


# --- the list of the twelve -----------------------------------------------------------------------


def target_list_rows(panels: list[PanelData], lang: str) -> list:
    rows = []
    for p in panels:
        v = p.view
        ind = v.indicator
        badges = [
            html.Span(
                [html.Span(f"{a.year} ", className="ov-list-year"), status_badge(a.status, lang)],
                className="ov-list-badge",
            )
            for a in sorted(v.assessments, key=lambda a: a.deadline)
        ]
        rows.append(
            dcc.Link(
                href=f"/targets/{ind.code}",
                className="ov-list-row",
                id=f"target-list-{ind.code}",
                children=[
                    html.Span(ind.code, className="ov-panel-code"),
                    html.Span(ind.name(lang), className="ov-list-name"),
                    html.Span(headline_value(v, lang)[0], className="ov-list-value"),
                    html.Span(badges, className="ov-list-badges"),
                ],
            )
        )
    return rows


def target_list_page(
    panels: list[PanelData],
    selection: dict[str, Any],
    scope: Scope,
    fresh: Freshness,
    lang: str,
    only: frozenset[str] | None = None,
) -> html.Div:
    return html.Div(
        className="ioc-page ov-target-list",
        id=TargetIds.PAGE,
        children=[
            html.Div(className="ov-target-title", children=[html.H2(t("targets.title", lang))]),
            html.Div(className="ov-toolbar", children=[filter_bar(selection, lang, only=only)]),
            html.Div(
                className="ov-target-meta",
                children=[
                    html.Span(scope_label(scope, lang), className="ov-scope-chip"),
                    html.Span(freshness_text(fresh, lang), className="ov-asof"),
                ],
            ),
            html.Div(id=TargetIds.LIST, className="ov-list", children=list_body(panels, fresh, lang)),
        ],
    )


def list_body(panels: list[PanelData], fresh: Freshness, lang: str) -> list:
    if not panels:
        return [html.Div(t("targets.no_snapshot", lang), className="ioc-unavailable")]
    return ([stale_marker(lang)] if fresh.stale else []) + target_list_rows(panels, lang)


# --- export tables --------------------------------------------------------------------------------


def ranking_table(ranking: Ranking, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    tb = ranking.table
    frame = pd.DataFrame(
        {
            "rank": range(1, len(tb) + 1),
            "province_code": list(tb["code"]),
            "province": _names(tb, lang),
            "value": [round(float(v) * 100, 2) for v in tb["value"]],
            "numerator": [int(n) for n in tb["numerator"]],
            "denominator": [int(d) for d in tb["denominator"]],
            "status": [status_word(s, lang) if s else "" for s in tb["status"]],
            "level": t("filter.level34" if ranking.level == "34" else "filter.level63", lang),
        }
    )
    cols = ("rank", "province_code", "province", "value", "numerator", "denominator", "status", "level")
    return frame, {c: export_header(c, lang) for c in cols}


def breakdown_table(breakdowns: list[Breakdown], lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    rows = []
    for b in breakdowns:
        for r in b.table.to_dict("records"):
            rows.append(
                {
                    "dimension": t(f"targets.breakdown_{b.dimension}", lang),
                    "group": r["label"],
                    "value": None if pd.isna(r["value"]) else round(float(r["value"]) * 100, 2),
                    "numerator": int(r["numerator"]),
                    "denominator": int(r["denominator"]),
                }
            )
    cols = ("dimension", "group", "value", "numerator", "denominator")
    return pd.DataFrame(rows, columns=list(cols)), {c: export_header(c, lang) for c in cols}
