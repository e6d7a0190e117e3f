"""Completeness of provincial submissions: which provinces and institutions sent each kind this period.

The reporting period of each kind is defined here, once (:func:`period_of`), and stated on the page:

- ``training`` and ``inspection``: the current quarter;
- ``report``: imports of the current quarter for provinces (they report quarterly); for institutions,
  the report period last ended in their schedule (half-year ``YYYY-H1`` from July, else the year
  before, ``YYYY``), the periods the VET database's ``report`` rows already use;
- ``readiness``: a snapshot, no period: an institution "submitted" when it has one of its dates.

A province submitted when an accepted import (applied or unchanged, not a dry run) of that kind,
logged in the period, was made by that province's user or wrote rows of that province; an
institution submitted when the VET database holds rows of that kind for it in the period (imported
or not). The national answer is kept per snapshot and per import-log state (``ioc_app.memo``);
province scoping (``ioc_app.access``) is applied outside the memo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_sources.submissions import coverage
from data_sources.submissions.kinds import KINDS
from geo import provinces as geo_provinces
from ioc_app import access, snapshots
from ioc_app.memo import per_snapshot
from ioc_app.store import SubmissionImport

ACCEPTED: Final = ("applied", "unchanged")
VIETNAM_UTC_OFFSET: Final = dt.timedelta(hours=7)


@dataclass(frozen=True)
class Period:
    kind: str
    label: str  # "2026-Q4"; "" for a snapshot
    start: dt.date | None  # imports counted from this day (Vietnam time); None: whenever
    end: dt.date  # the day asked about (today)
    report_period: str | None = None  # institutions' report period (reports only)


@dataclass(frozen=True)
class MissingInstitution:
    code: str
    name: str
    province_code: str


@dataclass(frozen=True)
class KindCompleteness:
    kind: str
    period: Period
    provinces_total: int
    provinces_submitted: int
    institutions_total: int
    institutions_submitted: int
    missing_provinces: tuple[str, ...]  # current codes
    missing_institutions: tuple[MissingInstitution, ...]
    open_by_province: tuple[tuple[str, int], ...] = ()  # institutions open in each province

    @property
    def province_share(self) -> float | None:
        return self.provinces_submitted / self.provinces_total if self.provinces_total else None

    @property
    def institution_share(self) -> float | None:
        return self.institutions_submitted / self.institutions_total if self.institutions_total else None


def quarter_of(day: dt.date) -> tuple[str, dt.date]:
    q = (day.month - 1) // 3 + 1
    return f"{day.year}-Q{q}", dt.date(day.year, 3 * q - 2, 1)


def period_of(kind: str, today: dt.date) -> Period:
    """The reporting period of a kind of submission on ``today``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if kind == "readiness":
        return Period(kind, "", None, today)
    label, start = quarter_of(today)
    if kind == "report":
        due = f"{today.year}-H1" if today.month >= 7 else str(today.year - 1)
        return Period(kind, label, start, today, due)
    return Period(kind, label, start, today)


def _accepted_imports(ioc_engine: Engine, kind: str, start: dt.date | None) -> list[tuple[str, str | None]]:
    """(uid, importer's province) of the accepted imports of a kind since ``start`` (Vietnam time)."""
    query = select(SubmissionImport.uid, SubmissionImport.actor_province).where(
        SubmissionImport.kind == kind,
        SubmissionImport.outcome.in_(ACCEPTED),
        SubmissionImport.dry_run.is_(False),
    )
    if start is not None:
        since = dt.datetime.combine(start, dt.time()) - VIETNAM_UTC_OFFSET  # the log is in UTC
        query = query.where(SubmissionImport.at >= since)
    with Session(ioc_engine) as s:
        return [(uid, prov) for uid, prov in s.execute(query)]


def log_state(ioc_engine: Engine) -> int:
    """The import log's newest id (0 when empty): a new import changes what was submitted."""
    with Session(ioc_engine) as s:
        return int(s.scalar(select(func.max(SubmissionImport.id))) or 0)


def compute(vet_engine: Engine, ioc_engine: Engine, kind: str, today: dt.date) -> KindCompleteness:
    """The whole country's completeness of one kind (no identity: callers scope it)."""
    period = period_of(kind, today)
    imported = _accepted_imports(ioc_engine, kind, period.start)
    provinces = {p for _uid, p in imported if p} | coverage.provinces_of_imports(
        vet_engine, kind, [uid for uid, _p in imported]
    )
    all_provinces = sorted(u.code for u in geo_provinces.provinces())
    open_now = coverage.open_institutions(vet_engine, today)
    with_rows = coverage.institutions_with_rows(vet_engine, kind, period.start, today, period.report_period)
    missing = tuple(MissingInstitution(i.code, i.name, i.province_code) for i in open_now if i.id not in with_rows)
    by_province: dict[str, int] = {}
    for i in open_now:
        by_province[i.province_code] = by_province.get(i.province_code, 0) + 1
    return KindCompleteness(
        kind,
        period,
        len(all_provinces),
        sum(1 for p in all_provinces if p in provinces),
        len(open_now),
        len(open_now) - len(missing),
        tuple(p for p in all_provinces if p not in provinces),
        missing,
        tuple(sorted(by_province.items())),
    )


@per_snapshot(size=64, shared=True)
def _memoised(
    _snapshot: object, vet_engine: Engine, ioc_engine: Engine, kind: str, today: dt.date, _log: int
) -> KindCompleteness:
    return compute(vet_engine, ioc_engine, kind, today)


def national(vet_engine: Engine, ioc_engine: Engine, kind: str, today: dt.date) -> KindCompleteness:
    """``compute``, kept while the snapshot and the import log stay as they are."""
    snap = snapshots.current(ioc_engine)
    if snap is None:
        return compute(vet_engine, ioc_engine, kind, today)
    return _memoised(snap, vet_engine, ioc_engine, kind, today, log_state(ioc_engine))


def scoped(result: KindCompleteness, province: str | None) -> KindCompleteness:
    """The part of one province (its own row, its institutions); ``None`` keeps the whole country."""
    if province is None:
        return result
    missing = tuple(m for m in result.missing_institutions if m.province_code == province)
    total = dict(result.open_by_province).get(province, 0)
    return replace(
        result,
        provinces_total=1,
        provinces_submitted=0 if province in result.missing_provinces else 1,
        institutions_total=total,
        institutions_submitted=total - len(missing),
        missing_provinces=tuple(p for p in result.missing_provinces if p == province),
        missing_institutions=missing,
        open_by_province=tuple((p, n) for p, n in result.open_by_province if p == province),
    )


def reader_province() -> str | None:
    """The one province this request may see, or None for every province (Forbidden when nobody signed in)."""
    identity = access.reader()
    return None if identity.sees_everything else identity.province or ""


def for_reader(vet_engine: Engine, ioc_engine: Engine, today: dt.date) -> list[KindCompleteness]:
    """Every kind's completeness as this request may see it: a province user, their province only."""
    province = reader_province()
    return [scoped(national(vet_engine, ioc_engine, kind, today), province) for kind in KINDS]
