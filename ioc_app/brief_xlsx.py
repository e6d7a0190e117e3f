"""The meeting brief's tables as one Excel workbook: the cover, the twelve targets, the province table,
the targets at risk with their paragraphs and the focus tasks, each on its own sheet.

The figures are the PDF's (one :class:`ioc_app.brief.Brief`); shares in % to one decimal as the
scorecard's export gives them, numerators and denominators whole. Text cells are neutralised as in
every export (``exports.prepare``).
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ioc_app.brief import Brief, ProvinceRow
from ioc_app.exports import prepare
from ioc_app.i18n import fmt_date, t
from ioc_app.indicators import registry
from ioc_app.scorecard import Cell
from ioc_app.wording import report_summary, schedule_label, status_word

SHEET_MAX = 31  # Excel's limit on a sheet's name


def _share(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def cover_frame(brief: Brief) -> pd.DataFrame:
    lang = brief.lang
    rows = [
        (t("brief.title", lang), t("app.title", lang)),
        (t("common.scope", lang), brief.scope_name),
        (t("common.data_date", lang), fmt_date(brief.data_date, lang)),
        (t("brief.situation", lang), brief.situation),
    ]
    return pd.DataFrame(rows, columns=["", " "])


def targets_frame(brief: Brief) -> pd.DataFrame:
    lang = brief.lang
    rows = [
        {
            t("common.code", lang): line.code,
            t("common.target", lang): line.name,
            t("common.value", lang): line.value,
            t("export.value", lang): _share(line.share) if line.kind == "percent" else None,
            t("common.numerator", lang): line.numerator,
            t("common.denominator", lang): line.denominator,
            t("common.status", lang): line.word,
            t("brief.deadlines", lang): "; ".join(
                " · ".join(x for x in (d.head, d.target, d.figure, d.word) if x) for d in line.deadlines
            ),
        }
        for line in brief.targets
    ]
    return pd.DataFrame(rows)


def _status_text(cell: Cell, lang: str) -> str:
    if cell.mode == "national" and cell.value is None:
        return t("sc.national_only", lang)
    return t("sc.info", lang) if cell.status is None else status_word(cell.status, lang)


def provinces_frame(brief: Brief) -> pd.DataFrame:
    """One row per unit (and the nation's when the reader may see it): per target its value in %, status,
    numerator and denominator, as the scorecard's export."""
    lang = brief.lang
    shown: list[ProvinceRow] = [*brief.provinces, *([brief.national] if brief.national is not None else [])]
    rows = []
    for row in shown:
        out: dict[str, Any] = {t("common.code", lang): row.code, t("common.province", lang): row.name}
        for ind in registry.INDICATORS:
            c = row.cells[ind.code]
            out[f"{ind.code} – {t('export.part.value', lang)}"] = _share(c.value)
            out[f"{ind.code} – {t('export.part.status', lang)}"] = _status_text(c, lang)
            out[f"{ind.code} – {t('export.part.numerator', lang)}"] = c.numerator if c.denominator else None
            out[f"{ind.code} – {t('export.part.denominator', lang)}"] = c.denominator if c.denominator else None
            if row.rank is not None:
                out[f"{ind.code} – {t('export.rank', lang)}"] = row.rank.get(ind.code)
        rows.append(out)
    frame = pd.DataFrame(rows)
    whole = tuple(t(k, lang) for k in ("export.part.numerator", "export.part.denominator", "export.rank"))
    for col in frame.columns:
        if str(col).endswith(whole):
            frame[col] = frame[col].astype("Int64")  # whole numbers, blank where there is none
    return frame


def at_risk_frame(brief: Brief) -> pd.DataFrame:
    lang = brief.lang
    columns = [t(k, lang) for k in ("common.code", "common.target", "common.status", "situation.title")]
    return pd.DataFrame([(a.code, a.name, a.word, a.paragraph) for a in brief.at_risk], columns=columns)


def tasks_frame(brief: Brief, authority: str) -> pd.DataFrame:
    lang = brief.lang
    keys = (
        "tasks.col_no",
        "tasks.col_task",
        "tasks.col_lead",
        "tasks.col_period",
        "tasks.col_schedule",
        "tasks.reported_title",
    )
    rows = []
    for state in brief.tasks:
        task = state.task
        lead = task.lead(lang)
        if task.led_by_vet_authority:
            lead += f" ({t('tasks.now_led_by', lang)}: {authority})"
        rows.append(
            (
                task.number,
                task.title(lang),
                lead,
                task.period,
                schedule_label(state.schedule, lang),
                report_summary(state.report, lang),
            )
        )
    return pd.DataFrame(rows, columns=[t(k, lang) for k in keys])


def sheets(brief: Brief, authority: str) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name, in order."""
    lang = brief.lang
    return {
        t("brief.title", lang): cover_frame(brief),
        t("common.target", lang): targets_frame(brief),
        t("nav.scorecard", lang): provinces_frame(brief),
        t("brief.sheet_at_risk", lang): at_risk_frame(brief),
        t("nav.tasks", lang): tasks_frame(brief, authority),
    }


def xlsx_bytes(brief: Brief, authority: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets(brief, authority).items():
            prepare(frame).to_excel(writer, index=False, sheet_name=name[:SHEET_MAX])
    return buf.getvalue()
