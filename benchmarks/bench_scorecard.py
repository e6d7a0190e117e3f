"""Server time of the scorecard, province, institution and task pages' callback bodies at national scale.

Uses the national demo at $BENCH_DIR (default /tmp/ioc-national: vet.sqlite3 + ioc.sqlite3), built
first if missing (under ``flock $BENCH_DIR.lock``). Each body is called as a plain function RUNS
times with varied levels, filters, sorts, provinces and languages; p50/p95 are printed in ms.

"cold" empties the scorecard cache before each call (what the first click after a new snapshot,
or on a filter not seen before, costs); "warm" repeats calls as users do. The per-series encoding
of the snapshot is rebuilt once per snapshot and reported on its own line. Target: p95 < 100 ms.
Wall-clock and CPU time are both printed; on a busy machine CPU time is the fair figure.

    python benchmarks/bench_scorecard.py [RUNS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ioc_app  # noqa: F401  - the app package first
from benchmarks.served import ensure_national
from callbacks import institution, province, scorecard, tasks
from callbacks.page import PageContext
from data_sources.institutions import institutions_in
from geo import provinces as geo
from ioc_app import (
    memo,
    provincial,
    snapshots,
)
from ioc_app import scorecard as scorecard_data
from ioc_app.freshness import snapshot_state
from ioc_app.services import Services
from ioc_app.settings import Settings

TARGET_MS = 100.0


def timed(
    fn: Callable[[int], Any], runs: int, before: Callable[[], None] | None = None
) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for i in range(runs):
        if before:
            before()
        w0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    folder = Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))
    ensure_national(folder)
    settings = Settings(
        vet_database_url=f"sqlite:///{folder / 'vet.sqlite3'}",
        ioc_database_url=f"sqlite:///{folder / 'ioc.sqlite3'}",
        auto_init_demo=False,
    )
    services = Services.from_settings(settings)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        print("no snapshot in", folder)
        return 2
    state = snapshot_state(services.ioc_engine, settings.stale_after_minutes)
    rng = random.Random(2222)
    p34 = [u.code for u in geo.provinces()]
    p63 = [u.code for u in geo.legacy_provinces()]
    sorts = ["", "?sort=name&desc=0", "?sort=T01&desc=1", "?sort=T06&desc=0", "?sort=T08&desc=1"]
    sels = [
        {
            "level": "63" if i % 3 == 2 else "34",
            "province": None,
            "type": rng.choice([None, None, "college", "intermediate", "centre"]),
            "ownership": rng.choice([None, None, "public", "private"]),
        }
        for i in range(runs)
    ]
    units = [
        {"level": "63", "code": rng.choice(p63)} if i % 3 == 2 else {"level": "34", "code": rng.choice(p34)}
        for i in range(runs)
    ]
    ids = [int(x) for x in institutions_in(services.vet_engine, None)["id"].sample(runs, random_state=7)]
    langs = ["vi", "en"]

    def clear() -> None:
        scorecard_data.scorecard.memo.clear()  # type: ignore[attr-defined]  # set by per_snapshot
        for m in provincial.memos():
            if m.name.endswith("_table"):
                m.clear()

    t0 = time.perf_counter()
    memo.clear_all()
    scorecard_data.scorecard(snap, "34")
    print(f"first scorecard of a new snapshot (encodes every series once): {(time.perf_counter() - t0) * 1000:.0f} ms")

    bodies: dict[str, Callable[[int], Any]] = {
        "scorecard.update_table": lambda i: scorecard.update_table(
            services, state, sels[i], sorts[i % len(sorts)], langs[i % 2]
        ),
        "scorecard.export (csv)": lambda i: scorecard.export(
            services, "csv", sels[i], sorts[i % len(sorts)], langs[i % 2]
        ),
        "province.render": lambda i: province.render(
            PageContext(
                services=services,
                lang=langs[i % 2],
                args=[units[i]["code"] if units[i]["level"] == "34" else f"63-{units[i]['code']}"],
            )
        ),
        "province.update_targets": lambda i: province.update_targets(services, state, sels[i], units[i], langs[i % 2]),
        "province.update_institutions": lambda i: province.update_institutions(
            services, state, sels[i], rng.choice(["T01", "T06", "T08"]), sorts[i % len(sorts)], units[i], langs[i % 2]
        ),
        "institution.render": lambda i: institution.render(
            PageContext(services=services, lang=langs[i % 2], args=[str(ids[i])])
        ),
        "institution.update_position": lambda i: institution.update_position(services, state, ids[i], langs[i % 2]),
        "tasks.render": lambda i: tasks.render(PageContext(services=services, lang=langs[i % 2])),
    }
    uses_card = {
        "scorecard.update_table",
        "scorecard.export (csv)",
        "province.update_targets",
        "province.update_institutions",
        "institution.update_position",
    }
    print(f"{runs} calls each, national demo at {folder}, data date {snap.run.data_date}")
    print(f"{'callback body':34} {'mode':5} {'p50 ms':>8} {'p95 ms':>8} {'p95 cpu':>8}")
    worst = 0.0
    for name, fn in bodies.items():
        modes = [("cold", clear), ("warm", None)] if name in uses_card else [("-", None)]
        for mode, before in modes:
            wall, cpu = timed(fn, runs, before)
            worst = max(worst, p(cpu, 95))
            print(f"{name:34} {mode:5} {p(wall, 50):8.1f} {p(wall, 95):8.1f} {p(cpu, 95):8.1f}")
    verdict = "OK" if worst < TARGET_MS else "SLOW"
    print(f"worst p95 (cpu): {worst:.1f} ms — target < {TARGET_MS:.0f} ms: {verdict}")
    services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
