"""``/healthz``: whether the app can read its two databases and whether its figures are current.

Always JSON: 200 ``ok``, or 503 ``degraded`` with the reasons (a database that cannot be read now,
with its error; the last refresh failed). Each database is checked with a real query on its own
tables (``ioc_app.database_checks``). While degraded the dashboard keeps serving the last good
snapshot, which the body names with ``stale_since``.

With ``REDIS_URL`` set the body also says whether Redis answers, without degrading the status: without
Redis the app serves on (results computed per worker, new snapshots found by the poll), so a node must
not be taken out of the load balancer for it.
"""

from __future__ import annotations

import logging
from typing import Any, NotRequired, TypedDict

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from ioc_app import shared_redis, snapshots
from ioc_app.database_checks import check_ioc, check_vet
from ioc_app.services import Services

log = logging.getLogger(__name__)


class DatabaseHealth(TypedDict):
    reachable: bool
    error: str | None
    data_date: NotRequired[str | None]


class HealthReport(TypedDict):
    status: str
    reasons: list[str]
    vet_database: DatabaseHealth
    ioc_database: DatabaseHealth
    snapshot: dict[str, Any] | None
    last_refresh: dict[str, Any] | None
    redis: NotRequired[RedisHealth]


class RedisHealth(TypedDict):
    reachable: bool
    error: str | None
    listening: bool


def health_report(services: Services) -> tuple[HealthReport, int]:
    vet, ioc = check_vet(services.vet_engine), check_ioc(services.ioc_engine)
    reasons = []
    if not vet.ok:
        reasons.append(f"the VET database cannot be read: {vet.error}")
    if not ioc.ok:
        reasons.append(f"the IOC store cannot be read: {ioc.error}")
    snapshot: dict[str, Any] | None = None
    last_refresh: dict[str, Any] | None = None
    if ioc.ok:
        try:
            run = snapshots.latest_run(services.ioc_engine)
            failure = snapshots.last_failure(services.ioc_engine)
        except Exception as exc:  # noqa: BLE001 - reported below; the check above may have raced an outage
            reasons.append(f"the IOC store cannot be read: {type(exc).__name__}")
        else:
            if run is not None:
                snapshot = {
                    "id": run.id,
                    "refreshed_at": run.finished_at.isoformat() + "Z",
                    "data_date": run.data_date.isoformat(),
                }
            if failure is not None and (run is None or failure.id > run.id):
                when = failure.finished_at.isoformat() + "Z" if failure.finished_at else None
                last_refresh = {"id": failure.id, "status": "failed", "finished_at": when, "error": failure.error}
                reasons.append(f"the last refresh failed: {failure.error}")
    degraded = bool(reasons)
    if snapshot is not None and degraded:
        snapshot["stale_since"] = snapshot["refreshed_at"]  # the figures served are the last good ones
    body: HealthReport = {
        "status": "degraded" if degraded else "ok",
        "reasons": reasons,
        "vet_database": {"reachable": vet.ok, "error": vet.error},
        "ioc_database": {"reachable": ioc.ok, "error": ioc.error},
        "snapshot": snapshot,
        "last_refresh": last_refresh,
    }
    if vet.ok:
        body["vet_database"]["data_date"] = vet.data_date
    if services.settings.redis_url:
        link = shared_redis.link(services.settings.redis_url)
        error = link.ping()
        body["redis"] = {"reachable": error is None, "error": error, "listening": link.subscribed}
    return body, 503 if degraded else 200


def register(server: Flask, services: Services) -> None:
    @server.get("/healthz")
    def healthz() -> ResponseReturnValue:
        try:
            body, status = health_report(services)
        except Exception as exc:  # the check itself must answer JSON, whatever broke
            log.exception("the health check failed")
            return jsonify({"status": "degraded", "reasons": [f"the health check failed: {type(exc).__name__}"]}), 503
        return jsonify(body), status
