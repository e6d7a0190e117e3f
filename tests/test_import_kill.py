"""Killing an import (SIGKILL) loses nothing and leaves nothing half written.

A real process is killed at three points: the command line (``python -m ioc_app import FILE``) while
it holds the VET database's write lock (checking a file of a thousand rows); an import paused right
after writing its rows, before the commit; and one paused after that commit, before the import log
says how it ended (``tests/import_paused.py``). Before the commit, the VET row counts stay those of
before and the log keeps the attempt as ``running``, which the next import settles as ``abandoned``;
after it, every row is there and the entry is settled as ``applied`` with them. Both SQLite files
pass ``PRAGMA integrity_check``, and importing the same file again writes every row (or, when they
were written, changes nothing).
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
    # SQLite files: the tests watch the import's write lock and read the files with sqlite3.
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


def _log(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT outcome, rows_written FROM submission_import ORDER BY id"))


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
        args = ["-m", "tests.import_paused", world["vet_url"], world["ioc_url"], str(world["file"]), str(ready), how]
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.parametrize("how", ["cli", "writing", "logging"])
def test_sigkill_during_an_import_loses_nothing(world: Any, how: str, tmp_path: Path) -> None:
    before, ready, rows = _counts(world["vet_path"]), tmp_path / "ready", len(INSTITUTIONS) * DAYS
    proc = _start(world, how, ready)
    try:
        _wait_for(lambda: _locked(world["vet_path"]) if how == "cli" else ready.exists(), proc)
        if how == "writing":
            assert int(ready.read_text()) == rows  # written, not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _integrity(world["vet_path"]) == "ok" and _integrity(world["ioc_path"]) == "ok"
    committed = how == "logging"
    expected = dict(before, inspection=before["inspection"] + rows) if committed else before
    assert _counts(world["vet_path"]) == expected  # an open transaction is rolled back by the journal
    assert _log(world["ioc_path"]) == [("running", 0)]  # the attempt, not a half result

    vet, ioc = make_engine(world["vet_url"]), make_engine(world["ioc_url"])
    try:
        assert imports.reconcile(vet, ioc) == []  # a running import is left alone for a while
        later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + imports.SETTLE_AFTER * 2
        assert len(imports.reconcile(vet, ioc, now=later)) == 1
        assert _log(world["ioc_path"]) == [("applied", rows) if committed else ("abandoned", 0)]
        result = imports.run_import(
            vet, ioc, world["file"].name, world["file"].read_bytes(), max_bytes=10 * 1024 * 1024, identity=CLI
        )
        if committed:
            assert (result.outcome, result.rows_unchanged) == ("unchanged", rows)
        else:
            assert (result.outcome, result.rows_written) == ("applied", rows), result.problems[:3]
            with vet.connect() as conn:
                tagged = conn.execute(text("SELECT COUNT(*) FROM inspection WHERE import_id = :u"), {"u": result.uid})
                assert tagged.scalar_one() == rows
    finally:
        vet.dispose()
        ioc.dispose()
    assert _counts(world["vet_path"])["inspection"] == before["inspection"] + rows
    assert [outcome for outcome, _n in _log(world["ioc_path"])][-1] == ("unchanged" if committed else "applied")
