"""What sharing per-snapshot results through Redis buys: a second worker's first pages after a refresh.

On the national demo at $BENCH_DIR (default /tmp/ioc-national, read only), three fresh processes each
load the newest snapshot and then compute what the main pages ask first (the national overview's
panels, the scorecard, the national situation, the map's institution points, and the overview of
three provinces), timing each:

- "alone": no Redis, as a worker computes them today;
- "first": with Redis, the first worker after the refresh (computes, and shares);
- "second": with Redis, another worker afterwards (reads what the first shared).

A real ``redis-server`` is started for the run on a free port (tests/redis_server.py).

    python benchmarks/bench_shared_results.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = ("01", "79", "48")  # Hà Nội, Hồ Chí Minh City, Đà Nẵng (codes of the 34 units)


def worker(bench_dir: Path, redis_url: str | None) -> dict[str, float]:
    """In a fresh process: load the snapshot, then time each page's first computation (ms)."""
    from data_sources.engine import make_engine, make_reader_engine
    from data_sources.scope import Scope
    from ioc_app import map_data, memo, overview, scorecard, shared_redis, situation, snapshots
    from ioc_app.indicators.scopes import NATIONAL

    ioc = make_engine(f"sqlite:///{bench_dir / 'ioc.sqlite3'}")
    vet = make_reader_engine(f"sqlite:///{bench_dir / 'vet.sqlite3'}", 5)
    memo.share_through(shared_redis.link(redis_url) if redis_url else None, "bench-secret")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    snap = snapshots.current(ioc)
    assert snap is not None
    timings["load the snapshot (not shared)"] = (time.perf_counter() - t0) * 1000
    pages: list[tuple[str, Any]] = [
        ("overview, national panels", lambda: overview.all_panels(snap, NATIONAL)),
        ("scorecard, 34 units", lambda: scorecard.scorecard(snap, "34", None, None)),
        ("situation, national", lambda: situation.scope_situation(snap, NATIONAL)),
        ("map, institution points", lambda: map_data.institution_points(snap, vet)),
        *[
            (f"overview, province {code}", lambda code=code: overview.all_panels(snap, Scope(province34=code)))
            for code in PROVINCES
        ],
    ]
    for name, page in pages:
        t0 = time.perf_counter()
        page()
        timings[name] = (time.perf_counter() - t0) * 1000
    return timings


def _in_child(bench_dir: Path, redis_url: str | None) -> dict[str, float]:
    args = [sys.executable, __file__, "--worker", str(bench_dir), redis_url or ""]
    done = subprocess.run(args, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    from tests.redis_server import redis_server

    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))
    with redis_server() as server:
        alone = _in_child(bench_dir, None)
        first = _in_child(bench_dir, server.url)
        second = _in_child(bench_dir, server.url)
    print(f"{'ms':<34}{'alone':>10}{'first':>10}{'second':>10}")
    for name in alone:
        print(f"{name:<34}{alone[name]:>10.0f}{first[name]:>10.0f}{second[name]:>10.0f}")
    pages = [n for n in alone if n.startswith(("overview", "scorecard", "situation", "map"))]
    totals = [sum(run[n] for n in pages) for run in (alone, first, second)]
    print(f"{'pages in all':<34}{totals[0]:>10.0f}{totals[1]:>10.0f}{totals[2]:>10.0f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(Path(sys.argv[2]), sys.argv[3] or None)))
    else:
        main()
