"""The IOC store as releases before migrations created it: refresh runs, snapshot figures and rules, task progress.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

``tables()`` is also how ``ioc_app.migrations`` recognises a store made by ``create_all`` before
migrations existed: its tables are checked against these, missing ones created, and it is stamped.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _refresh_run() -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    ]


def _refresh_fk() -> sa.Column[int]:
    return sa.Column("refresh_id", sa.Integer(), sa.ForeignKey("refresh_run.id", ondelete="CASCADE"), primary_key=True)


def _kpi_snapshot() -> list[SchemaItem]:
    return [
        _refresh_fk(),
        sa.Column("series", sa.String(40), primary_key=True),
        sa.Column("period_end", sa.Date(), primary_key=True),
        sa.Column("province63", sa.String(2), primary_key=True),
        sa.Column("inst_type", sa.String(20), primary_key=True),
        sa.Column("ownership", sa.String(20), primary_key=True),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.Index("ix_kpi_snapshot_refresh_series", "refresh_id", "series"),
    ]


def _kpi_institution() -> list[SchemaItem]:
    return [
        _refresh_fk(),
        sa.Column("series", sa.String(40), primary_key=True),
        sa.Column("institution_id", sa.Integer(), primary_key=True),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
    ]


def _snapshot_rule() -> list[SchemaItem]:
    return [
        _refresh_fk(),
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    ]


def _task_progress_report() -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.String(10), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('not_started', 'in_progress', 'completed')", name="ck_task_progress_state"),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_task_progress_percent"),
        sa.CheckConstraint("length(trim(source)) > 0", name="ck_task_progress_source"),
        sa.Index("ix_task_progress_task_date", "task_id", "reported_on"),
    ]


# In creation order (refresh_run first: the others reference it).
TABLES: dict[str, Callable[[], list[SchemaItem]]] = {
    "refresh_run": _refresh_run,
    "kpi_snapshot": _kpi_snapshot,
    "kpi_institution": _kpi_institution,
    "snapshot_rule": _snapshot_rule,
    "task_progress_report": _task_progress_report,
}


def tables() -> sa.MetaData:
    """This revision's tables on a metadata of their own (frozen: later model changes do not reach them)."""
    metadata = sa.MetaData()
    for name, items in TABLES.items():
        sa.Table(name, metadata, *items())
    return metadata


def upgrade() -> None:
    for name, items in TABLES.items():
        op.create_table(name, *items())


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
