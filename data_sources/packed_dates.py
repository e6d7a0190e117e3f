"""Many dates sent as one value per group: each dialect's cheapest packing, and its unpacking into arrays.

A big table's spell dates reach the engine as one aggregate per group and column
(``packed_agg(packed_date(column))``), every record's date at the same width so that the records keep
their places (a NULL date included):

- SQLite: fixed-width ISO text, 'YYYY-MM-DD' or ten blanks. SQLite stores dates as that text already,
  so no conversion runs per row.
- PostgreSQL: 4 bytes, the big-endian day number from 2000-01-01 (``int4send`` of a date difference,
  an integer subtraction). Formatting dates as text (``to_char``) cost PostgreSQL several times the
  reading of the rows.

``unpack`` turns a column's packed values, in order, into dates as integers yyyymmdd (0 for NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

Days = npt.NDArray[np.int32]  # dates as yyyymmdd, 0 for NULL

ISO_WIDTH = 10  # 'YYYY-MM-DD'
NO_ISO_DATE = " " * ISO_WIDTH
PG_WIDTH = 4  # int4
PG_NO_DATE = -(2**31)  # the smallest int4: no date is that many days before 2000
_PG_EPOCH_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01 (numpy's epoch)
# Where each digit of 'YYYY-MM-DD' goes in yyyymmdd.
_DIGITS = ((0, 10_000_000), (1, 1_000_000), (2, 100_000), (3, 10_000), (5, 1_000), (6, 100), (8, 10), (9, 1))
_BLANK = ord(" ")
_ZERO_DAY = ord("0") * sum(weight for _, weight in _DIGITS)  # what '0000-00-00' would add up to


class packed_date(FunctionElement[str]):  # lower case: reads like the SQL function it is
    """A date expression as one fixed-width value of the dialect's packing (NULL included)."""

    type = String()
    inherit_cache = True
    name = "packed_date"


@compiles(packed_date, "sqlite")
def _packed_date_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    # Dates are ISO text in SQLite already: no conversion per row, only the blanks for NULL.
    return f"coalesce({compiler.process(element.clauses, **kw)}, '{NO_ISO_DATE}')"


@compiles(packed_date, "postgresql")
def _packed_date_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    day = f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"
    return f"int4send(coalesce({day}, {PG_NO_DATE}))"


class packed_agg(FunctionElement[str]):
    """An aggregate: the group's packed dates joined with no separator (in the order the rows come)."""

    type = String()
    inherit_cache = True
    name = "packed_agg"


@compiles(packed_agg, "sqlite")
def _packed_agg_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"group_concat({compiler.process(element.clauses, **kw)}, '')"


@compiles(packed_agg, "postgresql")
def _packed_agg_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"string_agg({compiler.process(element.clauses, **kw)}, ''::bytea)"


def width(dialect: str) -> int:
    """Characters (SQLite) or bytes (PostgreSQL) of one packed date."""
    return PG_WIDTH if dialect == "postgresql" else ISO_WIDTH


def _from_iso(raw: npt.NDArray[np.uint8]) -> Days:
    rows = raw.reshape(-1, ISO_WIDTH)
    out = np.zeros(len(rows), np.int32)
    for position, weight in _DIGITS:
        out += rows[:, position].astype(np.int32) * weight
    out -= _ZERO_DAY
    out[rows[:, 0] == _BLANK] = 0
    return out


def _from_pg(raw: bytes) -> Days:
    day = np.frombuffer(raw, ">i4").astype(np.int64)
    missing = day == PG_NO_DATE
    if missing.all():
        return np.zeros(len(day), np.int32)
    # Each day of the span once through the calendar, then every record by a lookup: a few thousand
    # conversions instead of one per record.
    first, last = int(day[~missing].min()), int(day[~missing].max())
    calendar = np.arange(first + _PG_EPOCH_DAYS, last + _PG_EPOCH_DAYS + 1).astype("datetime64[D]")
    month = calendar.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int64) + 1970
    lookup = year * 10_000 + (month.astype(np.int64) % 12 + 1) * 100 + (calendar - month).astype(np.int64) + 1
    out: Days = np.where(missing, 0, lookup.astype(np.int32)[np.where(missing, first, day) - first]).astype(np.int32)
    return out


def unpack(dialect: str, parts: Sequence[str | bytes]) -> Days:
    """Packed values of one column, in order, as yyyymmdd (0 for NULL); ValueError if they are not whole dates."""
    if dialect == "postgresql":
        raw = b"".join(p if isinstance(p, bytes) else bytes(p, "ascii") for p in parts)
    else:
        raw = "".join(p if isinstance(p, str) else p.decode("ascii") for p in parts).encode("ascii")
    size = width(dialect)
    if len(raw) % size:
        raise ValueError(f"spell dates: {len(raw)} characters are not a whole number of packed dates")
    if dialect == "postgresql":
        return _from_pg(raw)
    return _from_iso(np.frombuffer(raw, np.uint8))
