"""The Content-Security-Policy in a real browser: every page works under it, and it is enforced."""

from __future__ import annotations

import logging

import pytest
import requests
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import text

from data_sources.engine import make_engine
from ioc_app import create_app
from tests.conftest import BROWSER_POLL_SECONDS

pytestmark = pytest.mark.browser

# Runs before any script of the page (CDP scripts are not subject to the page's policy), so a
# violation during loading is recorded too.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""
BUSY = "return document.querySelectorAll('._dash-loading, [data-dash-is-loading=\"true\"]').length"


def _first_institution(settings) -> int:
    engine = make_engine(settings.vet_database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT min(id) FROM institution")).scalar_one())
    finally:
        engine.dispose()


def _open(dash_duo, path: str, ready: str) -> list[str]:
    """Open ``path``, wait until ``ready`` (a script returning true) and Dash is idle; the violations seen."""
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + path)
    wait = WebDriverWait(driver, 30, BROWSER_POLL_SECONDS)
    wait.until(lambda d: d.execute_script(f"return Boolean({ready})"), message=f"{path}: {ready}")
    wait.until(lambda d: d.execute_script(BUSY) == 0, message=f"{path}: still loading")
    return driver.execute_script("return window.__csp")


def test_every_page_runs_under_the_policy_with_no_console_error(dash_duo, dash_signed_in, small_demo, caplog) -> None:
    caplog.set_level(logging.WARNING)
    institution = _first_institution(small_demo)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    dash_signed_in(create_app(small_demo))
    dash_duo.wait_for_element("#shell-title", timeout=20)

    # The sign-in page carries the same headers as every response.
    policy = requests.get(dash_duo.server_url + "/login", timeout=10).headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy

    pages = {
        "/": "document.querySelectorAll('#home-panels .ov-panel, #home-panels > *').length > 0",
        "/targets": "document.querySelector('#target-list') !== null",
        "/targets/T06": "document.querySelector('#target-body .js-plotly-plot .main-svg') !== null",
        "/scorecard": "document.querySelectorAll('#sc-grid tbody tr').length === 34",
        "/map": "document.querySelectorAll('path.ioc-province').length === 34",
        "/province/79": "document.querySelector('#prov-targets table') !== null",
        "/province/63-01": "document.querySelector('#prov-institutions table') !== null",
        f"/institution/{institution}": "document.querySelector('#inst-position table') !== null",
        "/tasks": "document.querySelector('#tasks-table') !== null",
    }
    seen = {path: _open(dash_duo, path, ready) for path, ready in pages.items()}
    assert seen == {path: [] for path in pages}
    assert dash_duo.get_logs() == []
    # Nor did the server refuse or fail any of the browser's requests.
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("ioc_app", "callbacks"))] == []

    # The policy is enforced, not just sent: an inline script added to the page does not run.
    ran = dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__injected = 1;';"
        "document.body.appendChild(s); return window.__injected === 1;"
    )
    assert ran is False
    assert any(v.startswith("script-src") for v in dash_duo.driver.execute_script("return window.__csp"))
