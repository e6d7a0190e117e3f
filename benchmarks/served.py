"""The app as production runs it (gunicorn, from the project folder) on the national demo, and a
headless Chromium signed in to it, for the benchmarks that measure over HTTP and in the browser.

The browser signs in as a wall display does (a token made for the run, revoked after it) by a
request that loads nothing of the dashboard, so the page measured next starts from a cold cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def bench_dir_from_env() -> Path:
    return Path(os.environ.get("BENCH_DIR", "/tmp/ioc-national"))


def check_national(bench_dir: Path) -> None:
    if not ((bench_dir / "vet.sqlite3").exists() and (bench_dir / "ioc.sqlite3").exists()):
        sys.exit(
            f"no national demo at {bench_dir}: build it with `python -m ioc_app init-demo --scale national`, "
            "`python -m ioc_app db upgrade` and `python -m ioc_app refresh` (VET_DATABASE_URL / IOC_DATABASE_URL "
            "pointing there)"
        )


def ensure_national(folder: Path) -> None:
    """Build the national demo and its snapshot once (another process may be doing it: wait on the lock)."""
    if (folder / "ioc.sqlite3").exists() and (folder / "vet.sqlite3").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "VET_DATABASE_URL": f"sqlite:///{folder / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{folder / 'ioc.sqlite3'}",
    }
    py = sys.executable  # this environment's Python, whatever ``python`` is on the PATH
    script = (
        f"[ -s {folder}/ioc.sqlite3 ] || ({py} -m ioc_app init-demo --scale national --quiet --force && "
        f"{py} -m ioc_app db upgrade && {py} -m ioc_app refresh)"
    )
    print("building the national demo database and its snapshot (a few minutes) ...", flush=True)
    subprocess.run(
        ["flock", f"{folder}.lock", "sh", "-c", script], check=True, env=env, cwd=Path(__file__).resolve().parent.parent
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """``gunicorn app:server`` on a free port over the demo at ``bench_dir``, with a display token for the run."""

    def __init__(self, bench_dir: Path, workers: int = 1) -> None:
        check_national(bench_dir)
        self.bench_dir = bench_dir
        self.workers = workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.vet_url = f"sqlite:///{bench_dir / 'vet.sqlite3'}"
        self.ioc_url = f"sqlite:///{bench_dir / 'ioc.sqlite3'}"
        self.process: subprocess.Popen[bytes] | None = None
        self.token_name = ""
        self.token = ""

    def __enter__(self) -> Served:
        from data_sources.engine import make_engine
        from ioc_app import accounts
        from ioc_app.audit import CLI

        store = make_engine(self.ioc_url)
        try:
            self.token_name = f"bench {dt.datetime.now():%Y-%m-%d %H.%M.%S.%f}"
            self.token = accounts.create_token(store, self.token_name, "display", None, CLI)[1]
        finally:
            store.dispose()
        env = {
            **os.environ,
            "VET_DATABASE_URL": self.vet_url,
            "IOC_DATABASE_URL": self.ioc_url,
            "IOC_SECRET_KEY": secrets.token_urlsafe(32),
            "IOC_AUTO_INIT_DEMO": "false",
            "IOC_SNAPSHOT_REFRESH_MINUTES": "1440",  # no refresh while a benchmark measures
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "300", "app:server"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /healthz in time")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        from data_sources.engine import make_engine
        from ioc_app import accounts
        from ioc_app.audit import CLI

        store = make_engine(self.ioc_url)
        try:
            accounts.revoke_token(store, self.token_name, CLI)
        finally:
            store.dispose()

    def worker_pids(self) -> list[int]:
        """gunicorn's workers (the master's children)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(c) for c in children]

    def sign_in(self, driver: Any) -> None:
        """Sign the browser in (a page of no weight), then forget the sign-in's own network log."""
        driver.get(f"{self.url}/login/token?token={self.token}&next=/_favicon.ico")
        driver.get_log("performance")


def browser(script: str | None = None) -> Any:
    """A fresh headless Chromium (its own empty profile: a cold cache) with the DevTools network log on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--headless=new",
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
    if script:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    return driver


def network(driver: Any, entries: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The requests in the log since the last read (or in ``entries``): url, method, request body and
    headers, status, bytes on the wire (headers included)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in driver.get_log("performance") if entries is None else entries:
        msg = json.loads(entry["message"])["message"]
        method, params = msg["method"], msg.get("params", {})
        if method == "Network.requestWillBeSent":
            req = params["request"]
            found.setdefault(params["requestId"], {}).update(
                id=params["requestId"],
                url=req["url"],
                method=req["method"],
                body=req.get("postData"),
                headers=req.get("headers", {}),
            )
        elif method == "Network.responseReceived":
            found.setdefault(params["requestId"], {})["status"] = params["response"]["status"]
        elif method == "Network.loadingFinished":
            found.setdefault(params["requestId"], {})["received"] = int(params["encodedDataLength"])
    return [r for r in found.values() if "url" in r and not r["url"].startswith("data:")]


def wait(driver: Any, js: str, timeout: float = 60) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(js))


def quiet(driver: Any, seconds: float = 1.0, timeout: float = 30) -> list[dict[str, Any]]:
    """The requests since the last read, once the network has been silent for ``seconds``."""
    entries: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        more = driver.get_log("performance")
        if any('"Network.' in e["message"] for e in more):
            last = time.monotonic()
        entries += more
        if time.monotonic() - last >= seconds:
            break
    return network(driver, entries)
