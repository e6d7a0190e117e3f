"""Killing an import (SIGKILL) loses nothing and leaves nothing half written.

A real process is killed twice over: the command line (``python -m ioc_app import FILE``) while it
holds the VET database's write lock (checking a file of a few thousand rows), and an import paused
right after writing its rows, before the commit (``tests/import_paused.py``). After each kill the VET
row counts are those of before, the import log has no entry of the killed import, both SQLite files
pass ``PRAGMA integrity_check``, and importing the same file again writes every row.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from data_sources.engine import make_engine
from ioc_app import imports
from ioc_app.audit import CLI
from tests import tiny_vet_db
from tests.conftest import TEST_SECRET_KEY, new_store
from tests.submission_files import csv_bytes, headers

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("staff_training", "inspection", "report", "institution")
# Inspections of I1 (Hà Nội), I2 (Vĩnh Phúc, now Phú Thọ) and I4 (Phú Thọ), one a day each, after the
# tiny database's own.
INSTITUTIONS = (("01", "01", "I1"), ("25", "26", "I2"), ("25", "25", "I4"))
FIRST_DAY, DAYS = dt.date(2024, 8, 1), 400


def _file(path: Path) -> Path:
    rows = [
        [prov, legacy, code, (FIRST_DAY + dt.timedelta(days=d)).strftime("%d/%m/%Y"), "có" if d % 2 else "không"]
        for d in range(DAYS)
        for prov, legacy, code in INSTITUTIONS
    ]
    path.write_bytes(csv_bytes(headers("inspection"), rows))
    return path


@pytest.fixture
def world(tmp_path: Path) -> Any:
    vet_path, ioc_path = tmp_path / "vet.sqlite3", tmp_path / "ioc.sqlite3"
    vet_url, ioc_url = f"sqlite:///{vet_path}", new_store(f"sqlite:///{ioc_path}")
    vet = make_engine(vet_url)
    tiny_vet_db.build(vet)
    vet.dispose()
    return {
        "vet_path": vet_path,
        "ioc_path": ioc_path,
        "vet_url": vet_url,
        "ioc_url": ioc_url,
        "file": _file(tmp_path / "thanh-tra.csv"),
    }


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _log_rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM submission_import").fetchone()[0])


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _locked(path: Path) -> bool:
    """Whether another connection holds the file's write lock (the import's transaction is open)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _wait_for(condition: Any, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import never reached the point to kill it"
        time.sleep(0.01)


def _start(world: Any, how: str, ready: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IOC_SECRET_KEY": TEST_SECRET_KEY}
    if how == "cli":
        env |= {"VET_DATABASE_URL": world["vet_url"], "IOC_DATABASE_URL": world["ioc_url"]}
        args = ["-m", "ioc_app", "import", str(world["file"]), "--kind", "inspection"]
    else:
        args = ["-m", "tests.import_paused", world["vet_url"], world["ioc_url"], str(world["file"]), str(ready)]
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.parametrize("how", ["cli", "paused"])
def test_sigkill_during_an_import_loses_nothing(world: Any, how: str, tmp_path: Path) -> None:
    before, ready = _counts(world["vet_path"]), tmp_path / "ready"
    proc = _start(world, how, ready)
    try:
        _wait_for(lambda: _locked(world["vet_path"]) if how == "cli" else ready.exists(), proc)
        if how == "paused":
            assert int(ready.read_text()) == len(INSTITUTIONS) * DAYS  # written, not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert _counts(world["vet_path"]) == before  # the journal rolls the open transaction back
    assert _log_rows(world["ioc_path"]) == 0  # no entry, not even a half one
    assert _integrity(world["vet_path"]) == "ok" and _integrity(world["ioc_path"]) == "ok"

    vet, ioc = make_engine(world["vet_url"]), make_engine(world["ioc_url"])
    try:
        result = imports.run_import(
            vet, ioc, world["file"].name, world["file"].read_bytes(), max_bytes=10 * 1024 * 1024, identity=CLI
        )
        assert (result.outcome, result.rows_written) == ("applied", len(INSTITUTIONS) * DAYS), result.problems[:3]
        with vet.connect() as conn:
            tagged = conn.execute(text("SELECT COUNT(*) FROM inspection WHERE import_id = :u"), {"u": result.uid})
            assert tagged.scalar_one() == len(INSTITUTIONS) * DAYS
    finally:
        vet.dispose()
        ioc.dispose()
    assert _counts(world["vet_path"])["inspection"] == before["inspection"] + len(INSTITUTIONS) * DAYS
    assert _log_rows(world["ioc_path"]) == 1
