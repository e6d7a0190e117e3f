"""The target pages as plain functions: ranking and breakdowns add up and equal the API's per-scope
figures, the projection fan is the status rule's, unknown codes are handled, exports are safe."""

from __future__ import annotations

import base64
import datetime as dt
import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from callbacks import targets
from callbacks.page import PageContext
from geo import provinces as geo_provinces
from ioc_app import create_app, kpis, snapshots, target_data
from ioc_app.facts import indicator_facts
from ioc_app.indicators import registry, status
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.place_names import place_name, province_name
from ioc_app.services import Services
from ioc_app.settings import Settings
from ioc_app.target_data import Ranking
from layouts import charts
from layouts import targets as layout
from layouts.targets import TargetIds
from tests.conftest import signed_in_client
from tests.test_chart_text import table_rows
from tests.test_overview import find, texts


def _state(snap: snapshots.Snapshot, stale: bool = False) -> dict:
    return {
        "id": snap.run.id,
        "refreshed_at": snap.run.finished_at.isoformat(),
        "data_date": snap.run.data_date.isoformat(),
        "stale": stale,
    }


# --- pages ----------------------------------------------------------------------------------------


def test_every_target_page_renders_in_both_languages(services: Services) -> None:
    for ind in registry.INDICATORS:
        for lang in ("vi", "en"):
            page = targets.render(PageContext(services=services, lang=lang, args=[ind.code.lower()]))
            assert find(page, "target-trajectory") is not None, ind.code
            assert find(page, TargetIds.CODE).data == ind.code
            words = " ".join(texts(page))
            assert ind.legal_text_vi in words  # the legal text, in Vietnamese whatever the language
            assert ind.name(lang) in words


def test_unknown_code_gives_a_friendly_message(services: Services, snap: snapshots.Snapshot) -> None:
    page = targets.render(PageContext(services=services, lang="vi", args=["T99"]))
    assert "Không có chỉ tiêu mã T99. Các chỉ tiêu có mã T01 đến T12." in texts(page)
    english = targets.update_target(services, _state(snap), None, "<script>", "en")
    assert "There is no target with code <script>. Targets are coded T01 to T12." in texts(english)


def test_target_list_shows_the_twelve(services: Services, snap: snapshots.Snapshot) -> None:
    page = targets.render(PageContext(services=services, lang="vi", args=[]))
    rows = find(page, TargetIds.LIST).children
    assert [r.href for r in rows] == [f"/targets/T{i:02d}" for i in range(1, 13)]
    stale = targets.update_list(services, _state(snap, stale=True), None, "en")
    assert "⚠ Stale data" in texts(stale)


def test_target_page_follows_the_selection(services: Services, snap: snapshots.Snapshot) -> None:
    province = geo_provinces.provinces()[0]
    body = targets.update_target(services, _state(snap), {"level": "34", "province": province.code}, "T01", "vi")
    assert province_name(province.code, "vi") in texts(body)
    view = kpis.indicator_view(snap, registry.get("T01"), Scope(province34=province.code))
    last = view.headline_series.last
    if last["value"] is not None:
        assert layout.fmt_percent(last["value"], "vi") in texts(body)
    stale = targets.update_target(services, _state(snap, stale=True), None, "T01", "vi")
    assert "⚠ Dữ liệu cũ" in texts(stale)


def _facts(snap: snapshots.Snapshot, code: str, lang: str, settings: Settings | None = None) -> str:
    fresh = layout.Freshness(snap.run.id, snap.run.data_date, snap.run.finished_at)
    ind = registry.get(code)
    facts = indicator_facts(ind, snap.rules, settings or Settings(), lang)
    return " ".join(texts(layout.fact_card(ind, facts, fresh, lang)))


def test_fact_card_of_t08_shows_both_populations_and_its_interpretations(snap: snapshots.Snapshot) -> None:
    fresh = layout.Freshness(snap.run.id, snap.run.data_date, snap.run.finished_at)
    words = _facts(snap, "T08", "vi")
    assert "Trường cao đẳng và trường trung cấp đang hoạt động" in words and "Cơ sở GDNN đang hoạt động" in words
    assert "Dùng cho mục tiêu năm 2025" in words and "Dùng cho mục tiêu năm 2030" in words
    # The threshold the snapshot was computed with, written the Vietnamese way, and the depth measure.
    assert "ít nhất 95% người học" in words and "Mức độ số hóa hồ sơ người học" in words
    assert "Cách hiểu đã áp dụng" in words and "nhập học từ ngày 01/01/2021" in words
    assert "Quyết định 2222/QĐ-TTg, Điều 1, mục I, khoản 2, điểm d" in words
    english = _facts(snap, "T08", "en")
    assert "VET institutions in operation" in english
    assert "Decision 2222/QĐ-TTg, Article 1, section I, item 2, point d" in english
    assert registry.get("T08").legal_text_vi in english and "at least 95% of their learners" in english
    assert fresh.snapshot_id == snap.run.id


def test_fact_card_of_t04_lists_the_it_occupations_and_t07_names_the_configured_ministry(
    snap: snapshots.Snapshot,
) -> None:
    words = _facts(snap, "T04", "vi")
    assert "480201 — Công nghệ thông tin" in words and "480216 — An ninh mạng" in words
    assert f"{len(snap.rules.it_occupations)} mã ngành, nghề" in words  # type: ignore[union-attr]  # rules are stored
    settings = Settings(ministry_name_vi="Bộ Thử nghiệm", ministry_name_en="Ministry of Testing")
    assert "Hệ thống thông tin điện tử của Bộ Thử nghiệm" in _facts(snap, "T07", "vi", settings)
    assert "information system of the Ministry of Testing" in _facts(snap, "T07", "en", settings)


# --- ranking --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["34", "63"])
def test_ranking_equals_each_province_view(snap: snapshots.Snapshot, level: str) -> None:
    ind = registry.get("T06")
    ranking = target_data.province_ranking(snap, ind, Scope(ownership="public"), level)
    table = ranking.table
    assert list(table["value"]) == sorted(table["value"], reverse=True)
    for row in table.itertuples(index=False):
        scope = (
            Scope(province34=row.code, ownership="public")
            if level == "34"
            else Scope(province63=row.code, ownership="public")
        )
        view = kpis.indicator_view(snap, ind, scope)
        last = view.headline_series.last
        assert (row.numerator, row.denominator) == (last["numerator"], last["denominator"])
        assert row.status == view.headline.status
    # National = sum of numerators / sum of denominators, never an average of percentages.
    assert ranking.national == pytest.approx(table["numerator"].sum() / table["denominator"].sum())
    national = kpis.indicator_view(snap, ind, Scope(ownership="public")).headline_series.last
    assert ranking.national == pytest.approx(national["value"])


def test_ranking_equals_the_api(small_demo: Settings, snap: snapshots.Snapshot) -> None:
    client = signed_in_client(create_app(small_demo))
    ranking = target_data.province_ranking(snap, registry.get("T08"), NATIONAL, "34")
    for row in ranking.table.head(3).itertuples(index=False):
        item = client.get(f"/api/v1/indicators/T08?scope=province34:{row.code}").get_json()
        assert (item["numerator"], item["denominator"], item["status"]) == (row.numerator, row.denominator, row.status)


def test_national_targets_have_no_province_ranking(snap: snapshots.Snapshot) -> None:
    for code in ("T05", "T07"):
        ranking = target_data.province_ranking(snap, registry.get(code), NATIONAL, "34")
        assert ranking.national_only and ranking.table.empty
        assert target_data.breakdowns(snap, registry.get(code), NATIONAL, "vi") == []
    t10 = target_data.province_ranking(snap, registry.get("T10"), NATIONAL, "63")
    assert t10.supporting and t10.series == "map_completeness" and set(t10.table["status"]) == {None}


def test_ranking_figure_shows_best_and_worst_ten(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T01")
    ranking = target_data.province_ranking(snap, ind, NATIONAL, "63")
    section = layout.ranking_section(ranking, ind, "vi", highlight=None, target=1.0)
    graphs = [g for g in _walk(section) if type(g).__name__ == "Graph"]
    if len(ranking.table) > 2 * layout.RANK_SHOWN:
        assert len(graphs) == 2 and all(len(g.figure["data"][0]["y"]) == layout.RANK_SHOWN for g in graphs)
        worst = graphs[1].figure["data"][0]
        assert worst["y"][0] == ranking.table["name"].iloc[-1]
    for g in graphs:
        go.Figure(g.figure)
        labels = g.figure["data"][0]["text"]
        assert all("%" in x and any(icon in x for icon, _ in layout.STATUS_STYLE.values()) for x in labels)


def _walk(component):
    yield component
    children = component if isinstance(component, (list, tuple)) else getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from _walk(c)
    elif children is not None and not isinstance(children, str):
        yield from _walk(children)


def _tables(component) -> list:
    """Every data table folded under a chart: its rows' texts (header row first)."""
    return [table_rows(c) for c in _walk(component) if getattr(c, "className", None) == "ioc-chart-data"]


def test_ranking_in_words_and_in_a_table(snap: snapshots.Snapshot) -> None:
    """Under the ranking charts: the count, the top and bottom unit and the nation in a line, then every
    ranked unit with its figures (the ones the bars are drawn from), formatted the Vietnamese way."""
    ind = registry.get("T01")
    ranking = target_data.province_ranking(snap, ind, NATIONAL, "63")
    section = layout.ranking_section(ranking, ind, "vi", highlight=None, target=1.0)
    table = ranking.table
    summary = find(section, "target-ranking-summary").children
    top = place_name(table["name"].iloc[0], bool(table["is_city"].iloc[0]), "vi", full=True)
    assert summary.startswith(
        f"{len(table)} đơn vị có số liệu; cao nhất: {top} ({layout.fmt_percent(table['value'].iloc[0], 'vi')})"
    )
    assert summary.endswith(f"toàn quốc: {layout.fmt_percent(ranking.national, 'vi')}")
    (rows,) = _tables(section)
    assert rows[0] == ["Hạng", "Tỉnh, thành phố", "Giá trị", "Tử số", "Mẫu số", "Trạng thái"]
    assert len(rows) == len(table) + 1
    for i, (row, (_, unit)) in enumerate(zip(rows[1:], table.iterrows(), strict=True)):
        assert row[0] == str(i + 1)
        assert row[2] == layout.fmt_percent(unit["value"], "vi") and "," in row[2]
        assert row[3:5] == [
            layout.fmt_number(int(unit["numerator"]), "vi"),
            layout.fmt_number(int(unit["denominator"]), "vi"),
        ]
        assert row[5] == layout.status_word(unit["status"], "vi")


def test_trajectory_and_breakdowns_in_words_and_in_tables(services: Services, snap: snapshots.Snapshot) -> None:
    """The trajectory's caption says the latest value and the change over a year; its table has one row per
    period end and one column per line, the values the lines are drawn from."""
    page = targets.render(PageContext(services=services, lang="vi", args=["t08"]))
    chart = target_data.trajectory_chart(kpis.indicator_view(snap, registry.get("T08"), NATIONAL), "vi")
    caption = find(page, "target-trajectory-summary").children
    first = chart.lines[0]
    last = max(i for i, v in enumerate(first.values) if v is not None)
    assert (
        caption.startswith("T08 · ")
        and f": {layout.fmt_percent(first.values[last], 'vi')} tại {first.dates[last]:%d/%m/%Y}" in caption
    )
    trajectory, _ranking, *breakdowns = _tables(page)
    assert trajectory[0] == ["Thời điểm", *[line.name for line in chart.lines]]
    dates = sorted({d for line in chart.lines for d in line.dates})
    assert [row[0] for row in trajectory[1:]] == [f"{d:%d/%m/%Y}" for d in dates]
    for j, line in enumerate(chart.lines, start=1):
        by_date = dict(zip(line.dates, line.values, strict=True))
        assert [row[j] for row in trajectory[1:]] == [layout.fmt_percent(by_date.get(d), "vi") for d in dates]
    # One table per breakdown, its groups' figures as the bars show them.
    by_type, by_owner = target_data.breakdowns(snap, registry.get("T08"), NATIONAL, "vi")
    for rows, b in zip(breakdowns, (by_type, by_owner), strict=True):
        assert [row[0] for row in rows[1:]] == list(b.table["label"])
        assert [row[3] for row in rows[1:]] == [layout.fmt_number(int(d), "vi") for d in b.table["denominator"]]


# --- breakdowns -----------------------------------------------------------------------------------


def test_breakdowns_add_up_to_the_scope(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T01")
    province = geo_provinces.provinces()[1].code
    scope = Scope(province34=province, inst_type="college")
    by_type, by_owner = target_data.breakdowns(snap, ind, scope, "vi")
    total = kpis.indicator_view(snap, ind, Scope(province34=province)).headline_series.last
    assert by_type.table["numerator"].sum() == total["numerator"]
    assert by_type.table["denominator"].sum() == total["denominator"]
    colleges = kpis.indicator_view(snap, ind, scope).headline_series.last
    assert by_owner.table["denominator"].sum() == colleges["denominator"]
    assert list(by_type.table["label"][:3]) == ["Trường cao đẳng", "Trường trung cấp", "Trung tâm GDNN"]


# --- projection -----------------------------------------------------------------------------------


def test_projection_fan_is_the_status_rule(snap: snapshots.Snapshot) -> None:
    ind = registry.get("T02")
    view = kpis.indicator_view(snap, ind, NATIONAL)
    chart = target_data.trajectory_chart(view, "vi")
    open_ = [a for a in view.assessments if not a.judged and a.projection is not None]
    if not open_:
        pytest.skip("the demo's T02 has no projection")
    a = open_[0]
    assert chart.fan is not None and chart.fan.dates[0] == view.as_of and chart.fan.dates[-1] == a.deadline
    assert chart.fan.centre[-1] == pytest.approx(a.projection.value)
    assert chart.fan.low[-1] == pytest.approx(a.projection.low)
    assert chart.fan.high[-1] == pytest.approx(a.projection.high)
    assert all(lo <= c <= hi for lo, c, hi in zip(chart.fan.low, chart.fan.centre, chart.fan.high, strict=True))
    base = view.series[ind.headline_series.key].points()[0]
    assert chart.targets[0].baseline_date == dt.date(2021, 12, 31) == base[0]
    go.Figure(charts.trajectory_figure(chart, "en"))


def test_t08_chart_draws_both_populations(snap: snapshots.Snapshot) -> None:
    view = kpis.indicator_view(snap, registry.get("T08"), NATIONAL)
    chart = target_data.trajectory_chart(view, "en")
    assert [(line.name, line.role) for line in chart.lines] == [
        ("Colleges and intermediate schools in operation", target_data.PRIMARY),
        ("VET institutions in operation", target_data.SECONDARY),
        ("Learner records digitised", target_data.SUPPORTING),
        ("Learner records digitised (colleges, intermediate)", target_data.SUPPORTING),
    ]
    assert [(m.year, m.value) for m in chart.targets] == [(2025, 1.0), (2030, 1.0)]


def test_half_year_ends() -> None:
    assert target_data.half_year_ends(dt.date(2026, 11, 15), dt.date(2028, 12, 31)) == [
        dt.date(2026, 12, 31),
        dt.date(2027, 6, 30),
        dt.date(2027, 12, 31),
        dt.date(2028, 6, 30),
    ]


def test_no_data_figures_are_calm() -> None:
    empty = charts.trajectory_figure(target_data.TrajectoryChart(lines=[target_data.Line("x", [], [])]), "vi")
    assert empty["layout"]["annotations"][0]["text"] == "Chưa có dữ liệu"
    assert charts.ranking_figure([], [], [], "en")["layout"]["annotations"][0]["text"] == "No data"


# --- exports --------------------------------------------------------------------------------------


def _rows(sent: dict) -> list[tuple]:
    return list(
        openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active.iter_rows(values_only=True)
    )


def test_ranking_and_breakdown_exports(services: Services, snap: snapshots.Snapshot) -> None:
    sent = targets.table_export(services, "ranking", "xlsx", "T01", {"level": "63"}, "vi")
    rows = _rows(sent)
    assert rows[0] == (
        "Thứ hạng",
        "Mã tỉnh",
        "Tỉnh, thành phố",
        "Giá trị hiện tại (%)",
        "Tử số",
        "Mẫu số",
        "Đánh giá",
        "Đơn vị hành chính",
    )
    ranking = target_data.province_ranking(snap, registry.get("T01"), NATIONAL, "63")
    assert len(rows) == len(ranking.table) + 1
    top = ranking.table.iloc[0]
    assert rows[1][2] == place_name(top["name"], top["is_city"], "vi", full=False)
    csv = base64.b64decode(targets.table_export(services, "breakdown", "csv", "T01", None, "en")["content"])
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(frame.columns) == ["Breakdown", "Group", "Current value (%)", "Numerator", "Denominator"]
    assert "By institution type" in set(frame["Breakdown"]) and "College" in set(frame["Group"])
    assert targets.table_export(services, "ranking", "csv", "T99", None, "vi") is None


def test_ranking_export_neutralises_formulas() -> None:
    from ioc_app.exports import csv_bytes

    table = pd.DataFrame(
        [
            {
                "code": "01",
                "name": "=1+1",
                "is_city": False,
                "numerator": 1,
                "denominator": 2,
                "value": 0.5,
                "status": status.ON_TRACK,
            }
        ]
    )
    frame, headers = layout.ranking_table(Ranking("34", "x", table, 0.5), "vi")
    text = csv_bytes(frame, headers).decode("utf-8-sig")
    assert "'=1+1" in text and "Đúng tiến độ" in text
