"""Every figure the engine gives equals an independent plain-SQL count over the same records."""

from __future__ import annotations

import datetime as dt

import pytest

from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import snapshots
from ioc_app.indicators import engine as kpi
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope, rollup
from tests import independent_sql

SERIES = [s.key for s in registry.all_series()]


def test_every_series_has_an_independent_query() -> None:
    assert set(SERIES) == set(independent_sql.QUERIES)


def _engine_value(engine, series: str, d: dt.date, scope: Scope) -> tuple[int, int]:
    df = rollup(kpi.cells_at(engine, d, [series]), scope)
    return int(df.numerator.sum()), int(df.denominator.sum())


def _independent(engine, series: str, d: dt.date, scope: Scope) -> tuple[int, int]:
    codes = scope.legacy_codes()
    if series in independent_sql.NATIONAL_ONLY and not scope.is_national:
        return 0, 0
    return independent_sql.count(engine, series, d, sorted(codes) if codes is not None else None, scope.inst_type)


TINY_DATES = [
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 6, 30),
    dt.date(2024, 7, 15),
    dt.date(2025, 12, 31),
    dt.date(2026, 3, 15),
]


@pytest.mark.parametrize("series", SERIES)
def test_tiny_database_engine_equals_independent_sql(tiny_engine, series: str) -> None:
    for d in TINY_DATES:
        for scope in (NATIONAL, Scope(province34="25"), Scope(province63="01"), Scope(inst_type="college")):
            assert _engine_value(tiny_engine, series, d, scope) == _independent(tiny_engine, series, d, scope), (
                d,
                scope.key,
            )


@pytest.fixture(scope="module")
def demo_engines(small_demo):
    vet, ioc = make_engine(small_demo.vet_database_url), make_engine(small_demo.ioc_database_url)
    yield vet, ioc
    vet.dispose()
    ioc.dispose()


def _demo_scopes(vet) -> list[Scope]:
    with vet.connect() as conn:
        from sqlalchemy import text

        legacy = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT legacy_province_code FROM institution GROUP BY legacy_province_code ORDER BY COUNT(*) DESC"
                )
            )
        ]
    merged = next(p.code for p in geo_provinces.provinces() if len(p.merged_from) > 1 and p.merged_from[0] in legacy)
    return [
        NATIONAL,
        Scope(province63=legacy[0]),
        Scope(province34=geo_provinces.current_code_of(legacy[-1])),
        Scope(province34=merged),
        Scope(inst_type="centre"),
        Scope(inst_type="college"),
    ]


@pytest.mark.parametrize("series", SERIES)
def test_small_demo_snapshot_equals_independent_sql(demo_engines, series: str) -> None:
    """The stored snapshot (what the API and the panels show) against plain SQL, at month ends and the data date."""
    vet, ioc = demo_engines
    snap = snapshots.current(ioc)
    assert snap is not None
    dates = [
        dt.date(2021, 12, 31),
        dt.date(2023, 12, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 12, 31),
        snap.run.data_date,
    ]
    for scope in _demo_scopes(vet):
        traj = snap.trajectory(series, scope).set_index("period_end")
        for d in dates:
            row = traj.loc[d]
            got = (int(row.numerator), int(row.denominator))
            assert got == _independent(vet, series, d, scope), (series, d, scope.key)


def test_small_demo_live_as_of_between_month_ends(demo_engines) -> None:
    vet, _ = demo_engines
    d = dt.date(2024, 8, 17)
    for series in SERIES:
        assert _engine_value(vet, series, d, NATIONAL) == _independent(vet, series, d, NATIONAL), series
