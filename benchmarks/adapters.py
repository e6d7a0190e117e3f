"""The parts of ``python -m benchmarks`` measured by the older scripts, each behind ``run(bench_dir) -> dict``.

``bench_refresh`` and ``bench_callbacks`` (and a first-load benchmark) are to offer ``run(bench_dir)``
themselves; until a script does, the function here measures the same figure in a few lines, on the
copy of the demo the command works on. Each returns plain numbers (seconds, milliseconds, bytes).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import serving

# One pass reading every learner row: the floor a refresh is compared with.
ROW_PASS_SQL = "SELECT institution_id, count(*), count(record_digitised_on), min(enrolled_on) FROM learner GROUP BY 1"


def _script_run(name: str) -> Any:
    """``run`` of ``benchmarks/<name>.py`` when it has one, else None."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ImportError:
        return None
    return getattr(module, "run", None)


def refresh(bench_dir: Path) -> dict[str, Any]:
    """A full snapshot refresh and the row-reading pass, on the same database in the same run (seconds)."""
    own = _script_run("bench_refresh")
    if own is not None:
        return dict(own(bench_dir))
    from sqlalchemy import text

    from data_sources.engine import make_engine
    from ioc_app import snapshots

    vet = make_engine(f"sqlite:///{bench_dir / 'vet.sqlite3'}")
    ioc = make_engine(f"sqlite:///{bench_dir / 'ioc.sqlite3'}")
    try:
        with vet.connect() as conn:
            t0 = time.perf_counter()
            conn.execute(text(ROW_PASS_SQL)).all()
            row_pass = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = snapshots.refresh(vet, ioc, trigger="benchmark")
        seconds = time.perf_counter() - t0
    finally:
        vet.dispose()
        ioc.dispose()
    if result.status != "ok":
        raise RuntimeError(f"the refresh failed: {result.error}")
    return {"refresh_s": seconds, "row_pass_s": row_pass, "rows": result.rows}


# The main callbacks: (name, page, the component the callback writes; "shell-content" is the page's first paint).
MAIN_CALLBACKS = (
    ("overview panels", "/", "home-panels"),
    ("overview first paint", "/", "shell-content"),
    ("target page", "/targets/T06", "target-body"),
    ("scorecard", "/scorecard", "sc-table"),
    ("map restyle", "/map", "map-provinces"),
    ("province targets", f"/province/{serving.PROVINCE}", "prov-targets"),
    ("province institutions", f"/province/{serving.PROVINCE}", "prov-institutions"),
)


def callbacks(
    bench_dir: Path, server: serving.Server, rounds: int = 20, clients: int = 50, seconds: float = 8
) -> dict[str, Any]:
    """Each main callback's p95 (ms) over HTTP with one client and with ``clients`` at once, and the
    language toggle's, measured the same way."""
    # benchmarks/bench_callbacks.py measures on its own terms (one client, its own server): the table's
    # figures (1 and 50 clients against the toggle, on the table's server) are measured here.
    toggle = serving.cheap_requests(server)[0]
    requests = [toggle]
    for name, path, component in MAIN_CALLBACKS:
        body = serving.envelope(
            server, serving.key_writing(server, component), serving.values(path, server.snapshot_state)
        )
        requests.append(serving.Request(name, body))
    one = serving.one_client(server.target, requests, rounds)
    many: dict[str, dict[str, float]] = {}
    for req in requests:
        with serving.clients(server.target, [req], clients, seconds) as answered:
            pass
        times = [ms for _name, ms, _status in answered[len(answered) // 10 :] if ms == ms]  # past the ramp-up
        errors = sum(status >= 400 for _n, _ms, status in answered)
        many[req.name] = {"p95_ms": serving.p95(times), "n": len(times), "errors": errors}
    return {"one_client": one, "many_clients": many, "clients": clients, "reference": toggle.name}


def first_load(bench_dir: Path, server: serving.Server) -> dict[str, Any]:
    """The overview's first load against a blank page of the app (the shell around a page that does not
    exist), cold, in headless Chromium: milliseconds until the last response of the load and bytes on the
    wire (requests and answers, with headers)."""
    # benchmarks/bench_first_load.py measures on its own terms (one client, its own server): the table's
    # figures (1 and 50 clients against the toggle, on the table's server) are measured here.
    from benchmarks import bench_map

    out = {}
    for name, path in (("overview", "/"), ("blank page", "/no-such-page")):
        driver = bench_map._driver()
        try:
            driver.get(f"{server.base}/login/token?token={server.token}&next=/_favicon.ico")
            bench_map._network(driver)  # the sign-in's bytes are not the page's
            driver.get(server.base + path)
            _wait_quiet(driver)
            drawn = driver.execute_script(
                "var r = performance.getEntriesByType('resource').map(e => e.responseEnd);"
                "var n = performance.getEntriesByType('navigation')[0];"
                "return Math.max(n.loadEventEnd, ...r);"
            )
            net = bench_map._network(driver)
        finally:
            driver.quit()
        out[name] = {
            "ms": drawn,
            "bytes": sum(k["sent"] + k["received"] for k in net.values()),
            "callbacks": net.get("callbacks", {}).get("requests", 0),
        }
    return out


def _wait_quiet(driver: Any, quiet_s: float = 1.5, timeout_s: float = 60) -> None:
    """Until the page has content and no new request has started for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = driver.execute_script(
            "var c = document.getElementById('shell-content');"
            "return (c && c.children.length) ? performance.getEntriesByType('resource').length : -1;"
        )
        if count != seen:
            seen, since = count, time.monotonic()
        elif count >= 0 and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)
    raise RuntimeError("the page did not settle within a minute")


def map_bytes(server: serving.Server) -> dict[str, Any]:
    """The map's first view (cold) and a restyle (another indicator): bytes on the wire, in headless Chromium."""
    from benchmarks import bench_map

    bench_map.TOKEN["secret"] = server.token
    seen = bench_map.first_view(server.base)
    first = sum(k["sent"] + k["received"] for k in seen["net"].values())
    data = sum(
        k["sent"] + k["received"] for name, k in seen["net"].items() if name in ("geometry", "points", "callbacks")
    )
    restyle = sum(k["sent"] + k["received"] for k in seen["restyle_net"].values())
    return {
        "first_view_bytes": first,
        "first_view_data_bytes": data,
        "first_view_drawn_ms": seen["drawn_ms"],
        "restyle_bytes": restyle,
        "restyle_ms": seen["restyle_ms"],
        "restyle_geometry_requests": seen["restyle_net"].get("geometry", {}).get("requests", 0),
    }


def demo_build(work: Path) -> dict[str, Any]:
    """Seconds to build the national demo database from nothing (``init-demo --scale national``)."""
    target = work / "demo-build.sqlite3"
    env = {**serving.env_for(work), "VET_DATABASE_URL": f"sqlite:///{target}"}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ioc_app", "init-demo", "--scale", "national", "--quiet", "--force"],
        cwd=serving.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    for leftover in work.glob("demo-build.sqlite3*"):
        leftover.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"init-demo failed: {done.stderr.strip()[-500:]}")
    return {"seconds": seconds, "summary": done.stdout.strip().splitlines()[-1:] or json.dumps(None)}
