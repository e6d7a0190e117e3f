"""The data sources: the VET database and each kind of provincial submission, how fresh each is,
and which sources feed each indicator panel.

For each source: the last success (a refresh, or an accepted import), the last error (a failed
refresh, or a refused import) and its rows (the VET tables' rows; the rows imports wrote). A
province user sees the imports of their own province only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from data_sources.submissions import coverage
from data_sources.submissions.kinds import KINDS
from ioc_app import snapshots
from ioc_app.completeness import ACCEPTED
from ioc_app.memo import per_snapshot
from ioc_app.store import RefreshRun, SubmissionImport

VET: Final = "vet"
# Which submission kinds land in the VET rows each target counts; every target reads the VET database.
PANEL_SOURCES: Final[dict[str, tuple[str, ...]]] = {
    "T01": ("training",),
    "T02": ("training",),
    "T06": ("readiness",),
    "T08": ("readiness",),
    "T09": ("inspection",),
    "T11": ("report",),
}


@dataclass(frozen=True)
class SourceState:
    key: str  # VET or a submission kind
    last_success: dt.datetime | None  # UTC
    last_error_at: dt.datetime | None  # UTC
    last_error: str | None  # a failed refresh's error, or a refused file's name
    rows: int | None


@dataclass(frozen=True)
class SourceAge:
    """One source of a panel and when it last changed (UTC); minutes ago, from the caller's clock."""

    key: str
    at: dt.datetime | None
    minutes_ago: int | None


@per_snapshot(size=4)
def _vet_rows(_snapshot: object, vet_engine: Engine) -> int:
    with vet_engine.connect() as conn:
        return sum(coverage.row_counts(conn).values())


def vet_state(vet_engine: Engine, ioc_engine: Engine) -> SourceState:
    run = snapshots.latest_run(ioc_engine)
    with Session(ioc_engine) as s:
        failed = s.scalars(
            select(RefreshRun).where(RefreshRun.status == "failed").order_by(RefreshRun.id.desc()).limit(1)
        ).first()
    snap = snapshots.current(ioc_engine)
    rows = _vet_rows(snap, vet_engine) if snap is not None else None
    return SourceState(
        VET,
        run.finished_at if run else None,
        (failed.finished_at or failed.started_at) if failed else None,
        (failed.error or "")[:300] if failed else None,
        rows,
    )


def import_states(ioc_engine: Engine, province: str | None) -> list[SourceState]:
    """Each kind's last accepted and last refused import and the rows imports wrote (one province's, if given)."""
    where: list[ColumnElement[bool]] = [SubmissionImport.dry_run.is_(False)]
    if province is not None:
        where.append(SubmissionImport.actor_province == province)
    out = []
    with Session(ioc_engine) as s:
        for kind in KINDS:
            of_kind = [*where, SubmissionImport.kind == kind]
            ok = s.scalar(select(func.max(SubmissionImport.at)).where(*of_kind, SubmissionImport.outcome.in_(ACCEPTED)))
            refused = s.scalars(
                select(SubmissionImport)
                .where(*of_kind, SubmissionImport.outcome == "refused")
                .order_by(SubmissionImport.at.desc(), SubmissionImport.id.desc())
                .limit(1)
            ).first()
            rows = s.scalar(
                select(func.coalesce(func.sum(SubmissionImport.rows_written), 0)).where(
                    *of_kind, SubmissionImport.outcome == "applied"
                )
            )
            out.append(
                SourceState(
                    kind, ok, refused.at if refused else None, refused.file_name if refused else None, int(rows or 0)
                )
            )
    return out


def last_imports(ioc_engine: Engine) -> dict[str, dt.datetime]:
    """The last accepted import of each kind (UTC), all provinces: when the panels' data last came in."""
    query = (
        select(SubmissionImport.kind, func.max(SubmissionImport.at))
        .where(SubmissionImport.outcome.in_(ACCEPTED), SubmissionImport.dry_run.is_(False))
        .group_by(SubmissionImport.kind)
    )
    with Session(ioc_engine) as s:
        return {kind: at for kind, at in s.execute(query) if kind is not None and at is not None}


def panel_sources(ioc_engine: Engine, now: dt.datetime | None = None) -> dict[str, list[SourceAge]]:
    """target code -> its sources and their age: the VET database (its last refresh), then the kinds
    of submission that land in its rows (their last accepted import)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run = snapshots.latest_run(ioc_engine)
    imported = last_imports(ioc_engine)

    def age(at: dt.datetime | None) -> SourceAge:
        return SourceAge("", at, None if at is None else max(0, int((now - at).total_seconds() // 60)))

    vet = age(run.finished_at if run else None)
    out: dict[str, list[SourceAge]] = {}
    for code in (f"T{n:02d}" for n in range(1, 13)):
        kinds = PANEL_SOURCES.get(code, ())
        out[code] = [SourceAge(VET, vet.at, vet.minutes_ago)] + [
            SourceAge(k, a.at, a.minutes_ago) for k in kinds for a in [age(imported.get(k))]
        ]
    return out
