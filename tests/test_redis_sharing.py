"""Workers share through a real Redis (``redis-server``, started by the tests): a refresh announces its snapshot
and two gunicorn workers load it well within one poll interval; with Redis killed mid-run they keep answering
and the poll finds the next snapshot; per-snapshot results computed in one process are read by another (and
only when signed with the app's key); the sign-in limits count across workers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from ioc_app import memo, scorecard, shared_redis, snapshots
from ioc_app.settings import Settings
from tests import cli_runner
from tests.conftest import TEST_SECRET_KEY, copy_database
from tests.redis_server import RedisServer
from tests.wall import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_url(redis_srv: RedisServer) -> Iterator[str]:
    """The session's Redis, running and empty; whatever a test did to it is undone for the next."""
    if redis_srv.process is None:
        redis_srv.start()
    redis_srv.flush()
    yield redis_srv.url
    if redis_srv.process is None:
        redis_srv.start()


@pytest.fixture
def demo_copy(small_demo: Settings, tmp_path: Path) -> Settings:
    vet = copy_database(small_demo.vet_database_url, tmp_path, "vet")
    ioc = copy_database(small_demo.ioc_database_url, tmp_path, "ioc")
    return replace(small_demo, vet_database_url=vet, ioc_database_url=ioc)


def _env(settings: Settings, redis_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "VET_DATABASE_URL": settings.vet_database_url,
        "IOC_DATABASE_URL": settings.ioc_database_url,
        "IOC_SECRET_KEY": TEST_SECRET_KEY,
        "IOC_AUTO_INIT_DEMO": "false",
        "IOC_LOG_FORMAT": "text",
        "REDIS_URL": redis_url,
        **extra,
    }
    env.pop("IOC_DEBUG", None)
    return env


@dataclass
class Worker:
    base: str
    log: Path

    def health(self) -> dict[str, Any]:
        return requests.get(self.base + "/healthz", timeout=60).json()  # type: ignore[no-any-return]

    def snapshot_id(self) -> int | None:
        found = self.health()["snapshot"]
        return found["id"] if found else None


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until ``condition()`` holds; AssertionError after ``seconds``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - start


@contextmanager
def _two_workers(settings: Settings, redis_url: str, folder: Path, **extra: str) -> Iterator[list[Worker]]:
    """Two gunicorn servers of one worker each (gunicorn.conf.py), so each worker can be asked by itself."""
    procs, workers = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = folder / f"worker-{name}.log"
            env = _env(settings, redis_url, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", **extra)
            with log.open("w") as out:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "app:server"],
                        cwd=ROOT,
                        env={**env, "GUNICORN_THREADS": "4"},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            workers.append(Worker(f"http://127.0.0.1:{port}", log))
        for worker in workers:

            def serving(worker: Worker = worker) -> bool:
                try:
                    return bool(worker.health()["redis"]["listening"])
                except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
                    return False

            _wait(serving, 120, f"{worker.base} to serve and listen on Redis")
        yield workers
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def _refresh(settings: Settings, redis_url: str) -> int:
    """``python -m ioc_app refresh`` in a process of its own, as an operator runs it; the new snapshot's id."""
    done = cli_runner.run_cli(["refresh"], env=_env(settings, redis_url), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    found = re.search(r"snapshot (\d+):", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


# Longer than the test runs: a worker that loads the new snapshot in time heard of it through Redis.
POLL_SECONDS = 600


def test_two_workers_load_an_announced_snapshot_well_within_one_poll(
    demo_copy: Settings, redis_url: str, tmp_path: Path
) -> None:
    with _two_workers(demo_copy, redis_url, tmp_path, IOC_SNAPSHOT_CHECK_SECONDS=str(POLL_SECONDS)) as workers:
        before = {w.snapshot_id() for w in workers}
        new_id = _refresh(demo_copy, redis_url)
        assert before == {new_id - 1}
        # The workers ask the store for a newer snapshot only every POLL_SECONDS: only the announcement
        # can bring it to them sooner.
        took = _wait(lambda: all(w.snapshot_id() == new_id for w in workers), 60, "both to serve it")
    logs = [w.log.read_text() for w in workers]
    assert all(f"snapshot {new_id} loaded" in text for text in logs), logs
    print(f"both workers served snapshot {new_id} {took:.2f} s after the refresh command ended")


def test_the_scheduled_refresh_announces_its_snapshot(demo_copy: Settings, redis_url: str) -> None:
    from ioc_app import scheduler

    listener = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    listener.subscribe(shared_redis.CHANNEL)
    # A period of 0 minutes: the demo's snapshot, made moments ago, does not make this run a duplicate.
    settings = replace(demo_copy, redis_url=redis_url, refresh_retries=0, snapshot_refresh_minutes=0)
    result = scheduler.refresh_job(settings)
    assert result is not None and result.status == "ok", result
    deadline, message = time.monotonic() + 10, None
    while message is None and time.monotonic() < deadline:  # None also for the subscription's own reply
        message = listener.get_message(timeout=1)
    listener.close()
    assert message is not None and message["data"] == str(result.run_id).encode(), message


def test_without_redis_the_workers_answer_and_the_poll_finds_new_snapshots(
    demo_copy: Settings, redis_url: str, redis_srv: RedisServer, tmp_path: Path
) -> None:
    poll = 2
    with _two_workers(demo_copy, redis_url, tmp_path, IOC_SNAPSHOT_CHECK_SECONDS=str(poll)) as workers:
        redis_srv.stop()
        for worker in workers:
            body = worker.health()
            assert body["status"] == "ok" and body["redis"]["reachable"] is False, body
            assert requests.get(worker.base + "/login", timeout=30).status_code == 200
        new_id = _refresh(demo_copy, redis_url)  # its announcement goes nowhere
        # The workers' own requests ask the store every `poll` seconds; the load takes the rest.
        _wait(lambda: all(w.snapshot_id() == new_id for w in workers), poll + 20, "the poll to find it")
        for worker in workers:
            with requests.Session() as browser:
                assert _sign_in_attempt(browser, worker.base) == 401  # the limiter counts in memory meanwhile

        redis_srv.start()
        _wait(lambda: all(w.health()["redis"]["listening"] for w in workers), 60, "the listeners to reconnect")
    for worker in workers:
        text = worker.log.read_text()
        assert text.count("is unreachable") == 1, text  # one warning per outage, however many calls failed
        assert "Traceback" not in text, text
        assert "answers again" in text, text


def _sign_in_attempt(browser: requests.Session, base: str, username: str = "nobody") -> int:
    """One sign-in with a wrong password through the real form: 401, or 429 once the limit is reached."""
    page = browser.get(base + "/login", timeout=30).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    data = {"username": username, "password": "wrong password!", "csrf_token": found.group(1)}
    return browser.post(base + "/login", data=data, timeout=30, allow_redirects=False).status_code


def test_sign_in_limits_count_across_workers(demo_copy: Settings, redis_url: str, tmp_path: Path) -> None:
    limit = 3
    with (
        _two_workers(demo_copy, redis_url, tmp_path, IOC_LOGIN_LIMIT_ADDRESS=f"{limit}/minute") as workers,
        requests.Session() as one,
        requests.Session() as other,
    ):
        browsers = [(one, workers[0].base), (other, workers[1].base)]
        codes = [_sign_in_attempt(*browsers[i % 2], username=f"nobody.{i}") for i in range(limit + 2)]
    # Each worker alone saw at most `limit` attempts; together they saw more, and refused them.
    assert codes[:limit] == [401] * limit and codes[limit:] == [429, 429], codes


def test_an_app_whose_redis_is_down_at_start_serves(small_demo: Settings, caplog: pytest.LogCaptureFixture) -> None:
    from ioc_app import create_app
    from tests.conftest import sign_in

    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(replace(small_demo, redis_url=nowhere))
    try:
        client = app.server.test_client()
        started = time.monotonic()
        for _ in range(3):
            resp = client.get("/healthz")
            assert resp.status_code == 200, resp.get_json()
            assert resp.get_json()["redis"]["reachable"] is False
        assert sign_in(client, "nobody", "wrong password!").status_code == 401  # limits counted in memory
        snap = snapshots.current(app.server.config["IOC_SERVICES"].ioc_engine)
        assert snap is not None and scorecard.scorecard(snap).units  # computed here
        assert time.monotonic() - started < 10
        warnings = [r for r in caplog.records if r.name == shared_redis.__name__ and r.levelname == "WARNING"]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
    finally:
        memo.share_through(None)
        memo.clear_all()
        shared_redis._links.pop(nowhere, None)


# --- shared per-snapshot results ---------------------------------------------------------------------------


@pytest.fixture
def sharing(redis_url: str) -> Iterator[str]:
    memo.share_through(shared_redis.link(redis_url), TEST_SECRET_KEY)
    memo.clear_all()
    yield redis_url
    memo.share_through(None)
    memo.clear_all()
    shared_redis._links.pop(redis_url, None)  # a link a test saw fail would leave Redis alone for a while


CHILD = textwrap.dedent(
    """
    import json
    import sys
    from data_sources.engine import make_engine
    from ioc_app import memo, scorecard, shared_redis, snapshots

    redis_url, ioc_url, secret = sys.argv[1:4]
    memo.share_through(shared_redis.link(redis_url), secret)
    computed = []
    build = scorecard.build_scorecard
    scorecard.build_scorecard = lambda *args: computed.append(1) or build(*args)
    snap = snapshots.current(make_engine(ioc_url))
    card = scorecard.scorecard(snap, "34", None, None)
    print(json.dumps([len(computed), repr(card)]))
    """
)


def _in_another_process(redis_url: str, ioc_url: str, secret: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, redis_url, ioc_url, secret],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    computed, card = json.loads(done.stdout.strip().splitlines()[-1])
    return computed, card


def test_a_result_computed_in_one_process_is_read_by_another(sharing: str, small_demo: Settings) -> None:
    from data_sources.engine import make_engine

    engine = make_engine(small_demo.ioc_database_url)
    try:
        snap = snapshots.current(engine)
        assert snap is not None
        card = scorecard.scorecard(snap, "34", None, None)
    finally:
        engine.dispose()
    computed, read = _in_another_process(sharing, small_demo.ioc_database_url, TEST_SECRET_KEY)
    assert (computed, read) == (0, repr(card))  # read from Redis, not computed again, and the same
    # A process with another key does not trust the value: it computes its own (the same figures).
    computed, own = _in_another_process(sharing, small_demo.ioc_database_url, "another-secret-key-0123456789")
    assert (computed, own) == (1, repr(card))


def test_a_value_not_signed_with_the_key_or_too_big_is_not_used(sharing: str, snap: snapshots.Snapshot) -> None:
    client = redis.Redis.from_url(sharing)
    kept = memo.SnapshotMemo("test shared", size=8, shared=True)
    assert kept.get(snap, "k", lambda: "computed") == "computed"
    (key,) = client.keys("ioc:memo:*:test shared:*")
    client.set(key, b"\x00" * 32 + b"forged")  # what anyone able to write to Redis could put there
    kept.clear()
    assert kept.get(snap, "k", lambda: "computed again") == "computed again"

    client.flushall()
    small = memo.MAX_SHARED_BYTES
    try:
        memo.MAX_SHARED_BYTES = 100
        kept.clear()
        assert kept.get(snap, "big", lambda: "x" * 1000) == "x" * 1000
        assert kept.get(snap, "small", lambda: "x") == "x"
    finally:
        memo.MAX_SHARED_BYTES = small
    assert len(client.keys("ioc:memo:*")) == 1  # only the small one was shared
    client.close()


def test_a_memo_serves_on_when_redis_goes_away(
    sharing: str, redis_srv: RedisServer, snap: snapshots.Snapshot, caplog: pytest.LogCaptureFixture
) -> None:
    kept = memo.SnapshotMemo("test outage", size=8, shared=True)
    redis_srv.stop()
    started = time.monotonic()
    values = [kept.get(snap, i, lambda i=i: i * 2) for i in range(50)]
    assert values == [i * 2 for i in range(50)]
    assert time.monotonic() - started < 5  # one failed call, then Redis is left alone for a while
    warnings = [r for r in caplog.records if r.name == shared_redis.__name__ and r.levelname == "WARNING"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
