"""The wall display in headless Chromium against a real server process, at 1920x1080 and 3840x2160.

A display token in the URL signs the wall in; a short playlist goes round in full at 1080p; every slide
is checked at 1080p and at 4K (content, no scrollbar, nothing cut off, text contrast computed from the
rendered colours, type size); the token is revoked; the server is killed and restarted mid-rotation.

One server and one browser serve the module (each test signs in with a token of its own; the browser
is set to each wall's exact size), and slides last a second (the shortest a playlist allows), so a
full rotation takes seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data_sources.engine import make_engine
from ioc_app import accounts, playlist_store
from ioc_app.identity import DISPLAY
from tests.conftest import TEST_SECRET_KEY, copy_database
from tests.wall import LAYOUT_PROBLEMS_JS, WallServer, javascript_errors, wait_for, wall_browser, wall_state

pytestmark = pytest.mark.browser

SLIDE_SECONDS = 1  # the shortest a playlist allows (ioc_app.playlists.MIN_SECONDS)
PLAYLIST = {
    "name": "thu-tuong-tuong",
    "title": "Kiểm thử màn hình tường",
    "slides": [
        {"kind": "overview", "seconds": SLIDE_SECONDS},
        {"kind": "targets", "seconds": SLIDE_SECONDS, "targets": ["T01", "T02", "T03", "T04"]},
        {"kind": "map", "seconds": SLIDE_SECONDS, "targets": ["T06"]},
        {"kind": "provinces", "seconds": SLIDE_SECONDS},
        {"kind": "behind", "seconds": SLIDE_SECONDS, "targets": ["T03"]},
        {"kind": "changes", "seconds": SLIDE_SECONDS},
        {"kind": "overview", "seconds": SLIDE_SECONDS, "province": "79"},
    ],
}
SLIDES = len(PLAYLIST["slides"])
# The presenter's test reaches for the keyboard as a slide starts: two-second slides leave it time to do
# so on a busy machine (a key sent to a one-second slide could land on the next one).
KEY_SLIDE_SECONDS = 2
KEYBOARD_PLAYLIST = {
    **PLAYLIST,
    "name": "thu-ban-phim",
    "slides": [{**slide, "seconds": KEY_SLIDE_SECONDS} for slide in PLAYLIST["slides"]],
}


@pytest.fixture(scope="module")
def wall_data(small_demo, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """A copy of the small demo (its IOC store gets tokens and a playlist) and a display token."""
    folder: Path = tmp_path_factory.mktemp("wall")
    ioc_url = copy_database(small_demo.ioc_database_url, folder, "ioc")
    engine = make_engine(ioc_url)
    playlist_store.save(engine, PLAYLIST)
    playlist_store.save(engine, KEYBOARD_PLAYLIST)
    yield {"vet": copy_database(small_demo.vet_database_url, folder, "vet"), "ioc": ioc_url, "engine": engine}
    engine.dispose()


def _token(wall_data: dict[str, Any], name: str) -> str:
    _token_row, secret = accounts.create_token(wall_data["engine"], name, DISPLAY)
    return secret


@pytest.fixture(scope="module")
def server(wall_data) -> Iterator[WallServer]:
    srv = WallServer(wall_data["vet"], wall_data["ioc"], TEST_SECRET_KEY)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; each test sets the wall's size and signs in with its own token."""
    driver = wall_browser(1920, 1080)
    yield driver
    driver.quit()


def _open(driver, server: WallServer, secret: str, width: int, height: int, slide: int = 1, playlist=PLAYLIST):
    """The wall at exactly ``width`` x ``height``, signed in with ``secret``, from a blank page and an empty
    console log (what an earlier test left there is neither shown nor reported)."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(f"{server.url}/present?playlist={playlist['name']}&slide={slide}&token={secret}")
    return driver


def _press(driver, *keys: str) -> None:
    """Keys as a presenter's keyboard sends them to the page."""
    for key in keys:
        driver.execute_script("document.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0]}));", key)


def _watch_rotation(driver, timeout: float, go_round: bool = True) -> dict[int, list[str]]:
    """Let the wall go round on its own until it has shown every slide (the controller's own record of
    what it showed, so a slow observer misses nothing), or with ``go_round=False`` only until it shows
    its first; then pause it and check each slide in turn, reached as a presenter would, by number.
    Problems per slide index."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = driver.execute_script("return window.iocPresent ? window.iocPresent.shown : []")
        if not go_round and shown:
            break
        if set(shown) == set(range(SLIDES)) and wall_state(driver)["rotations"] >= SLIDES:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the rotation did not show every slide in {timeout} s: {shown}")
    _press(driver, " ")
    wait_for(driver, lambda s: s["paused"], 10, "pause")
    problems: dict[int, list[str]] = {}
    for i in range(SLIDES):
        _press(driver, *str(i + 1), "Enter")
        wait_for(driver, lambda s, i=i: s["current"] == i, 20, f"slide {i + 1}")
        time.sleep(0.7)  # the slide's fade-in is over
        problems[i] = driver.execute_script(LAYOUT_PROBLEMS_JS)
    _press(driver, " ")
    wait_for(driver, lambda s: not s["paused"], 10, "resume")
    return problems


# How the slides lay out at a wall's size: the same whatever database serves their figures (run once,
# in the PostgreSQL pass). The wall goes round on its own at 1080p; at 4K each slide is checked by number.
@pytest.mark.presentation
@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_every_slide_fits_the_wall_and_reads_from_afar(browser, server, wall_data, width, height) -> None:
    driver = _open(browser, server, _token(wall_data, f"wall-{width}"), width, height)
    problems = _watch_rotation(driver, timeout=180, go_round=width == 1920)
    assert {i: p for i, p in problems.items() if p} == {}
    # The token left the address bar; the current slide is in it.
    state = wall_state(driver)
    assert "token" not in state["search"] and f"slide={state['current'] + 1}" in state["search"]
    assert state["online"] and state["mark"] == ""
    assert javascript_errors(driver) == []


def test_a_presenter_moves_pauses_and_jumps_by_keyboard(browser, server, wall_data) -> None:
    from selenium.webdriver.common.by import By

    driver = _open(browser, server, _token(wall_data, "wall-keys"), 1920, 1080, slide=2, playlist=KEYBOARD_PLAYLIST)
    wait_for(driver, lambda s: s["current"] == 1, 30, "the start slide from the URL")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(" ")
    state = wait_for(driver, lambda s: s["paused"], 5, "pause")
    assert "Tạm dừng" in state["mark"]
    # Where it paused (on a loaded machine the wall may have gone on before the key arrived).
    time.sleep(1.5 * KEY_SLIDE_SECONDS)  # longer than a slide: paused, nothing moves
    assert wall_state(driver)["current"] == state["current"]
    body.send_keys("2")
    body.send_keys("\ue007")  # Enter
    wait_for(driver, lambda s: s["current"] == 1 and s["paused"], 10, "slide 2, still paused")
    body.send_keys("n")
    wait_for(driver, lambda s: s["current"] == 2 and "slide=3" in s["search"], 10, "next slide")
    body.send_keys("b")
    wait_for(driver, lambda s: s["current"] == 1, 10, "previous slide")
    body.send_keys("5")
    body.send_keys("\ue007")  # Enter
    wait_for(driver, lambda s: s["current"] == 4 and "slide=5" in s["search"], 10, "slide 5")
    resumed_at = wall_state(driver)["rotations"]
    body.send_keys(" ")
    wait_for(driver, lambda s: not s["paused"] and s["mark"] == "", 5, "resume")
    wait_for(driver, lambda s: s["rotations"] > resumed_at and s["current"] != 4, 15, "rotation resumed")
    assert javascript_errors(driver) == []


def test_a_revoked_token_stops_the_wall_at_its_next_request(browser, server, wall_data) -> None:
    driver = _open(browser, server, _token(wall_data, "wall-revoked"), 1920, 1080)
    wait_for(driver, lambda s: s["current"] >= 0, 30, "the first slide")
    accounts.revoke_token(wall_data["engine"], "wall-revoked")
    state = wait_for(driver, lambda s: s["stopped"], 15, "the display to stop")
    assert "không còn quyền truy cập" in state["notice"]
    # The notice covers the whole screen: no figure stays visible.
    covered = driver.execute_script(
        "const r = document.getElementById('present-notice').getBoundingClientRect();"
        "return r.width >= innerWidth && r.height >= innerHeight;"
    )
    assert covered
    assert "/login" not in driver.current_url


# Last in the module: it stops the module's server (and starts it again, on the same port).
def test_the_wall_rides_out_a_server_restart(browser, server, wall_data) -> None:
    driver = _open(browser, server, _token(wall_data, "wall-restart"), 1920, 1080)
    try:
        wait_for(driver, lambda s: s["rotations"] >= SLIDES, 120, "a first full rotation")
        server.stop()
        before = wall_state(driver)["rotations"]
        state = wait_for(driver, lambda s: not s["online"], 15, "the reconnecting mark")
        assert "Đang kết nối lại" in state["mark"]
        # While the server is away the wall keeps going round the slides it holds, never blank: checked
        # ten times over three slides' time.
        for _ in range(10):
            assert driver.execute_script(LAYOUT_PROBLEMS_JS) == []
            time.sleep(0.3 * SLIDE_SECONDS)
        assert wall_state(driver)["rotations"] > before
        server.start()
        state = wait_for(driver, lambda s: s["online"] and s["mark"] == "", 60, "reconnected")
        # New data arrives again: the next slides load from the restarted server.
        loaded = driver.execute_script("return window.iocPresent.seq")
        wait_for(driver, lambda s: driver.execute_script("return window.iocPresent.seq") > loaded + 2, 60, "requests")
        assert driver.execute_script(LAYOUT_PROBLEMS_JS) == []
        # No script error and no reload. A request refused while the server was down may be reported
        # by the browser as "Failed to fetch" (a component's own fetch without a handler): network
        # noise of the outage itself, which the wall rode out above.
        assert [e for e in javascript_errors(driver) if "Failed to fetch" not in e["message"]] == []
        assert driver.execute_script("return performance.getEntriesByType('navigation').length") == 1
    finally:
        if server.process is None:
            server.start()  # a failure above left it stopped: the module's server runs until its teardown
