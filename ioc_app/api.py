"""The read API (JSON, stable shapes): ``/api/v1/...``. Errors are JSON with a message, never a trace."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ioc_app import access, kpis, planner, situation, snapshots
from ioc_app.database_checks import is_outage
from ioc_app.facts import indicator_facts, rules_of
from ioc_app.indicators import registry
from ioc_app.indicators.citation import citations
from ioc_app.indicators.scopes import NATIONAL, ScopeError, parse
from ioc_app.indicators.status import Assessment
from ioc_app.inputs import InputError, iso_date, planned_effort
from ioc_app.kpis import IndicatorView
from ioc_app.services import Services
from ioc_app.settings import Settings

API_PREFIX = "/api/v1"
COUNTING_RULE_TARGETS = ("T04", "T08")  # the targets whose counting rules are configuration
log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6)


def _names(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def indicator_summary(ind: registry.Indicator) -> dict[str, Any]:
    return {
        "code": ind.code,
        "name": _names(ind.name_vi, ind.name_en),
        "article": ind.article,  # the registry's short form, "1.2.a"
        "citation": citations(ind.article),  # "Điều 1, mục I, khoản 2, điểm a" / "Article 1, section I, ..."
        "kind": ind.kind,
        "unit": ind.unit,
        "direction": ind.direction,
        "targets": [
            {"year": t.year, "value": t.value, "series": t.series, "at_least": t.at_least} for t in ind.targets
        ],
    }


def assessment_json(a: Assessment) -> dict[str, Any]:
    proj = a.projection
    return {
        "year": a.year,
        "deadline": a.deadline.isoformat(),
        "target": a.target,
        "series": a.series,
        "status": a.status,
        "judged": a.judged,
        "value": _num(a.value),
        "projection": None
        if proj is None
        else {
            "value": _num(proj.value),
            "low": _num(proj.low),
            "high": _num(proj.high),
            "slope_per_year": _num(proj.slope_per_year),
        },
        "gain_needed_per_year": _num(a.gain_needed_per_year),
    }


def view_json(
    view: IndicatorView, snapshot: snapshots.Snapshot, settings: Settings, with_trajectory: bool = True
) -> dict[str, Any]:
    ind = view.indicator
    head = view.headline_series.last
    headline = view.headline
    body = indicator_summary(ind)
    facts = {lang: indicator_facts(ind, snapshot.rules, settings, lang) for lang in ("vi", "en")}
    rules = rules_of(snapshot.rules)
    body.update(
        {
            "definition": _names(facts["vi"].definition, facts["en"].definition),
            "interpretations": {lang: list(f.interpretations) for lang, f in facts.items()},
            "counting_rules": {
                "min_record_share": float(rules.min_record_share),
                "it_occupations": [
                    {"code": o.code, "name": _names(o.name_vi, o.name_en)} for o in rules.it_occupations
                ],
            }
            if ind.code in COUNTING_RULE_TARGETS
            else None,
            "legal_text_vi": ind.legal_text_vi,
            "source": _names(ind.source_vi, ind.source_en),
            "scope": view.scope.key,
            "as_of": view.as_of.isoformat(),
            "data_date": snapshot.run.data_date.isoformat(),
            "snapshot": {"id": snapshot.run.id, "refreshed_at": snapshot.run.finished_at.isoformat() + "Z"},
            "series_key": ind.headline_series.key,
            "value": _num(head["value"]),
            "numerator": head["numerator"],
            "denominator": head["denominator"],
            "status": headline.status if headline else None,
            "assessments": [assessment_json(a) for a in view.assessments],
        }
    )
    series_out = []
    for s in ind.all_series:
        sv = view.series[s.key]
        item: dict[str, Any] = {
            "key": s.key,
            # judged: a target is judged on it; supporting: shown beside (T08's record share, T10's map).
            "role": "judged" if s in ind.series else "supporting",
            "population": _names(s.population_vi, s.population_en),
            "numerator_label": _names(s.numerator_vi, s.numerator_en),
            "national_only": s.national_only,
            **{k: (_num(v) if k == "value" else v) for k, v in sv.last.items()},
        }
        if with_trajectory:
            item["trajectory"] = [
                {"period_end": d.isoformat(), "numerator": int(n), "denominator": int(dn), "value": _num(v)}
                for d, n, dn, v in sv.trajectory[["period_end", "numerator", "denominator", "value"]].itertuples(
                    index=False
                )
            ]
        series_out.append(item)
    body["series"] = series_out
    return body


def _plain(value: Any) -> Any:
    """A dataclass's fields as JSON: dates in ISO, non-finite numbers as null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return _num(value)
    return value


def plan_json(plan: planner.Plan, effort: float | None) -> dict[str, Any]:
    """A target's plan: the gap in its units, the effort per month and per year, the last 12 months'
    pace and where it leads, each province's gap and share, and the what-if of ``effort`` a month."""
    at_pace = plan.at_pace
    body: dict[str, Any] = _plain(dataclasses.asdict(plan))
    body.update(
        value=_num(plan.value),
        gap=plan.gap,
        open=plan.open,
        per_month=_num(plan.per_month),
        per_year=_num(plan.per_year),
        pace_per_month=_num(plan.pace_per_month),
        at_pace=_plain(dataclasses.asdict(at_pace)) if at_pace is not None else None,
        what_if=_plain(dataclasses.asdict(plan.what_if(effort))) if effort is not None else None,
        assumption="the population stays at its size at the data date",
    )
    return body


def situation_json(s: situation.TargetSituation) -> dict[str, Any]:
    """The facts a target's written situation states (changes in percentage points)."""
    body: dict[str, Any] = _plain(dataclasses.asdict(s))
    body.update(quarter_change=_num(s.quarter_change), year_change=_num(s.year_change))
    return body


def _snapshot(services: Services) -> snapshots.Snapshot:
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        raise ApiError(503, "no snapshot yet: run `python -m ioc_app refresh`")
    return snap


def _as_of(raw: str | None, snap: snapshots.Snapshot) -> dt.date:
    if not raw:
        return snap.run.data_date
    try:
        value = iso_date(raw, "as_of")
    except InputError as exc:
        raise ApiError(400, str(exc)) from None
    first = snap.period_ends[0] if snap.period_ends else snap.run.data_date
    if not first <= value <= snap.run.data_date:
        raise ApiError(
            400, f"as_of must lie between {first.isoformat()} and the data date {snap.run.data_date.isoformat()}"
        )
    return value


RETRY_AFTER_SECONDS = 30


def unavailable_response(err: Exception, path: str) -> ResponseReturnValue:
    """503 with a reason and Retry-After: a database cannot be used now, or live counts are all busy."""
    if isinstance(err, kpis.LiveCountBusy):
        message = str(err)
    else:
        log.warning("API request %s: a database is unavailable: %s", path, str(err).splitlines()[0] if str(err) else "")
        message = "a database cannot be read now; retry later"
    body = jsonify({"error": message, "status": 503})
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("api_v1", __name__, url_prefix=API_PREFIX)

    # Blueprint handlers come before the app's: a refusal must stay a 403, not the 500 below.
    bp.register_error_handler(access.Forbidden, access.forbidden_response)

    @bp.errorhandler(ApiError)
    def _api_error(err: ApiError) -> ResponseReturnValue:
        return jsonify({"error": err.message, "status": err.status}), err.status

    @bp.errorhandler(Exception)
    def _unexpected(err: Exception) -> ResponseReturnValue:
        if isinstance(err, HTTPException):
            # Flask hands handlers only HTTP errors that carry a code; the 500 is never used.
            return jsonify({"error": err.description, "status": err.code}), err.code or 500
        if isinstance(err, kpis.LiveCountBusy) or is_outage(err):
            return unavailable_response(err, request.path)
        log.exception("API request failed: %s", request.path)
        return jsonify({"error": "internal error; the operators have been told", "status": 500}), 500

    @bp.get("/indicators")
    def list_indicators() -> ResponseReturnValue:
        snap = _snapshot(services)
        scope = access.readable(NATIONAL)  # a province user's "national" list is their province
        items = [view_json(v, snap, services.settings, with_trajectory=False) for v in kpis.all_views(snap, scope)]
        return jsonify({"data_date": snap.run.data_date.isoformat(), "snapshot_id": snap.run.id, "indicators": items})

    @bp.get("/indicators/<code>")
    def get_indicator(code: str) -> ResponseReturnValue:
        try:
            ind = registry.get(code)
        except KeyError:
            raise ApiError(404, f"unknown indicator {code!r}; codes are T01-T12") from None
        try:
            scope = parse(request.args.get("scope"))
        except ScopeError as exc:
            raise ApiError(400, str(exc)) from None
        snap = _snapshot(services)
        as_of = _as_of(request.args.get("as_of"), snap)
        view = kpis.indicator_view(snap, ind, access.readable(scope), as_of, vet_engine=services.vet_engine)
        return jsonify(view_json(view, snap, services.settings))

    def _target_and_scope(code: str) -> tuple[registry.Indicator, Any]:
        try:
            ind = registry.get(code)
        except KeyError:
            raise ApiError(404, f"unknown indicator {code!r}; codes are T01-T12") from None
        try:
            return ind, parse(request.args.get("scope"))
        except ScopeError as exc:
            raise ApiError(400, str(exc)) from None

    @bp.get("/targets/<code>/plan")
    def get_plan(code: str) -> ResponseReturnValue:
        ind, scope = _target_and_scope(code)
        raw = request.args.get("effort")
        try:
            effort = planned_effort(float(raw)) if raw not in (None, "") else None
        except (InputError, ValueError):
            raise ApiError(400, "effort must be a number of units a month, 0 or more") from None
        level = "63" if request.args.get("level") == "63" else "34"
        snap = _snapshot(services)
        return jsonify(plan_json(planner.plan(snap, ind, scope, level), effort))

    @bp.get("/targets/<code>/situation")
    def get_situation(code: str) -> ResponseReturnValue:
        ind, scope = _target_and_scope(code)
        level = "63" if request.args.get("level") == "63" else "34"
        snap = _snapshot(services)
        return jsonify(situation_json(situation.target_situation(snap, ind, scope, level)))

    @bp.route("/<path:rest>")
    def _unknown(rest: str) -> ResponseReturnValue:
        # Dash serves its page for any other path; the API answers JSON instead.
        raise ApiError(404, f"no such endpoint: {API_PREFIX}/{rest}")

    return bp


def register(server: Flask, services: Services) -> None:
    # Vietnamese stays readable.
    server.json.ensure_ascii = False  # type: ignore[attr-defined]  # Flask types app.json as the JSONProvider base; DefaultJSONProvider has ensure_ascii
    # HTTP errors outside the blueprint's views (404, 405, 413) are answered in ioc_app/security.py.
    server.register_blueprint(build_blueprint(services))
