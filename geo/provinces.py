"""Province code tables: the 63 legacy units (to 30/06/2025) and the 34 current units.

The facts live in ``geo/data/*.csv`` (GSO two-digit codes, names with diacritics, the
official old-to-new mapping). Every merge of 1 July 2025 was whole-province, so each legacy
unit maps to exactly one current unit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
# The built-in boundaries of each level (read by geo.boundaries).
BOUNDARY_FILES = {"63": DATA_DIR / "provinces_63.geojson", "34": DATA_DIR / "provinces_34.geojson"}
CITY = "Thành phố"  # the code tables' kind of a centrally-run city; the other kind is "Tỉnh"


@dataclass(frozen=True)
class LegacyProvince:
    code: str
    name: str
    kind: str  # "Tỉnh" or "Thành phố"
    iso_3166_2: str
    capital_lat: float
    capital_lon: float
    code34: str

    @property
    def is_city(self) -> bool:
        return self.kind == CITY


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    kind: str
    admin_centre: str
    official_area_km2: float
    merged_from: tuple[str, ...]

    @property
    def is_city(self) -> bool:
        return self.kind == CITY


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def legacy_provinces() -> tuple[LegacyProvince, ...]:
    """The 63 provincial units valid until 30 June 2025, in GSO code order."""
    return tuple(
        LegacyProvince(
            code=r["code63"],
            name=r["name"],
            kind=r["type"],
            iso_3166_2=r["iso_3166_2"],
            capital_lat=float(r["capital_lat"]),
            capital_lon=float(r["capital_lon"]),
            code34=r["code34"],
        )
        for r in _rows("provinces_63.csv")
    )


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The 34 provincial units from 1 July 2025 (Resolution 202/2025/QH15), in GSO code order."""
    return tuple(
        Province(
            code=r["code34"],
            name=r["name"],
            kind=r["type"],
            admin_centre=r["admin_centre"],
            official_area_km2=float(r["official_area_km2"]),
            merged_from=tuple(r["merged_from_code63"].split()),
        )
        for r in _rows("provinces_34.csv")
    )


@lru_cache(maxsize=1)
def legacy_by_code() -> dict[str, LegacyProvince]:
    return {p.code: p for p in legacy_provinces()}


@lru_cache(maxsize=1)
def province_by_code() -> dict[str, Province]:
    return {p.code: p for p in provinces()}


def current_code_of(code63: str) -> str:
    """The current (34-unit) code of a legacy province code."""
    return legacy_by_code()[code63].code34
