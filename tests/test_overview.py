"""The national overview as plain functions: figures equal the API's, filters change the scope,
the page re-reads a new snapshot, exports carry translated headers. Small demo and tiny DB."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dash import no_update
from flask import Flask

from callbacks import home
from callbacks.page import PageContext
from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import access, create_app, overview, snapshots, sources
from ioc_app.identity import CENTRAL, PROVINCE, Identity, set_identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope, parse, rollup, standard_scopes
from ioc_app.inputs import InputError
from ioc_app.place_names import province_name
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.settings import Settings
from layouts import home as layout
from layouts.home import Filters, Home, Part, panel_id, part_id
from layouts.sparkline import HEIGHT, WIDTH, spark_paths
from tests import tiny_vet_db
from tests.conftest import signed_in_client
from tests.independent_sql import network_summary


def texts(component: Any) -> list[str]:
    """Every string in a Dash component tree, in order."""
    out: list[str] = []
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        for c in component:
            out += texts(c)
        return out
    children = getattr(component, "children", None)
    if children is not None:
        out += texts(children)
    return out


def find(component: Any, component_id: str) -> Any:
    if getattr(component, "id", None) == component_id:
        return component
    children = component if isinstance(component, (list, tuple)) else getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            hit = find(c, component_id)
            if hit is not None:
                return hit
    elif children is not None and not isinstance(children, str):
        return find(children, component_id)
    return None


def find_all(component: Any, part: Part) -> list[Any]:
    """The components whose pattern id is of this part, in the page's order."""
    out = []
    if isinstance(getattr(component, "id", None), dict) and component.id.get("type") == part:
        out.append(component)
    children = component if isinstance(component, (list, tuple)) else getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            out += find_all(c, part)
    elif children is not None and not isinstance(children, str):
        out += find_all(children, part)
    return out


def update(services: Services, state: Any, selection: Any, lang: str, drawn: bool = True) -> dict[str, Any]:
    """The overview's update on a page that shows panels (``drawn``) for another selection than ``selection``."""
    return home.update_overview(services, state, selection, lang, {"drawn": drawn, "snapshot": None})


@pytest.fixture(scope="module")
def api(small_demo: Settings):
    return signed_in_client(create_app(small_demo))


# --- the snapshot's fast trajectories (matrix + mask) ---------------------------------------------


def test_snapshot_trajectory_equals_the_cube_rollup(snap: snapshots.Snapshot) -> None:
    scopes = standard_scopes()
    rng = random.Random(7)
    picked = [NATIONAL, *rng.sample(scopes, 40), parse("province34:01|type:college|ownership:public")]
    for s in registry.all_series():
        for scope in picked:
            summed = rollup(snap.cells(s.key), scope).set_index("period_end")[["numerator", "denominator"]]
            expected = summed.reindex(snap.period_ends, fill_value=0).rename_axis("period_end").reset_index()
            got = snap.trajectory(s.key, scope)
            assert list(got["numerator"]) == list(expected["numerator"]), (s.key, scope.key)
            assert list(got["denominator"]) == list(expected["denominator"]), (s.key, scope.key)
            assert str(got["numerator"].dtype) == "int64"


# --- figures equal the API's ----------------------------------------------------------------------


def test_national_panels_equal_the_api(snap: snapshots.Snapshot, api) -> None:
    body = api.get("/api/v1/indicators").get_json()
    by_code = {i["code"]: i for i in body["indicators"]}
    panels = overview.all_panels(snap, NATIONAL)
    assert [p.view.indicator.code for p in panels] == [f"T{i:02d}" for i in range(1, 13)]
    for p in panels:
        item = by_code[p.view.indicator.code]
        last = p.view.headline_series.last
        assert (last["numerator"], last["denominator"]) == (item["numerator"], item["denominator"])
        assert p.view.headline.status == item["status"]
        assert [a.status for a in p.view.assessments] == [a["status"] for a in item["assessments"]]


def test_panel_shows_the_api_value_formatted(snap: snapshots.Snapshot, api) -> None:
    item = api.get("/api/v1/indicators/T01").get_json()
    component = layout.panel(overview.panel_data(snap, registry.get("T01"), NATIONAL), "vi")
    words = texts(component)
    assert layout.fmt_percent(item["value"], "vi") in words
    assert f"{layout.fmt_number(item['numerator'], 'vi')} / {layout.fmt_number(item['denominator'], 'vi')}" in words
    # The frame carries the status colour, the link the panel, the sparkline's table (outside the link) its figures.
    link, figures = component.children
    assert link.href == "/targets/T01" and link.id == panel_id("T01")
    assert figures.id == part_id(Part.SPARK_TABLE, "T01")
    assert component.id == part_id(Part.FRAME, "T01")
    english = texts(layout.panel(overview.panel_data(snap, registry.get("T01"), NATIONAL), "en"))
    assert layout.fmt_percent(item["value"], "en") in english
    assert any(w.startswith("Targets:") for w in english)


def test_the_sparkline_in_words_and_in_a_table(snap: snapshots.Snapshot, api) -> None:
    """What a screen reader hears for a panel's sparkline (its latest value, the change over a year) and the
    table behind it: the figures the line is drawn from, formatted the Vietnamese way."""
    item = api.get("/api/v1/indicators/T01").get_json()
    data = overview.panel_data(snap, registry.get("T01"), NATIONAL)
    props = layout.panel_props(data, "vi")
    dates, values = data.spark_dates, data.spark_values
    assert values[-1] == pytest.approx(item["value"])
    year_before = max(i for i, d in enumerate(dates) if d <= dates[-1] - dt.timedelta(days=365))
    change = (values[-1] - values[year_before]) * 100
    word = "tăng" if change > 0.05 else "giảm" if change < -0.05 else "không đổi"
    summary = props[Part.SPARK_TEXT]
    assert summary.startswith(f"Diễn biến T01: {layout.fmt_percent(item['value'], 'vi')} tại {dates[-1]:%d/%m/%Y}")
    assert f", {word} " in summary and summary.endswith(f"so với {dates[year_before]:%d/%m/%Y}")
    if word != "không đổi":
        assert f"{layout.fmt_number(abs(change), 'vi', 1)} điểm %" in summary
    table = props[Part.SPARK_ROWS]  # drawn in the browser when its fold is opened (test_browser_overview)
    header, rows = table["headers"], table["rows"]
    assert header == ["Thời điểm", "Giá trị"] and table["caption"].startswith("Diễn biến T01: cuối mỗi năm")
    # Each year's last figure and the latest (the whole series is on the target's page).
    shown = [i for i, d in enumerate(dates) if i == len(dates) - 1 or dates[i + 1].year != d.year]
    assert len(shown) >= 2
    assert rows == [[f"{dates[i]:%d/%m/%Y}", layout.fmt_percent(values[i], "vi")] for i in shown]
    assert all("," in cell or cell in ("—", "0%", "100%") for _d, cell in rows)  # 45,2%: a decimal comma
    english = layout.panel_props(data, "en")
    assert english[Part.SPARK_TEXT].startswith(f"T01 over time: {layout.fmt_percent(item['value'], 'en')} at ")


def test_province_panel_equals_the_api_in_that_scope(snap: snapshots.Snapshot, api) -> None:
    cells = snap.cells("staff_digital_capacity")
    code63 = sorted(c for c in cells["province63"].unique() if c)[0]
    code34 = geo_provinces.current_code_of(code63)
    for scope_text in (f"province34:{code34}", f"province63:{code63}|type:college"):
        item = api.get(f"/api/v1/indicators/T01?scope={scope_text}").get_json()
        p = overview.panel_data(snap, registry.get("T01"), parse(scope_text))
        last = p.view.headline_series.last
        assert (last["numerator"], last["denominator"], p.view.headline.status) == (
            item["numerator"],
            item["denominator"],
            item["status"],
        )


def test_milestone_panels_count_every_milestone(snap: snapshots.Snapshot, api) -> None:
    for code in ("T05", "T10"):
        item = api.get(f"/api/v1/indicators/{code}").get_json()
        judged = [s for s in item["series"] if s["key"] in {x.key for x in registry.get(code).series}]
        done, total = sum(s["numerator"] for s in judged), sum(s["denominator"] for s in judged)
        value, _ = layout.headline_value(overview.panel_data(snap, registry.get(code), NATIONAL).view, "vi")
        expected = f"{done}/{total} mốc" if total > 1 else ("Đã hoàn thành" if done else "Chưa hoàn thành")
        assert value == expected
    t10 = overview.panel_data(snap, registry.get("T10"), NATIONAL)
    api_share = next(
        s for s in api.get("/api/v1/indicators/T10").get_json()["series"] if s["key"] == "map_completeness"
    )["value"]
    assert t10.supporting is not None and round(t10.supporting["value"], 6) == api_share
    assert layout.fmt_percent(api_share, "vi") in " ".join(texts(layout.panel(t10, "vi")))


def test_national_targets_stay_national_under_a_province_filter(snap: snapshots.Snapshot) -> None:
    scope = Scope(province34=geo_provinces.provinces()[0].code)
    t05 = overview.panel_data(snap, registry.get("T05"), scope)
    assert t05.national_only and t05.view.scope == NATIONAL
    assert "Chỉ tiêu cấp quốc gia" in texts(layout.panel(t05, "vi"))
    t01 = overview.panel_data(snap, registry.get("T01"), scope)
    assert not t01.national_only and t01.view.scope == scope


# --- the network at a glance ----------------------------------------------------------------------


def test_network_counts_match_the_vet_database(services: Services, snap: snapshots.Snapshot) -> None:
    counts = overview.network_counts(snap, NATIONAL)
    live = network_summary(services.vet_engine)  # the slow way, once, to check the snapshot's counts
    assert counts.by_type == {k: live.institutions_by_type.get(k, 0) for k in counts.by_type}
    assert counts.by_ownership == {k: live.institutions_by_ownership.get(k, 0) for k in counts.by_ownership}
    assert counts.staff == live.staff
    assert counts.programmes == live.programmes
    assert counts.institutions == live.institutions


def test_network_counts_add_up_over_provinces(snap: snapshots.Snapshot) -> None:
    national = overview.network_counts(snap, NATIONAL)
    parts = [overview.network_counts(snap, Scope(province34=p.code)) for p in geo_provinces.provinces()]
    assert sum(p.institutions for p in parts) == national.institutions
    assert sum(p.staff for p in parts) == national.staff
    assert sum(p.learner_records for p in parts) == national.learner_records
    colleges = overview.network_counts(snap, Scope(inst_type="college"))
    assert colleges.institutions == national.by_type["college"]


# --- filters and selection ------------------------------------------------------------------------


def selection_scope(data):
    return Selection.from_store(data).scope


def test_selection_scope_reads_the_shared_selection() -> None:
    assert selection_scope(None) == NATIONAL
    assert selection_scope({"level": "34", "province": "79", "type": "college", "ownership": "public"}) == Scope(
        province34="79", inst_type="college", ownership="public"
    )
    assert selection_scope({"level": "63", "province": "26"}) == Scope(province63="26")
    # Unknown or mismatched codes never fail a page: they are ignored.
    assert selection_scope({"level": "34", "province": "zz", "type": "castle"}) == NATIONAL


def test_level_switch_maps_the_province() -> None:
    options, value = home.level_changed("34", "26", "vi")  # Vĩnh Phúc (legacy) lies in Phú Thọ
    assert len(options) == 34 and value == geo_provinces.current_code_of("26")
    options, value = home.level_changed("63", "25", "vi")  # Phú Thọ (current) merged three units
    assert len(options) == 63 and value is None
    unchanged = next(p for p in geo_provinces.provinces() if len(p.merged_from) == 1)
    assert home.level_changed("63", unchanged.code, "vi")[1] == unchanged.merged_from[0]
    assert home.level_changed("34", None, "en")[1] is None


def test_filters_write_the_selection() -> None:
    assert home.selection_from_filters("63", "26", "college", None) == {
        "level": "63",
        "province": "26",
        "type": "college",
        "ownership": None,
    }
    assert home.selection_from_filters(None, "", None, "") == {
        "level": "34",
        "province": None,
        "type": None,
        "ownership": None,
    }
    # The bar's first appearance writes the selection it was drawn with: nothing is sent.
    same = {"level": "63", "province": "26", "type": "college", "ownership": None}
    assert home.selection_from_filters("63", "26", "college", None, same) is no_update
    assert home.selection_from_filters("63", "26", None, None, same)["type"] is None


def _state(snap: snapshots.Snapshot, stale: bool = False) -> dict[str, Any]:
    return {
        "id": snap.run.id,
        "refreshed_at": snap.run.finished_at.isoformat(),
        "data_date": snap.run.data_date.isoformat(),
        "stale": stale,
    }


def test_a_filter_changes_the_panels(services: Services, snap: snapshots.Snapshot) -> None:
    state = _state(snap)
    national = update(services, state, None, "vi")
    province = max(
        geo_provinces.provinces(), key=lambda p: overview.network_counts(snap, Scope(province34=p.code)).staff
    )
    scoped = update(services, state, {"level": "34", "province": province.code}, "vi")
    assert scoped["scope"] == province_name(province.code, "vi")  # the scope label names the unit in full
    assert national[Part.VALUE] != scoped[Part.VALUE] and national["stats"] != scoped["stats"]
    assert "Dữ liệu tính đến" in " ".join(texts(scoped["asof"]))
    assert len(scoped[Part.VALUE]) == len(scoped[Part.SPARK_LINE]) == 12
    assert scoped["panels"] is no_update and scoped["network"] is no_update  # parts, not whole panels


def test_an_update_sends_what_a_page_drawn_for_that_scope_shows(services: Services, snap: snapshots.Snapshot) -> None:
    """The parts a filter sends equal, part by part and panel by panel, the page drawn for the new scope."""
    selection = {"level": "63", "province": "79", "type": "college", "ownership": None}
    sent = update(services, _state(snap), selection, "en")
    page = home.render(PageContext(services=services, lang="en", selection=selection))
    for part in layout.CHILDREN_PARTS:
        shown = {c.id["code"]: texts(c.children) for c in find_all(page, part)}
        assert shown == {code: texts(v) for code, v in sent[part].items()}, part
    for part in layout.PATH_PARTS:
        assert {c.id["code"]: c.d for c in find_all(page, part)} == sent[part], part
    for part in layout.DATA_PARTS:
        assert {c.id["code"]: c.data for c in find_all(page, part)} == sent[part], part
    frames = find_all(page, Part.FRAME)
    assert {f.id["code"]: f.className for f in frames} == sent["class"]
    assert {f.id["code"]: f.style for f in frames} == sent["style"]
    assert {c.id["code"]: c.children for c in find_all(page, Part.STAT)} == sent["stats"]
    assert texts(find(page, Home.SCOPE)) == [sent["scope"]]
    # The request names the components; the answer follows its order, and refuses others.
    names = [{"id": part_id(Part.VALUE, code), "property": "children"} for code in ("T03", "T01")]
    ordered = home.in_page_order(sent, {**{k: [] for k in home.PART_KEYS}, Part.VALUE: names})
    assert ordered[Part.VALUE] == [sent[Part.VALUE]["T03"], sent[Part.VALUE]["T01"]] and ordered[Part.GAP] == []
    with pytest.raises(InputError):
        home.in_page_order(sent, {**{k: [] for k in home.PART_KEYS}, Part.VALUE: [{"id": {"code": "T99"}}]})


def test_an_update_that_changes_nothing_sends_nothing(services: Services, snap: snapshots.Snapshot) -> None:
    """The page is drawn with the newest snapshot; the shell's first poll finds the same one."""
    page = home.render(PageContext(services=services, lang="vi"))
    shown = find(page, Home.SHOWN).data
    assert shown["drawn"] and shown["snapshot"] == snap.run.id
    same = home.update_overview(services, _state(snap), None, "vi", shown)
    assert set(same) == set(home.OUTPUTS) and all(v is no_update for v in same.values())
    other = home.update_overview(services, _state(snap), {"level": "34", "province": "01"}, "vi", shown)
    assert other["shown"]["province"] == "01" and other[Part.VALUE] is not no_update


def test_stale_data_is_marked_on_every_panel(services: Services, snap: snapshots.Snapshot) -> None:
    panels = update(services, _state(snap, stale=True), None, "en")[Part.TAGS]
    assert len(panels) == 12 and all("⚠ Stale data" in texts(p) for p in panels.values())
    fresh = update(services, _state(snap), None, "en")[Part.TAGS]
    assert not any("⚠ Stale data" in texts(p) for p in fresh.values())


def test_render_builds_the_whole_page(services: Services) -> None:
    page = home.render(PageContext(services=services, lang="vi"))
    assert find(page, Home.PANELS) is not None and len(find(page, Home.PANELS).children) == 12
    assert find(page, "stat-institutions") is not None
    english = home.render(PageContext(services=services, lang="en", selection={"level": "63"}))
    assert "63 legacy provinces" in " ".join(texts(find(english, "filters-level").options[1]["label"]))


# --- the first paint, kept per snapshot and reader -------------------------------------------------


def _page_as(services: Services, identity: Identity, selection: dict[str, Any] | None = None) -> Any:
    """The overview's first paint for ``identity``, signed in on a request of its own."""
    with Flask(__name__).test_request_context("/"):
        set_identity(identity)
        return home.render(PageContext(services=services, lang="vi", selection=selection))


def _institutions_shown(page: Any) -> str:
    return texts(find(page, part_id(Part.STAT, "stat-institutions")))[0]


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sources' ages (part of the memo's key, to the minute) read at one instant: a slow machine
    crossing a minute between two calls rightly draws a new page, which is not what these tests ask."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    read = sources.panel_sources
    monkeypatch.setattr(sources, "panel_sources", lambda engine, at=None: read(engine, at or now))


def test_the_first_paint_is_kept_per_reader_and_never_served_to_another_scope(
    services: Services, snap: snapshots.Snapshot, still_clock: None
) -> None:
    central = Identity("tw", CENTRAL)
    a, b = (p.code for p in geo_provinces.provinces()[:2])
    province_a, province_b = Identity("a", PROVINCE, province=a), Identity("b", PROVINCE, province=b)
    nation_page = _page_as(services, central)
    a_page, b_page = _page_as(services, province_a), _page_as(services, province_b)
    assert _page_as(services, central) is nation_page and _page_as(services, province_a) is a_page  # from the memo
    assert len({id(nation_page), id(a_page), id(b_page)}) == 3
    # Each shows its reader's own figures, counted independently in the VET database.
    for page, code in ((nation_page, None), (a_page, a), (b_page, b)):
        assert _institutions_shown(page) == layout.fmt_number(
            network_summary(services.vet_engine, code).institutions, "vi"
        )
    assert find(a_page, Filters.PROVINCE).value == a and find(b_page, Filters.PROVINCE).value == b
    # A province user asking for another province's page is refused, though that page is in the memo.
    with pytest.raises(access.Forbidden):
        _page_as(services, province_a, {"level": "34", "province": b})
    # The same selection as the central user's (the nation) is the reader's province, not the nation's page.
    assert _page_as(services, province_a, {"level": "34", "province": None}) is a_page


def test_a_filter_s_answer_is_kept_per_reader_and_never_served_to_another_scope(
    services: Services, snap: snapshots.Snapshot, still_clock: None
) -> None:
    a, b = (p.code for p in geo_provinces.provinces()[:2])
    shown = {"snapshot": snap.run.id, "stale": False, "drawn": True, "level": "34", "province": b}

    def answer(identity: Identity) -> dict[str, Any]:
        with Flask(__name__).test_request_context("/"):
            set_identity(identity)
            return home.update_overview(services, _state(snap), None, "vi", shown)

    nation, province = answer(Identity("tw", CENTRAL)), answer(Identity("a", PROVINCE, province=a))
    assert answer(Identity("tw", CENTRAL)) is nation and answer(Identity("a", PROVINCE, province=a)) is province
    for sent, code in ((nation, None), (province, a)):
        institutions = network_summary(services.vet_engine, code).institutions
        assert sent["stats"]["stat-institutions"] == layout.fmt_number(institutions, "vi")


def test_a_new_snapshot_draws_a_new_first_paint(test_settings: Settings, still_clock: None) -> None:
    from sqlalchemy.orm import Session

    from data_sources.schema import StaffTraining, TrainingKind

    writer = make_engine(test_settings.vet_database_url)
    tiny_vet_db.build(writer)
    svc = Services.from_settings(test_settings)
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    first = home.render(PageContext(services=svc, lang="vi"))
    assert home.render(PageContext(services=svc, lang="vi")) is first
    with Session(writer) as s:  # the never-trained teacher S4 completes a course
        s.add(StaffTraining(staff_id=4, kind=TrainingKind.DIGITAL_CAPACITY, completed_on=tiny_vet_db.D(2026, 1, 5)))
        s.commit()
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    second = home.render(PageContext(services=svc, lang="vi"))
    newest = overview.all_panels(snapshots.current(svc.ioc_engine), NATIONAL)[0].view.headline_series.last
    shown = [c.children for c in find_all(second, Part.VALUE) if c.id["code"] == "T01"]
    assert shown == [layout.fmt_percent(newest["numerator"] / newest["denominator"], "vi")]
    assert second is not first and shown != [c.children for c in find_all(first, Part.VALUE) if c.id["code"] == "T01"]
    svc.dispose()
    writer.dispose()


def _points(d: str) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split())) for seg in d.split("M")[1:] for p in seg.rstrip("Z").split("L")]  # type: ignore[misc]


def test_sparklines_draw_every_known_value_on_a_fixed_scale(snap: snapshots.Snapshot) -> None:
    for p in overview.all_panels(snap, NATIONAL):
        paths = spark_paths(p.spark_dates, p.spark_values, 0.5)
        known = [v for v in p.spark_values if v is not None]
        points = _points(paths.line)
        assert len(points) == len(known)
        assert [round(y, 1) for _, y in points] == [round(3 + (HEIGHT - 3) * (1.06 - v) / 1.08, 1) for v in known]
        assert all(0 <= x <= WIDTH for x, _ in points)
        if known:
            assert paths.last == f"M{paths.line.rsplit('L', 1)[-1]}h0" or paths.last.endswith("h0")
            assert paths.area.endswith("Z")
        assert paths.target == f"M0 {3 + (HEIGHT - 3) * 0.56 / 1.08:.1f}H300"
    # A month without a value leaves a gap: two runs of the line; no target, no target line.
    d = [dt.date(2026, m, 28) for m in range(1, 6)]
    gap = spark_paths(d, [0.1, 0.2, None, 0.4, 0.5])
    assert gap.line.count("M") == 2 and gap.area.count("Z") == 2 and gap.target == ""
    assert spark_paths([], []) == spark_paths(d, [None] * 5) == type(gap)("", "", "", "")


# --- a new snapshot reaches the open page ---------------------------------------------------------


def test_the_overview_rereads_a_new_snapshot(test_settings: Settings) -> None:
    from sqlalchemy.orm import Session

    from data_sources.schema import Staff, StaffTraining, TrainingKind

    writer = make_engine(test_settings.vet_database_url)  # the app only reads the VET database
    tiny_vet_db.build(writer)
    svc = Services.from_settings(test_settings)
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    before = overview.all_panels(snapshots.current(svc.ioc_engine), NATIONAL)[0].view.headline_series.last
    with Session(writer) as s:  # the never-trained teacher S4 completes a course
        s.add(StaffTraining(staff_id=4, kind=TrainingKind.DIGITAL_CAPACITY, completed_on=tiny_vet_db.D(2026, 1, 5)))
        assert s.get(Staff, 4) is not None
        s.commit()
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    state = {
        "id": 2,
        "refreshed_at": "2026-11-28T10:00:00",
        "data_date": tiny_vet_db.DATA_DATE.isoformat(),
        "stale": False,
    }
    values = update(svc, state, None, "vi")[Part.VALUE]
    assert (
        before["numerator"] + 1
        == overview.all_panels(snapshots.current(svc.ioc_engine), NATIONAL)[0].view.headline_series.last["numerator"]
    )
    assert layout.fmt_percent((before["numerator"] + 1) / before["denominator"], "vi") == values["T01"]
    svc.dispose()
    writer.dispose()


def test_no_snapshot_yet_is_a_calm_message(test_settings: Settings) -> None:
    writer = make_engine(test_settings.vet_database_url)
    tiny_vet_db.build(writer)
    writer.dispose()
    svc = Services.from_settings(test_settings)
    page = home.render(PageContext(services=svc, lang="vi"))
    assert "Chưa có số liệu tổng hợp" in texts(page)
    sent = update(svc, None, None, "en", drawn=False)
    assert "No snapshot yet" in texts(sent["network"]) and sent["panels"] == []
    assert sent[Part.VALUE] is no_update  # no panels on the page: none of their parts are sent
    svc.dispose()


# --- exports --------------------------------------------------------------------------------------


def _decode(sent: dict) -> bytes:
    return base64.b64decode(sent["content"])


def test_overview_exports_carry_translated_headers(services: Services, snap: snapshots.Snapshot) -> None:
    csv_vi = _decode(home.overview_export(services, "csv", None, "vi"))
    assert csv_vi.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv_vi), encoding="utf-8-sig")
    assert list(frame.columns[:4]) == ["Mã chỉ tiêu", "Chỉ tiêu", "Phạm vi", "Giá trị hiện tại (%)"]
    assert list(frame["Mã chỉ tiêu"]) == [f"T{i:02d}" for i in range(1, 13)]
    t01 = overview.panel_data(snap, registry.get("T01"), NATIONAL).view.headline_series.last
    assert frame.loc[0, "Tử số"] == t01["numerator"] and frame.loc[0, "Mẫu số"] == t01["denominator"]
    sent = home.overview_export(services, "xlsx", {"level": "34", "province": "01"}, "en")
    assert sent["filename"].endswith(".xlsx") and "province34-01" in sent["filename"]
    rows = list(openpyxl.load_workbook(io.BytesIO(_decode(sent))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Code", "Target", "Scope", "Current value (%)")
    assert rows[1][2] == "Hà Nội City"


def test_panel_table_neutralises_formulas_in_exports(snap: snapshots.Snapshot) -> None:
    from ioc_app.exports import csv_bytes

    frame, headers = layout.panel_table(overview.all_panels(snap, NATIONAL), NATIONAL, "vi")
    frame.loc[0, "indicator"] = '=HYPERLINK("http://x")'  # as if a name ever started with a formula
    text = csv_bytes(frame, headers).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
