"""The written situation and the planner in a real browser (headless Chromium): the paragraph opens
the overview and the target page, the what-if answers a planned effort, no console errors."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from ioc_app import create_app

pytestmark = pytest.mark.browser


def test_situation_and_what_if(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_contains_text("#home-situation", "Đến ngày 15/11/2026, cả nước có số liệu ở", timeout=30)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/targets/T02", timeout=30)
    dash_duo.wait_for_contains_text("#target-situation", "Đến ngày 15/11/2026, cả nước đạt", timeout=30)
    dash_duo.wait_for_contains_text("#target-plan", "Cần thêm", timeout=10)
    box = dash_duo.find_element("#target-plan-effort")
    box.send_keys("3", Keys.ENTER)
    dash_duo.wait_for_contains_text("#target-plan-result", "Với 3,0 nhà giáo", timeout=20)
    dash_duo.driver.save_screenshot("/tmp/sit/target-plan.png")
    assert dash_duo.get_logs() == []
