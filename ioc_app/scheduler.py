"""Scheduled snapshot refresh (APScheduler).

Runs once per deployment, never per web worker: either embedded in the single-process server
(``python app.py``) or as its own process (``python -m ioc_app scheduler``) beside gunicorn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from ioc_app.services import Services
from ioc_app.settings import Settings
from ioc_app.snapshots import RefreshResult, latest_run, refresh

log = logging.getLogger(__name__)
JOB_ID = "snapshot-refresh"


def refresh_job(settings: Settings, on_refreshed: Callable[[], object] | None = None) -> RefreshResult:
    """One refresh with fresh connections (the job may run in another thread or process).

    ``on_refreshed`` runs after a successful refresh: the embedded scheduler uses it to load the
    new snapshot into the web process's memory, so no user waits for that load.
    """
    services = Services.from_settings(settings)
    try:
        result = refresh(services.vet_engine, services.ioc_engine, trigger="scheduler", rules=settings.counting_rules)
    finally:
        services.dispose()
    if result.status == "ok":
        log.info("scheduled refresh: snapshot %s, %s figures, %.1f s", result.run_id, result.rows, result.seconds)
        if on_refreshed is not None:
            on_refreshed()
    else:
        log.error("scheduled refresh failed: %s", result.error)
    return result


def configure(
    scheduler: BaseScheduler, settings: Settings, on_refreshed: Callable[[], object] | None = None
) -> BaseScheduler:
    """Add the refresh job: every ``snapshot_refresh_minutes``, at most one at a time, missed runs merged."""
    first_run = _first_run_time(settings)
    scheduler.add_job(
        refresh_job,
        "interval",
        minutes=settings.snapshot_refresh_minutes,
        args=[settings, on_refreshed],
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=first_run,
        replace_existing=True,
    )
    return scheduler


def _first_run_time(settings: Settings) -> dt.datetime:
    """Now if the newest snapshot is older than one period, else when it falls due."""
    services = Services.from_settings(settings)
    try:
        run = latest_run(services.ioc_engine)
    finally:
        services.dispose()
    now = dt.datetime.now()
    if run is None:
        return now
    finished_local = run.finished_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    return max(now, finished_local + dt.timedelta(minutes=settings.snapshot_refresh_minutes))


def start_background(settings: Settings, on_refreshed: Callable[[], object] | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(daemon=True)
    configure(scheduler, settings, on_refreshed)
    scheduler.start()
    return scheduler


def run_blocking(settings: Settings) -> None:
    scheduler = BlockingScheduler()
    configure(scheduler, settings)
    log.info("snapshot refresh every %s minutes", settings.snapshot_refresh_minutes)
    scheduler.start()
