"""Indicator values on the tiny database, against answers worked out by hand (tests/tiny_vet_db.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ioc_app.indicators import engine as kpi
from ioc_app.indicators import registry, status
from ioc_app.indicators.scopes import NATIONAL, Scope, ScopeError, parse, rollup
from tests import tiny_vet_db

D = dt.date


@pytest.fixture(scope="module")
def cube(tiny_engine):
    return kpi.monthly_cells(tiny_engine, tiny_vet_db.DATA_DATE)


def at(engine, series: str, d: dt.date, scope: Scope = NATIONAL) -> tuple[int, int]:
    df = rollup(kpi.cells_at(engine, d, [series]), scope)
    if df.empty:
        return 0, 0
    return int(df.numerator.sum()), int(df.denominator.sum())


def on_month_end(cube, series: str, d: dt.date, scope: Scope = NATIONAL) -> tuple[int, int]:
    df = rollup(cube[(cube.series == series) & (cube.period_end == d)], scope)
    if df.empty:
        return 0, 0
    return int(df.numerator.sum()), int(df.denominator.sum())


@pytest.mark.parametrize(
    ("series", "when", "scope", "expected"),
    [
        # T01: S2 left before the date, S3 trained after it, S1 trained twice counts once.
        ("staff_digital_capacity", D(2024, 1, 1), NATIONAL, (3, 5)),
        # After I3 closed its teacher S6 is out of the population; S3's training now counts.
        ("staff_digital_capacity", D(2024, 12, 31), NATIONAL, (3, 4)),
        ("staff_digital_capacity", D(2024, 1, 1), Scope(province34="25"), (2, 2)),
        ("staff_digital_capacity", D(2024, 1, 1), Scope(province34="01"), (1, 3)),
        ("staff_digital_capacity", D(2024, 1, 1), Scope(province63="26"), (1, 1)),
        # T02: teachers only.
        ("teacher_digital_materials", D(2024, 1, 1), NATIONAL, (2, 4)),
        # T03 / T04: P2 retired on 2023-12-01.
        ("programme_digital_outcomes", D(2024, 1, 1), NATIONAL, (1, 3)),
        ("it_programme_updated", D(2024, 1, 1), NATIONAL, (1, 2)),
        # T06: colleges and intermediate schools, both infrastructure and connection needed.
        ("school_platform_connected", D(2024, 1, 1), NATIONAL, (1, 3)),
        ("school_platform_connected", D(2024, 12, 31), NATIONAL, (2, 3)),
        ("school_platform_connected", D(2024, 1, 1), Scope(inst_type="college"), (1, 2)),
        ("school_platform_connected", D(2024, 1, 1), Scope(inst_type="centre"), (0, 0)),
        # T07: the 2023 deadline.
        ("public_service_level4", D(2023, 12, 31), NATIONAL, (1, 2)),
        ("public_service_level4", D(2024, 3, 1), NATIONAL, (2, 3)),
        # T08: first population (colleges + intermediate schools), then all institutions.
        ("learner_digitised_cd_tc", D(2024, 1, 1), NATIONAL, (3, 4)),
        ("learner_digitised_cd_tc", D(2024, 7, 1), NATIONAL, (1, 4)),
        ("learner_digitised_cd_tc", D(2024, 8, 1), NATIONAL, (2, 4)),
        ("learner_digitised_all", D(2024, 1, 1), NATIONAL, (4, 5)),
        ("learner_digitised_all", D(2024, 8, 1), NATIONAL, (2, 4)),
        # T09: inspections in (d - 12 months, d]: the boundaries are exclusive then inclusive.
        ("inspection_digital", D(2024, 6, 30), NATIONAL, (2, 3)),
        ("inspection_digital", D(2024, 6, 30), Scope(province34="25"), (2, 3)),
        ("inspection_digital", D(2024, 6, 30), Scope(province34="25", inst_type="college"), (1, 1)),
        # T11: both digital and connected.
        ("report_digital_connected", D(2024, 6, 30), NATIONAL, (1, 2)),
        # T12: high-quality schools.
        ("high_quality_digital_school", D(2024, 1, 1), NATIONAL, (0, 2)),
        ("high_quality_digital_school", D(2024, 12, 31), NATIONAL, (1, 2)),
        # Milestones: one of two; the map formed mid-2025.
        ("milestones_platform", D(2025, 12, 31), NATIONAL, (1, 2)),
        ("milestone_map_formed", D(2025, 6, 14), NATIONAL, (0, 1)),
        ("milestone_map_formed", D(2025, 6, 15), NATIONAL, (1, 1)),
        # Milestones are national: a province has no data, not 0%.
        ("milestones_platform", D(2025, 12, 31), Scope(province34="01"), (0, 0)),
        # T10 completeness: geolocated and profile updated in the last 12 months (I3 has no coordinates).
        ("map_completeness", D(2025, 12, 31), NATIONAL, (1, 3)),
        ("map_completeness", D(2026, 3, 1), NATIONAL, (1, 3)),
        # As of a past date, from the update history: I1's update of 2024-02-01 counts then.
        ("map_completeness", D(2024, 6, 30), NATIONAL, (1, 4)),
        # A province with no institutions: no data.
        ("staff_digital_capacity", D(2024, 1, 1), Scope(province34="04"), (0, 0)),
    ],
)
def test_point_in_time_values(tiny_engine, series, when, scope, expected) -> None:
    assert at(tiny_engine, series, when, scope) == expected


@pytest.mark.parametrize(
    ("series", "when", "expected"),
    [
        ("staff_digital_capacity", D(2023, 12, 31), (3, 5)),
        ("staff_digital_capacity", D(2024, 12, 31), (3, 4)),
        ("learner_digitised_cd_tc", D(2024, 6, 30), (1, 4)),
        ("learner_digitised_cd_tc", D(2024, 7, 31), (2, 4)),
        ("inspection_digital", D(2024, 6, 30), (2, 3)),
        ("public_service_level4", D(2023, 12, 31), (1, 2)),
        ("high_quality_digital_school", D(2025, 12, 31), (1, 2)),
        ("map_completeness", D(2025, 12, 31), (1, 3)),
    ],
)
def test_month_end_trajectory_matches_hand_values(cube, series, when, expected) -> None:
    assert on_month_end(cube, series, when) == expected


def test_trajectory_agrees_with_point_in_time_at_every_month_end(tiny_engine, cube) -> None:
    for series in registry.all_series():
        for d in kpi.period_ends(tiny_vet_db.DATA_DATE):
            assert on_month_end(cube, series.key, d) == at(tiny_engine, series.key, d), (series.key, d)


def test_trajectory_covers_every_month_end_since_december_2021(cube) -> None:
    ends = sorted(cube.period_end.unique())
    assert ends[0] == D(2021, 12, 31)
    assert ends[-1] == tiny_vet_db.DATA_DATE  # the data date itself closes the trajectory
    assert len(ends) == 4 * 12 + 3 + 1  # Dec 2021 .. Feb 2026, then 15 Mar 2026


def test_zero_denominator_is_no_data() -> None:
    assert kpi.value(0, 0) is None
    assert kpi.value(1, 2) == 0.5


def _points(pairs: list[tuple[dt.date, float | None]]) -> dict[str, list]:
    return {"x": pairs}


def _indicator(targets: tuple[registry.Target, ...], kind: str = "percent") -> registry.Indicator:
    base = registry.get("T01")
    series = (registry.Series("x", "", "", "", ""),)
    return registry.Indicator(**{**base.__dict__, "targets": targets, "series": series, "kind": kind})


def test_status_exactly_on_target_on_the_deadline_day_is_achieved() -> None:
    ind = _indicator((registry.Target(2025, 0.5, "x", at_least=True),))
    traj = _points([(D(2025, 11, 30), 0.48), (D(2025, 12, 31), 0.5)])
    (a,) = status.assess(ind, traj, D(2025, 12, 31))
    assert a.judged and a.status == status.ACHIEVED and a.value == 0.5


def test_status_one_point_short_on_the_deadline_is_missed_even_if_reached_later() -> None:
    ind = _indicator((registry.Target(2025, 0.5, "x"),))
    traj = _points([(D(2025, 12, 31), 0.49), (D(2026, 6, 30), 0.7)])
    (a,) = status.assess(ind, traj, D(2026, 7, 1))
    assert a.status == status.MISSED and a.value == 0.49


def test_status_the_day_before_the_deadline_is_still_projected() -> None:
    ind = _indicator((registry.Target(2025, 0.5, "x"),))
    months = kpi.month_ends(D(2025, 11, 30), start=D(2024, 12, 31))
    traj = _points([(d, 0.30 + 0.015 * i) for i, d in enumerate(months)])  # ~0.18 a year, reaching ~0.48
    (a,) = status.assess(ind, traj, D(2025, 12, 30))
    assert not a.judged and a.status == status.AT_RISK
    assert a.projection is not None and 0.45 < a.projection.value < 0.5


def test_status_on_track_off_track_and_no_data() -> None:
    ind = _indicator((registry.Target(2030, 1.0, "x"),))
    months = kpi.month_ends(D(2026, 10, 31), start=D(2025, 11, 30))
    rising = _points([(d, 0.50 + 0.02 * i) for i, d in enumerate(months)])  # +24 points a year
    flat = _points([(d, 0.40) for d in months])
    (on,) = status.assess(ind, rising, D(2026, 10, 31))
    (off,) = status.assess(ind, flat, D(2026, 10, 31))
    (none,) = status.assess(ind, _points([(d, None) for d in months]), D(2026, 10, 31))
    assert on.status == status.ON_TRACK and on.projection.value == 1.0  # bounded to 100%
    assert off.status == status.OFF_TRACK and off.projection.value == pytest.approx(0.40)
    assert none.status == status.NO_DATA
    # Gain still needed: 60 points over ~4.17 years.
    assert off.gain_needed_per_year == pytest.approx(0.6 / ((D(2030, 12, 31) - D(2026, 10, 31)).days / 365.25))


def test_milestone_not_yet_reached() -> None:
    ind = _indicator((registry.Target(2030, 1.0, "x"),), kind="milestone")
    (a,) = status.assess(ind, _points([(D(2026, 10, 31), 0.0)]), D(2026, 10, 31))
    assert a.status == status.ON_TRACK and a.projection is None
    (b,) = status.assess(ind, _points([(D(2030, 6, 30), 0.0)]), D(2030, 6, 30))
    assert b.status == status.AT_RISK


def test_t08_has_two_populations() -> None:
    t08 = registry.get("T08")
    by_year = {t.year: t.series for t in t08.targets}
    assert by_year == {2025: "learner_digitised_cd_tc", 2030: "learner_digitised_all"}
    assert t08.headline_series.key == "learner_digitised_all"


def test_registry_holds_the_twelve_targets_of_the_decision() -> None:
    codes = [i.code for i in registry.INDICATORS]
    assert codes == [f"T{n:02d}" for n in range(1, 13)]
    targets = {i.code: {t.year: t.value for t in i.targets} for i in registry.INDICATORS}
    assert targets["T01"] == {2025: 0.5, 2030: 1.0}
    assert targets["T03"] == {2025: 0.7, 2030: 1.0}
    assert targets["T07"] == {2023: 1.0}
    assert targets["T09"] == {2025: 0.5, 2030: 0.7}
    assert targets["T11"] == {2025: 1.0}
    assert targets["T12"] == {2025: 0.5, 2030: 1.0}
    assert registry.get("t05").kind == "milestone" and registry.get("T10").kind == "milestone"


@pytest.mark.parametrize(
    "bad",
    [
        "province34:99",
        "province63:03",
        "type:university",
        "region:north",
        "type:college|type:centre",
        "province34:01|province63:01",
    ],
)
def test_bad_scopes_are_refused(bad: str) -> None:
    with pytest.raises(ScopeError):
        parse(bad)


def test_scope_strings_round_trip() -> None:
    for text in ("national", "province34:79", "province63:77|type:college", "province34:01|ownership:private"):
        assert parse(text).key == text
