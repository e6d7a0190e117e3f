"""Small read queries on the ``institution`` table: a province's institutions, one institution's profile.

Both read a handful of rows through an index (province code, primary key), never aggregate
over the big tables, so they are safe on a user's click. Each takes an explicit scope: when
province officials log in, access control narrows the scope here, where the data is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from data_sources.queries import data_date
from data_sources.schema import Institution
from data_sources.scope import Scope

PROFILE_COLUMNS = (
    "id",
    "code",
    "name",
    "type",
    "ownership",
    "province_code",
    "legacy_province_code",
    "address",
    "latitude",
    "longitude",
    "established_on",
    "closed_on",
    "high_quality_on",
    "digital_infrastructure_on",
    "platform_connected_on",
    "digital_school_on",
    "profile_updated_on",
)


@dataclass(frozen=True)
class InstitutionProfile:
    id: int
    code: str
    name: str
    type: str
    ownership: str
    province_code: str
    legacy_province_code: str
    address: str | None
    latitude: float | None
    longitude: float | None
    established_on: dt.date
    closed_on: dt.date | None
    high_quality_on: dt.date | None
    digital_infrastructure_on: dt.date | None
    platform_connected_on: dt.date | None
    digital_school_on: dt.date | None
    profile_updated_on: dt.date | None
    as_of: dt.date  # the VET database's data date

    @property
    def is_open(self) -> bool:
        return self.established_on <= self.as_of and (self.closed_on is None or self.closed_on > self.as_of)


def _value(v: object) -> object:
    # Enum columns come back as enum members; the pages speak their plain values.
    return getattr(v, "value", v)


def _in_scope(scope: Scope | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if scope is None:
        return conds
    if scope.province34:
        conds.append(Institution.province_code == scope.province34)
    if scope.province63:
        conds.append(Institution.legacy_province_code == scope.province63)
    if scope.inst_type:
        conds.append(Institution.type == scope.inst_type)
    if scope.ownership:
        conds.append(Institution.ownership == scope.ownership)
    return conds


def institutions_in(engine: Engine, scope: Scope | None) -> pd.DataFrame:
    """The institutions of a scope (normally one province), open or closed, ordered by name.

    Columns: ``PROFILE_COLUMNS`` plus ``is_open`` at the VET database's data date.
    """
    columns = [getattr(Institution, c) for c in PROFILE_COLUMNS]
    with Session(engine) as s:
        as_of = data_date(s) or dt.date.today()
        rows = s.execute(select(*columns).where(*_in_scope(scope)).order_by(Institution.name, Institution.id)).all()
    frame = pd.DataFrame([[_value(v) for v in r] for r in rows], columns=list(PROFILE_COLUMNS))
    if frame.empty:
        frame["is_open"] = pd.Series(dtype=bool)
        return frame
    closed = frame["closed_on"].map(lambda d: d is not None and not pd.isna(d) and d <= as_of)
    frame["is_open"] = (frame["established_on"] <= as_of) & ~closed
    return frame


def institution_profile(engine: Engine, institution_id: int, scope: Scope | None) -> InstitutionProfile | None:
    """One institution by id, or None when there is none in ``scope`` (None: the whole country)."""
    columns = [getattr(Institution, c) for c in PROFILE_COLUMNS]
    with Session(engine) as s:
        row = s.execute(select(*columns).where(Institution.id == institution_id, *_in_scope(scope))).first()
        if row is None:
            return None
        as_of = data_date(s) or dt.date.today()
    values: dict[str, Any] = dict(zip(PROFILE_COLUMNS, (_value(v) for v in row), strict=True))
    return InstitutionProfile(**values, as_of=as_of)
