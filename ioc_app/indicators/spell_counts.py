"""A series' spells read once into arrays, then counted at any dates: month ends and single days.

The database sends each group's (institution's, or record province's) spell dates packed in one
value per column (``spells.spell_dates``, ``packed_dates``): a big table is read once, a few thousand
rows sent. Here the dates become integers yyyymmdd (0 for NULL) and every count is a ``bincount``
over the records:

- at a day d: the records with ``from <= d < to`` (``to`` NULL: open-ended), as in SQL;
- at every month end: +1 in the month of each ``from``, -1 in the month of each ``to`` of a record
  that has a ``from``, then a running sum; changes before the first month count from it, later ones
  not at all.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from data_sources import packed_dates, spells
from data_sources.counting import CountingRules

NO_INSTITUTION = -1  # national records and a province's own inspections and reports
Ints = npt.NDArray[np.int64]
Days = packed_dates.Days  # dates as yyyymmdd, 0 for NULL
_CHUNK = 1 << 23  # characters (or bytes) unpacked at once: a big table's dates are never held packed whole


def day_number(d: dt.date | None) -> int:
    """A date as the integer yyyymmdd the counting compares (0 for None)."""
    return 0 if d is None else d.year * 10_000 + d.month * 100 + d.day


@dataclass(frozen=True)
class SpellArrays:
    """A series' records: per group its institution and record province, per record its group and dates."""

    institution_id: Ints  # per group; NO_INSTITUTION for records of no institution
    province63: npt.NDArray[np.object_]  # per group; None where the institution's province applies
    group: Days  # per record: its group
    dates: dict[str, Days]  # spell date column -> per record yyyymmdd, 0 for NULL

    @property
    def groups(self) -> int:
        return len(self.institution_id)


class _Packed:
    """One SELECT's packed dates as they arrive, unpacked every ``_CHUNK`` characters (a column at a time)."""

    def __init__(self, columns: int, dialect: str) -> None:
        self.dialect = dialect
        self.width = packed_dates.width(dialect)
        self.pending: list[list[str | bytes]] = [[] for _ in range(columns)]
        self.unpacked: list[list[Days]] = [[] for _ in range(columns)]
        self.size = 0

    def add(self, values: list[str | bytes], n: int) -> None:
        for pending, value in zip(self.pending, values, strict=True):
            pending.append(value)
        self.size += n * self.width
        if self.size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        for pending, unpacked in zip(self.pending, self.unpacked, strict=True):
            if pending:
                unpacked.append(packed_dates.unpack(self.dialect, pending))
                pending.clear()
        self.size = 0

    def columns(self, records: int) -> list[Days]:
        self.flush()
        out = [np.concatenate(p) if p else np.zeros(0, np.int32) for p in self.unpacked]
        for days in out:
            if len(days) != records:
                raise ValueError(f"spell dates: {len(days)} dates read where the database counted {records} records")
        return out


@dataclass(frozen=True)
class _Read:
    """One query's groups, in the order they came, their record counts, and their records' dates."""

    cells: list[tuple[int, str | None]]
    counts: list[int]
    dates: dict[str, Days]


def _read_one(conn: Connection, query: spells.SpellDates) -> _Read:
    cells: list[tuple[int, str | None]] = []
    counts: list[int] = []
    packed = _Packed(len(query.columns), conn.dialect.name)
    for institution_id, province63, n, *row_dates in conn.execute(query.query):
        if not n:
            continue  # a national SELECT with no records still gives one row
        cells.append((NO_INSTITUTION if institution_id is None else int(institution_id), province63))
        counts.append(int(n))
        packed.add(row_dates, int(n))
    return _Read(cells, counts, dict(zip(query.columns, packed.columns(sum(counts)), strict=True)))


def _assemble(reads: list[_Read]) -> SpellArrays:
    """One series' queries' reads, in order, as its arrays."""
    group_of: dict[tuple[int, str | None], int] = {}
    groups: list[Days] = []
    # The columns some SELECT sends: one that no SELECT has (NULL in every record) is left out.
    sent = [c for c in spells.DATE_COLUMNS if any(c in r.dates for r in reads)]
    dates: dict[str, list[Days]] = {c: [] for c in sent}
    for r in reads:
        ids = [group_of.setdefault(cell, len(group_of)) for cell in r.cells]
        records = sum(r.counts)
        groups.append(np.repeat(np.asarray(ids, np.int32), r.counts))
        for name in sent:
            dates[name].append(r.dates.get(name, np.zeros(records, np.int32)))
    cells = list(group_of)
    return SpellArrays(
        institution_id=np.asarray([c[0] for c in cells], np.int64),
        province63=np.asarray([c[1] for c in cells], object),
        group=np.concatenate(groups) if groups else np.zeros(0, np.int32),
        dates={name: np.concatenate(dates[name]) for name in sent},
    )


def read(conn: Connection, key: str, rules: CountingRules) -> SpellArrays:
    """Read a series' spells: one query per SELECT of its definition, each one pass over its table."""
    return _assemble([_read_one(conn, q) for q in spells.spell_dates(key, rules)])


MAX_SLICES = 8  # connections read at once, besides the refresh's own: well within a default pool (5 + 10)


def _server_processes(conn: Connection) -> int:
    """How many processes PostgreSQL gives one parallel query (its leader and workers): as many slices."""
    workers = conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar_one()
    return min(max(1, int(workers) + 1), MAX_SLICES)


def _splits(conn: Connection, slices: int) -> list[int]:
    """Institution ids that cut them into ``slices`` runs of about as many institutions."""
    ids = list(conn.execute(spells.institution_ids()).scalars())
    return sorted({ids[len(ids) * k // slices] for k in range(1, slices)}) if len(ids) >= slices else []


def read_series(conn: Connection, keys: list[str], rules: CountingRules) -> dict[str, SpellArrays]:
    """Several series' spells. SQLite: one query after the other on ``conn``.

    PostgreSQL: a table's own records in slices of institution ids (``spells.spell_dates``), the
    queries read at once on as many connections as the server gives one parallel query processes
    (PostgreSQL 15 runs ``string_agg`` in one process); each statement sees the data as committed
    when it starts, as one after the other on one connection would.
    """
    if conn.dialect.name != "postgresql":
        return {key: read(conn, key, rules) for key in keys}
    slices = _server_processes(conn)
    splits = _splits(conn, slices) if slices > 1 else []
    queries = {key: spells.spell_dates(key, rules, splits) for key in keys}
    if not splits:
        return {key: _assemble([_read_one(conn, q) for q in qs]) for key, qs in queries.items()}

    def on_own_connection(query: spells.SpellDates) -> _Read:
        with conn.engine.connect() as own:
            return _read_one(own, query)

    with ThreadPoolExecutor(max_workers=slices) as pool:
        futures = {key: [pool.submit(on_own_connection, q) for q in qs] for key, qs in queries.items()}
        return {key: _assemble([f.result() for f in fs]) for key, fs in futures.items()}


def _in_interval(start: Days, end: Days | None, day: int) -> npt.NDArray[np.bool_]:
    inside: npt.NDArray[np.bool_] = (start != 0) & (start <= day)
    return inside if end is None else inside & ((end == 0) | (end > day))


Piece = tuple[Days, Days | None]  # an interval's start and end (None: no end in any record)


def _pieces(sp: SpellArrays, *pairs: tuple[str, str | None]) -> list[Piece]:
    """The intervals of the named columns that some record has; an end no record has is None."""
    return [
        (sp.dates[start], sp.dates.get(end) if end is not None else None) for start, end in pairs if start in sp.dates
    ]


def _numerator(sp: SpellArrays) -> list[Piece]:
    """The intervals in which a record counts in the numerator: [num_from, num_to), [num_again_from, open)."""
    return _pieces(sp, ("num_from", "num_to"), ("num_again_from", None))


def _denominator(sp: SpellArrays) -> list[Piece]:
    return _pieces(sp, ("pop_from", "pop_to"))


def _count_in(sp: SpellArrays, pieces: list[Piece], day: int) -> Ints:
    out = np.zeros(sp.groups, np.int64)
    for start, end in pieces:
        out += np.bincount(sp.group[_in_interval(start, end, day)], minlength=sp.groups)
    return out


def at_days(sp: SpellArrays, days: list[dt.date]) -> tuple[Ints, Ints]:
    """Numerators and denominators per group at each day (groups x days): ``from <= d < to``."""
    num = np.zeros((sp.groups, len(days)), np.int64)
    den = np.zeros((sp.groups, len(days)), np.int64)
    for i, d in enumerate(days):
        num[:, i] = _count_in(sp, _numerator(sp), day_number(d))
        den[:, i] = _count_in(sp, _denominator(sp), day_number(d))
    return num, den


def _month_index(days: Days, first: dt.date) -> Days:
    return (days // 10_000 - first.year) * 12 + (days // 100 % 100 - first.month)


def _running(sp: SpellArrays, pieces: list[Piece], ends: list[dt.date]) -> Ints:
    """One field's value per group at every month end: +1 in each start's month, -1 in each end's
    (of a record with a start); changes before the first month count from it, later ones not at all."""
    months = len(ends)
    total = np.zeros(sp.groups * months, np.int64)
    changes = [(start, 1, start != 0) for start, _ in pieces]
    changes += [(end, -1, (end != 0) & (start != 0)) for start, end in pieces if end is not None]
    for dates, sign, has in changes:
        index = np.maximum(_month_index(dates, ends[0]), 0)
        keep = has & (index < months)
        total += sign * np.bincount(sp.group[keep] * months + index[keep], minlength=sp.groups * months)
    return total.reshape(sp.groups, months).cumsum(axis=1)


def at_month_ends(sp: SpellArrays, ends: list[dt.date]) -> tuple[Ints, Ints]:
    """Numerators and denominators per group at every month end (groups x month ends)."""
    return _running(sp, _numerator(sp), ends), _running(sp, _denominator(sp), ends)
