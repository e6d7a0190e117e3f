"""The app factory, health check, API and snapshot refresh on real SQLite files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from callbacks import shell as shell_callbacks
from data_sources.counting import make_rules
from data_sources.engine import make_engine
from ioc_app import create_app, snapshots
from ioc_app.freshness import snapshot_state
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL
from ioc_app.scheduler import configure, refresh_job
from ioc_app.settings import Settings
from tests import tiny_vet_db
from tests.conftest import TEST_SECRET_KEY, database_url, new_store, signed_in_client


def build_tiny(url: str) -> None:
    """Write the tiny VET database (the app itself only reads it)."""
    engine = make_engine(url)
    try:
        tiny_vet_db.build(engine)
    finally:
        engine.dispose()


def _tiny_app(test_settings: Settings):
    build_tiny(test_settings.vet_database_url)
    app = create_app(test_settings)
    return app, app.server.config["IOC_SERVICES"]


def test_healthz_reports_both_databases(test_settings: Settings) -> None:
    app, _ = _tiny_app(test_settings)
    resp = app.server.test_client().get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok"
    assert body["vet_database"]["reachable"] and body["ioc_database"]["reachable"]
    assert body["vet_database"]["data_date"] == tiny_vet_db.DATA_DATE.isoformat()


def test_healthz_reports_an_unreachable_database(tmp_path) -> None:
    bad = Settings(
        vet_database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
        ioc_database_url=new_store(database_url(tmp_path, "ioc")),
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
    )
    resp = create_app(bad).server.test_client().get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "degraded" and body["vet_database"]["reachable"] is False
    assert body["vet_database"]["error"].startswith("OperationalError")
    assert body["reasons"][0].startswith("the VET database cannot be read: OperationalError")


def test_api_before_and_after_the_first_snapshot(test_settings: Settings) -> None:
    app, services = _tiny_app(test_settings)
    client = signed_in_client(app)
    assert client.get("/api/v1/indicators").status_code == 503
    assert snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test").status == "ok"
    body = client.get("/api/v1/indicators").get_json()
    assert [i["code"] for i in body["indicators"]] == [i.code for i in registry.INDICATORS]
    t12 = next(i for i in body["indicators"] if i["code"] == "T12")
    # Hand value (tests/tiny_vet_db.py): I1 is a digital school, I4 is not.
    assert (t12["numerator"], t12["denominator"], t12["value"]) == (1, 2, 0.5)
    verdict_2025 = next(a for a in t12["assessments"] if a["year"] == 2025)
    assert verdict_2025["judged"] and verdict_2025["status"] == "achieved"  # exactly 50%, "at least 50%"
    # The raw article field stays; its citation comes as the decision lays it out, in both languages.
    assert t12["article"] == "1.2.d"
    assert t12["citation"] == {
        "vi": "Điều 1, mục I, khoản 2, điểm d",
        "en": "Article 1, section I, item 2, point d",
    }


def test_api_indicator_scope_as_of_and_errors(test_settings: Settings) -> None:
    app, services = _tiny_app(test_settings)
    snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test")
    client = signed_in_client(app)
    body = client.get("/api/v1/indicators/T08?scope=national&as_of=2024-08-01").get_json()
    by_key = {s["key"]: s for s in body["series"]}
    # Between month ends: counted live at that date (hand values).
    assert (by_key["learner_digitised_cd_tc"]["numerator"], by_key["learner_digitised_cd_tc"]["denominator"]) == (2, 4)
    assert by_key["learner_digitised_cd_tc"]["trajectory"][0]["period_end"] == "2021-12-31"
    assert by_key["learner_digitised_cd_tc"]["trajectory"][-1]["period_end"] == "2024-08-01"
    # T08 is an institution share (hand value: 0 of 3 on 1/8/2024), the record share beside it.
    assert (body["series_key"], body["numerator"], body["denominator"]) == ("institution_digitised_all", 0, 3)
    assert {k: s["role"] for k, s in by_key.items()} == {
        "institution_digitised_cd_tc": "judged",
        "institution_digitised_all": "judged",
        "learner_digitised_all": "supporting",
        "learner_digitised_cd_tc": "supporting",
    }
    assert body["counting_rules"]["min_record_share"] == 0.95
    assert any("95%" in x for x in body["interpretations"]["en"])
    assert any("95%" in x for x in body["interpretations"]["vi"])
    body = client.get("/api/v1/indicators/t01?scope=province34:25&as_of=2024-01-31").get_json()
    assert (body["numerator"], body["denominator"], body["scope"]) == (2, 2, "province34:25")
    assert client.get("/api/v1/indicators/T01?scope=province34:04").get_json()["value"] is None  # no data
    for url, status in [
        ("/api/v1/indicators/T13", 404),
        ("/api/v1/indicators/T01?scope=province34:99", 400),
        ("/api/v1/indicators/T01?as_of=2030-01-01", 400),
        ("/api/v1/indicators/T01?as_of=x", 400),
        ("/api/v1/nothing", 404),
    ]:
        resp = client.get(url)
        assert resp.status_code == status and "error" in resp.get_json(), url


def test_a_failed_refresh_keeps_the_previous_snapshot(test_settings: Settings) -> None:
    _, services = _tiny_app(test_settings)
    first = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test")
    writer = make_engine(test_settings.vet_database_url)
    with writer.begin() as conn:
        conn.execute(text("DROP TABLE staff_training"))
    writer.dispose()
    failed = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test")
    assert failed.status == "failed" and "staff_training" in failed.error
    assert snapshots.latest_run(services.ioc_engine).id == first.run_id
    assert snapshots.last_failure(services.ioc_engine).error == failed.error
    snap = snapshots.current(services.ioc_engine)
    assert snap is not None and len(snap.cells("staff_digital_capacity")) > 0


def test_a_snapshot_keeps_the_counting_rules_it_was_computed_with(test_settings: Settings) -> None:
    _, services = _tiny_app(test_settings)
    rules = make_rules("0.5")
    snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test", rules=rules)
    snap = snapshots.current(services.ioc_engine)
    assert snap is not None and snap.rules == rules
    # At 0.5, I1 (2 of 3 records) counts too on 31/12/2023 with I2 and I3 (hand value; 2 of 4 at 95%).
    day = snap.trajectory("institution_digitised_all", NATIONAL).set_index("period_end").loc[dt.date(2023, 12, 31)]
    assert (int(day.numerator), int(day.denominator)) == (3, 4)


def test_an_invalid_rule_file_fails_the_refresh_with_its_message(test_settings: Settings, tmp_path) -> None:
    _, services = _tiny_app(test_settings)
    first = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test")
    bad = tmp_path / "it.csv"
    bad.write_text("code,name_vi,name_en\nABC,x,y\n", encoding="utf-8")
    settings = Settings(it_occupations_path=str(bad))
    failed = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test", rules=settings.counting_rules)
    assert failed.status == "failed" and "not six digits" in (failed.error or "")
    assert snapshots.latest_run(services.ioc_engine).id == first.run_id


def test_old_snapshots_are_pruned(test_settings: Settings) -> None:
    _, services = _tiny_app(test_settings)
    runs = [snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test", keep=2) for _ in range(3)]
    with services.ioc_engine.connect() as conn:
        kept = [r[0] for r in conn.execute(text("SELECT DISTINCT refresh_id FROM kpi_snapshot ORDER BY 1"))]
    assert kept == [runs[1].run_id, runs[2].run_id]


def test_freshness_and_polling(test_settings: Settings) -> None:
    _, services = _tiny_app(test_settings)
    assert snapshot_state(services.ioc_engine, 120)["id"] is None
    result = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test")
    state = snapshot_state(services.ioc_engine, 120)
    assert state["id"] == result.run_id and not state["stale"]
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=3)
    assert snapshot_state(services.ioc_engine, 120, now=later)["stale"]
    # The browser's poll changes nothing while the snapshot is the same.
    assert shell_callbacks.poll_snapshot(services, state) is shell_callbacks.no_update


def test_scheduler_job_refreshes(test_settings: Settings) -> None:
    _, services = _tiny_app(test_settings)
    result = refresh_job(test_settings)
    assert result.status == "ok" and snapshots.latest_run(services.ioc_engine).id == result.run_id
    from apscheduler.schedulers.background import BackgroundScheduler

    job = configure(BackgroundScheduler(), test_settings).get_job("snapshot-refresh")
    assert job.max_instances == 1 and job.coalesce
    assert job.trigger.interval == dt.timedelta(minutes=test_settings.snapshot_refresh_minutes)


def test_language_toggle_and_unknown_pages(test_settings: Settings) -> None:
    assert shell_callbacks.toggle_language(1, "vi") == "en"
    assert shell_callbacks.toggle_language(2, "en") == "vi"
    assert shell_callbacks.toggle_language(1, "fr") == "en"  # unknown → Vietnamese, then toggled
    _app, services = _tiny_app(test_settings)
    page = shell_callbacks.render_page({}, services, "/nowhere", "vi")
    assert "Không tìm thấy trang" in str(page)


def test_settings_from_environment() -> None:
    s = Settings.from_env({"VET_DATABASE_URL": "sqlite:///x.db", "IOC_PORT": "9001", "IOC_DEBUG": "yes"})
    assert (s.vet_database_url, s.port, s.debug) == ("sqlite:///x.db", 9001, True)
    import pytest

    from ioc_app.settings import SettingsError

    with pytest.raises(SettingsError):
        Settings.from_env({"IOC_PORT": "eighty"})


def test_the_page_names_its_language(test_settings: Settings) -> None:
    """Screen readers read the page in its language: <html lang> is the request's (cookie, ?lang=, default)."""
    from tests.conftest import signed_in_client

    app, _ = _tiny_app(test_settings)
    client = signed_in_client(app, "central")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    client.set_cookie("ioc_lang", "en")
    assert '<html lang="en">' in client.get("/map").get_data(as_text=True)


def test_pages_name_the_map_library_instead_of_loading_it(test_settings: Settings) -> None:
    """Every page's scripts but the map's library, whose address a <meta> gives (assets/lazy_leaflet.js loads
    it where a map is drawn: tests/test_browser_map.py)."""
    import re

    from tests.conftest import signed_in_client

    app, _ = _tiny_app(test_settings)
    client = signed_in_client(app, "central")
    for path in ("/", "/map", "/present"):
        page = client.get(path).get_data(as_text=True)
        scripts = re.findall(r'<script src="([^"]+)"', page)
        assert any("dash_renderer" in s for s in scripts) and any("/assets/lazy_leaflet.js" in s for s in scripts)
        assert not [s for s in scripts if "dash_leaflet" in s], path
        library = re.findall(r'<meta name="ioc-lazy-leaflet" content="([^"]+)">', page)
        assert len(library) == 1 and "/dash_leaflet/dash_leaflet." in library[0]
        served = client.get(library[0])
        assert served.status_code == 200 and b"dash_leaflet" in served.data
