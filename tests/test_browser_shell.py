"""The shell in a real browser (headless Chromium): pages open, language toggles, no console errors."""

from __future__ import annotations

import pytest

from ioc_app import create_app

pytestmark = pytest.mark.browser

TITLE_VI = "Trung tâm thông tin tích hợp (IOC) phục vụ điều hành hoạt động giáo dục nghề nghiệp"
TITLE_EN = "Integrated Operations Center (IOC) for the management of vocational education and training"
SUBTITLE_VI = "Chương trình chuyển đổi số trong giáo dục nghề nghiệp đến năm 2025, định hướng đến năm 2030"


def _header_fits(dash_duo) -> None:
    """The long name wraps inside the header: nothing overflows the window, the menu stays on one row."""
    box = dash_duo.driver.execute_script(
        "const h = document.querySelector('.ioc-header'), n = document.querySelector('#shell-nav');"
        "const links = Array.from(n.querySelectorAll('a')).map(a => a.getBoundingClientRect().top);"
        "return {scroll: h.scrollWidth, width: h.clientWidth, height: h.getBoundingClientRect().height,"
        " rows: new Set(links.map(Math.round)).size};"
    )
    assert box["scroll"] <= box["width"], box
    assert box["rows"] == 1 and box["height"] < 120, box


def test_overview_opens_in_vietnamese_and_switches_to_english(dash_duo, dash_signed_in, small_demo) -> None:
    app = create_app(small_demo)
    dash_signed_in(app)
    # The decision's own name for the system, in full, and its programme beneath.
    dash_duo.wait_for_text_to_equal("#shell-title", TITLE_VI, timeout=20)
    dash_duo.wait_for_text_to_equal("#shell-subtitle", SUBTITLE_VI, timeout=10)
    assert dash_duo.driver.title == "IOC giáo dục nghề nghiệp"
    dash_duo.wait_for_contains_text("#shell-freshness", "Dữ liệu tính đến", timeout=20)
    _header_fits(dash_duo)
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal("#shell-title", TITLE_EN, timeout=10)
    dash_duo.wait_for_contains_text("#shell-freshness", "Data as of", timeout=10)
    _header_fits(dash_duo)
    assert dash_duo.get_logs() == []


def test_unknown_page_shows_a_message_not_a_crash(dash_duo, dash_signed_in, small_demo) -> None:
    app = create_app(small_demo)
    dash_signed_in(app)
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/no-such-page")
    dash_duo.wait_for_contains_text("#shell-content", "Không tìm thấy trang", timeout=20)
    assert dash_duo.get_logs() == []
