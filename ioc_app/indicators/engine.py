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
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Engine

from data_sources import spells
from data_sources.counting import CountingRules, default_rules
from ioc_app.indicators import registry

FIRST_MONTH_END = dt.date(2021, 12, 31)  # the month of the decision: the trajectory's baseline
CELL_COLUMNS = list(spells.CELL_COLUMNS)
CUBE_COLUMNS = ["series", "period_end", *CELL_COLUMNS, "numerator", "denominator"]
COMPARISON_COLUMNS = ["series", "as_of", *CELL_COLUMNS, "numerator", "denominator"]
COMPARISON_DAYS = (1, 7)  # "since yesterday" and "since last week"
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
    inst = pd.DataFrame(rows, columns=["institution_id", "province63", "inst_type", "ownership", *_INSTITUTION_DATES])
    for col in _INSTITUTION_DATES:
        inst[col] = pd.to_datetime(inst[col])
    return inst.set_index("institution_id")


_INSTITUTION_DATES = ("established_on", "closed_on", "learner_data_integrated_on")


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


def _queried_keys(base: list[str]) -> list[str]:
    """The series read from the database: institution shares are computed from their records series."""
    out = [k for k in base if k not in spells.INSTITUTION_SHARES]
    for key in base:
        share = spells.INSTITUTION_SHARES.get(key)
        if share is not None and share.records not in out:
            out.append(share.records)
    return out


def _share_long(
    inst: pd.DataFrame,
    ends: list[dt.date],
    records: pd.DataFrame | None,
    share: spells.InstitutionShare,
    minimum: Fraction,
) -> pd.DataFrame:
    """An institution share per institution and date: institution_id, idx, numerator (0/1), denominator (1).

    ``records`` holds the records series' per-institution counts, index (institution_id, field) with
    field numerator/denominator, one column per date index; institutions without records have none.
    Only institutions open at a date are in its population.
    """
    ids = inst.index.to_numpy(np.int64)
    num = np.zeros((len(ids), len(ends)), np.int64)
    den = np.zeros((len(ids), len(ends)), np.int64)
    if records is not None and not records.empty:
        per = records.groupby(level=["institution_id", "field"]).sum()
        for field, out in (("numerator", num), ("denominator", den)):
            if field in per.index.get_level_values("field"):
                part = per.xs(field, level="field")
                assert isinstance(part, pd.DataFrame)  # a field of a frame selects a frame
                out[:] = part.reindex(index=ids, columns=range(len(ends)), fill_value=0).to_numpy(np.int64)
    when = pd.to_datetime(pd.Series(ends)).to_numpy()[None, :]
    established = inst["established_on"].to_numpy()[:, None]
    closed = inst["closed_on"].to_numpy()[:, None]
    fact = inst[share.fact].to_numpy()[:, None]
    open_ = (established <= when) & (pd.isna(closed) | (closed > when))
    has_fact = ~pd.isna(fact) & (fact <= when)
    # Integer comparison: num / den >= p / q, with no records meeting it.
    deep = num * minimum.denominator >= den * minimum.numerator
    rows, idx = np.nonzero(open_)
    return pd.DataFrame(
        {
            "institution_id": ids[rows],
            "idx": idx,
            "numerator": (has_fact & deep)[rows, idx].astype(np.int64),
            "denominator": np.ones(len(rows), np.int64),
        }
    )


def _per_institution_on(
    conn: Connection, key: str, dates: list[dt.date], inst: pd.DataFrame, rules: CountingRules
) -> pd.DataFrame:
    """institution_id, province63, at (index into ``dates``), numerator, denominator; no all-zero rows."""
    sums = [f"{field}_{i}" for i in range(len(dates)) for field in ("numerator", "denominator")]
    rows = conn.execute(spells.points_in_time(key, dates, rules)).all()
    wide = pd.DataFrame(rows, columns=["institution_id", "province63", *sums])
    wide["institution_id"] = wide["institution_id"].fillna(NO_INSTITUTION).astype("int64")
    columns = ["institution_id", "province63", "numerator", "denominator"]
    parts = [
        wide[["institution_id", "province63", f"numerator_{i}", f"denominator_{i}"]].set_axis(columns, axis=1)
        for i in range(len(dates))
    ]
    long = pd.concat(parts, keys=range(len(dates)), names=["at", None]).reset_index(level="at")
    long = long[(long["numerator"] != 0) | (long["denominator"] != 0)].reset_index(drop=True)
    if key in spells.WITHIN_OPEN_INSTITUTION and len(long):
        when = long["at"].map(dict(enumerate(dates)))
        long = long[_open_at(inst, long["institution_id"], when)].reset_index(drop=True)
    return long


def _with_cells(df: pd.DataFrame, key: str, inst: pd.DataFrame) -> pd.DataFrame:
    out = _attach_cells(df, inst)
    out.insert(0, "series", key)
    return out


def _share_on(
    records: pd.DataFrame,
    inst: pd.DataFrame,
    dates: list[dt.date],
    share: spells.InstitutionShare,
    rules: CountingRules,
) -> pd.DataFrame:
    """An institution share at each date from its records series' rows (as ``_per_institution_on``)."""
    counts = records.melt(
        id_vars=["institution_id", "at"], value_vars=["numerator", "denominator"], var_name="field", value_name="n"
    )
    wide = (
        counts.pivot_table(index=["institution_id", "field"], columns="at", values="n", aggfunc="sum", fill_value=0)
        if len(counts)
        else None
    )
    long = _share_long(inst, dates, wide, share, rules.min_record_share)
    return long.rename(columns={"idx": "at"}).assign(province63=None)


def _counts_on(engine: Engine, dates: list[dt.date], keys: list[str], rules: CountingRules) -> list[pd.DataFrame]:
    """Per date (in ``dates`` order), series, institution and cell: numerator and denominator.

    Every date is counted in the same pass over each series' records, and the cells are attached
    once for all of them, so comparing the data date with earlier days costs a few more sums per
    row, not another scan.
    """
    base = _base_keys(keys)
    with engine.connect() as conn:
        inst = _institution_table(conn)
        counts = {key: _per_institution_on(conn, key, dates, inst, rules) for key in _queried_keys(base)}
    for key in base:
        share = spells.INSTITUTION_SHARES.get(key)
        if share is not None:
            counts[key] = _share_on(counts[share.records], inst, dates, share, rules)
    df = pd.concat([_with_cells(counts[key], key, inst) for key in base], ignore_index=True)
    df[["numerator", "denominator"]] = df[["numerator", "denominator"]].astype("int64")
    df = _with_derived(df, keys)
    at = df.pop("at").to_numpy()
    return [df[at == i].reset_index(drop=True) for i in range(len(dates))]


def _counts_at(engine: Engine, as_of: dt.date, keys: list[str], rules: CountingRules) -> pd.DataFrame:
    """Per series, institution and cell: numerator and denominator at ``as_of``."""
    return _counts_on(engine, [as_of], keys, rules)[0]


def _cells_of(counts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    out = counts.groupby(["series", *CELL_COLUMNS], as_index=False)[["numerator", "denominator"]].sum()
    out.insert(1, "period_end", as_of)
    return out[(out.numerator != 0) | (out.denominator != 0)].reset_index(drop=True)


def _institutions_of(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts[(counts.institution_id != NO_INSTITUTION) & (counts.denominator != 0)]
    return out[["series", "institution_id", "numerator", "denominator"]].reset_index(drop=True)


def cells_at(
    engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> pd.DataFrame:
    """Per series and cell, numerator and denominator at ``as_of``."""
    return _cells_of(_counts_at(engine, as_of, _series_keys(series_keys), rules or default_rules()), as_of)


def cells_on(
    engine: Engine, dates: list[dt.date], series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> list[pd.DataFrame]:
    """``cells_at`` for several dates (in ``dates`` order), counted in one pass over each series' records."""
    counts = _counts_on(engine, dates, _series_keys(series_keys), rules or default_rules())
    return [_cells_of(c, d) for c, d in zip(counts, dates, strict=True)]


def institutions_at(
    engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> pd.DataFrame:
    """Per series and institution, numerator and denominator at ``as_of`` (each institution's own position)."""
    return _institutions_of(_counts_at(engine, as_of, _series_keys(series_keys), rules or default_rules()))


def _empty_cube() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c in ("numerator", "denominator") else object) for c in CUBE_COLUMNS}
    )


def _monthly_wide(conn: Connection, key: str, ends: list[dt.date], rules: CountingRules) -> pd.DataFrame | None:
    """One series' running sums per (institution, record province, field) and date index, from +n/-n per month."""
    rows = conn.execute(spells.monthly_deltas(key, rules)).all()
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
    return wide.reindex(columns=range(len(ends)), fill_value=0).cumsum(axis=1)


def _long_of(wide: pd.DataFrame) -> pd.DataFrame:
    stacked = wide.stack()
    assert isinstance(stacked, pd.Series)  # single-level columns stack to a Series
    long = stacked.rename("value").reset_index()
    return long[long["value"] != 0]


def _share_long_fields(long: pd.DataFrame) -> pd.DataFrame:
    """An institution share's rows in the shape of ``_long_of``: one row per field."""
    melted = long.melt(id_vars=["institution_id", "idx"], value_vars=["numerator", "denominator"], var_name="field")
    return melted.assign(province63="")


def _cube_of(long: pd.DataFrame, key: str, ends: list[dt.date], inst: pd.DataFrame) -> pd.DataFrame:
    long = long.assign(period_end=long["idx"].astype(int).map(dict(enumerate(ends))))
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


def _monthly_frames(
    conn: Connection, keys: list[str], ends: list[dt.date], inst: pd.DataFrame, rules: CountingRules
) -> list[pd.DataFrame]:
    """Each base series' cube at every month end."""
    base = _base_keys(keys)
    wides = {key: _monthly_wide(conn, key, ends, rules) for key in _queried_keys(base)}
    frames = []
    for key in base:
        share = spells.INSTITUTION_SHARES.get(key)
        if share is not None:
            records = wides[share.records]
            by_institution = None if records is None else records.droplevel("province63")
            long = _share_long_fields(_share_long(inst, ends, by_institution, share, rules.min_record_share))
        elif (wide := wides[key]) is not None:
            long = _long_of(wide)
        else:
            continue
        if len(long):
            frames.append(_cube_of(long, key, ends, inst))
    return frames


def monthly_cells(
    engine: Engine,
    data_date: dt.date,
    series_keys: Iterable[str] | None = None,
    last_point: pd.DataFrame | None = None,
    rules: CountingRules | None = None,
) -> pd.DataFrame:
    """The cube: per series, period end and cell, numerator and denominator.

    Month ends come from +n/-n changes per month and a running sum; the last point, the data
    date, is counted exactly at that date (a partial month cannot be bucketed) unless the
    caller already has it (``last_point``, cells at the data date).
    """
    keys = _series_keys(series_keys)
    rules = rules or default_rules()
    ends = month_ends(data_date)
    frames = []
    if ends:
        with engine.connect() as conn:
            frames = _monthly_frames(conn, keys, ends, _institution_table(conn), rules)
    cube = _with_derived(pd.concat(frames, ignore_index=True), keys) if frames else _empty_cube()
    cube[["numerator", "denominator"]] = cube[["numerator", "denominator"]].astype("int64")
    cube = cube[(cube.numerator != 0) | (cube.denominator != 0)]
    if not ends or ends[-1] != data_date:
        last = last_point if last_point is not None else cells_at(engine, data_date, keys, rules)
        cube = pd.concat([cube, last], ignore_index=True)
    return cube.sort_values(["series", "period_end", *CELL_COLUMNS]).reset_index(drop=True)


def comparison_dates(data_date: dt.date) -> list[dt.date]:
    """The days the data date is compared with (a day and a week before), none before the first period end."""
    earlier = (data_date - dt.timedelta(days=n) for n in COMPARISON_DAYS)
    return [d for d in earlier if d >= FIRST_MONTH_END]


@dataclass(frozen=True)
class SnapshotFrames:
    """Everything a snapshot stores."""

    cube: pd.DataFrame  # CUBE_COLUMNS: every series and cell at every period end
    institutions: pd.DataFrame  # series, institution_id, numerator, denominator at the data date
    comparisons: pd.DataFrame  # COMPARISON_COLUMNS: cells at the comparison dates that are no period end


def snapshot_frames(engine: Engine, data_date: dt.date, rules: CountingRules | None = None) -> SnapshotFrames:
    """The cube of every series, each institution's own figures, and the cells at the comparison dates.

    The data date and the comparison dates are counted in one pass; a comparison date that is a
    month end is in the cube already and is not counted again.
    """
    keys = _series_keys(None)
    rules = rules or default_rules()
    ends = set(period_ends(data_date))
    extra = [d for d in comparison_dates(data_date) if d not in ends]
    counts = _counts_on(engine, [data_date, *extra], keys, rules)
    cube = monthly_cells(engine, data_date, keys, last_point=_cells_of(counts[0], data_date), rules=rules)
    parts = [_cells_of(c, d).rename(columns={"period_end": "as_of"}) for c, d in zip(counts[1:], extra, strict=True)]
    comparisons = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COMPARISON_COLUMNS)
    return SnapshotFrames(cube, _institutions_of(counts[0]), comparisons[COMPARISON_COLUMNS])


def value(numerator: float, denominator: float) -> float | None:
    """The share, or None ("no data") when the denominator is zero: never 0%, never a crash."""
    return float(numerator) / float(denominator) if denominator else None


def values(df: pd.DataFrame) -> pd.Series:
    den = df["denominator"].astype(float)
    return (df["numerator"].astype(float) / den.where(den != 0, np.nan)).astype(float)
