"""The wall display over a long run: JS heap, DOM nodes and bytes per slide change, from Chromium's own metrics.

    python benchmarks/bench_present.py [--changes 200] [--seconds 1] [--size 1920x1080]

Copies the dashboard's databases (the embedded demo by default, or VET_DATABASE_URL and
IOC_DATABASE_URL) to a temporary folder, stores a playlist with one slide of every kind (each
``--seconds`` long), serves it in its own process and leaves a headless Chromium on /present.
After the first full rotation (every slide loaded once) and again after ``--changes`` more slide
changes it forces a garbage collection and reads ``Performance.getMetrics`` (JSHeapUsedSize,
Nodes, JSEventListeners); bytes are the callback answers' transfer sizes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_sources.engine import make_engine  # noqa: E402
from ioc_app import accounts, playlist_store  # noqa: E402
from ioc_app.identity import DISPLAY  # noqa: E402
from ioc_app.settings import Settings, secret_key_for  # noqa: E402
from tests.wall import WallServer, javascript_errors, wait_for, wall_browser, wall_state  # noqa: E402


def playlist(seconds: int) -> dict[str, Any]:
    return {
        "name": "do-hieu-nang",
        "title": "Đo hiệu năng",
        "slides": [
            {"kind": "overview", "seconds": seconds},
            {"kind": "targets", "seconds": seconds, "targets": ["T01", "T02", "T03", "T04"]},
            {"kind": "map", "seconds": seconds, "targets": ["T06"]},
            {"kind": "provinces", "seconds": seconds},
            {"kind": "behind", "seconds": seconds, "targets": ["T01"]},
            {"kind": "changes", "seconds": seconds},
            {"kind": "overview", "seconds": seconds, "province": "79"},
        ],
    }


def metrics(driver: Any) -> dict[str, float]:
    driver.execute_cdp_cmd("HeapProfiler.enable", {})
    for _ in range(3):
        driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        time.sleep(0.3)
    driver.execute_cdp_cmd("Performance.enable", {})
    raw = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    values = {m["name"]: m["value"] for m in raw}
    state = wall_state(driver)
    return {
        "heap_mb": values["JSHeapUsedSize"] / 1e6,
        "nodes": values["Nodes"],
        "listeners": values["JSEventListeners"],
        "bytes": float(state["bytes"]),
        "changes": float(state["rotations"]),
    }


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise SystemExit(f"this benchmark copies SQLite files; {url.split(':')[0]} is not one")
    return Path(url.removeprefix("sqlite:///"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=1)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    settings = Settings.from_env()
    folder = Path(tempfile.mkdtemp(prefix="bench-present-"))
    for url, name in ((settings.vet_database_url, "vet.sqlite3"), (settings.ioc_database_url, "ioc.sqlite3")):
        shutil.copy(_sqlite_path(url), folder / name)
    vet_url, ioc_url = f"sqlite:///{folder / 'vet.sqlite3'}", f"sqlite:///{folder / 'ioc.sqlite3'}"
    engine = make_engine(ioc_url)
    play = playlist(args.seconds)
    playlist_store.save(engine, play)
    _token, secret = accounts.create_token(engine, "bench-present", DISPLAY)
    server = WallServer(vet_url, ioc_url, secret_key_for(settings))
    server.start(timeout=600)
    driver = wall_browser(width, height)
    slides = len(play["slides"])
    try:
        driver.get(f"{server.url}/present?playlist={play['name']}&token={secret}")
        wait_for(driver, lambda s: s.get("rotations", 0) >= slides, 120, "a first full rotation")
        first = metrics(driver)
        target = first["changes"] + args.changes
        started = time.monotonic()
        wait_for(driver, lambda s: s["rotations"] >= target, args.changes * (args.seconds + 10) + 120, "the long run")
        elapsed = time.monotonic() - started
        last = metrics(driver)
        errors = javascript_errors(driver)
    finally:
        driver.quit()
        server.stop()
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    changes = last["changes"] - first["changes"]
    per_change = (last["bytes"] - first["bytes"]) / changes if changes else float("nan")
    print(f"wall display, {width}x{height}, {slides} slides of {args.seconds} s, {changes:.0f} slide changes")
    print(f"{'':28}{'after 1 rotation':>18}{'after the run':>16}{'change':>10}")
    for key, label, fmt in (
        ("heap_mb", "JS heap used (MB)", "{:.2f}"),
        ("nodes", "DOM nodes", "{:.0f}"),
        ("listeners", "JS event listeners", "{:.0f}"),
    ):
        a, b = first[key], last[key]
        print(f"{label:28}{fmt.format(a):>18}{fmt.format(b):>16}{(b - a) / a * 100 if a else 0:>+9.1f}%")
    print(f"bytes per slide change: {per_change / 1000:.1f} kB (compressed, callback answers)")
    print(f"run time: {elapsed:.0f} s; script errors in the console: {len(errors)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
