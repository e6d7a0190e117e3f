"""The wall display's core and callback: which slides an identity gets, and that each slide's figures are
the desk's figures (same core functions, same scoping), through the real callback over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from flask import Flask

from callbacks.present import start_index
from geo import provinces as geo
from ioc_app import access, create_app, playlists, presentation, scorecard
from ioc_app.i18n import fmt_percent
from ioc_app.identity import DISPLAY, PROVINCE, Identity, set_identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.map_data import province_figures
from ioc_app.overview import all_panels
from ioc_app.playlists import Playlist, Slide
from ioc_app.security import check_envelope
from ioc_app.target_data import province_ranking
from layouts import present as layout
from layouts.home import headline_value
from tests.conftest import signed_in_client

FLASK = Flask(__name__)
CYCLE = Playlist(
    "thu-nghiem",
    "Thử nghiệm",
    (
        Slide(playlists.OVERVIEW, 5),
        Slide(playlists.PROVINCE_CYCLE, 3),
        Slide(playlists.PROVINCES, 5),
        Slide(playlists.BEHIND, 5, ("T01",)),
        Slide(playlists.MAP, 5, ("T06",)),
        Slide(playlists.TARGETS, 5, ("T01", "T02")),
    ),
)


def _as(identity: Identity | None) -> Iterator[Identity | None]:
    ctx = FLASK.test_request_context("/present")
    ctx.push()
    set_identity(identity)
    try:
        yield identity
    finally:
        ctx.pop()


@pytest.fixture
def central() -> Iterator[Identity | None]:
    yield from _as(Identity("phong-dieu-hanh", DISPLAY))


@pytest.fixture
def hcm() -> Iterator[Identity | None]:
    yield from _as(Identity("man-hinh-79", DISPLAY, province="79"))


# --- which slides -------------------------------------------------------------------------------------------


def test_a_province_cycle_becomes_one_overview_per_province(central) -> None:
    specs = presentation.expand(CYCLE, central)
    provinces = [s.province for s in specs if s.kind == playlists.OVERVIEW and s.province]
    assert provinces == [p.code for p in geo.provinces()] and len(provinces) == 34
    assert len(specs) == 5 + 34
    assert [s.kind for s in specs][-4:] == [playlists.PROVINCES, playlists.BEHIND, playlists.MAP, playlists.TARGETS]


def test_a_province_display_gets_its_province_only_and_no_comparisons(hcm) -> None:
    specs = presentation.expand(CYCLE, hcm)
    assert [s.kind for s in specs] == [playlists.OVERVIEW, playlists.OVERVIEW, playlists.MAP, playlists.TARGETS]
    assert {s.province for s in specs} == {"79"}


def test_a_province_display_cannot_read_another_province_slide(hcm, snap) -> None:
    spec = presentation.SlideSpec(playlists.OVERVIEW, 5, province="01")
    with pytest.raises(access.Forbidden):
        presentation.slide_data(snap, spec, "vi")


@pytest.mark.parametrize(("raw", "expected"), [(None, 0), ("1", 0), ("3", 2), ("8", 7), ("9", 0), ("0", 0), ("x", 0)])
def test_the_start_slide_is_counted_from_one_and_clamped(raw, expected) -> None:
    assert start_index(raw, 8) == expected


# --- the figures are the desk's ------------------------------------------------------------------------


def test_the_overview_slide_holds_the_overview_panels(central, snap) -> None:
    data = presentation.slide_data(snap, presentation.SlideSpec(playlists.OVERVIEW, 5), "vi")
    assert isinstance(data, presentation.OverviewSlide)
    desk = all_panels(snap, NATIONAL)
    assert [p.view.indicator.code for p in data.panels] == [i.code for i in registry.INDICATORS]
    for wall, panel in zip(data.panels, desk, strict=True):
        assert wall.view.headline_series.last == panel.view.headline_series.last
    text = _text(layout.slide(presentation.SlideSpec(playlists.OVERVIEW, 5), data, snap.run.data_date, "vi"))
    for panel in desk:
        assert headline_value(panel.view, "vi")[0] in text


def test_a_province_overview_is_the_province_panels(central, snap) -> None:
    spec = presentation.SlideSpec(playlists.OVERVIEW, 5, province="79")
    data = presentation.slide_data(snap, spec, "vi")
    desk = all_panels(snap, Scope(province34="79"))
    assert [p.view.headline_series.last for p in data.panels] == [p.view.headline_series.last for p in desk]
    assert "Thành phố Hồ Chí Minh" in _text(layout.slide(spec, data, snap.run.data_date, "vi"))


def test_the_provinces_slide_is_the_scorecard(central, snap) -> None:
    spec = presentation.SlideSpec(playlists.PROVINCES, 5)
    data = presentation.slide_data(snap, spec, "vi")
    assert isinstance(data, presentation.ProvincesSlide)
    card = scorecard.scorecard(snap, "34")
    assert len(data.card.units) == 34 and data.card.cells == card.cells
    assert [i.code for i in data.columns] == ["T01", "T02", "T03", "T04", "T06", "T08"]
    text = _text(layout.slide(spec, data, snap.run.data_date, "vi"))
    hcm = card.cells["79"]["T01"]
    assert fmt_percent(hcm.value, "vi", 0) in text


def test_the_behind_slide_lists_the_lowest_provinces_lowest_first(central, snap) -> None:
    spec = presentation.SlideSpec(playlists.BEHIND, 5, ("T01",))
    data = presentation.slide_data(snap, spec, "vi")
    assert isinstance(data, presentation.BehindSlide)
    ranking = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table
    values = list(data.ranking.table["value"])
    assert values == sorted(ranking["value"])[: presentation.BEHIND_SHOWN]
    assert data.ranked == len(ranking)


def test_the_map_slide_colours_the_desk_map_figures(central, snap) -> None:
    data = presentation.slide_data(snap, presentation.SlideSpec(playlists.MAP, 5, ("T06",)), "vi")
    assert isinstance(data, presentation.MapSlide)
    assert data.figures == province_figures(snap, "T06", "34", snap.run.data_date)
    assert data.national is not None and data.national.value is not None
    assert {a["code"] for a in data.archipelagos} == {"48", "56"}


def test_a_province_display_sees_only_its_row_and_no_national_figure(hcm, snap) -> None:
    map_data = presentation.slide_data(snap, presentation.SlideSpec(playlists.MAP, 5, ("T06",), "79"), "vi")
    assert isinstance(map_data, presentation.MapSlide) and map_data.national is None
    # Every province is drawn; only its own carries a figure.
    assert {code for code, f in map_data.figures.items() if f.value is not None or f.denominator} == {"79"}


def test_the_changes_slide_holds_the_changes_and_the_provinces_that_moved_most(central, snap) -> None:
    from ioc_app import changes as changes_core

    spec = presentation.SlideSpec(playlists.CHANGES, 5)
    data = presentation.slide_data(snap, spec, "vi")
    assert isinstance(data, presentation.ChangesSlide)
    assert data.changes == changes_core.changes(snap, NATIONAL)
    judged = {i.code for i in registry.INDICATORS if i.provincially_judged}
    moved = [c for c in data.changes if c.code in judged and c.delta_week]
    if moved:
        assert data.movers is not None
        assert abs(next(c for c in data.changes if c.code == data.movers.indicator).delta_week or 0) == max(
            abs(c.delta_week or 0) for c in moved
        )
    text = _text(layout.slide(spec, data, snap.run.data_date, "vi"))
    assert "So với tuần trước" in text and "T01" in text


def test_a_change_is_told_by_sign_and_arrow_not_colour_alone() -> None:
    from ioc_app.changes import Change, Point

    day = dt.date(2026, 11, 30)
    change = Change("T01", "s", Point(day, 51, 100), Point(day, 50, 100), Point(day, 51, 100), 1.0, 0.0, "on_track")
    up = _text(layout.delta_text(change, change.delta_day, change.day_before, "percent", "vi"))
    assert "▲" in up and "+1,0" in up
    down = _text(layout.delta_text(change, -0.26, change.day_before, "percent", "en"))
    assert "▼" in down and "−0.3" in down
    assert _text(layout.delta_text(change, 0.0, change.week_before, "percent", "vi")) == "Không đổi"
    assert _text(layout.delta_text(change, None, change.week_before, "percent", "vi")) == "–"


def test_the_trajectory_is_drawn_inside_its_box(central, snap) -> None:
    data = presentation.slide_data(snap, presentation.SlideSpec(playlists.TARGETS, 5, ("T01", "T02")), "vi")
    assert isinstance(data, presentation.TargetsSlide)
    drawing = layout.trajectory_svg(data.items[0].chart, "vi")
    points = [
        tuple(float(v) for v in pair.split(","))
        for child in drawing.children
        if type(child).__name__ in ("Polyline", "Polygon")
        for pair in child.points.split()
    ]
    assert points and all(0 <= x <= layout.CHART_W and 0 <= y <= layout.CHART_H for x, y in points)


# --- the callback, over HTTP ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(small_demo):
    return create_app(small_demo)


def _slot_request(index: int, search: str = "", n: int = 1) -> dict:
    slot, req = {"index": index, "type": "present-slot"}, {"index": index, "type": "present-request"}
    return {
        "output": '{"index":["MATCH"],"type":"present-slot"}.children',
        "outputs": {"id": slot, "property": "children"},
        "inputs": [{"id": req, "property": "data", "value": {"n": n}}],
        "state": [
            {"id": "shell-url", "property": "search", "value": search},
            {"id": "shell-lang", "property": "data", "value": "vi"},
        ],
        "changedPropIds": [json.dumps(req, sort_keys=True, separators=(",", ":")) + ".data"],
    }


def test_every_slide_of_the_built_in_playlist_loads_over_http(app) -> None:
    client = signed_in_client(app, "central")
    for index, spec in enumerate(playlists.DEFAULT.slides):
        resp = client.post("/_dash-update-component", json=_slot_request(index))
        assert resp.status_code == 200, (spec.kind, resp.get_data(as_text=True)[:300])
        body = resp.get_data(as_text=True)
        assert f"present-{spec.kind}" in body


def test_a_slot_outside_the_playlist_changes_nothing(app) -> None:
    client = signed_in_client(app, "central")
    assert client.post("/_dash-update-component", json=_slot_request(99)).status_code == 204


def test_an_unknown_playlist_is_named_calmly(app) -> None:
    client = signed_in_client(app, "central")
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": "shell-content.children",
            "outputs": {"id": "shell-content", "property": "children"},
            "inputs": [
                {"id": "shell-url", "property": "pathname", "value": "/present"},
                {"id": "shell-lang", "property": "data", "value": "vi"},
            ],
            "state": [
                {"id": "shell-url", "property": "search", "value": "?playlist=khong-co"},
                {"id": "shell-selection", "property": "data", "value": None},
            ],
            "changedPropIds": ["shell-url.pathname"],
        },
    )
    assert resp.status_code == 200
    assert "Không có danh sách trình chiếu “khong-co”." in _body(resp)


def test_a_province_user_is_served_its_own_province_on_a_national_slide(app) -> None:
    client = signed_in_client(app, PROVINCE, "79")
    # The built-in playlist for a province: overview, targets x3, map (national-only kinds left out).
    resp = client.post("/_dash-update-component", json=_slot_request(0))
    assert resp.status_code == 200
    body = _body(resp)
    assert "Thành phố Hồ Chí Minh" in body and "Toàn quốc" not in body


def test_the_envelope_check_matches_pattern_ids(app) -> None:
    callbacks = app.callback_map
    good = _slot_request(3)
    check_envelope(good, callbacks)
    for bad_id in ({"index": 3, "type": "other"}, {"index": [1], "type": "present-request"}, {"index": 3}, "x"):
        body = _slot_request(3)
        body["inputs"][0]["id"] = bad_id
        with pytest.raises(Exception, match="inputs do not match"):
            check_envelope(body, callbacks)


def _body(resp) -> str:
    return json.dumps(resp.get_json(), ensure_ascii=False)


def _text(component) -> str:
    """Every string inside a component tree, joined (what a reader of the slide sees)."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)
        elif hasattr(node, "children"):
            walk(getattr(node, "children", None))

    walk(component)
    return " ".join(out)


def test_stale_figures_are_flagged_with_the_time_of_the_last_good_snapshot() -> None:
    state = {"stale": True, "refreshed_at": "2026-11-30T02:05:00", "reason": "refresh_failed"}
    assert layout.stale_text(state, "vi") == "⚠ Dữ liệu cũ, từ 09:05 30/11/2026"  # Vietnam time, hour first
    assert layout.stale_text({**state, "stale": False}, "vi") == ""
    frame = layout.slide(
        presentation.SlideSpec(playlists.OVERVIEW, 5),
        presentation.OverviewSlide(NATIONAL, []),
        dt.date(2026, 11, 30),
        "en",
        stale=layout.stale_text(state, "en"),
    )
    assert frame.to_plotly_json()["props"]["data-stale"].startswith("⚠ Stale since")
