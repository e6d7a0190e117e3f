"""Operations: /metrics (Prometheus text, behind its token) and the structured logs of requests and jobs."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from apscheduler.schedulers.background import BackgroundScheduler
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from ioc_app import create_app, logs
from ioc_app.identity import SYSTEM
from ioc_app.imports import run_import
from ioc_app.settings import Settings, SettingsError
from ioc_app.snapshots import RefreshResult
from tests.conftest import TEST_SECRET_KEY, signed_in_client

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "metrics-token-" + "y" * 24
# The panels' background poll, as the browser sends it.
POLL = {
    "output": "shell-snapshot.data",
    "outputs": {"id": "shell-snapshot", "property": "data"},
    "inputs": [{"id": "shell-interval", "property": "n_intervals", "value": 3}],
    "state": [{"id": "shell-snapshot", "property": "data", "value": None}],
    "changedPropIds": ["shell-interval.n_intervals"],
}


@pytest.fixture(scope="module")
def app(small_demo: Settings):
    return create_app(dataclasses.replace(small_demo, metrics_token=TOKEN))


def _scrape(app: Any) -> dict[str, list[Any]]:
    resp = app.server.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Type"].startswith("text/plain")
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def _value(samples: dict[str, list[Any]], metric: str, /, **labels: str) -> float | None:
    """The sum of the samples of ``metric`` with these labels (None when there is none)."""
    found = [s for s in samples.get(metric, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    return sum(float(s.value) for s in found) if found else None


def test_metrics_are_off_without_a_token_and_refused_with_a_wrong_one(small_demo: Settings, app) -> None:
    assert create_app(small_demo).server.test_client().get("/metrics").status_code == 404
    client = app.server.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # A signed-in session is not a metrics token.
    assert signed_in_client(app, "admin").get("/metrics").status_code == 401


def test_request_latency_is_counted_per_route_page_and_callback(app) -> None:
    before = _scrape(app)
    client = signed_in_client(app, "central")
    for _ in range(3):
        assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/province/79").status_code == 200
    assert client.get("/province/01").status_code == 200
    assert client.get("/no-such-page/x").status_code == 200  # the shell's own "not found" page
    assert client.post("/_dash-update-component", json=POLL).status_code == 200
    after = _scrape(app)

    def count(**labels: str) -> float:
        metric = "ioc_request_duration_seconds_count"
        return (_value(after, metric, **labels) or 0.0) - (_value(before, metric, **labels) or 0.0)

    assert count(kind="route", name="/healthz", method="GET") == 3
    # Pages are named by their first segment: one series for all 34 province pages.
    assert count(kind="route", name="/province", method="GET", status="200") == 2
    assert count(kind="route", name="/other", method="GET") == 1
    assert count(kind="callback", name="shell-snapshot.data", method="POST", status="200") == 1
    names = {s.labels["name"] for s in after["ioc_request_duration_seconds_count"]}
    assert not any(n.startswith("/province/") for n in names)


def test_the_store_figures_equal_the_store(app) -> None:
    services = app.server.config["IOC_SERVICES"]
    for attempt in range(2):  # two refused submissions, logged as every import is
        run_import(
            services.vet_engine,
            services.ioc_engine,
            f"sai-{attempt}.csv",
            "không phải,tệp mẫu\r\n1,2\r\n".encode(),
            max_bytes=services.settings.import_max_bytes,
            kind="training",
            identity=SYSTEM,
        )
    samples = _scrape(app)
    assert _value(samples, "ioc_store_up") == 1
    with services.ioc_engine.connect() as conn:
        runs = dict(conn.execute(text("SELECT status, count(*) FROM refresh_run GROUP BY status")).all())
        last_ok = conn.execute(
            text("SELECT seconds FROM refresh_run WHERE status = 'ok' ORDER BY id DESC LIMIT 1")
        ).scalar_one()
        imports = conn.execute(
            text("SELECT kind, outcome, count(*) FROM submission_import GROUP BY kind, outcome")
        ).all()
    for status, n in runs.items():
        assert _value(samples, "ioc_refresh_runs", status=status) == n
    assert _value(samples, "ioc_refresh_last_duration_seconds", status="ok") == pytest.approx(last_ok)
    assert imports and all(_value(samples, "ioc_imports", kind=k, outcome=o) == n for k, o, n in imports)
    assert _value(samples, "ioc_imports", kind="training", outcome="refused") == 2
    age = _value(samples, "ioc_snapshot_age_seconds")
    assert age is not None and age >= 0


def test_a_store_out_of_reach_is_reported_not_raised(small_demo: Settings) -> None:
    # The store is a PostgreSQL server that does not answer: the app starts (the health check says why).
    gone = dataclasses.replace(
        small_demo, ioc_database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", metrics_token=TOKEN
    )
    samples = _scrape(create_app(gone))
    assert _value(samples, "ioc_store_up") == 0
    assert "ioc_snapshot_age_seconds" not in samples


# --- logs --------------------------------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    out = io.StringIO()
    logs.configure("json", stream=out)
    yield out
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, logs._Handler)]:
        root.removeHandler(handler)


def _lines(out: io.StringIO, logger: str) -> list[dict[str, Any]]:
    return [rec for rec in map(json.loads, out.getvalue().splitlines()) if rec["logger"] == logger]


def test_every_request_is_one_json_line(app, json_log: io.StringIO) -> None:
    client = signed_in_client(app, "province", "79")
    client.get("/province/79")
    lines = [r for r in _lines(json_log, "ioc.request") if r["path"] == "/province/79"]
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "request" and line["method"] == "GET" and line["status"] == 200
    assert line["endpoint"] == "/province" and line["kind"] == "route"
    assert line["user"] == "test.province.79" and line["role"] == "province"
    assert line["ms"] > 0 and line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_text_logs_for_a_person_and_a_clear_error_for_a_wrong_format() -> None:
    out = io.StringIO()
    logs.configure("text", stream=out)
    try:
        logging.getLogger("ioc.test").warning("Đã nhập %s dòng", 3)
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if isinstance(h, logs._Handler)]:
            root.removeHandler(handler)
    assert "WARNING ioc.test: Đã nhập 3 dòng" in out.getvalue()
    with pytest.raises(SettingsError, match="IOC_LOG_FORMAT"):
        Settings.from_env({"IOC_LOG_FORMAT": "xml"})


def _refreshed() -> RefreshResult:
    return RefreshResult(run_id=7, status="ok", rows=1234, seconds=12.34, data_date=None)


def _skipped() -> None:
    return None


def _broken() -> None:
    raise RuntimeError("VET database unreachable")


def test_every_job_run_is_one_json_line(json_log: io.StringIO) -> None:
    scheduler = BackgroundScheduler()
    logs.watch_jobs(scheduler)
    scheduler.start()
    try:
        for i, job in enumerate((_refreshed, _skipped, _broken)):
            scheduler.add_job(job, id=f"job-{i}")
        deadline = time.monotonic() + 20
        while len(_lines(json_log, "ioc.job")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    lines = sorted(_lines(json_log, "ioc.job"), key=lambda r: r["job"])
    assert [(r["job"], r["outcome"], r["level"]) for r in lines] == [
        ("job-0", "ok", "INFO"),
        ("job-1", "skipped", "INFO"),
        ("job-2", "error", "ERROR"),
    ]
    assert lines[0]["run_id"] == 7 and lines[0]["rows"] == 1234 and lines[0]["refresh_seconds"] == 12.3
    assert lines[2]["error"] == "RuntimeError: VET database unreachable"
    assert all(r["event"] == "job" and r["seconds"] >= 0 for r in lines)


def test_gunicorn_workers_add_up_their_counts(small_demo: Settings, tmp_path) -> None:
    """Two workers answer; one scrape reports every request, whichever worker answered it or the scrape."""
    from tests.wall import free_port

    port = free_port()
    env = {
        **os.environ,
        "VET_DATABASE_URL": small_demo.vet_database_url,
        "IOC_DATABASE_URL": small_demo.ioc_database_url,
        "IOC_SECRET_KEY": TEST_SECRET_KEY,
        "IOC_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(base + "/healthz", timeout=30)
                break
            except requests.ConnectionError:  # not listening yet
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.5)
        with requests.Session() as one, requests.Session() as other:  # two connections: both workers may answer
            for i in range(20):
                (one if i % 2 else other).get(base + "/healthz", timeout=30)
        text_body = requests.get(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text_body):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    assert _value(samples, "ioc_request_duration_seconds_count", kind="route", name="/healthz") == 21
    assert len(list(tmp_path.glob("histogram_*.db"))) >= 1
