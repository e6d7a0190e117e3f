"""Full snapshot refresh at national scale on SQLite: time, rows and peak memory.

Uses the national demo database at $BENCH_DIR (default /tmp/ioc-national), building it first
if it is missing. Prints figures; the target is a full refresh in at most 60 s on 2 cores.

    python benchmarks/bench_refresh.py
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_sources import vet_db
from data_sources.demo import generate
from data_sources.engine import make_engine
from ioc_app import migrations, snapshots
from ioc_app.indicators import engine as kpi
from ioc_app.indicators import registry


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))
    folder.mkdir(parents=True, exist_ok=True)
    vet = make_engine(f"sqlite:///{folder / 'vet.sqlite3'}")
    ioc = make_engine(f"sqlite:///{folder / 'ioc.sqlite3'}")
    if not vet_db.has_data(vet):
        print("building the national demo database first ...")
        generate(vet, scale="national", progress=True)
    migrations.upgrade(ioc)
    data_date = snapshots.vet_data_date(vet)

    print(f"data date {data_date}")
    per_series = []
    for s in registry.all_series():
        t0, c0 = time.perf_counter(), time.process_time()
        kpi.monthly_cells(vet, data_date, [s.key])
        per_series.append((time.perf_counter() - t0, time.process_time() - c0, s.key))
    print("monthly trajectory per series (wall, CPU):")
    for seconds, cpu, key in sorted(per_series, reverse=True):
        print(f"  {key:32s} {seconds:6.2f} s  {cpu:6.2f} s")

    # The data date alone, then with the days it is compared with (one pass): the comparisons' cost.
    days = [data_date, *kpi.comparison_dates(data_date)]
    for dates in ([data_date], days):
        t0, c0 = time.perf_counter(), time.process_time()
        kpi.cells_on(vet, dates)
        shown = ", ".join(d.isoformat() for d in dates)
        print(f"counting {shown}: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU")

    t0, c0 = time.perf_counter(), time.process_time()
    result = snapshots.refresh(vet, ioc, trigger="benchmark")
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"full refresh: status {result.status}, {result.rows:,} cube rows, {total:.1f} s wall, {cpu:.1f} s CPU "
        f"(target <= 60 s), peak RSS {peak_mb:.0f} MB, load average {os.getloadavg()[0]:.1f}"
    )
    t0 = time.perf_counter()
    snap = snapshots.current(ioc)
    print(f"loading the snapshot into memory: {time.perf_counter() - t0:.2f} s, {len(snap.period_ends)} period ends")
    compared = sum(len(snap.compared_cells(s.key)) for s in registry.all_series())
    print(f"comparison days {', '.join(d.isoformat() for d in snap.comparison_dates)}: {compared:,} cells stored")
    if result.status != "ok":
        raise SystemExit(result.error)


if __name__ == "__main__":
    main()
