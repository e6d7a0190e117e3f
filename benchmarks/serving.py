"""The app served as in production (gunicorn with gunicorn.conf.py) on a copy of the national demo, and
clients that replay Dash callback requests over HTTP: one at a time, or 50 at once (closed loop, each
sending its next request when the last is answered) from a process of their own, at a lower priority:
in use they are other machines, here they share the server's cores.

Callback requests are built from the app's own list of callbacks (``/_dash-dependencies``) with the
values a browser sends, so they follow the callbacks as they change. Clients sign in as a wall
display with a token made for the run (``Authorization: Bearer``), revoked at the end.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CALLBACK_PATH = "/_dash-update-component"
PROVINCE = "79"  # Hồ Chí Minh City: the largest province page
CLIENT_NICENESS = 10


@dataclass(frozen=True)
class Target:
    """Where clients send requests, and the token they sign in with (what a client process needs)."""

    port: int
    token: str


@dataclass
class Server:
    base: str
    port: int
    proc: subprocess.Popen[bytes]
    token: str
    token_name: str
    log: Path
    callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshot_state: dict[str, Any] | None = None
    patterns: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # ``page_patterns``

    @property
    def target(self) -> Target:
        return Target(self.port, self.token)

    def workers(self) -> list[int]:
        """The process ids of gunicorn's workers (the master's children)."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VET_DATABASE_URL": f"sqlite:///{folder / 'vet.sqlite3'}",
        "IOC_DATABASE_URL": f"sqlite:///{folder / 'ioc.sqlite3'}",
        "IOC_SECRET_KEY": secrets.token_urlsafe(48),
        "IOC_AUTO_INIT_DEMO": "false",
        "PYTHONPATH": str(ROOT),
    }


def display_token(folder: Path, name: str) -> str:
    from data_sources.engine import make_engine
    from ioc_app import accounts
    from ioc_app.audit import CLI

    store = make_engine(f"sqlite:///{folder / 'ioc.sqlite3'}")
    try:
        return accounts.create_token(store, name, "display", None, CLI)[1]
    finally:
        store.dispose()


@contextmanager
def served(folder: Path, workers: int | None = None, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """gunicorn serving the demo in ``folder`` on a free port, until the block ends."""
    port = free_port()
    name = f"benchmark {dt.datetime.now():%Y-%m-%d %H.%M.%S.%f}"
    token = display_token(folder, name)
    env = {**env_for(folder), "GUNICORN_BIND": f"127.0.0.1:{port}", **(extra_env or {})}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    log = folder / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "app:server"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", port, proc, token, name, log)
    try:
        _wait_ready(server)
        server.callbacks = {cb["output"]: cb for cb in json.loads(get(server.target, "/_dash-dependencies")[1])}
        server.snapshot_state = poll_state(server)
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        _revoke(folder, name)


def _revoke(folder: Path, name: str) -> None:
    from data_sources.engine import make_engine
    from ioc_app import accounts
    from ioc_app.audit import CLI

    store = make_engine(f"sqlite:///{folder / 'ioc.sqlite3'}")
    try:
        accounts.revoke_token(store, name, CLI)
    finally:
        store.dispose()


def _wait_ready(server: Server, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: see {server.log}")
        try:
            status, _ = get(server.target, "/healthz")
            if status in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s: see {server.log}")


def _connection(server: Target) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)


def get(server: Target, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn or _connection(server)
    own.request("GET", path, headers={"Authorization": f"Bearer {server.token}"})
    resp = own.getresponse()
    body = resp.read()
    if conn is None:
        own.close()
    return resp.status, body


def post(server: Target, body: bytes, conn: http.client.HTTPConnection) -> tuple[int, int]:
    """One callback request: its status and the bytes of its answer."""
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    conn.request("POST", CALLBACK_PATH, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, len(resp.read())


# --- callback requests ------------------------------------------------------------------------------------


def values(path: str, state: dict[str, Any] | None, lang: str = "vi") -> dict[tuple[str, str], Any]:
    """What a browser holds on ``path``: each (component, property) a callback may read."""
    selection = {"level": "34", "province": None, "type": None, "ownership": None}
    return {
        ("shell-lang", "data"): lang,
        ("shell-url", "pathname"): path,
        ("shell-url", "search"): "",
        ("shell-selection", "data"): selection,
        ("shell-snapshot", "data"): state,
        ("shell-interval", "n_intervals"): 1,
        ("shell-lang-toggle", "n_clicks"): 1,
        ("target-code", "data"): "T06",
        ("prov-unit", "data"): {"level": "34", "code": PROVINCE},
        ("prov-focus", "value"): "T06",
        ("map-indicator", "value"): "T06",
        ("map-date", "value"): 3,
        ("map-date", "max"): 10,
        ("map-state", "data"): {"snapshot": (state or {}).get("id"), "stale": False, "indicator": "T01", "date": 3},
        # The overview shows a province's panels: the nation's selection is a filter changing them.
        ("home-shown", "data"): {
            "snapshot": (state or {}).get("id"),
            "stale": bool((state or {}).get("stale")),
            "drawn": True,
            **{**selection, "province": PROVINCE},
        },
    }


def envelope(server: Server, key: str, held: dict[tuple[str, str], Any]) -> bytes:
    """The request body a browser sends for the callback ``key`` (as Dash's renderer builds it)."""
    cb = server.callbacks[key]
    multi = key.startswith("..")
    parts = key[2:-2].split("...") if multi else [key]
    outputs: list[Any] = []
    for i, _, p in (part.rpartition(".") for part in parts):
        prop = p.split("@")[0]
        if i.startswith("{"):  # a pattern (ALL): the browser names each component of the page it matches
            path = held.get(("shell-url", "pathname")) or "/"
            found = page_patterns(server, path).get(json.loads(i)["type"], [])
            outputs.append([{"id": c, "property": prop} for c in found])
        else:
            outputs.append({"id": i, "property": prop})

    def items(refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": r["id"], "property": r["property"], "value": held.get((r["id"], r["property"]))} for r in refs]

    inputs = items(cb["inputs"])
    body: dict[str, Any] = {
        "output": key,
        "outputs": outputs if multi else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": items(cb["state"]),
    }
    return json.dumps(body).encode()


def page_patterns(server: Server, path: str) -> dict[str, list[dict[str, Any]]]:
    """The components of ``path``'s first paint whose id is a pattern (a dict), by its ``type``, in the
    page's order: what an ALL output of a browser's request names (read once per path)."""
    if path not in server.patterns:
        body = envelope(server, key_writing(server, "shell-content"), values(path, server.snapshot_state))
        conn = _connection(server.target)
        headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
        conn.request("POST", CALLBACK_PATH, body=body, headers=headers)
        page = json.loads(conn.getresponse().read() or b"{}")
        conn.close()
        found: dict[str, list[dict[str, Any]]] = {}

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ident = node.get("props", {}).get("id") if "props" in node and "type" in node else None
                if isinstance(ident, dict) and "type" in ident:
                    found.setdefault(str(ident["type"]), []).append(ident)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(page.get("response", {}))
        server.patterns[path] = found
    return server.patterns[path]


def key_writing(server: Server, component: str) -> str:
    """The key of the callback that writes ``component`` (the first found)."""
    for key in server.callbacks:
        if component in _ids(key):
            return key
    raise KeyError(f"no callback writes {component}")


def _ids(key: str) -> set[str]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return {part.rpartition(".")[0] for part in parts}


def poll_state(server: Server) -> dict[str, Any] | None:
    """The snapshot state the browser keeps, as the shell's poll answers it."""
    key = key_writing(server, "shell-snapshot")
    conn = _connection(server.target)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    conn.request("POST", CALLBACK_PATH, body=envelope(server, key, values("/", None)), headers=headers)
    resp = conn.getresponse()
    answer = json.loads(resp.read() or b"{}")
    conn.close()
    found = answer.get("response", {}).get("shell-snapshot", {}).get("data")
    return found if isinstance(found, dict) else None


def page_load(server: Server, path: str, prefixes: tuple[str, ...]) -> list[bytes]:
    """The callback requests a browser sends on opening ``path``: the page, then its panels (the callbacks
    that write components named with one of ``prefixes`` and fire when the snapshot state arrives)."""
    held = values(path, server.snapshot_state)
    bodies = [envelope(server, key_writing(server, "shell-content"), held)]
    for key, cb in server.callbacks.items():
        fires = any(i["id"] == "shell-snapshot" for i in cb["inputs"])
        if fires and not cb.get("clientside_function") and any(i.startswith(prefixes) for i in _ids(key)):
            bodies.append(envelope(server, key, held))
    return bodies


# --- clients -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request a client sends: a callback body, or a GET of ``path`` when ``body`` is None."""

    name: str
    body: bytes | None = None
    path: str = ""


def send(server: Target, req: Request, conn: http.client.HTTPConnection) -> tuple[float, int, int]:
    """Milliseconds, status and bytes of one request."""
    t0 = time.perf_counter()
    if req.body is None:
        status, data = get(server, req.path, conn)
        size = len(data)
    else:
        status, size = post(server, req.body, conn)
    return (time.perf_counter() - t0) * 1000, status, size


def p95(ms: list[float]) -> float:
    return sorted(ms)[max(0, round(0.95 * len(ms)) - 1)] if ms else float("nan")


def one_client(server: Target, requests: list[Request], rounds: int) -> dict[str, dict[str, float]]:
    """Each request ``rounds`` times, one at a time: p50/p95 milliseconds, errors and bytes per request name."""
    times: dict[str, list[float]] = {r.name: [] for r in requests}
    errors: dict[str, int] = dict.fromkeys(times, 0)
    sizes: dict[str, int] = dict.fromkeys(times, 0)
    conn = _connection(server)
    for _ in range(rounds):
        for req in requests:
            ms, status, size = send(server, req, conn)
            times[req.name].append(ms)
            sizes[req.name] = size
            errors[req.name] += status >= 400
    conn.close()
    return {n: _summary(times[n], errors[n], sizes[n]) for n in times}


def _summary(ms: list[float], errors: int, size: int) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": statistics.median(ms) if ms else float("nan"),
        "p95_ms": p95(ms),
        "errors": errors,
        "bytes": size,
    }


def _closed_loop(
    server: Target, sequence: list[Request], stop: threading.Event, out: list[tuple[str, float, int]]
) -> None:
    conn = _connection(server)
    i = 0
    while not stop.is_set():
        req = sequence[i % len(sequence)]
        try:
            ms, status, _size = send(server, req, conn)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = _connection(server)
            out.append((req.name, float("nan"), 599))
            continue
        out.append((req.name, ms, status))
        i += 1
    conn.close()


def _load_process(
    server: Target, sequence: list[Request], clients: int, seconds: float, queue: multiprocessing.Queue[Any]
) -> None:
    # In use the clients are other machines: here they share the server's cores, so they yield to it.
    os.nice(CLIENT_NICENESS)
    stop = threading.Event()
    results: list[list[tuple[str, float, int]]] = [[] for _ in range(clients)]
    # Each client starts at another point of the sequence, as people arriving at different times would.
    turns = [sequence[i % len(sequence) :] + sequence[: i % len(sequence)] for i in range(clients)]
    threads = [threading.Thread(target=_closed_loop, args=(server, turns[i], stop, results[i])) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    queue.put([row for rows in results for row in rows])


@contextmanager
def clients(server: Target, sequence: list[Request], count: int, seconds: float) -> Iterator[list[Any]]:
    """``count`` closed-loop clients cycling through ``sequence`` for ``seconds``, in a process of their own
    (so their own work does not slow the measuring client); the list given fills with (name, ms, status) at
    the end."""
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[Any] = ctx.Queue()
    proc = ctx.Process(target=_load_process, args=(server, sequence, count, seconds, queue))
    proc.start()
    found: list[Any] = []
    try:
        yield found
    finally:
        found.extend(queue.get(timeout=seconds + 300))
        proc.join(timeout=60)


def under_load(
    server: Target, heavy: list[Request], probes: list[Request], count: int, seconds: float
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """The probes sent one at a time while ``count`` clients load ``heavy``: the probes' and the heavy requests'
    p50/p95 (the first seconds of the load, while the clients start, are left out)."""
    warm = 2.0
    times: dict[str, list[float]] = {r.name: [] for r in probes}
    errors: dict[str, int] = dict.fromkeys(times, 0)
    with clients(server, heavy, count, seconds) as loaded:
        time.sleep(warm)
        conn = _connection(server)
        end = time.monotonic() + seconds - warm - 1.0
        while time.monotonic() < end:
            for req in probes:
                ms, status, _ = send(server, req, conn)
                times[req.name].append(ms)
                errors[req.name] += status >= 400
            time.sleep(0.05)
        conn.close()
    probe = {n: _summary(times[n], errors[n], 0) for n in times}
    by_name: dict[str, list[float]] = {}
    heavy_errors: dict[str, int] = {}
    for name, ms, status in loaded:
        by_name.setdefault(name, []).append(ms)
        heavy_errors[name] = heavy_errors.get(name, 0) + (status >= 400)
    load = {n: _summary([m for m in v if m == m], heavy_errors[n], 0) for n, v in by_name.items()}
    return probe, load


def cheap_requests(server: Server) -> list[Request]:
    """The language toggle, the snapshot poll and /healthz."""
    held = values("/", server.snapshot_state)
    return [
        Request("language toggle", envelope(server, key_writing(server, "shell-lang"), held)),
        Request("snapshot poll", envelope(server, key_writing(server, "shell-snapshot"), held)),
        Request("/healthz", None, "/healthz"),
    ]


def province_page(server: Server) -> list[Request]:
    """Opening /province/79: the page and its panels (the heaviest page of the dashboard)."""
    bodies = page_load(server, f"/province/{PROVINCE}", ("prov-",))
    return [Request(f"province page {i}", body) for i, body in enumerate(bodies)]
