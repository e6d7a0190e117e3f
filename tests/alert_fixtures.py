"""Prepared data for the alert tests: snapshots built in memory from a few hand-set cells of T06, and
rows of the import log and refresh runs written to a real IOC store."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ioc_app.snapshots import RunInfo, Snapshot
from ioc_app.store import RefreshRun, SubmissionImport

DATA_DATE = dt.date(2026, 10, 31)
SERIES = "school_platform_connected"  # T06's series, judged per province
DENOMINATOR = 1000


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out, year, month = [], start.year, start.month
    while True:
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        last = first_next - dt.timedelta(days=1)
        if last > end:
            return out
        out.append(last)
        year, month = first_next.year, first_next.month


PERIODS = month_ends(dt.date(2021, 12, 1), DATA_DATE)


def snapshot(run_id: int, values: dict[str, Callable[[int, int], float]]) -> Snapshot:
    """A snapshot whose T06 cells are one college per legacy province in ``values``: the share connected at
    period end i of n is ``values[code](i, n)``."""
    rows = []
    n = len(PERIODS)
    for code, share in values.items():
        for i, day in enumerate(PERIODS):
            rows.append(
                {
                    "series": SERIES,
                    "period_end": day,
                    "province63": code,
                    "inst_type": "college",
                    "ownership": "public",
                    "numerator": round(share(i, n) * DENOMINATOR),
                    "denominator": DENOMINATOR,
                }
            )
    run = RunInfo(run_id, dt.datetime(2026, 11, 1, 1, 0), DATA_DATE, 1.0)
    return Snapshot(run, pd.DataFrame(rows))


def rising(start: float, end: float) -> Callable[[int, int], float]:
    return lambda i, n: start + (end - start) * i / (n - 1)


def flat(value: float) -> Callable[[int, int], float]:
    return lambda i, n: value


def add_import(engine: Engine, province: str | None, kind: str, at: dt.datetime, outcome: str = "applied") -> None:
    with Session(engine) as s, s.begin():
        s.add(
            SubmissionImport(
                uid=str(uuid.uuid4()),
                at=at,
                actor="test",
                role="province",
                actor_province=province,
                kind=kind,
                file_name="f.xlsx",
                file_sha256="0" * 64,
                file_bytes=1,
                dry_run=False,
                outcome=outcome,
                rows_total=1,
                rows_written=1,
                rows_unchanged=0,
                problem_count=0,
                problems="[]",
            )
        )


def add_ok_run(engine: Engine, finished: dt.datetime) -> None:
    with Session(engine) as s, s.begin():
        s.add(
            RefreshRun(
                started_at=finished,
                finished_at=finished,
                status="ok",
                trigger="test",
                data_date=DATA_DATE,
                rows=0,
                seconds=1.0,
            )
        )
