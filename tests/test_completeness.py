"""Completeness of provincial submissions and the data sources, on the hand-made tiny VET database.

The case, on 20/11/2026 (fourth quarter from 01/10/2026; institutions' report period 2026-H1):
open institutions I1 (Hà Nội, 01), I2 and I4 (Phú Thọ, 25); I3 closed in 2024.

- training: an admin's import in the quarter wrote a course of I2's staff (province 25); a Hồ Chí Minh
  City user's import in the quarter changed nothing (province 79 submitted all the same); a Hà Nội
  import of the third quarter, a refused one and a dry run do not count. Provinces 25 and 79: 2 of
  34; institutions: I2 only, 1 of 3 (I1's course is of September).
- inspection: nothing this quarter: 0 of 34, 0 of 3.
- report: an import logged at 01:00 on 01/10/2026 Vietnam time (18:00 UTC the day before) wrote I4's
  report of 2026-H1 (province 25): 1 of 34, 1 of 3.
- readiness: no import: 0 of 34; I1, I2 and I4 each have a date: 3 of 3.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from data_sources.engine import make_engine
from ioc_app import completeness, create_app, snapshots, source_pages, sources
from ioc_app.settings import Settings
from ioc_app.store import SubmissionImport
from layouts import home as home_layout
from tests import tiny_vet_db
from tests.conftest import TEST_SECRET_KEY, database_url, new_store, signed_in_client

TODAY = dt.date(2026, 11, 20)
ALL = 34


def _log(
    uid: str, kind: str, at: dt.datetime, outcome: str = "applied", province: str | None = None, **kw: Any
) -> SubmissionImport:
    return SubmissionImport(
        uid=uid,
        at=at,
        actor="test",
        role="province" if province else "admin",
        actor_province=province,
        kind=kind,
        file_name=f"{uid}.csv",
        file_sha256=uid.ljust(64, "0"),
        file_bytes=10,
        dry_run=kw.get("dry_run", False),
        outcome=outcome,
        rows_total=1,
        rows_written=1 if outcome == "applied" else 0,
        rows_unchanged=0,
        problem_count=1 if outcome == "refused" else 0,
        problems="[]",
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("completeness")
    vet_url, ioc_url = database_url(folder, "vet"), new_store(database_url(folder, "ioc"))
    vet, ioc = make_engine(vet_url), make_engine(ioc_url)
    tiny_vet_db.build(vet)
    with vet.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_training (staff_id, kind, completed_on, import_id) VALUES "
                "(5, 'digital_capacity', '2026-10-05', 'u-train'), (1, 'digital_capacity', '2026-09-01', 'u-old')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO report (id, kind, period, institution_id, province_code, legacy_province_code, "
                "submitted_on, is_digital, gris_connected, import_id) "
                "VALUES ((SELECT max(id) + 1 FROM report), "
                "'periodic', '2026-H1', 4, '25', '25', '2026-09-30', :yes, :yes, 'u-rep')"
            ),
            # The next id by hand: the tiny database's rows carry their ids, so PostgreSQL's sequence is
            # still at 1; a bound boolean, since PostgreSQL's boolean columns take no 1.
            {"yes": True},
        )
    with Session(ioc) as s, s.begin():
        s.add_all(
            [
                _log("u-train", "training", dt.datetime(2026, 10, 6, 3)),
                _log("u-same", "training", dt.datetime(2026, 11, 2, 3), "unchanged", "79"),
                _log("u-old", "training", dt.datetime(2026, 9, 10, 3), province="01"),
                _log("u-refused", "training", dt.datetime(2026, 11, 3, 3), "refused", "01"),
                _log("u-dry", "training", dt.datetime(2026, 11, 4, 3), "checked", "04", dry_run=True),
                _log("u-rep", "report", dt.datetime(2026, 9, 30, 18)),
            ]
        )
    assert snapshots.refresh(vet, ioc, trigger="test").status == "ok"
    yield {"vet": vet, "ioc": ioc, "vet_url": vet_url, "ioc_url": ioc_url}
    vet.dispose()
    ioc.dispose()


def _by_kind(world: Any) -> dict[str, completeness.KindCompleteness]:
    return {
        k: completeness.compute(world["vet"], world["ioc"], k, TODAY)
        for k in ("training", "inspection", "report", "readiness")
    }


def test_periods_are_defined_once_per_kind() -> None:
    q = completeness.period_of("training", TODAY)
    assert (q.label, q.start, q.end) == ("2026-Q4", dt.date(2026, 10, 1), TODAY)
    assert completeness.period_of("inspection", dt.date(2026, 3, 31)).start == dt.date(2026, 1, 1)
    assert completeness.period_of("report", TODAY).report_period == "2026-H1"
    assert completeness.period_of("report", dt.date(2026, 4, 2)).report_period == "2025"
    assert completeness.period_of("readiness", TODAY).start is None


def test_completeness_computed_by_hand(world: Any) -> None:
    got = _by_kind(world)
    shares = {
        k: (r.provinces_submitted, r.provinces_total, r.institutions_submitted, r.institutions_total)
        for k, r in got.items()
    }
    assert shares == {
        "training": (2, ALL, 1, 3),
        "inspection": (0, ALL, 0, 3),
        "report": (1, ALL, 1, 3),
        "readiness": (0, ALL, 3, 3),
    }
    training = got["training"]
    assert "25" not in training.missing_provinces and "79" not in training.missing_provinces
    assert {"01", "04"} <= set(training.missing_provinces) and len(training.missing_provinces) == 32
    assert [m.code for m in training.missing_institutions] == ["I1", "I4"]
    assert [m.code for m in got["report"].missing_institutions] == ["I1", "I2"]
    assert training.province_share == pytest.approx(2 / 34) and got["readiness"].institution_share == 1


def test_a_province_sees_its_own_part(world: Any) -> None:
    training = _by_kind(world)["training"]
    phu_tho = completeness.scoped(training, "25")
    assert (phu_tho.provinces_submitted, phu_tho.provinces_total) == (1, 1)
    assert (phu_tho.institutions_submitted, phu_tho.institutions_total) == (1, 2)
    assert [m.code for m in phu_tho.missing_institutions] == ["I4"] and phu_tho.missing_provinces == ()
    hanoi = completeness.scoped(training, "01")
    assert (hanoi.provinces_submitted, hanoi.institutions_submitted, hanoi.institutions_total) == (0, 0, 1)
    assert hanoi.missing_provinces == ("01",) and [m.code for m in hanoi.missing_institutions] == ["I1"]


def test_the_memo_follows_the_import_log(world: Any) -> None:
    first = completeness.national(world["vet"], world["ioc"], "inspection", TODAY)
    assert completeness.national(world["vet"], world["ioc"], "inspection", TODAY) is first
    with Session(world["ioc"]) as s, s.begin():
        s.add(_log("u-insp-dry", "inspection", dt.datetime(2026, 11, 5), "checked", "25", dry_run=True))
    again = completeness.national(world["vet"], world["ioc"], "inspection", TODAY)
    assert again is not first and again == first  # read again; a dry run changes nothing


def test_source_states(world: Any) -> None:
    vet = sources.vet_state(world["vet"], world["ioc"])
    assert vet.last_success is not None and vet.last_error is None and vet.rows and vet.rows > 20
    states = {s.key: s for s in sources.import_states(world["ioc"], None)}
    assert states["training"].last_success == dt.datetime(2026, 11, 2, 3)
    assert states["training"].last_error == "u-refused.csv" and states["training"].rows == 2
    assert states["inspection"].last_success is None and states["inspection"].rows == 0
    hanoi = {s.key: s for s in sources.import_states(world["ioc"], "01")}
    assert hanoi["training"].last_success == dt.datetime(2026, 9, 10, 3) and hanoi["report"].rows == 0


def test_sources_on_the_panels(world: Any) -> None:
    now = snapshots.latest_run(world["ioc"]).finished_at + dt.timedelta(minutes=5)  # type: ignore[union-attr]  # refreshed in the fixture
    feeds = sources.panel_sources(world["ioc"], now)
    assert sorted(feeds) == [f"T{n:02d}" for n in range(1, 13)]
    assert [s.key for s in feeds["T11"]] == ["vet", "report"] and [s.key for s in feeds["T03"]] == ["vet"]
    assert [s.key for s in feeds["T06"]] == ["vet", "readiness"] and feeds["T06"][1].at is None
    vi = home_layout.sources_text(feeds["T11"], "vi")
    assert vi == "Nguồn: CSDL GDNN (cập nhật 5 phút trước), báo cáo của tỉnh (01/10/2026)"
    assert home_layout.sources_text(feeds["T08"], "en").endswith("readiness dates sent by the provinces (no file yet)")


@pytest.fixture(scope="module")
def site(world: Any) -> Any:
    settings = Settings(
        vet_database_url=world["vet_url"],
        ioc_database_url=world["ioc_url"],
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
    )
    app = create_app(settings)
    return {"app": app, "central": signed_in_client(app, "central"), "phu_tho": signed_in_client(app, "province", "25")}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_pages, "today_in_vietnam", lambda: TODAY)


def test_the_page_in_both_languages(site: Any) -> None:
    vi = site["central"].get("/sources?lang=vi").get_data(as_text=True)
    assert "Nguồn dữ liệu và mức độ đầy đủ" in vi and "Quý 4/2026, từ 01/10/2026" in vi
    assert "2/34 (5,9%)" in vi and "1/3 (33,3%)" in vi and "3/3 (100,0%)" in vi and "u-refused.csv" in vi
    assert 'data-institution="I1"' in vi and 'data-province="04"' in vi
    en = site["central"].get("/sources?lang=en").get_data(as_text=True)
    assert "Data sources and completeness" in en and "Q4 2026, from" in en and "2/34 (5.9%)" in en
    site["central"].get("/sources?lang=vi")


def test_a_province_user_sees_only_their_province(site: Any) -> None:
    page = site["phu_tho"].get("/sources").get_data(as_text=True)
    assert "Chỉ hiển thị dữ liệu của: Tỉnh Phú Thọ" in page
    assert "1/1 (100,0%)" in page and "1/2 (50,0%)" in page
    assert 'data-institution="I1"' not in page and 'data-province="04"' not in page and "u-refused.csv" not in page
    assert 'data-institution="I4"' in page


def test_tokens_and_strangers_do_not_see_it(site: Any) -> None:
    resp = site["app"].server.test_client().get("/sources")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_missing_list_exports(site: Any) -> None:
    csv = site["central"].get("/sources/missing.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    lines = csv.data.decode("utf-8-sig").splitlines()
    expected = (ALL - 2) + 2 + ALL + 3 + (ALL - 1) + 2 + ALL + 0  # training, inspection, report, readiness
    assert len(lines) == 1 + expected and lines[0].startswith("Loại tệp,Kỳ báo cáo,Cấp,Mã,Tên đơn vị")
    xlsx = site["phu_tho"].get("/sources/missing.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    codes = sorted(r[3] for r in rows[1:])
    assert codes == sorted(["I4", "25", "I2", "I4", "I2", "25"]), rows
    assert site["central"].get("/sources/missing.pdf").status_code == 404


def test_the_header_links_the_page() -> None:
    from ioc_app.auth import Badge
    from layouts.shell import user_block

    def links(badge: Badge) -> list[str]:
        return [c.href for c in user_block(badge, "vi") if getattr(c, "href", None)]

    # Those who import reach the sources page from the import page; central users cannot import.
    assert links(Badge("a", "province", "Tỉnh Phú Thọ", False, "tok")) == ["/import", "/alerts"]
    assert links(Badge("c", "central", None, False, "tok")) == ["/sources", "/alerts"]
    assert not [c for c in user_block(Badge("wall", "display", None, False, None), "vi") if getattr(c, "href", None)]


def test_the_same_case_on_sqlite_and_postgresql(tiny_engine: Any, tmp_path: Any) -> None:
    """The VET queries behind the figures, on both databases (the tiny database, shared by the module:
    rows added here are removed again)."""
    ioc = make_engine(new_store(database_url(tmp_path, "ioc")))
    with Session(ioc) as s, s.begin():
        s.add(_log("pg-train", "training", dt.datetime(2026, 10, 6, 3)))
    try:
        with tiny_engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO staff_training (staff_id, kind, completed_on, import_id) "
                    "VALUES (5, 'digital_capacity', :day, 'pg-train')"
                ),
                {"day": dt.date(2026, 10, 5)},
            )
        got = completeness.compute(tiny_engine, ioc, "training", TODAY)
        assert (got.provinces_submitted, got.institutions_submitted, got.institutions_total) == (1, 1, 3)
        assert got.missing_provinces.count("25") == 0 and [m.code for m in got.missing_institutions] == ["I1", "I4"]
        assert completeness.compute(tiny_engine, ioc, "readiness", TODAY).institutions_submitted == 3
    finally:
        with tiny_engine.begin() as conn:
            conn.execute(text("DELETE FROM staff_training WHERE import_id = 'pg-train'"))
        ioc.dispose()


def test_the_overview_callback_puts_the_sources_on_each_panel(site: Any) -> None:
    from callbacks import home as home_callbacks

    services = site["app"].server.config["IOC_SERVICES"]
    from layouts.home import Part

    # A page with its panels drawn: the update sends each panel's sources line, by panel code.
    shown = {"drawn": True, "snapshot": None}
    lines = home_callbacks.update_overview(services, None, None, "vi", shown)[Part.SOURCES]
    assert len(lines) == 12
    assert lines["T11"].endswith("báo cáo của tỉnh (01/10/2026)")
    assert lines["T03"].startswith("Nguồn: CSDL GDNN (cập nhật ")
