"""The sources page (server-rendered, like the import page): ``/sources`` and its missing list.

For the VET database and each kind of provincial submission: the last success, the last error and
the rows; for each kind, the share of provinces and institutions that submitted in its reporting
period (``ioc_app.completeness``) and who has not, downloadable as CSV or Excel
(``/sources/missing.csv|xlsx``). People signed in through a session see it; a province user sees
their own province and its institutions only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import pandas as pd
from flask import Blueprint, Flask, abort
from flask.typing import ResponseReturnValue

from ioc_app import audit, completeness, exports, sources
from ioc_app.auth import province_name, render_page, request_language, require_person
from ioc_app.completeness import KindCompleteness, Period
from ioc_app.i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, t
from ioc_app.services import Services

SOURCES_PATH: Final = "/sources"
MISSING_SHOWN: Final = 50  # per kind on the page; the download has them all
SOURCE_KEYS: Final = {
    "vet": "sources.vet",
    "training": "sources.training",
    "inspection": "sources.inspection",
    "report": "sources.report",
    "readiness": "sources.readiness",
}


def today_in_vietnam() -> dt.date:
    return (dt.datetime.now(dt.UTC) + audit.VIETNAM_UTC_OFFSET).date()


def period_text(period: Period, lang: str) -> str:
    if period.start is None:
        return t("sources.period_snapshot", lang)
    quarter = period.label.rsplit("Q", 1)[-1]
    text = t("sources.period_quarter", lang).format(
        quarter=quarter, year=period.start.year, start=fmt_date(period.start, lang)
    )
    if period.report_period:
        text += "; " + t("sources.period_report", lang).format(period=period.report_period)
    return text


def share_text(done: int, total: int, lang: str) -> str:
    share = fmt_percent(done / total, lang) if total else "—"
    return f"{fmt_number(done, lang)}/{fmt_number(total, lang)} ({share})"


def missing_frame(results: list[KindCompleteness], lang: str) -> pd.DataFrame:
    """Every province and institution that has not submitted, one row each, per kind."""
    rows: list[list[str]] = []
    for r in results:
        kind, period = t(SOURCE_KEYS[r.kind], lang), period_text(r.period, lang)
        level_p, level_i = t("common.province", lang), t("sources.level_institution", lang)
        rows += [[kind, period, level_p, code, province_name(code) or code, ""] for code in r.missing_provinces]
        rows += [
            [kind, period, level_i, m.code, m.name, province_name(m.province_code) or m.province_code]
            for m in r.missing_institutions
        ]
    columns = [
        t(k, lang)
        for k in (
            "sources.col_kind",
            "sources.col_period",
            "sources.col_level",
            "common.code",
            "sources.col_name",
            "common.province",
        )
    ]
    return pd.DataFrame(rows, columns=columns)


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_sources", __name__)
    settings = services.settings

    def when(lang: str) -> Any:
        def fmt(value: dt.datetime | None) -> str:
            return t("sources.never", lang) if value is None else fmt_datetime(value + audit.VIETNAM_UTC_OFFSET, lang)

        return fmt

    @bp.get(SOURCES_PATH)
    @require_person
    def page() -> ResponseReturnValue:
        lang = request_language(settings.default_language)
        province = completeness.reader_province()
        results = completeness.for_reader(services.vet_engine, services.ioc_engine, today_in_vietnam())
        states = [sources.vet_state(services.vet_engine, services.ioc_engine)]
        states += sources.import_states(services.ioc_engine, province)
        return render_page(
            "sources_page.html",
            settings.default_language,
            states=states,
            results=results,
            source_name=lambda key: t(SOURCE_KEYS[key], lang),
            when=when(lang),
            number=lambda n: "—" if n is None else fmt_number(n, lang),
            period_text=lambda p: period_text(p, lang),
            share_text=lambda done, total: share_text(done, total, lang),
            province_name=lambda code: province_name(code) or code,
            scope_province=province_name(province) if province else None,
            shown=MISSING_SHOWN,
        )

    @bp.get(f"{SOURCES_PATH}/missing.<fmt>")
    @require_person
    def missing(fmt: str) -> ResponseReturnValue:
        if fmt not in ("xlsx", "csv"):
            abort(404)
        lang = request_language(settings.default_language)
        today = today_in_vietnam()
        frame = missing_frame(completeness.for_reader(services.vet_engine, services.ioc_engine, today), lang)
        return exports.file_response(frame, fmt, f"chua-gui_{today.isoformat()}", sheet="missing")

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
