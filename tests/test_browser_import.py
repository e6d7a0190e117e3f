"""The import page in a real browser (headless Chromium): from the header's link to a checked file and a refused one."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException

from ioc_app import create_app
from ioc_app.settings import Settings
from tests.conftest import TEST_SECRET_KEY, database_url
from tests.submission_files import csv_bytes, headers
from tests.test_submissions import HCM, build_world, counts, training_row

pytestmark = pytest.mark.browser


def test_a_provincial_user_checks_a_file_then_sees_the_problems_of_another(
    dash_duo, dash_signed_in, tmp_path: Path
) -> None:
    vet_url, ioc_url = database_url(tmp_path, "vet"), database_url(tmp_path, "ioc")
    world = build_world(vet_url, ioc_url)
    settings = Settings(
        vet_database_url=vet_url, ioc_database_url=ioc_url, auto_init_demo=False, secret_key=TEST_SECRET_KEY
    )
    good, bad = tmp_path / "dao-tao.csv", tmp_path / "sai.csv"
    good.write_bytes(csv_bytes(headers("training"), [training_row(world["hcm_staff"][0])]))
    bad.write_bytes(csv_bytes(headers("training"), [[HCM, "X1", "12", "năng lực số", "31/02/2026"]]))
    before = counts(world["vet"])

    dash_signed_in(create_app(settings), role="province", province=HCM)
    for _attempt in range(10):  # the header is drawn again when the language is read: click the new link
        try:
            dash_duo.wait_for_element(".ioc-import-link", timeout=20).click()
            break
        except StaleElementReferenceException:
            time.sleep(0.3)
    dash_duo.wait_for_element("#import-form", timeout=20)
    assert "Thành phố Hồ Chí Minh" in dash_duo.find_element("#import-scope").text

    dash_duo.find_element("input[name=file]").send_keys(str(good))
    dash_duo.find_element("input[name=dry_run]").click()
    dash_duo.find_element("#import-submit").click()
    dash_duo.wait_for_text_to_equal("#import-outcome", "Đã kiểm tra (chưa ghi)", timeout=20)
    assert counts(world["vet"]) == before

    dash_duo.find_element("input[name=file]").send_keys(str(bad))
    dash_duo.find_element("#import-submit").click()
    dash_duo.wait_for_text_to_equal("#import-outcome", "Tệp bị từ chối; không dòng nào được ghi", timeout=20)
    table = dash_duo.find_element("#import-problems").text
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in table and "Phải gồm đúng 12 chữ số." in table
    assert dash_duo.find_element("#import-errors-xlsx").get_attribute("href").endswith("/errors.xlsx")
    assert counts(world["vet"]) == before
    # The refused file is answered 422, which the browser reports; nothing else went wrong.
    assert [("422" in e["message"]) for e in dash_duo.get_logs()] == [True]
    world["vet"].dispose()
    world["ioc"].dispose()
