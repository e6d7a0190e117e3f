"""Alert rules fire and clear on prepared data, evaluation is idempotent, acknowledgement is audited and
scoped, and a broken rules file is refused with its message (real SQLite store; PostgreSQL for the store's
round trip)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_sources.engine import make_engine
from ioc_app import alert_checks, alert_rules, alerts, audit
from ioc_app.alert_rules import RulesError
from ioc_app.identity import CENTRAL, PROVINCE, Identity
from tests import alert_fixtures as fx
from tests.conftest import database_url, new_store
from tests.postgres_server import fresh_database

NOW = dt.datetime(2026, 11, 20, 3, 0)  # UTC: 20/11/2026 10:00 in Vietnam
CENTRAL_USER = Identity("lead", CENTRAL)
HANOI_USER = Identity("hn", PROVINCE, province="01")
HCM_USER = Identity("hcm", PROVINCE, province="79")


def rules(text: str) -> alert_rules.Rules:
    import tomllib

    return alert_rules.parse(tomllib.loads(text), "test")


BELOW = rules('[[rule]]\nid = "below"\nkind = "below_path"\ntarget = "T06"\n')
DROP = rules('[[rule]]\nid = "drop"\nkind = "status_drop"\ntarget = "T06"\nprovincial = true\n')
STALE = rules('[[rule]]\nid = "stale"\nkind = "stale_refresh"\nhours = 2\nseverity = "critical"\n')
NO_REPORT = rules('[[rule]]\nid = "no-report"\nkind = "no_submission"\nsubmission = "report"\nperiod = "month"\n')


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    engine = make_engine(new_store(database_url(tmp_path, "ioc")))
    request.addfinalizer(engine.dispose)
    return engine


def keys(evaluation: alerts.Evaluation | None) -> set[str]:
    assert evaluation is not None
    return {a.key for a in evaluation.raised}


# --- rules as data ---------------------------------------------------------------------------------


def test_built_in_rules_load() -> None:
    loaded = alert_rules.load(None)
    assert {r.kind for r in loaded.rules} == set(alert_rules.KINDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nid = "x1"\nkind = "nope"\n', "test: rule 1 (x1): 'kind' must be one of below_path"),
        ('[[rule]]\nid = "x1"\nkind = "below_path"\n', "'target' is required for kind below_path"),
        ('[[rule]]\nid = "x1"\nkind = "below_path"\ntarget = "T05"\n', "T05 is not judged per province"),
        ('[[rule]]\nid = "x1"\nkind = "stale_refresh"\nhours = -1\n', "'hours' must be a number of hours above 0"),
        ('[[rule]]\nid = "x1"\nkind = "stale_refresh"\nminutes = 3\n', "unknown field 'minutes'"),
        ('[[rule]]\nid = "X"\nkind = "stale_refresh"\n', "'id' must be 2-60 lower-case"),
        ('[[rule]]\nid = "a1"\nkind = "stale_refresh"\n[[rule]]\nid = "a1"\nkind = "stale_refresh"\n', "used twice"),
        ('[[rule]]\nid = "a1"\nkind = "stale_refresh"\nrecipients = ["nobody"]\n', "list of e-mail addresses"),
        ('[recipients]\n"99" = ["a@b.vn"]\n', "'99' is not one of the 34 current province codes"),
    ],
)
def test_a_broken_rule_is_refused_with_its_message(text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        rules(text)
    assert "\n" not in str(err.value)


def test_a_broken_file_is_refused_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(RulesError, match=f"{bad}: not valid TOML"):
        alert_rules.load(str(bad))
    with pytest.raises(RulesError, match="cannot read the alert rules"):
        alert_rules.load(str(tmp_path / "missing.toml"))


# --- each kind fires and clears --------------------------------------------------------------------


def test_straight_path_by_hand() -> None:
    # 20% in December 2021, 100% at the end of 2030: halfway in time is 60%.
    halfway = dt.date(2021, 12, 31) + (dt.date(2030, 12, 31) - dt.date(2021, 12, 31)) / 2
    assert alert_checks.path_value(0.2, 1.0, halfway) == pytest.approx(0.6, abs=1e-3)


def test_below_path_fires_and_clears(store: Engine) -> None:
    # Hà Nội (01) climbs from 20% to 90%: above its path (about 63% at the data date). Phú Thọ (legacy 25)
    # stays at 30%: below. In the next snapshot it has caught up.
    first = fx.snapshot(101, {"01": fx.rising(0.2, 0.9), "25": fx.flat(0.3)})
    evaluation = alerts.evaluate(store, BELOW, first, NOW)
    assert keys(evaluation) == {"25"}
    raised = evaluation.raised[0] if evaluation else None
    assert raised is not None and raised.province == "25" and raised.detail["value"] == pytest.approx(0.3)
    assert raised.detail["path"] == pytest.approx(alert_checks.path_value(0.3, 1.0, fx.DATA_DATE))

    again = alerts.evaluate(store, BELOW, first, NOW + dt.timedelta(minutes=30))
    assert again is not None and not again.raised and not again.cleared and again.kept == 1
    [still] = alerts.open_alerts(store, CENTRAL_USER)
    assert still.raised_at == NOW and still.last_seen == NOW + dt.timedelta(minutes=30)

    second = fx.snapshot(102, {"01": fx.rising(0.2, 0.9), "25": fx.rising(0.3, 0.95)})
    cleared = alerts.evaluate(store, BELOW, second, NOW + dt.timedelta(hours=1))
    assert cleared is not None and [a.key for a in cleared.cleared] == ["25"] and not cleared.raised
    assert alerts.open_alert_count(store, CENTRAL_USER) == 0
    assert [a.key for a in alerts.alerts(store, CENTRAL_USER, "cleared")] == ["25"]


def test_below_path_at_63_units_maps_to_the_current_province(store: Engine) -> None:
    rule = rules('[[rule]]\nid = "below63"\nkind = "below_path"\ntarget = "T06"\nlevel = "63"\n')
    evaluation = alerts.evaluate(store, rule, fx.snapshot(111, {"02": fx.flat(0.3)}), NOW)
    assert evaluation is not None and [(a.key, a.province) for a in evaluation.raised] == [("63-02", "08")]


def test_status_drop_fires_on_the_snapshot_after_the_drop_and_clears_on_the_next(store: Engine) -> None:
    # Nation and Hà Nội rise steeply (on track to 100% in 2030), then flatten (off track).
    steep = fx.snapshot(201, {"01": fx.rising(0.1, 0.9)})
    assert keys(alerts.evaluate(store, DROP, steep, NOW)) == set()  # nothing to compare with yet
    flattened = fx.snapshot(202, {"01": lambda i, n: min(0.1 + 0.8 * i / (n - 1), 0.3)})
    dropped = alerts.evaluate(store, DROP, flattened, NOW + dt.timedelta(hours=1))
    assert keys(dropped) == {"nation", "01"}
    detail = {a.key: a.detail for a in dropped.raised} if dropped else {}
    assert detail["nation"]["from"] in ("achieved", "on_track", "at_risk") and detail["nation"]["to"] == "off_track"
    # The same snapshot again: the comparison is the same, nothing changes.
    same = alerts.evaluate(store, DROP, flattened, NOW + dt.timedelta(hours=2))
    assert same is not None and not same.raised and not same.cleared and same.kept == 2
    # The next snapshot is as bad as this one: no worse than before, so the alerts clear.
    later = fx.snapshot(203, {"01": lambda i, n: min(0.1 + 0.8 * i / (n - 1), 0.3)})
    cleared = alerts.evaluate(store, DROP, later, NOW + dt.timedelta(hours=3))
    assert cleared is not None and {a.key for a in cleared.cleared} == {"nation", "01"}


def test_stale_refresh_fires_without_a_recent_refresh_and_clears_after_one(store: Engine) -> None:
    assert keys(alerts.evaluate(store, STALE, None, NOW)) == {""}  # never refreshed
    fx.add_ok_run(store, NOW - dt.timedelta(hours=3))
    assert alerts.evaluate(store, STALE, None, NOW) is not None
    assert alerts.open_alert_count(store, CENTRAL_USER) == 1
    fx.add_ok_run(store, NOW - dt.timedelta(minutes=10))
    cleared = alerts.evaluate(store, STALE, None, NOW)
    assert cleared is not None and len(cleared.cleared) == 1
    # Province users do not see national alerts.
    assert alerts.open_alert_count(store, HANOI_USER) == 0


def test_no_submission_fires_per_province_and_clears_on_an_accepted_import(store: Engine) -> None:
    evaluation = alerts.evaluate(store, NO_REPORT, None, NOW)
    assert len(keys(evaluation)) == 34
    fx.add_import(store, "79", "report", NOW - dt.timedelta(days=2))
    fx.add_import(store, "01", "report", NOW - dt.timedelta(days=2), outcome="refused")  # does not count
    fx.add_import(store, "01", "training", NOW - dt.timedelta(days=2))  # another kind
    fx.add_import(store, "08", "report", dt.datetime(2026, 10, 31, 12, 0))  # October, Vietnam time
    cleared = alerts.evaluate(store, NO_REPORT, None, NOW)
    assert cleared is not None and [a.key for a in cleared.cleared] == ["79"]
    assert alerts.open_alert_count(store, HCM_USER) == 0 and alerts.open_alert_count(store, HANOI_USER) == 1


def test_grace_days_hold_the_rule_back() -> None:
    rule = rules(
        '[[rule]]\nid = "rq"\nkind = "no_submission"\nsubmission = "report"\nperiod = "quarter"\ngrace_days = 60\n'
    ).rules[0]
    assert alert_checks.period_start(dt.date(2026, 11, 20), "quarter") == dt.date(2026, 10, 1)
    assert alert_checks.no_submission(rule, make_engine("sqlite://"), NOW) == []  # 50 days into the quarter


def test_a_rule_removed_from_the_file_has_its_alerts_cleared(store: Engine) -> None:
    alerts.evaluate(store, STALE, None, NOW)
    evaluation = alerts.evaluate(store, NO_REPORT, None, NOW)  # a full evaluation of another file
    assert evaluation is not None and [a.rule_id for a in evaluation.cleared] == ["stale"]


def test_only_the_kinds_asked_for_are_evaluated(store: Engine) -> None:
    both = alert_rules.Rules(STALE.rules + BELOW.rules)
    snap = fx.snapshot(301, {"25": fx.flat(0.3)})
    alerts.evaluate(store, both, snap, NOW)
    timed = alerts.evaluate(store, both, None, NOW, kinds={"stale_refresh"})
    assert timed is not None and not timed.cleared and timed.kept == 1
    assert alerts.open_alert_count(store, CENTRAL_USER) == 2


# --- acknowledging ---------------------------------------------------------------------------------


def test_acknowledgement_is_audited_and_scoped(store: Engine) -> None:
    alerts.evaluate(store, BELOW, fx.snapshot(401, {"01": fx.flat(0.2), "79": fx.flat(0.2)}), NOW)
    by_key = {a.key: a for a in alerts.open_alerts(store, CENTRAL_USER)}
    assert set(by_key) == {"01", "79"}
    assert [a.key for a in alerts.open_alerts(store, HANOI_USER)] == ["01"]
    with pytest.raises(alerts.AlertError, match=r"alerts\.not_found"):
        alerts.acknowledge(store, by_key["79"].id, HANOI_USER)  # another province's: as if absent
    done = alerts.acknowledge(store, by_key["01"].id, HANOI_USER)
    assert done.acknowledged_by == "hn" and done.acknowledged_at is not None
    with pytest.raises(alerts.AlertError, match=r"alerts\.already_acknowledged"):
        alerts.acknowledge(store, by_key["01"].id, CENTRAL_USER)
    entries, total = audit.entries(store, action="alert_acknowledged")
    assert total == 1 and entries[0].actor == "hn" and entries[0].target.startswith(f"alert {by_key['01'].id}:")


def test_alert_state_round_trips_on_postgresql(pg_server_url: str) -> None:
    engine = make_engine(new_store(fresh_database(pg_server_url)))
    try:
        both = alert_rules.Rules(BELOW.rules + DROP.rules)
        alerts.evaluate(engine, both, fx.snapshot(501, {"25": fx.flat(0.3)}), NOW)
        alerts.evaluate(engine, both, fx.snapshot(501, {"25": fx.flat(0.3)}), NOW)
        [alert] = alerts.open_alerts(engine, CENTRAL_USER)
        assert alert.key == "25" and alert.raised_at == NOW
        assert alerts.acknowledge(engine, alert.id, CENTRAL_USER).acknowledged_by == "lead"
    finally:
        engine.dispose()


# --- command line ----------------------------------------------------------------------------------


def test_cli_evaluates_lists_and_refuses_a_broken_file(tmp_path: Path) -> None:
    from tests.test_cli import assert_one_line_error, run_cli

    rules_file = tmp_path / "rules.toml"
    rules_file.write_text('[[rule]]\nid = "stale"\nkind = "stale_refresh"\nhours = 2\n', encoding="utf-8")
    env = {
        "IOC_DATABASE_URL": new_store(database_url(tmp_path, "ioc")),
        "IOC_ALERT_RULES_PATH": str(rules_file),
    }
    evaluated = run_cli("alerts", "evaluate", env=env)
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.strip() == "1 raised, 0 cleared, 0 still open; 0 e-mail message(s) sent"
    listed = run_cli("alerts", "list", "--open", env=env).stdout
    assert "stale" in listed and "Toàn quốc" in listed and "2 giờ qua" in listed and "[open]" in listed
    rules_file.write_text('[[rule]]\nid = "stale"\nkind = "stale_refresh"\nhours = "two"\n', encoding="utf-8")
    refused = run_cli("alerts", "evaluate", env=env)
    assert refused.returncode == 2
    assert_one_line_error(refused, "rule 1 (stale): 'hours' must be a number of hours")


# --- when they run ---------------------------------------------------------------------------------


def test_the_scheduled_refresh_evaluates_the_rules_and_a_timer_checks_the_refresh_age(tmp_path: Path) -> None:
    from dataclasses import replace

    from apscheduler.schedulers.background import BackgroundScheduler

    from ioc_app import scheduler
    from ioc_app.settings import Settings
    from ioc_app.store import AlertStatus
    from tests import tiny_vet_db

    vet_url = database_url(tmp_path, "vet")
    vet = make_engine(vet_url)
    tiny_vet_db.build(vet)
    vet.dispose()
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        '[[rule]]\nid = "drop"\nkind = "status_drop"\ntarget = "T06"\n'
        '[[rule]]\nid = "stale"\nkind = "stale_refresh"\nhours = 2\n',
        encoding="utf-8",
    )
    settings = Settings(
        vet_database_url=vet_url,
        ioc_database_url=new_store(database_url(tmp_path, "ioc")),
        alert_rules_path=str(rules_file),
        refresh_retries=0,
    )
    result = scheduler.refresh_job(settings)
    assert result is not None and result.status == "ok"
    store = make_engine(settings.ioc_database_url)
    try:
        from sqlalchemy.orm import Session

        with Session(store) as s:
            assert [(r.unit, r.refresh_id) for r in s.query(AlertStatus)] == [("nation", result.run_id)]
        assert alerts.open_alert_count(store, CENTRAL_USER) == 0  # just refreshed
    finally:
        store.dispose()
    job = scheduler.configure(BackgroundScheduler(), replace(settings, alert_check_minutes=7)).get_job(
        scheduler.ALERT_JOB_ID
    )
    assert job.max_instances == 1 and job.trigger.interval == dt.timedelta(minutes=7)


def test_an_evaluation_waits_for_another_then_gives_up(store: Engine) -> None:
    from ioc_app import job_lease

    assert job_lease.try_acquire(store, alerts.LEASE, "another:1:x", 60)
    assert alerts.evaluate(store, STALE, None, NOW, wait_seconds=0) is None
    job_lease.release(store, alerts.LEASE, "another:1:x")
    assert keys(alerts.evaluate(store, STALE, None, NOW, wait_seconds=0)) == {""}
