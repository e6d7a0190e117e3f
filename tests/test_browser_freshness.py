"""The header's freshness line in a real browser (headless Chromium): it comes with the page (no callback
asks for it, or for the header's texts, on load), follows a new snapshot and the language toggle, and a
language restored from the browser's storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from ioc_app import create_app, snapshots
from ioc_app.auth import LANG_COOKIE
from ioc_app.i18n import fmt_date
from ioc_app.settings import Settings
from layouts.ids import Shell
from tests.conftest import DEMO_DATA_DATE, copy_database

pytestmark = pytest.mark.browser

FRESHNESS = f"#{Shell.FRESHNESS}"
TITLE_EN = "Integrated Operations Center (IOC) for the management of vocational education and training"
# What the shell asks the server for, noted in the page before its scripts run.
RECORD_CALLBACKS = """
window.__callbacks = [];
const send = window.fetch;
window.fetch = function (url, init) {
  if (String(url).indexOf('_dash-update-component') !== -1 && init && init.body) {
    const body = JSON.parse(init.body);
    window.__callbacks.push({output: body.output, changed: body.changedPropIds || []});
  }
  return send.apply(this, arguments);
};
"""
# The shell's outputs the page now comes with: never asked for as an initial call.
WITH_THE_PAGE = (Shell.SNAPSHOT, Shell.FRESHNESS, Shell.TITLE)


@pytest.fixture
def polled_copy(small_demo: Settings, tmp_path: Path) -> Settings:
    """The small demo with its own IOC store (a new snapshot goes there) and a poll every second."""
    ioc = copy_database(small_demo.ioc_database_url, tmp_path, "ioc")
    return replace(small_demo, ioc_database_url=ioc, refresh_interval_seconds=1)


def _initial_calls(dash_duo) -> list[str]:
    calls = dash_duo.driver.execute_script("return window.__callbacks || []")
    return [c["output"] for c in calls if not c["changed"] and any(out in c["output"] for out in WITH_THE_PAGE)]


def test_the_freshness_line_comes_with_the_page_and_follows_snapshots_and_language(
    dash_duo, dash_signed_in, polled_copy: Settings
) -> None:
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CALLBACKS})
    app = create_app(polled_copy)
    dash_signed_in(app)
    shown = f"Dữ liệu tính đến {fmt_date(DEMO_DATA_DATE, 'vi')}"
    dash_duo.wait_for_contains_text(FRESHNESS, shown, timeout=20)
    dash_duo.wait_for_element("#home-panels .ov-panel", timeout=20)
    assert _initial_calls(dash_duo) == []

    # A new snapshot (an earlier data date, so the line visibly changes): the poll brings it.
    services = app.server.config["IOC_SERVICES"]
    earlier = DEMO_DATA_DATE - dt.timedelta(days=30)
    snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test", data_date=earlier)
    dash_duo.wait_for_contains_text(FRESHNESS, f"Dữ liệu tính đến {fmt_date(earlier, 'vi')}", timeout=20)

    dash_duo.find_element(f"#{Shell.LANG_TOGGLE}").click()
    dash_duo.wait_for_contains_text(FRESHNESS, f"Data as of {fmt_date(earlier, 'en')}", timeout=10)

    # The server reads the language cookie; the browser's storage says English: the page follows the storage.
    dash_duo.driver.execute_script(f"document.cookie = '{LANG_COOKIE}=vi; path=/'")
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal(f"#{Shell.TITLE}", TITLE_EN, timeout=20)
    dash_duo.wait_for_contains_text(FRESHNESS, f"Data as of {fmt_date(earlier, 'en')}", timeout=10)
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    assert _initial_calls(dash_duo) == []
    assert dash_duo.get_logs() == []
