"""The command line, run as a user would: real processes, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ioc_app", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and fragment in lines[0], proc.stderr


@pytest.mark.parametrize("command", [[], ["init-demo"], ["refresh"], ["serve"], ["scheduler"]])
def test_every_command_has_help(command: list[str]) -> None:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_unknown_scale_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--scale", "huge", "--database-url", f"sqlite:///{tmp_path / 'v.sqlite3'}")
    assert_one_line_error(proc, "invalid choice: 'huge'")


def test_negative_seed_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--seed", "-3", "--database-url", f"sqlite:///{tmp_path / 'v.sqlite3'}")
    assert_one_line_error(proc, "must be zero or more")


def test_unwritable_path_is_one_line() -> None:
    proc = run_cli("init-demo", "--scale", "small", "--database-url", "sqlite:////proc/ioc-nowhere/vet.sqlite3")
    assert_one_line_error(proc, "cannot")


def test_bad_data_date_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("init-demo", "--data-date", "2026-02-30", "--database-url", f"sqlite:///{tmp_path / 'v.sqlite3'}")
    assert_one_line_error(proc, "YYYY-MM-DD")


def test_refresh_of_an_empty_database_is_one_line(tmp_path: Path) -> None:
    env = {
        "VET_DATABASE_URL": f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
    }
    proc = run_cli("refresh", env=env)
    assert_one_line_error(proc, "holds no data")


def test_init_demo_then_refresh_and_refuse_overwrite(tmp_path: Path) -> None:
    env = {
        "VET_DATABASE_URL": f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
    }
    built = run_cli("init-demo", "--scale", "small", "--seed", "3", "--data-date", "2026-10-31", "--quiet", env=env)
    assert built.returncode == 0, built.stderr
    assert "built small demo database (seed 3, data date 2026-10-31)" in built.stdout
    again = run_cli("init-demo", "--scale", "small", "--quiet", env=env)
    assert_one_line_error(again, "add --force")
    refreshed = run_cli("refresh", env=env)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "snapshot 1:" in refreshed.stdout and "as of 2026-10-31" in refreshed.stdout
    forced = run_cli("init-demo", "--scale", "small", "--seed", "4", "--force", "--quiet", env=env)
    assert forced.returncode == 0, forced.stderr
