"""Accessibility (WCAG 2.1 AA) of every page, in both languages, checked by axe-core in headless Chromium.

axe-core comes from the npm registry (tests/axe/package.json, installed by scripts/test.sh). Each page is
opened signed in as an administrator (who sees every page) on a real server process; the check fails
on any serious or critical violation, and on a document whose ``lang`` is not the page's language.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_SECRET_KEY, ensure_user
from tests.wall import WallServer, wall_browser

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The dashboard's pages (Dash) and the server's own pages.
DASH_PAGES = ["/", "/targets", "/targets/T06", "/scorecard", "/map", "/province/79", "/institution/{inst}", "/tasks"]
SERVER_PAGES = [
    "/admin/users",
    "/admin/tokens",
    "/admin/audit",
    "/admin/playlists",
    "/admin/imports",
    "/import",
    "/sources",
    "/alerts",
]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"""


@pytest.fixture(scope="module")
def site(small_demo, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """A copy of the small demo served by a real server process, and a browser signed in as an admin."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing: run `npm ci --prefix {AXE.parents[2]}` (scripts/test.sh does)")
    folder: Path = tmp_path_factory.mktemp("a11y")
    for name in ("vet.sqlite3", "ioc.sqlite3"):
        source = Path(getattr(small_demo, f"{name.split('.')[0]}_database_url").removeprefix("sqlite:///"))
        shutil.copy(source, folder / name)
    vet, ioc = f"sqlite:///{folder / 'vet.sqlite3'}", f"sqlite:///{folder / 'ioc.sqlite3'}"
    with sqlite3.connect(folder / "vet.sqlite3") as conn:
        inst = conn.execute("SELECT id FROM institution WHERE province_code = '79' ORDER BY id LIMIT 1").fetchone()[0]
    user, password = ensure_user(ioc, "admin")
    server = WallServer(vet, ioc, TEST_SECRET_KEY)
    server.start()
    driver = wall_browser(1280, 900)
    try:
        driver.set_script_timeout(90)
        driver.get(server.url + "/login")
        driver.find_element("id", "username").send_keys(user)
        driver.find_element("id", "password").send_keys(password)
        driver.find_element("id", "login-submit").click()
        _wait(lambda: driver.find_elements("id", "shell-content"), 30, "the dashboard after signing in")
        yield {"driver": driver, "url": server.url, "inst": inst}
    finally:
        driver.quit()
        server.stop()


def _wait(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _use_language(site: dict[str, Any], lang: str) -> None:
    """The dashboard in ``lang``, switched as a user does: the header's toggle."""
    driver = site["driver"]
    driver.get(site["url"] + "/")
    _wait(lambda: driver.find_elements("id", "shell-lang-toggle"), 30, "the language toggle")
    if driver.execute_script("return document.documentElement.lang") != lang:
        driver.find_element("id", "shell-lang-toggle").click()
        _wait(lambda: driver.execute_script("return document.documentElement.lang") == lang, 15, f"lang={lang}")


def _violations(site: dict[str, Any], path: str, ready: str) -> list[str]:
    driver = site["driver"]
    driver.get(site["url"] + path)
    _wait(lambda: driver.execute_script(f"return !!document.querySelector({ready!r})"), 30, f"{path} drawn")
    time.sleep(1.0)  # the page's later callbacks (tables, map) have drawn
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[str] = driver.execute_async_script(RUN_AXE)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_dashboard_page_passes_axe(site: dict[str, Any], lang: str) -> None:
    _use_language(site, lang)
    problems: dict[str, list[str]] = {}
    for page in DASH_PAGES:
        path = page.format(inst=site["inst"])
        found = _violations(site, path, "#shell-content > *")
        document_lang = site["driver"].execute_script("return document.documentElement.lang")
        if document_lang != lang:
            found.append(f"document lang {document_lang!r}")
        if found:
            problems[path] = found
    assert problems == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_server_page_passes_axe(site: dict[str, Any], lang: str) -> None:
    problems: dict[str, list[str]] = {}
    for path in SERVER_PAGES:
        found = _violations(site, f"{path}?lang={lang}", "main, h1")
        document_lang = site["driver"].execute_script("return document.documentElement.lang")
        if document_lang != lang:
            found.append(f"document lang {document_lang!r}")
        if found:
            problems[path] = found
    assert problems == {}
