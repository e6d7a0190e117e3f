"""The full-volume demo on PostgreSQL: build (COPY), size, and the snapshot refresh against one row pass.

    python benchmarks/bench_full_postgres.py                         # a throw-away local server
    python benchmarks/bench_full_postgres.py --server URL            # a server of yours (superuser URL)
    python benchmarks/bench_full_postgres.py --server URL --reuse    # keep/reuse database ioc_bench_full
    python benchmarks/bench_full_postgres.py --scale national        # the same at national scale

Prints, and writes as JSON (``--json``, default /tmp/ioc-bench-full-postgres.json): the build time,
the rows per table and the database size; then, measured in the same run, one pass reading every
learner row (``SELECT institution_id, count(*), count(record_digitised_on), min(enrolled_on) FROM
learner GROUP BY 1``, the median of three) and a full snapshot refresh into an IOC store on the same
server, with their ratio (target: within 10x the pass and within 5 minutes), the refresh's CPU in this
process and the machine's load average.

The throw-away server (tests/postgres_server.py) runs with fsync off: load times are a lower bound
of a durable server's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data_sources import vet_db  # noqa: E402 - imported after the path set-up above
from data_sources.demo import generate  # noqa: E402 - imported after the path set-up above
from data_sources.engine import make_engine  # noqa: E402 - imported after the path set-up above
from ioc_app import migrations, snapshots  # noqa: E402 - imported after the path set-up above
from tests.postgres_server import postgres_server  # noqa: E402 - imported after the path set-up above

ROW_PASS = "SELECT institution_id, count(*), count(record_digitised_on), min(enrolled_on) FROM learner GROUP BY 1"
REFRESH_TARGET_RATIO = 10.0
REFRESH_TARGET_SECONDS = 300.0


def _database(server_url: str, name: str, reuse: bool) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and not reuse:
            conn.execute(text(f'DROP DATABASE "{name}"'))
        if not exists or not reuse:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def run(server_url: str, scale: str = "full", reuse: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"scale": scale}
    vet = make_engine(_database(server_url, f"ioc_bench_{scale}", reuse))
    ioc = make_engine(_database(server_url, f"ioc_bench_{scale}_store", False))
    try:
        if not vet_db.has_data(vet):
            started = time.perf_counter()
            report = generate(vet, scale=scale, progress=True)
            out["build_seconds"] = round(time.perf_counter() - started, 1)
            out["rows"] = dict(report.counts)
        with vet.connect() as conn:
            conn.execute(text("ANALYZE"))
            out["learner_rows"] = conn.execute(text("SELECT count(*) FROM learner")).scalar_one()
            out["database_bytes"] = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            passes = []
            for _ in range(3):
                started = time.perf_counter()
                conn.execute(text(ROW_PASS)).all()
                passes.append(time.perf_counter() - started)
        out["row_pass_seconds"] = round(statistics.median(passes), 3)
        migrations.upgrade(ioc)
        started, cpu = time.perf_counter(), time.process_time()
        result = snapshots.refresh(vet, ioc, trigger="cli")
        out["refresh_seconds"] = round(time.perf_counter() - started, 1)
        # This process's CPU: the counting and the snapshot's rows; the reading runs in the server.
        out["refresh_client_cpu_seconds"] = round(time.process_time() - cpu, 1)
        out["refresh_status"] = result.status
        out["refresh_error"] = result.error
        out["refresh_rows"] = result.rows
        out["ratio"] = round(out["refresh_seconds"] / out["row_pass_seconds"], 1)
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        out["load_average"] = round(os.getloadavg()[0], 1)
        out["cpus"] = os.cpu_count()
    finally:
        vet.dispose()
        ioc.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", help="a PostgreSQL server's superuser URL (default: a throw-away local one)")
    parser.add_argument("--scale", default="full", choices=("small", "national", "full"))
    parser.add_argument("--reuse", action="store_true", help="reuse the VET database of an earlier run")
    parser.add_argument("--json", default="/tmp/ioc-bench-full-postgres.json")
    args = parser.parse_args()
    with ExitStack() as stack:
        server = args.server or stack.enter_context(postgres_server())
        figures = run(server, args.scale, args.reuse)
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    met = figures["ratio"] <= REFRESH_TARGET_RATIO and figures["refresh_seconds"] <= REFRESH_TARGET_SECONDS
    print(
        f"refresh {figures['refresh_seconds']} s = {figures['ratio']}x the row pass "
        f"({figures['row_pass_seconds']} s); target <= {REFRESH_TARGET_RATIO:g}x and <= "
        f"{REFRESH_TARGET_SECONDS:g} s: {'met' if met else 'MISSED'}"
    )
    Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
