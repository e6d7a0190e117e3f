"""How the processes log: one JSON object per line for the log collector, or readable lines for a person.

``configure`` sets the root logger once per process (the server, a gunicorn worker, the scheduler). Request
lines come from ``ioc_app.metrics`` (logger ``ioc.request``), job lines from ``ioc_app.scheduler``
(logger ``ioc.job``); their fields go in ``extra`` so that JSON carries them as keys.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any, Final, TextIO

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.schedulers.base import BaseScheduler
from pythonjsonlogger.json import JsonFormatter

REQUEST_LOGGER: Final = "ioc.request"
JOB_LOGGER: Final = "ioc.job"
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]  # StreamHandler is generic only in typeshed
    """Marks the handler this module added, so a second ``configure`` replaces it rather than doubling lines."""


def configure(log_format: str = "auto", stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Send every record at ``level`` or above to ``stream`` (stderr) as JSON lines or text lines."""
    out = stream or sys.stderr
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(handler)
    handler = _Handler(out)
    as_json = log_format == "json" or (log_format == "auto" and not _is_terminal(out))
    if as_json:
        handler.setFormatter(
            JsonFormatter(
                "{levelname}{name}{message}",
                style="{",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",  # ISO 8601, UTC
                json_ensure_ascii=False,  # Vietnamese names stay readable in the log
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its per-check chatter is not an event


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def log_job_event(event: JobEvent) -> None:
    """One line per scheduled job run (an APScheduler listener): which job, how it ended, how long it took."""
    fields: dict[str, Any] = {"event": "job", "job": event.job_id}
    level = logging.INFO
    if isinstance(event, JobExecutionEvent):
        fields["seconds"] = round((dt.datetime.now(dt.UTC) - event.scheduled_run_time).total_seconds(), 1)
        if event.exception is not None:
            fields["outcome"] = "error"
            fields["error"] = f"{type(event.exception).__name__}: {event.exception}"
            level = logging.ERROR
        elif event.code == EVENT_JOB_MISSED:
            fields["outcome"] = "missed"
            level = logging.WARNING
        else:
            fields.update(_job_result(event.retval))
            if fields["outcome"] == "failed":
                level = logging.ERROR
    logging.getLogger(JOB_LOGGER).log(level, "job %s: %s", event.job_id, fields.get("outcome", "?"), extra=fields)


def _job_result(retval: object) -> dict[str, Any]:
    """What a job's return value says: a refresh's run, status and size; an alert check's counts; None: skipped.
    (Read by attribute: this module sits below the jobs it describes.)"""
    if retval is None:
        return {"outcome": "skipped"}
    status = getattr(retval, "status", None)
    if status is not None:  # a snapshot refresh
        return {
            "outcome": status,
            "run_id": getattr(retval, "run_id", None),
            "rows": getattr(retval, "rows", None),
            "refresh_seconds": round(float(getattr(retval, "seconds", 0.0)), 1),
            "error": getattr(retval, "error", None),
        }
    raised = getattr(retval, "raised", None)
    if raised is not None:  # an alert check
        return {
            "outcome": "ok",
            "raised": len(raised),
            "cleared": len(getattr(retval, "cleared", ())),
            "kept": getattr(retval, "kept", None),
        }
    return {"outcome": "ok"}


def watch_jobs(scheduler: BaseScheduler) -> None:
    """Log every job run of ``scheduler``, whatever became of it."""
    scheduler.add_listener(log_job_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
