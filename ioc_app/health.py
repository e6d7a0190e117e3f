"""``/healthz``: whether the app can reach its two databases."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from data_sources import vet_db
from ioc_app.services import Services, reachable


class DatabaseHealth(TypedDict):
    reachable: bool
    error: str | None
    data_date: NotRequired[str | None]


class HealthReport(TypedDict):
    status: str
    vet_database: DatabaseHealth
    ioc_database: DatabaseHealth


def health_report(services: Services) -> tuple[HealthReport, int]:
    vet_ok, vet_err = reachable(services.vet_engine)
    ioc_ok, ioc_err = reachable(services.ioc_engine)
    body: HealthReport = {
        "status": "ok" if vet_ok and ioc_ok else "degraded",
        "vet_database": {"reachable": vet_ok, "error": vet_err},
        "ioc_database": {"reachable": ioc_ok, "error": ioc_err},
    }
    if vet_ok:
        body["vet_database"]["data_date"] = (
            vet_db.data_info(services.vet_engine).get("data_date") if vet_db.has_data(services.vet_engine) else None
        )
    return body, 200 if vet_ok and ioc_ok else 503


def register(server: Flask, services: Services) -> None:
    @server.get("/healthz")
    def healthz() -> ResponseReturnValue:
        body, status = health_report(services)
        return jsonify(body), status
