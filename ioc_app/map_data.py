"""What the digital map page shows (target T10 of Decision 2222), as values for ``layouts/map.py``.

The per-province figures come from ``ioc_app.provincial`` (the same as the scorecard's and the
API's); this module only picks the date, level and filter from the user's choices and adds the
nation's figure, the archipelagos' labels and how many institutions the map can place.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from data_sources.institution_points import InstitutionPoints, points_at
from geo.archipelagos import archipelago_labels
from geo.provinces import DATA_DIR
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.memo import per_snapshot
from ioc_app.place_names import place_name
from ioc_app.provincial import ProvincialTable, provincial_table, restricted
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot

DEFAULT_INDICATOR = "T06"


@dataclass(frozen=True)
class ProvinceFigure:
    """A unit's figure as the map colours it: value, fraction, and its status against each target."""

    code: str
    name: str
    value: float | None
    numerator: int
    denominator: int
    statuses: tuple[str, ...]  # one per target of the indicator (empty for a supporting series)
    is_city: bool = False

    def full_name(self, lang: str) -> str:
        return place_name(self.name, self.is_city, lang, full=True)


@dataclass(frozen=True)
class MapModel:
    """Everything the page shows, computed from the snapshot and the user's choices."""

    indicator: Indicator
    level: str
    period_ends: list[dt.date]
    date_index: int
    figures: dict[str, ProvinceFigure]
    national: ProvinceFigure | None
    selection: Selection
    snapshot_id: int
    stale: bool = False
    tile_url: str | None = None
    tile_attribution: str | None = None
    archipelagos: list[dict[str, Any]] = field(default_factory=list)
    located: int | None = None  # open institutions drawn on the map
    unlocated: int | None = None  # open institutions without coordinates (T10 counts them)

    @property
    def as_of(self) -> dt.date:
        return self.period_ends[self.date_index]

    @property
    def judged(self) -> bool:
        """Whether the coloured series is judged against the targets (T10's completeness is not)."""
        return self.indicator.provincially_judged


def mappable_codes() -> list[str]:
    """Targets with provincial figures (T05 and T07 are national only)."""
    return [ind.code for ind in registry.INDICATORS if ind.provincial is not None]


def indicator_code(raw: str | None) -> str:
    """A mappable indicator code from user input (URL ``?indicator=``, dropdown); the default otherwise."""
    code = (raw or "").strip().upper()
    return code if code in mappable_codes() else DEFAULT_INDICATOR


def clamp_index(index: Any, period_ends: list[dt.date]) -> int:
    """A valid index into the snapshot's period ends; the data date (last) for anything else."""
    last = len(period_ends) - 1
    if isinstance(index, bool) or not isinstance(index, (int, float)) or index != index:  # NaN != NaN
        return last
    if index in (float("inf"), float("-inf")):
        return last
    return min(max(int(index), 0), last)


def figures_of(table: ProvincialTable) -> dict[str, ProvinceFigure]:
    """The map's view of a provincial table: per unit code, value and one status per target."""
    return {
        u.code: ProvinceFigure(
            u.code, u.name, f.value, f.numerator, f.denominator, tuple(s.status for s in f.statuses), u.is_city
        )
        for u, f in zip(table.units, table.figures, strict=True)
    }


def province_figures(
    snapshot: Snapshot,
    indicator_code: str,
    level: str,
    as_of: dt.date,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> dict[str, ProvinceFigure]:
    """Value at ``as_of`` and status against each target, per province of ``level`` ({} when national only)."""
    if registry.get(indicator_code).provincial is None:
        return {}
    return figures_of(restricted(provincial_table(snapshot, indicator_code, level, as_of, inst_type, ownership)))


def national_figure(
    snapshot: Snapshot,
    indicator: Indicator,
    as_of: dt.date,
    inst_type: str | None,
    ownership: str | None,
    level: str = "34",
) -> ProvinceFigure | None:
    """The nationwide figure of the mapped series, from the table the map is coloured with."""
    if indicator.provincial is None:
        return None
    nat = restricted(provincial_table(snapshot, indicator.code, level, as_of, inst_type, ownership)).national
    return ProvinceFigure("VN", "", nat.value, nat.numerator, nat.denominator, ())


@lru_cache(maxsize=1)
def archipelagos() -> tuple[dict[str, Any], ...]:
    """Label points of the two archipelagos, with their islands' positions (drawn as dots)."""
    with (DATA_DIR / "archipelagos.csv").open(encoding="utf-8", newline="") as fh:
        islands = list(csv.DictReader(fh))
    return tuple(
        {
            "name": r.name,
            "name_en": r.name_en,
            "code": r.code,
            "lat": r.lat,
            "lon": r.lon,
            "islands": [(float(i["lat"]), float(i["lon"])) for i in islands if i["code34"] == r.code],
        }
        for r in archipelago_labels()
    )


@per_snapshot(size=4, name="institution points", shared=True)
def institution_points(snapshot: Snapshot, vet_engine: Engine) -> InstitutionPoints:
    """The institutions open at the snapshot's data date, read once per snapshot: a refresh brings
    renamed, opened and closed institutions with it, and an outage of the VET database leaves the
    points already read."""
    return points_at(vet_engine, snapshot.run.data_date)


def build_model(
    services: Services, snapshot: Snapshot, code: str | None, date_index: Any, selection: Any, stale: bool = False
) -> MapModel:
    """The page's values for an indicator, a date index into the snapshot's month ends and the selection."""
    sel = Selection.from_store(selection)
    indicator = registry.get(indicator_code(code))
    index = clamp_index(date_index, snapshot.period_ends)
    as_of = snapshot.period_ends[index]
    points = institution_points(snapshot, services.vet_engine).frame  # ~1,900 rows, read once per snapshot
    located = int(points["has_coords"].sum())
    settings = services.settings
    return MapModel(
        indicator=indicator,
        level=sel.level,
        period_ends=snapshot.period_ends,
        date_index=index,
        figures=province_figures(snapshot, indicator.code, sel.level, as_of, sel.inst_type, sel.ownership),
        national=national_figure(snapshot, indicator, as_of, sel.inst_type, sel.ownership, sel.level),
        selection=sel,
        snapshot_id=snapshot.run.id,
        stale=stale,
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        archipelagos=list(archipelagos()),
        located=located,
        unlocated=len(points) - located,
    )
