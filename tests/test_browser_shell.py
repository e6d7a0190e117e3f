"""The shell in a real browser (headless Chromium): pages open, language toggles, no console errors."""

from __future__ import annotations

import pytest

from ioc_app import create_app

pytestmark = pytest.mark.browser


def test_overview_opens_in_vietnamese_and_switches_to_english(dash_duo, dash_signed_in, small_demo) -> None:
    app = create_app(small_demo)
    dash_signed_in(app)
    dash_duo.wait_for_text_to_equal("#shell-title", "Trung tâm điều hành chuyển đổi số GDNN", timeout=20)
    dash_duo.wait_for_contains_text("#shell-freshness", "Dữ liệu tính đến", timeout=20)
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal("#shell-title", "VET Digital Transformation Operations Center", timeout=10)
    dash_duo.wait_for_contains_text("#shell-freshness", "Data as of", timeout=10)
    assert dash_duo.get_logs() == []


def test_unknown_page_shows_a_message_not_a_crash(dash_duo, dash_signed_in, small_demo) -> None:
    app = create_app(small_demo)
    dash_signed_in(app)
    dash_duo.wait_for_element("#shell-title", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/no-such-page")
    dash_duo.wait_for_contains_text("#shell-content", "Không tìm thấy trang", timeout=20)
    assert dash_duo.get_logs() == []
