"""Province and institution pages as plain functions: parsing, figures that add up, contributions,
unknown codes and ids, selection on visit, exports, and the small institution queries."""

from __future__ import annotations

import base64
import io

import pandas as pd
import pytest

from callbacks import institution as inst_cb
from callbacks import province as prov_cb
from callbacks.page import PageContext
from data_sources.institutions import institution_profile, institutions_in
from geo import provinces as geo
from ioc_app import province_view, snapshots
from ioc_app import scorecard as sd
from ioc_app.exports import csv_bytes
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import Scope
from ioc_app.province_view import parse_institution_id
from ioc_app.services import Services
from layouts import institution as inst_layout
from layouts import province as prov_layout
from layouts.province import InstitutionRow
from tests.test_scorecard import column_series, markdown_html, state, table_rows, texts


@pytest.fixture(scope="module")
def busiest(services: Services) -> str:
    """The current province with the most institutions in the demo."""
    frame = institutions_in(services.vet_engine, None)
    return str(frame[frame["is_open"]]["province_code"].value_counts().index[0])


def unit_data(code: str, level: str = "34") -> dict:
    return {"level": level, "code": code}


# --- province -------------------------------------------------------------------------------------


def test_province_urls() -> None:
    assert province_view.parse_unit(["79"]) == sd.unit_of("34", "79")
    assert province_view.parse_unit(["63-77"]).level == "63"
    assert province_view.parse_unit(["63-77"]).name == "Bà Rịa - Vũng Tàu"
    for bad in ([], ["99"], ["63-99"], ["77"], ["<script>"], ["63-"]):
        assert province_view.parse_unit(bad) is None, bad
    assert sd.unit_of("34", "79").path == "/province/79"
    assert sd.unit_of("63", "77").path == "/province/63-77"


def test_unknown_province_gives_a_message(services: Services) -> None:
    page = prov_cb.render(PageContext(services=services, lang="vi", args=["99"]))
    assert "Không tìm thấy tỉnh, thành phố có mã này." in texts(page)
    page = prov_cb.render(PageContext(services=services, lang="en", args=["63-00"]))
    assert "There is no province with this code." in texts(page)


def test_province_page_names_the_merge(services: Services) -> None:
    merged = next(p for p in geo.provinces() if len(p.merged_from) > 1)
    page = prov_cb.render(PageContext(services=services, lang="vi", args=[merged.code]))
    words = " ".join(texts(page))
    assert merged.name in words and "Hợp nhất từ" in words
    legacy = geo.legacy_by_code()[merged.merged_from[-1]]
    page = prov_cb.render(PageContext(services=services, lang="en", args=[f"63-{legacy.code}"]))
    words = " ".join(texts(page))
    assert legacy.name in words and f"Now part of: {merged.name}" in words


def test_targets_equal_the_scorecard_with_national_and_rank(
    services: Services, snap: snapshots.Snapshot, busiest: str
) -> None:
    card = sd.scorecard(snap, "34")
    unit = sd.unit_of("34", busiest)
    assert unit is not None
    rows = province_view.target_rows(card, unit)
    assert [r.code for r in rows] == [f"T{i:02d}" for i in range(1, 13)]
    for r in rows:
        assert r.province == card.cells[busiest][r.code] and r.national == card.totals[r.code]
        if r.province.value is not None:
            above = sum(c.value > r.province.value for c in card.column(r.code) if c.value is not None)
            assert r.rank == above + 1 and 1 <= r.rank <= r.ranked <= 34
    table, _ = prov_cb.update_targets(services, state(snap), None, unit_data(busiest), "vi")
    parsed = [x for x in table_rows(table) if x["attrs"].get("data-code")]
    assert [x["attrs"]["data-code"] for x in parsed] == [r.code for r in rows]
    assert "Cấp quốc gia" in parsed[4]["cells"][3]  # T05 is national only


def test_institutions_add_up_to_the_province(services: Services, snap: snapshots.Snapshot, busiest: str) -> None:
    unit = sd.unit_of("34", busiest)
    assert unit is not None
    rows, closed = province_view.institution_rows(services, snap, unit, None, None)
    frame = institutions_in(services.vet_engine, Scope(province34=busiest))
    assert len(rows) + closed == len(frame) and len(rows) == int(frame["is_open"].sum())
    card = sd.scorecard(snap, "34")
    for code in province_view.institution_codes(snap):
        if code in ("T09", "T11"):  # province-level inspections and reports belong to no institution
            continue
        cell = card.cells[busiest][code]
        assert sum(r.cells.get(code, (0, 0))[0] for r in rows) == cell.numerator, code
        assert sum(r.cells.get(code, (0, 0))[1] for r in rows) == cell.denominator, code


def test_each_institution_figure_comes_from_the_snapshot(
    services: Services, snap: snapshots.Snapshot, busiest: str
) -> None:
    unit = sd.unit_of("34", busiest)
    rows, _ = province_view.institution_rows(services, snap, unit, None, None)
    own = snap.institutions.set_index(["institution_id", "series"])
    for r in rows[:10]:
        for code, (num, den) in r.cells.items():
            key = column_series(registry.get(code))[0]
            assert (num, den) == tuple(own.loc[(r.id, key), ["numerator", "denominator"]]), (r.id, code)


def test_institution_table_sorts_by_gap_and_flags_laggards(
    services: Services, snap: snapshots.Snapshot, busiest: str
) -> None:
    table, drag = prov_cb.update_institutions(services, state(snap), None, "T01", "", unit_data(busiest), "vi")
    rows = [x for x in table_rows(table) if x["attrs"].get("data-id")]
    gaps = [int(x["cells"][5].replace(".", "")) for x in rows if x["cells"][5] != "—"]
    assert gaps == sorted(gaps, reverse=True)  # default: the largest gap on the focus target first
    assert all(x["links"][0] == f"/institution/{x['attrs']['data-id']}" for x in rows)
    card = sd.scorecard(snap, "34")
    unit = sd.unit_of("34", busiest)
    data, _ = province_view.institution_rows(services, snap, unit, None, None)
    codes = province_view.institution_codes(snap)
    expected = sum(
        1
        for r in data
        for c in codes
        if r.value(c) is not None
        and card.cells[busiest][c].value is not None
        and r.value(c) < card.cells[busiest][c].value - 1e-9
    )
    assert markdown_html(table).count('class="ioc-num ioc-below"') == expected > 0
    assert "Cơ sở còn nhiều trường hợp chưa đạt nhất" not in " ".join(
        texts(drag)
    )  # the panel title is in the page, not the list
    by_name, _ = prov_cb.update_institutions(
        services, state(snap), None, "T06", "?sort=name&desc=0", unit_data(busiest), "en"
    )
    names = [x["cells"][0] for x in table_rows(by_name) if x["attrs"].get("data-id")]
    assert names == sorted(names, key=vi_sort_key)


def test_institution_table_is_paged_in_its_order(services: Services, snap: snapshots.Snapshot, busiest: str) -> None:
    """A page of the sorted rows at a time; the pager's links keep the order and name the rows shown."""
    unit = sd.unit_of("34", busiest)
    ordered, closed = province_view.sorted_institution_rows(services, snap, unit, None, None, "T01", "name", False)
    everyone, _ = province_view.institution_rows(services, snap, unit, None, None)
    assert [r.id for r in ordered] == [r.id for r in province_view.sort_institutions(everyone, "T01", "name", False)]
    size = 3
    assert len(ordered) > 2 * size  # the demo's busiest province fills three pages of three
    shown, page, pages = province_view.page_of(ordered, 2, size)
    assert (shown, page, pages) == (ordered[size : 2 * size], 2, -(-len(ordered) // size))
    assert province_view.page_of(ordered, 10_000, size)[1] == pages  # past the last page: the last
    assert province_view.page_of([], 3, size) == ([], 1, 1)
    card = sd.scorecard(snap, "34")
    codes = province_view.institution_codes(snap)
    table = prov_layout.institutions_table(
        shown, codes, "T01", card.cells[busiest], unit.path, "vi", "name", False, closed, False,
        total=len(ordered), page=2, pages=pages, page_size=size,
    )  # fmt: skip
    names = [x["cells"][0] for x in table_rows(table) if x["attrs"].get("data-id")]
    assert names == [r.name for r in ordered[size : 2 * size]]
    markup = markdown_html(table)
    assert f"Trang 2/{pages} · cơ sở 4–6" in markup
    assert f'href="{unit.path}?sort=name&amp;desc=0&amp;page=1"' in markup
    assert f'href="{unit.path}?sort=name&amp;desc=0&amp;page=3"' in markup
    assert province_view.parse_inst_page("?sort=name&page=3") == 3
    for bad in ("", "?page=0", "?page=-2", "?page=x", "?page=1e9"):
        assert province_view.parse_inst_page(bad) == 1, bad


def test_drag_shares_are_of_the_province_gap() -> None:
    cell = sd.Cell(0.5, 5, 10, "off_track", sd.STATUS_MODE, "percent")
    rows = [
        InstitutionRow(1, "A", "Trường A", "college", "public", {}, {"T01": (1, 4)}),
        InstitutionRow(2, "B", "Trường B", "college", "public", {}, {"T01": (3, 4)}),
    ]
    block = prov_layout.drag_list(rows, "T01", cell, "vi")
    parsed = [x["cells"] for x in table_rows(block) if x["cells"] and x["cells"][0].startswith("Trường")]
    assert parsed[0][0] == "Trường A" and parsed[0][2] == "3" and parsed[0][3] == "60,0%"
    assert "20,0% phần còn thiếu thuộc hoạt động cấp tỉnh, không gắn với cơ sở nào." in texts(block)


def test_visiting_a_province_selects_it() -> None:
    sel = prov_cb.select_on_visit("/province/63-77", {"level": "34", "province": None, "type": "college"})
    assert sel == {"level": "63", "province": "77", "type": "college", "ownership": None}
    assert prov_cb.select_on_visit("/province/79", sel)["province"] == "79"
    for other in ("/scorecard", "/province/99", "/", None):
        assert prov_cb.select_on_visit(other, sel) is prov_cb.no_update


def test_province_exports(services: Services, snap: snapshots.Snapshot, busiest: str) -> None:
    down = prov_cb.export(services, "targets", "csv", None, "T01", "", unit_data(busiest), "vi")
    frame = pd.read_csv(io.BytesIO(base64.b64decode(down["content"])), encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["Tỉnh, thành phố", "Mã", "Chỉ tiêu"] and len(frame) == 12
    down = prov_cb.export(services, "institutions", "xlsx", None, "T01", "", unit_data(busiest), "en")
    assert down["filename"].startswith(f"institutions-{busiest}-")
    sheet = pd.read_excel(io.BytesIO(base64.b64decode(down["content"])))
    assert "Institution" in sheet.columns and "T01 Staff trained in digital skills – numerator" in sheet.columns
    rows = [InstitutionRow(7, "=1+2", "@SUM(A1)", "centre", "private", {"infra": True}, {"T01": (1, 2)})]
    frame, headers = prov_layout.institutions_export(rows, ["T01"], "vi")
    text = csv_bytes(frame, headers).decode("utf-8-sig")
    assert "'=1+2" in text and "'@SUM(A1)" in text


# --- institution ----------------------------------------------------------------------------------


def test_institution_ids() -> None:
    assert parse_institution_id(["12"]) == 12
    for bad in ([], ["0"], ["-3"], ["abc"], ["1e3"], ["99999999999"]):
        assert parse_institution_id(bad) is None, bad


def test_unknown_institution_gives_a_message(services: Services, snap: snapshots.Snapshot) -> None:
    for args in (["999999"], ["x"], []):
        page = inst_cb.render(PageContext(services=services, lang="vi", args=args))
        assert "Không tìm thấy cơ sở GDNN này." in texts(page)
    assert "There is no VET institution with this id." in texts(
        inst_cb.update_position(services, state(snap), 999999, "en")
    )


def test_institution_profile_and_position(services: Services, snap: snapshots.Snapshot) -> None:
    frame = institutions_in(services.vet_engine, None)
    chosen = frame[frame["is_open"] & frame["high_quality_on"].notna()].iloc[0]
    page = inst_cb.render(PageContext(services=services, lang="vi", args=[str(chosen["id"])]))
    words = " ".join(texts(page))
    assert chosen["name"] in words and chosen["code"] in words
    assert chosen["high_quality_on"].strftime("%d/%m/%Y") in words  # Vietnamese date format
    assert geo.province_by_code()[chosen["province_code"]].name in words
    assert geo.legacy_by_code()[chosen["legacy_province_code"]].name in words
    rows = province_view.position_rows(snap, int(chosen["id"]), chosen["province_code"])
    card = sd.scorecard(snap, "34")
    own = snap.institutions[snap.institutions["institution_id"] == chosen["id"]].set_index("series")
    for r in rows:
        key = column_series(registry.get(r.code))[0]
        if key in own.index:
            assert (r.numerator, r.denominator) == tuple(own.loc[key, ["numerator", "denominator"]])
        assert r.province == card.cells[chosen["province_code"]][r.code] and r.national == card.totals[r.code]
    body = inst_cb.update_position(services, state(snap, stale=True), int(chosen["id"]), "en")
    assert "⚠ Stale data" in texts(body)
    assert [x["attrs"]["data-code"] for x in table_rows(body) if x["attrs"].get("data-code")] == [r.code for r in rows]
    english = " ".join(texts(inst_cb.render(PageContext(services=services, lang="en", args=[str(chosen["id"])]))))
    assert "High-quality school since" in english and chosen["high_quality_on"].strftime("%d %b %Y") in english


def test_coordinates_are_written_the_local_way() -> None:
    assert inst_layout.coordinates(21.02851, 105.85421, "vi") == "21,0285° B, 105,8542° Đ"
    assert inst_layout.coordinates(21.02851, 105.85421, "en") == "21.0285° N, 105.8542° E"
    assert inst_layout.coordinates(None, 105.0, "vi") == "Không có"


def test_institution_queries_respect_the_scope(services: Services) -> None:
    frame = institutions_in(services.vet_engine, None)
    one = frame.iloc[0]
    assert institution_profile(services.vet_engine, int(one["id"]), None) is not None
    inside = Scope(province34=one["province_code"])
    outside = next(p.code for p in geo.provinces() if p.code != one["province_code"])
    assert institution_profile(services.vet_engine, int(one["id"]), inside).name == one["name"]
    assert institution_profile(services.vet_engine, int(one["id"]), Scope(province34=outside)) is None
    mine = institutions_in(services.vet_engine, Scope(province34=one["province_code"], inst_type=one["type"]))
    assert set(mine["province_code"]) == {one["province_code"]} and set(mine["type"]) == {one["type"]}
    legacy = institutions_in(services.vet_engine, Scope(province63=one["legacy_province_code"]))
    assert set(legacy["legacy_province_code"]) == {one["legacy_province_code"]}
