"""The written situation: every number a paragraph states, parsed back from its text (Vietnamese and
English), equals the figure read from the snapshot another way (the panels' views, the province
ranking, the trajectory at month ends); a province user's paragraph and plan name only their
province; the pages carry the paragraph in both languages; the planner's what-if and export."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from callbacks import home as home_cb
from callbacks import province as prov_cb
from callbacks import targets as targets_cb
from callbacks.page import PageContext
from geo import provinces as geo_provinces
from ioc_app import create_app, kpis, planner, province_view, situation, snapshots
from ioc_app.i18n import fmt_percent
from ioc_app.identity import PROVINCE, Identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.overview import all_panels
from ioc_app.place_names import place_name
from ioc_app.province_view import institution_rows
from ioc_app.provincial import unit_of
from ioc_app.services import Services
from ioc_app.settings import Settings
from ioc_app.target_data import province_ranking
from layouts import situation as words
from layouts.components import status_word
from layouts.home import Home
from layouts.province import ProvIds
from layouts.targets import TargetIds
from tests.conftest import signed_in_client
from tests.test_access import as_
from tests.test_overview import find

PERCENT_CODES = [i.code for i in registry.INDICATORS if i.kind == "percent"]
PP = {"vi": r"điểm phần trăm", "en": r"percentage points?"}


def number(text: str, lang: str) -> float:
    """'1.234,5' (vi) or '1,234.5' (en) as a float."""
    if lang == "vi":
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", ""))


def percents(text: str, lang: str) -> list[float]:
    return [number(m, lang) for m in re.findall(r"(\d[\d.,]*\d|\d)%", text)]


def close(parsed: float, value: float | None, digits: int = 1) -> bool:
    return value is not None and abs(parsed - round(value, digits)) < 10 ** -(digits + 1)


def state(snap: snapshots.Snapshot) -> dict:
    return {
        "id": snap.run.id,
        "refreshed_at": snap.run.finished_at.isoformat(),
        "data_date": snap.run.data_date.isoformat(),
        "stale": False,
    }


def paragraph(snap: snapshots.Snapshot, code: str, lang: str, scope: Scope = NATIONAL) -> str:
    s = situation.target_situation(snap, registry.get(code), scope)
    return words.target_paragraph(s, words.scope_words(scope, "X", lang), lang)


# --- a target's paragraph equals the snapshot -----------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("code", PERCENT_CODES)
def test_value_and_changes_are_the_snapshot(snap: snapshots.Snapshot, code: str, lang: str) -> None:
    ind = registry.get(code)
    text = paragraph(snap, code, lang)
    view = kpis.indicator_view(snap, ind, NATIONAL)
    last = view.headline_series.last
    pattern = r"đạt (\S+)% \((\S+)/(\S+)\)" if lang == "vi" else r"stands at (\S+)% \((\S+) of (\S+)\)"
    value, num, den = re.search(pattern, text).groups()  # type: ignore[union-attr]
    assert close(number(value, lang) / 100, last["value"], 3)
    assert (number(num, lang), number(den, lang)) == (last["numerator"], last["denominator"])
    # The changes: against the month ends 3 and 12 months before the data date (15/11/2026 in the demo).
    traj = view.headline_series.trajectory.set_index("period_end")["value"]
    for label, when in (
        ("ba tháng trước" if lang == "vi" else "three months before", dt.date(2026, 8, 31)),
        ("một năm trước" if lang == "vi" else "a year before", dt.date(2025, 11, 30)),
    ):
        expected = (last["value"] - traj[when]) * 100
        m = re.search(rf"(tăng|giảm|up|down) (\S+) {PP[lang]} (?:so với|from) {label}", text, flags=re.IGNORECASE)
        if m is None:
            assert re.search(rf"(không đổi|unchanged) (?:so với|from) {label}", text, flags=re.IGNORECASE), text
            assert abs(expected) < 0.05
            continue
        sign = -1 if m.group(1).lower() in ("giảm", "down") else 1
        assert close(sign * number(m.group(2), lang), expected), (text, expected)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("code", PERCENT_CODES)
def test_deadlines_and_provinces_are_the_snapshot(snap: snapshots.Snapshot, code: str, lang: str) -> None:
    ind = registry.get(code)
    text = paragraph(snap, code, lang)
    view = kpis.indicator_view(snap, ind, NATIONAL)
    allowed = {round(view.headline_series.last["value"] * 100, 1)}
    for a in view.assessments:
        allowed.add(round(a.target * 100, 1))
        if a.judged and a.value is not None:
            allowed.add(round(a.value * 100, 1))
            assert fmt_percent(a.value, lang) in text  # the value judged at the deadline
        if a.projection is not None and a.status in ("on_track", "at_risk", "off_track"):
            allowed.add(round(a.projection.value * 100, 1))
            assert fmt_percent(a.projection.value, lang) in text
    table = province_ranking(snap, ind, NATIONAL, "34").table
    head = view.headline
    behind = table[table["value"] < head.target - 1e-9] if head is not None else table
    for row in behind.tail(situation.NAMED_UNITS).iloc[::-1].to_dict("records"):
        name = place_name(row["name"], row["is_city"], lang)
        assert f"{name} ({fmt_percent(row['value'], lang)})" in text
    allowed |= {round(v * 100, 1) for v in table["value"]}
    # Every share in the text is one of the snapshot's: the value, a target, a verdict, a projection, a province.
    for p in percents(text, lang):
        assert round(p, 1) in allowed, (p, text)


def test_movers_are_the_province_changes(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T01")
    s = situation.target_situation(snap, ind, NATIONAL)
    quarter = dt.date(2026, 8, 31)
    for u in s.moved:
        now = snap.value_at(ind.provincial.key, Scope(province34=u.code), snap.run.data_date)  # type: ignore[union-attr]
        before = snap.value_at(ind.provincial.key, Scope(province34=u.code), quarter)  # type: ignore[union-attr]
        assert now is not None and before is not None
        assert u.quarter_change == pytest.approx((now[0] / now[1] - before[0] / before[1]) * 100)
        text = words.target_paragraph(s, "cả nước", "vi")
        assert f"{place_name(u.name, u.is_city, 'vi')} ({words.signed_points(u.quarter_change, 'vi')})" in text


def test_milestones_say_what_is_done(snap: snapshots.Snapshot) -> None:
    view = kpis.indicator_view(snap, registry.get("T10"), NATIONAL)
    done = sum(int(view.series[s.key].last["numerator"]) for s in view.indicator.series)
    total = sum(int(view.series[s.key].last["denominator"]) for s in view.indicator.series)
    assert f"đã hoàn thành {done}/{total} mốc" in paragraph(snap, "T10", "vi")
    assert f"has achieved {done} of {total} milestone" in paragraph(snap, "T10", "en")
    assert "Theo xu hướng" not in paragraph(snap, "T10", "vi")  # no projection of a milestone


# --- the overview's and a province's paragraph ----------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_counts_and_names_are_the_panels(snap: snapshots.Snapshot, lang: str) -> None:
    panels = all_panels(snap, NATIONAL)
    s = situation.scope_situation(snap, NATIONAL)
    text = words.scope_paragraph(s, words.scope_words(NATIONAL, "", lang), lang)
    statuses = [p.view.headline.status for p in panels if p.view.headline_series.last["denominator"]]  # type: ignore[union-attr]
    n = re.search(r"(?:ở|on) (\d+) (?:chỉ tiêu|targets?):", text)
    assert n is not None and int(n.group(1)) == len(statuses)
    for state_ in set(statuses):
        word = words.lower_first(status_word(state_, lang))
        assert re.search(rf"\b{statuses.count(state_)} {re.escape(word)}\b", text), (state_, text)
    by_code = {p.view.indicator.code: p.view for p in panels}
    for code, value in re.findall(r"(T\d\d) \((\d[\d.,]*)%", text):
        assert fmt_percent(by_code[code].headline_series.last["value"], lang) == f"{value}%"
    for code, pp in re.findall(rf"(T\d\d) \(\+(\S+) {PP[lang]}\)", text):
        view = by_code[code]
        traj = view.headline_series.trajectory.set_index("period_end")["value"]
        assert close(number(pp, lang), (traj.iloc[-1] - traj[dt.date(2026, 8, 31)]) * 100)


def test_a_province_paragraph_counts_its_own_targets(snap: snapshots.Snapshot) -> None:
    code = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"].iloc[0]
    s = situation.scope_situation(snap, Scope(province34=code), nation=False)
    assert all(not registry.get(x.code).national_only for x in s.targets)  # T05, T07: no provincial figure
    for x in s.targets:
        view = kpis.indicator_view(snap, registry.get(x.code), Scope(province34=code))
        assert x.value == view.headline_series.last["value"]


def test_a_province_paragraph_names_its_institutions_furthest_behind(
    services: Services, snap: snapshots.Snapshot
) -> None:
    code = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"].iloc[0]
    unit = unit_of("34", code)
    assert unit is not None
    s = situation.province_situation(services, snap, unit, None, None)
    assert s.furthest and s.institutions_on == s.furthest[0].code
    rows, _ = institution_rows(services, snap, unit, None, None)
    worst = max((r.shortfall(s.institutions_on) or 0) for r in rows)
    first = s.institutions[0]
    assert first.denominator - first.numerator == worst > 0
    for lang, fraction in (
        ("vi", f"{first.numerator}/{first.denominator} đạt"),
        ("en", f"{first.numerator} of {first.denominator} done"),
    ):
        text = words.scope_paragraph(s, "X", lang)
        assert f"{first.name} ({fraction})" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_province_page_paragraph_is_its_targets_table(
    services: Services, snap: snapshots.Snapshot, lang: str
) -> None:
    code = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"].iloc[0]
    unit = unit_of("34", code)
    assert unit is not None
    _table, text = prov_cb.update_targets(services, state(snap), None, {"level": "34", "code": code}, lang)
    card, rows = province_view.province_targets(snap, unit, None, None)
    cells = card.cells[code]
    named = re.findall(r"(T\d\d) \((\d[\d.,]*)%", text)
    assert named
    for target, value in named:
        assert fmt_percent(cells[target].value, lang) == f"{value}%"
    judged = [r for r in rows if r.province.status is not None and r.province.value is not None]
    n = re.search(r"(?:ở|on) (\d+) (?:chỉ tiêu|targets?):", text)
    assert n is not None and int(n.group(1)) == len(judged)


# --- who reads what -------------------------------------------------------------------------------


@pytest.fixture
def province_reader(snap: snapshots.Snapshot) -> Iterator[str]:
    code = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"].iloc[0]
    ctx = as_(Identity("tinh", PROVINCE, province=code, user_id=1))
    yield code
    ctx.pop()


def test_a_province_user_reads_only_their_province(snap: snapshots.Snapshot, province_reader: str) -> None:
    mine = province_reader
    others = [p for p in geo_provinces.provinces() if p.code != mine]
    for code in ("T01", "T08"):
        s = situation.target_situation(snap, registry.get(code), NATIONAL)
        own = kpis.indicator_view(snap, registry.get(code), Scope(province34=mine)).headline_series.last
        assert (s.numerator, s.denominator) == (own["numerator"], own["denominator"])
        assert s.lowest == () and s.moved == ()
        for lang in ("vi", "en"):
            text = words.target_paragraph(s, "X", lang)
            assert not any(place_name(p.name, p.is_city, lang) in text for p in others)
        plan = planner.plan(snap, registry.get(code), NATIONAL)
        assert [p.code for p in plan.provinces] in ([mine], [])
        assert plan.national_gap is None and all(p.share is None for p in plan.provinces)
        assert (plan.numerator, plan.denominator) == (own["numerator"], own["denominator"])
    assert situation.scope_situation(snap, NATIONAL).scope == Scope(province34=mine)
    # A national-level target has no figure in a province: said plainly, never "0/0".
    t05 = situation.target_situation(snap, registry.get("T05"), NATIONAL)
    assert t05.scope == Scope(province34=mine)
    text = words.target_paragraph(t05, "Tỉnh X", "vi")
    assert text.startswith("Đến ngày") and "chưa có số liệu" in text and "0/0" not in text


# --- wording on hand-made facts -------------------------------------------------------------------


def hand_situation(**changes: object) -> situation.TargetSituation:
    base = situation.TargetSituation(
        code="T01",
        kind="percent",
        data_date=dt.date(2026, 11, 30),
        scope=NATIONAL,
        value=0.573,
        numerator=1234,
        denominator=2154,
        milestones_done=1234,
        milestones_total=2154,
        quarter_date=dt.date(2026, 8, 31),
        quarter_value=0.552,
        year_date=dt.date(2025, 11, 30),
        year_value=None,
        deadlines=(
            situation.Deadline(2025, dt.date(2025, 12, 31), 0.5, "missed", True, 0.481, None),
            situation.Deadline(2030, dt.date(2030, 12, 31), 1.0, "at_risk", False, 0.573, 0.912),
        ),
        headline_status="at_risk",
        headline_target=1.0,
        headline_year=2030,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_one_target_reads_in_the_singular() -> None:
    one = situation.ScopeSituation(dt.date(2026, 11, 30), NATIONAL, (hand_situation(),))
    assert words.scope_paragraph(one, "the country", "en").startswith(
        "At 30 Nov 2026, the country has a figure on 1 target: 1 at risk."
    )
    assert words.scope_paragraph(one, "cả nước", "vi").startswith(
        "Đến ngày 30/11/2026, cả nước có số liệu ở 1 chỉ tiêu: 1 có nguy cơ không đạt."
    )


def test_wording_by_hand() -> None:
    vi = words.target_paragraph(hand_situation(), "cả nước", "vi")
    assert vi == (
        "Đến ngày 30/11/2026, cả nước đạt 57,3% (1.234/2.154). "
        "Tăng 2,1 điểm phần trăm so với ba tháng trước (31/08/2026). "
        "Mục tiêu năm 2025 (50%) không đạt: 48,1% tại ngày 31/12/2025. "
        "Theo xu hướng 12 tháng gần nhất, dự báo đến ngày 31/12/2030 đạt 91,2%, so với mục tiêu 100% năm 2030: "
        "có nguy cơ không đạt."
    )
    en = words.target_paragraph(hand_situation(quarter_value=0.563, year_value=0.573), "the country", "en")
    assert "Up 1.0 percentage point from three months before (31 Aug 2026) and unchanged from a year before" in en
    assert "stands at 57.3% (1,234 of 2,154)" in en
    # No comparison at all: the sentence is left out, not written empty.
    bare = words.target_paragraph(hand_situation(quarter_value=None), "cả nước", "vi")
    assert "trước (" not in bare and ".." not in bare and "  " not in bare
    milestone = hand_situation(
        kind="milestone",
        milestones_done=1,
        milestones_total=1,
        deadlines=(situation.Deadline(2025, dt.date(2025, 12, 31), 1.0, "missed", True, 0.0, None),),
    )
    assert words.target_paragraph(milestone, "the country", "en") == (
        "At 30 Nov 2026, the country has achieved 1 of 1 milestone. The 2025 milestone was missed (deadline 31 Dec 2025)."
    )


# --- pages, what-if and export --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pages_carry_the_paragraph(services: Services, snap: snapshots.Snapshot, lang: str) -> None:
    home = home_cb.render(PageContext(services=services, lang=lang))
    assert find(home, Home.SITUATION).children
    text = home_cb.update_overview(services, state(snap), None, lang)["situation"]
    assert text == find(home, Home.SITUATION).children
    for code in ("T01", "T05", "T07", "T10"):
        page = targets_cb.render(PageContext(services=services, lang=lang, args=[code]))
        assert find(page, TargetIds.SITUATION).children
        assert find(page, "target-plan") is not None
    body = targets_cb.update_target(services, state(snap), None, "T02", lang)
    assert find(body, "target-plan-effort") is not None
    code = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"].iloc[0]
    page = prov_cb.render(PageContext(services=services, lang=lang, args=[code]))
    assert find(page, ProvIds.SITUATION) is not None
    _table, written = prov_cb.update_targets(services, state(snap), None, {"level": "34", "code": code}, lang)
    assert (
        place_name(geo_provinces.province_by_code()[code].name, geo_provinces.province_by_code()[code].is_city, lang)
        in written
    )


def test_what_if_and_export(services: Services, snap: snapshots.Snapshot) -> None:
    plan = planner.plan(snap, registry.get("T02"), NATIONAL)
    text = targets_cb.what_if(services, 3.0, "T02", None, "vi")
    result = plan.what_if(3.0)
    assert text.startswith("Với 3,0 nhà giáo") and fmt_percent(result.value, "vi") in text
    assert (
        targets_cb.what_if(services, None, "T02", None, "en")
        == "Enter the units planned a month to see the projection."
    )
    sent = targets_cb.table_export(services, "plan", "csv", "T02", None, "vi")
    assert sent is not None and sent["filename"].startswith("T02_plan_")
    frame = pd.read_csv(io.BytesIO(base64.b64decode(sent["content"])), encoding="utf-8-sig")
    assert len(frame) == len(plan.provinces)
    assert list(frame.iloc[:, 4]) == [p.gap for p in plan.provinces]
    xlsx = targets_cb.table_export(services, "plan", "xlsx", "T02", None, "en")
    assert xlsx is not None and xlsx["filename"].endswith(".xlsx")


def test_api_plan_and_situation(small_demo: Settings, snap: snapshots.Snapshot) -> None:
    client = signed_in_client(create_app(small_demo))
    body = client.get("/api/v1/targets/T02/plan?effort=3").get_json()
    plan = planner.plan(snap, registry.get("T02"), NATIONAL)
    assert (body["gap"], body["months_left"], body["national_gap"]) == (plan.gap, plan.months_left, plan.national_gap)
    assert body["per_month"] == pytest.approx(plan.per_month, abs=1e-6)
    assert body["what_if"]["numerator"] == plan.what_if(3).numerator
    assert [p["code"] for p in body["provinces"]] == [p.code for p in plan.provinces]
    facts = client.get("/api/v1/targets/T01/situation?scope=type:college").get_json()
    s = situation.target_situation(snap, registry.get("T01"), Scope(inst_type="college"))
    assert (facts["numerator"], facts["quarter_date"]) == (s.numerator, s.quarter_date.isoformat())
    assert client.get("/api/v1/targets/T99/plan").status_code == 404
    assert client.get("/api/v1/targets/T01/plan?effort=-2").status_code == 400
    assert client.get("/api/v1/targets/T01/plan?scope=nowhere").status_code == 400
