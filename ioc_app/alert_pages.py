"""``/alerts``: the open and cleared alerts, filtered, with an acknowledge button (server-rendered, for people
signed in; a province user sees and acknowledges their province's alerts only, decided in ``ioc_app.alerts``
from the server-side identity, never from the form)."""

from __future__ import annotations

from typing import Any, Final

from flask import Blueprint, Flask, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from ioc_app import alert_texts, alerts
from ioc_app.admin import done_message, flashed_messages, when_formatter
from ioc_app.alert_rules import SEVERITIES
from ioc_app.auth import render_page, request_language, require_person
from ioc_app.identity import current_identity
from ioc_app.services import Services

ALERTS_PATH: Final = "/alerts"
STATES: Final = ("open", "cleared", "all")
SHOWN: Final = 500


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_alerts", __name__)
    engine = services.ioc_engine
    default_language = services.settings.default_language

    def page(status: int = 200, error: str | None = None) -> Response:
        lang = request_language(default_language)
        identity = current_identity()
        state = request.args.get("state", "open")
        state = state if state in STATES else "open"
        severity = request.args.get("severity") or None
        severity = severity if severity in SEVERITIES else None
        rule_id = (request.args.get("rule") or "").strip()[:60] or None
        shown = alerts.alerts(engine, identity, state, rule_id, severity, limit=SHOWN)
        rows: list[dict[str, Any]] = [
            {
                "alert": a,
                "where": alert_texts.province_label(a.province, lang),
                "what": alert_texts.describe(a, lang),
                "kind": alert_texts.kind_label(a.kind, lang),
                "severity": alert_texts.severity_label(a.severity, lang),
            }
            for a in shown
        ]
        return render_page(
            "alert_list.html",
            default_language,
            status,
            rows=rows,
            open_count=alerts.open_alert_count(engine, identity),
            filters={"state": state, "severity": severity or "", "rule": rule_id or ""},
            states=STATES,
            severities=[(s, alert_texts.severity_label(s, lang)) for s in SEVERITIES],
            rule_ids=alerts.rule_ids(engine),
            when=when_formatter(lang),
            done=flashed_messages(),
            error=error,
        )

    @bp.get(ALERTS_PATH)
    @require_person
    def listing() -> ResponseReturnValue:
        return page()

    @bp.post(f"{ALERTS_PATH}/<int:alert_id>/acknowledge")
    @require_person
    def acknowledge(alert_id: int) -> ResponseReturnValue:
        try:
            done = alerts.acknowledge(engine, alert_id, current_identity())
        except alerts.AlertError as exc:
            return page(404 if exc.key == "alerts.not_found" else 409, exc.key)
        done_message("alerts.acknowledged", f"#{done.id}")
        return redirect(ALERTS_PATH)

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
