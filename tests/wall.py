"""A real dashboard process and a headless Chromium for the wall display's tests, screenshots and benchmark.

The server is ``python -m ioc_app serve`` in its own process (so a test can kill and restart it as
an outage would); the browser is Debian's chromium at an exact viewport (CDP device metrics), signed
in as a wall is: with a display token in the URL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parent.parent

# The page's own check of what a wall must never show: a scrollbar, something cut off, low contrast.
LAYOUT_PROBLEMS_JS = """
const out = [];
const doc = document.documentElement;
if (doc.scrollWidth > innerWidth || doc.scrollHeight > innerHeight) out.push('page scrolls: ' + doc.scrollWidth + 'x' + doc.scrollHeight);
const slot = document.querySelector('.present-slot.is-current');
if (!slot || !slot.querySelector('.present-slide')) { out.push('no slide on screen'); return out; }
const scope = [document.querySelector('.present-bar'), slot];
function lum(c) {
  const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function rgba(text) { const m = text.match(/[\\d.]+/g) || []; return m.map(Number).concat([1]).slice(0, 4); }
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.5) return c;
  }
  return [255, 255, 255, 1];
}
let checked = 0;
for (const root of scope) {
  for (const el of root.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    checked += 1;
    const label = (el.textContent || '').trim().slice(0, 40);
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) out.push('outside the screen: ' + label);
    if ((el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) && style.overflow !== 'visible') out.push('cut off: ' + label);
    for (let p = el.parentElement; p && p !== root.parentElement; p = p.parentElement) {
      const b = p.getBoundingClientRect(), ps = getComputedStyle(p);
      if (ps.overflow !== 'visible' && (r.bottom > b.bottom + 1 || r.right > b.right + 1)) { out.push('cut off by its box: ' + label); break; }
    }
    const isSvg = el instanceof SVGElement;
    const fg = rgba(isSvg ? style.fill : style.color);
    const bg = background(isSvg ? el.ownerSVGElement : el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const svg = isSvg ? el.ownerSVGElement : null;
    const box = svg ? svg.getBoundingClientRect() : null;
    const size = parseFloat(style.fontSize) * (svg ? Math.min(box.width / svg.viewBox.baseVal.width, box.height / svg.viewBox.baseVal.height) : 1);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push('contrast ' + ratio.toFixed(2) + ': ' + label);
    // Status icons repeat what the value's colour and the legend say; every word is at least 2% of the height.
    if (size < 0.02 * innerHeight && !el.closest('[aria-hidden="true"]')) out.push('small type ' + size.toFixed(1) + 'px: ' + label);
  }
}
if (checked < 10) out.push('only ' + checked + ' texts on screen');
return out;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WallServer:
    """``python -m ioc_app serve`` on a free port, startable and killable as often as a test needs."""

    def __init__(self, vet_url: str, ioc_url: str, secret_key: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "VET_DATABASE_URL": vet_url,
            "IOC_DATABASE_URL": ioc_url,
            "IOC_SECRET_KEY": secret_key,
            "IOC_PORT": str(self.port),
            "IOC_AUTO_INIT_DEMO": "false",
            "IOC_SNAPSHOT_REFRESH_MINUTES": "1440",  # no refresh while a test watches the wall
            "PYTHONPATH": str(ROOT),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ioc_app", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not answer /healthz in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def wall_browser(width: int, height: int) -> webdriver.Chrome:
    """Headless Chromium whose page is exactly ``width`` x ``height`` CSS pixels (a 1080p or 4K wall)."""
    options = Options()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--enable-precise-memory-info",
        "--js-flags=--expose-gc",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


def wall_state(driver: webdriver.Chrome) -> dict[str, Any]:
    state: dict[str, Any] = driver.execute_script(
        "const W = window.iocPresent; if (!W) return {};"
        "return {current: W.current, rotations: W.rotations, online: W.online, paused: W.paused, stopped: W.stopped,"
        " bytes: W.bytes, mark: (document.getElementById('present-mark') || {}).textContent || '',"
        " notice: (document.getElementById('present-notice') || {}).hidden === false"
        "   ? document.getElementById('present-notice').textContent : null,"
        " search: location.search};"
    )
    return state


def wait_for(driver: webdriver.Chrome, predicate: Any, timeout: float, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = wall_state(driver)
        if state and predicate(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {state}")


def javascript_errors(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """Console errors raised by scripts (the browser's own network lines are reported apart)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and e.get("source") != "network"]
