"""Scheduled snapshot refresh (APScheduler).

Runs once per deployment, never per web worker: either embedded in the single-process server
(``python app.py``), which hands each refresh to a child process so the web process never holds a
refresh's memory, or as its own process (``python -m ioc_app scheduler``) beside gunicorn. A lease
in the IOC store (``ioc_app.job_lease``) keeps a second scheduler started by mistake, or a
``refresh`` command run meanwhile, from refreshing at the same time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from ioc_app import alert_jobs, child_jobs, job_lease, logs, shared_redis
from ioc_app.services import Services
from ioc_app.settings import Settings
from ioc_app.snapshots import RefreshResult, abandon_unfinished, latest_run, refresh

log = logging.getLogger(__name__)
JOB_ID = "snapshot-refresh"
ALERT_JOB_ID = "alert-check"


def refresh_job(
    settings: Settings,
    on_refreshed: Callable[[], object] | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> RefreshResult | None:
    """One scheduled refresh, with fresh connections (the job may run in another thread or process).

    Under the refresh lease, so two schedulers started by mistake never both refresh: the one that
    does not get it skips, and so does one that gets it after another has just refreshed. A failed
    attempt is retried ``refresh_retries`` times, after 1, 2, 4 ... x ``refresh_retry_seconds``;
    every attempt is recorded as a run. None when the job was skipped.

    ``on_refreshed`` runs after a successful refresh (in this process).
    """
    services = Services.from_settings(settings)
    try:
        with job_lease.held(services.ioc_engine, job_lease.REFRESH, settings.refresh_lease_seconds) as lease:
            if lease is None:
                holder = job_lease.current_holder(services.ioc_engine, job_lease.REFRESH)
                log.info(
                    "scheduled refresh skipped: %s holds the refresh lease", holder.holder if holder else "another"
                )
                return None
            abandoned = abandon_unfinished(services.ioc_engine)
            if abandoned:
                log.warning("runs %s were interrupted (their process stopped): marked abandoned", abandoned)
            if _recent(services, settings):
                log.info("scheduled refresh skipped: another process refreshed the snapshot moments ago")
                return None
            result = _with_retries(services, settings, lease, sleep)
    finally:
        services.dispose()
    if result.status == "ok":
        log.info("scheduled refresh: snapshot %s, %s figures, %.1f s", result.run_id, result.rows, result.seconds)
        shared_redis.announce(settings.redis_url, result.run_id)  # the web workers load it at once
        if on_refreshed is not None:
            on_refreshed()
        alert_jobs.after_refresh(settings)
    else:
        log.error("scheduled refresh failed after %s attempts: %s", settings.refresh_retries + 1, result.error)
    return result


def _with_retries(
    services: Services, settings: Settings, lease: job_lease.Lease, sleep: Callable[[float], object]
) -> RefreshResult:
    attempt = 0
    while True:
        result = refresh(
            services.vet_engine,
            services.ioc_engine,
            trigger="scheduler",
            rules=settings.counting_rules,
            confirm=lease.confirm,
        )
        if result.status == "ok" or attempt >= settings.refresh_retries:
            return result
        delay = settings.refresh_retry_seconds * 2**attempt
        attempt += 1
        log.warning("refresh attempt %s failed (%s); trying again in %s s", attempt, result.error, delay)
        sleep(delay)


def _recent(services: Services, settings: Settings) -> bool:
    """Whether the newest snapshot is less than half a period old: then this run is a duplicate."""
    run = latest_run(services.ioc_engine)
    if run is None:
        return False
    age = dt.datetime.now(dt.UTC).replace(tzinfo=None) - run.finished_at
    return age < dt.timedelta(minutes=settings.snapshot_refresh_minutes / 2)


def refresh_job_in_child(
    settings: Settings, on_refreshed: Callable[[], object] | None = None
) -> child_jobs.ChildRefresh:
    """``refresh_job`` in a child process (the embedded scheduler's job), then ``on_refreshed`` here: the
    embedded server uses it to load the new snapshot into its memory in the background, so no user waits."""
    done = child_jobs.refresh(settings)
    if done.result is not None and done.result.status == "ok" and on_refreshed is not None:
        on_refreshed()
    return done


def configure(
    scheduler: BaseScheduler,
    settings: Settings,
    on_refreshed: Callable[[], object] | None = None,
    in_child: bool = False,
) -> BaseScheduler:
    """Add the refresh job: every ``snapshot_refresh_minutes``, at most one at a time, missed runs merged;
    with ``in_child`` each refresh runs in a child process."""
    first_run = _first_run_time(settings)
    scheduler.add_job(
        refresh_job_in_child if in_child else refresh_job,
        "interval",
        minutes=settings.snapshot_refresh_minutes,
        args=[settings, on_refreshed],
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=first_run,
        replace_existing=True,
    )
    # The rules that need no new snapshot (no successful refresh for hours, no submission) are checked on a
    # timer of their own, so they are raised even while every refresh fails.
    scheduler.add_job(
        alert_jobs.on_timer,
        "interval",
        minutes=settings.alert_check_minutes,
        args=[settings],
        id=ALERT_JOB_ID,
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    logs.watch_jobs(scheduler)
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
    """The scheduler embedded in the web process: its refreshes run in child processes."""
    scheduler = BackgroundScheduler(daemon=True)
    configure(scheduler, settings, on_refreshed, in_child=True)
    scheduler.start()
    return scheduler


def run_blocking(settings: Settings) -> None:
    scheduler = BlockingScheduler()
    configure(scheduler, settings)
    log.info("snapshot refresh every %s minutes", settings.snapshot_refresh_minutes)
    scheduler.start()
