"""The refresh across processes, with real ones: the lease lets one of two schedulers refresh, and a
refresh killed with SIGKILL (while computing, and inside its write transaction) leaves the previous
snapshot whole and nothing half written; the next refresh marks the killed run abandoned."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

from data_sources.engine import make_engine
from ioc_app import job_lease, snapshots
from ioc_app.cli import main
from ioc_app.settings import Settings
from ioc_app.store import JobLease
from tests import cli_runner
from tests.conftest import new_store
from tests.test_faults import _path, copy_sqlite

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_copy(small_demo_sqlite: Settings, tmp_path: Path) -> Settings:
    """SQLite files: these tests read the store with sqlite3, watch its write lock and move the VET file away."""
    small_demo = small_demo_sqlite
    vet, ioc = tmp_path / "vet.sqlite3", tmp_path / "ioc.sqlite3"
    copy_sqlite(_path(small_demo.vet_database_url), vet)
    copy_sqlite(_path(small_demo.ioc_database_url), ioc)
    return replace(small_demo, vet_database_url=f"sqlite:///{vet}", ioc_database_url=f"sqlite:///{ioc}")


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "VET_DATABASE_URL": settings.vet_database_url,
        "IOC_DATABASE_URL": settings.ioc_database_url,
        "IOC_SECRET_KEY": settings.secret_key or "",
        "IOC_AUTO_INIT_DEMO": "false",
        **extra,
    }
    env.pop("IOC_DEBUG", None)
    return env


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _runs(store: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(store, timeout=30) as conn:
        return [(i, s) for i, s in conn.execute("SELECT id, status FROM refresh_run ORDER BY id")]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# --- two schedulers ------------------------------------------------------------------------------------


def test_two_schedulers_refresh_once(demo_copy: Settings, tmp_path: Path) -> None:
    store = tmp_path / "empty-ioc.sqlite3"  # no snapshot yet: both schedulers want to refresh at once
    settings = replace(demo_copy, ioc_database_url=new_store(f"sqlite:///{store}"))
    logs = [tmp_path / "scheduler-a.log", tmp_path / "scheduler-b.log"]
    procs = []
    for log in logs:
        with log.open("w") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "ioc_app", "scheduler"],
                    cwd=ROOT,
                    env=_env(settings),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    # Ctrl-C as at a terminal even when the tests run as a background job, which starts
                    # with SIGINT ignored (and Python leaves an ignored SIGINT ignored).
                    preexec_fn=_default_sigint,
                )
            )
    try:

        def both_decided() -> bool:
            return all("scheduled refresh" in log.read_text() for log in logs)

        _wait(both_decided, 120, "both schedulers to refresh or skip")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            proc.wait(timeout=30)
    texts = [log.read_text() for log in logs]
    refreshed = [t for t in texts if "scheduled refresh: snapshot" in t]
    skipped = [t for t in texts if "scheduled refresh skipped" in t]
    assert len(refreshed) == 1 and len(skipped) == 1, texts
    assert _runs(store) == [(1, "ok")]


# --- SIGKILL ---------------------------------------------------------------------------------------------


def _fingerprint(store: Path, run_id: int) -> tuple[int, ...]:
    """Row counts and sums of one snapshot's tables."""
    with sqlite3.connect(store, timeout=30) as conn:
        found = []
        for table in ("kpi_snapshot", "kpi_institution"):
            found += conn.execute(
                f"SELECT count(*), coalesce(sum(numerator), 0), coalesce(sum(denominator), 0) FROM {table} "
                "WHERE refresh_id = ?",
                (run_id,),
            ).fetchone()
        found += conn.execute("SELECT count(*) FROM snapshot_rule WHERE refresh_id = ?", (run_id,)).fetchone()
        return tuple(found)


def _writing(store: Path) -> bool:
    """Whether another connection holds the store's write lock (the refresh's transaction is open)."""
    conn = sqlite3.connect(store, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


@pytest.mark.parametrize("when", ["computing", "writing"])
def test_sigkill_mid_refresh_loses_nothing(when: str, demo_copy: Settings) -> None:
    store = _path(demo_copy.ioc_database_url)
    previous = snapshots.latest_run(make_engine(demo_copy.ioc_database_url))
    assert previous is not None
    before = _fingerprint(store, previous.id)
    assert before[0] > 0
    refresh = subprocess.Popen(
        [sys.executable, "-m", "ioc_app", "refresh"],
        cwd=ROOT,
        env=_env(demo_copy),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: any(s == "running" for _, s in _runs(store)), 120, "the refresh to start")
        if when == "writing":
            _wait(lambda: _writing(store), 120, "the refresh's write transaction")
        os.kill(refresh.pid, signal.SIGKILL)
    finally:
        refresh.wait(timeout=30)
    assert refresh.returncode == -signal.SIGKILL

    killed = [i for i, s in _runs(store) if s == "running"]
    assert len(killed) == 1
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ioc = make_engine(demo_copy.ioc_database_url)
    assert snapshots.latest_run(ioc) == previous
    assert _fingerprint(store, previous.id) == before  # the previous snapshot, whole
    assert _fingerprint(store, killed[0]) == (0, 0, 0, 0, 0, 0, 0)  # nothing of the killed one
    assert snapshots.current(ioc) is not None

    # The killed process's lease lapses (here at once, rather than after IOC_REFRESH_LEASE_SECONDS).
    with ioc.begin() as conn:
        conn.execute(update(JobLease).values(expires_at=dt.datetime(2000, 1, 1)))
    again = cli_runner.run_cli(["refresh"], env=_env(demo_copy), cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr
    runs = dict(_runs(store))
    assert runs[killed[0]] == "abandoned" and runs[max(runs)] == "ok"
    assert snapshots.latest_run(ioc).id == max(runs)  # type: ignore[union-attr]
    ioc.dispose()


# --- the lease ---------------------------------------------------------------------------------------------


def test_the_lease_is_one_holders_and_lapses(demo_copy: Settings) -> None:
    engine = make_engine(demo_copy.ioc_database_url)
    assert job_lease.try_acquire(engine, "job", "a", 0.5)
    assert not job_lease.try_acquire(engine, "job", "b", 0.5)
    assert job_lease.try_acquire(engine, "job", "a", 0.5)  # its own holder renews
    assert job_lease.current_holder(engine, "job").holder == "a"  # type: ignore[union-attr]
    time.sleep(0.6)
    assert job_lease.current_holder(engine, "job") is None  # a killed holder's lease lapses
    assert job_lease.try_acquire(engine, "job", "b", 0.5)
    assert not job_lease.renew(engine, "job", "a", 0.5)
    job_lease.release(engine, "job", "b")
    with job_lease.held(engine, "job", 0.3) as ours:
        assert ours is not None
        time.sleep(0.5)  # renewed meanwhile
        assert job_lease.current_holder(engine, "job") is not None
        with job_lease.held(engine, "job", 0.3) as second:
            assert second is None
    assert job_lease.current_holder(engine, "job") is None  # released
    engine.dispose()


def test_the_lease_on_postgresql(pg_url: str) -> None:
    engine = make_engine(new_store(pg_url))
    assert job_lease.try_acquire(engine, "job", "a", 30)
    assert not job_lease.try_acquire(engine, "job", "b", 30)
    job_lease.release(engine, "job", "a")
    assert job_lease.try_acquire(engine, "job", "b", 30)
    engine.dispose()


def test_a_refresh_command_while_another_runs_is_refused(
    demo_copy: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in _env(demo_copy).items():
        monkeypatch.setenv(key, value)
    engine = make_engine(demo_copy.ioc_database_url)
    assert job_lease.try_acquire(engine, job_lease.REFRESH, "scheduler-elsewhere", 60)
    runs = _runs(_path(demo_copy.ioc_database_url))
    assert main(["refresh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: another refresh is running (scheduler-elsewhere until ")
    assert _runs(_path(demo_copy.ioc_database_url)) == runs  # nothing recorded, nothing computed
    engine.dispose()


def test_retries_with_backoff_record_every_attempt(demo_copy: Settings) -> None:
    from ioc_app.scheduler import refresh_job

    vet = _path(demo_copy.vet_database_url)
    aside = vet.with_name("vet.aside")
    vet.rename(aside)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            aside.rename(vet)  # back before the third attempt

    settings = replace(demo_copy, refresh_retries=3, refresh_retry_seconds=5, snapshot_refresh_minutes=0)
    result = refresh_job(settings, sleep=sleep)
    assert result is not None and result.status == "ok"
    assert slept == [5, 10]
    statuses = [s for _, s in _runs(_path(demo_copy.ioc_database_url))]
    assert statuses[-3:] == ["failed", "failed", "ok"]
    with sqlite3.connect(_path(demo_copy.ioc_database_url)) as conn:
        rows = conn.execute(
            "SELECT started_at, finished_at, rows, error FROM refresh_run ORDER BY id DESC LIMIT 3"
        ).fetchall()
    ok, failed = rows[0], rows[1]
    assert ok[1] >= ok[0] and ok[2] > 0 and ok[3] is None
    assert failed[1] >= failed[0] and failed[2] == 0 and "unable to open database file" in failed[3]


def test_a_refresh_whose_lease_was_taken_writes_nothing(demo_copy: Settings) -> None:
    from ioc_app.services import Services

    services = Services.from_settings(demo_copy)
    previous = snapshots.latest_run(services.ioc_engine)
    assert job_lease.try_acquire(services.ioc_engine, job_lease.REFRESH, "the-successor", 60)
    paused = job_lease.Lease(job_lease.REFRESH, "paused-past-its-lease")
    result = snapshots.refresh(services.vet_engine, services.ioc_engine, trigger="test", confirm=paused.confirm)
    assert result.status == "failed" and result.error.startswith("LeaseLost")  # type: ignore[union-attr]
    assert snapshots.latest_run(services.ioc_engine) == previous
    assert _fingerprint(_path(demo_copy.ioc_database_url), result.run_id) == (0, 0, 0, 0, 0, 0, 0)
    services.dispose()
