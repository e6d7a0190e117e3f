"""The overview's first load in headless Chromium, cold, beside a blank page of the app.

Serves the app with gunicorn on the national demo at $BENCH_DIR (default /tmp/ioc-national), then
for each run opens a fresh browser (empty profile: a cold cache), signs it in as a wall display
(a page of no weight) and loads

- a blank page of the app (an unknown address: the shell, its callbacks and the framework), drawn
  when the "not found" message is on screen;
- the overview, drawn when its twelve panels each show their sparkline.

Reports the time from the navigation start to drawn (a MutationObserver installed before the
page's scripts notes it), the bytes on the wire until the network is quiet (headers included),
how many times each callback answered (each should answer once per load) and whether the plotly
bundle was fetched (the overview draws no plotly graph). Targets: overview drawn in <= 2 s and
<= 1.5 MB.

    python benchmarks/bench_first_load.py [RUNS]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.served import Served, bench_dir_from_env, browser, quiet, wait

TARGET_MS, TARGET_BYTES = 2000.0, 1.5e6

# Runs in the page before any of its scripts: notes when what the page is for is on screen.
OBSERVER = """
window.__drawn = null;
new MutationObserver(function () {
  if (window.__drawn !== null) return;
  var notFound = document.querySelector('.ioc-not-found');
  var panels = document.querySelectorAll('#home-panels .ov-panel');
  var drawn = panels.length === 12 && Array.from(panels).every(function (p) {
    return p.querySelector('.ov-sparkline svg, svg.ov-sparkline path');  // a plotly graph, or SVG paths
  });
  if (notFound || drawn) window.__drawn = performance.now();
}).observe(document, {subtree: true, childList: true});
"""

PAGES = {"blank": "/nowhere", "overview": "/"}


EMPTY_ANSWERS = ("", '{"multi":true,"response":{}}')  # 204, or no output changed


def _answers(driver: Any, requests: list[dict[str, Any]]) -> tuple[Counter[str], int]:
    """How many answers with something to change each callback output had; and how many had nothing."""
    counts: Counter[str] = Counter()
    empty = 0
    for r in requests:
        if "/_dash-update-component" not in r["url"] or not r.get("body"):
            continue
        answer = ""
        if r.get("status") == 200:
            answer = driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": r["id"]}).get("body", "")
        if answer.strip() in EMPTY_ANSWERS:
            empty += 1
        else:
            counts[json.loads(r["body"]).get("output", "?")] += 1
    return counts, empty


def load(served: Served, path: str) -> dict[str, Any]:
    """One cold load of ``path``: ms to drawn, bytes, requests, callback answers, plotly fetched or not."""
    driver = browser(OBSERVER)
    try:
        served.sign_in(driver)
        driver.get(served.url + path)
        drawn = float(wait(driver, "return window.__drawn", timeout=120))
        requests = quiet(driver, seconds=1.5)
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        outputs, empty = _answers(driver, requests)
    finally:
        driver.quit()
    return {
        "drawn_ms": drawn,
        "bytes": sum(r.get("received", 0) + len((r.get("body") or "").encode()) for r in requests),
        "requests": len(requests),
        "callbacks": sum(outputs.values()),
        "callbacks_unchanged": empty,
        "callback_outputs": sorted(outputs),
        "repeated_callbacks": sorted(o for o, n in outputs.items() if n > 1),
        "plotly_fetched": any("plotly" in r["url"] for r in requests),
        "largest": sorted(
            ((r.get("received", 0), r["url"].split("?")[0].rsplit("/", 1)[-1]) for r in requests), reverse=True
        )[:5],
        "console_errors": len(errors),
    }


def run(bench_dir: Path, runs: int = 3) -> dict[str, Any]:
    """Median of ``runs`` cold loads of each page (a warm-up load first, so the server has its snapshot)."""
    out: dict[str, Any] = {}
    with Served(bench_dir) as served:
        load(served, "/")  # the worker's first request loads the snapshot: not a browser's cost
        for name, path in PAGES.items():
            loads = [load(served, path) for _ in range(runs)]
            out[name] = {
                "drawn_ms": statistics.median(x["drawn_ms"] for x in loads),
                "bytes": statistics.median(x["bytes"] for x in loads),
                "runs": loads,
            }
    over = out["overview"]
    out["ok"] = over["drawn_ms"] <= TARGET_MS and over["bytes"] <= TARGET_BYTES
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    result = run(bench_dir_from_env(), runs)
    print(f"first load, cold browser, median of {runs} (target: overview <= {TARGET_MS:.0f} ms, <= 1.5 MB)")
    for name in PAGES:
        r = result[name]
        last = r["runs"][-1]
        print(
            f"  {name:9s} drawn {r['drawn_ms']:7.0f} ms  {r['bytes'] / 1e6:5.2f} MB  "
            f"{last['requests']} requests, {last['callbacks']} callback answers "
            f"(+{last['callbacks_unchanged']} with nothing to change)"
            f"{' (repeated: ' + ', '.join(last['repeated_callbacks']) + ')' if last['repeated_callbacks'] else ''}"
            f"{'  plotly fetched' if last['plotly_fetched'] else ''}"
            f"{'  console errors: ' + str(last['console_errors']) if last['console_errors'] else ''}"
        )
        print("            largest: " + ", ".join(f"{n} {b / 1e3:.0f} kB" for b, n in last["largest"]))
    print("within target" if result["ok"] else "over the target")


if __name__ == "__main__":
    main()
