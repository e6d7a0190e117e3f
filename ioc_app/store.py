"""The IOC's own store (IOC_DATABASE_URL): snapshot refreshes, their per-cell figures, and focus-task progress reports.

The schema is made and changed only by the migrations in ``ioc_app/migrations``: a change to these
models needs a new revision there (``python scripts/new_revision.py "..."`` drafts it), and
tests/test_migrations.py fails until the models and the revisions agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class IocBase(DeclarativeBase):
    """Declarative base of the IOC store (separate from the VET management database)."""


class RefreshRun(IocBase):
    """One snapshot refresh: when, how long, and whether it succeeded (a failure keeps its error)."""

    __tablename__ = "refresh_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10))  # ok | failed
    trigger: Mapped[str] = mapped_column(String(20))  # cli | scheduler | first-run | test
    data_date: Mapped[dt.date | None] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class KpiSnapshot(IocBase):
    """Numerator and denominator of one series, at one period end, in one cell.

    A cell is (legacy province, institution type, ownership); '' stands for "not applicable"
    (national records such as milestones, or a province's own reports). Every scope's figure
    is a sum over cells, so this one table serves all scopes and dates.
    """

    __tablename__ = "kpi_snapshot"

    refresh_id: Mapped[int] = mapped_column(ForeignKey("refresh_run.id", ondelete="CASCADE"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    period_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province63: Mapped[str] = mapped_column(String(2), primary_key=True)
    inst_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    ownership: Mapped[str] = mapped_column(String(20), primary_key=True)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_kpi_snapshot_refresh_series", "refresh_id", "series"),)


class KpiInstitution(IocBase):
    """Each institution's own numerator and denominator per series at the snapshot's data date."""

    __tablename__ = "kpi_institution"

    refresh_id: Mapped[int] = mapped_column(ForeignKey("refresh_run.id", ondelete="CASCADE"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    institution_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)


class SnapshotRule(IocBase):
    """A counting rule a snapshot was computed with (data_sources.counting), so its figures say how."""

    __tablename__ = "snapshot_rule"

    refresh_id: Mapped[int] = mapped_column(ForeignKey("refresh_run.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TaskProgressReport(IocBase):
    """A dated progress report on one focus task of the decision's appendix, with its source.

    Rows are never updated: a correction is a new row, and for one task and date the one recorded
    last wins (``ioc_app.task_progress``). The checks repeat the core's validation so that a row
    written by other means cannot break the page.
    """

    __tablename__ = "task_progress_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(10))  # the task's number in ioc_app.focus_tasks, e.g. "2.1.2"
    reported_on: Mapped[dt.date] = mapped_column(Date)  # the date the progress refers to
    state: Mapped[str] = mapped_column(String(20))  # not_started | in_progress | completed
    percent: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))  # document number, or who reported
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC

    __table_args__ = (
        CheckConstraint("state IN ('not_started', 'in_progress', 'completed')", name="ck_task_progress_state"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_task_progress_percent"),
        CheckConstraint("length(trim(source)) > 0", name="ck_task_progress_source"),
        Index("ix_task_progress_task_date", "task_id", "reported_on"),
    )
