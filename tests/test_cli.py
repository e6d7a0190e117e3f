"""The command line, run as a user would: real processes, real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests import cli_runner
from tests.conftest import database_url, new_store

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m ioc_app ARGS`` in its own process, forked from a server that imported the command line once
    (tests/cli_runner.py; test_cli_runner holds it to what the real entry point says)."""
    return cli_runner.run_cli(args, env={**os.environ, **(env or {})}, cwd=ROOT, timeout=300)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and fragment in lines[0], proc.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init-demo"],
        ["refresh"],
        ["serve"],
        ["scheduler"],
        ["tasks"],
        ["tasks", "report"],
        ["tasks", "list"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_unknown_scale_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--scale", "huge", "--database-url", database_url(tmp_path, "v"))
    assert_one_line_error(proc, "invalid choice: 'huge'")


def test_negative_seed_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--seed", "-3", "--database-url", database_url(tmp_path, "v"))
    assert_one_line_error(proc, "must be zero or more")


def test_unwritable_path_is_one_line() -> None:
    # SQLite: a file path nobody can create.
    proc = run_cli("init-demo", "--scale", "small", "--database-url", "sqlite:////proc/ioc-nowhere/vet.sqlite3")
    assert_one_line_error(proc, "cannot")


def test_bad_data_date_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--data-date", "2026-02-30", "--database-url", database_url(tmp_path, "v"))
    assert_one_line_error(proc, "YYYY-MM-DD")


def test_refresh_of_an_empty_database_is_one_line(tmp_path: Path) -> None:
    # SQLite: a missing VET file is reported, never created (PostgreSQL has no such file).
    env = {
        "VET_DATABASE_URL": f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
    }
    assert run_cli("db", "upgrade", env=env).returncode == 0
    proc = run_cli("refresh", env=env)
    # The VET database is only read: a missing file is said so, never created empty.
    assert_one_line_error(proc, f"there is no file {tmp_path / 'vet.sqlite3'}")
    assert not (tmp_path / "vet.sqlite3").exists()
    sqlite3.connect(tmp_path / "vet.sqlite3").close()  # an empty database
    assert_one_line_error(run_cli("refresh", env=env), "holds no data")


def test_init_demo_then_refresh_and_refuse_overwrite(tmp_path: Path) -> None:
    # SQLite: init-demo brings an embedded store to head itself; a PostgreSQL store behind head is
    # refused until `db upgrade` (README, Production), which test_migrations checks.
    env = {
        "VET_DATABASE_URL": f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
    }
    built = run_cli("init-demo", "--scale", "small", "--seed", "3", "--data-date", "2026-10-31", "--quiet", env=env)
    assert built.returncode == 0, built.stderr
    assert "built small demo database (seed 3, data date 2026-10-31)" in built.stdout
    # The demo's accounts, with their documented passwords (README, Quick start).
    for line in ("demo.admin    admin ", "demo.hcm      province 79 (Thành phố Hồ Chí Minh) ", "demo-hanoi-2222"):
        assert line in built.stdout
    again = run_cli("init-demo", "--scale", "small", "--quiet", env=env)
    assert_one_line_error(again, "add --force")
    upgraded = run_cli("db", "upgrade", env=env)
    # init-demo brought the embedded store to head already (the demo's accounts live there).
    assert upgraded.returncode == 0 and "already at revision" in upgraded.stdout, upgraded.stderr
    refreshed = run_cli("refresh", env=env)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "snapshot 1:" in refreshed.stdout and "as of 2026-10-31" in refreshed.stdout
    forced = run_cli("init-demo", "--scale", "small", "--seed", "4", "--force", "--quiet", env=env)
    assert forced.returncode == 0, forced.stderr
    assert "demo.admin" not in forced.stdout  # they exist already


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["9.9", "--state", "in_progress", "--on", "2026-03-31", "--source", "CV 1"], "unknown task '9.9'"),
        (["2.1.2", "--state", "in_progress", "--on", "2026-02-30", "--source", "CV 1"], "--on must be a date"),
        (["2.1.2", "--state", "in_progress", "--on", "31/03/2026", "--source", "CV 1"], "--on must be a date"),
        (["2.1.2", "--state", "in_progress", "--on", "2026-03-31", "--source", "CV 1", "--percent", "101"], "0 to 100"),
        (
            ["2.1.2", "--state", "in_progress", "--on", "2026-03-31", "--source", "CV 1", "--percent", "half"],
            "0 to 100",
        ),
        (["2.1.2", "--state", "in_progress", "--on", "2026-03-31", "--source", "  "], "a source is required"),
        (["2.1.2", "--state", "in_progress", "--on", "2026-03-31"], "--source"),
        (["2.1.2", "--state", "finished", "--on", "2026-03-31", "--source", "CV 1"], "invalid choice: 'finished'"),
        (["2.1.2", "--state", "in_progress", "--on", "2999-01-01", "--source", "CV 1"], "in the future"),
    ],
)
def test_a_refused_progress_report_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    store = tmp_path / "ioc.sqlite3"  # SQLite: the store's file never created shows it was never opened
    proc = run_cli("tasks", "report", *args, env={"IOC_DATABASE_URL": f"sqlite:///{store}"})
    assert_one_line_error(proc, fragment)
    assert not store.exists()


def test_record_and_list_reported_progress(tmp_path: Path) -> None:
    env = {"IOC_DATABASE_URL": database_url(tmp_path, "ioc")}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    recorded = run_cli(
        "tasks", "report", "2.1.2", "--state", "in_progress", "--on", "2026-03-31",
        "--source", "Công văn 345/GDNN", "--percent", "60", "--note", "Vận hành thử",
        env=env,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert "recorded for task 2.1.2: In progress 60%; Reported on 2026-03-31; Source: Công văn 345/GDNN" in (
        recorded.stdout
    )
    refused = run_cli("tasks", "report", "2.1.2", "--state", "completed", "--on", "2026-04-01", "--source", "", env=env)
    assert_one_line_error(refused, "a source is required")

    listed = run_cli("tasks", "list", "--on", "2026-03-31", "--lang", "vi", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "Dữ liệu tính đến 2026-03-31" and len(lines) == 15
    line = next(x for x in lines if x.startswith("2.1.2 "))
    assert "Hết thời hạn triển khai" in line
    assert "Đang triển khai 60%; Báo cáo ngày 2026-03-31; Nguồn: Công văn 345/GDNN; Vận hành thử" in line
    assert "Chưa có báo cáo tiến độ" in next(x for x in lines if x.startswith("1.1 "))
    before = run_cli("tasks", "list", "--on", "2026-03-30", env=env)
    assert "No progress report yet" in next(x for x in before.stdout.splitlines() if x.startswith("2.1.2 "))
    history = run_cli("tasks", "list", "--reports", env=env)
    assert history.returncode == 0 and history.stdout.strip().endswith("1 report(s)")


def _copy(src_url: str, dst: Path) -> Path:
    """A consistent copy of a SQLite database (its WAL included)."""
    src = sqlite3.connect(src_url.removeprefix("sqlite:///"))
    out = sqlite3.connect(dst)
    src.backup(out)
    out.close()
    src.close()
    return dst


def _read_only_url(path: Path) -> str:
    """The URL of a file made read-only (0444); root ignores file modes, so SQLite is told as well."""
    path.chmod(0o444)
    if os.geteuid() == 0:
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return f"sqlite:///{path}"


# SQLite: files made read-only (on PostgreSQL the VET database is read with read-only sessions, test_faults).
def test_a_read_only_store_is_one_line_that_says_write(tmp_path: Path, small_demo_sqlite) -> None:
    small_demo = small_demo_sqlite
    vet = _copy(small_demo.vet_database_url, tmp_path / "vet.sqlite3")
    ioc = _copy(small_demo.ioc_database_url, tmp_path / "ioc.sqlite3")
    env = {"VET_DATABASE_URL": f"sqlite:///{vet}", "IOC_DATABASE_URL": _read_only_url(ioc)}
    refreshed = run_cli("refresh", env=env)
    assert_one_line_error(refreshed, "cannot write the IOC database (IOC_DATABASE_URL): attempt to write a readonly")
    assert refreshed.returncode == 2
    report = run_cli(
        "tasks", "report", "2.1.2", "--state", "in_progress", "--on", "2026-03-31", "--source", "CV", env=env
    )
    assert_one_line_error(report, "cannot write the IOC database (IOC_DATABASE_URL)")
    listed = run_cli("tasks", "list", env=env)  # reading a read-only store works
    assert listed.returncode == 0 and listed.stderr == "" and len(listed.stdout.splitlines()) == 15


def test_a_read_only_vet_database_can_still_be_read(tmp_path: Path, small_demo_sqlite) -> None:
    vet = _copy(small_demo_sqlite.vet_database_url, tmp_path / "vet.sqlite3")
    env = {
        "VET_DATABASE_URL": _read_only_url(vet),
        "IOC_DATABASE_URL": new_store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}"),
    }
    refreshed = run_cli("refresh", env=env)
    assert refreshed.returncode == 0, refreshed.stderr
    forced = run_cli("init-demo", "--scale", "small", "--force", "--quiet", "--database-url", env["VET_DATABASE_URL"])
    assert_one_line_error(forced, "cannot write database")


@pytest.mark.parametrize(
    "args",
    [
        ["init-demo", "--data-date", "20240101"],
        ["refresh", "--data-date", "2024-W01-1"],
        ["tasks", "list", "--on", "20260331"],
        ["tasks", "report", "2.1.2", "--state", "in_progress", "--on", "2026-W13-2", "--source", "CV"],
    ],
)
def test_dates_are_yyyy_mm_dd_only(tmp_path: Path, args: list[str]) -> None:
    env = {"VET_DATABASE_URL": database_url(tmp_path, "vet"), "IOC_DATABASE_URL": database_url(tmp_path, "ioc")}
    assert_one_line_error(run_cli(*args, env=env), "must be a date YYYY-MM-DD, got")


def test_an_unexpected_failure_is_one_line_too(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    from ioc_app.cli import one_line_errors

    def bug() -> int:
        raise RuntimeError("first line\nsecond line")

    monkeypatch.delenv("IOC_DEBUG", raising=False)
    assert one_line_errors(bug) == 1
    err = capsys.readouterr().err
    assert err == "error: unexpected RuntimeError: first line (IOC_DEBUG=1 shows the traceback)\n"
    monkeypatch.setenv("IOC_DEBUG", "1")
    with pytest.raises(RuntimeError):
        one_line_errors(bug)
