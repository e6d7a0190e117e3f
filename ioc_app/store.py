"""The IOC's own store (IOC_DATABASE_URL): snapshot refreshes, their per-cell figures, focus-task progress reports,
the accounts, access tokens and audit log of the people and machines that read them, and the wall displays' playlists.

The schema is made and changed only by the migrations in ``ioc_app/migrations``: a change to these
models needs a new revision there (``python scripts/new_revision.py "..."`` drafts it), and
tests/test_migrations.py fails until the models and the revisions agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class IocBase(DeclarativeBase):
    """Declarative base of the IOC store (separate from the VET management database)."""


class RefreshRun(IocBase):
    """One snapshot refresh: when, how long, and whether it succeeded (a failure keeps its error)."""

    __tablename__ = "refresh_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10))  # running | ok | failed | abandoned
    trigger: Mapped[str] = mapped_column(String(20))  # cli | scheduler | first-run | test
    data_date: Mapped[dt.date | None] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class JobLease(IocBase):
    """Who runs a job now (the snapshot refresh), until when: one row per job, taken by a conditional update.

    The holder renews it while it works; a holder killed midway stops renewing, and its lease lapses.
    """

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))  # host:pid:random of the holding process
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC


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


class KpiComparison(IocBase):
    """Numerator and denominator of one series, in one cell, at a day the data date is compared with.

    The days are the data date minus one and minus seven days (``engine.comparison_dates``); one that
    is a period end is in ``kpi_snapshot`` already and has no rows here. Cells as in ``KpiSnapshot``.
    """

    __tablename__ = "kpi_comparison"

    refresh_id: Mapped[int] = mapped_column(ForeignKey("refresh_run.id", ondelete="CASCADE"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province63: Mapped[str] = mapped_column(String(2), primary_key=True)
    inst_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    ownership: Mapped[str] = mapped_column(String(20), primary_key=True)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)


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


class UserAccount(IocBase):
    """A person who signs in: an admin, a central user (every province) or a provincial user (one province).

    Accounts are disabled, never deleted, so the audit log's names keep meaning something. Only an
    argon2 hash of the password is stored. ``session_epoch`` changes when the password is set or the
    account disabled: sessions opened before then stop working (``ioc_app.auth``).
    """

    __tablename__ = "ioc_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)  # lower case (ioc_app.accounts)
    role: Mapped[str] = mapped_column(String(10))  # admin | central | province
    province: Mapped[str | None] = mapped_column(String(2))  # a current 34-unit code, for provincial users only
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'central', 'province')", name="ck_ioc_user_role"),
        CheckConstraint(
            "(role = 'province' AND province IS NOT NULL) OR (role <> 'province' AND province IS NULL)",
            name="ck_ioc_user_province",
        ),
    )


class AccessToken(IocBase):
    """A named, revocable read-only token for a wall display or an API client, optionally limited to one province.

    Only the SHA-256 of the secret is stored: the secret is shown once, when the token is created.
    """

    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # display | api
    province: Mapped[str | None] = mapped_column(String(2))  # a current 34-unit code; None = every province
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the secret
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC, at most a few minutes stale
    # A display token limited to one playlist (ioc_app.playlists); None = whichever the URL names.
    # A name, not a foreign key: the built-in playlist has no row until someone edits it.
    playlist: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (CheckConstraint("kind IN ('display', 'api')", name="ck_access_token_kind"),)


class StoredPlaylist(IocBase):
    """A wall-display playlist as an administrator saved it: its slides as the JSON ``parse_playlist`` reads.

    The JSON is validated on every write and again on every read (ioc_app.playlist_store), so a row
    that a later release no longer accepts is reported, not shown.
    """

    __tablename__ = "playlist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # as in /present?playlist=NAME
    title: Mapped[str] = mapped_column(String(120))
    slides: Mapped[str] = mapped_column(Text)  # JSON list of slides
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    updated_by: Mapped[str] = mapped_column(String(60))  # the audit log's actor name


class AuditEntry(IocBase):
    """One audited event: who (name and role), from where, did what to what. Rows are only ever added."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    actor: Mapped[str] = mapped_column(String(60))  # user or token name, "anonymous" or "cli"
    role: Mapped[str] = mapped_column(String(10))  # admin | central | province | display | api | "" (anonymous)
    address: Mapped[str] = mapped_column(String(64))  # the client's address; "" outside a request
    action: Mapped[str] = mapped_column(String(30))  # login_ok, login_failed, logout, export, user_added, ...
    target: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_action_at", "action", "at"))


class SubmissionImport(IocBase):
    """One provincial file submitted for import (``ioc_app.imports``): who, when, which file, what came of it.

    Every attempt is kept, refused ones and dry runs too; ``uid`` is the id the written VET rows carry
    (``import_id``). ``problems`` holds the row-by-row problems as JSON, for the downloadable error file.
    Rows are only ever added.
    """

    __tablename__ = "submission_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    actor: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(10))
    actor_province: Mapped[str | None] = mapped_column(String(2))  # the importer's province, when limited to one
    kind: Mapped[str | None] = mapped_column(String(20))  # training | inspection | report | readiness
    file_name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_bytes: Mapped[int] = mapped_column(Integer)
    dry_run: Mapped[bool] = mapped_column(Boolean)
    # applied | unchanged | refused | checked (a dry run); running until a real import ends, abandoned when
    # its process died before writing anything (ioc_app.imports.reconcile)
    outcome: Mapped[str] = mapped_column(String(10))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_written: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    problem_count: Mapped[int] = mapped_column(Integer)
    problems: Mapped[str] = mapped_column(Text)  # JSON list

    __table_args__ = (
        CheckConstraint(
            "outcome IN ('applied', 'unchanged', 'refused', 'checked', 'running', 'abandoned')",
            name="ck_submission_import_outcome",
        ),
        Index("ix_submission_import_at", "at"),
        Index("ix_submission_import_sha256", "file_sha256"),
    )


class Alert(IocBase):
    """One alert of a rule (``ioc_app/alert_rules.toml``) on one key (a province, a target, or ""): raised,
    seen again at each evaluation while its condition holds, cleared once it no longer does."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # below_path | status_drop | stale_refresh | no_submission
    severity: Mapped[str] = mapped_column(String(10))  # info | warning | critical
    key: Mapped[str] = mapped_column(String(20))  # what the rule found it on: "79", "63-01", "nation", ""
    province: Mapped[str | None] = mapped_column(String(2))  # the current unit it concerns (scoping); None: national
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC; None while open
    detail: Mapped[str] = mapped_column(Text)  # JSON: the figures behind it, rendered in the reader's language
    acknowledged_by: Mapped[str | None] = mapped_column(String(60))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC

    __table_args__ = (
        Index("ix_alert_rule_key", "rule_id", "key"),
        Index("ix_alert_cleared_at", "cleared_at"),
    )


class AlertStatus(IocBase):
    """A target's headline status for one unit at the last evaluated snapshot, and at the one before it:
    what ``status_drop`` rules compare."""

    __tablename__ = "alert_status"

    indicator: Mapped[str] = mapped_column(String(4), primary_key=True)
    unit: Mapped[str] = mapped_column(String(10), primary_key=True)  # "nation", "34:79", "63:01"
    refresh_id: Mapped[int] = mapped_column(Integer)  # the snapshot ``status`` was evaluated on
    status: Mapped[str] = mapped_column(String(20))
    previous: Mapped[str | None] = mapped_column(String(20))  # at the snapshot evaluated before
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
