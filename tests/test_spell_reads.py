"""PostgreSQL reads a table's own records in slices of institution ids, on several connections at once.

The slices must add up to the one read: the same groups with the same counts at every month end and
at the data date, whether the server allows parallel queries (slices) or not (one query on the
refresh's connection), and the same as SQLite's.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql

from data_sources import spells
from data_sources.counting import default_rules
from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators import spell_counts
from tests import tiny_vet_db

KEYS = list(spells.SERIES_QUERIES)


def _counts(conn: Connection) -> dict[str, dict[Any, tuple[list[int], ...]]]:
    """Per series, per group (institution, record province): numerators and denominators at every date."""
    ends = kpi_engine.month_ends(tiny_vet_db.DATA_DATE)
    out = {}
    for key, sp in spell_counts.read_series(conn, KEYS, default_rules()).items():
        monthly = spell_counts.at_month_ends(sp, ends)
        daily = spell_counts.at_days(sp, [tiny_vet_db.DATA_DATE])
        out[key] = {
            (int(sp.institution_id[g]), sp.province63[g]): tuple(m[g].tolist() for m in (*monthly, *daily))
            for g in range(sp.groups)
        }
    return out


def test_slices_add_up_to_the_one_read(tiny_engine: Engine) -> None:
    if tiny_engine.dialect.name != "postgresql":
        pytest.skip("slices are read on PostgreSQL only")
    with tiny_engine.connect() as conn:
        slices = spell_counts._server_processes(conn)
        assert slices > 1 and spell_counts._splits(conn, slices)  # the server's default: slices
        sliced = _counts(conn)
        conn.exec_driver_sql("SET max_parallel_workers_per_gather = 0")
        assert spell_counts._server_processes(conn) == 1
        whole = _counts(conn)
    assert sliced == whole
    assert sum(len(groups) for groups in whole.values()) > len(KEYS)  # groups were read, not empty series


def test_each_institution_is_in_exactly_one_slice() -> None:
    learners = spells.spell_dates("learner_digitised_all", splits=[3, 7])

    def slice_of(query: spells.SpellDates) -> str:
        text = str(query.query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        return text.rsplit("WHERE", 1)[1].split("GROUP BY")[0].strip()

    assert [slice_of(q) for q in learners] == [
        "anon_1.institution_id < 3",
        "anon_1.institution_id >= 3 AND anon_1.institution_id < 7",
        "anon_1.institution_id >= 7",
    ]
    # A SELECT of records with no institution (national ones) is never sliced.
    assert len(spells.spell_dates("public_service_level4", splits=[3, 7])) == 1
