"""The indicator engine: numerators and denominators per cell, at a date or at every month end.

A *cell* is (legacy province, institution type, ownership): the finest grain every count is
additive over. Any scope (national, a current or legacy province, a type, an ownership, or a
combination) is the sum of its cells' numerators over the sum of their denominators, never an
average of percentages.

Each series' records are read once, grouped by institution (``data_sources.spells``), and counted
at every date the caller needs in that one read (``spell_counts``): the month ends, the data date,
the days it is compared with. Here the per-institution counts get their cell from the small
institution table, records of a closed (or not yet opened) institution are dropped for the dates it
was not open, and the counts are added up per cell: a few thousand groups per series.
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
from ioc_app.indicators import registry, spell_counts
from ioc_app.indicators.spell_counts import NO_INSTITUTION, Ints

FIRST_MONTH_END = dt.date(2021, 12, 31)  # the month of the decision: the trajectory's baseline
CELL_COLUMNS = list(spells.CELL_COLUMNS)
CUBE_COLUMNS = ["series", "period_end", *CELL_COLUMNS, "numerator", "denominator"]
COMPARISON_COLUMNS = ["series", "as_of", *CELL_COLUMNS, "numerator", "denominator"]
COMPARISON_DAYS = (1, 7)  # "since yesterday" and "since last week"


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


def _queried_keys(base: list[str]) -> list[str]:
    """The series read from the database: institution shares are computed from their records series."""
    out = [k for k in base if k not in spells.INSTITUTION_SHARES]
    for key in base:
        share = spells.INSTITUTION_SHARES.get(key)
        if share is not None and share.records not in out:
            out.append(share.records)
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


@dataclass(frozen=True)
class _Institutions:
    """The small institution table as arrays: cells, and dates as yyyymmdd (0 for NULL)."""

    index: pd.Index  # institution ids, in the table's order
    province63: npt.NDArray[np.object_]
    inst_type: npt.NDArray[np.object_]
    ownership: npt.NDArray[np.object_]
    dates: dict[str, Ints]  # established_on, closed_on, learner_data_integrated_on

    def rows(self, ids: Ints) -> Ints:
        """Each id's row in the table, -1 for an id it does not have (and for NO_INSTITUTION)."""
        return self.index.get_indexer(pd.Index(ids)).astype(np.int64)

    def take(self, values: npt.NDArray[np.object_], rows: Ints, missing: object) -> npt.NDArray[np.object_]:
        """A cell column of the table at ``rows``, ``missing`` where a row is -1."""
        out = np.full(len(rows), missing, dtype=object)
        known = rows >= 0
        out[known] = values[rows[known]]
        return out

    def day(self, name: str, rows: Ints) -> Ints:
        """A date column (yyyymmdd) at ``rows``, 0 (NULL) where a row is -1."""
        out = np.zeros(len(rows), np.int64)
        known = rows >= 0
        out[known] = self.dates[name][rows[known]]
        return out

    def open_at(self, rows: Ints, days: list[dt.date]) -> npt.NDArray[np.bool_]:
        """Whether each row's institution was open at each day (established <= d < closed): rows x days.

        An institution the table does not have (or no institution) is never open."""
        established = self.day("established_on", rows)[:, None]
        closed = self.day("closed_on", rows)[:, None]
        when = np.asarray([spell_counts.day_number(d) for d in days], np.int64)[None, :]
        open_: npt.NDArray[np.bool_] = (established != 0) & (established <= when) & ((closed == 0) | (closed > when))
        return open_


_INSTITUTION_DATES = ("established_on", "closed_on", "learner_data_integrated_on")


def _institution_table(conn: Connection) -> _Institutions:
    rows = conn.execute(spells.institutions()).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * (4 + len(_INSTITUTION_DATES))
    return _Institutions(
        index=pd.Index(np.asarray(columns[0], np.int64)),
        province63=np.asarray(columns[1], object),
        inst_type=np.asarray(columns[2], object),
        ownership=np.asarray(columns[3], object),
        dates={
            name: np.asarray([spell_counts.day_number(d) for d in columns[4 + i]], np.int64)
            for i, name in enumerate(_INSTITUTION_DATES)
        },
    )


@dataclass(frozen=True)
class _Counts:
    """One series' numerators and denominators per group (institution, record province) and date."""

    institution_id: Ints
    province63: npt.NDArray[np.object_]
    num: Ints  # groups x dates
    den: Ints


def _share_counts(
    records: _Counts, inst: _Institutions, days: list[dt.date], share: spells.InstitutionShare, minimum: Fraction
) -> _Counts:
    """An institution share per institution and date: 1 in the denominator for each institution open
    then, 1 in the numerator when its ``fact`` is dated on or before and its records reach the minimum
    share (an institution with no records meets it)."""
    size = len(inst.index)
    num = np.zeros((size, len(days)), np.int64)
    den = np.zeros((size, len(days)), np.int64)
    rows = inst.rows(records.institution_id)
    known = rows >= 0
    np.add.at(num, rows[known], records.num[known])
    np.add.at(den, rows[known], records.den[known])
    when = np.asarray([spell_counts.day_number(d) for d in days], np.int64)[None, :]
    fact = inst.dates[share.fact][:, None]
    has_fact = (fact != 0) & (fact <= when)
    # Integer comparison: num / den >= p / q, with no records meeting it.
    deep = num * minimum.denominator >= den * minimum.numerator
    open_ = inst.open_at(np.arange(size, dtype=np.int64), days)
    return _Counts(
        institution_id=inst.index.to_numpy(np.int64),
        province63=np.full(size, None, object),
        num=(open_ & has_fact & deep).astype(np.int64),
        den=open_.astype(np.int64),
    )


def _counted(
    conn: Connection,
    keys: list[str],
    inst: _Institutions,
    rules: CountingRules,
    ends: list[dt.date],
    days: list[dt.date],
) -> dict[str, tuple[_Counts, _Counts]]:
    """Per base series of ``keys``: its counts at every month end of ``ends`` and at each of ``days``.

    Each series' records are read once for both; records of an institution count only on the dates
    it is open.
    """
    base = _base_keys(keys)
    read = spell_counts.read_series(conn, _queried_keys(base), rules)
    raw: dict[str, tuple[_Counts, _Counts]] = {}
    for key, sp in read.items():
        monthly = spell_counts.at_month_ends(sp, ends) if ends else (_none(sp.groups), _none(sp.groups))
        on_days = spell_counts.at_days(sp, days)
        raw[key] = tuple(  # type: ignore[assignment]  # a pair, built in a loop
            _Counts(sp.institution_id, sp.province63, num, den) for num, den in (monthly, on_days)
        )
    out: dict[str, tuple[_Counts, _Counts]] = {}
    for key in base:
        share = spells.INSTITUTION_SHARES.get(key)
        if share is not None:
            records = raw[share.records]
            out[key] = (
                _share_counts(records[0], inst, ends, share, rules.min_record_share),
                _share_counts(records[1], inst, days, share, rules.min_record_share),
            )
        elif key in spells.WITHIN_OPEN_INSTITUTION:
            out[key] = tuple(  # type: ignore[assignment]
                _within_open(c, inst, dates) for c, dates in zip(raw[key], (ends, days), strict=True)
            )
        else:
            out[key] = raw[key]
    return out


def _none(groups: int) -> Ints:
    return np.zeros((groups, 0), np.int64)


def _within_open(counts: _Counts, inst: _Institutions, dates: list[dt.date]) -> _Counts:
    """Records of an institution count only while it is open (so the big tables are never joined)."""
    open_ = inst.open_at(inst.rows(counts.institution_id), dates)
    return _Counts(counts.institution_id, counts.province63, counts.num * open_, counts.den * open_)


@dataclass(frozen=True)
class _Cells:
    """A series' groups and their cells: a record's own province where it has one, else its institution's."""

    codes: npt.NDArray[np.intp]  # per group: its row in ``cells``
    cells: pd.DataFrame  # CELL_COLUMNS, one row per cell
    inst_type: npt.NDArray[np.object_]  # per group

    @classmethod
    def of(cls, counts: _Counts, inst: _Institutions) -> _Cells:
        rows = inst.rows(counts.institution_id)
        own = counts.province63
        province = np.where(pd.notna(own), own, inst.take(inst.province63, rows, None))
        frame = pd.DataFrame(
            {
                "province63": province,
                "inst_type": inst.take(inst.inst_type, rows, ""),
                "ownership": inst.take(inst.ownership, rows, ""),
            },
            dtype=object,
        )
        frame = frame.fillna("").astype(str)
        codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
        cells = pd.DataFrame(list(uniques), columns=CELL_COLUMNS, dtype=object)
        return cls(np.asarray(codes, np.intp), cells, frame["inst_type"].to_numpy(object))


def _cells_frame(key: str, counts: _Counts, dates: list[dt.date], cells: _Cells, date_column: str) -> pd.DataFrame:
    """Per cell and date (the column ``date_column``): the series' numerator and denominator, no all-zero rows."""
    num = np.zeros((len(cells.cells), len(dates)), np.int64)
    den = np.zeros((len(cells.cells), len(dates)), np.int64)
    np.add.at(num, cells.codes, counts.num)
    np.add.at(den, cells.codes, counts.den)
    cell, at = np.nonzero((num != 0) | (den != 0))
    frame = cells.cells.iloc[cell].reset_index(drop=True)
    frame.insert(0, date_column, np.asarray(dates, object)[at])
    frame.insert(0, "series", key)
    frame["numerator"] = num[cell, at]
    frame["denominator"] = den[cell, at]
    return frame


def _institutions_frame(key: str, counts: _Counts, cells: _Cells, column: int) -> pd.DataFrame:
    """Each institution's own numerator and denominator at one date (where it has a denominator)."""
    keep = (counts.institution_id != NO_INSTITUTION) & (counts.den[:, column] != 0)
    return pd.DataFrame(
        {
            "series": key,
            "institution_id": counts.institution_id[keep],
            "inst_type": cells.inst_type[keep],
            "numerator": counts.num[keep, column],
            "denominator": counts.den[keep, column],
        }
    )


def _frames(parts: list[pd.DataFrame], keys: list[str], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("numerator", "denominator") else object) for c in columns}
        )
    frame = _with_derived(pd.concat(parts, ignore_index=True), keys)
    frame[["numerator", "denominator"]] = frame[["numerator", "denominator"]].astype("int64")
    return frame[columns]


@dataclass(frozen=True)
class _Counted:
    """Everything counted in one read of each series: cells at month ends and at days, institutions."""

    monthly: pd.DataFrame  # CUBE_COLUMNS at every month end
    days: list[pd.DataFrame]  # CUBE_COLUMNS per day, in the order asked
    institutions: pd.DataFrame  # at the first day


def _count(engine: Engine, keys: list[str], rules: CountingRules, ends: list[dt.date], days: list[dt.date]) -> _Counted:
    with engine.connect() as conn:
        inst = _institution_table(conn)
        counts = _counted(conn, keys, inst, rules, ends, days)
    monthly, on_days, institutions = [], [], []
    for key, (at_ends, at_days) in counts.items():
        cells = _Cells.of(at_days, inst)  # the same groups at the month ends and at the days
        if ends:
            monthly.append(_cells_frame(key, at_ends, ends, cells, "period_end"))
        on_days.append(_cells_frame(key, at_days, days, cells, "period_end"))
        institutions.append(_institutions_frame(key, at_days, cells, 0))
    day_frame = _frames(on_days, keys, CUBE_COLUMNS)
    return _Counted(
        monthly=_frames(monthly, keys, CUBE_COLUMNS),
        days=[day_frame[day_frame["period_end"] == d].reset_index(drop=True) for d in days],
        institutions=_frames(institutions, keys, ["series", "institution_id", "inst_type", "numerator", "denominator"])[
            ["series", "institution_id", "numerator", "denominator"]
        ].reset_index(drop=True),
    )


def cells_at(
    engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> pd.DataFrame:
    """Per series and cell, numerator and denominator at ``as_of``."""
    return cells_on(engine, [as_of], series_keys, rules)[0]


def cells_on(
    engine: Engine, dates: list[dt.date], series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> list[pd.DataFrame]:
    """``cells_at`` for several dates (in ``dates`` order), counted in one read of each series' records."""
    return _count(engine, _series_keys(series_keys), rules or default_rules(), [], dates).days


def institutions_at(
    engine: Engine, as_of: dt.date, series_keys: Iterable[str] | None = None, rules: CountingRules | None = None
) -> pd.DataFrame:
    """Per series and institution, numerator and denominator at ``as_of`` (each institution's own position)."""
    return _count(engine, _series_keys(series_keys), rules or default_rules(), [], [as_of]).institutions


def _cube(counted: _Counted, data_date: dt.date, ends: list[dt.date]) -> pd.DataFrame:
    """The month ends, then the data date itself (counted at that day) when it is no month end."""
    cube = counted.monthly
    if not ends or ends[-1] != data_date:
        cube = pd.concat([cube, counted.days[0]], ignore_index=True)
    return cube.sort_values(["series", "period_end", *CELL_COLUMNS]).reset_index(drop=True)


def monthly_cells(
    engine: Engine,
    data_date: dt.date,
    series_keys: Iterable[str] | None = None,
    rules: CountingRules | None = None,
) -> pd.DataFrame:
    """The cube: per series, period end and cell, numerator and denominator.

    Month ends come from +n/-n changes per month and a running sum; the last point, the data
    date, is counted exactly at that date (a partial month cannot be bucketed). Each series'
    records are read once for both.
    """
    ends = month_ends(data_date)
    counted = _count(engine, _series_keys(series_keys), rules or default_rules(), ends, [data_date])
    return _cube(counted, data_date, ends)


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

    Every series' records are read once: the month ends, the data date and the comparison dates are
    all counted from that read; a comparison date that is a month end is in the cube already and is
    not counted again.
    """
    ends = month_ends(data_date)
    extra = [d for d in comparison_dates(data_date) if d not in set(period_ends(data_date))]
    counted = _count(engine, _series_keys(None), rules or default_rules(), ends, [data_date, *extra])
    parts = [c.rename(columns={"period_end": "as_of"}) for c in counted.days[1:]]
    comparisons = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COMPARISON_COLUMNS)
    return SnapshotFrames(_cube(counted, data_date, ends), counted.institutions, comparisons[COMPARISON_COLUMNS])


def value(numerator: float, denominator: float) -> float | None:
    """The share, or None ("no data") when the denominator is zero: never 0%, never a crash."""
    return float(numerator) / float(denominator) if denominator else None


def values(df: pd.DataFrame) -> pd.Series:
    den = df["denominator"].astype(float)
    return (df["numerator"].astype(float) / den.where(den != 0, np.nan)).astype(float)
