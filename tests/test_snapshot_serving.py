"""Serving the snapshot from memory: one per process, the previous one and its memos dropped when a new one
is loaded (in the background in a web process), no schema work per read, the embedded scheduler's refresh
in another process, and heavy requests in a lane of their own while cheap ones pass."""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from dataclasses import replace
from pathlib import Path

import pytest
from dash import Dash, Input, Output, html
from sqlalchemy import Engine, event

from data_sources.engine import make_engine
from ioc_app import child_jobs, memo, request_lanes, scheduler, snapshots
from ioc_app.settings import Settings
from tests.conftest import copy_database


@pytest.fixture
def demo_copy(small_demo: Settings, tmp_path: Path) -> Settings:
    vet = copy_database(small_demo.vet_database_url, tmp_path, "vet")
    return replace(
        small_demo, vet_database_url=vet, ioc_database_url=copy_database(small_demo.ioc_database_url, tmp_path, "ioc")
    )


@pytest.fixture
def engines(demo_copy: Settings):
    vet, ioc = make_engine(demo_copy.vet_database_url), make_engine(demo_copy.ioc_database_url)
    yield vet, ioc
    vet.dispose()
    ioc.dispose()


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(str(args[2])))
    return seen


def test_a_new_snapshot_replaces_the_old_one_and_its_memos(engines) -> None:
    vet, ioc = engines
    first = snapshots.current(ioc)
    assert first is not None and snapshots.served() is first
    kept = memo.SnapshotMemo("test-serving", size=4)
    assert kept.get(first, "k", lambda: 1) == 1 and len(kept) == 1

    assert snapshots.refresh(vet, ioc, trigger="test").status == "ok"
    second = snapshots.current(ioc)
    assert second is not None and second.run.id > first.run.id
    assert snapshots.served() is second and snapshots.current(ioc) is second  # loaded once
    assert len(kept) == 0  # what was computed from the first one went with it

    gone = weakref.ref(first)
    del first
    gc.collect()
    assert gone() is None  # nothing in the process holds the previous snapshot any more


def test_a_read_of_the_served_snapshot_is_one_select_and_no_schema_work(engines, monkeypatch) -> None:
    _vet, ioc = engines
    assert snapshots.current(ioc) is not None
    seen = _statements(ioc)
    assert snapshots.current(ioc) is not None
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT"), seen

    # Serving from memory, the store is asked at most every CHECK_SECONDS.
    monkeypatch.setattr(snapshots._served, "background", True)
    monkeypatch.setattr(snapshots, "CHECK_SECONDS", 3600)
    seen.clear()
    for _ in range(5):
        assert snapshots.current(ioc) is not None
        assert snapshots.latest_run(ioc) is not None
    assert seen == []


def test_a_web_process_keeps_serving_while_it_loads_the_new_snapshot(engines, monkeypatch) -> None:
    vet, ioc = engines
    old = snapshots.current(ioc)
    assert old is not None
    monkeypatch.setattr(snapshots._served, "background", True)
    monkeypatch.setattr(snapshots, "CHECK_SECONDS", 0.0)
    release = threading.Event()
    read = snapshots._read

    def slow_read(engine: Engine, run: snapshots.RunInfo) -> snapshots.Snapshot:
        release.wait(30)
        return read(engine, run)

    monkeypatch.setattr(snapshots, "_read", slow_read)
    new_run = snapshots.refresh(vet, ioc, trigger="test").run_id

    # The new snapshot is loading: requests get the previous one, and the freshness they show matches it.
    assert snapshots.current(ioc) is old
    assert snapshots.latest_run(ioc) == old.run
    release.set()
    deadline = time.monotonic() + 30
    while (served := snapshots.current(ioc)) is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served is not None and served.run.id == new_run
    assert snapshots.latest_run(ioc) == served.run


def test_the_embedded_scheduler_refreshes_in_a_child_process(demo_copy: Settings) -> None:
    loaded: list[int] = []
    # A period of 0 minutes: the demo's snapshot, made moments ago, does not make this run a duplicate.
    settings = replace(demo_copy, refresh_retries=0, snapshot_refresh_minutes=0)
    done = scheduler.refresh_job_in_child(settings, lambda: loaded.append(os.getpid()))
    assert done.pid != os.getpid()
    assert done.result is not None and done.result.status == "ok", done.result
    ioc = make_engine(demo_copy.ioc_database_url)
    try:
        assert snapshots.newest_run(ioc).id == done.result.run_id  # type: ignore[union-attr]
    finally:
        ioc.dispose()
    assert loaded == [os.getpid()]  # then the web process loads it, here

    from apscheduler.schedulers.background import BackgroundScheduler

    job = scheduler.configure(BackgroundScheduler(), demo_copy, in_child=True).get_job(scheduler.JOB_ID)
    assert job.func is scheduler.refresh_job_in_child


def test_a_first_run_that_cannot_start_stops_with_the_child_s_status(demo_copy: Settings, tmp_path: Path) -> None:
    # SQLite: a VET file that does not exist.
    missing = replace(demo_copy, vet_database_url=f"sqlite:///{tmp_path / 'absent.sqlite3'}", auto_init_demo=False)
    status, outcome = child_jobs.run(child_jobs.FIRST_RUN, missing)
    assert status == 2 and outcome["status"] == 2 and outcome["pid"] != os.getpid()


def test_heavy_requests_take_one_lane_and_cheap_ones_pass() -> None:
    app = Dash("lanes")
    app.layout = html.Div([html.Button(id="light-in"), html.Div(id="light"), html.Div(id="heavy")])
    running, most, started, release = [0], [0], threading.Event(), threading.Event()
    lock = threading.Lock()

    @app.callback(Output("light", "children"), Input("light-in", "n_clicks"))
    def light(n: int | None) -> str:
        return "light"

    @app.callback(Output("heavy", "children"), Input("light-in", "n_clicks"))
    def heavy(n: int | None) -> str:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        started.set()
        release.wait(10)
        with lock:
            running[0] -= 1
        return "heavy"

    request_lanes.register(app, {"light"})
    client = app.server.test_client()

    def body(output: str) -> dict:
        return {
            "output": f"{output}.children",
            "outputs": {"id": output, "property": "children"},
            "inputs": [{"id": "light-in", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["light-in.n_clicks"],
        }

    def post(output: str) -> int:
        return app.server.test_client().post("/_dash-update-component", json=body(output)).status_code

    heavies = [threading.Thread(target=post, args=("heavy",)) for _ in range(3)]
    for t in heavies:
        t.start()
    assert started.wait(10)
    # A heavy request is running and two wait for the lane: the light one is answered at once.
    assert client.post("/_dash-update-component", json=body("light")).status_code == 200
    release.set()
    for t in heavies:
        t.join(10)
    assert most[0] == 1
