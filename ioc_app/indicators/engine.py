"""The indicator engine: numerators and denominators per cell, at a date or at every month end.

A *cell* is (legacy province, institution type, ownership): the finest grain every count is
additive over. Any scope (national, a current or legacy province, a type, an ownership, or a
combination) is the sum of its cells' numerators over the sum of their denominators, never an
average of percentages. The counting runs in the database (``data_sources.spells``); pandas
only adds up a few thousand per-cell rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data_sources import spells
from ioc_app.indicators import registry

FIRST_MONTH_END = dt.date(2021, 12, 31)  # the month of the decision: the trajectory's baseline
CELL_COLUMNS = list(spells.CELL_COLUMNS)
CUBE_COLUMNS = ["series", "period_end", *CELL_COLUMNS, "numerator", "denominator"]


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


def _clean_cells(df: pd.DataFrame) -> pd.DataFrame:
    for col in CELL_COLUMNS:
        df[col] = df[col].fillna("").astype(str)
    return df


def cells_at(engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Per series and cell, numerator and denominator at ``as_of`` (one grouped query per series)."""
    frames = []
    with engine.connect() as conn:
        for key in _series_keys(series_keys):
            rows = conn.execute(spells.point_in_time(key, as_of)).all()
            df = pd.DataFrame(rows, columns=[*CELL_COLUMNS, "numerator", "denominator"])
            df.insert(0, "series", key)
            frames.append(df)
    out = _clean_cells(pd.concat(frames, ignore_index=True)) if frames else _empty_cube().drop(columns="period_end")
    out.insert(1, "period_end", as_of)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("int64")
    return out[(out.numerator != 0) | (out.denominator != 0)].reset_index(drop=True)


def institutions_at(engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Per series and institution, numerator and denominator at ``as_of`` (each institution's own position)."""
    frames = []
    with engine.connect() as conn:
        for key in _series_keys(series_keys):
            rows = conn.execute(spells.point_in_time(key, as_of, by_institution=True)).all()
            df = pd.DataFrame(rows, columns=["institution_id", "numerator", "denominator"])
            df.insert(0, "series", key)
            frames.append(df[df["institution_id"].notna()])
    out = pd.concat(frames, ignore_index=True)
    out = out.astype({"institution_id": "int64", "numerator": "int64", "denominator": "int64"})
    return out[out.denominator != 0].reset_index(drop=True)


def _empty_cube() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("numerator", "denominator") else object)
                         for c in CUBE_COLUMNS})


def monthly_cells(engine: Engine, data_date: dt.date, series_keys: Iterable[str] | None = None) -> pd.DataFrame:
    """The cube: per series, period end and cell, numerator and denominator.

    Month ends come from one pass of +1/-1 changes per month and a running sum; the last
    point, the data date, is counted exactly at that date (a partial month cannot be bucketed).
    """
    keys = _series_keys(series_keys)
    ends = month_ends(data_date)
    month_index = {d.strftime("%Y-%m"): i for i, d in enumerate(ends)}
    first, n = ends[0].strftime("%Y-%m"), len(ends)
    frames = []
    with engine.connect() as conn:
        for key in keys:
            rows = conn.execute(spells.monthly_deltas(key)).all()
            if not rows:
                continue
            deltas = _clean_cells(pd.DataFrame(rows, columns=[*CELL_COLUMNS, "month", "field", "delta"]))
            # Changes before the baseline month all count from the baseline; later ones are dropped.
            deltas["month"] = deltas["month"].where(deltas["month"] >= first, first)
            deltas["idx"] = deltas["month"].map(month_index)
            deltas = deltas.dropna(subset=["idx"])
            if deltas.empty:
                continue
            wide = deltas.pivot_table(index=[*CELL_COLUMNS, "field"], columns="idx", values="delta",
                                      aggfunc="sum", fill_value=0)
            wide = wide.reindex(columns=range(n), fill_value=0).cumsum(axis=1)
            long = wide.stack().rename("value").reset_index()
            long = long.pivot_table(index=[*CELL_COLUMNS, "idx"], columns="field", values="value",
                                    fill_value=0).reset_index()
            for col in ("numerator", "denominator"):
                if col not in long:
                    long[col] = 0
            long["period_end"] = long["idx"].astype(int).map(dict(enumerate(ends)))
            long.insert(0, "series", key)
            frames.append(long[CUBE_COLUMNS])
    cube = pd.concat(frames, ignore_index=True) if frames else _empty_cube()
    cube[["numerator", "denominator"]] = cube[["numerator", "denominator"]].astype("int64")
    cube = cube[(cube.numerator != 0) | (cube.denominator != 0)]
    if not ends or ends[-1] != data_date:
        cube = pd.concat([cube, cells_at(engine, data_date, keys)], ignore_index=True)
    return cube.sort_values(["series", "period_end", *CELL_COLUMNS]).reset_index(drop=True)


def value(numerator: float, denominator: float) -> float | None:
    """The share, or None ("no data") when the denominator is zero: never 0%, never a crash."""
    return float(numerator) / float(denominator) if denominator else None


def values(df: pd.DataFrame) -> pd.Series:
    den = df["denominator"].astype(float)
    return (df["numerator"].astype(float) / den.where(den != 0, np.nan)).astype(float)
