"""Provincial submissions through the core and the command line, on a real small demo database.

Each kind of bad file is refused with its message and leaves every row count of the VET database
unchanged; a good file lands in the tables the indicators count, and the next snapshot refresh shows
it in the figure it feeds (checked against a count made by hand and against independent SQL); the
same file twice changes nothing; a provincial importer cannot write another province's rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from data_sources.engine import make_engine
from data_sources.submissions.kinds import KINDS
from data_sources.submissions.templates import template_xlsx
from geo import provinces as geo_provinces
from ioc_app import imports, snapshots
from ioc_app.audit import CLI
from ioc_app.identity import Identity
from ioc_app.indicators.scopes import Scope
from ioc_app.settings import Settings
from tests import cli_runner, independent_sql
from tests.conftest import DEMO_DATA_DATE, TEST_SECRET_KEY, database_url, new_store
from tests.submission_files import csv_bytes, headers, with_zip_entry, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 1024 * 1024
TODAY = dt.date(2026, 11, 30)
HCM = "79"
HANOI = "01"
COUNTED_TABLES = ("staff_training", "inspection", "report", "institution", "staff", "learner", "programme")
READINESS_SQL = (
    "SELECT COUNT(digital_infrastructure_on) + COUNT(platform_connected_on) + COUNT(learner_data_integrated_on) "
    "FROM institution"
)


def build_world(vet_url: str, ioc_url: str) -> dict[str, Any]:
    from data_sources.demo import generate

    vet, ioc = make_engine(vet_url), make_engine(new_store(ioc_url))
    generate(vet, scale="small", seed=7, data_date=DEMO_DATA_DATE, progress=False)
    assert snapshots.refresh(vet, ioc, trigger="test").status == "ok"
    return {"vet": vet, "ioc": ioc, **_picks(vet)}


def _picks(vet: Engine) -> dict[str, Any]:
    """Staff in post with no digital-capacity course, an institution per province, a school not yet connected."""
    with vet.connect() as conn:
        untrained = conn.execute(
            text(
                "SELECT i.code, s.personal_id, i.province_code FROM staff s JOIN institution i ON i.id = s.institution_id "
                "WHERE s.left_on IS NULL AND i.closed_on IS NULL AND s.hired_on < '2026-01-01' "
                "AND NOT EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id AND t.kind = 'digital_capacity') "
                "AND i.province_code IN ('79', '01') ORDER BY i.province_code DESC, s.id"
            )
        ).all()
        unconnected = conn.execute(
            text(
                "SELECT code FROM institution WHERE province_code = '79' AND closed_on IS NULL "
                "AND established_on < '2026-01-01' AND platform_connected_on IS NULL "
                "AND digital_infrastructure_on IS NOT NULL AND type IN ('college', 'intermediate') ORDER BY id"
            )
        ).all()
        connected = conn.execute(
            text(
                "SELECT code, platform_connected_on FROM institution WHERE province_code = '79' "
                "AND platform_connected_on IS NOT NULL ORDER BY id"
            )
        ).first()
    hcm = [r for r in untrained if r.province_code == HCM]
    hanoi = [r for r in untrained if r.province_code == HANOI]
    assert len(hcm) >= 6 and len(hanoi) >= 2 and unconnected and connected
    return {"hcm_staff": hcm, "hanoi_staff": hanoi, "unconnected": unconnected[0].code, "connected": connected}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("submissions")
    w = build_world(database_url(folder, "vet"), database_url(folder, "ioc"))
    w["folder"] = folder
    yield w
    w["vet"].dispose()
    w["ioc"].dispose()


def counts(vet: Engine) -> dict[str, int]:
    with vet.connect() as conn:
        out = {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in COUNTED_TABLES}
        out["readiness dates"] = int(conn.execute(text(READINESS_SQL)).scalar_one())
    return out


def run(world: Any, name: str, data: bytes, **options: Any) -> imports.ImportResult:
    options.setdefault("max_bytes", MAX_BYTES)
    options.setdefault("identity", CLI)
    options.setdefault("today", TODAY)
    return imports.run_import(world["vet"], world["ioc"], name, data, **options)


def training_row(staff: Any, day: str = "01/10/2026", province: str | None = None) -> list[Any]:
    return [province or staff.province_code, staff.code, staff.personal_id, "năng lực số", day]


def _codes(result: imports.ImportResult) -> set[str]:
    return {p.code for p in result.problems}


# --- bad files ---------------------------------------------------------------------------------------


def _bad_files(world: Any) -> dict[str, tuple[str, bytes, dict[str, Any], set[str]]]:
    good = training_row(world["hcm_staff"][0])
    th = headers("training")
    book = xlsx_bytes(th, [good])
    return {
        "wrong columns": (
            "a.csv",
            csv_bytes(["Mã tỉnh", "Họ tên", *th[1:3]], [good[:4]]),
            {"kind": "training"},
            {"unknown_column", "missing_column"},
        ),
        "wrong types": (
            "a.csv",
            csv_bytes(th, [[HCM, good[1], "12345", "năng lực số", "31/02/2026"]]),
            {},
            {"bad_digits", "bad_date"},
        ),
        "date out of range": (
            "a.csv",
            csv_bytes(th, [training_row(world["hcm_staff"][0], "01/01/2031")]),
            {},
            {"date_out_of_range"},
        ),
        "unknown province": ("a.csv", csv_bytes(th, [["99", *good[1:]]]), {}, {"unknown_province"}),
        "unknown institution": ("a.csv", csv_bytes(th, [[HCM, "ZZ999", *good[2:]]]), {}, {"unknown_institution"}),
        "institution of another province": (
            "a.csv",
            csv_bytes(th, [[HANOI, *good[1:]]]),
            {},
            {"institution_other_province"},
        ),
        "duplicates": ("a.csv", csv_bytes(th, [good, good]), {}, {"duplicate_in_file"}),
        "wrong encoding": ("a.csv", csv_bytes(th, [good], "utf-32"), {}, {"encoding"}),
        "empty": ("a.csv", b"", {}, {"empty"}),
        "headers only": ("a.xlsx", xlsx_bytes(th, [], english_row=headers("training", "en")), {}, {"no_rows"}),
        "oversized": ("a.csv", csv_bytes(th, [good] * 40), {"max_bytes": 1024}, {"too_large"}),
        "formula cells": ("a.xlsx", xlsx_bytes(th, [[*good[:4], "=TODAY()"]]), {}, {"formula"}),
        "macro workbook": ("a.xlsx", with_zip_entry(book, "xl/vbaProject.bin"), {}, {"macros"}),
        "macro-enabled name": ("a.xlsm", book, {}, {"macros"}),
        "external links": (
            "a.xlsx",
            with_zip_entry(book, "xl/externalLinks/externalLink1.xml"),
            {},
            {"external_links"},
        ),
        "several data sheets": (
            "a.xlsx",
            xlsx_bytes(th, [good], extra_sheets={"Khác": [["x"]]}),
            {},
            {"several_sheets"},
        ),
        "not a workbook": ("a.xlsx", b"PK-not really a zip", {}, {"not_xlsx"}),
        "old excel": ("a.xls", b"\xd0\xcf\x11\xe0 binary", {}, {"old_excel"}),
    }


BAD = [
    "wrong columns",
    "wrong types",
    "date out of range",
    "unknown province",
    "unknown institution",
    "institution of another province",
    "duplicates",
    "wrong encoding",
    "empty",
    "headers only",
    "oversized",
    "formula cells",
    "macro workbook",
    "macro-enabled name",
    "external links",
    "several data sheets",
    "not a workbook",
    "old excel",
]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_refused_with_its_message_and_changes_no_count(world: Any, case: str) -> None:
    name, data, options, expected = _bad_files(world)[case]
    before = counts(world["vet"])
    result = run(world, name, data, **options)
    assert result.outcome == "refused" and not result.written
    assert expected <= _codes(result), [p.code for p in result.problems]
    assert counts(world["vet"]) == before
    for problem in result.problems:
        message = imports.problem_text(problem, "vi")
        assert message and message != imports.problem_text(problem, "en")
        assert "{" not in message


def test_every_problem_is_reported_at_once_row_by_row(world: Any) -> None:
    staff = world["hcm_staff"]
    rows = [
        training_row(staff[0]),
        [HCM, staff[0].code, "12", "năng lực số", "1/1/1999"],
        ["99", staff[1].code, staff[1].personal_id, "abc", "01/10/2026"],
        training_row(staff[0]),
    ]
    result = run(world, "a.csv", csv_bytes(headers("training"), rows))
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert (3, "personal_id", "bad_digits") in found and (3, "completed_on", "date_out_of_range") in found
    assert (4, "training_kind", "bad_choice") in found and (4, "province_code", "unknown_province") in found
    assert (5, None, "duplicate_in_file") in found
    assert imports.problem_text(next(p for p in result.problems if p.code == "duplicate_in_file"), "vi") == (
        "Trùng với dòng 2 trong cùng tệp."
    )
    frame = imports.problems_frame(result.kind, result.problems, "vi")
    assert list(frame.columns) == ["Dòng", "Cột", "Giá trị", "Vấn đề"] and len(frame) == len(result.problems)


def test_the_encoding_is_named_when_refused(world: Any) -> None:
    result = run(world, "a.csv", csv_bytes(headers("training"), [training_row(world["hcm_staff"][0])], "utf-32"))
    (problem,) = result.problems
    assert "utf-32" in imports.problem_text(problem, "vi").lower() and "UTF-8" in imports.problem_text(problem, "vi")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
def test_csv_in_utf8_utf16_and_windows_1258_is_decoded(world: Any, encoding: str) -> None:
    rows = [training_row(world["hcm_staff"][0])]
    result = run(world, "a.csv", csv_bytes(headers("training"), rows, encoding), dry_run=True)
    assert result.outcome == "checked" and result.problems == [] and result.rows_written == 1


def test_formula_like_text_is_made_inert_in_the_error_file(world: Any) -> None:
    rows = [[HCM, '=HYPERLINK("http://x")', "079085012345", "năng lực số", "01/10/2026"]]
    result = run(world, "a.csv", csv_bytes(headers("training"), rows))
    values = [p.value for p in result.problems if p.value]
    assert values and all(v.startswith("'=") for v in values)


# --- a good file -------------------------------------------------------------------------------------


def _figure(ioc: Engine, series: str, scope: Scope, day: dt.date) -> tuple[int, int]:
    snap = snapshots.current(ioc)
    assert snap is not None
    row = snap.trajectory(series, scope).set_index("period_end").loc[day]
    return int(row.numerator), int(row.denominator)


def test_good_files_reach_their_figures_after_the_next_refresh(world: Any) -> None:
    vet, ioc = world["vet"], world["ioc"]
    scope = Scope(province34=HCM)
    legacy = sorted(geo_provinces.province_by_code()[HCM].merged_from)
    t01_before = _figure(ioc, "staff_digital_capacity", scope, DEMO_DATA_DATE)
    t09_before = _figure(ioc, "inspection_digital", scope, DEMO_DATA_DATE)
    t06_before = _figure(ioc, "school_platform_connected", scope, DEMO_DATA_DATE)
    before = counts(vet)

    staff = world["hcm_staff"]
    # Two courses of one person (counted once) and one of another: T01 gains two people.
    training = xlsx_bytes(
        headers("training"),
        [
            training_row(staff[1], "01/10/2026"),
            training_row(staff[1], "05/10/2026"),
            training_row(staff[2], "02/11/2026"),
        ],
        english_row=headers("training", "en"),
    )
    first = run(world, "dao-tao.xlsx", training, kind="training")
    assert (first.outcome, first.rows_written, first.problems) == ("applied", 3, [])
    # A province's own inspection, done digitally, within the last 12 months: T09 gains one of one.
    inspection = csv_bytes(headers("inspection"), [[HCM, "79", None, "01/09/2026", "có"]])
    assert run(world, "kiem-tra.csv", inspection).outcome == "applied"
    # A college already with digital infrastructure, now connected: T06 gains one.
    readiness = csv_bytes(headers("readiness"), [[HCM, world["unconnected"], None, "15/10/2026", None]])
    assert run(world, "san-sang.csv", readiness).outcome == "applied"

    after = counts(vet)
    assert after["staff_training"] == before["staff_training"] + 3
    assert after["inspection"] == before["inspection"] + 1
    assert after["readiness dates"] == before["readiness dates"] + 1
    with vet.connect() as conn:
        tagged = conn.execute(text("SELECT COUNT(*) FROM staff_training WHERE import_id = :u"), {"u": first.uid})
        assert tagged.scalar_one() == 3

    # Nothing shows before the refresh; the refresh shows it.
    assert _figure(ioc, "staff_digital_capacity", scope, DEMO_DATA_DATE) == t01_before
    assert snapshots.refresh(vet, ioc, trigger="test").status == "ok"
    t01 = _figure(ioc, "staff_digital_capacity", scope, DEMO_DATA_DATE)
    assert t01 == (t01_before[0] + 2, t01_before[1])
    assert t01 == independent_sql.count(vet, "staff_digital_capacity", DEMO_DATA_DATE, legacy)
    # Before the first course the figure is what it was.
    assert (
        _figure(ioc, "staff_digital_capacity", scope, dt.date(2026, 9, 30))[0]
        == (independent_sql.count(vet, "staff_digital_capacity", dt.date(2026, 9, 30), legacy)[0])
    )
    t09 = _figure(ioc, "inspection_digital", scope, DEMO_DATA_DATE)
    assert t09 == (t09_before[0] + 1, t09_before[1] + 1)
    assert t09 == independent_sql.count(vet, "inspection_digital", DEMO_DATA_DATE, legacy)
    t06 = _figure(ioc, "school_platform_connected", scope, DEMO_DATA_DATE)
    assert t06 == (t06_before[0] + 1, t06_before[1])


def test_the_same_file_twice_changes_nothing_the_second_time(world: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(world["hcm_staff"][3], "03/03/2026")])
    first = run(world, "lan-1.csv", data)
    assert first.outcome == "applied"
    before = counts(world["vet"])
    again = run(world, "lan-2.csv", data)
    assert (again.outcome, again.rows_written, again.rows_unchanged) == ("unchanged", 0, 1)
    assert again.earlier is not None and again.earlier.uid == first.uid
    assert counts(world["vet"]) == before
    lines = imports.summary_lines(again, "vi")
    assert lines[0] == "Không có gì thay đổi: mọi dòng đều đã có trong cơ sở dữ liệu"
    assert any("đã được nhập lúc" in line for line in lines)
    logged = imports.log_entries(world["ioc"], limit=2)
    assert [e.outcome for e in logged] == ["unchanged", "applied"]
    assert logged[0].file_sha256 == logged[1].file_sha256 == first.file_sha256


def _race(world: Any, data: bytes) -> list[str]:
    """The same file imported by two threads at once: the outcomes."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(pool.map(lambda name: run(world, name, data).outcome, ["x.csv", "y.csv"]))


def test_two_imports_of_the_same_rows_at_once_write_them_once(world: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(world["hanoi_staff"][0], "07/07/2026")])
    before = counts(world["vet"])
    assert _race(world, data) == ["applied", "unchanged"]
    assert counts(world["vet"])["staff_training"] == before["staff_training"] + 1


def test_a_row_contradicting_stored_data_is_a_problem(world: Any) -> None:
    code, stored_on = world["connected"]
    other = "01/01/2025" if str(stored_on) != "2025-01-01" else "02/01/2025"
    before = counts(world["vet"])
    result = run(world, "a.csv", csv_bytes(headers("readiness"), [[HCM, code, None, other, None]]))
    assert _codes(result) == {"conflicts_stored_date"} and counts(world["vet"]) == before


def test_a_dry_run_writes_nothing_but_is_logged(world: Any) -> None:
    before = counts(world["vet"])
    data = csv_bytes(headers("training"), [training_row(world["hcm_staff"][4], "04/04/2026")])
    result = run(world, "thu.csv", data, dry_run=True)
    assert (result.outcome, result.rows_written) == ("checked", 1)
    assert counts(world["vet"]) == before
    assert imports.log_entries(world["ioc"], limit=1)[0].uid == result.uid


def test_a_template_filled_in_is_taken(world: Any) -> None:
    book = load_workbook(io.BytesIO(template_xlsx(KINDS["training"])))
    sheet = book["Dữ liệu"]
    sheet.append(training_row(world["hcm_staff"][4], "05/05/2026"))
    out = io.BytesIO()
    book.save(out)
    result = run(world, "mau.xlsx", out.getvalue(), dry_run=True)
    assert (result.outcome, result.kind, result.problems) == ("checked", "training", [])


# --- who imports -------------------------------------------------------------------------------------


def test_a_provincial_importer_cannot_write_another_provinces_rows(world: Any) -> None:
    hcm_user = Identity("test.province.79", "province", province=HCM, user_id=99)
    before = counts(world["vet"])
    foreign = csv_bytes(headers("training"), [training_row(world["hanoi_staff"][0])])
    result = run(world, "a.csv", foreign, identity=hcm_user)
    assert result.outcome == "refused" and _codes(result) == {"foreign_province"}
    assert counts(world["vet"]) == before
    assert imports.problem_text(result.problems[0], "vi").endswith("mã 79.")
    # Mixed with a row of its own province: still nothing is written.
    mixed = csv_bytes(headers("training"), [training_row(world["hcm_staff"][5]), training_row(world["hanoi_staff"][0])])
    assert run(world, "b.csv", mixed, identity=hcm_user).outcome == "refused"
    assert counts(world["vet"]) == before


@pytest.mark.parametrize(
    "identity",
    [
        None,
        Identity("c", "central"),
        Identity("wall", "display", token_id=1),
        Identity("p", "province", "79", token_id=2),
    ],
)
def test_only_admins_and_provincial_users_import(world: Any, identity: Identity | None) -> None:
    data = csv_bytes(headers("training"), [training_row(world["hcm_staff"][0])])
    with pytest.raises(imports.ImportNotAllowed):
        imports.run_import(
            world["vet"], world["ioc"], "a.csv", data, max_bytes=MAX_BYTES, identity=identity or Identity("x", "")
        )


# --- the command line --------------------------------------------------------------------------------


def _cli(world: Any, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {
        **extra_env,
        **os.environ,
        "VET_DATABASE_URL": str(world["vet"].url),
        "IOC_DATABASE_URL": str(world["ioc"].url),
        "IOC_SECRET_KEY": TEST_SECRET_KEY,
    }
    return cli_runner.run_cli(["import", *args], env=env, cwd=ROOT, timeout=120)


def test_the_command_line_imports_and_reports_in_vietnamese(world: Any, tmp_path: Path) -> None:
    good = tmp_path / "dao-tao.csv"
    good.write_bytes(csv_bytes(headers("training"), [training_row(world["hanoi_staff"][1], "06/06/2026")]))
    dry = _cli(world, str(good), "--dry-run")
    assert dry.returncode == 0 and "Đã kiểm tra (chưa ghi)" in dry.stdout, dry.stderr
    done = _cli(world, str(good), "--kind", "training")
    assert done.returncode == 0 and "Đã ghi dữ liệu" in done.stdout, done.stderr
    again = _cli(world, str(good))
    assert again.returncode == 0 and "Không có gì thay đổi" in again.stdout
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes(headers("training"), [["99", "X1", "1", "năng lực số", "31/02/2026"]]))
    errors = tmp_path / "loi.xlsx"
    before = counts(world["vet"])
    refused = _cli(world, str(bad), "--errors", str(errors))
    assert refused.returncode == 2
    assert "Dòng 2, Ngày hoàn thành [31/02/2026]: Ngày không hợp lệ (dd/mm/yyyy)." in refused.stdout
    assert counts(world["vet"]) == before
    sheet = load_workbook(errors).active
    assert sheet is not None and [c.value for c in sheet[1]] == ["Dòng", "Cột", "Giá trị", "Vấn đề"]


def test_the_command_line_refuses_a_file_over_the_limit_and_logs_its_whole_hash(world: Any, tmp_path: Path) -> None:
    big = tmp_path / "lon.csv"
    big.write_bytes(csv_bytes(headers("training"), [training_row(world["hcm_staff"][0])] * 100))
    refused = _cli(world, str(big), IOC_IMPORT_MAX_BYTES="2048")
    assert refused.returncode == 2 and "Tệp lớn hơn giới hạn" in refused.stdout
    logged = imports.log_entries(world["ioc"], limit=1)[0]
    assert logged.file_sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert logged.file_bytes == big.stat().st_size and logged.outcome == "refused"


# --- PostgreSQL --------------------------------------------------------------------------------------


def test_on_postgresql_a_file_is_written_once_and_a_bad_one_not_at_all(pg_url: str, tmp_path: Path) -> None:

    w = build_world(pg_url, f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    try:
        staff = w["hcm_staff"]
        data = xlsx_bytes(headers("training"), [training_row(staff[0]), training_row(staff[1])])
        before = counts(w["vet"])
        assert run(w, "a.xlsx", data).outcome == "applied"
        assert counts(w["vet"])["staff_training"] == before["staff_training"] + 2
        assert run(w, "a.xlsx", data).outcome == "unchanged"
        raced = csv_bytes(headers("training"), [training_row(staff[4], "08/08/2026")])
        assert _race(w, raced) == ["applied", "unchanged"]
        middle = counts(w["vet"])
        bad = xlsx_bytes(headers("training"), [training_row(staff[2]), [HCM, staff[3].code, "1", "x", "y"]])
        assert run(w, "b.xlsx", bad).outcome == "refused"
        assert counts(w["vet"]) == middle
        assert snapshots.refresh(w["vet"], w["ioc"], trigger="test").status == "ok"
        legacy = sorted(geo_provinces.province_by_code()[HCM].merged_from)
        got = _figure(w["ioc"], "staff_digital_capacity", Scope(province34=HCM), DEMO_DATA_DATE)
        assert got == independent_sql.count(w["vet"], "staff_digital_capacity", DEMO_DATA_DATE, legacy)
    finally:
        w["vet"].dispose()
        w["ioc"].dispose()


def test_settings_carry_the_import_limit() -> None:
    assert Settings.from_env({"IOC_IMPORT_MAX_BYTES": "2048"}).import_max_bytes == 2048
