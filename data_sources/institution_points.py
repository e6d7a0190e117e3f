"""Institutions as map points: one small read of the ``institution`` table, cached per data date.

The map and ``GET /api/v1/institutions`` show the network at the VET database's data date:
institutions established on or before it and not closed by then. The whole table is about
1,900 rows, so it is read once per (database, data date) and filtered in memory afterwards;
a filter change costs microseconds, not a query.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.orm import Session

from data_sources.queries import data_date as read_data_date
from data_sources.schema import INSTITUTION_TYPES, OWNERSHIPS, Institution
from geo import provinces as geo_provinces

# Coordinates to 5 decimals (about a metre): more digits only add bytes.
COORD_DECIMALS = 5

_DATE_COLUMNS = (
    "established_on",
    "digital_infrastructure_on",
    "platform_connected_on",
    "digital_school_on",
    "profile_updated_on",
    "high_quality_on",
)


class PointFilterError(ValueError):
    """A filter value that names nothing (unknown province, type, ownership or flag)."""


@dataclass(frozen=True)
class PointFilter:
    """Which institutions to return; ``None`` means no restriction on that field."""

    province34: str | None = None
    inst_type: str | None = None
    ownership: str | None = None
    connected: bool | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PointFilter:
        """Validate query-string style arguments (``province``, ``type``, ``ownership``, ``connected``)."""
        known = {"province", "type", "ownership", "connected"}
        unknown = sorted(set(args) - known)
        if unknown:
            raise PointFilterError(f"unknown parameter(s) {', '.join(unknown)}; use {', '.join(sorted(known))}")
        province = (args.get("province") or "").strip() or None
        if province is not None and province not in geo_provinces.province_by_code():
            raise PointFilterError(f"unknown province {province!r}: use a two-digit code of the 34 current units")
        inst_type = (args.get("type") or "").strip() or None
        if inst_type is not None and inst_type not in INSTITUTION_TYPES:
            raise PointFilterError(f"unknown type {inst_type!r}; use one of {', '.join(INSTITUTION_TYPES)}")
        ownership = (args.get("ownership") or "").strip() or None
        if ownership is not None and ownership not in OWNERSHIPS:
            raise PointFilterError(f"unknown ownership {ownership!r}; use one of {', '.join(OWNERSHIPS)}")
        raw = (args.get("connected") or "").strip().lower()
        if raw in ("", "all"):
            connected = None
        elif raw in ("true", "false"):
            connected = raw == "true"
        else:
            raise PointFilterError(f"connected must be true or false, got {raw!r}")
        return cls(province, inst_type, ownership, connected)


@dataclass(frozen=True)
class InstitutionPoints:
    """The open institutions at ``data_date``: every column the map needs, one row each."""

    data_date: dt.date
    frame: pd.DataFrame

    def select(self, flt: PointFilter) -> pd.DataFrame:
        f = self.frame
        mask = pd.Series(True, index=f.index)
        if flt.province34:
            mask &= f["code34"] == flt.province34
        if flt.inst_type:
            mask &= f["type"] == flt.inst_type
        if flt.ownership:
            mask &= f["ownership"] == flt.ownership
        if flt.connected is not None:
            mask &= f["connected"] == flt.connected
        return f[mask]


def load_points(engine: Engine) -> InstitutionPoints:
    """The open institutions at the database's data date."""
    return points_at(engine, current_data_date(engine))


def current_data_date(engine: Engine) -> dt.date:
    """The VET database's data date (today when it records none)."""
    with Session(engine) as s:
        return read_data_date(s) or dt.date.today()


def points_at(engine: Engine, as_of: dt.date) -> InstitutionPoints:
    """The institutions open at ``as_of`` (the core keeps them per snapshot: names change with the data)."""
    i = Institution
    stmt = (
        select(
            i.id,
            i.code,
            i.name,
            i.type,
            i.ownership,
            i.province_code,
            i.legacy_province_code,
            i.latitude,
            i.longitude,
            *(getattr(i, c) for c in _DATE_COLUMNS),
        )
        .where(and_(i.established_on <= as_of, or_(i.closed_on.is_(None), i.closed_on > as_of)))
        .order_by(i.id)
    )
    with Session(engine) as s:
        rows = s.execute(stmt).all()
    frame = pd.DataFrame(
        rows, columns=["id", "code", "name", "type", "ownership", "code34", "code63", "lat", "lon", *_DATE_COLUMNS]
    )
    frame["type"] = frame["type"].map(lambda v: getattr(v, "value", v))
    frame["ownership"] = frame["ownership"].map(lambda v: getattr(v, "value", v))

    def done(col: str) -> pd.Series:
        return frame[col].map(lambda d: d is not None and not pd.isna(d) and d <= as_of).astype(bool)

    frame["connected"] = done("platform_connected_on")
    frame["digital_school"] = done("digital_school_on")
    frame["high_quality"] = done("high_quality_on")
    names34 = {p.code: p.name for p in geo_provinces.provinces()}
    names63 = {p.code: p.name for p in geo_provinces.legacy_provinces()}
    frame["province_name"] = frame["code34"].map(names34)
    frame["province63_name"] = frame["code63"].map(names63)
    frame["has_coords"] = frame["lat"].notna() & frame["lon"].notna()
    return InstitutionPoints(as_of, frame)


def _iso(d: Any) -> str | None:
    if d is None or (isinstance(d, float) and math.isnan(d)) or pd.isna(d):
        return None
    iso: str = d.isoformat()
    return iso


def _feature(row: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": int(row.id),
        "geometry": {
            "type": "Point",
            "coordinates": [round(float(row.lon), COORD_DECIMALS), round(float(row.lat), COORD_DECIMALS)],
        },
        "properties": {
            "id": int(row.id),
            "code": row.code,
            "name": row.name,
            "type": row.type,
            "ownership": row.ownership,
            "code34": row.code34,
            "code63": row.code63,
            "province_name": row.province_name,
            "province63_name": row.province63_name,
            "connected": bool(row.connected),
            "digital_school": bool(row.digital_school),
            "high_quality": bool(row.high_quality),
            "infrastructure_on": _iso(row.digital_infrastructure_on),
            "connected_on": _iso(row.platform_connected_on),
            "digital_school_on": _iso(row.digital_school_on),
            "profile_updated_on": _iso(row.profile_updated_on),
        },
    }


def points_geojson(points: InstitutionPoints, flt: PointFilter) -> dict[str, Any]:
    """A FeatureCollection of the filtered institutions that have coordinates.

    Institutions without coordinates cannot be drawn; they are counted in ``without_coordinates``
    so the map can say how many are missing (T10 measures exactly this).
    """
    chosen = points.select(flt)
    located = chosen[chosen["has_coords"]]
    return {
        "type": "FeatureCollection",
        "data_date": points.data_date.isoformat(),
        "count": len(located),
        "without_coordinates": int(len(chosen) - len(located)),
        "features": [_feature(row) for row in located.itertuples(index=False)],
    }
