"""A series' spells read once into arrays, then counted at any dates: month ends and single days.

The database sends each group's (institution's, or record province's) spell dates as one text of
fixed-width ISO dates (``spells.spell_dates``): a big table is read once, in the order of its
institution index, with no sort and a few thousand rows sent. Here the dates become integers
yyyymmdd (0 for NULL) and every count is a ``bincount`` over the records:

- at a day d: the records with ``from <= d < to`` (``to`` NULL: open-ended), as in SQL;
- at every month end: +1 in the month of each ``from``, -1 in the month of each ``to`` of a record
  that has a ``from``, then a running sum; changes before the first month count from it, later ones
  not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from data_sources import spells
from data_sources.counting import CountingRules
from data_sources.sql_functions import DATE_TEXT_WIDTH

NO_INSTITUTION = -1  # national records and a province's own inspections and reports
Ints = npt.NDArray[np.int64]
Days = npt.NDArray[np.int32]  # dates as yyyymmdd, 0 for NULL
# Where each digit of 'YYYY-MM-DD' goes in yyyymmdd.
_DIGITS = ((0, 10_000_000), (1, 1_000_000), (2, 100_000), (3, 10_000), (5, 1_000), (6, 100), (8, 10), (9, 1))
_BLANK = ord(" ")
_ZERO_DAY = ord("0") * sum(weight for _, weight in _DIGITS)  # what '0000-00-00' would add up to
_CHUNK = 1 << 23  # characters parsed at once: the text of a big table is never held whole


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


def _parse(text: bytes) -> Days:
    """Fixed-width ISO dates ('YYYY-MM-DD' or blanks) as yyyymmdd, 0 for a blank."""
    raw = np.frombuffer(text, np.uint8)
    if raw.size % DATE_TEXT_WIDTH:
        raise ValueError(f"spell dates: {raw.size} characters are not a whole number of ISO dates")
    raw = raw.reshape(-1, DATE_TEXT_WIDTH)
    out = np.zeros(len(raw), np.int32)
    for position, weight in _DIGITS:
        out += raw[:, position].astype(np.int32) * weight
    out -= _ZERO_DAY
    out[raw[:, 0] == _BLANK] = 0
    return out


class _Texts:
    """One SELECT's date texts as they arrive, parsed every ``_CHUNK`` characters (a column at a time)."""

    def __init__(self, columns: int) -> None:
        self.pending: list[list[str]] = [[] for _ in range(columns)]
        self.parsed: list[list[Days]] = [[] for _ in range(columns)]
        self.size = 0

    def add(self, texts: list[str], n: int) -> None:
        for pending, text in zip(self.pending, texts, strict=True):
            pending.append(text)
        self.size += n * DATE_TEXT_WIDTH
        if self.size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        for pending, parsed in zip(self.pending, self.parsed, strict=True):
            if pending:
                parsed.append(_parse("".join(pending).encode("ascii")))
                pending.clear()
        self.size = 0

    def columns(self, records: int) -> list[Days]:
        self.flush()
        out = [np.concatenate(p) if p else np.zeros(0, np.int32) for p in self.parsed]
        for days in out:
            if len(days) != records:
                raise ValueError(f"spell dates: {len(days)} dates read where the database counted {records} records")
        return out


def read(conn: Connection, key: str, rules: CountingRules) -> SpellArrays:
    """Read a series' spells: one query per SELECT of its definition, each one pass over its table."""
    group_of: dict[tuple[int, str | None], int] = {}
    groups: list[Days] = []
    dates: dict[str, list[Days]] = {c: [] for c in spells.DATE_COLUMNS}
    queries = spells.spell_dates(key, rules)
    # The columns some SELECT sends: one that no SELECT has (NULL in every record) is left out.
    sent = [c for c in spells.DATE_COLUMNS if any(c in q.columns for q in queries)]
    for query in queries:
        ids: list[int] = []
        counts: list[int] = []
        texts = _Texts(len(query.columns))
        for institution_id, province63, n, *row_texts in conn.execute(query.query):
            if not n:
                continue  # a national SELECT with no records still gives one row
            cell = (NO_INSTITUTION if institution_id is None else int(institution_id), province63)
            ids.append(group_of.setdefault(cell, len(group_of)))
            counts.append(int(n))
            texts.add(row_texts, int(n))
        records = sum(counts)
        groups.append(np.repeat(np.asarray(ids, np.int32), counts))
        read_days = dict(zip(query.columns, texts.columns(records), strict=True))
        for name in sent:
            dates[name].append(read_days.get(name, np.zeros(records, np.int32)))
    cells = list(group_of)
    return SpellArrays(
        institution_id=np.asarray([c[0] for c in cells], np.int64),
        province63=np.asarray([c[1] for c in cells], object),
        group=np.concatenate(groups) if groups else np.zeros(0, np.int32),
        dates={name: np.concatenate(dates[name]) for name in sent},
    )


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
