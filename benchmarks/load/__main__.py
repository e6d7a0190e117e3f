"""``python -m benchmarks.load``: the load test. Province officials, central users, wall displays and API
clients (locust, headless) drive the real pages, callbacks, exports and API of the app served as in
production (gunicorn with gunicorn.conf.py, PostgreSQL for both databases, Redis), on this machine only.

    python -m benchmarks.load [--users 100 300] [--seconds 180] [--spawn-rate 3] [--out FILE]
                              [--server URL [--reuse]] [--venv DIR]

For each number of users: locust signs them in (``--spawn-rate`` a second), then measures for
``--seconds``: requests per second, p50/p95/p99 per kind of request and every failed check (counted
from the first request, sign-ins included; the percentiles and rates only once every user runs),
while the gunicorn processes' memory (RSS, summed over master and workers) and CPU are sampled every
2 s. Prints a table per run and writes all of it as JSON (``--out``).

locust clashes with the app's test pins (it needs urllib3 2, selenium 4.2 needs 1.26), so it runs in an
environment of its own, made on first use from requirements-bench.txt (``--venv``, default
/tmp/ioc-load-venv). The sign-in limit per address is raised for the run (every user comes from
127.0.0.1; see stack.LOGIN_LIMIT_ADDRESS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.load import plan as load_plan
from benchmarks.load import stack as load_stack

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEIGHTS = {"province": 5, "central": 2, "walls": 1, "api": 2}  # as the locustfile's user classes
SAMPLE_SECONDS = 2.0
TICKS = os.sysconf("SC_CLK_TCK")


def ensure_venv(venv: Path) -> Path:
    """locust in its own environment (made once from requirements-bench.txt); the path of its command."""
    locust = venv / "bin" / "locust"
    if not locust.exists():
        print(f"installing locust into {venv} (requirements-bench.txt) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(ROOT / "requirements-bench.txt")], check=True)
    return locust


def people_for(users: int) -> dict[str, int]:
    """Accounts and tokens enough for ``users`` (each simulated person its own)."""
    total = sum(WEIGHTS.values())
    return {kind: math.ceil(users * w / total) + 2 for kind, w in WEIGHTS.items()}


# --- the server's resources ----------------------------------------------------------------------------


def _proc(pid: int) -> tuple[int, int]:
    """RSS (bytes) and CPU time (ticks) of one process; zeros once it is gone."""
    try:
        rss = next(
            int(line.split()[1]) * 1024
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return rss, int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, StopIteration, IndexError, ValueError):
        return 0, 0


def _machine_busy() -> tuple[int, int]:
    """Busy and total ticks of every core (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Sampler(threading.Thread):
    """gunicorn's RSS (master and workers, summed; the largest worker's) every 2 s, and CPU over a window."""

    def __init__(self, st: load_stack.Stack) -> None:
        super().__init__(daemon=True)
        self.st = st
        self.stop = threading.Event()
        self.client = 0  # locust's process id, once it runs
        # time, RSS of all, CPU ticks of all, machine busy and total ticks, workers, largest worker's RSS,
        # locust's CPU ticks
        self.samples: list[tuple[float, int, int, int, int, int, int, int]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            pids = [self.st.gunicorn.pid, *self.st.workers()]
            readings = [_proc(pid) for pid in pids]
            busy, total = _machine_busy()
            self.samples.append(
                (
                    time.monotonic(),
                    sum(r for r, _ in readings),
                    sum(c for _, c in readings),
                    busy,
                    total,
                    len(pids) - 1,
                    max((r for r, _ in readings[1:]), default=0),
                    _proc(self.client)[1] if self.client else 0,
                )
            )
            self.stop.wait(SAMPLE_SECONDS)

    def window(self, start: float, end: float) -> dict[str, Any]:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return {}
        first, last = inside[0], inside[-1]
        seconds = last[0] - first[0]
        return {
            "rss_mb_max": round(max(s[1] for s in inside) / 2**20),
            "rss_mb_mean": round(sum(s[1] for s in inside) / len(inside) / 2**20),
            "gunicorn_cpu_cores": round((last[2] - first[2]) / TICKS / seconds, 2),
            "locust_cpu_cores": round((last[7] - first[7]) / TICKS / seconds, 2),
            "machine_busy_pct": round(100 * (last[3] - first[3]) / max(1, last[4] - first[4]), 1),
            "worker_rss_mb_max": round(max(s[6] for s in inside) / 2**20),
            "workers": last[5],
            "samples": len(inside),
        }


# --- one run ----------------------------------------------------------------------------------------


def run_locust(
    locust: Path, st: load_stack.Stack, plan_path: Path, folder: Path, users: int, spawn_rate: float, seconds: int
) -> dict[str, Any]:
    """``users`` people for their ramp-up then ``seconds``: locust's own summary and the resources sampled."""
    ramp = math.ceil(users / spawn_rate)
    summary = folder / f"summary-{users}.json"
    env = {
        **os.environ,
        "IOC_LOAD_PLAN": str(plan_path),
        "IOC_LOAD_SUMMARY": str(summary),
        "IOC_LOAD_SECONDS": str(seconds),  # measured once every user runs: the locustfile stops the run
    }
    cmd = [
        str(locust),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        st.base,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",  # only a bound, should the ramp-up never end
        f"{3 * ramp + seconds + 300}s",
        "--stop-timeout",
        "60",
        "--csv",
        str(folder / f"locust-{users}"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    sampler = Sampler(st)
    load_before = os.getloadavg()
    started = time.monotonic()
    sampler.start()
    with (folder / f"locust-{users}.log").open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=HERE, stdout=out, stderr=subprocess.STDOUT)
        sampler.client = proc.pid
        returncode = proc.wait()
    sampler.stop.set()
    sampler.join()
    if returncode != 0 or not summary.exists():
        raise RuntimeError(f"locust failed ({returncode}): see {folder / f'locust-{users}.log'}")
    result = json.loads(summary.read_text(encoding="utf-8"))
    measured_from = started + result["measured_after_s"]
    result["server"] = sampler.window(measured_from, measured_from + result["measured_s"])
    result["load_average_before"] = [round(v, 2) for v in load_before]
    result["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    return result


def print_run(result: dict[str, Any]) -> None:
    users = result["users"]
    print(
        f"\n{users} users ({result['spawned']} running), {result['measured_s']:.0f} s measured after a "
        f"{result['measured_after_s']:.0f} s ramp-up; load average {result['load_average_before'][0]} before, "
        f"{result['load_average_after'][0]} after"
    )
    print(f"{'request kind':52}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for name, row in sorted(result["kinds"].items()):
        print(
            f"{name:52}{row['n']:>8}{row['rps']:>8.2f}{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}"
            f"{row['p99_ms']:>9.0f}{row['failures']:>8}"
        )
    total = result["total"]
    print(
        f"{'all':52}{total['n']:>8}{total['rps']:>8.1f}{total['p50_ms']:>9.0f}{total['p95_ms']:>9.0f}"
        f"{total['p99_ms']:>9.0f}{total['failures']:>8}"
    )
    print(f"failures over the whole run, ramp-up included: {result['failures_total']}")
    print(
        f"requests resent on a new connection (a kept-alive one closed by the server before answering): "
        f"{result['resent_total']} ({result['resent_measured']} while measured)"
    )
    for failure in result["failure_samples"][:10]:
        print(f"  {failure}")
    print(f"server: {json.dumps(result['server'])}")


def _ms(value: float) -> str:
    return "—" if value != value else f"{value:,.0f}"


def markdown(report: dict[str, Any]) -> str:
    """The README's table: per request kind, each run's requests a second and p50 / p95 / p99 (ms)."""
    runs = report["runs"]
    head = "| request kind | " + " | ".join(f"{r['users']} users: req/s, p50 / p95 / p99 ms" for r in runs) + " |"
    lines = [head, "|---|" + "---|" * len(runs)]
    kinds = sorted({k for r in runs for k in r["kinds"]})
    for kind in [*kinds, None]:
        cells = []
        for r in runs:
            row = r["total"] if kind is None else r["kinds"].get(kind)
            cells.append(
                "—"
                if row is None
                else f"{row['rps']:.2f}, {_ms(row['p50_ms'])} / {_ms(row['p95_ms'])} / {_ms(row['p99_ms'])}"
                + (f" ({row['failures']} failed)" if row["failures"] else "")
            )
        lines.append(f"| {'**all**' if kind is None else kind} | " + " | ".join(cells) + " |")
    for label, key in (
        ("failed checks, whole run", "failures_total"),
        ("resent on a new connection", "resent_total"),
    ):
        lines.append(f"| {label} | " + " | ".join(str(r[key]) for r in runs) + " |")
    for label, key in (
        ("gunicorn RSS, master + workers: max (mean)", "rss"),
        ("largest worker's RSS, max", "worker_rss_mb_max"),
        ("CPU (cores): gunicorn / locust; machine busy", "cpu"),
        ("load average before → after", "load"),
    ):
        cells = []
        for r in runs:
            srv = r.get("server") or {}
            if key == "rss":
                cells.append(f"{srv.get('rss_mb_max', '—')} MB ({srv.get('rss_mb_mean', '—')} MB)")
            elif key == "cpu":
                cells.append(
                    f"{srv.get('gunicorn_cpu_cores', '—')} / {srv.get('locust_cpu_cores', '—')}; "
                    f"{srv.get('machine_busy_pct', '—')} %"
                )
            elif key == "load":
                cells.append(f"{r['load_average_before'][0]} → {r['load_average_after'][0]}")
            else:
                cells.append(f"{srv.get(key, '—')} MB")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--seconds", type=int, default=180, help="measured, after the ramp-up")
    parser.add_argument("--spawn-rate", type=float, default=3.0, help="users started a second")
    parser.add_argument("--server", help="a PostgreSQL server's superuser URL (default: a throw-away local one)")
    parser.add_argument("--reuse", action="store_true", help="keep the demo databases on --server between runs")
    parser.add_argument("--venv", type=Path, default=Path(os.environ.get("IOC_LOAD_VENV", "/tmp/ioc-load-venv")))
    parser.add_argument("--out", type=Path, default=Path("/tmp/ioc-load.json"))
    args = parser.parse_args()

    locust = ensure_venv(args.venv)
    folder = Path(tempfile.mkdtemp(prefix="ioc-load-"))
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "seconds": args.seconds,
        "spawn_rate": args.spawn_rate,
        "runs": [],
        "folder": str(folder),
    }
    t0 = time.monotonic()
    with load_stack.running(folder, people_for(max(args.users)), args.server, args.reuse) as st:
        print(f"serving at {st.base} ({len(st.workers())} workers) after {time.monotonic() - t0:.0f} s", flush=True)
        plan_path = folder / "plan.json"
        load_plan.build(st, plan_path)
        print(f"request plan checked: {plan_path}", flush=True)
        for users in args.users:
            result = run_locust(locust, st, plan_path, folder, users, args.spawn_rate, args.seconds)
            report["runs"].append(result)
            print_run(result)
            args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    table = markdown(report)
    args.out.with_suffix(".md").write_text(table, encoding="utf-8")
    print("\n" + table)
    print(f"written to {args.out} and {args.out.with_suffix('.md')} (logs and locust's own CSV in {folder})")
    return 1 if any(r["failures_total"] for r in report["runs"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
