"""``/healthz``: whether the app can reach its two databases."""

from __future__ import annotations

from flask import Flask, jsonify

from data_sources import vet_db
from ioc_app.services import Services, reachable


def health_report(services: Services) -> tuple[dict, int]:
    vet_ok, vet_err = reachable(services.vet_engine)
    ioc_ok, ioc_err = reachable(services.ioc_engine)
    body = {
        "status": "ok" if vet_ok and ioc_ok else "degraded",
        "vet_database": {"reachable": vet_ok, "error": vet_err},
        "ioc_database": {"reachable": ioc_ok, "error": ioc_err},
    }
    if vet_ok:
        body["vet_database"]["data_date"] = vet_db.data_info(services.vet_engine).get("data_date") \
            if vet_db.has_data(services.vet_engine) else None
    return body, 200 if vet_ok and ioc_ok else 503


def register(server: Flask, services: Services) -> None:
    @server.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        body, status = health_report(services)
        return jsonify(body), status
