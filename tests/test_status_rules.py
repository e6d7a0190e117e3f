"""The status rules (ioc_app/indicators/status.py, README "Status and projection") at their edges,
on literal trajectories whose answers are worked out by hand in the comments."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from ioc_app import api, provincial
from ioc_app.indicators import registry, status
from layouts import components

D = dt.date

# The month ends of 2025; days before 31/12/2025 (the origin of the fit):
#   -334 -306 -275 -245 -214 -184 -153 -122 -92 -61 -31 0
MONTHS_2025 = [
    D(2025, 1, 31),
    D(2025, 2, 28),
    D(2025, 3, 31),
    D(2025, 4, 30),
    D(2025, 5, 31),
    D(2025, 6, 30),
    D(2025, 7, 31),
    D(2025, 8, 31),
    D(2025, 9, 30),
    D(2025, 10, 31),
    D(2025, 11, 30),
    D(2025, 12, 31),
]
END_2025 = D(2025, 12, 31)


def _indicator(*targets: registry.Target, kind: str = "percent") -> registry.Indicator:
    return dataclasses.replace(
        registry.get("T01"), kind=kind, series=(registry.Series("x", "", "", "", ""),), targets=targets
    )


def _assess(target: registry.Target, points: list[status.Point], as_of: dt.date, kind: str = "percent"):
    (a,) = status.assess(_indicator(target, kind=kind), {"x": points}, as_of)
    return a


def _flat(value: float) -> list[status.Point]:
    return [(d, value) for d in MONTHS_2025]


# --- the 10-point at-risk edge --------------------------------------------------------------------
#
# Target 80% at 31/12/2026, twelve flat months: the line is flat, so the projection is the value.
# Exactly 10.0 points short is at risk ("at most 10 points"). In floats 0.8 - 0.1 is
# 0.7000000000000001, above 0.7, so without a tolerance an exact 70% projection would read off
# track; the rules allow EPS = 1e-9 (a ten-millionth of a point). 10.01 points short (69.99%) is
# 1e-4 beyond the edge, far outside that tolerance: off track.


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        (0.70, status.AT_RISK),  # 0.80 - 0.70 = 0.10: exactly 10 points
        (0.6999, status.OFF_TRACK),  # 0.80 - 0.6999 = 0.1001: 10.01 points
        (0.80, status.ACHIEVED),  # the current value already meets it
        (0.7999, status.AT_RISK),  # 0.01 points short
    ],
)
def test_the_ten_point_edge(flat: float, expected: str) -> None:
    a = _assess(registry.Target(2026, 0.80, "x"), _flat(flat), END_2025)
    assert a.status == expected
    if expected != status.ACHIEVED:
        assert a.projection is not None and a.projection.value == pytest.approx(flat, abs=1e-12)


def test_on_track_when_the_projection_meets_the_target_exactly() -> None:
    # Months differ in length, so 60% + 1 point a month is not exactly straight in time: the
    # target is set to whatever the fit projects, and meeting it exactly is on track.
    points = [(d, 0.60 + 0.01 * i) for i, d in enumerate(MONTHS_2025)]
    proj = status.project(points, D(2026, 12, 31))
    assert proj is not None
    a = _assess(registry.Target(2026, proj.value, "x"), points, END_2025)
    assert a.status == status.ON_TRACK


@pytest.mark.parametrize(("flat", "expected"), [(0.70, status.AT_RISK), (0.6999, status.OFF_TRACK)])
def test_the_province_fast_path_has_the_same_edge(flat: float, expected: str) -> None:
    # The same twelve months as counts: 7000/10000 and 6999/10000 in every month.
    ind = _indicator(registry.Target(2026, 0.80, "x"))
    den = np.full((1, 12), 10000.0)
    num = np.round(den * flat)
    (fast,) = provincial._open_statuses(ind, ind.targets[0], num, den, MONTHS_2025, END_2025)
    assert fast is not None and fast.status == expected and fast.value == pytest.approx(flat)


# --- achieved before the deadline, missed stays missed --------------------------------------------


def test_achieved_before_the_deadline_even_on_a_falling_trend() -> None:
    # 61% falling 1 point a month to exactly 50% on 31/12/2025; target 50% at 31/12/2030.
    points = [(d, 0.61 - 0.01 * i) for i, d in enumerate(MONTHS_2025)]
    a = _assess(registry.Target(2030, 0.50, "x"), points, END_2025)
    assert (a.status, a.judged, a.value, a.projection, a.gain_needed_per_year) == (
        status.ACHIEVED,
        False,
        pytest.approx(0.50),
        None,
        0.0,
    )


def test_missed_stays_missed_when_reached_later() -> None:
    # 49% on the deadline 31/12/2025, 70% in June 2026: judged on 49% < 50%.
    points = [(D(2025, 12, 31), 0.49), (D(2026, 6, 30), 0.70)]
    a = _assess(registry.Target(2025, 0.50, "x"), points, D(2026, 7, 1))
    assert (a.status, a.judged, a.value) == (status.MISSED, True, 0.49)


def test_achieved_on_the_deadline_stays_achieved_when_it_falls_later() -> None:
    points = [(D(2025, 12, 31), 0.50), (D(2026, 6, 30), 0.30)]
    a = _assess(registry.Target(2025, 0.50, "x"), points, D(2026, 7, 1))
    assert (a.status, a.judged, a.value) == (status.ACHIEVED, True, 0.50)


# --- the 95% prediction interval, by hand ---------------------------------------------------------

HAND = [0.30, 0.31, 0.33, 0.32, 0.35, 0.36, 0.35, 0.38, 0.39, 0.40, 0.40, 0.42]


def test_prediction_interval_by_hand() -> None:
    # x in days from 31/12/2025 (the 365.25 cancels out of the ratio below), x0 = 365 (31/12/2026).
    # n = 12, t(0.975, 10 df) = 2.228.
    # Σx = -2017, x̄ = -168.0833; Σx² = 471933; Sxx = 471933 - 2017²/12 = 132908.9167
    # Σy = 4.31, ȳ = 0.359167; Σxy = -677.94; Sxy = -677.94 + 2017·4.31/12 = 46.499167
    # Σy² = 1.5649; Syy = 1.5649 - 4.31²/12 = 0.016892
    # slope b = Sxy/Sxx = 0.00034986 a day (0.127785 a year)
    # centre = ȳ + b·(x0 - x̄) = 0.359167 + 0.00034986·533.0833 = 0.545670
    # SSE = Syy - Sxy²/Sxx = 0.016892 - 0.016268 = 0.00062359; s = √(SSE/10) = 0.0078968
    # factor = √(1 + 1/12 + 533.0833²/132908.9167) = √(1 + 0.083333 + 2.138140) = √3.221473 = 1.794846
    # half = 2.228 · 0.0078968 · 1.794846 = 0.031579
    # low = 0.545670 - 0.031579 = 0.514091; high = 0.545670 + 0.031579 = 0.577249
    points = list(zip(MONTHS_2025, HAND, strict=True))
    p = status.project(points, D(2026, 12, 31))
    assert p is not None
    assert p.value == pytest.approx(0.5457, abs=5e-5)
    assert p.low == pytest.approx(0.5141, abs=5e-5)
    assert p.high == pytest.approx(0.5772, abs=5e-5)
    assert p.slope_per_year == pytest.approx(0.1278, abs=5e-5)
    # Target 60% at 31/12/2026: 0.60 - 0.5457 = 5.4 points short, within 10: at risk.
    assert _assess(registry.Target(2026, 0.60, "x"), points, END_2025).status == status.AT_RISK


# --- the 0-100% clip ------------------------------------------------------------------------------


def test_clip_of_one_bound() -> None:
    # The hand series plus 43 points: the line shifts by 0.43, s and the half-width do not.
    # centre = 0.545670 + 0.43 = 0.975670, low = 0.944091, high = 1.007249 -> 1.0.
    points = [(d, v + 0.43) for d, v in zip(MONTHS_2025, HAND, strict=True)]
    p = status.project(points, D(2026, 12, 31))
    assert p is not None
    assert p.value == pytest.approx(0.9757, abs=5e-5)
    assert p.low == pytest.approx(0.9441, abs=5e-5)
    assert p.high == 1.0


def test_clip_of_a_whole_projection() -> None:
    # Rising 2 points a month (about 24 a year) from 70% to 92%: five years on it would be ~2.1.
    rising = [(d, 0.70 + 0.02 * i) for i, d in enumerate(MONTHS_2025)]
    up = status.project(rising, D(2030, 12, 31))
    assert up is not None and (up.value, up.high) == (1.0, 1.0) and up.slope_per_year > 0.2
    # Falling 2 points a month from 30% to 8%: a year on it would be about -16%.
    falling = [(d, 0.30 - 0.02 * i) for i, d in enumerate(MONTHS_2025)]
    down = status.project(falling, D(2026, 12, 31))
    assert down is not None and (down.value, down.low) == (0.0, 0.0) and down.slope_per_year < -0.2
    assert _assess(registry.Target(2026, 0.50, "x"), falling, END_2025).status == status.OFF_TRACK


# --- fewer than 3 monthly values: the value, but no projection yet --------------------------------


@pytest.mark.parametrize("n", [1, 2])
def test_fewer_than_three_values_keeps_the_value(n: int) -> None:
    # 28% then 30%; target 50% at 31/12/2030. Years left: 1826 days / 365.25 = 4.999316,
    # so the gain still needed is (0.50 - 0.30) / 4.999316 = 0.040005 a year.
    points = [(D(2025, 11, 30), 0.28), (D(2025, 12, 31), 0.30)][-n:]
    a = _assess(registry.Target(2030, 0.50, "x"), points, END_2025)
    assert (a.status, a.judged, a.value, a.projection) == (status.NO_PROJECTION, False, 0.30, None)
    assert a.gain_needed_per_year == pytest.approx(0.040005, abs=1e-6)
    body = api.assessment_json(a)
    assert (body["status"], body["value"], body["projection"]) == ("no_projection", 0.3, None)


def test_three_values_are_enough_to_project() -> None:
    points = [(D(2025, 10, 31), 0.26), (D(2025, 11, 30), 0.28), (D(2025, 12, 31), 0.30)]
    a = _assess(registry.Target(2030, 0.50, "x"), points, END_2025)
    assert a.projection is not None and a.status in (status.ON_TRACK, status.AT_RISK, status.OFF_TRACK)


def test_unknown_months_do_not_count_towards_the_three() -> None:
    points = [(D(2025, 10, 31), None), (D(2025, 11, 30), 0.28), (D(2025, 12, 31), 0.30)]
    assert _assess(registry.Target(2030, 0.50, "x"), points, END_2025).status == status.NO_PROJECTION


def test_no_current_value_is_still_no_data() -> None:
    points = [(D(2025, 11, 30), 0.28), (D(2025, 12, 31), None)]
    a = _assess(registry.Target(2030, 0.50, "x"), points, END_2025)
    assert (a.status, a.value) == (status.NO_DATA, None)


# --- a judged deadline without a value ------------------------------------------------------------


def test_no_value_at_the_deadline_is_not_measured() -> None:
    # Nothing known on 31/12/2025; 60% a month later does not count for the 2025 deadline.
    points = [(D(2025, 11, 30), None), (D(2025, 12, 31), None), (D(2026, 1, 31), 0.60)]
    a = _assess(registry.Target(2025, 0.50, "x"), points, D(2026, 2, 1))
    assert (a.status, a.judged, a.value) == (status.NOT_MEASURED, True, None)
    # No point at all on or before the deadline reads the same.
    b = _assess(registry.Target(2025, 0.50, "x"), [(D(2026, 1, 31), 0.60)], D(2026, 2, 1))
    assert (b.status, b.judged) == (status.NOT_MEASURED, True)


def test_new_statuses_through_the_province_table() -> None:
    # Unit 0 has only two known months (no projection for 2026, value 30%); unit 1 has nothing
    # on 31/12/2025 (2025 not measured) but 40% now.
    ind = _indicator(registry.Target(2025, 0.50, "x"), registry.Target(2026, 0.50, "x"))
    periods = [D(2025, 11, 30), D(2025, 12, 31), D(2026, 1, 31)]
    num = np.array([[0.0, 28.0, 30.0], [0.0, 0.0, 40.0]])
    den = np.array([[0.0, 100.0, 100.0], [0.0, 0.0, 100.0]])
    (row0, row1) = provincial._statuses(ind, {"x": (num, den)}, periods, D(2026, 1, 31))
    assert [(s.year, s.status, s.value) for s in row0] == [
        (2025, status.MISSED, pytest.approx(0.28)),
        (2026, status.NO_PROJECTION, pytest.approx(0.30)),
    ]
    assert [(s.year, s.status, s.value) for s in row1] == [
        (2025, status.NOT_MEASURED, None),
        (2026, status.NO_PROJECTION, pytest.approx(0.40)),
    ]


# --- milestones: the one-year edge by calendar ----------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Deadline 31/12/2028 (2028 is a leap year: 366 days from 31/12/2027).
        (D(2027, 12, 30), status.ON_TRACK),  # a year and a day left
        (D(2027, 12, 31), status.AT_RISK),  # exactly one year left
        (D(2028, 1, 1), status.AT_RISK),
        (D(2028, 12, 30), status.AT_RISK),
    ],
)
def test_milestone_one_year_edge_in_a_leap_year(as_of: dt.date, expected: str) -> None:
    a = _assess(registry.Target(2028, 1.0, "x"), [(as_of, 0.0)], as_of, kind="milestone")
    assert (a.status, a.projection) == (expected, None)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(D(2025, 12, 30), status.ON_TRACK), (D(2025, 12, 31), status.AT_RISK)],  # 365 days: same edge
)
def test_milestone_one_year_edge_outside_a_leap_year(as_of: dt.date, expected: str) -> None:
    a = _assess(registry.Target(2026, 1.0, "x"), [(as_of, 0.0)], as_of, kind="milestone")
    assert a.status == expected


def test_milestone_reached_is_achieved_and_unmet_at_the_deadline_is_missed() -> None:
    ind_target = registry.Target(2028, 1.0, "x")
    assert _assess(ind_target, [(D(2027, 12, 31), 1.0)], D(2027, 12, 31), kind="milestone").status == status.ACHIEVED
    assert _assess(ind_target, [(D(2028, 12, 31), 0.0)], D(2028, 12, 31), kind="milestone").status == status.MISSED


def test_one_year_before() -> None:
    assert status.one_year_before(D(2028, 12, 31)) == D(2027, 12, 31)
    assert status.one_year_before(D(2028, 2, 29)) == D(2027, 2, 28)


# --- how the new statuses read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "vi", "en", "icon"),
    [
        (status.NO_PROJECTION, "Chưa đủ dữ liệu để dự báo", "Not enough data to project yet", "…"),
        (status.NOT_MEASURED, "Không có số liệu tại thời hạn", "Not measured at the deadline", "?"),
    ],
)
def test_new_statuses_have_words_icons_and_colours(state: str, vi: str, en: str, icon: str) -> None:
    assert components.status_word(state, "vi") == vi
    assert components.status_word(state, "en") == en
    assert components.STATUS_STYLE[state][0] == icon
    assert set(status.STATUSES) == set(components.STATUS_STYLE)
    colours = [c for _i, c in components.STATUS_STYLE.values()]
    assert len(set(colours)) == len(colours)
