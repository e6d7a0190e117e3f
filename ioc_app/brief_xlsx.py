"""The meeting brief's tables as one Excel workbook: the cover, the twelve targets, the province table,
the targets at risk with their paragraphs and the focus tasks, each on its own sheet.

The rows are the PDF's (``ioc_app.brief.tables``); shares in % to one decimal as the
scorecard's export gives them, numerators and denominators whole. Text cells are neutralised as in
every export (``exports.prepare``).
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ioc_app.brief import TASK_COLUMNS, Brief, Tables, cell_status_text, tables
from ioc_app.exports import prepare
from ioc_app.i18n import fmt_date, t
from ioc_app.indicators import registry

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


def targets_frame(rows: Tables, lang: str) -> pd.DataFrame:
    lines = [
        {
            t("common.code", lang): line.code,
            t("common.target", lang): line.name,
            t("common.value", lang): line.value,
            t("export.value", lang): _share(line.share) if line.kind == "percent" else None,
            t("common.numerator", lang): line.numerator,
            t("common.denominator", lang): line.denominator,
            t("common.status", lang): line.word,
            t("brief.deadlines", lang): "; ".join(f"{d.label} · {d.word}" for d in line.deadlines),
        }
        for line in rows.targets
    ]
    return pd.DataFrame(lines)


def provinces_frame(rows: Tables, lang: str) -> pd.DataFrame:
    """One row per unit (and the nation's when the reader may see it): per target its value in %, status,
    numerator and denominator, as the scorecard's export."""
    lines = []
    for row in rows.provinces:
        out: dict[str, Any] = {t("common.code", lang): row.code, t("common.province", lang): row.name}
        for ind in registry.INDICATORS:
            c = row.cells[ind.code]
            out[f"{ind.code} – {t('export.part.value', lang)}"] = _share(c.value)
            out[f"{ind.code} – {t('export.part.status', lang)}"] = cell_status_text(c, lang)
            out[f"{ind.code} – {t('export.part.numerator', lang)}"] = c.numerator if c.denominator else None
            out[f"{ind.code} – {t('export.part.denominator', lang)}"] = c.denominator if c.denominator else None
            if row.rank is not None:
                out[f"{ind.code} – {t('export.rank', lang)}"] = row.rank.get(ind.code)
        lines.append(out)
    frame = pd.DataFrame(lines)
    whole = tuple(t(k, lang) for k in ("export.part.numerator", "export.part.denominator", "export.rank"))
    for col in frame.columns:
        if str(col).endswith(whole):
            frame[col] = frame[col].astype("Int64")  # whole numbers, blank where there is none
    return frame


def at_risk_frame(rows: Tables, lang: str) -> pd.DataFrame:
    columns = [t(k, lang) for k in ("common.code", "common.target", "common.status", "situation.title")]
    return pd.DataFrame([(a.code, a.name, a.word, a.paragraph) for a in rows.at_risk], columns=columns)


def tasks_frame(rows: Tables, lang: str) -> pd.DataFrame:
    lines = [
        (r.number, r.title, f"{r.lead} ({r.now_led_by})" if r.now_led_by else r.lead, r.period, r.schedule, r.report)
        for r in rows.tasks
    ]
    return pd.DataFrame(lines, columns=[t(k, lang) for k in TASK_COLUMNS])


def sheets(brief: Brief, authority: str) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name, in order."""
    lang, rows = brief.lang, tables(brief, authority)
    return {
        t("brief.title", lang): cover_frame(brief),
        t("common.target", lang): targets_frame(rows, lang),
        t("nav.scorecard", lang): provinces_frame(rows, lang),
        t("brief.sheet_at_risk", lang): at_risk_frame(rows, lang),
        t("nav.tasks", lang): tasks_frame(rows, lang),
    }


def xlsx_bytes(brief: Brief, authority: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets(brief, authority).items():
            prepare(frame).to_excel(writer, index=False, sheet_name=name[:SHEET_MAX])
    return buf.getvalue()
