"""The demo-data generator: determinism, plausible small-scale content, internal consistency.

Real SQLite files; the small scale is built once for the module (a few seconds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Date, Engine, inspect, text

from data_sources import vet_db
from data_sources.counting import default_rules
from data_sources.demo import SCALES, DemoReport, generate
from data_sources.demo.reference import occupations as occupations_catalogue
from data_sources.engine import make_engine
from data_sources.schema import VetBase
from geo import provinces as geo_provinces

DATA_DATE = dt.date(2026, 11, 28)
SEED = 11
LEGACY = {p.code for p in geo_provinces.legacy_provinces()}
CURRENT = {p.code for p in geo_provinces.provinces()}


# SQLite files whatever the suite's database: these tests read the values as SQLite stores them (ISO
# text dates), and test_postgres_build_equals_sqlite_build checks the PostgreSQL build row for row.
def _build(
    path: Path, *, seed: int = SEED, data_date: dt.date = DATA_DATE, progress: bool = False
) -> tuple[Engine, DemoReport]:
    engine = make_engine(f"sqlite:///{path}")
    return engine, generate(engine, scale="small", seed=seed, data_date=data_date, progress=progress)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, DemoReport]:
    engine, report = _build(tmp_path_factory.mktemp("demo") / "vet.sqlite3")
    yield engine, report
    engine.dispose()


@pytest.fixture(scope="module")
def db(built: tuple[Engine, DemoReport]) -> Engine:
    return built[0]


def rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    return rows(engine, sql, **params)[0][0]


def table_digests(engine: Engine) -> dict[str, str]:
    """A hash of every table's rows in primary-key order (data_info without generated_at)."""
    out = {}
    for table in VetBase.metadata.sorted_tables:
        pk = ", ".join(c.name for c in table.primary_key.columns)
        where = " WHERE key <> 'generated_at'" if table.name == "data_info" else ""
        h = hashlib.sha256()
        for r in rows(engine, f"SELECT * FROM {table.name}{where} ORDER BY {pk}"):
            h.update(repr(r).encode())
        out[table.name] = h.hexdigest()
    return out


# --- API and report -----------------------------------------------------------------------


def test_report_describes_the_build(built: tuple[Engine, DemoReport]) -> None:
    engine, report = built
    assert SCALES == ("small", "national", "full")
    assert (report.scale, report.seed, report.data_date) == ("small", SEED, DATA_DATE)
    assert report.seconds > 0
    for table in VetBase.metadata.sorted_tables:
        assert report.counts[table.name] == scalar(engine, f"SELECT COUNT(*) FROM {table.name}"), table.name


def test_data_info_records_the_build(db: Engine) -> None:
    info = vet_db.data_info(db)
    assert info["data_date"] == DATA_DATE.isoformat()
    assert info["scale"] == "small" and info["seed"] == str(SEED)
    dt.datetime.fromisoformat(info["generated_at"])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"scale": "huge"}, "unknown demo scale 'huge'"),
        ({"seed": -1}, "non-negative"),
        ({"data_date": dt.date(2019, 5, 1)}, "on or after 2021-01-01"),
    ],
)
def test_invalid_arguments_raise_a_one_line_value_error(tmp_path: Path, kwargs: dict, fragment: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'vet.sqlite3'}")
    with pytest.raises(ValueError, match=re.escape(fragment)) as err:
        generate(engine, **{"scale": "small", "progress": False, **kwargs})
    assert "\n" not in str(err.value)
    assert not inspect(engine).get_table_names()  # nothing written


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_rows_other_seed_other_rows(
    built: tuple[Engine, DemoReport], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    again, _ = _build(tmp_path / "again.sqlite3", progress=False)
    assert capfd.readouterr().err == ""  # progress=False is silent
    assert table_digests(again) == table_digests(built[0])
    other, _ = _build(tmp_path / "other.sqlite3", seed=SEED + 1, progress=True)
    assert "demo" in capfd.readouterr().err  # the progress bar is on stderr
    a, b = table_digests(other), table_digests(built[0])
    for table in ("institution", "staff", "staff_training", "programme", "learner", "inspection", "report"):
        assert a[table] != b[table], table
    assert a["province"] == b["province"] and a["milestone"] == b["milestone"]


# --- small-scale content ------------------------------------------------------------------


def test_small_scale_counts_are_within_bounds(built: tuple[Engine, DemoReport]) -> None:
    counts = built[1].counts
    assert 50 <= counts["institution"] <= 70
    assert 150 <= counts["staff"] <= 1000
    assert 150 <= counts["programme"] <= 1000
    assert 5_000 <= counts["learner"] <= 40_000
    assert counts["staff_training"] > 0 and counts["inspection"] > 50 and counts["report"] > 500
    assert 25 <= counts["public_service"] <= 40
    assert (counts["province"], counts["province_legacy"]) == (34, 63)


def test_small_scale_mixes_types_ownerships_and_provinces(db: Engine) -> None:
    assert {r[0] for r in rows(db, "SELECT DISTINCT type FROM institution")} == {"college", "intermediate", "centre"}
    assert {r[0] for r in rows(db, "SELECT DISTINCT ownership FROM institution")} == {"public", "private", "foreign"}
    assert scalar(db, "SELECT COUNT(DISTINCT legacy_province_code) FROM institution") >= 15
    assert {r[0] for r in rows(db, "SELECT DISTINCT role FROM staff")} == {"teacher", "manager"}
    managers = scalar(db, "SELECT AVG(CASE WHEN role = 'manager' THEN 1.0 ELSE 0 END) FROM staff")
    assert 0.15 <= managers <= 0.40
    levels = {r[0] for r in rows(db, "SELECT DISTINCT level FROM learner")}
    assert levels == {"college", "intermediate", "elementary", "short_course"}
    assert scalar(db, "SELECT COUNT(*) FROM staff WHERE left_on IS NOT NULL") > 0  # turnover
    assert scalar(db, "SELECT COUNT(*) FROM institution WHERE closed_on IS NOT NULL") > 0
    assert scalar(db, "SELECT COUNT(*) FROM institution WHERE high_quality_on IS NOT NULL") >= 1


def test_names_codes_and_occupations_look_real(db: Engine) -> None:
    codes = [r[0] for r in rows(db, "SELECT code FROM institution")]
    assert len(codes) == len(set(codes))
    names = [r[0] for r in rows(db, "SELECT name FROM institution")]
    assert len(names) == len(set(names))
    assert all(n.startswith(("Trường Cao đẳng", "Trường Trung cấp", "Trung tâm")) for n in names)
    occupations = rows(db, "SELECT level, occupation_code, occupation_name FROM programme")
    first = {"college": "6", "intermediate": "5", "elementary": "4", "short_course": "3"}
    for level, code, name in occupations:
        assert re.fullmatch(r"\d{7}", code) and code[0] == first[level] and name
    # T04's list names occupations the demo teaches at the training levels.
    it_codes = set(default_rules().it_codes)
    assert any(c[1:] in it_codes and level != "short_course" for level, c, _ in occupations)
    assert ("6480201", "Công nghệ thông tin") in {(o.code, o.name) for o in occupations_catalogue("college")}
    services = [r[0] for r in rows(db, "SELECT name FROM public_service")]
    assert "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trường cao đẳng" in services


def test_milestones_of_t05_and_t10(db: Engine) -> None:
    got = dict(rows(db, "SELECT code, achieved_on FROM milestone"))
    assert set(got) == {
        "national_vet_platform",
        "shared_learning_repository",
        "vet_network_digital_map",
        "map_linked_certification_lookup",
    }
    assert got["map_linked_certification_lookup"] is None
    assert "2024-01-01" <= got["national_vet_platform"] <= "2025-12-31"


# --- consistency --------------------------------------------------------------------------


def test_province_codes_are_valid_and_consistent(db: Engine) -> None:
    for table in ("institution", "inspection", "report"):
        for legacy, current in rows(db, f"SELECT DISTINCT legacy_province_code, province_code FROM {table}"):
            assert legacy in LEGACY and current in CURRENT, (table, legacy, current)
            assert geo_provinces.current_code_of(legacy) == current, (table, legacy, current)
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_no_event_after_the_data_date(db: Engine) -> None:
    for table in VetBase.metadata.sorted_tables:
        for col in table.columns:
            if isinstance(col.type, Date):
                latest = scalar(db, f"SELECT MAX({col.name}) FROM {table.name}")
                assert latest is None or latest <= DATA_DATE.isoformat(), (table.name, col.name, latest)


def test_dates_are_iso_and_enum_values_are_stored(db: Engine) -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", scalar(db, "SELECT enrolled_on FROM learner LIMIT 1"))
    kinds = {r[0] for r in rows(db, "SELECT DISTINCT kind FROM staff_training")}
    assert kinds == {"digital_capacity", "digital_materials"}
    assert {r[0] for r in rows(db, "SELECT DISTINCT target FROM inspection")} <= {"institution", "province"}
    assert {r[0] for r in rows(db, "SELECT DISTINCT kind FROM report")} == {"periodic", "statistical"}


def test_staff_timelines(db: Engine) -> None:
    assert scalar(db, "SELECT COUNT(*) FROM staff WHERE left_on IS NOT NULL AND left_on <= hired_on") == 0
    outside = scalar(
        db,
        "SELECT COUNT(*) FROM staff_training t JOIN staff s ON s.id = t.staff_id "
        "WHERE t.completed_on < s.hired_on OR (s.left_on IS NOT NULL AND t.completed_on >= s.left_on)",
    )
    assert outside == 0
    assert (
        scalar(
            db,
            "SELECT COUNT(*) FROM staff_training t JOIN staff s ON s.id = t.staff_id "
            "WHERE t.kind = 'digital_materials' AND s.role <> 'teacher'",
        )
        == 0
    )
    # Staff of a closed institution have all left by its closing date.
    assert (
        scalar(
            db,
            "SELECT COUNT(*) FROM staff s JOIN institution i ON i.id = s.institution_id "
            "WHERE i.closed_on IS NOT NULL AND (s.left_on IS NULL OR s.left_on > i.closed_on)",
        )
        == 0
    )


def test_learner_and_programme_timelines(db: Engine) -> None:
    checks = {
        "graduation after enrolment": "SELECT COUNT(*) FROM learner WHERE graduated_on <= enrolled_on",
        "record after enrolment": "SELECT COUNT(*) FROM learner WHERE record_digitised_on < enrolled_on",
        "diploma after graduation": "SELECT COUNT(*) FROM learner WHERE diploma_digitised_on < graduated_on",
        "diploma without graduation": "SELECT COUNT(*) FROM learner WHERE diploma_digitised_on IS NOT NULL "
        "AND graduated_on IS NULL",
        "level of the programme": "SELECT COUNT(*) FROM learner l JOIN programme p ON p.id = l.programme_id "
        "WHERE p.level <> l.level OR p.institution_id <> l.institution_id",
        "programme running at enrolment": "SELECT COUNT(*) FROM learner l JOIN programme p ON p.id = l.programme_id "
        "WHERE p.approved_on > l.enrolled_on OR p.retired_on <= l.enrolled_on",
        "enrolled while open": "SELECT COUNT(*) FROM learner l JOIN institution i ON i.id = l.institution_id "
        "WHERE l.enrolled_on < i.established_on OR l.enrolled_on >= i.closed_on",
        "enrolled since 2021": "SELECT COUNT(*) FROM learner WHERE enrolled_on < '2021-01-01'",
        "retired after approval": "SELECT COUNT(*) FROM programme WHERE retired_on <= approved_on",
        "outcomes after approval": "SELECT COUNT(*) FROM programme WHERE digital_outcomes_on < approved_on",
        "service steps after introduction": "SELECT COUNT(*) FROM public_service "
        "WHERE level4_on < introduced_on OR portal_integrated_on < introduced_on",
    }
    for label, sql in checks.items():
        assert scalar(db, sql) == 0, label
    assert scalar(db, "SELECT COUNT(*) FROM learner WHERE graduated_on IS NULL") > 0  # some not yet graduated


def test_personal_ids_have_12_digits_and_a_province_prefix(db: Engine) -> None:
    legacy3 = {f"{int(c):03d}" for c in LEGACY}
    for table in ("staff", "learner"):
        ids = [r[0] for r in rows(db, f"SELECT personal_id FROM {table}")]
        assert all(re.fullmatch(r"\d{12}", i) for i in ids), table
        assert {i[:3] for i in ids} <= legacy3, table
    staff_ids = [r[0] for r in rows(db, "SELECT personal_id FROM staff")]
    assert len(staff_ids) == len(set(staff_ids))


def test_institutions_lie_in_their_legacy_province(db: Engine) -> None:
    from geo.boundaries import provinces_of_points

    located = rows(db, "SELECT legacy_province_code, latitude, longitude FROM institution WHERE latitude IS NOT NULL")
    missing = scalar(db, "SELECT COUNT(*) FROM institution WHERE latitude IS NULL OR longitude IS NULL")
    assert 1 <= missing <= 0.05 * (len(located) + missing) + 1  # a few not yet geolocated
    codes = provinces_of_points(np.array([r[1] for r in located]), np.array([r[2] for r in located]), level="63")
    assert list(codes) == [r[0] for r in located]


def test_an_earlier_data_date_cuts_the_history(built: tuple[Engine, DemoReport], tmp_path: Path) -> None:
    early = dt.date(2023, 6, 30)
    engine, report = _build(tmp_path / "early.sqlite3", data_date=early)
    assert 0 < report.counts["learner"] < 0.6 * built[1].counts["learner"]
    for table in VetBase.metadata.sorted_tables:
        for col in table.columns:
            if isinstance(col.type, Date):
                latest = scalar(engine, f"SELECT MAX({col.name}) FROM {table.name}")
                assert latest is None or latest <= early.isoformat(), (table.name, col.name)
    assert scalar(engine, "SELECT COUNT(*) FROM milestone WHERE achieved_on IS NOT NULL") == 0
    engine.dispose()


# --- PostgreSQL ---------------------------------------------------------------------------


def test_postgres_build_equals_sqlite_build(built: tuple[Engine, DemoReport], pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        report = generate(engine, scale="small", seed=SEED, data_date=DATA_DATE, progress=False)
        assert report.counts == built[1].counts
        sql = "SELECT id, personal_id, level, enrolled_on, graduated_on FROM learner ORDER BY id"
        sqlite_rows = rows(built[0], sql)
        pg_rows = [(i, p, lv, e.isoformat(), g.isoformat() if g else None) for i, p, lv, e, g in rows(engine, sql)]
        assert pg_rows == sqlite_rows
        # COPY leaves the id sequences past the inserted rows.
        with engine.begin() as conn:
            next_staff = conn.execute(text("SELECT nextval(pg_get_serial_sequence('staff', 'id'))")).scalar()
        assert next_staff == report.counts["staff"] + 1
        # Foreign keys and indexes dropped for the load are back.
        insp = inspect(engine)
        assert {fk["referred_table"] for fk in insp.get_foreign_keys("learner")} == {"institution", "programme"}
        assert {ix["name"] for ix in insp.get_indexes("learner")} == {"ix_learner_institution_id"}
    finally:
        engine.dispose()


def test_the_full_scale_is_the_national_network_with_every_learner() -> None:
    """Only the yearly learners differ: elementary and short courses at their real ~2 million a year."""
    import dataclasses

    from data_sources.demo.calibration import SCALE_PLANS

    national, full = SCALE_PLANS["national"], SCALE_PLANS["full"]
    differ = {f.name for f in dataclasses.fields(full) if getattr(full, f.name) != getattr(national, f.name)}
    assert differ == {"name", "annual_learners"}
    assert full.annual_learners[:2] == national.annual_learners[:2]
    assert sum(full.annual_learners[2:]) == 2_000_000
    assert sum(national.annual_learners[2:]) == 85_000
