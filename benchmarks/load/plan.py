"""The requests the simulated people send, built from the running app's own callbacks and checked once.

Callback bodies are what Dash's renderer sends (``benchmarks/serving.py`` builds them from
``/_dash-dependencies``), with each person's values: their province, the page's query string, the
filters they change, the export button they press. Each is sent once before the load, as a wall
display (it reads every province), and must answer 200 with the outputs it names; the plan is then
written as JSON for the locustfile, which runs in an environment of its own and imports nothing of
the app.
"""

from __future__ import annotations

import copy
import http.client
import json
from pathlib import Path
from typing import Any

from benchmarks import serving
from benchmarks.load.stack import Stack

TARGETS = tuple(f"T{i:02d}" for i in range(1, 13))
PLAYLIST = "dieu-hanh"  # the built-in playlist every wall shows until an administrator stores another
FILTERS = (  # the filter changes a central user makes on the overview and the scorecard
    {"type": "college", "ownership": None},
    {"type": None, "ownership": "public"},
    {"type": "intermediate", "ownership": "private"},
    {"type": None, "ownership": None},
)


def _with(held: dict[tuple[str, str], Any], **values: Any) -> dict[tuple[str, str], Any]:
    """A copy of ``held`` with some values replaced; keys are ``component__property``."""
    out = copy.deepcopy(held)
    for key, value in values.items():
        component, prop = key.split("__")
        out[(component.replace("_", "-"), prop)] = value
    return out


def _body(server: serving.Server, component: str, held: dict[tuple[str, str], Any], changed: str | None = None) -> str:
    """The body for the callback writing ``component``; ``changed`` names the input that fired it."""
    key = serving.key_writing(server, component)
    body = json.loads(serving.envelope(server, key, held))
    if key.startswith("..") and "ALL" in key:
        body["outputs"] = _all_outputs(key, server.all_ids)  # type: ignore[attr-defined]
    if changed:
        body["changedPropIds"] = [changed]
    return json.dumps(body)


def _all_outputs(key: str, ids: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """Outputs of a callback with ``ALL`` wildcards, as the renderer lists them: one list per wildcard output,
    holding every component of that type on the page."""
    outputs: list[Any] = []
    for part in key[2:-2].split("..."):
        ident, _, prop = part.rpartition(".")
        prop = prop.split("@")[0]
        if ident.startswith("{"):
            kind = json.loads(ident)["type"]
            outputs.append([{"id": found, "property": prop} for found in ids.get(kind, [])])
        else:
            outputs.append({"id": ident, "property": prop})
    return outputs


def _pattern_ids(layout: Any, into: dict[str, list[dict[str, Any]]]) -> None:
    """Every dictionary id in a component tree (a callback's JSON answer), by its ``type``."""
    if isinstance(layout, dict):
        ident = layout.get("props", {}).get("id") if "props" in layout else None
        if isinstance(ident, dict) and "type" in ident and ident not in into.setdefault(ident["type"], []):
            into[ident["type"]].append(ident)
        for value in layout.values():
            _pattern_ids(value, into)
    elif isinstance(layout, list):
        for value in layout:
            _pattern_ids(value, into)


def _post(server: serving.Server, body: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    conn.request("POST", serving.CALLBACK_PATH, body=body.encode(), headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, (json.loads(raw) if raw and resp.status == 200 else {})


def build(stack: Stack, out: Path) -> dict[str, Any]:
    """The plan (written to ``out``): request bodies by kind, the people, the slides of the wall."""
    wall = stack.people.walls[0]
    server = serving.Server(stack.base, stack.port, stack.gunicorn, wall, "", stack.log)
    server.callbacks = {cb["output"]: cb for cb in json.loads(serving.get(server.target, "/_dash-dependencies")[1])}
    state = serving.poll_state(server)
    server.snapshot_state = state
    server.all_ids = {}  # type: ignore[attr-defined]

    def page(path: str, search: str = "") -> str:
        return _body(server, "shell-content", _with(serving.values(path, state), shell_url__search=search))

    # The overview's panels are components with dictionary ids: read them from the page as a browser has it.
    status, home = _post(server, page("/"))
    if status != 200:
        raise RuntimeError(f"the overview page answered {status}")
    _pattern_ids(home, server.all_ids)  # type: ignore[attr-defined]

    poll = _body(server, "shell-snapshot", serving.values("/", state))
    central: dict[str, Any] = {"overview": [page("/")], "filters": [], "targets": {}, "scorecard": [], "map": []}
    home_held = serving.values("/", state)
    central["overview"].append(_body(server, "home-panels", home_held))
    for flt in FILTERS:
        selection = {"level": "34", "province": None, **flt}
        held = _with(home_held, shell_selection__data=selection)
        central["filters"].append(_body(server, "home-panels", held, "shell-selection.data"))
    sc_held = serving.values("/scorecard", state)
    central["scorecard"] = [page("/scorecard"), _body(server, "sc-table", sc_held)]
    central["scorecard_sorted"] = _body(
        server, "sc-table", _with(sc_held, shell_url__search="?sort=T06&desc=0"), "shell-url.search"
    )
    central["scorecard_xlsx"] = _body(
        server, "sc-download", _with(sc_held, sc_export_xlsx__n_clicks=1), "sc-export-xlsx.n_clicks"
    )
    for code in TARGETS:
        held = _with(serving.values(f"/targets/{code}", state), target_code__data=code)
        central["targets"][code] = [
            page(f"/targets/{code}"),
            _body(server, "target-body", held),
            _body(server, "target-list", held),
        ]
    map_held = serving.values("/map", state)
    central["map"] = [page("/map"), _body(server, "map-date", map_held)]
    central["map_restyle"] = {
        code: _body(server, "map-provinces", _with(map_held, map_indicator__value=code), "map-indicator.value")
        for code in TARGETS
    }

    province: dict[str, Any] = {}
    for code in sorted({c for _name, c in stack.people.province}):
        path = f"/province/{code}"
        base = _with(
            serving.values(path, state),
            prov_unit__data={"level": "34", "code": code},
            shell_selection__data={"level": "34", "province": code, "type": None, "ownership": None},
        )
        exports = {}
        for button in ("prov-targets-csv", "prov-targets-xlsx", "prov-inst-csv", "prov-inst-xlsx"):
            pressed = _with(base, **{f"{button.replace('-', '_')}__n_clicks": 1})
            exports[button] = _body(server, "prov-download", pressed, f"{button}.n_clicks")
        province[code] = {
            "page": [page(path), _body(server, "prov-targets", base), _body(server, "prov-institutions", base)],
            "turns": [
                _body(server, "prov-institutions", _with(base, shell_url__search=f"?page={n}"), "shell-url.search")
                for n in (2, 3, 4)
            ],
            "sorted": _body(
                server, "prov-institutions", _with(base, shell_url__search="?sort=T06&desc=0"), "shell-url.search"
            ),
            "exports": exports,
            "target": [
                page("/targets/T06"),
                _body(server, "target-body", _with(base, target_code__data="T06", shell_url__pathname="/targets/T06")),
            ],
        }

    status, frame = _post(server, page("/present", f"?playlist={PLAYLIST}"))
    slots: dict[str, list[dict[str, Any]]] = {}
    _pattern_ids(frame, slots)
    slides = len(slots.get("present-slot", []))
    if status != 200 or not slides:
        raise RuntimeError(f"the wall's page answered {status} with {slides} slides")
    present_held = serving.values("/present", state)
    wall_bodies = {
        "page": page("/present", f"?playlist={PLAYLIST}"),
        "slots": [_slot_body(i, present_held) for i in range(slides)],
    }

    plan = {
        "base": stack.base,
        "poll": poll,
        "central": central,
        "province": province,
        "wall": wall_bodies,
        "people": {
            "province": stack.people.province,
            "central": stack.people.central,
            "walls": stack.people.walls,
            "api": stack.people.api,
            "password": _password(),
        },
        "targets": list(TARGETS),
        "playlist": PLAYLIST,
    }
    check(server, plan)
    out.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def _password() -> str:
    from benchmarks.load.stack import PASSWORD

    return PASSWORD


def _slot_body(index: int, held: dict[tuple[str, str], Any]) -> str:
    """What ``assets/present.js`` makes the renderer send for slot ``index`` (a MATCH callback)."""
    slot = {"index": index, "type": "present-slot"}
    request = {"index": index, "type": "present-request"}
    body = {
        "output": '{"index":["MATCH"],"type":"present-slot"}.children',
        "outputs": {"id": slot, "property": "children"},
        "inputs": [{"id": request, "property": "data", "value": {"n": 1}}],
        "changedPropIds": [json.dumps(request, separators=(",", ":"), sort_keys=True) + ".data"],
        "state": [
            {"id": "shell-url", "property": "search", "value": f"?playlist={PLAYLIST}"},
            {"id": "shell-lang", "property": "data", "value": held[("shell-lang", "data")]},
        ],
    }
    return json.dumps(body)


def _bodies(plan: dict[str, Any]) -> list[str]:
    out = [plan["poll"], *plan["wall"]["slots"], plan["wall"]["page"]]
    central = plan["central"]
    out += central["overview"] + central["filters"] + central["scorecard"] + central["map"]
    out += [central["scorecard_sorted"], central["scorecard_xlsx"], *central["map_restyle"].values()]
    for bodies in central["targets"].values():
        out += bodies
    for prov in plan["province"].values():
        out += prov["page"] + prov["turns"] + prov["target"] + [prov["sorted"], *prov["exports"].values()]
    return out


def check(server: serving.Server, plan: dict[str, Any]) -> None:
    """Every body answers 200 with the outputs it names (sent once, before the load)."""
    status, _ = _post(server, plan["poll"])
    if status != 200:  # with no update (nothing new since the state sent), the poll's usual answer
        raise RuntimeError(f"the snapshot poll answered {status}")
    for body in _bodies(plan)[1:]:
        status, answer = _post(server, body)
        output = json.loads(body)["output"]
        if status != 200 or "response" not in answer:
            raise RuntimeError(f"the callback {output[:80]} answered {status}: {str(answer)[:200]}")
