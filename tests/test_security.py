"""Hardened endpoints: headers on every response, body limits, strict dates, answers without traces, secret keys."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from ioc_app import create_app, inputs, security
from ioc_app import settings as settings_module
from ioc_app.settings import Settings, SettingsError, secret_key_for
from tests.conftest import TEST_SECRET_KEY, database_url, new_store, signed_in_client

ROOT = Path(__file__).resolve().parent.parent
RENDERER_HASH = (
    "'sha256-" + base64.b64encode(hashlib.sha256(b"var renderer = new DashRenderer();").digest()).decode() + "'"
)


_CLIENTS: dict[int, Any] = {}


def _client(app: Any) -> Any:
    """One client per app, signed in once (sign-ins are rate-limited per account)."""
    if id(app) not in _CLIENTS:
        _CLIENTS[id(app)] = signed_in_client(app)
    return _CLIENTS[id(app)]


@pytest.fixture(scope="module")
def app(small_demo: Settings):
    return create_app(small_demo)


def _lang_toggle(lang: str = "vi") -> str:
    return json.dumps(
        {
            "output": "shell-lang.data",
            "outputs": {"id": "shell-lang", "property": "data"},
            "inputs": [{"id": "shell-lang-toggle", "property": "n_clicks", "value": 1}],
            "state": [{"id": "shell-lang", "property": "data", "value": lang}],
            "changedPropIds": ["shell-lang-toggle.n_clicks"],
        }
    )


def _same_dates(app, snap) -> str:
    """The map's date slider told of the snapshot it already shows: nothing to do (PreventUpdate, 204)."""
    key = "..map-date.max...map-date.marks...map-date.value.."
    last = len(snap.period_ends) - 1
    return json.dumps(
        {
            "output": key,
            "outputs": [{"id": "map-date", "property": p} for p in ("max", "marks", "value")],
            "inputs": [{"id": "shell-snapshot", "property": "data", "value": None}],
            "state": [
                {"id": "map-date", "property": "value", "value": last},
                {"id": "map-date", "property": "max", "value": last},
                {"id": "shell-lang", "property": "data", "value": "vi"},
            ],
            "changedPropIds": ["shell-snapshot.data"],
        }
    )


# --- headers ---------------------------------------------------------------------------------------


def test_every_kind_of_response_carries_the_security_headers(app, snap) -> None:
    client = _client(app)
    index = client.get("/").get_data(as_text=True)
    script = index.split('src="/_dash-component-suites/')[1].split('"')[0]
    responses = {
        "page": client.get("/scorecard"),
        "layout": client.get("/_dash-layout"),
        "callback": client.post("/_dash-update-component", data=_lang_toggle(), content_type="application/json"),
        "callback 204": client.post(
            "/_dash-update-component", data=_same_dates(app, snap), content_type="application/json"
        ),
        "callback 400": client.post("/_dash-update-component", data="{}", content_type="application/json"),
        "api": client.get("/api/v1/indicators/T01"),
        "api 400": client.get("/api/v1/indicators/T01?as_of=20240101"),
        "api 404": client.get("/api/v1/nothing"),
        "geo": client.get("/api/v1/geo/provinces?set=34"),
        "health": client.get("/healthz"),
        "asset": client.get("/assets/style.css"),
        "component suite": client.get("/_dash-component-suites/" + script),
        "405": client.put("/api/v1/indicators"),
        "413": client.post("/", data=b"x" * (app.server.config["MAX_CONTENT_LENGTH"] + 1)),
    }
    statuses = {name: r.status_code for name, r in responses.items()}
    assert statuses == {
        "page": 200,
        "layout": 200,
        "callback": 200,
        "callback 204": 204,
        "callback 400": 400,
        "api": 200,
        "api 400": 400,
        "api 404": 404,
        "geo": 200,
        "health": 200,
        "asset": 200,
        "component suite": 200,
        "405": 405,
        "413": 413,
    }
    for name, resp in responses.items():
        assert resp.headers["X-Content-Type-Options"] == "nosniff", name
        assert resp.headers["Referrer-Policy"] == "same-origin", name
        assert resp.headers["X-Frame-Options"] == "DENY", name
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"], name
        assert "Server" not in resp.headers, name


def test_the_policy_allows_dashs_inline_script_by_hash_and_no_other_inline_script(app) -> None:
    policy = dict(
        [*d.split(" ", 1), ""][:2] for d in _client(app).get("/").headers["Content-Security-Policy"].split("; ")
    )
    # Dash's own inline scripts (its renderer, and clientside callbacks' bodies), each by its hash.
    sources = policy["script-src"].split()
    assert sources[0] == "'self'" and RENDERER_HASH in sources
    assert set(sources[1:]) == set(app.csp_hashes())
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["img-src"] == "'self' data: blob:"  # offline: no tile host


@pytest.mark.parametrize(
    "tile_url,source",
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.vn:8443/osm/{z}/{x}/{y}.png", "https://tiles.example.vn:8443"),
        ("/tiles/{z}/{x}/{y}.png", None),  # on this server: 'self'
        ("https://tiles.{region}.example.vn/{z}/{x}/{y}.png", None),
        ("ftp://tiles.example.vn/{z}.png", None),
        (None, None),
    ],
)
def test_a_configured_tile_host_is_allowed_for_images(tile_url: str | None, source: str | None) -> None:
    assert security.tile_source(tile_url) == source
    policy = security.content_security_policy([], tile_url)
    assert (source in policy) if source else ("img-src 'self' data: blob:;" in policy)


def test_the_development_server_names_no_software(small_demo: Settings) -> None:
    server = make_server(
        "127.0.0.1", 0, create_app(small_demo).server, request_handler=security.QuietRequestHandler, threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        resp = requests.get(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10)
    finally:
        server.shutdown()
    assert resp.headers["Server"] == security.SERVER_HEADER == "vet-ioc"
    assert "Werkzeug" not in str(resp.headers) and "Python" not in str(resp.headers)


# --- limits and dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/_dash-update-component", "/api/v1/indicators", "/healthz"])
def test_a_body_over_the_limit_is_413_json_wherever_it_is_sent(app, path: str, caplog) -> None:
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    assert limit == Settings().max_request_bytes == 1024 * 1024
    caplog.set_level(logging.WARNING)
    resp = _client(app).post(path, data=b"x" * (limit + 1), content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json() == {"error": f"the request body is larger than {limit:,} bytes", "status": 413}
    assert len(caplog.records) == 1 and not caplog.records[0].exc_info


def test_the_limit_is_a_setting(small_demo: Settings) -> None:
    import dataclasses

    app = create_app(dataclasses.replace(small_demo, max_request_bytes=4096))
    client = _client(app)
    assert (
        client.post("/_dash-update-component", data=_lang_toggle(), content_type="application/json").status_code == 200
    )
    assert client.post("/", data=b"x" * 4097).status_code == 413
    assert Settings.from_env({"IOC_MAX_REQUEST_BYTES": "2048"}).max_request_bytes == 2048
    with pytest.raises(SettingsError, match="IOC_MAX_REQUEST_BYTES"):
        Settings.from_env({"IOC_MAX_REQUEST_BYTES": "10"})


@pytest.mark.parametrize(
    "raw", ["20240101", "2024-W01-1", "2024-1-1", "24-01-01", "2024-01-01T00:00", "２０２４-01-01"]
)
def test_the_api_takes_dates_as_yyyy_mm_dd_only(app, raw: str) -> None:
    resp = _client(app).get(f"/api/v1/indicators/T01?as_of={raw}")
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith("as_of must be a date YYYY-MM-DD, got")


def test_strict_dates() -> None:
    assert str(inputs.iso_date("2024-02-29")) == "2024-02-29"
    with pytest.raises(inputs.InputError, match="no such day"):
        inputs.iso_date("2023-02-29")
    for raw in ("20240101", "2024-W01-1", " 2024-01-01", "2024-01-01\n", None, 20240101):
        with pytest.raises(inputs.InputError, match="YYYY-MM-DD"):
            inputs.iso_date(raw)


# --- answers -----------------------------------------------------------------------------------------


def test_a_bug_in_a_callback_is_logged_with_its_trace_and_answered_generically(app, monkeypatch, caplog) -> None:
    import callbacks.home

    def broken(*_args):
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(callbacks.home, "overview_export", broken)
    body = json.dumps(
        {
            "output": "home-download.data",
            "outputs": {"id": "home-download", "property": "data"},
            "inputs": [
                {"id": "home-export-csv", "property": "n_clicks", "value": 1},
                {"id": "home-export-xlsx", "property": "n_clicks", "value": None},
            ],
            "state": [
                {"id": "shell-selection", "property": "data", "value": None},
                {"id": "shell-lang", "property": "data", "value": "vi"},
            ],
            "changedPropIds": ["home-export-csv.n_clicks"],
        }
    )
    caplog.set_level(logging.WARNING)
    resp = _client(app).post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code == 500
    assert resp.get_json() == {"error": "An unexpected error occurred; the operators have been told.", "status": 500}
    assert "secret detail" not in resp.get_data(as_text=True) and "Traceback" not in resp.get_data(as_text=True)
    (record,) = caplog.records
    assert record.exc_info and "secret detail of a bug" in caplog.text and "Traceback" in caplog.text


def test_a_bug_behind_a_page_gets_a_generic_page(small_demo: Settings, caplog) -> None:
    app = create_app(small_demo)

    @app.server.get("/boom")
    def boom():
        raise KeyError("secret detail")

    caplog.set_level(logging.WARNING)
    resp = _client(app).get("/boom")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 500 and resp.mimetype == "text/html"
    assert "bộ phận vận hành đã được thông báo" in text and "the operators have been told" in text
    assert "secret detail" not in text and "Traceback" not in text
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "Traceback" in caplog.text


def test_an_input_a_page_never_sends_is_400_with_one_line(app, caplog) -> None:
    caplog.set_level(logging.INFO)
    resp = _client(app).post(
        "/_dash-update-component", data=_lang_toggle("fr\nFAKE LOG LINE"), content_type="application/json"
    )
    assert resp.status_code == 400
    assert resp.get_json() == {
        "error": "language: expected vi, en, got 'fr\\nFAKE LOG LINE'",
        "status": 400,
    }
    # One warning, besides the request's own log line (ioc_app.metrics).
    (record,) = [r for r in caplog.records if r.name != "ioc.request"]
    assert record.levelno == logging.WARNING and not record.exc_info
    assert "\n" not in record.getMessage() and "'shell-lang.data'" in record.getMessage()
    (line,) = [r for r in caplog.records if r.name == "ioc.request"]
    assert line.getMessage() == "POST /_dash-update-component 400"


# --- the secret key ----------------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    production = Settings(vet_database_url=database_url(tmp_path, "v"), ioc_database_url=database_url(tmp_path, "i"))
    with pytest.raises(SettingsError, match="IOC_SECRET_KEY is not set"):
        secret_key_for(production, tmp_path / "key")
    assert not (tmp_path / "key").exists()
    assert secret_key_for(Settings(secret_key="given-" + "x" * 40), tmp_path / "key") == "given-" + "x" * 40


def test_the_embedded_demo_and_debug_mode_keep_a_generated_key(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings_module, "INSTANCE_DIR", tmp_path / "instance")
    demo = Settings()  # the quick start: both databases the default SQLite files under instance/
    assert demo.embedded and not demo.debug and demo.secret_key is None
    first = secret_key_for(demo)
    key_file = tmp_path / "instance" / "secret_key"
    assert len(first) >= 32 and key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert secret_key_for(demo) == first  # kept: sessions survive a restart
    key_file.chmod(0o644)
    assert secret_key_for(demo) == first and key_file.stat().st_mode & 0o777 == 0o600
    debug = Settings(vet_database_url="postgresql+psycopg://u@db/vet", ioc_database_url="sqlite:///x", debug=True)
    assert secret_key_for(debug) == first
    new_store(demo.ioc_database_url)
    assert create_app(demo).server.secret_key == first


def test_the_app_refuses_in_one_line_with_exit_2(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VET_DATABASE_URL": database_url(tmp_path, "v"),
        "IOC_DATABASE_URL": database_url(tmp_path, "i"),
    }
    env.pop("IOC_SECRET_KEY", None)
    env.pop("SECRET_KEY", None)
    for command in ([sys.executable, "app.py"], [sys.executable, "-m", "ioc_app", "serve"]):
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            "error: IOC_SECRET_KEY is not set: production needs a secret key, a long random value such as the "
            "output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        ]


def test_gunicorn_refuses_without_a_key_and_names_no_software(tmp_path: Path, small_demo: Settings) -> None:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {
        **os.environ,
        "VET_DATABASE_URL": small_demo.vet_database_url,
        "IOC_DATABASE_URL": small_demo.ioc_database_url,
    }
    env.pop("IOC_SECRET_KEY", None)
    env.pop("SECRET_KEY", None)
    refused = subprocess.run(
        [str(gunicorn), "-w", "1", "-b", "127.0.0.1:0", "app:server"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert [line for line in refused.stderr.splitlines() if line.startswith("error:")] == [
        line for line in refused.stderr.splitlines() if "IOC_SECRET_KEY" in line
    ]
    assert "Traceback" not in refused.stderr

    env["IOC_SECRET_KEY"] = TEST_SECRET_KEY
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "app:server"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        resp = None
        for _ in range(120):
            try:
                resp = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
                break
            except requests.ConnectionError:  # not listening yet
                threading.Event().wait(0.5)
        assert resp is not None and resp.status_code == 200
        assert resp.headers["Server"] == "vet-ioc"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
