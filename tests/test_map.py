"""The digital map: geo API shapes and errors, and the per-province figures behind the choropleth."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from callbacks import map as map_callbacks
from data_sources.engine import make_engine
from data_sources.institution_points import PointFilter, PointFilterError
from data_sources.schema import Institution
from geo.boundaries import expected_codes
from geo.provinces import BOUNDARY_FILES
from ioc_app import create_app, kpis, map_data, snapshots
from ioc_app.i18n import vi_sort_key
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import Scope
from ioc_app.memo import SnapshotMemo
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.settings import Settings
from layouts import map as map_layout
from tests.conftest import signed_in_client

PROPERTIES = {
    "id",
    "code",
    "name",
    "type",
    "ownership",
    "code34",
    "code63",
    "province_name",
    "province63_name",
    "connected",
    "digital_school",
    "high_quality",
    "infrastructure_on",
    "connected_on",
    "digital_school_on",
    "profile_updated_on",
}


@pytest.fixture(scope="module")
def client(small_demo: Settings):
    return signed_in_client(create_app(small_demo))


@pytest.fixture(scope="module")
def snapshot(small_demo: Settings) -> snapshots.Snapshot:
    snap = snapshots.current(make_engine(small_demo.ioc_database_url))
    assert snap is not None
    return snap


# --- GET /api/v1/geo/provinces --------------------------------------------------------------


@pytest.mark.parametrize("level", ["34", "63"])
def test_provinces_are_a_feature_collection_keyed_by_code(client, level: str) -> None:
    resp = client.get(f"/api/v1/geo/provinces?set={level}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    body = resp.get_json(force=True)
    assert body["type"] == "FeatureCollection"
    features = body["features"]
    assert len(features) == int(level)
    assert [f["id"] for f in features] == sorted(expected_codes(level))
    for f in features:
        assert set(f["properties"]) == {"code", "name"}
        assert f["id"] == f["properties"]["code"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_provinces_default_to_34_and_are_cacheable(client) -> None:
    resp = client.get("/api/v1/geo/provinces")
    assert len(resp.get_json(force=True)["features"]) == 34
    assert "max-age=" in resp.headers["Cache-Control"]
    etag = resp.headers["ETag"]
    again = client.get("/api/v1/geo/provinces?set=34", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_provinces_are_gzipped_when_the_browser_accepts_it(client) -> None:
    plain = client.get("/api/v1/geo/provinces?set=34")
    packed = client.get("/api/v1/geo/provinces?set=34", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 3
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"]


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("set=12", "set must be 34"),
        ("set=", "set must be 34"),
        ("set=34&level=63", "unknown parameter"),
    ],
)
def test_bad_provinces_requests_get_a_json_400(client, query: str, fragment: str) -> None:
    resp = client.get(f"/api/v1/geo/provinces?{query}")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["status"] == 400
    assert fragment in body["error"]


def test_an_override_boundary_file_replaces_the_built_in_one(small_demo: Settings, tmp_path: Path) -> None:
    raw = json.loads(BOUNDARY_FILES["34"].read_text(encoding="utf-8"))
    for f in raw["features"]:  # an official file names its code column ma_tinh
        f["properties"] = {"ma_tinh": f["properties"]["code"], "ten": "x"}
    official = tmp_path / "official34.geojson"
    official.write_text(json.dumps(raw), encoding="utf-8")
    client = signed_in_client(create_app(dataclasses.replace(small_demo, boundaries_34_path=str(official))))
    resp = client.get("/api/v1/geo/provinces?set=34")
    assert resp.status_code == 200
    assert "X-Boundary-Warning" not in resp.headers
    names = {f["id"]: f["properties"]["name"] for f in resp.get_json(force=True)["features"]}
    assert names["01"] == "Hà Nội"  # names come from the code table, not the file


def test_an_unusable_override_falls_back_with_a_warning(small_demo: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    client = signed_in_client(create_app(dataclasses.replace(small_demo, boundaries_63_path=str(bad))))
    resp = client.get("/api/v1/geo/provinces?set=63")
    assert resp.status_code == 200
    assert len(resp.get_json(force=True)["features"]) == 63
    assert "built-in" in resp.headers["X-Boundary-Warning"]


# --- GET /api/v1/institutions ---------------------------------------------------------------


def _open_institutions(settings: Settings) -> tuple[int, int]:
    """(with coordinates, without) among institutions open at the data date, counted directly."""
    engine = make_engine(settings.vet_database_url)
    with Session(engine) as s:
        from data_sources.queries import data_date

        as_of = data_date(s)
        open_ = and_(
            Institution.established_on <= as_of, or_(Institution.closed_on.is_(None), Institution.closed_on > as_of)
        )
        located = s.scalar(
            select(func.count())
            .select_from(Institution)
            .where(open_, Institution.latitude.is_not(None), Institution.longitude.is_not(None))
        )
        total = s.scalar(select(func.count()).select_from(Institution).where(open_))
    return located, total - located


def test_institutions_are_points_with_their_profile(client, small_demo: Settings) -> None:
    resp = client.get("/api/v1/institutions")
    assert resp.status_code == 200
    body = resp.get_json(force=True)
    located, missing = _open_institutions(small_demo)
    assert body["type"] == "FeatureCollection"
    assert body["count"] == len(body["features"]) == located > 0
    assert body["without_coordinates"] == missing
    assert resp.headers["X-Without-Coordinates"] == str(missing)
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert 8 < lat < 24 and 102 < lon < 110
    assert set(feature["properties"]) == PROPERTIES
    assert feature["id"] == feature["properties"]["id"]
    assert "ETag" in resp.headers and "max-age=" in resp.headers["Cache-Control"]


def test_institution_filters_apply(client) -> None:
    everything = client.get("/api/v1/institutions").get_json(force=True)["features"]
    some_province = everything[0]["properties"]["code34"]
    for query, check in [
        ("type=college", lambda p: p["type"] == "college"),
        ("ownership=private", lambda p: p["ownership"] == "private"),
        ("connected=true", lambda p: p["connected"] and p["connected_on"] is not None),
        ("connected=false", lambda p: not p["connected"]),
        (f"province={some_province}", lambda p: p["code34"] == some_province),
        (
            "type=centre&ownership=public&connected=false",
            lambda p: p["type"] == "centre" and p["ownership"] == "public" and not p["connected"],
        ),
    ]:
        features = client.get(f"/api/v1/institutions?{query}").get_json(force=True)["features"]
        expected = [f for f in everything if check(f["properties"])]
        assert [f["id"] for f in features] == [f["id"] for f in expected], query
    connected = client.get("/api/v1/institutions?connected=true").get_json(force=True)["count"]
    not_connected = client.get("/api/v1/institutions?connected=false").get_json(force=True)["count"]
    assert connected + not_connected == len(everything)


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("type=school", "unknown type"),
        ("ownership=state", "unknown ownership"),
        ("connected=yes", "connected must be true or false"),
        ("province=99", "unknown province"),
        ("province=26", "unknown province"),  # a legacy code: the filter takes the 34 current units
        ("colour=red", "unknown parameter"),
    ],
)
def test_bad_institution_filters_get_a_json_400(client, query: str, fragment: str) -> None:
    resp = client.get(f"/api/v1/institutions?{query}")
    assert resp.status_code == 400
    assert fragment in resp.get_json()["error"]


def test_point_filter_parses_the_query_string() -> None:
    assert PointFilter.from_args({}) == PointFilter()
    assert PointFilter.from_args({"type": "college", "connected": "false"}) == PointFilter(
        inst_type="college", connected=False
    )
    with pytest.raises(PointFilterError):
        PointFilter.from_args({"connected": "1"})


# --- figures per province ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, level, inst_type",
    [
        ("T01", "34", None),
        ("T06", "34", None),
        ("T08", "34", None),
        ("T10", "34", None),
        ("T12", "34", None),
        ("T03", "63", None),
        ("T06", "63", "college"),
    ],
)
def test_province_figures_equal_the_snapshot_rollup(snapshot, code: str, level: str, inst_type: str | None) -> None:
    indicator = registry.get(code)
    shown = indicator.provincial
    for as_of in (snapshot.period_ends[-1], snapshot.period_ends[30]):
        figures = map_data.province_figures(snapshot, code, level, as_of, inst_type, None)
        assert sorted(figures) == sorted(expected_codes(level))
        for pcode in list(figures)[::5]:
            scope = (
                Scope(province34=pcode, inst_type=inst_type)
                if level == "34"
                else Scope(province63=pcode, inst_type=inst_type)
            )
            view = kpis.indicator_view(snapshot, indicator, scope, as_of)
            last = view.series[shown.key].last
            fig = figures[pcode]
            assert (fig.numerator, fig.denominator) == (last["numerator"], last["denominator"])
            assert fig.value == pytest.approx(last["value"]) if last["value"] is not None else fig.value is None
            if shown.key in {t.series for t in indicator.targets}:
                assert fig.statuses == tuple(a.status for a in view.assessments)
            else:
                assert fig.statuses == ()


def test_figures_add_up_to_the_national_total(snapshot) -> None:
    as_of = snapshot.period_ends[-1]
    figures = map_data.province_figures(snapshot, "T01", "34", as_of)
    national = kpis.indicator_view(snapshot, registry.get("T01"), Scope(), as_of).headline_series.last
    assert sum(f.numerator for f in figures.values()) == national["numerator"]
    assert sum(f.denominator for f in figures.values()) == national["denominator"]


def test_national_only_indicators_are_not_mapped(snapshot) -> None:
    options = {o["value"]: o for o in map_layout.indicator_options("vi")}
    assert list(options) == [f"T{i:02d}" for i in range(1, 13)]
    assert options["T05"]["disabled"] and options["T07"]["disabled"]
    assert "chỉ có số liệu toàn quốc" in options["T05"]["label"]
    assert not options["T10"]["disabled"]
    assert registry.get("T10").provincial.key == "map_completeness"
    assert map_data.province_figures(snapshot, "T05", "34", snapshot.period_ends[-1]) == {}
    assert map_data.indicator_code("t07") == map_data.DEFAULT_INDICATOR
    assert map_data.indicator_code("t12") == "T12"


@pytest.mark.parametrize(
    "value, cls",
    [
        (None, None),
        (float("nan"), None),
        (0.0, 0),
        (0.2499, 0),
        (0.25, 1),
        (0.5, 2),
        (0.74, 2),
        (0.75, 3),
        (0.9999, 3),
        (1.0, 4),
    ],
)
def test_class_breaks(value: float | None, cls: int | None) -> None:
    assert map_layout.class_of(value) == cls
    expected = map_layout.NO_DATA_COLOUR if cls is None else map_layout.PALETTE[cls]
    assert map_layout.colour_of(value) == expected


def test_hideout_carries_colours_texts_and_statuses(snapshot) -> None:
    indicator = registry.get("T06")
    as_of = snapshot.period_ends[-1]
    figures = map_data.province_figures(snapshot, "T06", "34", as_of)
    hideout = map_layout.provinces_hideout(figures, indicator, "en", selected="79")
    assert sorted(hideout["v"]) == sorted(figures)
    assert hideout["sel"] == "79"
    assert hideout["tg"] == ["Target 2025 · 50%", "Target 2030 · 100%"]
    for code, (colour, text, ratio, statuses) in hideout["v"].items():
        fig = figures[code]
        assert colour == map_layout.colour_of(fig.value)
        assert statuses == list(fig.statuses)
        assert text.endswith("%") or text == "No data"
        assert ratio == (f"{fig.numerator:,}/{fig.denominator:,}" if fig.denominator else "")
    assert hideout["st"]["missed"][1] == "Missed"
    vi = map_layout.provinces_hideout(figures, indicator, "vi")
    assert vi["st"]["missed"][1] == "Không đạt" and vi["tg"][0] == "Mục tiêu 2025 · 50%"
    # Small enough to send on every restyle.
    assert len(json.dumps(hideout)) < 8_000


def test_t10_hideout_has_no_provincial_target(snapshot) -> None:
    figures = map_data.province_figures(snapshot, "T10", "34", snapshot.period_ends[-1])
    hideout = map_layout.provinces_hideout(figures, registry.get("T10"), "vi")
    assert hideout["tg"] == [] and hideout["note"]
    assert all(row[3] == [] for row in hideout["v"].values())


def test_switching_level_keeps_or_clears_the_province() -> None:
    sel = Selection.from_store({"level": "63", "province": "26", "type": "college", "ownership": None})
    assert sel.with_level("34").to_store() == {"level": "34", "province": "25", "type": "college", "ownership": None}
    assert Selection.from_store({"level": "34", "province": "25"}).with_level("63").province is None
    assert map_callbacks.select_level("63", None)["level"] == "63"
    assert map_callbacks.select_filters("centre", "", {"province": "01"}) == {
        "level": "34",
        "province": "01",
        "type": "centre",
        "ownership": None,
    }
    assert map_callbacks.clear_province(1, {"province": "01"})["province"] is None


# --- the page and its callbacks -------------------------------------------------------------


def _services(settings: Settings) -> Services:
    return Services.from_settings(settings)


def test_update_map_restyles_without_geometry(small_demo: Settings, snapshot) -> None:
    services = _services(small_demo)
    sel = {"level": "34", "province": "01", "type": None, "ownership": None}
    hideout, url, _title, _info, label, state = map_callbacks.update_map(
        services, "T01", 10, sel, {"id": snapshot.run.id, "stale": False}, "vi", None
    )
    assert url == "/api/v1/geo/provinces?set=34"
    assert hideout["sel"] == "01" and len(hideout["v"]) == 34
    assert label == snapshot.period_ends[10].strftime("%d/%m/%Y")
    assert state["snapshot"] == snapshot.run.id and state["indicator"] == "T01" and state["date"] == 10
    expected = map_data.province_figures(snapshot, "T01", "34", snapshot.period_ends[10])
    assert hideout["v"]["01"][0] == map_layout.colour_of(expected["01"].value)
    assert "coordinates" not in json.dumps(hideout)
    hideout63, url63, *_ = map_callbacks.update_map(services, "T01", None, {**sel, "level": "63"}, None, "en", state)
    assert url63 == "/api/v1/geo/provinces?set=63" and len(hideout63["v"]) == 63


def _cells(row) -> list:
    """A table row's cells: the header cell's link text, then each cell's own children."""
    out = []
    for cell in row.children:
        child = cell.children
        out.append(child.children if hasattr(child, "children") and not isinstance(child, str) else child)
    return out


def test_the_map_as_a_table_of_units(small_demo: Settings, snapshot) -> None:
    """The keyboard's and screen reader's map: every unit the map colours, by name, with a link to its page,
    the figure the map shows and its status in words, and a button selecting it on the map."""
    services = _services(small_demo)
    sel = {"level": "34", "province": "01", "type": None, "ownership": None}
    *_, state = map_callbacks.update_map(services, "T06", 10, sel, {"id": snapshot.run.id, "stale": False}, "vi", None)
    (table,) = map_callbacks.units_table(services, state)
    rows = table.children[1].children
    as_of = snapshot.period_ends[10]
    figures = map_data.province_figures(snapshot, "T06", "34", as_of)
    assert len(rows) == len(figures) == 34
    hideout = map_layout.provinces_hideout(figures, registry.get("T06"), "vi", selected="01")
    seen = set()
    for row in rows:
        link = row.children[0].children
        code = link.href.removeprefix("/province/")
        seen.add(code)
        fig = figures[code]
        name, value, status, _button = _cells(row)
        assert name == fig.full_name("vi")
        # The figure the map's tooltip shows, with its numerator and denominator.
        assert value.startswith(hideout["v"][code][1])
        if fig.denominator:
            assert value.endswith(f"({fig.numerator:,}/{fig.denominator:,})".replace(",", "."))
        words = [f"{label}: {hideout['st'][st][1]}" for label, st in zip(hideout["tg"], fig.statuses, strict=False)]
        assert status == "; ".join(words) and "Mục tiêu 2030" in status
        pressed = row.children[3].children
        assert pressed.id == {"type": map_layout.MapIds.LIST_SELECT, "code": code}
        assert getattr(pressed, "aria-pressed") == ("true" if code == "01" else "false")
    assert seen == set(figures)
    names = [figures[row.children[0].children.href.removeprefix("/province/")].name for row in rows]
    assert names == sorted(names, key=vi_sort_key)  # by name in Vietnamese order, not by code
    english = map_callbacks.units_table(services, {**state, "lang": "en"})[0]
    assert "Select on the map" in json.dumps(english.to_plotly_json(), default=lambda o: o.to_plotly_json())


def test_inputs_that_change_nothing_cost_no_restyle(small_demo: Settings, snapshot) -> None:
    from dash import no_update
    from dash.exceptions import PreventUpdate

    services = _services(small_demo)
    snap_state = {"id": snapshot.run.id, "stale": False}
    *_, state = map_callbacks.update_map(services, "T01", None, None, snap_state, "vi", None)
    with pytest.raises(PreventUpdate):  # a poll with nothing new, or an input reporting its value on mount
        map_callbacks.update_map(services, "T01", None, None, snap_state, "vi", state)
    *_, stale_state = map_callbacks.update_map(services, "T01", None, None, {**snap_state, "stale": True}, "vi", state)
    assert stale_state["stale"] is True
    with pytest.raises(PreventUpdate):
        map_callbacks.update_dates(services, snap_state, 3, len(snapshot.period_ends) - 1, "vi")
    assert map_callbacks.select_level("34", {"level": "34"}) is no_update
    assert map_callbacks.select_filters("", "", None) is no_update


def test_page_loads_geometry_by_url_not_inline(small_demo: Settings) -> None:
    from callbacks.page import PageContext

    services = _services(small_demo)
    page = map_callbacks.render(PageContext(services=services, lang="en", query={"indicator": "T08"}))
    text = json.dumps(page.to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "/api/v1/geo/provinces?set=34" in text and "/api/v1/institutions" in text
    assert '"data": {"type": "FeatureCollection"' not in text
    assert len(text) < 40_000  # the first view's layout carries no geometry
    assert "Hoang Sa (Paracel) Islands" in text and "Truong Sa (Spratly) Islands" in text
    assert "T08" in text
    vi = json.dumps(
        map_callbacks.render(PageContext(services=services, lang="vi")).to_plotly_json(),
        default=lambda o: o.to_plotly_json(),
        ensure_ascii=False,
    )
    for text in ("Quần đảo Hoàng Sa", "(TP. Đà Nẵng)", "Quần đảo Trường Sa", "(Khánh Hòa)"):
        assert text in vi


def test_page_without_a_snapshot_says_so(test_settings: Settings) -> None:
    from callbacks.page import PageContext

    page = map_callbacks.render(PageContext(services=_services(test_settings), lang="en"))
    assert "No snapshot" in json.dumps(page.to_plotly_json(), default=lambda o: o.to_plotly_json())


def test_date_slider_follows_a_new_snapshot(small_demo: Settings, snapshot) -> None:
    services = _services(small_demo)
    last = len(snapshot.period_ends) - 1
    # A user at the (old) data date follows the newest; one looking at history stays there.
    new_max, marks, value = map_callbacks.update_dates(services, None, last - 1, last - 1, "vi")
    assert new_max == last and value == last and marks[last] == snapshot.period_ends[-1].strftime("%d/%m/%Y")
    assert map_callbacks.update_dates(services, None, 5, last - 1, "en")[2] == 5


def test_stale_data_is_flagged_on_the_map(small_demo: Settings, snapshot) -> None:
    model = map_data.build_model(_services(small_demo), snapshot, "T06", None, None, stale=True)
    text = json.dumps(
        [c.to_plotly_json() for c in map_layout.title_card(model, "vi")],
        default=lambda o: o.to_plotly_json(),
        ensure_ascii=False,
    )
    assert "Dữ liệu cũ" in text
    fresh = map_data.build_model(_services(small_demo), snapshot, "T06", None, None, stale=False)
    assert "Dữ liệu cũ" not in json.dumps(
        [c.to_plotly_json() for c in map_layout.title_card(fresh, "vi")],
        default=lambda o: o.to_plotly_json(),
        ensure_ascii=False,
    )


def test_figures_are_remembered_per_snapshot_only(snapshot) -> None:
    memo = SnapshotMemo("test", size=2)
    calls: list[int] = []

    def compute(n: int):
        return lambda: calls.append(n) or n

    assert memo.get(snapshot, ("a",), compute(1)) == 1
    assert memo.get(snapshot, ("a",), compute(2)) == 1  # remembered
    memo.get(snapshot, ("b",), compute(3))
    memo.get(snapshot, ("c",), compute(4))  # the oldest key goes
    assert memo.get(snapshot, ("a",), compute(5)) == 5
    newer = snapshots.Snapshot(
        dataclasses.replace(snapshot.run, id=snapshot.run.id + 1), snapshot.by_series["map_completeness"]
    )
    assert memo.get(newer, ("b",), compute(6)) == 6  # a new snapshot starts afresh
    assert calls == [1, 3, 4, 5, 6]
