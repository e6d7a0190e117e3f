"""Alert e-mail through a real SMTP server: a local sink (aiosmtpd) started by the test on a free port.

The newly raised alerts go out one message per recipient and province, in Vietnamese with its marks
(UTF-8); an unreachable server is logged and the evaluation's result stands.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import tomllib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from data_sources.engine import make_engine
from ioc_app import alert_jobs, alert_mail, alert_rules, alerts
from ioc_app.settings import Settings
from tests import alert_fixtures as fx
from tests.conftest import database_url, new_store

NOW = dt.datetime(2026, 11, 20, 3, 0)
RULES_TEXT = """
[[rule]]
id = "below"
kind = "below_path"
target = "T06"
recipients = ["lanh.dao@moet.gov.vn"]

[[rule]]
id = "stale"
kind = "stale_refresh"
hours = 2
recipients = ["lanh.dao@moet.gov.vn", "ky.thuat@moet.gov.vn"]

[recipients]
"79" = ["so.gd@hcm.gov.vn"]
"""


class Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # the name aiosmtpd calls
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(new_store(database_url(tmp_path, "ioc")))
    yield engine
    engine.dispose()


def by_recipient(messages: list[EmailMessage]) -> dict[tuple[str, str], str]:
    return {(str(m["To"]), str(m["Subject"])): m.get_content() for m in messages}


def test_new_alerts_are_mailed_grouped_per_recipient_and_province(store: Engine, sink: tuple[Sink, int]) -> None:
    handler, port = sink
    rules = alert_rules.parse(tomllib.loads(RULES_TEXT), "test")
    snap = fx.snapshot(601, {"01": fx.flat(0.2), "79": fx.flat(0.2), "74": fx.flat(0.25)})  # 74 is part of 79 now
    evaluation = alerts.evaluate(store, rules, snap, NOW)
    assert evaluation is not None
    assert {a.key for a in evaluation.raised} == {"01", "79", ""}
    sent = alert_mail.send("127.0.0.1", port, "ioc@moet.gov.vn", rules, evaluation.raised)
    # The leader: Hà Nội, HCM City, and the nation (the stale refresh); the technician: the nation;
    # HCM City's department: its province only.
    assert sent == 5 and len(handler.messages) == 5
    got = by_recipient(handler.messages)
    subjects = sorted(s for to, s in got if to == "lanh.dao@moet.gov.vn")
    assert subjects == [
        "[IOC GDNN] 1 cảnh báo mới: Thành phố Hà Nội",
        "[IOC GDNN] 1 cảnh báo mới: Thành phố Hồ Chí Minh",
        "[IOC GDNN] 1 cảnh báo mới: Toàn quốc",
    ]
    hcm = got[("so.gd@hcm.gov.vn", "[IOC GDNN] 1 cảnh báo mới: Thành phố Hồ Chí Minh")]
    assert (
        "thấp hơn lộ trình thẳng" in hcm and "Thành phố Hồ Chí Minh" in hcm and "22,5%" in hcm
    )  # (20% + 25%) / 2 colleges
    nation = got[("ky.thuat@moet.gov.vn", "[IOC GDNN] 1 cảnh báo mới: Toàn quốc")]
    assert "Không có lần cập nhật số liệu thành công nào trong 2 giờ qua" in nation
    assert all(m["From"] == "ioc@moet.gov.vn" for m in handler.messages)

    # Evaluating again raises nothing new, so nothing is mailed.
    again = alerts.evaluate(store, rules, snap, NOW + dt.timedelta(minutes=30))
    assert again is not None and alert_mail.send("127.0.0.1", port, "ioc@x.vn", rules, again.raised) == 0
    assert len(handler.messages) == 5


def test_an_unreachable_server_is_logged_not_raised(store: Engine, caplog: pytest.LogCaptureFixture) -> None:
    rules = alert_rules.parse(tomllib.loads(RULES_TEXT), "test")
    evaluation = alerts.evaluate(store, rules, None, NOW)
    assert evaluation is not None and len(evaluation.raised) == 1
    assert alert_mail.send("127.0.0.1", free_port(), "ioc@x.vn", rules, evaluation.raised) == 0
    assert "alert e-mail not sent" in caplog.text


def test_the_timer_job_evaluates_and_mails_the_stale_refresh(tmp_path: Path, sink: tuple[Sink, int]) -> None:
    handler, port = sink
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES_TEXT, encoding="utf-8")
    settings = Settings(
        ioc_database_url=new_store(database_url(tmp_path, "ioc")),
        alert_rules_path=str(rules_file),
        smtp_host="127.0.0.1",
        smtp_port=port,
    )
    evaluation = alert_jobs.on_timer(settings)
    assert evaluation is not None and [a.rule_id for a in evaluation.raised] == ["stale"]
    assert sorted(str(m["To"]) for m in handler.messages) == ["ky.thuat@moet.gov.vn", "lanh.dao@moet.gov.vn"]
    # A broken rules file: the run is skipped with its message, nothing raised.
    rules_file.write_text("[[rule]]\nid = 1\n", encoding="utf-8")
    assert alert_jobs.on_timer(settings) is None
