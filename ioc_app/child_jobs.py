"""The heavy jobs of the single-process server, run in a child process: ``python -m ioc_app.child_jobs JOB``.

A refresh reads every learner row and a first run builds the national demo: each takes hundreds of
megabytes that a Python process keeps once it has them. In a child they go back to the system when
it ends, so the web process (``python app.py``) stays at the size of the app and one snapshot.

The parent passes its settings as JSON on stdin (they may differ from the environment, e.g. the
port of ``serve --port``); the child logs to the inherited stderr and prints its outcome as one
JSON line on stdout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass

from ioc_app.settings import PROJECT_ROOT, Settings
from ioc_app.snapshots import RefreshResult

REFRESH = "refresh"
FIRST_RUN = "first-run"


@dataclass(frozen=True)
class ChildRefresh:
    """What a scheduled refresh in a child process did: its process id and result (None: skipped)."""

    pid: int
    result: RefreshResult | None


def run(job: str, settings: Settings) -> tuple[int, dict[str, object]]:
    """Run ``job`` in a child process with these settings: its exit status and the outcome it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "ioc_app.child_jobs", job],
        input=json.dumps(dataclasses.asdict(settings)),
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    return done.returncode, (json.loads(lines[-1]) if lines else {})


def refresh(settings: Settings) -> ChildRefresh:
    """``scheduler.refresh_job`` (lease, retries, alerts) in a child process."""
    status, outcome = run(REFRESH, settings)
    if status != 0 or "pid" not in outcome:
        raise RuntimeError(f"the refresh process ended with status {status}")
    found = outcome.get("result")
    result = None
    if isinstance(found, dict):
        date = found.get("data_date")
        result = RefreshResult(**{**found, "data_date": dt.date.fromisoformat(date) if date else None})
    pid = outcome["pid"]
    assert isinstance(pid, int)
    return ChildRefresh(pid, result)


def _refresh(settings: Settings) -> int:
    from ioc_app import scheduler

    result = scheduler.refresh_job(settings)
    found = dataclasses.asdict(result) if result is not None else None
    print(json.dumps({"pid": os.getpid(), "result": found}, default=str), flush=True)
    return 0


def _first_run(settings: Settings) -> int:
    from ioc_app import cli

    def prepare() -> int:
        cli.ensure_demo_data(settings)
        cli.ensure_snapshot(settings)
        return 0

    status = cli.one_line_errors(prepare)
    print(json.dumps({"pid": os.getpid(), "status": status}), flush=True)
    return status


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(**json.load(sys.stdin))
    jobs = {REFRESH: _refresh, FIRST_RUN: _first_run}
    if len(argv) != 1 or argv[0] not in jobs:
        print(f"usage: python -m ioc_app.child_jobs {{{','.join(jobs)}}}", file=sys.stderr)
        return 2
    return jobs[argv[0]](settings)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
