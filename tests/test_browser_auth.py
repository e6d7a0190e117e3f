"""Signing in and out in a real browser (headless Chromium): the form, the header, the admin link, the language."""

from __future__ import annotations

import pytest

from ioc_app import create_app
from tests.conftest import ensure_user

pytestmark = pytest.mark.browser


def _fill(dash_duo, username: str, password: str) -> None:
    dash_duo.wait_for_element("#username", timeout=20).clear()
    dash_duo.find_element("#username").send_keys(username)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#login-submit").click()


def test_sign_in_header_and_sign_out(dash_duo, small_demo) -> None:
    app = create_app(small_demo)
    username, password = ensure_user(small_demo.ioc_database_url, "province", "79")
    dash_duo.start_server(app, navigate=False)
    dash_duo.driver.get(dash_duo.server.url + "/scorecard")
    assert "/login?next=%2Fscorecard" in dash_duo.driver.current_url
    dash_duo.wait_for_text_to_equal("#login-title", "Đăng nhập hệ thống", timeout=20)

    _fill(dash_duo, username, "wrong password!")
    dash_duo.wait_for_text_to_equal("#login-message", "Sai tên đăng nhập hoặc mật khẩu.", timeout=20)
    # The refused sign-in answers 401, which the browser reports; nothing else went wrong.
    assert [("401" in e["message"]) for e in dash_duo.get_logs()] == [True]
    _fill(dash_duo, username, password)
    dash_duo.wait_for_text_to_equal("#shell-content h2", "Bảng theo dõi các tỉnh, thành phố", timeout=30)
    dash_duo.wait_for_text_to_equal("#shell-user-name", username, timeout=20)
    assert "Thành phố Hồ Chí Minh" in dash_duo.find_element("#shell-user").text
    # Asked of the page: the driver's find_elements would wait out its implicit wait for a link that is not there.
    assert dash_duo.driver.execute_script("return document.querySelectorAll('.ioc-admin-link').length") == 0
    assert dash_duo.driver.get_cookie("ioc_session")["httpOnly"]

    dash_duo.find_element("#shell-logout").click()
    dash_duo.wait_for_text_to_equal("#login-message", "Bạn đã đăng xuất.", timeout=20)
    dash_duo.driver.get(dash_duo.server.url + "/")
    dash_duo.wait_for_element("#login-form", timeout=20)
    assert dash_duo.get_logs() == []


def test_admin_link_and_english_after_the_toggle(dash_duo, dash_signed_in, small_demo) -> None:
    dash_signed_in(create_app(small_demo), role="admin")
    dash_duo.wait_for_element(".ioc-admin-link", timeout=20)
    dash_duo.find_element("#shell-lang-toggle").click()
    dash_duo.wait_for_text_to_equal("#shell-logout", "Sign out", timeout=20)
    assert "Administrator" in dash_duo.find_element("#shell-user").text
    dash_duo.find_element(".ioc-admin-link").click()
    dash_duo.wait_for_element("#users-table", timeout=20)
    assert "Accounts" in dash_duo.find_element("h2").text  # the toggle's cookie: the server pages follow
    dash_duo.find_element(".ioc-logout").click()
    dash_duo.wait_for_text_to_equal("#login-message", "You have signed out.", timeout=20)
