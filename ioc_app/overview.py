"""What the national overview shows: the network at a glance and one panel per target, in a scope.

Everything is read from the snapshot (its denominators count the network), so a click costs
milliseconds and never touches the VET database's big tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ioc_app import access, kpis
from ioc_app.freshness import current_state
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, NATIONAL, OWNERSHIPS, Scope
from ioc_app.memo import per_snapshot
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot

# The snapshot series whose denominators count the network (at the data date, per cell).
INSTITUTIONS_SERIES = "map_completeness"  # every institution in operation (T10's supporting series)
STAFF_SERIES = "staff_digital_capacity"  # teachers and managers in post (T01)
PROGRAMMES_SERIES = "programme_digital_outcomes"  # programmes in use (T03)
LEARNERS_SERIES = "learner_digitised_all"  # learner records since 2021, every institution (T08, 2030)


@dataclass(frozen=True)
class NetworkCounts:
    """The network at a glance in a scope, at the data date (from the snapshot's denominators)."""

    data_date: dt.date
    by_type: dict[str, int] = field(default_factory=dict)
    by_ownership: dict[str, int] = field(default_factory=dict)
    staff: int = 0
    programmes: int = 0
    learner_records: int = 0

    @property
    def institutions(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True)
class PanelData:
    """One target's panel: its view in the scope (national for national-level targets)."""

    view: kpis.IndicatorView
    national_only: bool = False  # shown for the whole country whatever the filters
    supporting: dict[str, Any] | None = None  # T10: map completeness {"numerator", "denominator", "value"}
    spark_dates: list[dt.date] = field(default_factory=list)
    spark_values: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class Freshness:
    snapshot_id: int | None
    data_date: dt.date | None
    refreshed_at: dt.datetime | None  # UTC
    stale: bool = False


def freshness_of(services: Services, state: dict[str, Any] | None = None) -> Freshness:
    """The snapshot's freshness, from the shell's store when given, else read (one small query)."""
    if not state or not state.get("id"):
        state = current_state(services)
    if not state.get("id"):
        return Freshness(None, None, None, stale=True)
    try:
        return Freshness(
            snapshot_id=int(state["id"]),
            data_date=dt.date.fromisoformat(str(state["data_date"])),
            refreshed_at=dt.datetime.fromisoformat(str(state["refreshed_at"])),
            stale=bool(state.get("stale")),
        )
    except (KeyError, TypeError, ValueError):  # a store the browser sent that is not ours: read it instead
        return freshness_of(services, None)


def _denominators_now(snapshot: Snapshot, series: str, scope: Scope) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
    """The scope's cells of a series and their denominators at the data date (the last period end)."""
    cells, _, den = snapshot.matrix(series)
    mask = snapshot.cell_mask(series, scope)
    now = den[:, -1] if den.shape[1] else np.zeros(len(cells), np.int64)
    return cells[mask], now[mask]


def network_counts(snapshot: Snapshot, scope: Scope) -> NetworkCounts:
    """The network at a glance in the scope this request may read."""
    return _network_counts(snapshot, access.readable(scope))


@per_snapshot(size=256)
def _network_counts(snapshot: Snapshot, scope: Scope) -> NetworkCounts:
    """Institutions by type and ownership, staff, programmes and learner records in the scope.

    Taken from the denominators the snapshot already holds, so it costs no scan of the big tables.
    """
    cells, inst = _denominators_now(snapshot, INSTITUTIONS_SERIES, scope)
    types, owners = cells["inst_type"].to_numpy(), cells["ownership"].to_numpy()
    return NetworkCounts(
        data_date=snapshot.run.data_date,
        by_type={k: int(inst[types == k].sum()) for k in INSTITUTION_TYPES},
        by_ownership={k: int(inst[owners == k].sum()) for k in OWNERSHIPS},
        staff=int(_denominators_now(snapshot, STAFF_SERIES, scope)[1].sum()),
        programmes=int(_denominators_now(snapshot, PROGRAMMES_SERIES, scope)[1].sum()),
        learner_records=int(_denominators_now(snapshot, LEARNERS_SERIES, scope)[1].sum()),
    )


def panel_data(snapshot: Snapshot, indicator: Indicator, scope: Scope, nation: bool = True) -> PanelData:
    """One target in the scope: national-level targets stay national whatever the filters (for those who
    may see the nation; ``nation`` False keeps them to the scope, where they have no figure)."""
    national_only = indicator.national_only and nation
    view = kpis.indicator_view(snapshot, indicator, NATIONAL if national_only else scope)
    spark = view.headline_series.trajectory
    supporting = None
    if indicator.supporting_series:
        key = indicator.supporting_series[0].key
        traj = (
            view.series[key].trajectory if not national_only or scope.is_national else snapshot.trajectory(key, scope)
        )
        supporting = kpis.SeriesView(key, traj).last
        spark = traj  # T10: the map's completeness says more over time than a 0/1 milestone
    values = [None if pd.isna(v) else float(v) for v in spark["value"]]
    return PanelData(
        view=view,
        national_only=indicator.national_only and not scope.is_national,
        supporting=supporting,
        spark_dates=list(spark["period_end"]),
        spark_values=values,
    )


@per_snapshot(size=256, shared=True)
def _all_panels(snapshot: Snapshot, scope: Scope, nation: bool) -> tuple[PanelData, ...]:
    return tuple(panel_data(snapshot, ind, scope, nation) for ind in registry.INDICATORS)


def all_panels(snapshot: Snapshot, scope: Scope) -> list[PanelData]:
    """The twelve panels in the scope this request may read (kept per snapshot, scope and access)."""
    readable = access.readable(scope)
    return list(_all_panels(snapshot, readable, access.sees_nation()))
