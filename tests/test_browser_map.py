"""The digital map in a real browser (headless Chromium): shapes, points, labels, restyle, offline."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from ioc_app import create_app
from tests.conftest import BROWSER_POLL_SECONDS

pytestmark = pytest.mark.browser

PROVINCES = "path.ioc-province"
GEOMETRY_REQUESTS = (
    "return performance.getEntriesByType('resource')"
    ".filter(e => e.name.includes('/api/v1/geo/provinces')).map(e => e.name)"
)
FILLS = f"return Array.from(document.querySelectorAll('{PROVINCES}')).map(p => p.getAttribute('fill'))"


def _wait(dash_duo, condition, timeout: float = 20):
    return WebDriverWait(dash_duo.driver, timeout, BROWSER_POLL_SECONDS).until(lambda _d: condition())


def _count(dash_duo, selector: str) -> int:
    # Counted by the page itself: the driver's find_elements waits out its implicit wait when there are none.
    return int(dash_duo.driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector))


def test_map_draws_provinces_points_labels_and_restyles_offline(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/map")

    # 34 province shapes, institutions (clusters or single markers), both archipelago labels.
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 34)
    _wait(dash_duo, lambda: _count(dash_duo, ".ioc-cluster") + _count(dash_duo, "path.ioc-inst") > 0)
    dash_duo.wait_for_contains_text("#map-archipelago-48", "Quần đảo Hoàng Sa", timeout=10)
    dash_duo.wait_for_contains_text("#map-archipelago-48", "(TP. Đà Nẵng)", timeout=10)
    dash_duo.wait_for_contains_text("#map-archipelago-56", "Quần đảo Trường Sa", timeout=10)
    dash_duo.wait_for_contains_text("#map-archipelago-56", "(Khánh Hòa)", timeout=10)
    dash_duo.wait_for_contains_text("#map-title", "T06", timeout=10)
    assert len(dash_duo.driver.execute_script(GEOMETRY_REQUESTS)) == 1
    before = dash_duo.driver.execute_script(FILLS)

    # Another indicator: new fill colours, the same geometry (no second request for it).
    dash_duo.select_dcc_dropdown("#map-indicator", index=0)
    dash_duo.wait_for_contains_text("#map-title", "T01", timeout=10)
    _wait(dash_duo, lambda: dash_duo.driver.execute_script(FILLS) != before)
    assert _count(dash_duo, PROVINCES) == 34
    assert len(dash_duo.driver.execute_script(GEOMETRY_REQUESTS)) == 1

    # Clicking a province selects it for the whole dashboard.
    dash_duo.driver.execute_script(
        "document.querySelector('path.ioc-province-01').dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    dash_duo.wait_for_text_to_equal("#map-info-name", "Thành phố Hà Nội", timeout=10)
    selection = dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('shell-selection'))")
    assert selection["province"] == "01" and selection["level"] == "34"

    # The 63 legacy units on request.
    dash_duo.find_element("#map-level input[value='63']").click()
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 63)
    selection = dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('shell-selection'))")
    assert selection["level"] == "63"
    assert _count(dash_duo, ".ioc-cluster") + _count(dash_duo, "path.ioc-inst") > 0

    # Nothing left the machine: every resource came from this server or a data: URI.
    urls = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [
        u
        for u in urls
        if not (u.startswith("data:") or u.startswith("http://127.0.0.1") or u.startswith("http://localhost"))
    ]
    assert foreign == []
    assert dash_duo.get_logs() == []


def test_map_speaks_english_on_the_toggle(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/map")
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 34)
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_contains_text("#map-archipelago-48", "Hoang Sa (Paracel) Islands", timeout=10)
    dash_duo.wait_for_contains_text("#map-archipelago-56", "Truong Sa (Spratly) Islands", timeout=10)
    dash_duo.wait_for_contains_text("#map-legend", "No data", timeout=10)
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 34)
    assert dash_duo.get_logs() == []


MAP_LIBRARY_REQUESTS = "return performance.getEntriesByType('resource').filter(e => e.name.includes('dash_leaflet/dash_leaflet')).map(e => e.name)"


def test_the_map_library_loads_only_when_a_map_is_drawn(dash_duo, dash_signed_in, small_demo) -> None:
    """The overview comes without the map's ~300 kB library; following the menu to the map (no new page)
    loads it then, once, and draws the map as a page opened at /map does."""
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#home-panels .ov-panel", timeout=30)
    assert dash_duo.driver.execute_script(MAP_LIBRARY_REQUESTS) == []
    dash_duo.driver.execute_script("window.__samePage = true")
    dash_duo.find_element("#shell-nav a[href='/map']").click()
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 34)
    _wait(dash_duo, lambda: _count(dash_duo, ".ioc-cluster") + _count(dash_duo, "path.ioc-inst") > 0)
    assert dash_duo.driver.execute_script("return window.__samePage") is True  # in-app navigation, no reload
    assert len(dash_duo.driver.execute_script(MAP_LIBRARY_REQUESTS)) == 1
    # Back to the overview and to the map again: the library is not fetched twice.
    dash_duo.find_element("#shell-nav a[href='/']").click()
    dash_duo.wait_for_element("#home-panels .ov-panel", timeout=30)
    dash_duo.find_element("#shell-nav a[href='/map']").click()
    _wait(dash_duo, lambda: _count(dash_duo, PROVINCES) == 34)
    assert len(dash_duo.driver.execute_script(MAP_LIBRARY_REQUESTS)) == 1
    assert dash_duo.get_logs() == []
