"""What it takes (ioc_app/planner.py): the arithmetic on hand-computed cases, the sentences that state
it, and on the demo snapshot the gaps and the pace against figures read another way."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from ioc_app import planner, snapshots
from ioc_app.indicators import registry, status
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.inputs import InputError, planned_effort
from ioc_app.planner import Plan, months_between, status_of, units_needed
from ioc_app.situation import months_before
from ioc_app.target_data import province_ranking
from layouts import planner as words

D = dt.date


def hand_plan(**changes: object) -> Plan:
    """600 of 1.000 trained at 30/11/2026, 480 a year before, 100% due 31/12/2030 (49 months left)."""
    base = Plan(
        code="T01",
        kind="percent",
        series="staff_digital_capacity",
        data_date=D(2026, 11, 30),
        year=2030,
        deadline=D(2030, 12, 31),
        target=1.0,
        numerator=600,
        denominator=1000,
        year_ago_date=D(2025, 11, 30),
        year_ago_numerator=480,
        months_left=49,
    )
    return Plan(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_months_and_units_by_hand() -> None:
    assert months_between(D(2026, 11, 30), D(2030, 12, 31)) == 49
    assert months_between(D(2026, 11, 15), D(2030, 12, 31)) == 49  # the rest of November is not a month
    assert months_between(D(2030, 11, 30), D(2030, 12, 31)) == 1
    assert months_between(D(2030, 12, 31), D(2030, 12, 31)) == 0
    assert months_between(D(2031, 1, 31), D(2030, 12, 31)) == 0
    assert months_before(D(2026, 11, 15), 3) == D(2026, 8, 31)
    assert months_before(D(2026, 11, 30), 12) == D(2025, 11, 30)
    assert months_before(D(2026, 2, 28), 12) == D(2025, 2, 28)
    assert months_before(D(2026, 1, 31), 3) == D(2025, 10, 31)
    assert units_needed(0.5, 10, 25) == 3  # ceil(12,5) = 13
    assert units_needed(0.7, 7, 10) == 0  # 0,7 x 10 is 7.000000000000001 in floating point: still 7
    assert units_needed(0.7, 6, 10) == 1
    assert units_needed(1.0, 12, 10) == 0  # never negative


def test_plan_arithmetic_by_hand() -> None:
    plan = hand_plan()
    assert plan.gap == 400
    assert plan.per_month == pytest.approx(400 / 49)
    assert plan.per_year == pytest.approx(400 / 49 * 12)
    assert plan.pace_per_month == pytest.approx(10.0)  # (600 - 480) / 12
    # At the pace: 600 + 10 x 49 = 1.090, capped at the population: 100%, on track.
    at_pace = plan.at_pace
    assert at_pace is not None and at_pace.numerator == 1000 and at_pace.status == status.ON_TRACK
    # 5 a month: 600 + 245 = 845 -> 84,5%, more than 10 points short of 100%: off track.
    assert plan.what_if(5) == planner.WhatIf(5, 845, 0.845, status.OFF_TRACK)
    # 6,2 a month: 303,8 -> 303 whole units -> 90,3%: within 10 points, at risk.
    assert plan.what_if(6.2) == planner.WhatIf(6.2, 903, 0.903, status.AT_RISK)
    # 8,17 a month: 400,33 -> 400 -> 100%: on track.
    assert plan.what_if(8.17).status == status.ON_TRACK
    assert plan.what_if(0).numerator == 600 and plan.what_if(-3).numerator == 600


def test_plan_edges_by_hand() -> None:
    met = hand_plan(numerator=1000)
    assert met.gap == 0 and met.per_month == 0 and met.what_if(0).status == status.ACHIEVED
    falling = hand_plan(year_ago_numerator=660)
    assert falling.pace_per_month == pytest.approx(-5.0)
    assert falling.at_pace is not None and falling.at_pace.numerator == 600  # a falling pace adds nothing
    assert hand_plan(year_ago_numerator=None).pace_per_month is None
    passed = hand_plan(months_left=0)
    assert passed.gap == 400 and passed.per_month is None and passed.at_pace is None
    empty = hand_plan(numerator=0, denominator=0, year_ago_numerator=0)
    assert empty.what_if(10).status == status.NO_DATA
    milestones = hand_plan(code="T10", kind="milestone", numerator=1, denominator=2)
    assert milestones.gap == 1 and milestones.per_month is None and milestones.pace_per_month is None
    assert status_of(0.5, 0.5, 0.2) == status.ACHIEVED  # already there, whatever the projection


def test_sentences_state_the_plan() -> None:
    vi = " ".join(words.plan_sentences(hand_plan(), "vi"))
    assert "Cần thêm 400 nhà giáo và cán bộ quản lý được đào tạo để đạt mục tiêu 100% năm 2030." in vi
    assert "Trong 49 tháng còn lại: 8,2 nhà giáo" in vi and "98,0 nhà giáo" in vi
    assert "Tốc độ 12 tháng qua: 10,0 nhà giáo và cán bộ quản lý được đào tạo mỗi tháng (từ ngày 30/11/2025)." in vi
    assert "dự báo đến ngày 31/12/2030 đạt 100,0%: đúng tiến độ." in vi
    en = " ".join(words.plan_sentences(hand_plan(), "en"))
    assert "400 more teachers and managers trained to reach the 2030 target of 100%." in en
    assert "Over the 49 months left: 8.2 teachers" in en
    one = " ".join(words.plan_sentences(hand_plan(numerator=999, months_left=1), "en"))
    assert "1 more teacher or manager trained" in one and "Over the 1 month left: 1.0 teacher or manager" in one
    assert "Mọi mốc đã hoàn thành." in words.plan_sentences(
        hand_plan(kind="milestone", numerator=2, denominator=2), "vi"
    )
    passed = " ".join(words.plan_sentences(hand_plan(code="T04", months_left=0, year=2025), "vi"))
    assert "đã qua" in passed and "400 chương trình CNTT được cập nhật" in passed
    what_if = words.what_if_text(hand_plan(), hand_plan().what_if(5), "vi")
    assert what_if == (
        "Với 5,0 nhà giáo và cán bộ quản lý được đào tạo mỗi tháng, dự báo đến ngày 31/12/2030: 84,5% (845/1.000), chậm tiến độ."
    )


def test_effort_input_is_checked() -> None:
    assert planned_effort(None) is None and planned_effort("") is None
    assert planned_effort(12) == 12.0 and planned_effort(2.5) == 2.5
    for bad in (-1, float("nan"), float("inf"), True, "12", [1], 10**8):
        with pytest.raises(InputError):
            planned_effort(bad)


# --- on the demo snapshot -------------------------------------------------------------------------


def test_national_plan_equals_the_snapshot(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T01")
    plan = planner.plan(snap, ind, NATIONAL)
    traj = snap.trajectory("staff_digital_capacity", NATIONAL)
    now = traj.iloc[-1]
    year_ago = traj[traj["period_end"] == months_before(snap.run.data_date, 12)].iloc[0]
    assert (plan.numerator, plan.denominator) == (int(now["numerator"]), int(now["denominator"]))
    assert plan.gap == math.ceil(int(now["denominator"]) - 1e-9) - int(now["numerator"])  # 100% target
    assert plan.pace_per_month == pytest.approx((int(now["numerator"]) - int(year_ago["numerator"])) / 12)
    assert plan.months_left == months_between(snap.run.data_date, D(2030, 12, 31))
    # Each province's gap from the ranking's own figures, and the shares of the national gap.
    ranking = province_ranking(snap, ind, NATIONAL, "34").table
    by_code = {p.code: p for p in plan.provinces}
    for row in ranking.to_dict("records"):
        gap = by_code[row["code"]].gap
        assert gap == math.ceil(row["denominator"] - 1e-9) - row["numerator"]
        assert by_code[row["code"]].share == pytest.approx(gap / plan.national_gap)
    assert sum(p.share or 0 for p in plan.provinces) <= 1 + 1e-9
    assert [p.gap for p in plan.provinces] == sorted((p.gap for p in plan.provinces), reverse=True)


def test_filters_and_milestones(snap: snapshots.Snapshot) -> None:
    colleges = planner.plan(snap, registry.get("T06"), Scope(inst_type="college"))
    whole = snap.value_at("school_platform_connected", Scope(inst_type="college"), snap.run.data_date)
    assert whole is not None and colleges.national_gap == units_needed(1.0, *whole)
    t10 = planner.plan(snap, registry.get("T10"), NATIONAL)
    assert t10.kind == "milestone" and t10.provinces == () and t10.per_month is None
    t05 = planner.plan(snap, registry.get("T05"), NATIONAL)
    assert t05.year == 2025 and t05.months_left == 0


def test_legacy_units(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T06")
    plan = planner.plan(snap, ind, NATIONAL, "63")
    ranking = province_ranking(snap, ind, NATIONAL, "63").table
    by_code = {p.code: p for p in plan.provinces}
    assert set(by_code) == set(ranking["code"])
    for row in ranking.to_dict("records"):
        assert by_code[row["code"]].gap == math.ceil(row["denominator"] - 1e-9) - row["numerator"]
    assert plan.national_gap == planner.plan(snap, ind, NATIONAL).national_gap  # the nation is the nation
