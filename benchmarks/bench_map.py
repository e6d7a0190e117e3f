"""Bytes and time of the digital map (T10) at national scale, measured in headless Chromium.

Serves the app on the national demo at $BENCH_DIR (default /tmp/ioc-national: vet.sqlite3 +
ioc.sqlite3, ~1,900 institutions) on a local port, then with a fresh browser profile (cold cache):

1. first map view: opens /map and waits until the 34 province paths are in Leaflet's overlay
   pane and the institution clusters are drawn; bytes by kind (geometry, points, Dash callback
   requests + responses, page/framework) from the DevTools network log; time to a fully drawn map
   from the navigation start (a MutationObserver installed before the page's scripts records it);
2. restyle: another indicator from the dropdown: bytes sent and received (callback payload
   only, no geometry) and time until the fill colours change;
3. date: another period end on the slider (same, a restyle);
4. filter: institution type "college": the points layer asks the server for the filtered set
   (the clusters must be rebuilt, so the filter runs on the server; the answer is cached by
   the browser), bytes and time until the clusters are redrawn;
5. reload with a warm cache: geometry and points come from the browser cache (0 bytes or a 304).

Also prints the server time of the per-province figures (cold and cached) and of the restyle
callback body. Run: ``python benchmarks/bench_map.py [RUNS]`` (default 3 cold loads).

Each browser signs in as a wall display (a token made for the run, revoked after it) by a request
that loads nothing of the dashboard, so the first map view still starts from a cold cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ioc_app  # noqa: E402,F401  - the app package first (callbacks.page imports ioc_app.services)
from ioc_app import create_app, snapshots  # noqa: E402 - imported after the path set-up above
from ioc_app.services import Services  # noqa: E402 - imported after the path set-up above
from ioc_app.settings import Settings  # noqa: E402 - imported after the path set-up above

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))
TOKEN: dict[str, str] = {}  # the run's display token

# Runs in the page before any of its scripts: records when the map is fully drawn.
OBSERVER = """
window.__map = {drawn: null, fills: null};
new MutationObserver(function () {
  var m = window.__map;
  var paths = document.querySelectorAll('.leaflet-overlay-pane path.ioc-province').length;
  var clusters = document.querySelectorAll('.ioc-cluster').length;
  if (m.drawn === null && paths >= (m.expect || 34) && clusters > 0) { m.drawn = performance.now(); }
  var fill = Array.from(document.querySelectorAll('path.ioc-province')).map(function (p) {
    return p.getAttribute('fill'); }).join(',');
  if (m.fills !== null && fill !== m.fills && m.changed === undefined) { m.changed = performance.now(); }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['fill', 'class']});
"""


def _settings() -> Settings:
    vet, ioc = BENCH_DIR / "vet.sqlite3", BENCH_DIR / "ioc.sqlite3"
    if not (vet.exists() and ioc.exists()):
        sys.exit(
            f"no national demo at {BENCH_DIR}: build it with `python -m ioc_app init-demo --scale national`, "
            "`python -m ioc_app db upgrade` and `python -m ioc_app refresh` (VET_DATABASE_URL / IOC_DATABASE_URL "
            "pointing there)"
        )
    return Settings(
        vet_database_url=f"sqlite:///{vet}",
        ioc_database_url=f"sqlite:///{ioc}",
        auto_init_demo=False,
        secret_key=secrets.token_urlsafe(32),  # a local measurement: no sessions to keep
    )


def _serve(settings: Settings) -> tuple[str, Any]:
    """The app on a free local port, warmed up: the first request after a start loads the snapshot."""
    from werkzeug.serving import make_server

    from callbacks import map as map_callbacks
    from callbacks.page import PageContext

    app = create_app(settings)
    t0 = time.perf_counter()
    services = app.server.config["IOC_SERVICES"]
    map_callbacks.render(PageContext(services=services, lang="vi"))
    client = app.server.test_client()
    bearer = {"Authorization": f"Bearer {TOKEN['secret']}"}
    client.get("/api/v1/geo/provinces?set=34", headers=bearer)
    client.get("/api/v1/institutions", headers=bearer)
    print(
        f"  server warm-up after start (snapshot into memory, first map page, geometry and points bodies): "
        f"{time.perf_counter() - t0:.1f} s"
    )
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1920,1080",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
    return driver


def _kind(url: str) -> str:
    if "/api/v1/geo/provinces" in url:
        return "geometry"
    if "/api/v1/institutions" in url:
        return "points"
    if "/_dash-update-component" in url:
        return "callbacks"
    if "/_dash-layout" in url or "/_dash-dependencies" in url:
        return "layout"
    return "page+framework"


def _network(driver) -> dict[str, dict[str, int]]:
    """Bytes per kind since the last call: sent (request bodies) and received (on the wire, with headers)."""
    requests: dict[str, dict[str, Any]] = {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        method, params = msg["method"], msg.get("params", {})
        if method == "Network.requestWillBeSent":
            req = params["request"]
            requests.setdefault(params["requestId"], {})
            requests[params["requestId"]].update(url=req["url"], sent=len((req.get("postData") or "").encode()))
        elif method == "Network.responseReceived":
            requests.setdefault(params["requestId"], {})["status"] = params["response"]["status"]
        elif method == "Network.loadingFinished":
            requests.setdefault(params["requestId"], {})["received"] = int(params["encodedDataLength"])
    out: dict[str, dict[str, int]] = {}
    for r in requests.values():
        if "url" not in r or r["url"].startswith("data:"):
            continue
        k = out.setdefault(_kind(r["url"]), {"requests": 0, "sent": 0, "received": 0})
        k["requests"] += 1
        k["sent"] += r.get("sent", 0)
        k["received"] += r.get("received", 0)
    return out


def _fmt(kinds: dict[str, dict[str, int]], only: tuple[str, ...] | None = None) -> str:
    rows = []
    for kind in ("geometry", "points", "callbacks", "layout", "page+framework"):
        if kind in kinds and (only is None or kind in only):
            k = kinds[kind]
            rows.append(
                f"    {kind:15s} {k['requests']:3d} req  sent {k['sent'] / 1024:7.1f} kB  "
                f"received {k['received'] / 1024:7.1f} kB"
            )
    return "\n".join(rows) or "    (no requests)"


def _total(kinds: dict[str, dict[str, int]], only: tuple[str, ...]) -> float:
    return sum(k["sent"] + k["received"] for name, k in kinds.items() if name in only) / 1024


def _wait(driver, js: str, timeout: float = 60) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(js))


def _select(driver, dropdown: str, index: int) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, dropdown).click()
    options = _wait(driver, "var o = document.querySelectorAll('.dash-dropdown-option'); return o.length ? o : null")
    options[index].click()


def _arm(driver) -> None:
    driver.execute_script(
        "var m = window.__map; delete m.changed; m.fills = Array.from("
        "document.querySelectorAll('path.ioc-province')).map(p => p.getAttribute('fill')).join(',');"
        "m.t0 = performance.now();"
    )


def first_view(base: str) -> dict[str, Any]:
    driver = _driver()
    try:
        driver.get(f"{base}/login/token?token={TOKEN['secret']}&next=/_favicon.ico")
        _network(driver)  # the sign-in's few bytes are not the map's
        driver.get(base + "/map")
        drawn = _wait(driver, "return window.__map && window.__map.drawn")
        timing = driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            "return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};"
        )
        time.sleep(0.5)  # let trailing callbacks (the freshness poll) finish
        net = _network(driver)
        result = {
            "drawn_ms": drawn,
            "dcl_ms": timing["dcl"],
            "load_ms": timing["load"],
            "net": net,
            "points": driver.execute_script("return document.querySelectorAll('.ioc-cluster').length"),
        }

        # Restyle: another indicator (T01, the first option).
        _arm(driver)
        _select(driver, "#map-indicator", 0)
        _wait(driver, "return window.__map.changed")
        time.sleep(0.3)
        result["restyle_ms"] = driver.execute_script("return window.__map.changed - window.__map.t0")
        result["restyle_net"] = _network(driver)

        # Another date: the first point of the slider (Home key on the focused thumb).
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        _arm(driver)
        driver.find_element(By.CSS_SELECTOR, "#map-date [role=slider]").send_keys(Keys.HOME)
        _wait(driver, "return window.__map.changed")
        time.sleep(0.3)
        result["date_ms"] = driver.execute_script("return window.__map.changed - window.__map.t0")
        result["date_net"] = _network(driver)

        # Filter institutions by type: server filter, clusters rebuilt.
        before = driver.execute_script(
            "return Array.from(document.querySelectorAll('.ioc-cluster')).map(e => e.textContent).join(',')"
        )
        t0 = driver.execute_script("return performance.now()")
        _select(driver, "#map-type", 1)
        _wait(
            driver,
            "return Array.from(document.querySelectorAll('.ioc-cluster')).map(e => e.textContent)"
            f".join(',') !== {json.dumps(before)}",
        )
        result["filter_ms"] = driver.execute_script("return performance.now()") - t0
        time.sleep(0.3)
        result["filter_net"] = _network(driver)

        # Warm reload: geometry and points from the browser cache.
        driver.get(base + "/map")
        result["warm_drawn_ms"] = _wait(driver, "return window.__map && window.__map.drawn")
        time.sleep(0.5)
        result["warm_net"] = _network(driver)
        result["console"] = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        return result
    finally:
        driver.quit()


def server_side(settings: Settings) -> None:
    from callbacks import map as map_callbacks
    from ioc_app import map_data, provincial
    from layouts import map as map_layout

    services = Services.from_settings(settings)
    snap = snapshots.current(services.ioc_engine)
    assert snap is not None
    as_of = snap.period_ends[-1]
    for level in ("34", "63"):
        t0 = time.perf_counter()
        provincial.compute_provincial_table(snap, "T08", level, as_of, None, None)
        cold = (time.perf_counter() - t0) * 1000
        map_data.province_figures(snap, "T08", level, as_of, None, None)
        t0 = time.perf_counter()
        map_data.province_figures(snap, "T08", level, as_of, None, None)
        warm = (time.perf_counter() - t0) * 1000
        print(f"  per-province figures, T08, {level} units: {cold:6.1f} ms computed, {warm:5.2f} ms cached")
    times = []
    for i, code in enumerate(["T01", "T02", "T03", "T04", "T06", "T09", "T11", "T12"]):
        t0 = time.perf_counter()
        map_callbacks.update_map(services, code, len(snap.period_ends) - 1 - i, {"level": "34"}, None, "vi", None)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"  restyle callback body (new indicator and date, uncached): median {statistics.median(times):.1f} ms, "
        f"max {max(times):.1f} ms"
    )
    hideout = map_layout.provinces_hideout(
        map_data.province_figures(snap, "T06", "63", as_of), map_layout.registry.get("T06"), "vi"
    )
    print(f"  hideout size: 63 units {len(json.dumps(hideout, ensure_ascii=False).encode()) / 1024:.1f} kB")
    services.dispose()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    settings = _settings()
    from data_sources.engine import make_engine
    from data_sources.institution_points import load_points

    points = load_points(make_engine(settings.vet_database_url))
    located = int(points.frame["has_coords"].sum())
    print(f"National demo at {BENCH_DIR}: {len(points.frame):,} open institutions, {located:,} with coordinates")
    print("Server side:")
    server_side(settings)
    from ioc_app import accounts
    from ioc_app.audit import CLI

    store = make_engine(settings.ioc_database_url)
    TOKEN["name"] = f"bench_map {dt.datetime.now():%Y-%m-%d %H.%M.%S}"
    TOKEN["secret"] = accounts.create_token(store, TOKEN["name"], "display", None, CLI)[1]
    base, server = _serve(settings)
    try:
        results = [first_view(base) for _ in range(runs)]
    finally:
        server.shutdown()
        accounts.revoke_token(store, TOKEN["name"], CLI)
        store.dispose()
    r = results[0]
    data_kinds = ("geometry", "points", "callbacks")
    print("\nFirst map view (cold browser cache), bytes on the wire incl. headers:")
    print(_fmt(r["net"]))
    print(
        f"  geometry + points + callback payloads: {_total(r['net'], data_kinds):.1f} kB; "
        f"everything incl. page and framework: {_total(r['net'], tuple(r['net'])):.1f} kB"
    )
    drawn = [x["drawn_ms"] for x in results]
    print(
        f"  time to a fully drawn map (34 provinces + clusters) from navigation start, {runs} cold browser loads: "
        f"median {statistics.median(drawn):.0f} ms (min {min(drawn):.0f}, max {max(drawn):.0f}); "
        f"DOMContentLoaded {r['dcl_ms']:.0f} ms, load {r['load_ms']:.0f} ms"
    )
    print("\nRestyle: another indicator (callback payload only):")
    print(_fmt(r["restyle_net"]))
    print(
        f"  total {_total(r['restyle_net'], tuple(r['restyle_net'])):.1f} kB; geometry requests: "
        f"{r['restyle_net'].get('geometry', {}).get('requests', 0)}; "
        f"time to new colours median {statistics.median(x['restyle_ms'] for x in results):.0f} ms"
    )
    print("Restyle: another date:")
    print(_fmt(r["date_net"]))
    print(
        f"  total {_total(r['date_net'], tuple(r['date_net'])):.1f} kB; "
        f"time to new colours median {statistics.median(x['date_ms'] for x in results):.0f} ms"
    )
    print("Filter: institution type = college (server filter, clusters rebuilt):")
    print(_fmt(r["filter_net"]))
    print(
        f"  total {_total(r['filter_net'], tuple(r['filter_net'])):.1f} kB; "
        f"time to redrawn clusters median {statistics.median(x['filter_ms'] for x in results):.0f} ms"
    )
    print("Reload with a warm browser cache:")
    print(_fmt(r["warm_net"], data_kinds))
    print(f"  time to a fully drawn map median {statistics.median(x['warm_drawn_ms'] for x in results):.0f} ms")
    severe = [e for x in results for e in x["console"]]
    print(f"\nConsole errors: {len(severe)}")
    for e in severe[:5]:
        print("  ", e["message"][:200])


if __name__ == "__main__":
    main()
