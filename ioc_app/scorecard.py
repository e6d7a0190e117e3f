"""The province scorecard's figures: every province x the 12 targets, from one snapshot.

Each cell is the province's value of the series the registry declares for province views at the
data date and the status of its headline target, read from ``ioc_app.provincial`` (the one
per-province computation; the same figures the map, the rankings and the API give).

Indicators measured only nationally (T05 platform milestones, T07 public services) have no
provincial figure; T10's provincial column shows its supporting map-completeness share (no
status, the milestones themselves are national). The national row sums numerators and
denominators over every record of the filter (never an average of percentages).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ioc_app import access
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry
from ioc_app.memo import per_snapshot
from ioc_app.provincial import (
    INFO_MODE,
    NATIONAL_MODE,
    STATUS_MODE,
    Figure,
    ProvincialTable,
    Unit,
    provincial_tables,
    unit_of,
    units,
)
from ioc_app.selection import Selection
from ioc_app.snapshots import Snapshot

__all__ = [
    "INFO_MODE",
    "NATIONAL_MODE",
    "SORT_COLUMNS",
    "STATUS_MODE",
    "Cell",
    "Scorecard",
    "Unit",
    "clean_filters",
    "parse_sort",
    "scorecard",
    "sort_units",
    "unit_of",
    "units",
]

SORT_COLUMNS = ("code", "name", *(i.code for i in registry.INDICATORS))


@dataclass(frozen=True)
class Cell:
    """One figure: value at the data date, its fraction, its status (None: not judged) and how it is measured."""

    value: float | None
    numerator: int
    denominator: int
    status: str | None
    mode: str  # "status" | "info" | "national"
    kind: str  # "percent" | "milestone"
    status_year: int | None = None  # the deadline the status is about
    status_value: float | None = None  # the value judged (at the deadline once it has passed)
    judged: bool = False  # the status is a judgement at a passed deadline


@dataclass(frozen=True)
class Scorecard:
    level: str
    inst_type: str | None
    ownership: str | None
    as_of: dt.date
    units: tuple[Unit, ...]
    cells: dict[str, dict[str, Cell]]  # unit code -> indicator code -> cell
    totals: dict[str, Cell]  # indicator code -> the national cell (sum of numerators / sum of denominators)

    def column(self, code: str) -> list[Cell]:
        return [self.cells[u.code][code] for u in self.units]


def _cell(table: ProvincialTable, fig: Figure, national: bool = False) -> Cell:
    kind = "percent" if table.mode == INFO_MODE else table.indicator.kind
    if table.mode == NATIONAL_MODE and not national:
        return Cell(None, 0, 0, None, NATIONAL_MODE, kind)
    head = fig.headline
    if head is None:
        return Cell(fig.value, fig.numerator, fig.denominator, None, table.mode, kind)
    return Cell(
        fig.value,
        fig.numerator,
        fig.denominator,
        head.status,
        table.mode,
        kind,
        status_year=head.year,
        status_value=head.value,
        judged=head.judged,
    )


def build_scorecard(
    snapshot: Snapshot, level: str = "34", inst_type: str | None = None, ownership: str | None = None
) -> Scorecard:
    """The scorecard of a snapshot (uncached; see ``scorecard``)."""
    tables = provincial_tables(snapshot, level, inst_type, ownership)
    unit_list = units(level)
    cells: dict[str, dict[str, Cell]] = {u.code: {} for u in unit_list}
    totals: dict[str, Cell] = {}
    for code, table in tables.items():
        for unit, fig in zip(table.units, table.figures, strict=True):
            cells[unit.code][code] = _cell(table, fig)
        totals[code] = _cell(table, table.national, national=True)
    return Scorecard(
        unit_list[0].level if unit_list else "34",
        inst_type,
        ownership,
        snapshot.run.data_date,
        unit_list,
        cells,
        totals,
    )


@per_snapshot(size=48, shared=True)
def _scorecard(snapshot: Snapshot, level: str, inst_type: str | None, ownership: str | None) -> Scorecard:
    return build_scorecard(snapshot, level, inst_type, ownership)


def scorecard(
    snapshot: Snapshot, level: str = "34", inst_type: str | None = None, ownership: str | None = None
) -> Scorecard:
    """The scorecard as this request may see it (computed once per snapshot, level and filter)."""
    return visible_scorecard(_scorecard(snapshot, level, inst_type, ownership))


def visible_scorecard(card: Scorecard) -> Scorecard:
    """Only the units this request may read, and no national totals for a province user."""
    visible = access.visible_units(card.level)
    if visible is None:
        return card
    withheld = {code: Cell(None, 0, 0, None, cell.mode, cell.kind) for code, cell in card.totals.items()}
    units = tuple(u for u in card.units if u.code in visible)
    cells = {u.code: card.cells[u.code] for u in units}
    return dataclasses.replace(card, units=units, cells=cells, totals=withheld)


def clean_filters(selection: dict[str, Any] | None) -> tuple[str, str | None, str | None]:
    """Level, type and ownership of a shared selection, anything unknown dropped."""
    sel = Selection.from_store(selection)
    return sel.level, sel.inst_type, sel.ownership


# ---------------------------------------------------------------------------------------------
# Sorting: the order lives in the URL (``/scorecard?sort=T06&desc=1``), so a sorted view can be
# shared, bookmarked and undone with the browser's back button.


def sort_units(card: Scorecard, column: str, descending: bool) -> list[Unit]:
    """Units ordered by a column: code, name (Vietnamese alphabet) or an indicator's value (no data last)."""
    if column == "name":
        return sorted(card.units, key=lambda u: vi_sort_key(u.name), reverse=descending)
    if column in card.totals:
        known = [u for u in card.units if card.cells[u.code][column].value is not None]
        unknown = [u for u in card.units if card.cells[u.code][column].value is None]
        known.sort(key=lambda u: vi_sort_key(u.name))
        known.sort(key=lambda u: card.cells[u.code][column].value or 0.0, reverse=descending)  # stable: ties by name
        return known + unknown
    return sorted(card.units, key=lambda u: u.code, reverse=descending)


def parse_sort(search: str | None) -> tuple[str, bool]:
    """``?sort=T06&desc=1`` -> ("T06", True); anything unknown -> GSO code order."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    col = query.get("sort")
    if col not in SORT_COLUMNS:
        return "code", False
    return col, query.get("desc") in ("1", "true")
