"""``python -m benchmarks``: every performance figure of the IOC in one table, each beside its reference
measured in the same run, its target and whether it is met; also written as JSON (the path is printed).

Works on a copy of the national demo at $BENCH_DIR (default /tmp/ioc-national: vet.sqlite3 and
ioc.sqlite3 with a snapshot; built first if missing), made in a folder of its own that is removed at
the end, so the demo itself is never written. Serves the app as production does (gunicorn with
gunicorn.conf.py) and drives it over HTTP and with headless Chromium. About 10 minutes on 2 cores.

    python -m benchmarks [--out results.json] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks import adapters, memory, serving

CLIENTS = 50
CHEAP_TARGET_MS = 100.0
CALLBACK_TIMES_TOGGLE = 5.0
REFRESH_TIMES_PASS = 10.0
FIRST_LOAD_MS = 2000.0
FIRST_LOAD_BYTES = 1.5e6


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    target: str = ""
    met: bool | None = None  # None: reported, no target


def _fmt(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "—"
    if unit == "bytes":
        return f"{value / 1024:,.0f} kB" if value < 1024**2 else f"{value / 1024**2:,.2f} MB"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.1f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.1f}{unit}"


def table(rows: list[Row]) -> str:
    head = ("Figure", "Value", "Reference (same run)", "Target", "")
    cells = [
        (
            r.figure,
            _fmt(r.value, r.unit),
            f"{r.reference} {_fmt(r.reference_value, r.unit)}".strip() if r.reference else "",
            r.target,
            {True: "met", False: "MISSED", None: ""}[r.met],
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) + " |" for cell in cells]
    return "\n".join(lines)


# --- the parts --------------------------------------------------------------------------------------------


def refresh_rows(found: dict[str, Any]) -> list[Row]:
    ratio = found["refresh_s"] / found["row_pass_s"]
    return [
        Row(
            "snapshot refresh",
            found["refresh_s"],
            "s",
            "one pass over the learner rows",
            found["row_pass_s"],
            f"≤ {REFRESH_TIMES_PASS:.0f}× the pass (now {ratio:.0f}×)",
            ratio <= REFRESH_TIMES_PASS,
        )
    ]


def callback_rows(found: dict[str, Any]) -> list[Row]:
    one, many, ref = found["one_client"], found["many_clients"], found["reference"]
    rows = []
    for name in [n for n in one if n != ref]:
        limit = CALLBACK_TIMES_TOGGLE * one[ref]["p95_ms"]
        rows.append(
            Row(
                f"{name}: p95, 1 client",
                one[name]["p95_ms"],
                "ms",
                "toggle",
                one[ref]["p95_ms"],
                f"≤ {CALLBACK_TIMES_TOGGLE:.0f}× toggle",
                one[name]["p95_ms"] <= limit,
            )
        )
    for name in [n for n in many if n != ref]:
        rows.append(
            Row(f"{name}: p95, {found['clients']} clients", many[name]["p95_ms"], "ms", "toggle", many[ref]["p95_ms"])
        )
    return rows


def cheap_rows(server: serving.Server, seconds: float) -> tuple[list[Row], dict[str, Any]]:
    """The cheap requests' p95 alone (the reference) and while 50 clients open the province page."""
    probes = serving.cheap_requests(server)
    alone = serving.one_client(server.target, probes, 40)
    loaded, heavy = serving.under_load(server.target, serving.province_page(server), probes, CLIENTS, seconds)
    rows = [
        Row(
            f"{name}: p95 while {CLIENTS} clients open /province/{serving.PROVINCE}",
            loaded[name]["p95_ms"],
            "ms",
            "alone",
            alone[name]["p95_ms"],
            f"< {CHEAP_TARGET_MS:.0f} ms",
            loaded[name]["p95_ms"] < CHEAP_TARGET_MS and loaded[name]["errors"] == 0,
        )
        for name in loaded
    ]
    return rows, {"alone": alone, "loaded": loaded, "heavy": heavy}


def first_load_rows(found: dict[str, Any]) -> list[Row]:
    page, blank = found["overview"], found["blank page"]
    return [
        Row(
            "overview first load (cold)",
            page["ms"],
            "ms",
            "blank page",
            blank["ms"],
            f"≤ {FIRST_LOAD_MS / 1000:.0f} s",
            page["ms"] <= FIRST_LOAD_MS,
        ),
        Row(
            "overview first load bytes",
            page["bytes"],
            "bytes",
            "blank page",
            blank["bytes"],
            f"≤ {FIRST_LOAD_BYTES / 1e6:.1f} MB",
            page["bytes"] <= FIRST_LOAD_BYTES,
        ),
    ]


def map_rows(found: dict[str, Any]) -> list[Row]:
    return [
        Row(
            "map first view bytes (cold)",
            found["first_view_bytes"],
            "bytes",
            "of which data",
            found["first_view_data_bytes"],
        ),
        Row(
            "map restyle bytes (another target)",
            found["restyle_bytes"],
            "bytes",
            "first view",
            found["first_view_bytes"],
            "no geometry resent",
            found["restyle_geometry_requests"] == 0,
        ),
    ]


def memory_rows(found: dict[str, Any]) -> list[Row]:
    warm = max(found["after_warm_up_mb"])
    last = found["after_refreshes"][-1]["rss_mb"]
    grew = max(b - a for a, b in zip(found["after_warm_up_mb"], last, strict=True))
    n = len(found["after_refreshes"])
    return [
        Row(
            f"RSS per worker after warm-up (max of {found['workers']})",
            warm,
            "MB",
            "empty create_app()",
            found["empty_app_mb"],
            f"≤ {found['target_mb']:.0f} MB",
            warm <= found["target_mb"],
        ),
        Row(
            f"RSS per worker after {n} refreshes (max)",
            max(last),
            "MB",
            "after warm-up",
            warm,
            f"within {found['flat_within_mb']:.0f} MB of warm-up (grew {grew:+.0f})",
            grew <= found["flat_within_mb"],
        ),
        Row(
            "  of which its own (RssAnon; the rest is shared libraries and files)",
            max(found["after_warm_up_anon_mb"]),
            "MB",
            "after refreshes",
            max(found["after_refreshes"][-1]["anon_mb"]),
        ),
        Row(
            "a worker serving a new snapshot, after it is stored (max)",
            max(s["loaded_within_s"] for s in found["after_refreshes"]),
            "s",
            target="loaded in the background",
        ),
    ]


def demo_rows(found: dict[str, Any]) -> list[Row]:
    return [Row("national demo build", found["seconds"], "s")]


# --- the run ------------------------------------------------------------------------------------------


def prepare(bench_dir: Path, work: Path) -> None:
    """The demo (built once if missing) copied into ``work``, consistently (SQLite's backup API)."""
    if not ((bench_dir / "vet.sqlite3").exists() and (bench_dir / "ioc.sqlite3").exists()):
        from benchmarks.served import ensure_national

        ensure_national(bench_dir)
    for name in ("vet.sqlite3", "ioc.sqlite3"):
        source = sqlite3.connect(f"file:{bench_dir / name}?mode=ro", uri=True)
        copy = sqlite3.connect(work / name)
        with copy:
            source.backup(copy)
        source.close()
        copy.close()


def timed(label: str, part: Callable[[], Any]) -> Any:
    print(f"  {label} ...", end="", flush=True)
    t0 = time.perf_counter()
    found = part()
    print(f" {time.perf_counter() - t0:.0f} s", flush=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where the JSON goes (default: a file in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the working copy of the demo")
    parser.add_argument("--load-seconds", type=float, default=20, help="how long the 50 clients load heavy pages")
    args = parser.parse_args(argv)
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))
    started = dt.datetime.now()
    work = Path(tempfile.mkdtemp(prefix="ioc-benchmark-"))
    raw: dict[str, Any] = {}
    rows: list[Row] = []
    t0 = time.perf_counter()
    print(f"national demo at {bench_dir}, working copy in {work}")
    try:
        timed("copying the demo", lambda: prepare(bench_dir, work))
        raw["demo_build"] = timed("building the national demo from nothing", lambda: adapters.demo_build(work))
        raw["refresh"] = timed("refresh and the row-reading pass", lambda: adapters.refresh(work))
        with serving.served(work) as server:
            memory.warm_up(server, rounds=1)
            cheap, raw["cheap_under_load"] = timed(
                f"cheap requests under {CLIENTS} clients", lambda: cheap_rows(server, args.load_seconds)
            )
            raw["callbacks"] = timed("callbacks, 1 and 50 clients", lambda: adapters.callbacks(work, server))
            raw["first_load"] = timed("first load in Chromium", lambda: adapters.first_load(work, server))
            raw["map"] = timed("map in Chromium", lambda: adapters.map_bytes(server))
        raw["memory"] = timed("memory per worker, 3 refreshes", lambda: memory.run(work))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows += refresh_rows(raw["refresh"])
    rows += callback_rows(raw["callbacks"])
    rows += cheap
    rows += first_load_rows(raw["first_load"])
    rows += map_rows(raw["map"])
    rows += memory_rows(raw["memory"])
    rows += demo_rows(raw["demo_build"])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = os.getloadavg()
    print(
        f"\n{started:%Y-%m-%d %H:%M}, {machine}, load average {load[0]:.1f} at the end, "
        f"{(time.perf_counter() - t0) / 60:.1f} min\n"
    )
    print(table(rows))
    out = args.out or Path(tempfile.gettempdir()) / f"ioc-benchmark-{started:%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "date": started.isoformat(timespec="seconds"),
                "machine": machine,
                "load_average_end": load[0],
                "rows": [asdict(r) for r in rows],
                "raw": raw,
            },
            indent=1,
            ensure_ascii=False,
            default=str,
        )
    )
    print(f"\nwritten to {out}")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
