"""The /alerts page in both languages, province scoping from the session, the acknowledge form (CSRF,
audit), and the overview's badge; signed in through the real /login form on a real SQLite store."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data_sources.engine import make_engine
from ioc_app import alert_rules, alerts, audit, create_app
from ioc_app.identity import CENTRAL, Identity
from ioc_app.settings import Settings
from tests import alert_fixtures as fx
from tests.conftest import TEST_SECRET_KEY, csrf_token, database_url, new_store, signed_in_client

RULES = alert_rules.parse(
    tomllib.loads(
        '[[rule]]\nid = "below"\nkind = "below_path"\ntarget = "T06"\n'
        '[[rule]]\nid = "stale"\nkind = "stale_refresh"\nhours = 2\nseverity = "critical"\n'
    ),
    "test",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("alert-pages")
    ioc_url = new_store(database_url(folder, "ioc"))
    engine = make_engine(ioc_url)
    alerts.evaluate(
        engine, RULES, fx.snapshot(701, {"01": fx.flat(0.2), "79": fx.flat(0.2)}), dt.datetime(2026, 11, 20)
    )
    settings = Settings(
        vet_database_url=database_url(folder, "vet"),
        ioc_database_url=ioc_url,
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
    )
    app = create_app(settings)
    yield {
        "app": app,
        "engine": engine,
        "central": signed_in_client(app, "central"),
        "hanoi": signed_in_client(app, "province", "01"),
        "hcm": signed_in_client(app, "province", "79"),
    }
    engine.dispose()


def alert_ids(html: str) -> set[int]:
    return {int(m) for m in re.findall(r'<tr id="alert-(\d+)"', html)}


def by_key(site: dict[str, Any]) -> dict[str, alerts.Alert]:
    return {a.key: a for a in alerts.alerts(site["engine"], Identity("t", CENTRAL), "all")}


def test_the_page_lists_the_alerts_in_vietnamese_and_english(site: dict[str, Any]) -> None:
    html = site["central"].get("/alerts").get_data(as_text=True)
    assert "Cảnh báo đang mở: 3" in html and len(alert_ids(html)) == 3
    assert "Dưới lộ trình đến năm 2030" in html and "Thành phố Hà Nội: chỉ tiêu T06" in html
    assert "thấp hơn lộ trình thẳng" in html and "Nghiêm trọng" in html and "Toàn quốc" in html
    english = site["central"].get("/alerts?lang=en").get_data(as_text=True)
    assert "Open alerts: 3" in english and "Below the path to 2030" in english and "Critical" in english
    assert "Hà Nội" in english
    site["central"].get("/alerts?lang=vi")


def test_filters(site: dict[str, Any]) -> None:
    critical = site["central"].get("/alerts?severity=critical").get_data(as_text=True)
    assert alert_ids(critical) == {by_key(site)[""].id}
    only_rule = site["central"].get("/alerts?rule=below&state=all").get_data(as_text=True)
    assert alert_ids(only_rule) == {by_key(site)["01"].id, by_key(site)["79"].id}
    assert "Không có cảnh báo nào." in site["central"].get("/alerts?state=cleared").get_data(as_text=True)


def test_a_province_user_sees_and_acknowledges_their_own_only(site: dict[str, Any]) -> None:
    keys = by_key(site)
    html = site["hanoi"].get("/alerts").get_data(as_text=True)
    assert alert_ids(html) == {keys["01"].id} and "Cảnh báo đang mở: 1" in html
    token = csrf_token(site["hanoi"], "/alerts")
    other = site["hanoi"].post(f"/alerts/{keys['79'].id}/acknowledge", data={"csrf_token": token})
    assert other.status_code == 404 and "Không tìm thấy cảnh báo này." in other.get_data(as_text=True)
    assert by_key(site)["79"].acknowledged_by is None
    no_csrf = site["hanoi"].post(f"/alerts/{keys['01'].id}/acknowledge")
    assert no_csrf.status_code == 400 and by_key(site)["01"].acknowledged_by is None
    done = site["hanoi"].post(f"/alerts/{keys['01'].id}/acknowledge", data={"csrf_token": token})
    assert done.status_code == 302
    assert by_key(site)["01"].acknowledged_by == "test.province.01"
    after = site["hanoi"].get("/alerts").get_data(as_text=True)
    assert "Đã xác nhận cảnh báo" in after and "test.province.01, lúc" in after
    again = site["hanoi"].post(f"/alerts/{keys['01'].id}/acknowledge", data={"csrf_token": token})
    assert again.status_code == 409
    entries, total = audit.entries(site["engine"], action="alert_acknowledged")
    assert total == 1 and entries[0].actor == "test.province.01" and entries[0].address == "127.0.0.1"


def test_strangers_are_sent_to_sign_in(site: dict[str, Any]) -> None:
    resp = site["app"].server.test_client().get("/alerts")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_overview_shows_the_readers_open_alerts_as_a_badge(site: dict[str, Any]) -> None:
    from flask import Flask

    from callbacks import home
    from callbacks.page import PageContext
    from ioc_app.identity import PROVINCE, set_identity
    from ioc_app.services import Services
    from layouts.home import Home

    services = Services.from_settings(site["app"].server.config["IOC_SERVICES"].settings)
    try:
        with Flask(__name__).test_request_context("/"):
            set_identity(Identity("t", CENTRAL))
            central = home.render(PageContext(services=services, lang="vi"))
            set_identity(Identity("h", PROVINCE, province="79"))
            hcm = home.render(PageContext(services=services, lang="en", selection={"level": "34"}))
    finally:
        services.dispose()

    def badge(page: Any) -> Any:
        found = [c for c in _walk(page) if getattr(c, "id", None) == Home.ALERTS]
        assert len(found) == 1
        return found[0]

    open_now = alerts.open_alert_count(site["engine"], Identity("t", CENTRAL))
    assert badge(central).children == f"Cảnh báo đang mở: {open_now}" and badge(central).href == "/alerts"
    assert badge(hcm).children == "Open alerts: 1"


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_the_wall_shows_the_open_alerts_in_its_bar(site: dict[str, Any]) -> None:
    from flask import Flask

    from callbacks import present
    from callbacks.page import PageContext
    from ioc_app.identity import DISPLAY, set_identity
    from ioc_app.services import Services
    from layouts.ids import Present

    services = Services.from_settings(site["app"].server.config["IOC_SERVICES"].settings)
    try:
        with Flask(__name__).test_request_context("/present"):
            set_identity(Identity("wall", DISPLAY))
            page = present.render(PageContext(services=services, lang="vi"))
    finally:
        services.dispose()
    [count] = [c for c in _walk(page) if getattr(c, "id", None) == Present.ALERTS]
    assert count.children == f"Cảnh báo đang mở: {alerts.open_alert_count(site['engine'], Identity('t', CENTRAL))}"
