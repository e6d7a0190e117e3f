"""What the API and the pages ask of the indicators: values, trajectories and statuses per scope.

Reads the newest snapshot only. A date between two month ends (the API's ``as_of``) is the one
case that counts live in the VET database, for that date and that indicator's series alone; the
count is kept per snapshot and date, and only a few run at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators import registry, status
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import Scope, rollup
from ioc_app.memo import per_snapshot
from ioc_app.snapshots import Snapshot


@dataclass(frozen=True)
class SeriesView:
    key: str
    trajectory: pd.DataFrame  # period_end, numerator, denominator, value (up to as_of)

    @cached_property  # a view is kept per snapshot and scope, and each page reads its last row often
    def last(self) -> dict[str, Any]:
        if self.trajectory.empty:
            return {"numerator": 0, "denominator": 0, "value": None}
        row = self.trajectory.iloc[-1]
        value = None if pd.isna(row["value"]) else float(row["value"])
        return {"numerator": int(row["numerator"]), "denominator": int(row["denominator"]), "value": value}

    def points(self) -> list[tuple[dt.date, float | None]]:
        return [
            (d, None if pd.isna(v) else float(v))
            for d, v in zip(self.trajectory["period_end"], self.trajectory["value"], strict=True)
        ]


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    scope: Scope
    as_of: dt.date
    series: dict[str, SeriesView]
    assessments: list[status.Assessment]

    @property
    def headline(self) -> status.Assessment | None:
        return status.headline(self.assessments)

    @property
    def headline_series(self) -> SeriesView:
        return self.series[self.indicator.headline_series.key]


# Live counts between month ends run on at most this many of a worker's threads at once, and a
# request waits this long for one: a burst of them then costs a few threads and a 503, never the clicks.
LIVE_COUNT_SLOTS = 2
LIVE_COUNT_WAIT_SECONDS = 10.0
_live_slots = threading.BoundedSemaphore(LIVE_COUNT_SLOTS)


class LiveCountBusy(RuntimeError):
    """Every slot for live counts stayed taken: the caller answers 503 and the client retries."""


@per_snapshot(size=128, name="live counts between month ends", shared=True)
def live_cells(snapshot: Snapshot, vet_engine: Engine, series: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    """Every cell's counts of ``series`` at ``as_of``, counted in the VET database once per snapshot and date
    (any scope is then a sum over them)."""
    if not _live_slots.acquire(timeout=LIVE_COUNT_WAIT_SECONDS):
        raise LiveCountBusy("too many counts between month ends at once; retry in a few seconds")
    try:
        return kpi_engine.cells_at(vet_engine, as_of, list(series))
    finally:
        _live_slots.release()


def _live_point(
    snapshot: Snapshot, vet_engine: Engine, indicator: Indicator, scope: Scope, as_of: dt.date
) -> pd.DataFrame:
    cells = live_cells(snapshot, vet_engine, tuple(s.key for s in indicator.all_series), as_of)
    return rollup(cells, scope)


def indicator_view(
    snapshot: Snapshot,
    indicator: Indicator,
    scope: Scope,
    as_of: dt.date | None = None,
    vet_engine: Engine | None = None,
) -> IndicatorView:
    """The indicator in a scope at ``as_of`` (default: the snapshot's data date)."""
    as_of = as_of or snapshot.run.data_date
    live = None
    if as_of not in snapshot.period_ends and vet_engine is not None:
        live = _live_point(snapshot, vet_engine, indicator, scope, as_of)
    views = {}
    for s in indicator.all_series:
        traj = snapshot.trajectory(s.key, scope)
        if snapshot.period_ends and as_of < snapshot.period_ends[-1]:  # the usual as_of (data date) keeps all
            traj = traj[traj["period_end"] <= as_of].reset_index(drop=True)
        if live is not None:
            point = live[live["series"] == s.key]
            num = int(point["numerator"].sum())
            den = int(point["denominator"].sum())
            extra = pd.DataFrame([{"period_end": as_of, "numerator": num, "denominator": den}])
            extra["value"] = kpi_engine.values(extra)
            traj = pd.concat([traj, extra], ignore_index=True)
        views[s.key] = SeriesView(s.key, traj)
    assessments = status.assess(indicator, {k: v.points() for k, v in views.items()}, as_of)
    return IndicatorView(indicator, scope, as_of, views, assessments)


def all_views(snapshot: Snapshot, scope: Scope, as_of: dt.date | None = None) -> list[IndicatorView]:
    return [indicator_view(snapshot, ind, scope, as_of) for ind in registry.INDICATORS]
