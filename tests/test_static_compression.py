"""The framework's files are compressed once per worker; every other response as before, per request."""

from __future__ import annotations

import json
import re
from typing import Any

import brotli
import pytest

from ioc_app import create_app
from ioc_app.settings import Settings
from ioc_app.static_compression import FRAMEWORK_PREFIX, FrameworkFileCache
from tests.conftest import signed_in_client


@pytest.fixture(scope="module")
def app(small_demo: Settings):
    return create_app(small_demo)


def _kept(app: Any) -> dict[str, bytes]:
    cache = app.server.extensions["compress"].cache
    assert isinstance(cache, FrameworkFileCache)
    return cache.kept


def _framework_files(app: Any) -> list[str]:
    page = app.server.test_client().get("/login", headers={"Accept-Encoding": "identity"})
    index = signed_in_client(app).get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert page.status_code == 200
    return sorted(set(re.findall(r'src="(' + FRAMEWORK_PREFIX + r'[^"]+)"', index)))


def test_a_framework_file_is_compressed_once_then_served_from_the_kept_bytes(app) -> None:
    client = app.server.test_client()  # the framework's files are public: no sign-in needed
    files = _framework_files(app)
    assert len(files) >= 5, files
    path = next(f for f in files if "dash_renderer" in f)
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data) == plain.data
    keys = [k for k in _kept(app) if k.startswith("br;") and "dash_renderer" in k]
    assert len(keys) == 1, keys
    # What the next request gets is what was kept, whatever it holds: nothing is compressed anew.
    marker = brotli.compress(b"kept " + plain.data)
    _kept(app)[keys[0]] = marker
    try:
        again = client.get(path, headers={"Accept-Encoding": "br"})
    finally:
        _kept(app)[keys[0]] = first.data
    assert again.data == marker
    assert again.headers["Content-Length"] == str(len(marker))


def test_one_kept_copy_per_file_and_algorithm_whatever_the_version_in_its_name(app) -> None:
    client = app.server.test_client()
    path = next(f for f in _framework_files(app) if "polyfill" in f)
    unversioned = re.sub(r"\.v[\w]+m\d+", "", path)
    assert unversioned != path
    before = len(_kept(app))
    for url in (path, unversioned, path):
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            assert response.status_code in (200, 304)
    kept = [k for k in _kept(app) if "polyfill" in k]
    assert sorted(k.split(";")[0] for k in kept) == ["br", "gzip"], kept
    assert len(_kept(app)) - before <= 2


def test_pages_callbacks_and_unknown_files_are_not_kept(app) -> None:
    client = signed_in_client(app)
    before = dict(_kept(app))
    assert client.get("/", headers={"Accept-Encoding": "br"}).status_code == 200
    toggle = {
        "output": "shell-lang.data",
        "outputs": {"id": "shell-lang", "property": "data"},
        "inputs": [{"id": "shell-lang-toggle", "property": "n_clicks", "value": 1}],
        "state": [{"id": "shell-lang", "property": "data", "value": "vi"}],
        "changedPropIds": ["shell-lang-toggle.n_clicks"],
    }
    answer = client.post(
        "/_dash-update-component",
        data=json.dumps(toggle),
        headers={"Content-Type": "application/json", "Accept-Encoding": "br"},
    )
    assert answer.status_code == 200
    missing = client.get(FRAMEWORK_PREFIX + "dash/no-such-file.js", headers={"Accept-Encoding": "br"})
    assert missing.status_code >= 400
    assert _kept(app) == before
