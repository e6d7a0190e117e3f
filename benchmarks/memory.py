"""Memory of the web workers: RSS per gunicorn worker after warm-up and after 3 new snapshots, against a
process that has only built an empty ``create_app()``.

Warm-up opens every main page (overview, target, scorecard, map, province) a few times, so each worker
holds the snapshot and the results computed from it. A new snapshot is stored as a refresh stores one
(a new "ok" run with its figures: here the newest run's figures copied under the new run, which costs
seconds instead of a full refresh and has the same size); the workers notice it within seconds and
load it in the background. Each worker's figure is read from /proc (VmRSS).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import serving

MAIN_PAGES = (
    ("/", ("home-", "network-")),
    ("/targets/T06", ("target-body",)),
    ("/scorecard", ("sc-",)),
    ("/map", ("map-",)),
    (f"/province/{serving.PROVINCE}", ("prov-",)),
)
TARGET_MB = 250.0
# After 3 refreshes a worker may differ from its warm-up figure by this much (allocator noise), no more.
FLAT_MB = 15.0


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (VmRSS), or a part of it: RssAnon (its own), RssFile (mapped files, such as
    shared libraries, which other processes share)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def empty_app_mb(folder: Path) -> float:
    """RSS of a fresh process after ``create_app()`` on the same databases, before any request."""
    code = (
        "import os; from ioc_app import create_app; create_app(); "
        "print([l.split()[1] for l in open(f'/proc/{os.getpid()}/status') if l.startswith('VmRSS:')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=serving.env_for(folder),
        cwd=serving.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def warm_up(server: serving.Server, rounds: int = 3) -> None:
    """Every main page opened ``rounds`` times per worker, spread over the workers by gunicorn."""
    requests = [
        serving.Request(f"{path} {i}", body)
        for path, prefixes in MAIN_PAGES
        for i, body in enumerate(serving.page_load(server, path, prefixes))
    ]
    # A connection per round: gunicorn hands each new connection to whichever worker takes it first.
    for _ in range(rounds * 2 * max(1, len(server.workers()))):
        serving.one_client(server.target, requests, 1)


def store_new_snapshot(folder: Path) -> int:
    """A new successful run holding the newest run's figures, written as a refresh writes its own; its id."""
    from sqlalchemy import insert, literal, select

    from data_sources.engine import make_engine
    from ioc_app.store import KpiComparison, KpiInstitution, KpiSnapshot, RefreshRun, SnapshotRule

    engine = make_engine(f"sqlite:///{folder / 'ioc.sqlite3'}")
    try:
        with engine.begin() as conn:
            old = conn.execute(
                select(RefreshRun).where(RefreshRun.status == "ok").order_by(RefreshRun.id.desc()).limit(1)
            ).one()
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            new_id = conn.execute(
                insert(RefreshRun)
                .values(
                    started_at=now,
                    finished_at=now,
                    status="ok",
                    trigger="benchmark",
                    data_date=old.data_date,
                    rows=old.rows,
                    seconds=old.seconds,
                )
                .returning(RefreshRun.id)
            ).scalar_one()
            for table in (KpiSnapshot, KpiInstitution, KpiComparison, SnapshotRule):
                cols = [c for c in table.__table__.columns if c.name != "refresh_id"]
                conn.execute(
                    insert(table).from_select(
                        ["refresh_id", *(c.name for c in cols)],
                        select(literal(new_id), *cols).where(table.__table__.c.refresh_id == old.id),
                    )
                )
        return int(new_id)
    finally:
        engine.dispose()


def wait_served(server: serving.Server, run_id: int, seconds: float = 300) -> float:
    """Seconds until 20 /healthz answers in a row (spread over the workers) name snapshot ``run_id``."""
    t0 = time.monotonic()
    streak = 0
    while streak < 20:
        if time.monotonic() - t0 > seconds:
            raise RuntimeError(f"the workers did not load snapshot {run_id} within {seconds} s")
        _status, body = serving.get(server.target, "/healthz")
        served = (json.loads(body).get("snapshot") or {}).get("id")
        streak = streak + 1 if served == run_id else 0
        time.sleep(0.1)
    return time.monotonic() - t0


def run(folder: Path, refreshes: int = 3) -> dict[str, Any]:
    """RSS per worker (max over the workers) after warm-up and after each new snapshot, and the empty app's."""
    empty = empty_app_mb(folder)
    with serving.served(folder) as server:
        workers = server.workers()
        warm_up(server)
        after_warm = [rss_mb(pid) for pid in workers]
        anon_warm = [rss_mb(pid, "RssAnon") for pid in workers]
        steps = []
        for _ in range(refreshes):
            run_id = store_new_snapshot(folder)
            waited = wait_served(server, run_id)
            warm_up(server, rounds=1)
            steps.append(
                {
                    "run_id": run_id,
                    "loaded_within_s": waited,
                    "rss_mb": [rss_mb(pid) for pid in workers],
                    "anon_mb": [rss_mb(pid, "RssAnon") for pid in workers],
                }
            )
        if [p for p in server.workers() if p not in workers]:
            raise RuntimeError("a worker was restarted during the measurement")
    return {
        "workers": len(workers),
        "empty_app_mb": empty,
        "after_warm_up_mb": after_warm,
        "after_warm_up_anon_mb": anon_warm,
        "after_refreshes": steps,
        "target_mb": TARGET_MB,
        "flat_within_mb": FLAT_MB,
    }
