"""The scorecard, province, institution and task pages in a real browser (headless Chromium)."""

from __future__ import annotations

import pytest

from data_sources.engine import make_engine
from ioc_app import create_app, snapshots
from ioc_app import scorecard as sd
from ioc_app.place_names import province_name

pytestmark = pytest.mark.browser

ROWS = "#sc-grid tbody tr.ioc-sc-row"


def _row_codes(dash_duo) -> list[str]:
    # Read in one script: the table is replaced whole on each update, element handles go stale.
    return dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll('{ROWS}')).map(r => r.dataset.code)"
    )


def test_scorecard_sort_level_province_institution_tasks(dash_duo, dash_signed_in, small_demo) -> None:
    engine = make_engine(small_demo.ioc_database_url)
    snap = snapshots.current(engine)
    assert snap is not None
    card34 = sd.scorecard(snap, "34")
    engine.dispose()

    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/scorecard")
    dash_duo.wait_for_text_to_equal("#shell-content h2", "Bảng theo dõi các tỉnh, thành phố", timeout=20)
    dash_duo._wait_for(lambda d: len(_row_codes(dash_duo)) == 34, msg="34 rows", timeout=20)
    assert _row_codes(dash_duo)[0] == "01"

    # Sort by T01: a header link; the lowest value first, the provinces with no data last.
    dash_duo.find_element("#sc-grid thead th:nth-child(3) a").click()
    expected = [u.code for u in sd.sort_units(card34, "T01", False)]
    dash_duo._wait_for(lambda d: _row_codes(dash_duo) == expected, msg="sorted by T01", timeout=20)
    assert "sort=T01" in dash_duo.driver.current_url
    dash_duo.find_element("#sc-grid thead th:nth-child(3) a").click()  # again: highest first
    expected_desc = [u.code for u in sd.sort_units(card34, "T01", True)]
    dash_duo._wait_for(lambda d: _row_codes(dash_duo) == expected_desc, msg="reversed", timeout=20)

    # Switch to the 63 legacy provinces.
    label = next(e for e in dash_duo.find_elements("#sc-level label") if "63" in e.text)
    label.click()
    dash_duo._wait_for(lambda d: len(_row_codes(dash_duo)) == 63, msg="63 rows", timeout=20)

    # Click a province (short name in the table): its page opens (no reload) under its full name,
    # and it becomes the selection.
    code = _row_codes(dash_duo)[0]
    link = dash_duo.find_element(f"{ROWS}[data-code='{code}'] td.ioc-sc-name a")
    assert link.text == province_name(code, "vi", level="63", full=False)
    link.click()
    dash_duo.wait_for_text_to_equal("#prov-name", province_name(code, "vi", level="63"), timeout=20)
    assert dash_duo.driver.current_url.endswith(f"/province/63-{code}")
    dash_duo.wait_for_element("#prov-targets-table", timeout=20)
    dash_duo.wait_for_element("#prov-inst-table", timeout=20)
    selection = dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('shell-selection'))")
    assert selection["level"] == "63" and selection["province"] == code

    # Open one of its institutions.
    inst_link = dash_duo.find_element("#prov-inst-table tbody tr td.ioc-inst-name a")
    inst_name = inst_link.text
    inst_link.click()
    dash_duo.wait_for_text_to_equal("#inst-name", inst_name, timeout=20)
    dash_duo.wait_for_element("#inst-position-table", timeout=20)

    # The focus tasks, then English.
    next(a for a in dash_duo.find_elements("#shell-nav a") if a.text == "Nhiệm vụ").click()
    dash_duo.wait_for_element("#tasks-table", timeout=20)
    dash_duo.wait_for_text_to_equal("#shell-content h2", "Nhiệm vụ trọng tâm triển khai Chương trình", timeout=20)
    dash_duo.wait_for_contains_text("#task-2\\.1\\.1", "Hết thời hạn triển khai", timeout=20)
    dash_duo.wait_for_contains_text("#task-1\\.1", "Đang trong thời hạn", timeout=20)
    assert "Chưa có báo cáo tiến độ" in dash_duo.find_element("#task-1\\.1").text  # the demo invents no reports
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal("#shell-content h2", "Focus tasks of the programme", timeout=20)
    dash_duo.wait_for_contains_text("#tasks-table", "Implementation period ended", timeout=20)
    dash_duo.wait_for_contains_text("#tasks-table", "No progress report yet", timeout=20)
    assert dash_duo.get_logs() == []


def test_scorecard_in_english_and_unknown_pages(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal(
        "#shell-title",
        "Integrated Operations Center (IOC) for the management of vocational education and training",
        timeout=20,
    )
    dash_duo.driver.get(dash_duo.server_url + "/scorecard?sort=name&desc=0")
    dash_duo.wait_for_text_to_equal("#shell-content h2", "Province tracker", timeout=20)
    dash_duo._wait_for(lambda d: len(_row_codes(dash_duo)) in (34, 63), msg="rows", timeout=20)
    dash_duo.wait_for_contains_text(".ioc-sc-national", "National", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/province/99")
    dash_duo.wait_for_contains_text("#shell-content", "There is no province with this code.", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/institution/987654")
    dash_duo.wait_for_contains_text("#shell-content", "There is no VET institution with this id.", timeout=20)
    assert dash_duo.get_logs() == []
