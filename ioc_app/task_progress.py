"""Reported progress of the focus tasks: dated reports with their source, kept in the IOC store.

The decision's appendix gives each task a period, nothing more; whether a task was carried out is
known only from progress reports (a ministry's report, an official letter). A report is recorded
with the date it refers to and its source, and is never edited: a correction is a new report.

Reading is "as of" a date, like every figure of the dashboard: at date d a task shows its latest
report dated on or before d (for one date, the one recorded last), so a report dated after the
page's data date is not shown at that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ioc_app import snapshots
from ioc_app.focus_tasks import (
    COMPLETED,
    NOT_STARTED,
    REPORTED_STATES,
    TASKS,
    ProgressReport,
    TaskState,
    task_by_number,
    task_states,
)
from ioc_app.store import TaskProgressReport

# A report refers to the programme's work, which starts with the decision.
DECISION_DATE = dt.date(2021, 12, 30)
SOURCE_MAX = 300  # the column's width


class ReportError(ValueError):
    """A report that cannot be recorded; the message says why, in one line."""


@dataclass(frozen=True)
class TasksView:
    """What the tasks page shows: every task at the page's data date, with its latest report then."""

    as_of: dt.date
    states: list[TaskState]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def check_report(
    task_id: str,
    state: str,
    reported_on: dt.date,
    source: str,
    percent: int | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, str, dt.date, str, int | None, str | None]:
    """The report's values, trimmed; ``ReportError`` for anything that cannot be recorded."""
    task_id = (task_id or "").strip()
    if task_by_number(task_id) is None:
        known = ", ".join(task.number for task in TASKS)
        raise ReportError(f"unknown task {task_id!r}; the decision's tasks are {known}")
    if state not in REPORTED_STATES:
        raise ReportError(f"unknown state {state!r}; one of {', '.join(REPORTED_STATES)}")
    today = today or dt.date.today()
    if reported_on < DECISION_DATE:
        raise ReportError(f"report date {reported_on.isoformat()} is before the decision (2021-12-30)")
    if reported_on > today:
        raise ReportError(f"report date {reported_on.isoformat()} is in the future (today is {today.isoformat()})")
    source = (source or "").strip()
    if not source:
        raise ReportError("a source is required: the document number or who reported")
    if len(source) > SOURCE_MAX:
        raise ReportError(f"the source is {len(source)} characters long; at most {SOURCE_MAX}")
    if percent is not None:
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ReportError(f"percent must be a whole number from 0 to 100, got {percent!r}")
        # A percentage that contradicts the state would put two claims on one line.
        if state == COMPLETED and percent != 100:
            raise ReportError(f"a completed task is 100 percent done, got {percent}")
        if state == NOT_STARTED and percent != 0:
            raise ReportError(f"a task not started is 0 percent done, got {percent}")
    note = (note or "").strip() or None
    return task_id, state, reported_on, source, percent, note


def record(
    ioc_engine: Engine,
    task_id: str,
    state: str,
    reported_on: dt.date,
    source: str,
    percent: int | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Check one report, then store it; nothing is written when the check fails."""
    task_id, state, reported_on, source, percent, note = check_report(
        task_id, state, reported_on, source, percent, note, today
    )
    row = TaskProgressReport(
        task_id=task_id,
        reported_on=reported_on,
        state=state,
        percent=percent,
        note=note,
        source=source,
        recorded_at=_now(),
    )
    with Session(ioc_engine) as s, s.begin():
        s.add(row)
        s.flush()
        return _report(row)


def _report(row: TaskProgressReport) -> ProgressReport:
    return ProgressReport(row.task_id, row.reported_on, row.state, row.percent, row.note, row.source, row.recorded_at)


def reports(ioc_engine: Engine, task_id: str | None = None) -> list[ProgressReport]:
    """Every recorded report (of one task if given), by task, date, then order of recording."""
    query = select(TaskProgressReport).order_by(
        TaskProgressReport.task_id,
        TaskProgressReport.reported_on,
        TaskProgressReport.recorded_at,
        TaskProgressReport.id,
    )
    if task_id is not None:
        query = query.where(TaskProgressReport.task_id == task_id)
    with Session(ioc_engine) as s:
        return [_report(row) for row in s.scalars(query)]


def latest_reports(ioc_engine: Engine, on: dt.date) -> dict[str, ProgressReport]:
    """Each task's latest report dated on or before ``on``; for one date, the one recorded last."""
    query = (
        select(TaskProgressReport)
        .where(TaskProgressReport.reported_on <= on)
        .order_by(TaskProgressReport.reported_on, TaskProgressReport.recorded_at, TaskProgressReport.id)
    )
    with Session(ioc_engine) as s:
        # The table holds a handful of rows per task: the last one per task in this order wins.
        return {row.task_id: _report(row) for row in s.scalars(query) if row.state in REPORTED_STATES}


def data_date(ioc_engine: Engine) -> dt.date:
    """The date the dashboard's figures refer to: the newest snapshot's data date, else today."""
    run = snapshots.latest_run(ioc_engine)
    return run.data_date if run is not None else dt.date.today()


def tasks_view(ioc_engine: Engine, on: dt.date | None = None) -> TasksView:
    """Every task at ``on`` (default: the data date) with its schedule status and latest report then."""
    day = on or data_date(ioc_engine)
    return TasksView(day, task_states(day, latest_reports(ioc_engine, day)))
