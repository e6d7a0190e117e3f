"""Compression of responses (Flask-Compress), with the framework's files compressed once per worker.

Every page loads Dash's framework files (``/_dash-component-suites/...``: React, the renderer, the
component libraries; about 1.6 MB before compression). Compressed anew on each request they cost the
worker ~150 ms of CPU per page load, on a machine whose browsers and other requests want the same
cores. They never change while the worker runs, so their compressed bytes are kept, per algorithm
and file: Flask-Compress's own cache (``COMPRESS_CACHE_BACKEND``/``COMPRESS_CACHE_KEY``), which this
module limits to those files. Every other response (pages, callbacks, the API) is compressed as
before, per request; the keys are the files Dash agrees to serve (it refuses any other path), so the
cache cannot grow past them.
"""

from __future__ import annotations

from dash.fingerprint import check_fingerprint
from flask import Flask, Request
from flask_compress import Compress

FRAMEWORK_PREFIX = "/_dash-component-suites/"
NOT_KEPT = ""  # the key of every other response: the cache neither answers nor keeps it


def framework_file_key(request: Request) -> str:
    """The file a framework request is for (its version fingerprint dropped); ``NOT_KEPT`` otherwise."""
    if request.method != "GET" or not request.path.startswith(FRAMEWORK_PREFIX):
        return NOT_KEPT
    return str(check_fingerprint(request.path)[0])  # type: ignore[no-untyped-call]  # Dash leaves it unannotated


class FrameworkFileCache:
    """Flask-Compress's cache backend: keeps the compressed framework files, nothing else."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    @staticmethod
    def _framework(key: str) -> bool:
        # Flask-Compress asks with "<algorithm>;<framework_file_key>".
        return key.partition(";")[2] != NOT_KEPT

    def get(self, key: str) -> bytes | None:
        return self.kept.get(key) if self._framework(key) else None

    def set(self, key: str, value: bytes) -> None:
        if self._framework(key):
            self.kept[key] = value


def install(server: Flask) -> Compress:
    """Compress ``server``'s responses (gzip/brotli: provincial officials are often on slow links)."""
    server.config["COMPRESS_CACHE_BACKEND"] = FrameworkFileCache
    server.config["COMPRESS_CACHE_KEY"] = framework_file_key
    compress = Compress(server)
    server.extensions["compress"] = compress  # where its cache can be found
    return compress
