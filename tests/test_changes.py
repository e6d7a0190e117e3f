"""What changed since yesterday and since last week: counted by the refresh, stored, read from the snapshot.

The tiny database with records that change in the week before its data date
(``tiny_vet_db.build_with_recent_changes``, values worked out by hand there), on SQLite and on
PostgreSQL, checked by hand and against the independent SQL of tests/independent_sql.py; the
movers' order and the province scoping on the small demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import access, changes, snapshots
from ioc_app.identity import CENTRAL, PROVINCE, Identity, set_identity
from ioc_app.indicators import engine as kpi_engine
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.store import KpiComparison
from tests import independent_sql, tiny_vet_db
from tests.conftest import new_store
from tests.postgres_server import fresh_database

D = dt.date
DATA_DATE, DAY, WEEK = tiny_vet_db.DATA_DATE, tiny_vet_db.DAY_BEFORE, tiny_vet_db.WEEK_BEFORE
HANOI, PHU_THO = Scope(province34="01"), Scope(province34="25")
FLASK = Flask(__name__)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engines(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """The tiny database with the week's changes, and an IOC store (of the same kind) refreshed from it."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("changes")
        vet_url, ioc_url = f"sqlite:///{folder / 'vet.sqlite3'}", f"sqlite:///{folder / 'ioc.sqlite3'}"
    else:
        server = request.getfixturevalue("pg_server_url")
        vet_url, ioc_url = fresh_database(server), fresh_database(server)
    vet, ioc = make_engine(vet_url), make_engine(new_store(ioc_url))
    tiny_vet_db.build_with_recent_changes(vet)
    result = snapshots.refresh(vet, ioc, trigger="test")
    assert result.status == "ok", result.error
    yield vet, ioc
    vet.dispose()
    ioc.dispose()


@pytest.fixture(scope="module")
def snap(engines) -> snapshots.Snapshot:
    s = snapshots.current(engines[1])
    assert s is not None
    return s


def as_(identity: Identity | None):
    """A request context in which ``identity`` is signed in."""
    ctx = FLASK.test_request_context("/")
    ctx.push()
    set_identity(identity)
    return ctx


@pytest.fixture
def central() -> Iterator[Identity]:
    user = Identity("trung-uong", CENTRAL, user_id=1)
    ctx = as_(user)
    yield user
    ctx.pop()


def province_user(code: str) -> Identity:
    return Identity("tinh", PROVINCE, province=code, user_id=2)


# --- the refresh counts and stores the two days ------------------------------------------------------


def test_the_comparison_days_are_a_day_and_a_week_before_never_before_the_baseline() -> None:
    assert kpi_engine.comparison_dates(D(2026, 3, 15)) == [D(2026, 3, 14), D(2026, 3, 8)]
    assert kpi_engine.comparison_dates(D(2022, 1, 3)) == [D(2022, 1, 2)]  # 27/12/2021 is before the first month end
    assert kpi_engine.comparison_dates(D(2021, 12, 31)) == []


def test_the_refresh_stores_the_days_that_are_no_period_end(engines, snap) -> None:
    assert snap.run.data_date == DATA_DATE
    assert snap.comparison_dates == [DAY, WEEK]
    assert snap.compared_dates == [WEEK, DAY]
    with engines[1].connect() as conn:
        stored = conn.execute(
            sa.select(KpiComparison.as_of, sa.func.count())
            .where(KpiComparison.refresh_id == snap.run.id)
            .group_by(KpiComparison.as_of)
        ).all()
    assert {d for d, _ in stored} == {WEEK, DAY}


def test_counting_days_in_one_pass_gives_each_day_s_own_count(engines) -> None:
    vet = engines[0]
    together = kpi_engine.cells_on(vet, [DATA_DATE, DAY, WEEK])
    for frame, day in zip(together, (DATA_DATE, DAY, WEEK), strict=True):
        alone = kpi_engine.cells_at(vet, day)
        assert frame.equals(alone), day
    assert not together[0].equals(together[2])  # the week changed something


@pytest.mark.parametrize(
    ("series", "scope", "expected"),
    [
        # (week before, day before, data date), worked out by hand in tiny_vet_db.build_with_recent_changes.
        ("staff_digital_capacity", NATIONAL, ((4, 6), (5, 7), (5, 6))),
        ("staff_digital_capacity", HANOI, ((2, 4), (3, 4), (4, 4))),
        ("staff_digital_capacity", PHU_THO, ((2, 2), (2, 3), (1, 2))),
        ("staff_digital_capacity", Scope(province63="26"), ((2, 2), (2, 2), (1, 1))),
        ("school_platform_connected", NATIONAL, ((2, 3), (3, 3), (3, 3))),
        ("school_platform_connected", PHU_THO, ((1, 2), (2, 2), (2, 2))),
        ("inspection_digital", NATIONAL, ((0, 0), (1, 1), (1, 2))),
        ("inspection_digital", Scope(province34="25", inst_type="college"), ((0, 0), (1, 1), (1, 1))),
    ],
)
def test_values_a_day_and_a_week_before_by_hand(snap, series, scope, expected) -> None:
    assert tuple(snap.value_at(series, scope, d) for d in (WEEK, DAY, DATA_DATE)) == expected


@pytest.mark.parametrize("series", sorted(independent_sql.QUERIES))
@pytest.mark.parametrize("when", [DAY, WEEK])
def test_every_series_agrees_with_independent_sql(engines, snap, series, when) -> None:
    vet = engines[0]
    assert snap.value_at(series, NATIONAL, when) == independent_sql.count(vet, series, when)
    if series not in independent_sql.NATIONAL_ONLY:
        legacy = list(geo_provinces.province_by_code()["25"].merged_from)
        assert snap.value_at(series, PHU_THO, when) == independent_sql.count(vet, series, when, legacy)


def test_a_comparison_day_that_is_a_month_end_is_read_from_the_cube(engines) -> None:
    vet, ioc = engines
    result = snapshots.refresh(vet, ioc, trigger="test", data_date=D(2026, 4, 1), keep=10)
    assert result.status == "ok", result.error
    snap = snapshots.current(ioc)
    assert snap is not None and snap.run.data_date == D(2026, 4, 1)
    assert snap.compared_dates == [D(2026, 3, 25)]  # 31/03 is a month end: in the cube already
    assert snap.comparison_dates == [D(2026, 3, 31), D(2026, 3, 25)]
    assert snap.value_at("staff_digital_capacity", NATIONAL, D(2026, 3, 31)) == (5, 6)
    assert snap.value_at("staff_digital_capacity", NATIONAL, D(2026, 3, 25)) == (5, 6)
    assert snap.value_at("staff_digital_capacity", NATIONAL, D(2026, 3, 24)) is None  # never counted


# --- changes and movers ------------------------------------------------------------------------------


def test_changes_of_every_target_in_percentage_points(snap, central) -> None:
    rows = changes.changes(snap, NATIONAL)
    assert [c.code for c in rows] == [i.code for i in registry.INDICATORS]
    t01 = rows[0]
    assert t01.series == "staff_digital_capacity"
    assert (t01.now.as_of, t01.day_before.as_of, t01.week_before.as_of) == (DATA_DATE, DAY, WEEK)
    assert (t01.now.numerator, t01.now.denominator) == (5, 6)
    assert (t01.day_before.numerator, t01.day_before.denominator) == (5, 7)
    assert (t01.week_before.numerator, t01.week_before.denominator) == (4, 6)
    assert t01.delta_day == pytest.approx((5 / 6 - 5 / 7) * 100)  # +11.9 points
    assert t01.delta_week == pytest.approx((5 / 6 - 4 / 6) * 100)  # +16.7 points
    assert t01.status is not None
    t09 = next(c for c in rows if c.code == "T09")
    assert t09.week_before.denominator == 0 and t09.week_before.value is None
    assert t09.delta_day == pytest.approx(-50.0) and t09.delta_week is None  # no inspection a week before


def test_changes_in_a_province_and_national_targets_stay_national(snap, central) -> None:
    by_code = {c.code: c for c in changes.changes(snap, PHU_THO)}
    t01 = by_code["T01"]
    assert (t01.week_before.value, t01.day_before.value, t01.now.value) == (1.0, pytest.approx(2 / 3), 0.5)
    assert t01.delta_week == pytest.approx(-50.0) and t01.delta_day == pytest.approx((0.5 - 2 / 3) * 100)
    national = {c.code: c for c in changes.changes(snap, NATIONAL)}
    assert by_code["T07"].national_only and by_code["T07"].now == national["T07"].now


def test_movers_rise_and_fall_over_the_week(snap, central) -> None:
    moved = changes.movers(snap, "T01")
    assert (moved.level, moved.series, moved.as_of, moved.week_before) == (
        "34",
        "staff_digital_capacity",
        DATA_DATE,
        WEEK,
    )
    assert [(m.code, m.delta_week) for m in moved.up] == [("01", pytest.approx(50.0))]
    assert [(m.code, m.delta_week) for m in moved.down] == [("25", pytest.approx(-50.0))]
    assert changes.movers(snap, "T01", limit=0).up == ()
    assert changes.movers(snap, "T07").up == () and changes.movers(snap, "T07").series is None  # national only
    legacy = changes.movers(snap, "T01", level="63")
    # Vĩnh Phúc (26) stays at 100% (S9, trained, left) and Phú Thọ's own I4 had nobody a week before.
    assert [m.code for m in legacy.up] == ["01"] and legacy.down == ()
    with pytest.raises(KeyError):
        changes.movers(snap, "T99")


# --- a province user ---------------------------------------------------------------------------------


def test_a_province_user_sees_only_their_province(snap) -> None:
    ctx = as_(province_user("25"))
    try:
        mine = changes.changes(snap, NATIONAL)  # the nation becomes their province
        assert mine[0].now == changes.changes(snap, PHU_THO)[0].now
        assert mine[0].now.value == 0.5
        assert next(c for c in mine if c.code == "T07").now.value is None  # the nation's figure is not theirs
        moved = changes.movers(snap, "T01")
        assert moved.up == () and [m.code for m in moved.down] == ["25"]
        with pytest.raises(access.Forbidden):
            changes.changes(snap, HANOI)
    finally:
        ctx.pop()
    ctx = as_(province_user("01"))
    try:
        moved = changes.movers(snap, "T01")
        assert [m.code for m in moved.up] == ["01"] and moved.down == ()
    finally:
        ctx.pop()


# --- a snapshot stored before comparison days were ---------------------------------------------------


def test_a_snapshot_without_comparison_rows_has_no_changes(engines, central) -> None:
    vet, ioc = engines
    result = snapshots.refresh(vet, ioc, trigger="test", data_date=DATA_DATE, keep=10)
    assert result.status == "ok", result.error
    with ioc.begin() as conn:  # as a release before kpi_comparison stored it
        conn.execute(sa.delete(KpiComparison).where(KpiComparison.refresh_id == result.run_id))
    old = snapshots.current(ioc)
    assert old is not None and old.run.id == result.run_id
    assert old.comparison_dates == [] and old.compared_dates == []
    assert old.value_at("staff_digital_capacity", NATIONAL, DAY) is None
    assert old.value_at("staff_digital_capacity", NATIONAL, DATA_DATE) == (5, 6)
    rows = changes.changes(old, NATIONAL)
    assert len(rows) == len(registry.INDICATORS)
    assert all(c.delta_day is None and c.delta_week is None for c in rows)
    assert all(c.day_before.numerator is None and c.week_before.value is None for c in rows)
    assert rows[0].now.value == pytest.approx(5 / 6)
    moved = changes.movers(old, "T01")
    assert moved.up == () and moved.down == ()


# --- the small demo: order and agreement with the per-province figures -----------------------------------


@pytest.fixture(scope="module")
def demo(services) -> snapshots.Snapshot:
    s = snapshots.current(services.ioc_engine)
    assert s is not None
    return s


def test_demo_movers_are_ordered_and_agree_with_each_province_s_changes(demo, central) -> None:
    assert len(demo.comparison_dates) == 2
    for ind in registry.INDICATORS:
        moved = changes.movers(demo, ind.code, limit=50)
        ups, downs = [m.delta_week for m in moved.up], [m.delta_week for m in moved.down]
        assert ups == sorted(ups, reverse=True) and all(d > 0 for d in ups)
        assert downs == sorted(downs) and all(d < 0 for d in downs)
        if ind.provincial is None or ind.provincial.key != ind.headline_series.key:
            continue
        for m in (*moved.up, *moved.down):
            mine = next(c for c in changes.changes(demo, Scope(province34=m.code)) if c.code == ind.code)
            assert mine.delta_week == pytest.approx(m.delta_week), (ind.code, m.code)
        assert changes.movers(demo, ind.code, limit=2).up == moved.up[:2]


def test_comparison_rows_go_with_their_snapshot(engines) -> None:
    vet, ioc = engines
    result = snapshots.refresh(vet, ioc, trigger="test", keep=1)
    assert result.status == "ok", result.error
    with ioc.connect() as conn:
        runs = set(conn.execute(sa.select(KpiComparison.refresh_id).distinct()).scalars())
    assert runs == {result.run_id}
