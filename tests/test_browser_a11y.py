"""Every page in headless Chromium: accessibility (WCAG 2.1 AA, axe-core) in both languages, and the layout
from a 360 px phone to a 3840 px monitor (no sideways scroll; the phone header's menu).

axe-core comes from the npm registry (tests/axe/package.json, installed by scripts/test.sh). Each page is
opened signed in as an administrator (who sees every page) on a real server process; the check fails
on any serious or critical violation, and on a document whose ``lang`` is not the page's language.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from data_sources.engine import make_engine
from ioc_app.i18n import t
from ioc_app.indicators.scopes import INSTITUTION_TYPES
from tests.conftest import TEST_SECRET_KEY, copy_database, ensure_user
from tests.wall import WallServer, wall_browser

# How pages read and lay out: the same whatever database serves their figures (run once, in the PostgreSQL pass).
pytestmark = [pytest.mark.browser, pytest.mark.presentation]

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The dashboard's pages (Dash) and the server's own pages.
DASH_PAGES = [
    "/",
    "/targets",
    "/targets/T06",
    "/scorecard",
    "/map",
    "/province/79",
    "/province/{legacy}",
    "/institution/{inst}",
    "/tasks",
    "/present",
]
SERVER_PAGES = [
    "/admin/users",
    "/admin/tokens",
    "/admin/audit",
    "/admin/playlists",
    "/admin/playlists/dieu-hanh",
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
        # A legacy province (before 1 July 2025) merged into another: its page says so.
        legacy = conn.scalar(
            text(
                "SELECT legacy_province_code FROM institution WHERE legacy_province_code != province_code "
                "ORDER BY legacy_province_code LIMIT 1"
            )
        )
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
        yield {"driver": driver, "url": server.url, "inst": inst, "legacy": legacy, "user": user, "password": password}
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


# The page has finished drawing: loaded with its fonts; on a Dash page, no callback waiting or running and
# nothing marked loading (the later callbacks: tables, the map's layers), every plotly chart drawn.
SETTLED_JS = """
if (document.readyState !== 'complete' || document.fonts.status !== 'loaded') return false;
const store = window.store && window.store.getState ? window.store.getState() : null;
if (!store) return true;
const lists = Object.assign({}, store.callbacks);
delete lists.stored;
delete lists.completed;
const pending = Object.values(lists).some(l => Array.isArray(l) && l.length > 0);
return !pending && !store.isLoading && !document.querySelector('[data-dash-is-loading="true"]')
  && Array.from(document.querySelectorAll('.js-plotly-plot')).every(g => g.querySelector('.main-svg'));
"""
# What a page draws after its callbacks, by a fetch of its own: the map's province shapes.
DRAWN_LATER = {"/map": "path.ioc-province"}


def _open_settled(driver: Any, url: str, path: str, ready: str) -> None:
    """Open ``path`` and wait until ``ready`` is on it and it has settled (twice in a row, 0.2 s apart)."""
    driver.get(url + path)
    _wait(lambda: driver.execute_script(f"return !!document.querySelector({ready!r})"), 30, f"{path} drawn")
    later = DRAWN_LATER.get(path.split("?")[0])
    if later:
        _wait(lambda: driver.execute_script(f"return !!document.querySelector({later!r})"), 30, f"{path}: {later}")
    calm = [False]

    def settled() -> bool:
        now = bool(driver.execute_script(SETTLED_JS))
        twice, calm[0] = now and calm[0], now
        return twice

    _wait(settled, 30, f"{path} settled")


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _violations(site: dict[str, Any], path: str, ready: str) -> list[str]:
    driver = site["driver"]
    _open_settled(driver, site["url"], path, ready)
    driver.execute_script(_axe_source())
    found: list[str] = driver.execute_async_script(RUN_AXE)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_dashboard_page_passes_axe(site: dict[str, Any], lang: str) -> None:
    _use_language(site, lang)
    problems: dict[str, list[str]] = {}
    for page in DASH_PAGES:
        path = page.format(inst=site["inst"], legacy=site["legacy"])
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


@pytest.fixture(scope="module")
def signed_out_browser() -> Iterator[Any]:
    """A browser of its own, with no session (it never signs in), for the pages a signed-out user sees."""
    driver = wall_browser(1280, 900)
    driver.set_script_timeout(90)
    yield driver
    driver.quit()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_sign_in_pages_pass_axe(site: dict[str, Any], signed_out_browser: Any, lang: str) -> None:
    """The pages a signed-out user sees."""
    driver = signed_out_browser
    signed_out = {**site, "driver": driver}
    problems = {}
    for path in ("/login", "/login/token"):
        found = _violations(signed_out, f"{path}?lang={lang}", "main, h1")
        document_lang = driver.execute_script("return document.documentElement.lang")
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
    _open_settled(driver, site["url"], path, ready)
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
        path = page.format(inst=site["inst"], legacy=site["legacy"])
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
        _wait(lambda: driver.find_element("id", "shell-menu").is_displayed(), 10, "the phone's menu button")
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


# What the keyboard is on, and whether it shows: a ring (outline) or a shadow drawn around it.
FOCUSED_JS = """
const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
return {tag: e.tagName.toLowerCase(), id: e.id, cls: typeof e.className === 'string' ? e.className : '',
        text: (e.textContent || '').trim().slice(0, 60), href: e.getAttribute('href') || '',
        pressed: e.getAttribute('aria-pressed'),
        ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
"""


class Keyboard:
    """A user with a keyboard only: Tab, Enter, Space and the arrows, never a click."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.visited: list[str] = []  # what the focus went through, for a failure's message

    def press(self, key: str) -> dict[str, Any]:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(key).perform()
        return self.focused()

    def focused(self) -> dict[str, Any]:
        found: dict[str, Any] = self.driver.execute_script(FOCUSED_JS)
        return found

    def tab_to(self, predicate: Any, what: str, limit: int = 120) -> dict[str, Any]:
        """Tab until the focus is on what ``predicate`` accepts; every stop on the way must show its focus."""
        from selenium.webdriver.common.keys import Keys

        self.visited = []
        for _ in range(limit):
            now = self.press(Keys.TAB)
            self.visited.append(f"{now['tag']}#{now['id']}.{now['cls'][:30]} {now['text'][:30]!r}")
            if now["tag"] != "body":
                assert now["ring"], f"no visible focus on {self.visited[-1]}"
                assert now["onScreen"], f"the focus is off the screen: {self.visited[-1]}"
            if predicate(now):
                return now
        raise AssertionError(f"{what} not reached by Tab; the focus went through {self.visited[-15:]}")


def test_a_keyboard_alone_signs_in_filters_the_overview_and_opens_a_province(site: dict[str, Any]) -> None:
    from selenium.webdriver.common.keys import Keys

    driver = wall_browser(1280, 900)
    keys = Keyboard(driver)
    url = site["url"]
    try:
        driver.get(url + "/login?lang=vi")
        _wait(lambda: driver.find_elements("id", "username"), 30, "the sign-in page")
        # The sign-in page starts in the user name box.
        _wait(lambda: keys.focused()["id"] == "username", 10, "the focus in the user name box")
        keys.press(site["user"])
        keys.tab_to(lambda f: f["id"] == "password", "the password box")
        keys.press(site["password"])
        keys.press(Keys.ENTER)
        _wait(lambda: driver.find_elements("css selector", "#home-panels .ov-panel"), 30, "the overview")
        _wait(lambda: driver.execute_script("return document.documentElement.lang") == "vi", 15, "lang=vi")

        # The first Tab stop skips the header: the next one lands in the page, on the filters.
        skip = keys.press(Keys.TAB)
        assert "ioc-skip-link" in skip["cls"] and skip["onScreen"] and skip["ring"], skip
        assert skip["text"] == "Chuyển đến nội dung chính"
        assert keys.press(Keys.ENTER)["id"] == "shell-content"
        level = keys.press(Keys.TAB)
        assert level["tag"] == "input" and "ov-level" in level["cls"], keys.visited

        # A filter, changed by the keyboard: the panels follow it.
        def panel_values() -> list[str]:
            found: list[str] = driver.execute_script(
                "return Array.from(document.querySelectorAll('#home-panels .ov-panel-value')).map(e => e.textContent)"
            )
            return found

        before = panel_values()
        keys.tab_to(lambda f: f["id"] == "filters-type", "the institution type filter")
        keys.press(Keys.ENTER)
        _wait(lambda: driver.find_elements("css selector", ".dash-dropdown-content [role='option']"), 10, "the options")
        keys.press(Keys.ARROW_DOWN)
        keys.press(Keys.ENTER)
        _wait(lambda: driver.find_element("id", "filters-type").text != "Mọi loại cơ sở", 10, "a type chosen")
        chosen = driver.find_element("id", "filters-type").text
        assert chosen in {t(f"type.{k}", "vi") for k in INSTITUTION_TYPES}, chosen
        _wait(lambda: panel_values() != before, 30, f"the panels of {chosen} only")

        # To the map, then a province from its table: selected on the map, then opened.
        keys.tab_to(lambda f: "ioc-skip-link" in f["cls"], "the skip link again", limit=200)
        keys.tab_to(lambda f: f["href"] == "/map", "the map in the menu")
        keys.press(Keys.ENTER)
        _wait(lambda: driver.find_elements("css selector", "#map-list a[href^='/province/']"), 30, "the map's table")
        keys.tab_to(lambda f: "ioc-skip-link" in f["cls"], "the map page's skip link", limit=200)
        keys.press(Keys.ENTER)
        link = keys.tab_to(lambda f: f["href"].startswith("/province/"), "a province in the map's table", limit=200)
        button = keys.press(Keys.TAB)
        assert button["pressed"] == "false" and button["text"] == "Chọn trên bản đồ", button
        keys.press(Keys.SPACE)
        # Selected on the map and in the table (the two are drawn by separate updates: wait for both).
        _wait(
            lambda: (
                driver.find_elements("id", "map-info-name")
                and driver.execute_script("return !!document.querySelector('#map-list tr.is-selected th')")
            ),
            15,
            "the province selected on the map",
        )
        assert driver.find_element("id", "map-info-name").text == driver.execute_script(
            "return document.querySelector('#map-list tr.is-selected th').textContent"
        )
        again = keys.tab_to(lambda f: f["href"] == link["href"], "the selected province's link", limit=200)
        keys.press(Keys.ENTER)
        code = again["href"].rsplit("/", 1)[1]
        _wait(lambda: driver.current_url.endswith(f"/province/{code}"), 15, "the province's page")
        _wait(lambda: link["text"] in driver.find_element("id", "shell-content").text, 30, "the province's name")
    finally:
        driver.quit()
