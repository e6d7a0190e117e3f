"""Every page in headless Chromium: accessibility (WCAG 2.1 AA, axe-core) in both languages, and the layout
from a 360 px phone to a 3840 px monitor (no sideways scroll; the phone header's menu).

axe-core comes from the npm registry (tests/axe/package.json, installed by scripts/test.sh). Each page is
opened signed in as an administrator (who sees every page) on a real server process; the check fails
on any serious or critical violation, and on a document whose ``lang`` is not the page's language.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from data_sources.engine import make_engine
from tests.conftest import TEST_SECRET_KEY, copy_database, ensure_user
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
    vet = copy_database(small_demo.vet_database_url, folder, "vet")
    ioc = copy_database(small_demo.ioc_database_url, folder, "ioc")
    engine = make_engine(vet)
    with engine.connect() as conn:
        inst = conn.scalar(text("SELECT id FROM institution WHERE province_code = '79' ORDER BY id LIMIT 1"))
    engine.dispose()
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


WIDTHS = (360, 390, 768, 1280, 1920, 3840)  # phones, a tablet, desks, a 4K monitor
TOO_WIDE_JS = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out: the outermost elements past the right edge that no scroll box holds.
STICKING_OUT_JS = """
const w = document.documentElement.clientWidth, out = [];
function held(e) { for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; }
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.right > w + 1 && r.width > 0 && !held(el) && !(el.parentElement && el.parentElement.getBoundingClientRect().right > w + 1)) {
    out.push((el.id ? '#' + el.id : el.tagName.toLowerCase()) + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/ +/).join('.') : '') + ' to ' + Math.round(r.right));
  }
}
return out.slice(0, 3);
"""


def _too_wide(site: dict[str, Any], path: str, ready: str) -> list[str]:
    """The widths at which ``path`` scrolls sideways (the page opened once, the screen then resized)."""
    driver = site["driver"]
    driver.get(site["url"] + path)
    _wait(lambda: driver.execute_script(f"return !!document.querySelector({ready!r})"), 30, f"{path} drawn")
    time.sleep(1.0)
    found = []
    try:
        for width in WIDTHS:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            )
            # The layout settles (a late callback may still be drawing): too wide for 3 s is too wide.
            deadline = time.monotonic() + 3
            while (extra := driver.execute_script(TOO_WIDE_JS)) > 0 and time.monotonic() < deadline:
                time.sleep(0.3)
            if extra > 0:
                found.append(f"{width} px: {extra} px too wide: {driver.execute_script(STICKING_OUT_JS)}")
    finally:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
    return found


def test_no_page_scrolls_sideways_from_a_phone_to_a_4k_screen(site: dict[str, Any]) -> None:
    problems: dict[str, list[str]] = {}
    for page in DASH_PAGES:
        path = page.format(inst=site["inst"])
        found = _too_wide(site, path, "#shell-content > *")
        if found:
            problems[path] = found
    for path in SERVER_PAGES:
        found = _too_wide(site, path, "main, h1")
        if found:
            problems[path] = found
    assert problems == {}


def test_the_phone_menu_opens_and_closes(site: dict[str, Any]) -> None:
    driver = site["driver"]
    driver.get(site["url"] + "/")
    _wait(lambda: driver.find_elements("id", "shell-menu"), 30, "the header")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        time.sleep(0.4)
        nav = driver.find_element("id", "shell-nav")
        button = driver.find_element("id", "shell-menu")
        assert button.is_displayed() and not nav.is_displayed()
        assert button.get_attribute("aria-expanded") == "false"
        button.click()
        _wait(lambda: nav.is_displayed(), 10, "the menu open")
        assert button.get_attribute("aria-expanded") == "true"
        driver.find_element("css selector", "#shell-nav a[href='/scorecard']").click()
        _wait(lambda: "/scorecard" in driver.current_url and not nav.is_displayed(), 15, "the menu closed")
        assert button.get_attribute("aria-expanded") == "false"
    finally:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
    # On a desk the menu is always there and the button is not.
    _wait(lambda: driver.find_element("id", "shell-nav").is_displayed(), 10, "the desk menu")
    assert not driver.find_element("id", "shell-menu").is_displayed()
