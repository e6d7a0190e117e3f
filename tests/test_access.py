"""Province scoping in the core read path: a province user reads their province only, whatever is asked."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask

from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import access, audit, create_app, overview, target_data
from ioc_app.identity import CENTRAL, PROVINCE, Identity, set_identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.map_data import national_figure, province_figures
from ioc_app.province_view import profile, province_targets
from ioc_app.provincial import unit_of
from ioc_app.scorecard import scorecard
from ioc_app.settings import Settings
from tests.conftest import signed_in_client

FLASK = Flask(__name__)


def _provinces_with_data(snap) -> list[str]:
    table = snap.trajectory("staff_digital_capacity", NATIONAL)
    assert len(table)
    codes = [
        u
        for u in geo_provinces.province_by_code()
        if snap.trajectory("staff_digital_capacity", Scope(u)).denominator.iloc[-1]
    ]
    assert len(codes) >= 2
    return codes


@pytest.fixture(scope="module")
def two(snap) -> tuple[str, str]:
    codes = _provinces_with_data(snap)
    return codes[0], codes[1]


def as_(identity: Identity | None):
    """A request context in which ``identity`` is signed in (None: nobody)."""
    ctx = FLASK.test_request_context("/")
    ctx.push()
    set_identity(identity)
    return ctx


@pytest.fixture
def province_user(two) -> Iterator[Identity]:
    user = Identity("tinh", PROVINCE, province=two[0], user_id=1)
    ctx = as_(user)
    yield user
    ctx.pop()


@pytest.fixture
def central_user() -> Iterator[Identity]:
    user = Identity("trung-uong", CENTRAL, user_id=2)
    ctx = as_(user)
    yield user
    ctx.pop()


def test_nobody_signed_in_reads_nothing() -> None:
    ctx = as_(None)
    try:
        with pytest.raises(access.Forbidden):
            access.readable(NATIONAL)
    finally:
        ctx.pop()


def test_the_nation_becomes_the_province_and_another_province_is_refused(province_user, two) -> None:
    mine, other = two
    assert access.readable(NATIONAL) == Scope(province34=mine)
    assert access.readable(Scope(inst_type="college")) == Scope(province34=mine, inst_type="college")
    assert access.readable(Scope(province34=mine)) == Scope(province34=mine)
    for legacy in geo_provinces.province_by_code()[mine].merged_from:
        assert access.readable(Scope(province63=legacy)).province63 == legacy  # its legacy units too
    for scope in (
        Scope(province34=other),
        *(Scope(province63=c) for c in geo_provinces.province_by_code()[other].merged_from),
    ):
        with pytest.raises(access.Forbidden):
            access.readable(scope)


def test_every_refusal_is_reported(province_user, two) -> None:
    seen: list[str] = []
    access.DENIAL_LISTENERS.append(lambda who, what: seen.append(f"{who.name if who else '-'}:{what}"))
    try:
        with pytest.raises(access.Forbidden):
            access.readable(Scope(province34=two[1]))
    finally:
        access.DENIAL_LISTENERS.pop()
    assert seen == [f"tinh:scope province34:{two[1]}"]


def test_panels_are_the_province_s_own_figures(snap, two) -> None:
    mine, _ = two
    with_central = as_(Identity("c", CENTRAL))
    expected = {p.view.indicator.code: p.view.headline_series.last for p in overview.all_panels(snap, Scope(mine))}
    nation = {p.view.indicator.code: p.view.headline_series.last for p in overview.all_panels(snap, NATIONAL)}
    with_central.pop()
    ctx = as_(Identity("p", PROVINCE, province=mine))
    try:
        got = {p.view.indicator.code: p.view.headline_series.last for p in overview.all_panels(snap, NATIONAL)}
        counts = overview.network_counts(snap, NATIONAL)
    finally:
        ctx.pop()
    for ind in registry.INDICATORS:
        if ind.national_only:
            # The nation's figure is withheld from a province user: the province has none of its own.
            assert got[ind.code]["denominator"] == 0 and nation[ind.code]["denominator"] > 0
        else:
            assert got[ind.code] == expected[ind.code], ind.code
    central = as_(Identity("c", CENTRAL))
    try:
        assert counts == overview.network_counts(snap, Scope(mine))
    finally:
        central.pop()


def test_tables_keep_other_units_without_figures_and_withhold_the_nation(snap, province_user, two) -> None:
    mine, other = two
    card = scorecard(snap, "34")
    assert [u.code for u in card.units] == [mine]
    assert all(cell.value is None and cell.denominator == 0 for cell in card.totals.values())
    figures = province_figures(snap, "T01", "34", snap.run.data_date)
    assert figures[mine].denominator > 0 and figures[other].value is None and figures[other].denominator == 0
    nat = national_figure(snap, registry.get("T01"), snap.run.data_date, None, None)
    assert nat is not None and nat.value is None
    level63 = province_figures(snap, "T01", "63", snap.run.data_date)
    mine63 = set(geo_provinces.province_by_code()[mine].merged_from)
    assert all((f.denominator == 0) for code, f in level63.items() if code not in mine63)
    data = target_data.target_data(snap, registry.get("T01"), NATIONAL, "34", "vi", Settings())
    assert list(data.ranking.table["code"]) in ([mine], [])
    assert data.ranking.national is None
    assert data.view.scope == Scope(province34=mine)


def test_another_province_s_page_and_institutions_are_refused(services, snap, province_user, two) -> None:
    mine, other = two
    province_targets(snap, unit_of("34", mine), None, None)
    with pytest.raises(access.Forbidden):
        province_targets(snap, unit_of("34", other), None, None)
    with pytest.raises(access.Forbidden):
        province_targets(snap, unit_of("63", geo_provinces.province_by_code()[other].merged_from[0]), None, None)
    theirs = snap.institutions["institution_id"].unique()
    refused = allowed = 0
    for iid in theirs[:40]:
        try:
            found = profile(services, int(iid))
        except access.Forbidden:
            refused += 1
            continue
        assert found is not None and found.province_code == mine
        allowed += 1
    assert refused and allowed >= 0


def test_central_users_see_everything(snap, central_user, two) -> None:
    assert access.readable(NATIONAL) == NATIONAL
    card = scorecard(snap, "34")
    assert len(card.units) == 34 and any(c.denominator for c in card.totals.values())


# --- over HTTP: the API and a hand-made callback request --------------------------------------------


@pytest.fixture(scope="module")
def client_for(small_demo):
    """A client signed in through /login as a province user (or central, or nobody)."""
    app = create_app(small_demo)

    def client(identity: Identity | None):
        if identity is None:
            return app.server.test_client()
        return signed_in_client(app, identity.role, identity.province)

    return client


def test_api_gives_a_province_user_their_province_only(client_for, two, small_demo) -> None:
    mine, other = two
    client = client_for(Identity("p", PROVINCE, province=mine))
    body = client.get("/api/v1/indicators/T01").get_json()
    assert body["scope"] == f"province34:{mine}"
    assert client.get(f"/api/v1/indicators/T01?scope=province34:{other}").status_code == 403
    assert client.get(f"/api/v1/institutions?province={other}").status_code == 403
    listed = client.get("/api/v1/indicators").get_json()
    assert {i["scope"] for i in listed["indicators"]} == {f"province34:{mine}"}
    assert client.get(f"/province/{other}").status_code == 403
    assert client_for(None).get("/api/v1/indicators/T01").status_code == 401
    # Each refusal is in the audit log, under the user's name.
    engine = make_engine(small_demo.ioc_database_url)
    try:
        rows, _ = audit.entries(engine, limit=None)
    finally:
        engine.dispose()
    denied = [r for r in rows if r.action == "denied" and r.actor == f"test.province.{mine}"]
    assert any(f"province34:{other}" in r.target for r in denied)
    assert any(f"/province/{other}" in r.target for r in denied)


def test_a_hand_made_callback_naming_another_province_is_refused(client_for, two) -> None:
    mine, other = two
    client = client_for(Identity("p", PROVINCE, province=mine))
    deps = client.get("/_dash-dependencies").get_json()
    # The scorecard's table callback reads the shared selection: ask for the nation, then another unit.
    target = next(d for d in deps if "sc-table" in d["output"] or "scorecard" in d["output"])
    inputs = [{"id": i["id"], "property": i["property"], "value": None} for i in target["inputs"]]
    state = [{"id": s["id"], "property": s["property"], "value": None} for s in target.get("state", [])]
    for item in (*inputs, *state):
        if "selection" in str(item["id"]):
            item["value"] = {"level": "34", "province": other}
    out_id, out_prop = target["output"].rsplit(".", 1)
    outputs = {"id": out_id, "property": out_prop}
    payload = {"output": target["output"], "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": []}
    resp = client.post("/_dash-update-component", data=json.dumps(payload), content_type="application/json")
    assert resp.status_code in (200, 204)
    text = resp.get_data(as_text=True)
    assert f'data-code=\\"{mine}\\"' in text  # their own row
    assert f'data-code=\\"{other}\\"' not in text  # not another province's, whatever the selection said
    # The province page's targets callback refuses another province outright, and so does its own.
    for code, expected in ((other, 403), (mine, 200)):
        payload = {
            "output": "..prov-targets.children...prov-situation.children..",
            "outputs": [
                {"id": "prov-targets", "property": "children"},
                {"id": "prov-situation", "property": "children"},
            ],
            "inputs": [
                {"id": "shell-snapshot", "property": "data", "value": {"id": 1}},
                {"id": "shell-selection", "property": "data", "value": {"level": "34"}},
            ],
            "state": [
                {"id": "prov-unit", "property": "data", "value": {"level": "34", "code": code}},
                {"id": "shell-lang", "property": "data", "value": "vi"},
            ],
            "changedPropIds": ["shell-snapshot.data"],
        }
        resp = client.post("/_dash-update-component", data=json.dumps(payload), content_type="application/json")
        assert resp.status_code == expected, (code, resp.status_code)


def test_a_province_user_s_filter_bar_offers_their_units_only(services, province_user, two) -> None:
    from callbacks import home
    from callbacks.page import PageContext
    from layouts.home import Filters

    mine = two[0]
    page = home.render(PageContext(services=services, lang="vi", selection={"level": "34"}))
    dropdown = _find(page, Filters.PROVINCE)
    assert [o["value"] for o in dropdown.options] == [mine] and dropdown.value == mine
    options, _ = home.level_changed("63", mine, "vi")
    assert {o["value"] for o in options} == set(geo_provinces.province_by_code()[mine].merged_from)


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = _find(child, component_id)
        if found is not None:
            return found
    return None
