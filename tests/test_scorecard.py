"""The province scorecard as plain functions: every cell equals the per-province view (and so the API),
the national row is sum of numerators over sum of denominators, sorting, level 63, filters, exports."""

from __future__ import annotations

import base64
import datetime as dt
import io
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dash import dcc

from callbacks import scorecard as sc
from callbacks.page import PageContext
from data_sources.engine import make_engine
from geo import provinces as geo
from ioc_app import kpis, snapshots
from ioc_app import scorecard as sd
from ioc_app.exports import csv_bytes
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import Scope
from ioc_app.provincial import mode_of
from ioc_app.services import Services
from ioc_app.settings import Settings
from layouts import scorecard as layout
from layouts.scorecard import Cell, Unit
from tests.conftest import database_url, new_store

# --- helpers --------------------------------------------------------------------------------------


def texts(component: Any) -> list[str]:
    """Every string in a Dash component tree (Markdown HTML included as its raw text)."""
    if component is None:
        return []
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [s for c in component for s in texts(c)]
    return texts(getattr(component, "children", None))


def markdown_html(component: Any) -> str:
    """The HTML of every Markdown block in a tree, joined."""
    if isinstance(component, dcc.Markdown):
        return component.children if isinstance(component.children, str) else "".join(component.children)
    if isinstance(component, (list, tuple)):
        return "".join(markdown_html(c) for c in component)
    children = getattr(component, "children", None)
    return markdown_html(children) if children is not None and not isinstance(children, str) else ""


class _Rows(HTMLParser):
    """Rows of a table in HTML: each a dict with the row's attributes and its cells' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append({"attrs": dict(attrs), "cells": [], "links": []})
        elif tag in ("td", "th") and self.rows:
            self._cell = []
        elif tag == "dcclink" and self.rows:
            self.rows[-1]["links"].append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1]["cells"].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(component: Any) -> list[dict]:
    parser = _Rows()
    parser.feed(markdown_html(component))
    return parser.rows


def body_rows(component: Any) -> list[dict]:
    return [r for r in table_rows(component) if "ioc-sc-row" in r["attrs"].get("class", "")]


def state(snap: snapshots.Snapshot, stale: bool = False) -> dict:
    return {
        "id": snap.run.id,
        "refreshed_at": snap.run.finished_at.isoformat(),
        "data_date": snap.run.data_date.isoformat(),
        "stale": stale,
    }


def column_series(ind):
    """The series a province view shows and how (the registry's declaration, read as the pages read it)."""
    return (ind.provincial.key if ind.provincial is not None else None), mode_of(ind)


JUDGED = [ind for ind in registry.INDICATORS if column_series(ind)[1] == sd.STATUS_MODE]


# --- the figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "level,inst_type,ownership",
    [("34", None, None), ("63", None, None), ("34", "college", None), ("63", None, "private")],
)
def test_every_cell_equals_the_province_view(
    snap: snapshots.Snapshot, level: str, inst_type: str | None, ownership: str | None
) -> None:
    card = sd.build_scorecard(snap, level, inst_type, ownership)
    assert len(card.units) == (34 if level == "34" else 63)
    for unit in card.units:
        scope = (
            Scope(province34=unit.code, inst_type=inst_type, ownership=ownership)
            if level == "34"
            else Scope(province63=unit.code, inst_type=inst_type, ownership=ownership)
        )
        for ind in JUDGED:
            view = kpis.indicator_view(snap, ind, scope)
            cell = card.cells[unit.code][ind.code]
            last = view.headline_series.last
            assert (cell.numerator, cell.denominator, cell.value) == (
                last["numerator"],
                last["denominator"],
                last["value"],
            ), (unit, ind.code)
            assert cell.status == view.headline.status, (unit, ind.code)
            assert (cell.status_year, cell.judged) == (view.headline.year, view.headline.judged)
    for ind in registry.INDICATORS:
        if column_series(ind)[1] == sd.INFO_MODE:
            continue
        view = kpis.indicator_view(snap, ind, Scope(inst_type=inst_type, ownership=ownership))
        assert card.totals[ind.code].value == view.headline_series.last["value"], ind.code
        assert card.totals[ind.code].status == view.headline.status, ind.code


def _independent_total(
    snap: snapshots.Snapshot, series: str, inst_type: str | None = None, ownership: str | None = None
) -> tuple[int, int]:
    cells = snap.cells(series)
    cells = cells[cells["period_end"] == snap.run.data_date]
    if inst_type:
        cells = cells[cells["inst_type"] == inst_type]
    if ownership:
        cells = cells[cells["ownership"] == ownership]
    return int(cells["numerator"].sum()), int(cells["denominator"].sum())


@pytest.mark.parametrize(
    "level,inst_type,ownership", [("34", None, None), ("63", None, None), ("34", "intermediate", "public")]
)
def test_national_row_is_sum_of_numerators_over_sum_of_denominators(
    snap: snapshots.Snapshot, level: str, inst_type: str | None, ownership: str | None
) -> None:
    card = sd.scorecard(snap, level, inst_type, ownership)
    averages_differ = False
    for ind in registry.INDICATORS:
        series, mode = column_series(ind)
        total = card.totals[ind.code]
        num, den = _independent_total(snap, series or ind.headline_series.key, inst_type, ownership)
        assert (total.numerator, total.denominator) == (num, den), ind.code
        assert total.value == (pytest.approx(num / den) if den else None), ind.code
        if mode == sd.NATIONAL_MODE:
            continue
        cells = card.column(ind.code)
        # The provinces shown add up to the nation: no cell is lost or counted twice.
        assert sum(c.numerator for c in cells) == num and sum(c.denominator for c in cells) == den
        values = [c.value for c in cells if c.value is not None]
        if values and den and abs(sum(values) / len(values) - num / den) > 1e-9:
            averages_differ = True
    # The demo data is uneven enough that an average of percentages would have been wrong somewhere.
    assert averages_differ or inst_type is not None


def test_national_only_targets_have_no_provincial_figures(snap: snapshots.Snapshot) -> None:
    card = sd.scorecard(snap, "34")
    for code in ("T05", "T07"):
        assert column_series(registry.get(code)) == (None, sd.NATIONAL_MODE)
        assert all(c.value is None and c.mode == sd.NATIONAL_MODE for c in card.column(code))
        assert card.totals[code].status is not None
    assert column_series(registry.get("T10")) == ("map_completeness", sd.INFO_MODE)
    assert all(c.status is None for c in card.column("T10"))


def test_scorecard_is_cached_per_snapshot_and_filter(snap: snapshots.Snapshot) -> None:
    assert sd.scorecard(snap, "34") is sd.scorecard(snap, "34")
    assert sd.scorecard(snap, "34", "college") is not sd.scorecard(snap, "34")


# --- the page -------------------------------------------------------------------------------------


def test_table_has_a_row_per_unit_and_follows_the_level(services: Services, snap: snapshots.Snapshot) -> None:
    table34 = sc.update_table(services, state(snap), {"level": "34"}, "", "vi")
    rows = body_rows(table34)
    assert [r["attrs"]["data-code"] for r in rows] == [p.code for p in geo.provinces()]
    assert rows[0]["links"][0] == "/province/01"
    table63 = sc.update_table(services, state(snap), {"level": "63"}, "", "vi")
    rows63 = body_rows(table63)
    assert len(rows63) == 63
    assert rows63[0]["links"][0] == "/province/63-01"
    national = [r for r in table_rows(table63) if "ioc-sc-national" in r["attrs"].get("class", "")]
    assert len(national) == 1 and national[0]["cells"][1] == "Toàn quốc"


def test_cells_show_value_and_status_word(services: Services, snap: snapshots.Snapshot) -> None:
    card = sd.scorecard(snap, "34")
    table = sc.update_table(services, state(snap), None, "", "vi")
    first = body_rows(table)[0]
    cell = card.cells[first["attrs"]["data-code"]]["T01"]
    text = first["cells"][2]
    if cell.value is not None:
        assert layout.value_text(cell.value, "percent", "vi") in text
    assert layout.status_word(cell.status, "vi") in text  # the word is there for screen readers


@pytest.mark.parametrize("column", ["T01", "T06", "T08"])
def test_sorting_by_a_target(services: Services, snap: snapshots.Snapshot, column: str) -> None:
    card = sd.scorecard(snap, "34")
    for desc in (False, True):
        table = sc.update_table(services, state(snap), None, f"?sort={column}&desc={int(desc)}", "en")
        codes = [r["attrs"]["data-code"] for r in body_rows(table)]
        values = [card.cells[c][column].value for c in codes]
        known = [v for v in values if v is not None]
        assert known == sorted(known, reverse=desc)
        assert values[len(known) :] == [None] * (len(values) - len(known))  # no data always last


def test_sort_links_reverse_the_order_and_junk_is_ignored(services: Services, snap: snapshots.Snapshot) -> None:
    assert sd.parse_sort("?sort=T03&desc=1") == ("T03", True)
    assert sd.parse_sort("?sort=DROP TABLE&desc=1") == ("code", False)
    assert sd.parse_sort(None) == ("code", False)
    html = markdown_html(sc.update_table(services, state(snap), None, "?sort=T03&desc=0", "vi"))
    assert 'href="/scorecard?sort=T03&amp;desc=1"' in html  # the active column's link reverses it
    assert 'href="/scorecard?sort=T04&amp;desc=0"' in html


def test_names_sort_in_vietnamese_alphabetical_order(snap: snapshots.Snapshot) -> None:
    card = sd.scorecard(snap, "63")
    names = [u.name for u in sd.sort_units(card, "name", False)]
    assert names.index("Cà Mau") < names.index("Đà Nẵng") < names.index("Gia Lai")  # Đ right after D, not after Y
    assert names.index("An Giang") < names.index("Bà Rịa - Vũng Tàu") < names.index("Cà Mau")


def test_filters_come_from_the_selection(services: Services, snap: snapshots.Snapshot) -> None:
    table = sc.update_table(services, state(snap), {"level": "34", "type": "college", "ownership": "public"}, "", "vi")
    words = " ".join(texts(table))
    assert "Trường cao đẳng" in words and "Công lập" in words
    card = sd.scorecard(snap, "34", "college", "public")
    first = body_rows(table)[0]
    cell = card.cells[first["attrs"]["data-code"]]["T01"]
    if cell.value is not None:
        assert layout.value_text(cell.value, "percent", "vi") in first["cells"][2]
    assert sd.clean_filters({"level": "99", "type": "university", "ownership": "x"}) == ("34", None, None)


def test_controls_write_the_selection() -> None:
    sel = sc.write_filters("63", "centre", "", {"level": "34", "province": "79", "type": None, "ownership": None})
    assert sel == {"level": "63", "province": None, "type": "centre", "ownership": None}
    kept = sc.write_filters("34", "", "private", {"level": "34", "province": "79"})
    assert kept == {"level": "34", "province": "79", "type": None, "ownership": "private"}


def test_stale_data_is_flagged(services: Services, snap: snapshots.Snapshot) -> None:
    assert "⚠ Dữ liệu cũ" in texts(sc.update_table(services, state(snap, stale=True), None, "", "vi"))
    assert "⚠ Stale data" in texts(sc.update_table(services, state(snap, stale=True), None, "", "en"))
    assert "⚠ Dữ liệu cũ" not in texts(sc.update_table(services, state(snap), None, "", "vi"))


def test_page_renders_in_both_languages(services: Services) -> None:
    for lang, title in (("vi", "Bảng theo dõi các tỉnh, thành phố"), ("en", "Province tracker")):
        page = sc.render(
            PageContext(
                services=services,
                lang=lang,
                selection={"level": "63", "province": None, "type": None, "ownership": None},
            )
        )
        assert title in texts(page)


def test_no_snapshot_gives_a_message(tmp_path: Any) -> None:
    settings = Settings(
        vet_database_url=database_url(tmp_path, "v"),
        ioc_database_url=new_store(database_url(tmp_path, "i")),
        auto_init_demo=False,
    )
    svc = Services.from_settings(settings)
    try:
        assert "Chưa có số liệu tổng hợp" in " ".join(texts(sc.update_table(svc, None, None, "", "vi")))
    finally:
        svc.dispose()


# --- exports --------------------------------------------------------------------------------------


def _decode(download: dict) -> bytes:
    return base64.b64decode(download["content"])


def test_csv_export_has_vietnamese_headers_and_the_national_row(services: Services, snap: snapshots.Snapshot) -> None:
    download = sc.export(services, "csv", {"level": "34"}, "?sort=name&desc=0", "vi")
    assert download["filename"] == f"theo-doi-tinh-thanh-{snap.run.data_date.isoformat()}.csv"
    frame = pd.read_csv(io.BytesIO(_decode(download)), encoding="utf-8-sig", dtype={"Mã": str})
    assert list(frame.columns[:2]) == ["Mã", "Tỉnh, thành phố"]
    assert "T01 NG, CBQL được đào tạo năng lực số – giá trị (%)" in frame.columns
    assert len(frame) == 35 and frame.iloc[-1]["Tỉnh, thành phố"] == "Toàn quốc"
    names = list(frame["Tỉnh, thành phố"][:-1])
    # Short names in the order of the bare names: "TP. Hồ Chí Minh" among the H's.
    assert names == [u.short_name("vi") for u in sd.sort_units(sd.scorecard(snap, "34"), "name", False)]
    assert "TP. Hồ Chí Minh" in names and "Hồ Chí Minh" not in names and "Cao Bằng" in names
    card = sd.scorecard(snap, "34")
    total = card.totals["T01"]
    assert frame.iloc[-1]["T01 NG, CBQL được đào tạo năng lực số – tử số"] == total.numerator
    assert frame.iloc[-1]["T01 NG, CBQL được đào tạo năng lực số – giá trị (%)"] == pytest.approx(
        round(total.value * 100, 1)
    )


def test_excel_export_in_english(services: Services, snap: snapshots.Snapshot) -> None:
    download = sc.export(services, "xlsx", {"level": "63"}, "", "en")
    assert download["filename"].startswith("province-tracker-") and download["filename"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(_decode(download))).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Code", "Province"] and "T06 Schools connected – status" in header
    assert sheet.max_row == 1 + 63 + 1


def test_exports_are_formula_safe() -> None:
    cell = Cell(0.5, 1, 2, "on_track", sd.STATUS_MODE, "percent", 2030, 0.5, False)
    nat = Cell(None, 0, 0, None, sd.NATIONAL_MODE, "milestone")
    cells = {ind.code: (nat if column_series(ind)[1] == sd.NATIONAL_MODE else cell) for ind in registry.INDICATORS}
    unit = Unit("01", '=HYPERLINK("http://x")', "34")
    card = sd.Scorecard("34", None, None, dt.date(2026, 11, 15), (unit,), {"01": cells}, cells)
    frame, headers = layout.export_frame(card, [unit], "vi")
    text = csv_bytes(frame, headers).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_markup_escapes_data() -> None:
    assert (
        layout.tag("td", layout.esc("<script>&"), title='"x"') == '<td title="&quot;x&quot;">&lt;script&gt;&amp;</td>'
    )
    block = layout.html_block("<div>\n<p>a</p>\n\n</div>")
    assert "\n" not in block.children  # one raw HTML block: Markdown never reads it as Markdown


def test_cache_does_not_mix_two_databases(tmp_path: Any, snap: snapshots.Snapshot) -> None:
    """Two IOC stores in one process (tests, several apps): each scorecard comes from its own snapshot."""
    from tests import tiny_vet_db

    vet = make_engine(database_url(tmp_path, "vet"))
    ioc = make_engine(new_store(database_url(tmp_path, "ioc")))
    tiny_vet_db.build(vet)
    assert snapshots.refresh(vet, ioc).status == "ok"
    tiny = snapshots.current(ioc)
    assert tiny is not None
    a, b = sd.scorecard(tiny, "34"), sd.scorecard(snap, "34")
    assert a.as_of == tiny_vet_db.DATA_DATE and b.as_of == snap.run.data_date
    assert a.totals["T01"].denominator != b.totals["T01"].denominator
    vet.dispose()
    ioc.dispose()


def test_html_tables_escape_text_from_the_database() -> None:
    from layouts.scorecard import esc, link, tag

    cell = tag("td", link("/province/01", esc("<script>alert(1)</script>")), title='x" onmouseover="alert(1)')
    assert "<script>" not in cell and "&lt;script&gt;" in cell
    assert 'title="x&quot; onmouseover=&quot;alert(1)"' in cell
