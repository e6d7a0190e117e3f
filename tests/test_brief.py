"""The meeting brief: its PDF read back with pdftotext says what the pages say, in Vietnamese, with
embedded fonts, built with no network; its .xlsx holds the same figures; a province user's brief is
their province only (over HTTP, from the signed-in identity); the command line writes it."""

from __future__ import annotations

import io
import re
import socket
import subprocess
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask

from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import audit, brief, brief_pdf, brief_xlsx, create_app, snapshots
from ioc_app.i18n import t
from ioc_app.identity import CENTRAL, PROVINCE, Identity, set_identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL
from ioc_app.map_data import archipelagos
from ioc_app.overview import all_panels
from ioc_app.place_names import place_name
from ioc_app.scorecard import scorecard
from ioc_app.situation import province_situation, scope_situation, target_situation
from layouts import components, home
from layouts import province as province_layout
from layouts.situation import scope_words, target_paragraph
from tests import independent_sql
from tests.conftest import DEMO_DATA_DATE, signed_in_client
from tests.test_cli import assert_one_line_error, run_cli

AUTHORITY = "Bộ Giáo dục và Đào tạo"
FLASK = Flask(__name__)


@contextmanager
def no_network() -> Iterator[None]:
    """Any attempt to open a network connection or resolve a name fails the build."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the brief tried to use the network")

    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    socket.socket.connect, socket.socket.connect_ex = refuse, refuse  # type: ignore[method-assign]
    socket.create_connection, socket.getaddrinfo = refuse, refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo = saved  # type: ignore[method-assign]


def pdf_text(pdf: bytes, *options: str) -> str:
    proc = subprocess.run(["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True)
    return unicodedata.normalize("NFC", proc.stdout.decode("utf-8"))


def flat(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def as_(identity: Identity) -> Iterator[None]:
    ctx = FLASK.test_request_context("/")
    ctx.push()
    set_identity(identity)
    try:
        yield
    finally:
        ctx.pop()


@pytest.fixture(scope="module")
def national(services, snap) -> dict[str, Any]:
    """The national brief of a central user, built once with the network refused."""
    with as_(Identity("trung-uong", CENTRAL, user_id=2)), no_network():
        made = brief.build(services, snap, None, "vi")
        pdf = brief_pdf.pdf_bytes(made, AUTHORITY)
        xlsx = brief_xlsx.xlsx_bytes(made, AUTHORITY)
    return {"brief": made, "pdf": pdf, "xlsx": xlsx, "layout": pdf_text(pdf, "-layout"), "text": pdf_text(pdf)}


@pytest.fixture(scope="module")
def mine(snap) -> str:
    """A province with figures (the one HCM City has in the small demo)."""
    with as_(Identity("trung-uong", CENTRAL)):
        rows = scorecard(snap, "34")
    with_data = [u.code for u in rows.units if rows.cells[u.code]["T01"].denominator]
    assert len(with_data) >= 2
    return "79" if "79" in with_data else with_data[0]


# --- the national brief --------------------------------------------------------------------------------


def test_every_target_s_value_and_status_word_are_the_panel_s(national, snap) -> None:
    pages = national["layout"].split("\f")
    lines = [line.strip() for line in pages[1].splitlines()]  # the second page: the twelve targets
    with as_(Identity("trung-uong", CENTRAL)):
        panels = all_panels(snap, NATIONAL)
    assert len(panels) == 12
    for panel in panels:
        view = panel.view
        value, detail = home.headline_value(view, "vi")
        word = components.status_word(view.headline.status if view.headline else None, "vi")
        row = next(line for line in lines if line.startswith(view.indicator.code + " "))
        assert value in row and word in row, (view.indicator.code, row)
        if detail:
            assert detail.replace(" ", "") in pages[1].replace(" ", "")  # a narrow cell's spaces may be read as none


def test_headline_figures_equal_independent_sql(national, services) -> None:
    """The brief's numerators and denominators (the .xlsx) against plain SQL over the VET database."""
    sheet = openpyxl.load_workbook(io.BytesIO(national["xlsx"]))[t("common.target", "vi")]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    checked = 0
    for ind in registry.INDICATORS:
        key = ind.headline_series.key
        if ind.kind != "percent" or key not in independent_sql.QUERIES:
            continue
        assert (rows[ind.code][4], rows[ind.code][5]) == independent_sql.count(services.vet_engine, key, DEMO_DATA_DATE)
        checked += 1
    assert checked >= 6


def test_the_paragraphs_are_the_situation_module_s_text(national, snap) -> None:
    made: brief.Brief = national["brief"]
    text = flat(national["text"])
    with as_(Identity("trung-uong", CENTRAL)):
        overview = home.situation_text(scope_situation(snap, NATIONAL), "vi")
        assert made.at_risk, "the small demo has targets at risk"
        for item in made.at_risk:
            s = target_situation(snap, registry.get(item.code), NATIONAL)
            page = target_paragraph(s, scope_words(s.scope, home.scope_label(s.scope, "vi"), "vi"), "vi")
            assert item.paragraph == page
            assert flat(page) in text
            assert item.status in ("at_risk", "off_track", "missed")
    assert made.situation == overview and flat(overview) in text
    # Every target whose panel is at risk, off track or missed has its paragraph; no other one has.
    assert {a.code for a in made.at_risk} == {x.code for x in made.targets if x.status in brief.AT_RISK_STATES}


def test_vietnamese_letters_survive_and_every_font_is_embedded(national) -> None:
    text = national["text"]
    for word in ("Hoàng Sa", "Trường Sa", "Đạt", "Bản tin họp", "Dữ liệu tính đến 15/11/2026", "Nhiệm vụ trọng tâm"):
        assert word in text
    fonts = subprocess.run(["pdffonts", "-"], input=national["pdf"], capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and any("DejaVuSans" in r for r in rows)
    for row in rows:
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row), row
        assert row.split()[-5] == "yes", f"not embedded: {row}"


def test_the_map_is_an_image_of_the_scorecard_s_column(national, snap) -> None:
    made: brief.Brief = national["brief"]
    assert made.map is not None
    images = subprocess.run(["pdfimages", "-list", "-"], input=national["pdf"], capture_output=True, check=True)
    assert len(images.stdout.decode().splitlines()) >= 3  # a header of two lines, then the map
    with as_(Identity("trung-uong", CENTRAL)):
        card = scorecard(snap, "34")
    assert made.map.values == {u.code: card.cells[u.code][made.map.code].value for u in card.units}
    assert len(made.map.values) == 34
    first, second = archipelagos()[:2]
    assert f"{first['name']} (thuộc" in flat(national["text"]) and f"{second['name']} (thuộc" in flat(national["text"])


def test_the_province_table_and_the_xlsx_hold_the_scorecard_s_figures(national, snap) -> None:
    with as_(Identity("trung-uong", CENTRAL)):
        card = scorecard(snap, "34")
    book = openpyxl.load_workbook(io.BytesIO(national["xlsx"]))
    sheet = book[t("nav.scorecard", "vi")]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {u.code for u in card.units} | {"VN"}
    for unit in card.units:
        for ind in registry.INDICATORS:
            cell = card.cells[unit.code][ind.code]
            row = rows[unit.code]
            value = row[f"{ind.code} – {t('export.part.value', 'vi')}"]
            assert value == (None if cell.value is None else round(cell.value * 100, 1))
            if cell.denominator:
                assert row[f"{ind.code} – {t('export.part.numerator', 'vi')}"] == cell.numerator
                assert row[f"{ind.code} – {t('export.part.denominator', 'vi')}"] == cell.denominator
            if cell.status is not None:
                assert row[f"{ind.code} – {t('export.part.status', 'vi')}"] == components.status_word(cell.status, "vi")
    # The PDF's province page: each unit's row starts with its code and short name, with its T01 figure.
    page = next(p for p in national["layout"].split("\f") if t("brief.provinces", "vi") in p)
    for unit in card.units:
        line = next(x.strip() for x in page.splitlines() if x.strip().startswith(f"{unit.code} "))
        cell = card.cells[unit.code]["T01"]
        assert unit.short_name("vi") in line
        if cell.value is not None:
            assert brief.cell_text(cell, "vi") in line
    targets = book[t("common.target", "vi")]
    shown = {r[0]: r for r in targets.iter_rows(min_row=2, values_only=True)}
    for line in national["brief"].targets:
        assert shown[line.code][2] == line.value and shown[line.code][6] == line.word


def test_the_workbook_writes_the_rows_the_pdf_prints(national) -> None:
    """One set of rows (``brief.tables``) feeds both: the workbook's targets and tasks are those rows."""
    rows = brief.tables(national["brief"], AUTHORITY)
    book = openpyxl.load_workbook(io.BytesIO(national["xlsx"]))
    targets = list(book[t("common.target", "vi")].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[6]) for r in targets] == [(x.code, x.value, x.word) for x in rows.targets]
    tasks = list(book[t("nav.tasks", "vi")].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[4], r[5]) for r in tasks] == [(x.number, x.title, x.schedule, x.report) for x in rows.tasks]
    led = [x for x in rows.tasks if x.now_led_by]
    assert led and all(AUTHORITY in x.now_led_by for x in led)
    assert [r.code for r in rows.provinces][-1] == "VN"  # the nation's row closes the province table
    text = flat(national["text"])
    assert all(x.number in text for x in rows.tasks) and flat(AUTHORITY) in text


def test_english_on_request(services, snap) -> None:
    with as_(Identity("trung-uong", CENTRAL)):
        made = brief.build(services, snap, None, "en")
        panels = all_panels(snap, NATIONAL)
    assert made.scope_name == "National"
    for line, panel in zip(made.targets, panels, strict=True):
        assert line.value == home.headline_value(panel.view, "en")[0]
        assert line.word == components.status_word(line.status, "en")


def test_the_snapshot_is_the_latest_on_or_before_the_date(services, snap) -> None:
    assert snapshots.run_as_of(services.ioc_engine, DEMO_DATA_DATE) == snap.run
    assert snapshots.run_as_of(services.ioc_engine, DEMO_DATA_DATE.replace(year=2030)) == snap.run
    assert snapshots.run_as_of(services.ioc_engine, DEMO_DATA_DATE.replace(day=14)) is None
    with pytest.raises(brief.BriefError, match="on or before 2026-11-14"):
        brief.snapshot_for(services, DEMO_DATA_DATE.replace(day=14))
    with pytest.raises(brief.BriefError, match="unknown scope"):
        brief.parse_scope("99")
    assert brief.parse_scope("national") is None and brief.parse_scope("79") is not None


# --- a province user's brief, over HTTP from the signed-in identity -----------------------------------


@pytest.fixture(scope="module")
def app(small_demo):
    return create_app(small_demo)


@pytest.fixture(scope="module")
def province_brief(app, mine) -> dict[str, Any]:
    client = signed_in_client(app, PROVINCE, mine)
    pdf = client.get("/brief.pdf?lang=vi")
    xlsx = client.get("/brief.xlsx")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf", pdf.get_data(as_text=True)[:300]
    assert xlsx.status_code == 200
    return {"client": client, "pdf": pdf.data, "xlsx": xlsx.data, "text": pdf_text(pdf.data)}


def test_a_province_user_s_brief_names_no_other_province(province_brief, mine, small_demo) -> None:
    text = flat(province_brief["text"])
    units = geo_provinces.province_by_code()
    own = units[mine]
    assert place_name(own.name, own.is_city, "vi") in text
    # The map's note names the provinces the archipelagos belong to; nothing else may name another.
    first, second = archipelagos()[:2]

    def full(code: str) -> str:
        return place_name(units[code].name, units[code].is_city, "vi")

    note = t("brief.archipelagos", "vi").format(
        first=first["name"], first_unit=full(first["code"]), second=second["name"], second_unit=full(second["code"])
    )
    assert note in text
    rest = text.replace(note, "")
    for code, unit in units.items():
        if code != mine:
            assert place_name(unit.name, unit.is_city, "vi") not in rest, code
            assert place_name(unit.name, unit.is_city, "vi", full=False) not in rest, code
    assert t("common.national", "vi") not in rest  # the nation's figures are withheld too
    book = openpyxl.load_workbook(io.BytesIO(province_brief["xlsx"]))
    codes = [r[0] for r in book[t("nav.scorecard", "vi")].iter_rows(min_row=2, values_only=True)]
    assert codes == [mine]
    # The download is in the audit log under the user's name.
    engine = make_engine(small_demo.ioc_database_url)
    try:
        rows, _ = audit.entries(engine, limit=None)
    finally:
        engine.dispose()
    assert any(r.action == "export" and r.actor == f"test.province.{mine}" and r.target.endswith(".pdf") for r in rows)


def test_the_province_brief_holds_the_province_page_s_figures(province_brief, services, snap, mine) -> None:
    with as_(Identity("tinh", PROVINCE, province=mine)):
        made = brief.build(services, snap, None, "vi")
        unit = made.unit
        assert unit is not None and unit.code == mine
        page = home.situation_text(province_situation(services, snap, unit, None, None), "vi")
    assert made.situation == page and flat(page) in flat(province_brief["text"])
    assert made.national is None and [r.code for r in made.provinces] == [mine]
    assert made.map is not None and set(made.map.values) == {mine}
    for item in made.at_risk:
        assert flat(item.paragraph) in flat(province_brief["text"])
    unit34 = geo_provinces.province_by_code()[mine]
    for ind in registry.INDICATORS:
        cell = made.provinces[0].cells[ind.code]
        key = ind.provincial.key if ind.provincial is not None else None
        if key in independent_sql.QUERIES and cell.denominator:
            legacy = list(unit34.merged_from)
            assert (cell.numerator, cell.denominator) == independent_sql.count(
                services.vet_engine, key, DEMO_DATA_DATE, legacy_codes=legacy
            )


def test_another_province_s_brief_is_refused(province_brief, mine) -> None:
    other = next(code for code in geo_provinces.province_by_code() if code != mine)
    client = province_brief["client"]
    assert client.get(f"/brief/{other}.pdf").status_code == 403
    assert client.get(f"/brief/{mine}.xlsx").status_code == 200
    assert client.get("/brief/99.pdf").status_code == 404
    assert client.get("/brief.doc").status_code == 404
    assert client.get("/brief.pdf?date=2026-02-30").status_code == 400


def test_the_links_on_the_overview_and_the_province_page_download(app, mine) -> None:
    links = components.brief_links(None, "vi")
    hrefs = [a.href for a in links.children]
    assert hrefs == ["/brief.pdf?lang=vi", "/brief.xlsx?lang=vi"]
    assert [a.children for a in links.children] == [
        f"⬇ {t('brief.download_pdf', 'vi')}",
        f"⬇ {t('brief.download_xlsx', 'vi')}",
    ]
    unit = brief.parse_scope(mine)
    assert unit is not None
    page = str(province_layout.province_page(unit, "", "en", [], "T01"))
    assert f"/brief/{mine}.pdf?lang=en" in page and t("brief.download_pdf", "en") in page
    client = signed_in_client(app, CENTRAL)
    assert client.get(hrefs[1]).status_code == 200
    assert client.get(f"/brief/{mine}.pdf?lang=en").mimetype == "application/pdf"
    assert app.server.test_client().get(hrefs[0]).status_code in (302, 401, 403)  # nobody signed in


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_writes_the_pdf_and_the_xlsx(tmp_path: Path, small_demo, mine) -> None:
    env = {"VET_DATABASE_URL": small_demo.vet_database_url, "IOC_DATABASE_URL": small_demo.ioc_database_url}
    pdf, xlsx = tmp_path / "ban-tin.pdf", tmp_path / "ban-tin.xlsx"
    done = run_cli("brief", "--scope", mine, "--date", "2026-11-30", "--output", str(pdf), "--xlsx", str(xlsx), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {pdf} and {xlsx}") and "2026-11-15" in done.stdout
    assert pdf.read_bytes().startswith(b"%PDF") and "Trường Sa" in pdf_text(pdf.read_bytes())
    provinces = openpyxl.load_workbook(xlsx)[t("nav.scorecard", "vi")]
    assert [r[0] for r in provinces.iter_rows(min_row=2, values_only=True)] == [mine, "VN"]
    for args, fragment in (
        (["--scope", "99"], "unknown scope '99'"),
        (["--date", "2026-11-14"], "no stored snapshot has a data date on or before 2026-11-14"),
    ):
        refused = run_cli("brief", *args, "--output", str(tmp_path / "x.pdf"), env=env)
        assert_one_line_error(refused, fragment)
        assert refused.returncode == 2
    assert not (tmp_path / "x.pdf").exists()
