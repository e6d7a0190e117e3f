"""What a province's page and an institution's page show, read through the core.

A province's 12 targets come from the scorecard (so from ``ioc_app.provincial``); its
institutions' own numerators and denominators from the snapshot's per-institution figures; the
list of institutions and an institution's profile from the VET database, read here (never from a
callback) and kept per snapshot, so a click costs no query. Every read takes the scope it is
allowed to see explicitly: province scoping narrows it here, where the data is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pandas as pd
from sqlalchemy import Engine

from data_sources.institutions import InstitutionProfile, institution_profile, institutions_in
from ioc_app import access
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.memo import per_snapshot
from ioc_app.provincial import Unit, unit_of
from ioc_app.scorecard import Cell, Scorecard, scorecard
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot

__all__ = ["FLAGS", "INSTITUTION_SORTS", "InstitutionProfile", "InstitutionRow", "PositionRow", "TargetRow", "Unit"]

DEFAULT_FOCUS = "T01"
INSTITUTION_SORTS = ("name", "type", "ownership", "done", "short", "share")
FLAGS = ("infra", "connected", "digital_school", "high_quality")
MAX_INSTITUTION_ID = 2**31 - 1
INSTITUTION_PAGE_SIZE = 25  # rows of a province's institution table per page (Hồ Chí Minh City has hundreds)
MAX_PAGE = 10_000


@dataclass(frozen=True)
class TargetRow:
    """One target of a province: its cell, the national cell, its rank among the units."""

    code: str
    province: Cell
    national: Cell
    rank: int | None
    ranked: int  # how many units have a value


@dataclass(frozen=True)
class InstitutionRow:
    id: int
    code: str
    name: str
    type: str
    ownership: str
    flags: dict[str, bool]
    cells: dict[str, tuple[int, int]]  # indicator code -> (numerator, denominator) at the data date

    def value(self, code: str) -> float | None:
        num, den = self.cells.get(code, (0, 0))
        return num / den if den else None

    def shortfall(self, code: str) -> int | None:
        num, den = self.cells.get(code, (0, 0))
        return den - num if den else None


@dataclass(frozen=True)
class PositionRow:
    """An institution's own figure on one target, beside its province's and the nation's."""

    code: str
    numerator: int
    denominator: int
    province: Cell
    national: Cell

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


# --- units ---------------------------------------------------------------------------------------


def parse_unit(args: list[str]) -> Unit | None:
    """``["79"]`` -> current unit 79; ``["63-79"]`` -> legacy unit 79; anything else -> None."""
    if not args:
        return None
    raw = args[0].strip()
    if raw.startswith("63-"):
        return unit_of("63", raw[3:])
    return unit_of("34", raw)


def unit_from_store(data: Any) -> Unit | None:
    if not isinstance(data, dict):
        return None
    return unit_of(str(data.get("level")), str(data.get("code")))


def unit_scope(unit: Unit, inst_type: str | None = None, ownership: str | None = None) -> Scope:
    if unit.level == "63":
        return Scope(province63=unit.code, inst_type=inst_type, ownership=ownership)
    return Scope(province34=unit.code, inst_type=inst_type, ownership=ownership)


# --- a province's targets ------------------------------------------------------------------------


def target_rows(card: Scorecard, unit: Unit) -> list[TargetRow]:
    """The unit's cell on each target, the national cell, and its rank (1 = highest value) among the units."""
    rows = []
    for ind in registry.INDICATORS:
        mine = card.cells[unit.code][ind.code]
        values = [c.value for c in card.column(ind.code) if c.value is not None]
        # A rank among a single visible unit (a province user's own) says nothing: not shown.
        rank = None if mine.value is None or len(card.units) < 2 else 1 + sum(v > mine.value + 1e-12 for v in values)
        rows.append(TargetRow(ind.code, mine, card.totals[ind.code], rank, len(values)))
    return rows


def province_targets(
    snapshot: Snapshot, unit: Unit, inst_type: str | None, ownership: str | None
) -> tuple[Scorecard, list[TargetRow]]:
    access.readable(unit_scope(unit))  # another province's page: Forbidden
    card = scorecard(snapshot, unit.level, inst_type, ownership)
    return card, target_rows(card, unit)


# --- a province's institutions -------------------------------------------------------------------


def institution_codes(snapshot: Snapshot) -> list[str]:
    """Targets with a figure per institution (the series each province view shows), in registry order."""
    present = set(snapshot.institutions["series"].unique())
    return [ind.code for ind in registry.INDICATORS if ind.provincial is not None and ind.provincial.key in present]


@per_snapshot(size=128, shared=True)
def _institutions(snapshot: Snapshot, vet_engine: Engine, scope: Scope) -> pd.DataFrame:
    """The institutions of a scope as the VET database lists them (read once per snapshot)."""
    return institutions_in(vet_engine, scope)


def institution_rows(
    services: Services, snapshot: Snapshot, unit: Unit, inst_type: str | None, ownership: str | None
) -> tuple[list[InstitutionRow], int]:
    """Open institutions of the scope with their own figures; and how many closed ones were left out."""
    rows, closed = _institution_rows(
        snapshot, services.vet_engine, access.readable(unit_scope(unit, inst_type, ownership))
    )
    return list(rows), closed


@per_snapshot(size=128)
def _institution_rows(snapshot: Snapshot, vet_engine: Engine, scope: Scope) -> tuple[tuple[InstitutionRow, ...], int]:
    """The rows of ``institution_rows`` (kept per snapshot and scope: a sort or a page costs no rebuild)."""
    frame = _institutions(snapshot, vet_engine, scope)
    if frame.empty:
        return (), 0
    open_ = frame[frame["is_open"]]
    as_of = snapshot.run.data_date
    codes = institution_codes(snapshot)
    series_code = {registry.get(c).provincial.key: c for c in codes}  # type: ignore[union-attr]  # codes have one
    per = snapshot.institutions
    per = per[per["institution_id"].isin(open_["id"]) & per["series"].isin(list(series_code))]
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    columns = (per[c].tolist() for c in ("series", "institution_id", "numerator", "denominator"))
    for series, iid, num, den in zip(*columns, strict=True):
        cells.setdefault(int(iid), {})[series_code[str(series)]] = (int(num), int(den))

    def on(d: Any) -> bool:
        return d is not None and not pd.isna(d) and d <= as_of

    rows = tuple(
        InstitutionRow(
            id=int(r["id"]),
            code=str(r["code"]),
            name=str(r["name"]),
            type=str(r["type"]),
            ownership=str(r["ownership"]),
            flags={
                "infra": on(r["digital_infrastructure_on"]),
                "connected": on(r["platform_connected_on"]),
                "digital_school": on(r["digital_school_on"]),
                "high_quality": on(r["high_quality_on"]),
            },
            cells=cells.get(int(r["id"]), {}),
        )
        for r in open_.to_dict("records")
    )
    return rows, int(len(frame) - len(open_))


def sorted_institution_rows(
    services: Services,
    snapshot: Snapshot,
    unit: Unit,
    inst_type: str | None,
    ownership: str | None,
    focus: str,
    col: str,
    desc: bool,
) -> tuple[list[InstitutionRow], int]:
    """``institution_rows`` in the table's order (``sort_institutions``), kept per snapshot, scope and order."""
    rows, closed = _sorted_rows(
        snapshot, services.vet_engine, access.readable(unit_scope(unit, inst_type, ownership)), focus, col, desc
    )
    return list(rows), closed


@per_snapshot(size=256)
def _sorted_rows(
    snapshot: Snapshot, vet_engine: Engine, scope: Scope, focus: str, col: str, desc: bool
) -> tuple[tuple[InstitutionRow, ...], int]:
    rows, closed = _institution_rows(snapshot, vet_engine, scope)
    return tuple(sort_institutions(list(rows), focus, col, desc)), closed


def page_of(
    rows: list[InstitutionRow], page: int, size: int = INSTITUTION_PAGE_SIZE
) -> tuple[list[InstitutionRow], int, int]:
    """The rows of page ``page`` (from 1, clamped to the pages there are), that page and the number of pages."""
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    return rows[(page - 1) * size : page * size], page, pages


def sort_institutions(rows: list[InstitutionRow], focus: str, col: str, desc: bool) -> list[InstitutionRow]:
    """Sorted by a column; missing figures always last, ties by name."""
    if col == "name":
        return sorted(rows, key=lambda r: vi_sort_key(r.name), reverse=desc)
    if col in ("type", "ownership"):
        return sorted(rows, key=lambda r: (getattr(r, col), vi_sort_key(r.name)), reverse=desc)

    def metric(r: InstitutionRow) -> float | None:
        if col in ("short", "share"):
            value = r.shortfall(focus)
            return None if value is None else float(value)
        if col == "done":
            return r.value(focus)
        return r.value(col)

    known = [r for r in rows if metric(r) is not None]
    known.sort(key=lambda r: vi_sort_key(r.name))
    known.sort(key=lambda r: metric(r) or 0.0, reverse=desc)  # stable: ties keep the name order
    return known + [r for r in rows if metric(r) is None]


def clean_focus(focus: str | None, codes: list[str]) -> str:
    if focus is not None and focus in codes:
        return focus
    return DEFAULT_FOCUS if DEFAULT_FOCUS in codes else (codes[0] if codes else DEFAULT_FOCUS)


def parse_inst_sort(search: str | None, codes: list[str]) -> tuple[str, bool]:
    """``?sort=T06&desc=0`` -> ("T06", False); default: the largest gap on the focus target first."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    col = query.get("sort")
    if col is not None and (col in INSTITUTION_SORTS or col in codes):
        return col, query.get("desc", "1") in ("1", "true")
    return "short", True


def parse_inst_page(search: str | None) -> int:
    """``?page=3`` -> 3; anything else -> 1 (a page past the last shows the last)."""
    raw = dict(parse_qsl((search or "").lstrip("?"))).get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


# --- an institution ------------------------------------------------------------------------------


def parse_institution_id(args: list[str]) -> int | None:
    """The id in ``/institution/<id>``; None for anything that is not a positive whole number in range."""
    if not args or not args[0].isdigit() or len(args[0]) > 10:
        return None
    value = int(args[0])
    return value if 0 < value <= MAX_INSTITUTION_ID else None


def profile(services: Services, institution_id: Any, scope: Scope = NATIONAL) -> InstitutionProfile | None:
    """One institution's profile, or None when there is none with this id in ``scope``."""
    if isinstance(institution_id, bool) or not isinstance(institution_id, int):
        return None
    if not 0 < institution_id <= MAX_INSTITUTION_ID:
        return None
    found = institution_profile(services.vet_engine, institution_id, scope)
    if found is not None:
        access.check_province(found.province_code, what=f"institution {institution_id}")
    return found


def position_rows(snapshot: Snapshot, institution_id: int, province_code: str) -> list[PositionRow]:
    """The institution's own figure on each target measured per institution, beside its province and the nation."""
    card = scorecard(snapshot, "34")
    own = snapshot.institutions
    own = own[own["institution_id"] == institution_id]
    by_series = {
        str(s): (int(n), int(d))
        for s, n, d in zip(own["series"].tolist(), own["numerator"].tolist(), own["denominator"].tolist(), strict=True)
    }
    rows = []
    for code in institution_codes(snapshot):
        shown = registry.get(code).provincial
        num, den = by_series.get(shown.key if shown is not None else "", (0, 0))
        rows.append(PositionRow(code, num, den, card.cells[province_code][code], card.totals[code]))
    return rows
