"""How a figure reads, in the page's language: a status word, a value, a scope's name, a task's schedule.

Shared by the pages (``layouts``) and the printed meeting brief (``ioc_app.brief``), so a figure
reads the same on the screen and on paper.
"""

from __future__ import annotations

from ioc_app.focus_tasks import ProgressReport
from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t
from ioc_app.indicators.scopes import Scope
from ioc_app.kpis import IndicatorView
from ioc_app.place_names import province_name

# Colour AND icon AND word, never colour alone. Colours from the Okabe-Ito palette (colour-blind safe).
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "achieved": ("✔", "#009E73"),
    "on_track": ("↗", "#0072B2"),
    "at_risk": ("⚠", "#E69F00"),
    "off_track": ("↘", "#D55E00"),
    "missed": ("✖", "#A4343A"),
    # Neutral greys (white text at >= 4.5:1): neither says how the target is going; icon and word tell them apart.
    "no_projection": ("…", "#647287"),
    "not_measured": ("?", "#5B616B"),
    "no_data": ("–", "#8A8F98"),
}


def status_word(status: str | None, lang: str) -> str:
    # "No data" reads the same as a status as it does anywhere else.
    return t("common.no_data" if not status or status == "no_data" else f"status.{status}", lang)


def value_text(
    value: float | None, kind: str, lang: str, numerator: int | None = None, denominator: int | None = None
) -> str:
    """A figure as people read it: 57,3% for shares; '1/2 mốc' or 'Đã hoàn thành' for milestones."""
    if value is None:
        return t("common.no_data", lang)
    if kind == "milestone":
        if denominator and denominator > 1:
            return f"{fmt_number(numerator, lang)}/{fmt_number(denominator, lang)} {t('milestone.of', lang)}"
        return t("milestone.done", lang) if value >= 1 else t("milestone.not_done", lang)
    return fmt_percent(value, lang)


def scope_label(scope: Scope, lang: str) -> str:
    """'Toàn quốc' or 'Thành phố Hà Nội · Trường cao đẳng · Công lập' (the unit named in full)."""
    parts = []
    if scope.province34:
        parts.append(province_name(scope.province34, lang))
    if scope.province63:
        parts.append(province_name(scope.province63, lang, level="63"))
    if scope.inst_type:
        parts.append(t(f"type.{scope.inst_type}", lang))
    if scope.ownership:
        parts.append(t(f"ownership.{scope.ownership}", lang))
    return " · ".join(parts) or t("common.national", lang)


def milestone_counts(view: IndicatorView) -> tuple[int, int]:
    """Milestones achieved and milestones in all, over the judged series (T10: map formed + map linked)."""
    lasts = [view.series[s.key].last for s in view.indicator.series if s.key in view.series]
    return sum(int(x["numerator"]) for x in lasts), sum(int(x["denominator"]) for x in lasts)


def headline_value(view: IndicatorView, lang: str) -> tuple[str, str]:
    """The figure a panel leads with, and its numerator/denominator detail.

    Shares read '57,3%' ('1.234 / 2.154'); milestones count over every judged series, so T10 (map
    formed by 2025, linked by 2030) reads '1/2 mốc' rather than only its 2030 milestone.
    """
    ind = view.indicator
    if ind.kind == "milestone":
        done, total = milestone_counts(view)
        return value_text(done / total if total else None, ind.kind, lang, done, total), ""
    last = view.headline_series.last
    detail = (
        f"{fmt_number(last['numerator'], lang)} / {fmt_number(last['denominator'], lang)}"
        if last["denominator"]
        else ""
    )
    return value_text(last["value"], ind.kind, lang, last["numerator"], last["denominator"]), detail


def schedule_label(status: str, lang: str) -> str:
    return t(f"tasks.schedule.{status}", lang)


def reported_label(state: str, lang: str) -> str:
    return t(f"tasks.reported.{state}", lang)


def percent_text(report: ProgressReport, lang: str) -> str:
    return "" if report.percent is None else f"{fmt_number(report.percent, lang)}%"


def report_summary(report: ProgressReport | None, lang: str) -> str:
    """One line of plain text: the reported state, percent, date and source (or that there is none)."""
    if report is None:
        return t("tasks.no_report", lang)
    state = reported_label(report.state, lang)
    if report.percent is not None:
        state += f" ({percent_text(report, lang)})"
    return (
        f"{t('tasks.reported_title', lang)}: {state}; {t('tasks.reported_on', lang)} "
        f"{fmt_date(report.reported_on, lang)}; {t('tasks.source', lang)}: {report.source}"
    )
