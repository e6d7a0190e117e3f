"""Roles x endpoints: every page, API route and callback, asked for another province by a province user.

A province user (P) asks for province Q through every door: page addresses, API scopes, and every
registered callback with the shared selection, the province page's unit and the address all naming
Q. Each answer is a refusal (403), or an answer that holds nothing of Q (no link to Q's page, no row
of Q). A central user asking the same is served.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from data_sources.engine import make_engine
from geo import provinces as geo_provinces
from ioc_app import create_app
from tests.conftest import signed_in_client


def _two_provinces_and_an_institution(settings) -> tuple[str, str, int]:
    engine = make_engine(settings.vet_database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT province_code, MIN(id) FROM institution GROUP BY province_code ORDER BY COUNT(*) DESC")
            ).all()
    finally:
        engine.dispose()
    (mine, _), (other, their_institution) = rows[0], rows[1]
    return str(mine), str(other), int(their_institution)


@pytest.fixture(scope="module")
def world(small_demo) -> dict[str, Any]:
    app = create_app(small_demo)
    mine, other, institution = _two_provinces_and_an_institution(small_demo)
    return {
        "app": app,
        "mine": mine,
        "other": other,
        "institution": institution,
        "province": signed_in_client(app, "province", mine),
        "central": signed_in_client(app, "central"),
        "anonymous": app.server.test_client(),
    }


def _leaks(body: str, other: str) -> bool:
    """Whether an answer shows something of province ``other`` (its page link or its table row)."""
    legacy = geo_provinces.province_by_code()[other].merged_from
    marks = [f"/province/{other}", f'data-code=\\"{other}\\"', *(f"/province/63-{c}" for c in legacy)]
    return any(m in body for m in marks)


def test_pages(world) -> None:
    mine, other, institution = world["mine"], world["other"], world["institution"]
    allowed = ["/", "/targets", "/targets/T08", "/scorecard", "/map", f"/province/{mine}", "/tasks"]
    for path in allowed:
        assert world["province"].get(path).status_code == 200, path
        assert world["anonymous"].get(path).status_code == 302, path
    assert world["province"].get(f"/province/{other}").status_code == 403
    for code in geo_provinces.province_by_code()[other].merged_from:
        assert world["province"].get(f"/province/63-{code}").status_code == 403
    assert world["central"].get(f"/province/{other}").status_code == 200
    assert world["province"].get(f"/institution/{institution}").status_code == 200  # the shell; its data is checked


def test_api_routes(world) -> None:
    mine, other = world["mine"], world["other"]
    province, central = world["province"], world["central"]
    for url in (
        f"/api/v1/indicators/T01?scope=province34:{other}",
        f"/api/v1/indicators/T08?scope=province34:{other}|type:college",
        f"/api/v1/indicators/T01?scope=province63:{geo_provinces.province_by_code()[other].merged_from[0]}",
        f"/api/v1/institutions?province={other}",
        f"/api/v1/targets/T01/plan?scope=province34:{other}",
        f"/api/v1/targets/T06/situation?scope=province34:{other}",
    ):
        assert province.get(url).status_code == 403, url
        assert central.get(url).status_code == 200, url
        assert world["anonymous"].get(url).status_code == 401, url
    assert province.get("/api/v1/indicators/T01").get_json()["scope"] == f"province34:{mine}"
    assert central.get("/api/v1/indicators/T01").get_json()["scope"] == "national"
    own = province.get("/api/v1/targets/T01/plan").get_json()
    assert [p["code"] for p in own["provinces"]] in ([mine], []) and own["national_gap"] is None


def _value(component: str, prop: str, world: dict[str, Any], path: str) -> Any:
    other = world["other"]
    if component == "shell-selection":
        return {"level": "34", "province": other}
    if component == "prov-unit":
        return {"level": "34", "code": other}
    if component == "shell-lang":
        return "vi"
    if component == "shell-url" and prop == "pathname":
        return path
    if component == "shell-url" and prop == "search":
        return ""
    return None


def _payloads(world: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    deps = world["province"].get("/_dash-dependencies").get_json()
    out = []
    for dep in deps:
        if dep.get("clientside_function"):
            continue  # runs in the browser: nothing reaches the server
        key = dep["output"]
        multi = key.startswith("..")
        parts = [p.rsplit(".", 1) for p in (key[2:-2].split("...") if multi else [key])]
        outputs = [{"id": i, "property": p} for i, p in parts]

        def item(x: dict[str, Any]) -> dict[str, Any]:
            return {"id": x["id"], "property": x["property"], "value": _value(x["id"], x["property"], world, path)}

        inputs = [item(i) for i in dep["inputs"]]
        payload = {
            "output": dep["output"],
            "outputs": outputs if multi else outputs[0],
            "inputs": inputs,
            "state": [item(s) for s in dep.get("state", [])],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
        }
        out.append((dep["output"], payload))
    return out


@pytest.mark.parametrize("page", ["province", "institution"])
def test_every_callback_naming_another_province(world, page: str) -> None:
    other = world["other"]
    path = f"/province/{other}" if page == "province" else f"/institution/{world['institution']}"
    payloads = _payloads(world, path)
    assert len(payloads) >= 10
    refused = 0
    for output, payload in payloads:
        body = json.dumps(payload)
        resp = world["province"].post("/_dash-update-component", data=body, content_type="application/json")
        assert resp.status_code in (200, 204, 400, 403), (output, resp.status_code)
        refused += resp.status_code == 403
        if resp.status_code == 200:
            assert not _leaks(resp.get_data(as_text=True), other), output
    assert refused >= 2  # at least the page render and the province page's own callbacks refuse


def test_a_central_user_is_served_the_same_requests(world) -> None:
    served = 0
    for output, payload in _payloads(world, f"/province/{world['other']}"):
        resp = world["central"].post(
            "/_dash-update-component", data=json.dumps(payload), content_type="application/json"
        )
        assert resp.status_code != 403, output
        served += resp.status_code == 200
    assert served >= 5
