"""``/metrics`` for Prometheus: request latency per route and per Dash callback, and the IOC store's state.

Every request is timed once here: the time goes to the latency histogram and to the request's log line
(logger ``ioc.request``; one JSON object per line in production, see ``ioc_app.logs``).

Two kinds of figures:
- request latency, counted in the process that answered (with several gunicorn workers, set
  ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory and every worker's counts are added up; see
  gunicorn.conf.py);
- the snapshot's age, the refreshes and the imports, read from the IOC store when Prometheus scrapes:
  the refresh runs in another process (the scheduler), and the store is what every process shares.

The endpoint is off unless ``IOC_METRICS_TOKEN`` is set; then it answers only a request bearing that
token (``Authorization: Bearer ...``), as Prometheus sends it with ``authorization: credentials``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any, Final

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ioc_app.identity import current_identity
from ioc_app.logs import REQUEST_LOGGER
from ioc_app.security import callback_body
from ioc_app.services import Services
from ioc_app.store import RefreshRun, SubmissionImport

request_log = logging.getLogger(REQUEST_LOGGER)

METRICS_PATH: Final = "/metrics"
DASH_CALLBACK_PATH: Final = "/_dash-update-component"
# Seconds: from a language toggle (a few ms) to a cold national page (seconds).
BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_LABEL: Final = 120  # a callback's outputs named in full can be long; the label keeps its start

REQUEST_SECONDS: Final = Histogram(
    "ioc_request_duration_seconds",
    "Time to answer a request, per route (pages: their first path segment) or per Dash callback (its outputs).",
    ["kind", "name", "method", "status"],
    buckets=BUCKETS,
)


def install(server: Flask, services: Services, page_paths: Iterable[str]) -> None:
    """Time every request on ``server`` and serve ``/metrics`` (when a metrics token is configured)."""
    pages = frozenset(p.strip("/") for p in page_paths)

    @server.before_request
    def _start_clock() -> None:
        g.ioc_started = time.perf_counter()

    @server.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("ioc_started", None)
        if started is None or request.path == METRICS_PATH:
            return response
        seconds = time.perf_counter() - started
        kind, name = request_name(request.path, pages)
        REQUEST_SECONDS.labels(kind, name, request.method, str(response.status_code)).observe(seconds)
        who = current_identity()
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "event": "request",
                "method": request.method,
                "path": request.path,
                "kind": kind,
                "endpoint": name,
                "status": response.status_code,
                "ms": round(seconds * 1000, 1),
                "bytes": response.calculate_content_length(),
                "user": who.name if who is not None else None,
                "role": who.role if who is not None else None,
            },
        )
        return response

    @server.get(METRICS_PATH)
    def _metrics() -> Response:
        token = services.settings.metrics_token
        if not token:
            abort(404)
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(offered.encode(), token.encode()):
            return Response("a metrics token is required\n", 401, {"WWW-Authenticate": "Bearer"})
        return Response(generate_latest(registry(services)), 200, {"Content-Type": CONTENT_TYPE_LATEST})


def request_name(path: str, pages: frozenset[str]) -> tuple[str, str]:
    """("callback", its outputs) for a Dash callback; else ("route", a name with few values): the page's
    first path segment for dashboard pages (``/province/79`` -> ``/province``), the path itself for the
    server's own routes, ``/other`` for anything else (so a scanner cannot grow the label set)."""
    if path == DASH_CALLBACK_PATH:
        body = callback_body()
        output = body.get("output") if isinstance(body, dict) else None
        return "callback", _callback_label(output)
    rule = request.url_rule.rule if request.url_rule is not None else None
    if rule is None:
        return "route", "/other"
    if "<path:" not in rule:
        return "route", rule
    first = path.strip("/").split("/", 1)[0]
    return "route", "/" + first if first in pages else "/other"


def _callback_label(output: Any) -> str:
    if not isinstance(output, str) or not output:
        return "unknown"
    # Pattern-matching ids are JSON objects: keep their type, drop the index that varies per slot.
    if output.startswith("{"):
        try:
            parts = [json.loads(part.rsplit(".", 1)[0]).get("type", "?") for part in output.strip(".").split("...")]
            return "pattern:" + ",".join(str(p) for p in parts)[:MAX_LABEL]
        except (ValueError, AttributeError):
            return "pattern"
    return output[:MAX_LABEL]


def registry(services: Services) -> CollectorRegistry:
    """What one scrape reports: this process's (or every worker's) request counts and the store's state."""
    reg = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(reg)  # type: ignore[no-untyped-call]  # prometheus_client has no annotations here
    else:
        reg.register(_ThisProcess())
    reg.register(StoreCollector(services))
    return reg


class _ThisProcess(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from REQUEST_SECONDS.collect()


class StoreCollector(Collector):
    """The snapshot's age, the last refresh per outcome and the imports per outcome, from the IOC store."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # the store keeps naive UTC times
        age = GaugeMetricFamily(
            "ioc_snapshot_age_seconds", "Seconds since the current snapshot's refresh finished (absent: none yet)."
        )
        last = GaugeMetricFamily(
            "ioc_refresh_last_duration_seconds", "Duration of the last refresh with each outcome.", labels=["status"]
        )
        when = GaugeMetricFamily(
            "ioc_refresh_last_finished_timestamp_seconds",
            "When the last refresh with each outcome finished (Unix time).",
            labels=["status"],
        )
        runs = GaugeMetricFamily("ioc_refresh_runs", "Refresh runs kept in the store, per outcome.", labels=["status"])
        imports = GaugeMetricFamily(
            "ioc_imports", "Submission imports in the import log, per kind and outcome.", labels=["kind", "outcome"]
        )
        written = GaugeMetricFamily(
            "ioc_import_rows_written", "Rows written by submission imports, per kind.", labels=["kind"]
        )
        up = GaugeMetricFamily("ioc_store_up", "1 when the IOC store answered this scrape.")
        try:
            with self.services.ioc_engine.connect() as conn:
                per_status = conn.execute(
                    select(RefreshRun.status, func.count(), func.max(RefreshRun.id)).group_by(RefreshRun.status)
                ).all()
                newest = {
                    status: conn.execute(
                        select(RefreshRun.finished_at, RefreshRun.seconds).where(RefreshRun.id == run_id)
                    ).one()
                    for status, _count, run_id in per_status
                }
                import_counts = conn.execute(
                    select(
                        SubmissionImport.kind,
                        SubmissionImport.outcome,
                        func.count(),
                        func.coalesce(func.sum(SubmissionImport.rows_written), 0),
                    ).group_by(SubmissionImport.kind, SubmissionImport.outcome)
                ).all()
        except SQLAlchemyError:  # the store is down: say so, and report nothing from it
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for status, count, _run_id in per_status:
            runs.add_metric([status], count)
            finished_at, seconds = newest[status]
            if seconds is not None:
                last.add_metric([status], seconds)
            if finished_at is not None:
                when.add_metric([status], finished_at.replace(tzinfo=dt.UTC).timestamp())
                if status == "ok":
                    age.add_metric([], max(0.0, (now - finished_at).total_seconds()))
        rows_per_kind: dict[str, int] = {}
        for kind, outcome, count, rows in import_counts:
            imports.add_metric([kind or "unknown", outcome], count)
            rows_per_kind[kind or "unknown"] = rows_per_kind.get(kind or "unknown", 0) + int(rows)
        for kind, rows in sorted(rows_per_kind.items()):
            written.add_metric([kind], rows)
        yield from (up, age, last, when, runs, imports, written)
