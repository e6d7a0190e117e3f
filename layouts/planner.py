"""What it takes: the target page's section on the effort still needed by the deadline, the pace of
the last 12 months, a what-if input and each province's share of the gap (exportable).

Pure functions of an ``ioc_app.planner.Plan``.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd
from dash import dcc, html

from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t
from ioc_app.inputs import MAX_EFFORT
from ioc_app.place_names import place_name
from ioc_app.planner import Plan, WhatIf
from layouts.components import export_header, status_word
from layouts.home import export_buttons
from layouts.situation import lower_first, noun, target_share


class PlanIds(StrEnum):
    SECTION = "target-plan"
    EFFORT = "target-plan-effort"
    RESULT = "target-plan-result"
    CSV = "target-plan-csv"
    XLSX = "target-plan-xlsx"
    DOWNLOAD = "target-plan-download"


PROVINCES_SHOWN = 10
# Each target's own units, as the sentences count them (no per-unit text for the milestones T05, T10).
UNIT_KEYS = {
    "T01": "plan.unit.T01",
    "T02": "plan.unit.T02",
    "T03": "plan.unit.T03",
    "T04": "plan.unit.T04",
    "T06": "plan.unit.T06",
    "T07": "plan.unit.T07",
    "T08": "plan.unit.T08",
    "T09": "plan.unit.T09",
    "T11": "plan.unit.T11",
    "T12": "plan.unit.T12",
}
EXPORT_COLUMNS = ("province_code", "province", "numerator", "denominator", "gap", "gap_share", "data_date")


def units_text(plan: Plan, n: float, lang: str, decimals: int = 0) -> str:
    """'1.234 nhà giáo và cán bộ quản lý được đào tạo' / '1,234 teachers and managers trained'."""
    return f"{fmt_number(n, lang, decimals)} {noun(UNIT_KEYS[plan.code], n, lang)}" if plan.code in UNIT_KEYS else ""


def rate_text(plan: Plan, n: float, lang: str) -> str:
    """A rate a month or a year, to one decimal (2,0 nhà giáo ...)."""
    return units_text(plan, n, lang, decimals=1)


def what_if_text(plan: Plan, result: WhatIf, lang: str) -> str:
    if result.value is None:
        return ""
    return t("plan.what_if_result", lang).format(
        per_month=rate_text(plan, result.per_month, lang),
        deadline=fmt_date(plan.deadline, lang),
        value=fmt_percent(result.value, lang),
        num=fmt_number(result.numerator, lang),
        den=fmt_number(plan.denominator, lang),
        status=lower_first(status_word(result.status, lang)),
    )


def plan_sentences(plan: Plan, lang: str) -> list[str]:
    """The section's statements, in order: gap, rates, pace and where the pace leads."""
    if not plan.denominator:  # a national-level target read in a province has nothing there
        return [t("plan.no_population", lang)]
    if plan.kind == "milestone":
        if plan.gap == 0:
            return [t("plan.milestones_done", lang)]
        return [
            t("plan.milestones_left", lang).format(
                n=fmt_number(plan.gap, lang), noun=noun("situation.milestone_noun", plan.gap, lang)
            )
        ]
    target = target_share(plan.target, lang)
    if plan.gap == 0:
        return [t("plan.met", lang).format(target=target, year=plan.year)]
    if not plan.open:
        return [
            t("plan.passed", lang).format(
                deadline=fmt_date(plan.deadline, lang),
                n=fmt_number(plan.gap, lang),
                unit=noun(UNIT_KEYS[plan.code], plan.gap, lang),
                target=target,
            )
        ]
    out = [
        t("plan.needed", lang).format(
            n=fmt_number(plan.gap, lang), unit=noun(UNIT_KEYS[plan.code], plan.gap, lang), target=target, year=plan.year
        ),
        t("plan.rate", lang).format(
            months=fmt_number(plan.months_left, lang),
            month_noun=noun("plan.month_noun", plan.months_left, lang),
            per_month=rate_text(plan, plan.per_month or 0.0, lang),
            per_year=rate_text(plan, plan.per_year or 0.0, lang),
        ),
    ]
    pace = plan.pace_per_month
    if pace is None:
        out.append(t("plan.no_pace", lang))
        return out
    out.append(t("plan.pace", lang).format(pace=rate_text(plan, pace, lang), date=fmt_date(plan.year_ago_date, lang)))
    at_pace = plan.at_pace
    if at_pace is not None and at_pace.value is not None:
        out.append(
            t("plan.at_pace", lang).format(
                deadline=fmt_date(plan.deadline, lang),
                value=fmt_percent(at_pace.value, lang),
                status=lower_first(status_word(at_pace.status, lang)),
            )
        )
    return out


def plan_table(plan: Plan, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each province's gap and its share of the national gap (%), largest gap first."""
    frame = pd.DataFrame(
        [
            {
                "province_code": p.code,
                "province": place_name(p.name, p.is_city, lang, full=False),
                "numerator": p.numerator,
                "denominator": p.denominator,
                "gap": p.gap,
                "gap_share": None if p.share is None else round(p.share * 100, 2),
                "data_date": plan.data_date.isoformat(),
            }
            for p in plan.provinces
        ],
        columns=list(EXPORT_COLUMNS),
    )
    return frame, {c: export_header(c, lang) for c in EXPORT_COLUMNS}


def _provinces(plan: Plan, lang: str) -> list:
    if not plan.provinces:
        return []
    shown = [p for p in plan.provinces if p.gap > 0][:PROVINCES_SHOWN]
    rows = [
        html.Tr(
            [
                html.Td(place_name(p.name, p.is_city, lang, full=False)),
                html.Td(fmt_number(p.gap, lang), className="ioc-num"),
                html.Td("" if p.share is None else fmt_percent(p.share, lang), className="ioc-num"),
            ]
        )
        for p in shown
    ]
    head = html.Tr(
        [
            html.Th(export_header("province", lang)),
            html.Th(export_header("gap", lang)),
            html.Th(export_header("gap_share", lang)),
        ]
    )
    notes = []
    if plan.national_gap is not None:
        notes.append(
            html.P(
                t("plan.provinces_note", lang).format(n=units_text(plan, plan.national_gap, lang)),
                className="ov-muted-note",
            )
        )
    return [
        html.Div(
            className="ov-card-head",
            children=[
                html.H4(t("plan.provinces", lang)),
                export_buttons(PlanIds.CSV, PlanIds.XLSX, PlanIds.DOWNLOAD, lang),
            ],
        ),
        *notes,
        html.P(t("plan.shown", lang).format(n=fmt_number(len(shown), lang)), className="ov-muted-note"),
        html.Table([html.Thead(head), html.Tbody(rows)], className="ioc-table ov-plan-table", id="target-plan-table"),
    ]


def plan_section(plan: Plan, lang: str) -> html.Section:
    """The planner: statements, the what-if input (percentage targets still open) and the province gaps."""
    children: list = [
        html.Div(className="ov-card-head", children=[html.H3(t("plan.title", lang).format(year=plan.year))]),
        *(html.P(s, className="ov-plan-line") for s in plan_sentences(plan, lang)),
    ]
    if plan.kind == "percent" and plan.open and plan.gap > 0:
        children.append(
            html.P(
                t("plan.assumption", lang).format(
                    date=fmt_date(plan.data_date, lang), deadline=fmt_date(plan.deadline, lang)
                ),
                className="ov-muted-note",
            )
        )
        children.append(
            html.Div(
                className="ov-plan-whatif",
                children=[
                    html.Label(t("plan.what_if", lang), htmlFor=PlanIds.EFFORT),
                    dcc.Input(id=PlanIds.EFFORT, type="number", min=0, max=MAX_EFFORT, step="any", debounce=True),
                    html.P(t("plan.what_if_hint", lang), id=PlanIds.RESULT, className="ov-plan-result"),
                ],
            )
        )
    children.extend(_provinces(plan, lang))
    return html.Section(className="ov-card ov-plan", id=PlanIds.SECTION, children=children)
