"""The overview and a target page in a real browser (headless Chromium): a filter changes the
panels, English labels and number formatting, a click opens the target, no console errors."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from geo import provinces as geo_provinces
from ioc_app import create_app
from tests.conftest import BROWSER_POLL_SECONDS

pytestmark = pytest.mark.browser

VALUE = "#home-panel-T01 .ov-panel-value"


def pick_province(dash_duo, name: str) -> None:
    """Open the province dropdown, type and click the option, as a user would."""
    dash_duo.wait_for_element("#filters-province", timeout=20).click()
    box = dash_duo.wait_for_element(".dash-dropdown-content input", timeout=10)
    box.send_keys(name)
    option = (By.XPATH, f"//div[contains(@class,'dash-dropdown-content')]//*[@role='option'][contains(., '{name}')]")
    WebDriverWait(dash_duo.driver, 10, BROWSER_POLL_SECONDS).until(ec.element_to_be_clickable(option)).click()


def test_overview_filter_language_and_target_page(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#home-panel-T12 svg.ov-sparkline path", timeout=30)
    assert len(dash_duo.find_elements(".ov-panel")) == 12
    # The sparklines are SVG: the overview fetches no plotly bundle (a target page's charts do).
    fetched = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched and not [u for u in fetched if "plotly" in u]
    # The dropdowns' chunk comes with the framework's scripts (preloaded), once: the same URL dcc asks for.
    chunks = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('async-dropdown'))"
        ".map(e => [e.initiatorType, e.startTime]);"
    )
    first_callback = dash_duo.driver.execute_script(
        "return Math.min(...performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('_dash-update-component')).map(e => e.startTime));"
    )
    assert len(chunks) == 1 and chunks[0][0] == "link" and chunks[0][1] < first_callback, chunks
    dash_duo.wait_for_text_to_equal("#home-scope-label", "Toàn quốc", timeout=10)
    national = dash_duo.find_element(VALUE).text
    assert re.fullmatch(r"\d{1,3},\d%", national), national  # Vietnamese: decimal comma
    national_staff = dash_duo.find_element("#stat-staff .ov-tile-value").text

    # A province: the panels and the network follow it.
    province = geo_provinces.provinces()[0].name  # Hà Nội: listed as "TP. Hà Nội", named "Thành phố Hà Nội"
    pick_province(dash_duo, province)
    dash_duo.wait_for_text_to_equal("#home-scope-label", f"Thành phố {province}", timeout=20)
    WebDriverWait(dash_duo.driver, 20, BROWSER_POLL_SECONDS).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#stat-staff .ov-tile-value").text != national_staff
    )

    # English: labels and number formatting (decimal point), the filters are kept.
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal(
        "#shell-title",
        "Integrated Operations Center (IOC) for the management of vocational education and training",
        timeout=20,
    )
    dash_duo.wait_for_contains_text("#home-panel-T01", "Teachers and managers trained in digital capacity", timeout=20)
    dash_duo.wait_for_contains_text("#home-panel-T01", "Targets: 50% (2025)", timeout=10)
    dash_duo.wait_for_text_to_equal("#home-scope-label", f"{province} City", timeout=10)
    english = dash_duo.find_element(VALUE).text
    assert re.fullmatch(r"\d{1,3}\.\d%", english), english
    assert re.search(r"\d,\d{3}", dash_duo.find_element("#stat-learners .ov-tile-value").text)

    # A click on a panel opens its target page, in the same scope.
    dash_duo.find_element("#home-panel-T01").click()
    dash_duo.wait_for_element("#target-trajectory .main-svg", timeout=30)
    assert dash_duo.driver.current_url.endswith("/targets/T01")
    dash_duo.wait_for_text_to_equal("#target-scope-label", f"{province} City", timeout=10)
    dash_duo.wait_for_contains_text("#target-facts", "Wording of Decision 2222/QĐ-TTg", timeout=10)
    dash_duo.wait_for_element("#target-ranking .main-svg", timeout=20)
    assert dash_duo.get_logs() == []


def test_unknown_target_and_the_list(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/targets/T99")
    dash_duo.wait_for_contains_text("#shell-content", "Không có chỉ tiêu mã T99", timeout=20)
    dash_duo.find_element("#shell-content a").click()
    dash_duo.wait_for_element("#target-list-T12", timeout=20)
    assert len(dash_duo.find_elements(".ov-list-row")) == 12
    assert dash_duo.get_logs() == []


def test_the_filter_bar_writes_the_selection_in_the_browser_as_the_server_would(
    dash_duo, dash_signed_in, small_demo
) -> None:
    """The filter bar's selection is written by the browser (its first appearance costs no round trip): for
    known, unknown and missing values, the same selection as the server's ``selection_from_filters``."""
    from dash import no_update

    from callbacks import home

    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#home-panel-T12 svg.ov-sparkline path", timeout=30)
    p34, p63 = geo_provinces.provinces()[3].code, geo_provinces.legacy_provinces()[40].code
    shown = {"level": "34", "province": p34, "type": "college", "ownership": None}
    cases = [
        ("34", p34, "college", None, None),
        ("34", p34, "college", None, shown),  # what the store holds already: nothing to write
        ("34", p34, "college", "", {**shown, "level": "x", "province": p34}),
        ("63", p63, "centre", "private", shown),
        ("63", p34 if p34 not in {p.code for p in geo_provinces.legacy_provinces()} else "99", None, None, shown),
        ("99", "<b>", "school", "state", shown),
        (None, None, None, None, {"level": "34", "province": None, "type": None, "ownership": None}),
        ("34", "", "", "", "not a store"),
    ]
    for level, province, inst_type, ownership, current in cases:
        expected = home.selection_from_filters(
            level, province, inst_type, ownership, current if isinstance(current, dict) else None
        )
        got = dash_duo.driver.execute_script(
            f"var out = ({home.FILTERS_TO_SELECTION_JS}).apply(null, arguments);"
            "return out === window.dash_clientside.no_update ? 'no_update' : out;",
            level,
            province,
            inst_type,
            ownership,
            current,
        )
        assert got == ("no_update" if expected is no_update else expected), (level, province, current)
    assert dash_duo.get_logs() == []


# A panel's folded table, read from the page: [caption, headings, rows], or None before it is drawn.
READ_FOLD = """
const fold = document.getElementById('home-panel-' + arguments[0]).parentElement.querySelector('.ov-spark-data');
const table = fold.querySelector('table.ioc-chart-table');
if (!table) return null;
const cells = (row) => Array.from(row.children).map(c => [c.tagName, c.getAttribute('scope') || c.className, c.textContent]);
return [table.querySelector('caption').textContent, cells(table.querySelector('thead tr')),
        Array.from(table.querySelectorAll('tbody tr')).map(cells)];
"""


def _expected(rows: dict) -> list:
    return [
        rows["caption"],
        [["TH", "col", h] for h in rows["headers"]],
        [[["TH", "row", r[0]], *[["TD", "ioc-num", c] for c in r[1:]]] for r in rows["rows"]],
    ]


def test_a_panels_figures_open_in_a_table_drawn_on_first_opening(dash_duo, dash_signed_in, small_demo, snap) -> None:
    from ioc_app import overview
    from ioc_app.indicators import registry
    from ioc_app.selection import Selection
    from layouts import home as layout

    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#home-panel-T12 svg.ov-sparkline path", timeout=30)
    read = lambda: dash_duo.driver.execute_script(READ_FOLD, "T01")  # noqa: E731
    assert read() is None  # the page comes without the twelve tables
    summary = dash_duo.driver.execute_script(
        "return document.getElementById('home-panel-T01').parentElement.querySelector('.ov-spark-data summary')"
    )
    summary.send_keys(Keys.ENTER)  # the keyboard opens it as a click does
    national = layout.spark_rows(overview.panel_data(snap, registry.get("T01"), Selection.from_store({}).scope), "vi")
    WebDriverWait(dash_duo.driver, 10, BROWSER_POLL_SECONDS).until(lambda _d: read() == _expected(national))
    assert dash_duo.driver.execute_script("return arguments[0].parentElement.open", summary)

    # Opened once, it follows the filters: a province's figures.
    province = geo_provinces.provinces()[0]
    pick_province(dash_duo, province.name)
    scope = Selection.from_store({"level": "34", "province": province.code}).scope
    there = layout.spark_rows(overview.panel_data(snap, registry.get("T01"), scope), "vi")
    assert there != national
    WebDriverWait(dash_duo.driver, 20, BROWSER_POLL_SECONDS).until(lambda _d: read() == _expected(there))
    assert dash_duo.get_logs() == []
