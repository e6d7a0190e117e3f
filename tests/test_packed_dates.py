"""Dates packed by the database and unpacked into yyyymmdd, on SQLite and on a real PostgreSQL server.

The refresh reads every record's spell dates this way; a date mis-decoded would move a record to
another day or month. The dates below span centuries, a leap day, the packing's epoch (2000-01-01)
on both sides, and NULLs among them, each taking the width of a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Date, Engine, Integer, MetaData, Table, insert, select

from data_sources import packed_dates
from data_sources.engine import make_engine
from tests.postgres_server import fresh_database

DATES = [
    dt.date(2000, 1, 1),
    dt.date(1999, 12, 31),
    None,
    dt.date(2024, 2, 29),
    dt.date(1900, 3, 1),
    None,
    dt.date(2100, 12, 31),
    dt.date(2021, 12, 30),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('packed') / 'dates.sqlite3'}"
    else:
        url = fresh_database(request.getfixturevalue("pg_server_url"))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _expected(d: dt.date | None) -> int:
    return 0 if d is None else int(d.strftime("%Y%m%d").rjust(8, "0"))


@pytest.mark.parametrize("groups", [1, 3])
def test_the_database_packs_and_unpack_reads_every_date_in_its_place(engine: Engine, groups: int) -> None:
    rows = Table("dates", MetaData(), Column("position", Integer, primary_key=True), Column("d", Date))
    rows.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(rows), [{"position": i, "d": d} for i, d in enumerate(DATES)])
    group = rows.c.position % groups
    query = select(group, packed_dates.packed_agg(packed_dates.packed_date(rows.c.d))).group_by(group).order_by(group)
    with engine.connect() as conn:
        # One value per group, as the refresh reads them; within a group the rows come in no set order,
        # so each group's dates are compared as a sorted list.
        parts = [packed for _, packed in conn.execute(query)]
    width = packed_dates.width(engine.dialect.name)
    assert sum(len(p) for p in parts) == width * len(DATES)
    got = sorted(int(x) for p in parts for x in packed_dates.unpack(engine.dialect.name, [p]))
    assert got == sorted(_expected(d) for d in DATES)
    whole = packed_dates.unpack(engine.dialect.name, parts)  # several values of one column, joined
    assert sorted(whole.tolist()) == got


def test_a_value_that_is_not_whole_dates_is_refused() -> None:
    with pytest.raises(ValueError, match="not a whole number"):
        packed_dates.unpack("postgresql", [b"\x00\x00\x01"])
    with pytest.raises(ValueError, match="not a whole number"):
        packed_dates.unpack("sqlite", ["2024-02-2"])
