"""Alerts in words, in the reader's language: what a rule watches and what an alert found (page and e-mail)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from data_sources.submissions.kinds import KINDS as SUBMISSION_KINDS
from geo import provinces as geo
from ioc_app.alert_rules import BELOW_PATH, NO_SUBMISSION, STALE_REFRESH, STATUS_DROP
from ioc_app.alerts import Alert
from ioc_app.i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, t
from ioc_app.indicators import registry
from ioc_app.place_names import place_name
from ioc_app.provincial import unit_of

VIETNAM_UTC_OFFSET: Final = dt.timedelta(hours=7)
KIND_KEYS: Final = {
    BELOW_PATH: "alerts.kind.below_path",
    STATUS_DROP: "alerts.kind.status_drop",
    STALE_REFRESH: "alerts.kind.stale_refresh",
    NO_SUBMISSION: "alerts.kind.no_submission",
}
SEVERITY_KEYS: Final = {
    "info": "alerts.severity.info",
    "warning": "alerts.severity.warning",
    "critical": "alerts.severity.critical",
}
PERIOD_KEYS: Final = {"month": "alerts.period.month", "quarter": "alerts.period.quarter", "year": "alerts.period.year"}


def province_label(code: str | None, lang: str) -> str:
    """The current province's full name, or the nation."""
    if code is None:
        return t("common.national", lang)
    unit = geo.province_by_code().get(code)
    return place_name(unit.name, unit.is_city, lang, full=True) if unit is not None else code


def _unit_label(level: str, code: str, lang: str) -> str:
    unit = unit_of(level, code)
    if unit is None:
        return code
    name = unit.full_name(lang)
    return name if level == "34" else f"{name} ({t('alerts.legacy_unit', lang)})"


def _target(code: str, lang: str) -> str:
    ind = registry.get(code)
    return f"{ind.code} ({ind.name_en if lang == 'en' else ind.name_vi})"


def _status(state: str, lang: str) -> str:
    return t(f"status.{state}", lang)


def describe(alert: Alert, lang: str) -> str:
    """One sentence: what the rule found, with its figures."""
    d = alert.detail
    if alert.kind == BELOW_PATH:
        return t("alerts.detail.below_path", lang).format(
            unit=_unit_label(d["level"], d["unit"], lang),
            target=_target(d["target"], lang),
            value=fmt_percent(d["value"], lang),
            path=fmt_percent(d["path"], lang),
            start=fmt_percent(d["start"], lang),
            goal=fmt_percent(d["goal"], lang, 0),
            as_of=fmt_date(dt.date.fromisoformat(d["as_of"]), lang),
        )
    if alert.kind == STATUS_DROP:
        return t("alerts.detail.status_drop", lang).format(
            unit=province_label(d.get("unit"), lang),
            target=_target(d["target"], lang),
            before=_status(d["from"], lang),
            now=_status(d["to"], lang),
        )
    if alert.kind == STALE_REFRESH:
        last = d.get("last_ok")
        when = fmt_datetime(dt.datetime.fromisoformat(last) + VIETNAM_UTC_OFFSET, lang) if last else "—"
        return t("alerts.detail.stale_refresh", lang).format(hours=fmt_number(d["hours"], lang, 0), last=when)
    if alert.kind == NO_SUBMISSION:
        spec = SUBMISSION_KINDS[d["submission"]]
        return t("alerts.detail.no_submission", lang).format(
            unit=province_label(d.get("unit"), lang),
            submission=spec.title_en if lang == "en" else spec.title_vi,
            period=t(PERIOD_KEYS[d["period"]], lang),
            since=fmt_date(dt.date.fromisoformat(d["since"]), lang),
        )
    return alert.rule_id


def kind_label(kind: str, lang: str) -> str:
    key = KIND_KEYS.get(kind)
    return t(key, lang) if key else kind


def severity_label(severity: str, lang: str) -> str:
    key = SEVERITY_KEYS.get(severity)
    return t(key, lang) if key else severity
