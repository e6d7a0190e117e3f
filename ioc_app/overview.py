"""What the national overview shows: the network at a glance and one panel per target, in a scope.

Everything is read from the snapshot (its denominators count the network), so a click costs
milliseconds and never touches the VET database's big tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from ioc_app import access, alerts, kpis, snapshots, sources
from ioc_app.freshness import current_state
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import INSTITUTION_TYPES, NATIONAL, OWNERSHIPS, Scope
from ioc_app.memo import SnapshotMemo, per_snapshot
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.situation import ScopeSituation, scope_situation
from ioc_app.snapshots import Snapshot
from ioc_app.sources import SourceAge

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


# --- the first paint ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewPage:
    """Everything the overview's first paint shows to one reader: what a page builder is given."""

    selection: Selection  # the first paint: as this reader may read it (a province user's nation is their province)
    scope: Scope  # the selection's scope (the figures are read in the part of it the reader may read)
    fresh: Freshness
    lang: str
    only: frozenset[str] | None = None  # the units whose figures the reader may see (None: all of them)
    alert_count: int | None = None  # the open alerts the reader may see (None: no badge)
    counts: NetworkCounts | None = None  # None: no snapshot yet
    panels: list[PanelData] = field(default_factory=list)
    panel_sources: dict[str, list[SourceAge]] = field(default_factory=dict)
    situation: ScopeSituation | None = None


T = TypeVar("T")

# Drawn per snapshot. A page is ~0.4 MB of components and a filter's answer ~0.16 MB; the sources' ages
# are part of the key, so over an hour the memos fill up: these sizes bound them to ~12 MB a worker.
_first_paints = SnapshotMemo("overview first paints", size=16)
_filter_answers = SnapshotMemo("overview filter answers", size=32)


def _frozen(feeds: dict[str, list[SourceAge]]) -> tuple[tuple[str, tuple[SourceAge, ...]], ...]:
    return tuple((code, tuple(ages)) for code, ages in feeds.items())


def first_paint(services: Services, selection: Selection, lang: str, build: Callable[[OverviewPage], T]) -> T:
    """The overview for this reader, drawn by ``build`` (a pure function of what it is given) once per
    snapshot and then served from the per-snapshot memo.

    The memo's key is every value ``build`` is given that is not read from the snapshot: the reader's
    scope, visible units and national view (from the server-side identity, checked on every call, so a
    refusal is refused again and one reader never gets another's page), the selection, the language,
    the freshness, the sources' ages (to the minute) and the alert count. ``build`` is part of the key
    too: pass one module-level function, not a new lambda per call.
    """
    view = access.reader_view(selection)
    sel, scope, only = view.selection, view.scope, view.only
    fresh = freshness_of(services)
    alert_count = alerts.readers_open_count(services.ioc_engine)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return build(OverviewPage(sel, scope, fresh, lang, only, alert_count))
    feeds = sources.panel_sources(services.ioc_engine)
    key = (build, view, fresh, lang, alert_count, _frozen(feeds))

    def draw() -> T:
        counts, panels, situation = network_counts(snap, scope), all_panels(snap, scope), scope_situation(snap, scope)
        return build(OverviewPage(sel, scope, fresh, lang, only, alert_count, counts, panels, feeds, situation))

    return _first_paints.get(snap, key, draw)


def filter_update(
    services: Services,
    state: dict[str, Any] | None,
    selection: Selection,
    lang: str,
    drawn: bool,
    build: Callable[[OverviewPage, bool], T],
) -> T:
    """What a new selection or snapshot changes on the overview, drawn by ``build(page, drawn)`` once per
    snapshot and kept like :func:`first_paint` (keyed by the part of the selection the reader may read,
    from the server-side identity). ``drawn``: the page shows panels; ``state``: the shell's snapshot store."""
    scope = selection.scope
    readable = access.readable(scope)
    fresh = freshness_of(services, state)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return build(OverviewPage(selection, scope, fresh, lang), drawn)
    feeds = sources.panel_sources(services.ioc_engine)
    key = (build, selection, readable, access.sees_nation(), fresh, lang, drawn, _frozen(feeds))

    def draw() -> T:
        counts, panels, situation = network_counts(snap, scope), all_panels(snap, scope), scope_situation(snap, scope)
        return build(OverviewPage(selection, scope, fresh, lang, None, None, counts, panels, feeds, situation), drawn)

    return _filter_answers.get(snap, key, draw)
