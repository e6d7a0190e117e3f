"""Indicator values on the tiny database, against answers worked out by hand (tests/tiny_vet_db.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

import pandas as pd
import pytest

from data_sources.counting import default_rules
from ioc_app.indicators import engine as kpi
from ioc_app.indicators import registry, status
from ioc_app.indicators.scopes import NATIONAL, Scope, ScopeError, parse, rollup
from tests import independent_sql, tiny_vet_db

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
        # T03: P2 retired on 2023-12-01; P1 integrated; P3, P4, P6 not; P5 is a short course (out).
        ("programme_digital_outcomes", D(2024, 1, 1), NATIONAL, (1, 4)),
        # T04: IT programmes of the levels: P1 updated 2022-10-01; P4 never; P6 only before the decision
        # (2021-06-01, does not count); P5 is a short course (out although on the IT list).
        ("it_programme_updated", D(2024, 1, 1), NATIONAL, (1, 3)),
        ("it_programme_updated", D(2022, 9, 30), NATIONAL, (0, 2)),
        # T06: colleges and intermediate schools, both infrastructure and connection needed.
        ("school_platform_connected", D(2024, 1, 1), NATIONAL, (1, 3)),
        ("school_platform_connected", D(2024, 12, 31), NATIONAL, (2, 3)),
        ("school_platform_connected", D(2024, 1, 1), Scope(inst_type="college"), (1, 2)),
        ("school_platform_connected", D(2024, 1, 1), Scope(inst_type="centre"), (0, 0)),
        # T07: level 4 and both portals. DV1 on the ministry's portal 2023-12-10: counts at the deadline.
        ("public_service_level4", D(2023, 12, 9), NATIONAL, (0, 2)),
        ("public_service_level4", D(2023, 12, 31), NATIONAL, (1, 2)),
        # DV2 on the national portal since 2024-02-01 but on the ministry's only from 2024-05-01.
        ("public_service_level4", D(2024, 3, 1), NATIONAL, (1, 3)),
        ("public_service_level4", D(2024, 5, 1), NATIONAL, (2, 3)),
        # T08: first population (colleges + intermediate schools), then all institutions.
        ("learner_digitised_cd_tc", D(2024, 1, 1), NATIONAL, (3, 4)),
        ("learner_digitised_cd_tc", D(2024, 7, 1), NATIONAL, (1, 4)),
        ("learner_digitised_cd_tc", D(2024, 8, 1), NATIONAL, (2, 4)),
        ("learner_digitised_all", D(2024, 1, 1), NATIONAL, (4, 5)),
        ("learner_digitised_all", D(2024, 8, 1), NATIONAL, (2, 4)),
        # L6 enrolled in 2020: outside the records at every date (I2 has only L5 counted).
        ("learner_digitised_all", D(2024, 1, 1), Scope(province63="26"), (1, 1)),
        # T08 by institution: integrated and at least 95% of its records digitised (none = met).
        # 31/12/2022: I2 (integrated 2022-06-01, L5 1/1) and I3 (integrated 2022-10-01, no learners
        # yet) count; I1 never reaches 95% (L3's record is never digitised: at most 2/3); I4 not open.
        ("institution_digitised_all", D(2022, 12, 31), NATIONAL, (2, 3)),
        ("institution_digitised_cd_tc", D(2022, 12, 31), NATIONAL, (1, 2)),
        # 15/01/2023: I3's first learner L4 (enrolled 1/1) is not digitised until 1/2: 0/1.
        ("institution_digitised_all", D(2023, 1, 15), NATIONAL, (1, 3)),
        # 1/1/2024: I4 open (not integrated until 2025); I2 still 1/1; I3 1/1.
        ("institution_digitised_all", D(2024, 1, 1), NATIONAL, (2, 4)),
        ("institution_digitised_cd_tc", D(2024, 1, 1), NATIONAL, (1, 3)),
        ("institution_digitised_all", D(2024, 1, 1), Scope(province34="25"), (2, 3)),
        # 1/8/2024: I3 closed; L5 graduated 15/1 without a digitised diploma: I2 at 0/1.
        ("institution_digitised_all", D(2024, 8, 1), NATIONAL, (0, 3)),
        # 31/12/2025: I4 integrated 1/1/2025 with no learners: counts.
        ("institution_digitised_cd_tc", D(2025, 12, 31), NATIONAL, (1, 3)),
        ("institution_digitised_all", D(2025, 12, 31), Scope(inst_type="college"), (1, 2)),
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
        ("public_service_level4", D(2024, 4, 30), (1, 3)),
        ("institution_digitised_all", D(2022, 12, 31), (2, 3)),
        ("institution_digitised_all", D(2023, 1, 31), (1, 3)),
        ("institution_digitised_all", D(2023, 2, 28), (2, 3)),
        ("institution_digitised_cd_tc", D(2024, 1, 31), (0, 3)),
        ("high_quality_digital_school", D(2025, 12, 31), (1, 2)),
        ("map_completeness", D(2025, 12, 31), (1, 3)),
    ],
)
def test_month_end_trajectory_matches_hand_values(cube, series, when, expected) -> None:
    assert on_month_end(cube, series, when) == expected


def test_trajectory_agrees_with_point_in_time_at_every_month_end(tiny_engine, cube) -> None:
    ends = kpi.period_ends(tiny_vet_db.DATA_DATE)
    for series in registry.all_series():
        trajectory = _national_by_date(cube[cube.series == series.key])
        # Counted at each day by itself (as cells_at counts one), all days from one read of the records.
        point_in_time = _national_by_date(pd.concat(kpi.cells_on(tiny_engine, ends, [series.key])))
        for d in ends:
            assert trajectory.get(d, (0, 0)) == point_in_time.get(d, (0, 0)), (series.key, d)


def _national_by_date(cells: pd.DataFrame) -> dict[dt.date, tuple[int, int]]:
    """One series' national numerator and denominator per date (one rollup for every date at once)."""
    return {row.period_end: (int(row.numerator), int(row.denominator)) for row in rollup(cells, NATIONAL).itertuples()}


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


def test_t08_has_two_populations_of_institutions_and_the_record_share_beside() -> None:
    t08 = registry.get("T08")
    by_year = {t.year: t.series for t in t08.targets}
    assert by_year == {2025: "institution_digitised_cd_tc", 2030: "institution_digitised_all"}
    assert t08.headline_series.key == "institution_digitised_all"
    assert [s.key for s in t08.supporting_series] == ["learner_digitised_all", "learner_digitised_cd_tc"]


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        # 1/1/2024, I1 has L1 and L2 digitised, L3 not: exactly 2/3. I2 1/1, I3 1/1, I4 not integrated.
        (Fraction(2, 3), (3, 4)),  # 2/3 >= 2/3: I1 counts (the boundary is inclusive, compared exactly)
        (Fraction(6667, 10000), (2, 4)),  # just above 2/3: I1 does not
        (Fraction(1, 2), (3, 4)),
        (Fraction(1), (2, 4)),
    ],
)
def test_t08_record_share_threshold_is_configurable_and_exact(tiny_engine, share, expected) -> None:
    rules = replace(default_rules(), min_record_share=share)
    df = kpi.cells_at(tiny_engine, D(2024, 1, 1), ["institution_digitised_all"], rules)
    assert (int(df.numerator.sum()), int(df.denominator.sum())) == expected
    assert independent_sql.count(tiny_engine, "institution_digitised_all", D(2024, 1, 1), min_share=share) == expected


def test_t08_institution_counts_per_institution_at_the_data_date(tiny_engine) -> None:
    # At 15/3/2026 I1 (never 95%), I2 (0/1 since L5 graduated), I4 (integrated, no learners); I3 closed.
    df = kpi.institutions_at(tiny_engine, tiny_vet_db.DATA_DATE, ["institution_digitised_all"])
    got = {int(r.institution_id): (int(r.numerator), int(r.denominator)) for r in df.itertuples()}
    assert got == {1: (0, 1), 2: (0, 1), 4: (1, 1)}


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
