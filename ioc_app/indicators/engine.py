"""The indicator engine: numerators and denominators per cell, at a date or at every month end.

A *cell* is (legacy province, institution type, ownership): the finest grain every count is
additive over. Any scope (national, a current or legacy province, a type, an ownership, or a
combination) is the sum of its cells' numerators over the sum of their denominators, never an
average of percentages.

The counting runs in the database, grouped by institution (``data_sources.spells``). Here the
per-institution counts get their cell from the small institution table, records of a closed
(or not yet opened) institution are dropped for the dates it was not open, and the counts are
added up per cell: a few thousand rows per series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Engine

from data_sources import spells
from ioc_app.indicators import registry

FIRST_MONTH_END = dt.date(2021, 12, 31)  # the month of the decision: the trajectory's baseline
CELL_COLUMNS = list(spells.CELL_COLUMNS)
CUBE_COLUMNS = ["series", "period_end", *CELL_COLUMNS, "numerator", "denominator"]
NO_INSTITUTION = -1  # national records and a province's own inspections and reports


def month_end(d: dt.date) -> dt.date:
    nxt = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def month_ends(until: dt.date, start: dt.date = FIRST_MONTH_END) -> list[dt.date]:
    """Every month end from ``start`` up to and including ``until`` (if ``until`` is one)."""
    out: list[dt.date] = []
    d = month_end(start)
    while d <= until:
        out.append(d)
        d = month_end(d + dt.timedelta(days=1))
    return out


def period_ends(data_date: dt.date) -> list[dt.date]:
    """The trajectory's dates: every month end since December 2021, then the data date itself."""
    ends = month_ends(data_date)
    if not ends or ends[-1] != data_date:
        ends.append(data_date)
    return ends


def _series_keys(series_keys: Iterable[str] | None) -> list[str]:
    return [s.key for s in registry.all_series()] if series_keys is None else list(series_keys)


def _base_keys(keys: list[str]) -> list[str]:
    """The series to count in the database: derived ones come from their base series' cells."""
    out: list[str] = []
    for key in keys:
        base = spells.DERIVED_SERIES.get(key, (key,))[0]
        if base not in out:
            out.append(base)
    return out


def _with_derived(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add derived series (a base series restricted to some institution types), keep only ``keys``."""
    parts = [frame[frame["series"].isin(keys)]]
    for key in keys:
        if key in spells.DERIVED_SERIES:
            base, allowed = spells.DERIVED_SERIES[key]
            rows = frame[frame["series"] == base]
            parts.append(rows[rows["inst_type"].isin(allowed)].assign(series=key))
    return pd.concat(parts, ignore_index=True)


def _institution_table(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(spells.institutions()).all()
    inst = pd.DataFrame(
        rows, columns=["institution_id", "province63", "inst_type", "ownership", "established_on", "closed_on"]
    )
    for col in ("established_on", "closed_on"):
        inst[col] = pd.to_datetime(inst[col])
    return inst.set_index("institution_id")


def _attach_cells(df: pd.DataFrame, inst: pd.DataFrame) -> pd.DataFrame:
    """Cell columns for per-institution rows; a record's own province for rows without one."""
    ids = df["institution_id"]
    known = ids != NO_INSTITUTION
    out = df.copy()
    own = out["province63"] if "province63" in out else pd.Series(None, index=out.index, dtype=object)
    out["province63"] = own.where(own.notna(), ids.map(inst["province63"])).fillna("").astype(str)
    out["inst_type"] = ids.map(inst["inst_type"]).where(known, "").fillna("").astype(str)
    out["ownership"] = ids.map(inst["ownership"]).where(known, "").fillna("").astype(str)
    return out


def _open_at(inst: pd.DataFrame, ids: pd.Series, dates: pd.Series) -> npt.NDArray[np.bool_]:
    """Whether each row's institution was open at each row's date (established <= d < closed)."""
    when = pd.to_datetime(dates)
    established = ids.map(inst["established_on"])
    closed = ids.map(inst["closed_on"])
    return ((established <= when) & (closed.isna() | (closed > when))).to_numpy()


def _per_institution_at(conn: Connection, key: str, as_of: dt.date, inst: pd.DataFrame) -> pd.DataFrame:
    rows = conn.execute(spells.point_in_time(key, as_of)).all()
    df = pd.DataFrame(rows, columns=["institution_id", "province63", "numerator", "denominator"])
    df["institution_id"] = df["institution_id"].fillna(NO_INSTITUTION).astype("int64")
    if key in spells.WITHIN_OPEN_INSTITUTION and len(df):
        df = df[_open_at(inst, df["institution_id"], pd.Series(as_of, index=df.index))]
    df = _attach_cells(df, inst)
    df.insert(0, "series", key)
    return df


def _counts_at(engine: Engine, as_of: dt.date, keys: list[str]) -> pd.DataFrame:
    """Per series, institution and cell: numerator and denominator at ``as_of``."""
    with engine.connect() as conn:
        inst = _institution_table(conn)
        frames = [_per_institution_at(conn, key, as_of, inst) for key in _base_keys(keys)]
    df = pd.concat(frames, ignore_index=True)
    df[["numerator", "denominator"]] = df[["numerator", "denominator"]].astype("int64")
    return _with_derived(df, keys)


def _cells_of(counts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    out = counts.groupby(["series", *CELL_COLUMNS], as_index=False)[["numerator", "denominator"]].sum()
    out.insert(1, "period_end", as_of)
    return out[(out.numerator != 0) | (out.denominator != 0)].reset_index(drop=True)


def _institutions_of(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts[(counts.institution_id != NO_INSTITUTION) & (counts.denominator != 0)]
    return out[["series", "institution_id", "numerator", "denominator"]].reset_index(drop=True)


def cells_at(engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Per series and cell, numerator and denominator at ``as_of``."""
    return _cells_of(_counts_at(engine, as_of, _series_keys(series_keys)), as_of)


def institutions_at(engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Per series and institution, numerator and denominator at ``as_of`` (each institution's own position)."""
    return _institutions_of(_counts_at(engine, as_of, _series_keys(series_keys)))


def _empty_cube() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c in ("numerator", "denominator") else object) for c in CUBE_COLUMNS}
    )


def _monthly_series(conn: Connection, key: str, ends: list[dt.date], inst: pd.DataFrame) -> pd.DataFrame | None:
    """One series' cube: +n/-n per institution and month from the database, then running sums."""
    rows = conn.execute(spells.monthly_deltas(key)).all()
    if not rows:
        return None
    deltas = pd.DataFrame(rows, columns=["institution_id", "province63", "month", "field", "delta"])
    deltas["institution_id"] = deltas["institution_id"].fillna(NO_INSTITUTION).astype("int64")
    deltas["province63"] = deltas["province63"].fillna("")
    # Changes before the baseline month all count from the baseline; later ones are dropped.
    first = ends[0].strftime("%Y-%m")
    month_index = {d.strftime("%Y-%m"): i for i, d in enumerate(ends)}
    deltas["month"] = deltas["month"].where(deltas["month"] >= first, first)
    deltas["idx"] = deltas["month"].map(month_index)
    deltas = deltas.dropna(subset=["idx"])
    if deltas.empty:
        return None
    wide = deltas.pivot_table(
        index=["institution_id", "province63", "field"], columns="idx", values="delta", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=range(len(ends)), fill_value=0).cumsum(axis=1)
    stacked = wide.stack()
    assert isinstance(stacked, pd.Series)  # single-level columns stack to a Series
    long = stacked.rename("value").reset_index()
    long = long[long["value"] != 0]
    long["period_end"] = long["idx"].astype(int).map(dict(enumerate(ends)))
    if key in spells.WITHIN_OPEN_INSTITUTION:
        long = long[_open_at(inst, long["institution_id"], long["period_end"])]
    long = _attach_cells(long.assign(province63=long["province63"].replace("", None)), inst)
    cube = long.pivot_table(
        index=[*CELL_COLUMNS, "period_end"], columns="field", values="value", aggfunc="sum", fill_value=0
    ).reset_index()
    for col in ("numerator", "denominator"):
        if col not in cube:
            cube[col] = 0
    cube.insert(0, "series", key)
    return cube[CUBE_COLUMNS]


def monthly_cells(
    engine: Engine, data_date: dt.date, series_keys: Iterable[str] | None = None, last_point: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The cube: per series, period end and cell, numerator and denominator.

    Month ends come from +n/-n changes per month and a running sum; the last point, the data
    date, is counted exactly at that date (a partial month cannot be bucketed) unless the
    caller already has it (``last_point``, cells at the data date).
    """
    keys = _series_keys(series_keys)
    ends = month_ends(data_date)
    frames = []
    if ends:
        with engine.connect() as conn:
            inst = _institution_table(conn)
            frames = [f for key in _base_keys(keys) if (f := _monthly_series(conn, key, ends, inst)) is not None]
    cube = _with_derived(pd.concat(frames, ignore_index=True), keys) if frames else _empty_cube()
    cube[["numerator", "denominator"]] = cube[["numerator", "denominator"]].astype("int64")
    cube = cube[(cube.numerator != 0) | (cube.denominator != 0)]
    if not ends or ends[-1] != data_date:
        last = last_point if last_point is not None else cells_at(engine, data_date, keys)
        cube = pd.concat([cube, last], ignore_index=True)
    return cube.sort_values(["series", "period_end", *CELL_COLUMNS]).reset_index(drop=True)


def snapshot_frames(engine: Engine, data_date: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everything a snapshot stores: the cube of every series, and each institution's own figures.

    The data date is counted once and serves both.
    """
    keys = _series_keys(None)
    counts = _counts_at(engine, data_date, keys)
    cube = monthly_cells(engine, data_date, keys, last_point=_cells_of(counts, data_date))
    return cube, _institutions_of(counts)


def value(numerator: float, denominator: float) -> float | None:
    """The share, or None ("no data") when the denominator is zero: never 0%, never a crash."""
    return float(numerator) / float(denominator) if denominator else None


def values(df: pd.DataFrame) -> pd.Series:
    den = df["denominator"].astype(float)
    return (df["numerator"].astype(float) / den.where(den != 0, np.nan)).astype(float)
