"""Two lanes per web process, so cheap requests stay cheap while many people load heavy pages.

A heavy request (a page's figures, tables, exports, the JSON API) is CPU-bound Python: within one
process only one runs at a time anyway (the GIL), so running several at once adds no throughput
but makes every cheap request (the language toggle, the snapshot poll, /healthz, static files)
wait its turn behind all of them. Here heavy requests take a lane of ``HEAVY_AT_ONCE`` places
(waiting for one costs no CPU) and everything else goes straight through, on the threads of the
gthread workers (gunicorn.conf.py); heavy requests are answered in arrival order as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from dash import Dash
from flask import Flask, g, request

from ioc_app.security import callback_body

# Heavy requests computed at once per process: one keeps the CPU busy; more only contend for the GIL.
HEAVY_AT_ONCE = 1
CALLBACK_PATH = "/_dash-update-component"
HEAVY_PREFIXES = ("/api/",)


def output_ids(key: str) -> set[str]:
    """The component ids a Dash callback writes, from its key (``id.prop`` or ``..id.prop...id.prop..``)."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return {part.rsplit(".", 1)[0] for part in parts}


def register(app: Dash, light_ids: Iterable[str]) -> None:
    """Send every callback but those writing only ``light_ids`` (and the JSON API) through the heavy lane.

    Call it once every callback is registered: the light ones are found in the app's callback map.
    """
    light = set(light_ids)
    light_keys = frozenset(key for key in app.callback_map if output_ids(key) <= light)
    lane = threading.BoundedSemaphore(HEAVY_AT_ONCE)
    server: Flask = app.server

    def heavy() -> bool:
        if request.path == CALLBACK_PATH:
            body = callback_body()  # parsed once: Dash reads the same parsed body
            if body is None:  # too large, nested too deep, not an object: refused later, 4xx
                return False
            output = body.get("output")
            return not (isinstance(output, str) and output in light_keys)
        return request.path.startswith(HEAVY_PREFIXES)

    @server.before_request
    def enter_lane() -> None:
        if heavy():
            lane.acquire()
            g.heavy_lane = True

    @server.teardown_request
    def leave_lane(_exc: BaseException | None) -> None:
        if g.pop("heavy_lane", False):
            lane.release()
