"""Every callback, driven as an attacker would: hostile values and broken envelopes get 4xx, never a 500.

Through Flask's test client on a real app (the small demo). Each registered server-side callback
gets, for each of its inputs and states in turn, every hostile value below (the others benign);
the stores that hold objects (selection, snapshot state, province unit, map view) also get hostile
values in each of their fields; then broken envelopes. Every answer must be 200/204 (a value a page
can send) or a 400 with a JSON error and exactly one log line without a traceback. Afterwards the
server still answers a normal request.
"""

from __future__ import annotations

import collections
import itertools
import json
import logging
from typing import Any

import pytest
from sqlalchemy import text

from data_sources.engine import make_engine
from ioc_app import create_app
from ioc_app.freshness import snapshot_state
from ioc_app.settings import Settings
from tests.conftest import signed_in_client

URL = "/_dash-update-component"
HOLE = "__HOSTILE__"
DEEP_LIST = "[" * 1000 + "]" * 1000
DEEP_DICT = '{"a":' * 1000 + "1" + "}" * 1000

# Raw JSON text, so that NaN and Infinity go out as the bare tokens a hand-written request can hold.
HOSTILE: dict[str, str] = {
    "list": "[1, 2]",
    "empty list": "[]",
    "object": '{"a": 1}',
    "empty object": "{}",
    "number": "7",
    "negative": "-1",
    "fraction": "0.5",
    "true": "true",
    "false": "false",
    "null": "null",
    "empty string": '""',
    "string": '"zz"',
    "huge string": json.dumps("x" * 100_000),
    "control characters": json.dumps("\n\r\x00\u202e"),
    "2**63": str(2**63),
    "-2**63": str(-(2**63)),
    "1e308": "1e308",
    "-1e308": "-1e308",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "1,000 deep list": DEEP_LIST,
    "1,000 deep object": DEEP_DICT,
}
# Inside the stores' objects: one of each kind is enough.
HOSTILE_FIELD = {k: HOSTILE[k] for k in ("list", "object", "number", "true", "string", "huge string", "2**63", "NaN")}


_CLIENTS: dict[int, Any] = {}


def _client(app: Any) -> Any:
    """One client per app, signed in once (sign-ins are rate-limited per account)."""
    if id(app) not in _CLIENTS:
        _CLIENTS[id(app)] = signed_in_client(app)
    return _CLIENTS[id(app)]


@pytest.fixture(scope="module")
def app(small_demo: Settings):
    return create_app(small_demo)


@pytest.fixture(scope="module")
def benign(small_demo: Settings) -> dict[tuple[str, str], Any]:
    """A value each (component, property) can have in a browser; a new input needs one here."""
    engine = make_engine(small_demo.vet_database_url)
    with engine.connect() as conn:
        institution = int(conn.execute(text("SELECT min(id) FROM institution")).scalar_one())
    engine.dispose()
    ioc = make_engine(small_demo.ioc_database_url)
    state = snapshot_state(ioc, small_demo.stale_after_minutes)
    ioc.dispose()
    values: dict[tuple[str, str], Any] = {
        ("shell-lang", "data"): "en",
        ("shell-url", "pathname"): "/",
        ("shell-url", "search"): "",
        ("shell-selection", "data"): {"level": "34", "province": "79", "type": None, "ownership": None},
        ("shell-snapshot", "data"): state,
        ("shell-interval", "n_intervals"): 3,
        ("target-code", "data"): "T06",
        ("target-plan-effort", "value"): 2.5,
        ("prov-unit", "data"): {"level": "34", "code": "79"},
        ("prov-focus", "value"): "T06",
        ("inst-id", "data"): institution,
        ("map-indicator", "value"): "T06",
        ("map-date", "value"): 3,
        ("map-date", "max"): 10,
        ("map-state", "data"): {"snapshot": 1, "stale": False, "indicator": "T06", "date": 3, "level": "34"},
        ("filters-province", "value"): "79",
        ('{"index":["MATCH"],"type":"present-request"}', "data"): {"n": 1},
        ("home-shown", "data"): {"snapshot": 1, "stale": False, "drawn": True, "level": "34", "province": None},
    }
    for prefix in ("filters", "sc", "map"):
        values[(f"{prefix}-level", "value")] = "34"
        values[(f"{prefix}-type", "value")] = "college"
        values[(f"{prefix}-ownership", "value")] = "public"
    return values


def _callbacks(app) -> dict[str, dict[str, Any]]:
    """The server-side callbacks (clientside ones run in the browser and have no function here)."""
    return {key: cb for key, cb in app.callback_map.items() if "callback" in cb}


def _refs(cb: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(d["id"]), str(d["property"])) for d in [*cb["inputs"], *cb["state"]]]


def _value(benign: dict[tuple[str, str], Any], ref: tuple[str, str]) -> Any:
    if ref[1] in ("n_clicks", "n_intervals") and ref not in benign:
        return 1
    assert ref in benign, f"add a benign value for {ref[0]}.{ref[1]} to this test"
    return benign[ref]


def _concrete(component_id: str) -> Any:
    """The id a browser sends: a pattern-matching id with its MATCH (or ALL) filled in (slot 0), else the id."""
    if not component_id.startswith("{"):
        return component_id
    return {k: 0 if v in (["MATCH"], ["ALL"]) else v for k, v in json.loads(component_id).items()}


def _changed(component_id: str, prop: str) -> str:
    concrete = _concrete(component_id)
    text = concrete if isinstance(concrete, str) else json.dumps(concrete, sort_keys=True, separators=(",", ":"))
    return f"{text}.{prop}"


def _envelope(key: str, cb: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    multi = key.startswith("..")
    parts = key[2:-2].split("...") if multi else [key]
    outputs: list[Any] = [
        # A pattern of every component (the overview's panel parts): none on the page yet, as before the
        # first snapshot; the overview's own tests send them all.
        [] if '["ALL"]' in i else {"id": _concrete(i), "property": p}
        for i, _, p in (part.rpartition(".") for part in parts)
    ]
    refs = _refs(cb)
    # An input of every component of a pattern (a table's buttons) is a list of them: here, one.
    items = [
        [{"id": _concrete(i), "property": p, "value": v}]
        if '["ALL"]' in i
        else {"id": _concrete(i), "property": p, "value": v}
        for (i, p), v in zip(refs, values, strict=True)
    ]
    n = len(cb["inputs"])
    body: dict[str, Any] = {
        "output": key,
        "outputs": outputs if multi else outputs[0],
        "inputs": items[:n],
        "changedPropIds": [_changed(*refs[0])],
    }
    if cb["state"]:
        body["state"] = items[n:]
    return body


def _hostile_bodies(app, benign) -> list[tuple[str, str]]:
    """(label, raw body) of every hostile value in every argument and store field of every callback."""
    out = []
    for key, cb in _callbacks(app).items():
        refs = _refs(cb)
        normal = [_value(benign, r) for r in refs]
        for pos, ref in enumerate(refs):
            for name, token in HOSTILE.items():
                values = [HOLE if i == pos else v for i, v in enumerate(normal)]
                raw = json.dumps(_envelope(key, cb, values)).replace(f'"{HOLE}"', token)
                out.append((f"{key} {ref[0]}.{ref[1]} = {name}", raw))
    # Object stores, field by field: every (field, value) once, spread over the callbacks reading it.
    for ref in [r for r, v in benign.items() if isinstance(v, dict)]:
        readers = [(k, cb) for k, cb in _callbacks(app).items() if ref in _refs(cb)]
        cases = itertools.product(benign[ref], HOSTILE_FIELD.items())
        for (key, cb), (field, (name, token)) in zip(itertools.cycle(readers), cases):
            refs = _refs(cb)
            store = {**benign[ref], field: HOLE}
            values = [store if r == ref else _value(benign, r) for r in refs]
            raw = json.dumps(_envelope(key, cb, values)).replace(f'"{HOLE}"', token)
            out.append((f"{key} {ref[0]}.{ref[1]}[{field}] = {name}", raw))
    return out


def _broken_envelopes(app, benign) -> list[tuple[str, str]]:
    """(label, raw body) of envelopes Dash's own dispatch fails on, before any callback runs."""
    generic = {
        "empty body": "",
        "whitespace": "   ",
        "{}": "{}",
        "[]": "[]",
        "null": "null",
        "number": "1",
        "string": '"x"',
        "truncated": '{"output": ',
        "1,000 deep": DEEP_LIST,
        "1,000 deep object": DEEP_DICT,
        "NaN": "NaN",
        "output a number": '{"output": 1, "inputs": []}',
        "output a list": '{"output": ["shell-lang.data"], "inputs": []}',
        "unknown output": '{"output": "nothing.children", "outputs": {"id": "nothing", "property": "children"}, "inputs": []}',
        "huge output": json.dumps({"output": "x" * 200_000}),
    }
    out = list(generic.items())
    clientside = [k for k, cb in app.callback_map.items() if "callback" not in cb]
    out += [(f"clientside {k}", json.dumps({"output": k, "outputs": {}, "inputs": []})) for k in clientside]
    for key, cb in _callbacks(app).items():
        body = _envelope(key, cb, [_value(benign, r) for r in _refs(cb)])
        first = body["inputs"][0]
        first = first[0] if isinstance(first, list) else first  # one of a pattern's components
        mutations: dict[str, dict[str, Any]] = {
            "no outputs": {k: v for k, v in body.items() if k != "outputs"},
            "no inputs": {k: v for k, v in body.items() if k != "inputs"},
            "outputs a string": {**body, "outputs": "x"},
            "outputs wrapped": {**body, "outputs": [body["outputs"]] if isinstance(body["outputs"], dict) else {}},
            "inputs an object": {**body, "inputs": {"a": 1}},
            "one input fewer": {**body, "inputs": body["inputs"][:-1]},
            "one input more": {**body, "inputs": [*body["inputs"], body["inputs"][0]]},
            "input without id": {**body, "inputs": [{"property": "x", "value": 1}, *body["inputs"][1:]]},
            "input id a number": {**body, "inputs": [{**first, "id": 5}, *body["inputs"][1:]]},
            "input of another component": {**body, "inputs": [{**first, "id": "x"}, *body["inputs"][1:]]},
            "inputs of null": {**body, "inputs": [None] * len(body["inputs"])},
            "changedPropIds a string": {**body, "changedPropIds": "x"},
            "changedPropIds unknown": {**body, "changedPropIds": ["shell-title.children"]},
            "extra state": {**body, "state": [*body.get("state", []), {"id": "x", "property": "y", "value": 1}]},
        }
        if "state" in body:
            mutations["no state"] = {k: v for k, v in body.items() if k != "state"}
            mutations["state an object"] = {**body, "state": {}}
        out += [(f"{key}: {name}", json.dumps(b)) for name, b in mutations.items()]
    return out


def _normal_request(app, benign) -> str:
    cb = app.callback_map["shell-lang.data"]
    return json.dumps(_envelope("shell-lang.data", cb, [1, "vi"]))


def _post(client, raw: str | bytes, content_type: str = "application/json"):
    return client.post(URL, data=raw, content_type=content_type)


def test_every_callback_checks_every_argument(app) -> None:
    unchecked = {
        key: (len(getattr(cb["callback"], "__validators__", ())), len(_refs(cb)))
        for key, cb in _callbacks(app).items()
        if len(getattr(cb["callback"], "__validators__", ())) != len(_refs(cb))
    }
    assert unchecked == {}, "wrap each callback in ioc_app.inputs.checked(...), one validator per input and state"
    assert len(_callbacks(app)) >= 20


def test_every_callback_answers_a_normal_request(app, benign) -> None:
    client = _client(app)
    statuses = {}
    for key, cb in _callbacks(app).items():
        resp = _post(client, json.dumps(_envelope(key, cb, [_value(benign, r) for r in _refs(cb)])))
        statuses[key] = resp.status_code
    assert {k: s for k, s in statuses.items() if s not in (200, 204)} == {}


def test_hostile_requests_get_4xx_with_one_log_line_never_a_500(app, benign, caplog) -> None:
    client = _client(app)
    cases = _hostile_bodies(app, benign) + _broken_envelopes(app, benign)
    cases += [
        ("not JSON", "output=x"),
        ("not UTF-8", b"\xff\xfe{}"),
    ]
    statuses: collections.Counter[int] = collections.Counter()
    failures = []
    caplog.set_level(logging.INFO)
    for label, raw in cases:
        caplog.clear()
        resp = _post(client, raw, "text/plain" if label == "not JSON" else "application/json")
        statuses[resp.status_code] += 1
        records = [r for r in caplog.records if r.levelno >= logging.WARNING]
        if resp.status_code >= 500 or resp.status_code not in (200, 204, 400):
            failures.append(f"{resp.status_code} {label}")
        elif resp.status_code == 400:
            body = resp.get_json()
            if not (isinstance(body, dict) and body.get("status") == 400 and isinstance(body.get("error"), str)):
                failures.append(f"400 without a JSON error: {label}")
            if len(records) != 1 or records[0].exc_info or "\n" in records[0].getMessage():
                failures.append(f"400 logged as {[r.getMessage()[:80] for r in records]}: {label}")
        elif records:
            failures.append(f"{resp.status_code} logged {[r.getMessage()[:80] for r in records]}: {label}")
    assert failures == [], f"{len(failures)} of {len(cases)}: {failures[:20]}"
    assert statuses[400] > 0.8 * len(cases)
    print(f"\n{len(cases)} hostile requests: {dict(sorted(statuses.items()))}")

    # The server still answers a normal request.
    resp = _post(client, _normal_request(app, benign))
    assert resp.status_code == 200 and resp.get_json()["response"]["shell-lang"]["data"] == "en"


def test_other_methods_and_big_bodies_are_refused_with_json(app, benign) -> None:
    client = _client(app)
    assert client.put(URL).status_code == 405 and client.put(URL).get_json()["status"] == 405
    big = json.dumps({"output": "x", "padding": "x" * (2 * 1024 * 1024)})
    resp = _post(client, big)
    assert resp.status_code == 413 and resp.get_json()["status"] == 413
    assert _post(client, _normal_request(app, benign)).status_code == 200
