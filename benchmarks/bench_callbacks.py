"""Each main callback's latency over HTTP at national scale, beside the language toggle's.

Serves the app with gunicorn (one worker) on the national demo at $BENCH_DIR (default
/tmp/ioc-national), captures the callback requests a headless Chromium sends while it uses the
pages (overview, a filter, the language toggle, a target page, the scorecard, the map, Hồ Chí Minh
City's page), then replays each captured request RUNS times from one client, in turns, with the
browser's session. The overview's, the target page's and the scorecard's requests are replayed
with varied filters (province of the 34 or the 63 units, institution type, ownership), written
into the captured payload where the browser put the selection.

Prints p50/p95 in milliseconds, each p95 as a multiple of the language toggle's (the floor: a
callback that reads nothing), and the answer's size. Target: every main callback's p95 within 5x
the toggle's.

    python benchmarks/bench_callbacks.py [RUNS]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.served import Served, bench_dir_from_env, browser, quiet, wait
from geo import provinces as geo_provinces

TARGET_RATIO = 5.0
REFERENCE = "language toggle"
# What each captured request is, by its output (and, for the router, by the page it renders).
NAMES = {
    "shell-lang.data": REFERENCE,
    "target-body.children": "target page",
    "sc-table.children": "scorecard",
    "prov-targets.children": "province targets",
    "prov-institutions.children": "province institutions",
}
PAGE_NAMES = {"/": "overview first paint", "/targets/T01": "target page first paint"}
VARIED = ("overview filter", "target page", "scorecard")


def name_of(payload: dict[str, Any]) -> str | None:
    output = str(payload.get("output", ""))
    for key, name in NAMES.items():
        if output == key or f"..{key}.." in output:  # one output, or one of several ("..a.b...c.d..")
            return name
    if "home-panels" in output or "home-network" in output:
        return "overview filter"
    if "map-provinces.hideout" in output:
        return "map restyle"
    if output == "shell-content.children":
        path = next((i.get("value") for i in payload.get("inputs", []) if i.get("property") == "pathname"), None)
        return PAGE_NAMES.get(str(path))
    return None


def selections(n: int, seed: int = 2222) -> list[dict[str, Any]]:
    """Varied shared selections: national or a province of either level, a type, an ownership."""
    rng = random.Random(seed)
    p34 = [p.code for p in geo_provinces.provinces()]
    p63 = [p.code for p in geo_provinces.legacy_provinces()]
    out = []
    for i in range(n):
        level = "63" if i % 3 == 2 else "34"
        province = rng.choice([None, *(p63 if level == "63" else p34)]) if i % 4 else None
        out.append(
            {
                "level": level,
                "province": province,
                "type": rng.choice([None, None, "college", "intermediate", "centre"]),
                "ownership": rng.choice([None, None, "public", "private", "foreign"]),
            }
        )
    return out


def with_selection(payload: dict[str, Any], selection: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(payload))
    for part in ("inputs", "state"):
        for item in out.get(part, []):
            if item.get("id") == "shell-selection" and item.get("property") == "data":
                item["value"] = selection
    return out


def capture(served: Served) -> tuple[dict[str, dict[str, Any]], dict[str, str], list[dict[str, str]]]:
    """The callback requests of a browser using the pages: one per name, the headers, the cookies."""
    driver = browser()
    captured: dict[str, dict[str, Any]] = {}
    headers: dict[str, str] = {}

    def keep() -> None:
        for r in quiet(driver, seconds=1.5):
            if "/_dash-update-component" in r["url"] and r.get("body"):
                payload = json.loads(r["body"])
                name = name_of(payload)
                if name is not None and name not in captured:
                    captured[name] = payload
                headers.update(r.get("headers", {}))

    def click(selector: str) -> None:
        driver.execute_script(f"document.querySelector({json.dumps(selector)}).click()")
        keep()

    try:
        served.sign_in(driver)
        driver.get(served.url + "/")
        wait(driver, "return document.querySelectorAll('#home-panels .ov-panel').length === 12", 120)
        keep()
        click("#filters-level input[value='63']")
        click("#filters-level input[value='34']")
        click("#shell-lang-toggle")
        click("#shell-lang-toggle")
        for path, ready in (
            ("/targets/T01", "#target-body"),
            ("/scorecard", "#sc-table table"),
            ("/map", "path.ioc-province"),
            ("/province/79", "#prov-institutions table"),
        ):
            driver.get(served.url + path)
            wait(driver, f"return document.querySelector({json.dumps(ready)})", 120)
            keep()
            if path.startswith("/targets/"):  # a filter on the target page (its first paint came with the page)
                click("#filters-level input[value='63']")
                click("#filters-level input[value='34']")
        cookies = driver.get_cookies()
    finally:
        driver.quit()
    keep_headers = {k: v for k, v in headers.items() if k.lower() in ("content-type", "x-csrftoken", "accept")}
    return captured, keep_headers, cookies


def worker_cpu_ms(session: Any, url: str, pids: list[int], payloads: list[dict[str, Any]]) -> float:
    """The server's CPU time per request (the workers' user + system time over the requests): what a
    busy machine cannot inflate, unlike the wall-clock times."""
    before = sum(cpu_seconds(pid) for pid in pids)
    for body in payloads:
        session.post(url, data=json.dumps(body)).raise_for_status()
    return (sum(cpu_seconds(pid) for pid in pids) - before) * 1000 / len(payloads)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p(ms: list[float], q: float) -> float:
    return sorted(ms)[max(0, round(q * len(ms)) - 1)]


def run(bench_dir: Path, runs: int = 40) -> dict[str, Any]:
    """p50/p95 per callback (ms), its p95 over the toggle's, and its answer's size (bytes)."""
    import requests

    with Served(bench_dir) as served:
        captured, headers, cookies = capture(served)
        session = requests.Session()
        for c in cookies:
            session.cookies.set(c["name"], c["value"])
        session.headers.update({**headers, "Content-Type": "application/json", "Accept-Encoding": "br, gzip"})
        sels = selections(runs)
        cases = {
            name: [with_selection(payload, s) for s in sels] if name in VARIED else [payload] * runs
            for name, payload in captured.items()
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        sizes: dict[str, list[int]] = {name: [] for name in cases}
        url = served.url + "/_dash-update-component"
        for payloads in cases.values():  # warm-up: every varied scope once
            for body in payloads:
                answer = session.post(url, data=json.dumps(body))
                if not answer.ok:
                    raise SystemExit(f"{answer.status_code} {answer.text[:300]} for {json.dumps(body)[:600]}")
        for i in range(runs):  # in turns, so a slow moment of the machine falls on every callback alike
            for name, payloads in cases.items():
                data = json.dumps(payloads[i])
                t0 = time.perf_counter()
                resp = session.post(url, data=data)
                times[name].append((time.perf_counter() - t0) * 1000)
                resp.raise_for_status()
                sizes[name].append(len(resp.content))
        cpu = {name: worker_cpu_ms(session, url, served.worker_pids(), payloads) for name, payloads in cases.items()}
    floor = _p(times[REFERENCE], 0.95) if times.get(REFERENCE) else float("nan")
    out: dict[str, Any] = {"runs": runs, "reference": REFERENCE, "callbacks": {}}
    for name in cases:
        p95 = _p(times[name], 0.95)
        out["callbacks"][name] = {
            "p50_ms": statistics.median(times[name]),
            "p95_ms": p95,
            "ratio": p95 / floor,
            "answer_bytes": int(statistics.median(sizes[name])),
            "worker_cpu_ms": cpu[name],
            "cpu_ratio": cpu[name] / cpu[REFERENCE] if cpu.get(REFERENCE) else float("nan"),
        }
    out["ok"] = all(c["ratio"] <= TARGET_RATIO for c in out["callbacks"].values())
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    result = run(bench_dir_from_env(), runs)
    print(f"callbacks over HTTP, one client, {runs} runs each (target: p95 within {TARGET_RATIO:.0f}x the toggle's)")
    for name, c in sorted(result["callbacks"].items(), key=lambda kv: kv[1]["p95_ms"]):
        print(
            f"  {name:26s} p50 {c['p50_ms']:6.1f}  p95 {c['p95_ms']:6.1f} ms  {c['ratio']:5.1f}x | "
            f"server CPU {c['worker_cpu_ms']:6.1f} ms/request {c['cpu_ratio']:5.1f}x | "
            f"answer {c['answer_bytes'] / 1e3:7.1f} kB  {'ok' if c['ratio'] <= TARGET_RATIO else 'SLOW'}"
        )
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)")
    print("all within target" if result["ok"] else "some callbacks are over the target")


if __name__ == "__main__":
    main()
