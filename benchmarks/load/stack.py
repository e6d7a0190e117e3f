"""The production stack on this machine, for the load test: PostgreSQL holding the national demo (both
databases), Redis, and ``gunicorn app:server`` with gunicorn.conf.py, plus the accounts and tokens the
simulated people sign in with.

PostgreSQL is a throw-away server (tests/postgres_server.py: fsync off, in a temporary folder), or one
of yours (``--server URL``, a superuser URL), where ``--reuse`` keeps the demo databases between runs.
The demo is built with the command line as an operator would (``init-demo``, ``db upgrade``,
``refresh``). Accounts are made with ``ioc_app.accounts`` (what ``users add`` runs) in one process:
a command per account would take minutes for the few hundred a run needs.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data_sources import vet_db  # noqa: E402 - imported after the path set-up above
from data_sources.engine import make_engine  # noqa: E402
from geo import provinces as geo  # noqa: E402
from ioc_app import accounts  # noqa: E402
from ioc_app.audit import CLI  # noqa: E402
from tests.postgres_server import postgres_server  # noqa: E402

VET_DB, IOC_DB = "ioc_load_vet", "ioc_load_store"
PASSWORD = "Do-tai-2026-kiem-thu"  # every simulated person's: passes the account rules, not a user name
# Sign-ins from one address per minute, for the run only: every simulated person signs in from 127.0.0.1,
# where in use they come from as many addresses (the default, 20/minute, stays the production setting).
LOGIN_LIMIT_ADDRESS = "1000/minute"


@dataclass
class People:
    """Who signs in: province officials (user name, province), central users, wall and API tokens."""

    province: list[tuple[str, str]] = field(default_factory=list)
    central: list[str] = field(default_factory=list)
    walls: list[str] = field(default_factory=list)
    api: list[str] = field(default_factory=list)
    token_names: list[str] = field(default_factory=list)


@dataclass
class Stack:
    base: str
    port: int
    gunicorn: subprocess.Popen[bytes]
    log: Path
    vet_url: str
    ioc_url: str
    redis_url: str
    people: People

    def workers(self) -> list[int]:
        """gunicorn's workers (the master's children)."""
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(server_url: str, name: str, reuse: bool) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and not reuse:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not reuse:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def _cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ioc_app", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"`python -m ioc_app {' '.join(args)}` failed: {done.stderr.strip()[-800:]}")


def build_demo(server_url: str, reuse: bool, log: Callable[[str], None] = print) -> tuple[str, str]:
    """The national demo and its snapshot on the server (kept when ``reuse`` finds them): the two URLs."""
    vet_url = _database(server_url, VET_DB, reuse)
    ioc_url = _database(server_url, IOC_DB, reuse)
    env = {**os.environ, "VET_DATABASE_URL": vet_url, "IOC_DATABASE_URL": ioc_url, "IOC_LOG_FORMAT": "text"}
    _cli(env, "db", "upgrade")  # first: init-demo writes the demo's accounts into the store
    vet = make_engine(vet_url)
    try:
        built = vet_db.has_data(vet)
    finally:
        vet.dispose()
    if not built:
        log("building the national demo on PostgreSQL (a few minutes) ...")
        t0 = time.monotonic()
        _cli(env, "init-demo", "--scale", "national", "--quiet")
        log(f"  demo built in {time.monotonic() - t0:.0f} s")
    store = make_engine(ioc_url)
    try:
        with store.connect() as conn:
            has_snapshot = conn.execute(text("SELECT count(*) FROM refresh_run WHERE status = 'ok'")).scalar_one()
    finally:
        store.dispose()
    if not has_snapshot:
        log("computing the first snapshot ...")
        t0 = time.monotonic()
        _cli(env, "refresh")
        log(f"  snapshot in {time.monotonic() - t0:.0f} s")
    return vet_url, ioc_url


def make_people(ioc_url: str, province: int, central: int, walls: int, api: int) -> People:
    """Accounts (made once, kept for later runs) and tokens (made for this run, revoked after it)."""
    codes = sorted(geo.province_by_code())
    people = People()
    store = make_engine(ioc_url)
    try:
        existing = {u.username for u in accounts.users(store)}
        for i in range(province):
            code = codes[i % len(codes)]
            name = f"tinh.{code}.{i:03d}"
            if name not in existing:
                accounts.add_user(store, name, "province", code, PASSWORD, CLI)
            people.province.append((name, code))
        for i in range(central):
            name = f"trung-uong.{i:03d}"
            if name not in existing:
                accounts.add_user(store, name, "central", None, PASSWORD, CLI)
            people.central.append(name)
        stamp = f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
        for kind, count, into in (("display", walls, people.walls), ("api", api, people.api)):
            for i in range(count):
                name = f"load {kind} {stamp} {i:03d}"
                into.append(accounts.create_token(store, name, kind, None, CLI)[1])
                people.token_names.append(name)
    finally:
        store.dispose()
    return people


def revoke_tokens(ioc_url: str, names: list[str]) -> None:
    store = make_engine(ioc_url)
    try:
        for name in names:
            accounts.revoke_token(store, name, CLI)
    finally:
        store.dispose()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Debian's redis-server on a free loopback port, nothing written to disk; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: apt-get install -y --no-install-recommends redis-server")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with (folder / "redis.log").open("wb") as out:
        proc = subprocess.Popen([*args, "--dir", str(folder)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: see {folder / 'redis.log'}")
            time.sleep(0.2)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def gunicorn(
    folder: Path, vet_url: str, ioc_url: str, redis_url: str
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """``gunicorn app:server`` from the project folder (gunicorn.conf.py: one gthread worker per core)."""
    port = free_port()
    env = {
        **os.environ,
        "VET_DATABASE_URL": vet_url,
        "IOC_DATABASE_URL": ioc_url,
        "REDIS_URL": redis_url,
        "IOC_SECRET_KEY": secrets.token_urlsafe(48),
        "IOC_AUTO_INIT_DEMO": "false",
        "IOC_LOG_FORMAT": "json",
        "IOC_LOGIN_LIMIT_ADDRESS": LOGIN_LIMIT_ADDRESS,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "app:server"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in 180 s: see {log}")
            time.sleep(0.5)
        yield proc, port, log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextmanager
def running(
    folder: Path,
    counts: dict[str, int],
    server: str | None = None,
    reuse: bool = False,
    log: Callable[[str], None] = print,
) -> Iterator[Stack]:
    """The whole stack, until the block ends; ``counts``: province, central, walls, api."""
    with ExitStack() as stack:
        server_url = server or stack.enter_context(postgres_server())
        vet_url, ioc_url = build_demo(server_url, reuse, log)
        people = make_people(ioc_url, counts["province"], counts["central"], counts["walls"], counts["api"])
        stack.callback(revoke_tokens, ioc_url, people.token_names)
        redis_url = stack.enter_context(redis_server(folder))
        proc, port, glog = stack.enter_context(gunicorn(folder, vet_url, ioc_url, redis_url))
        yield Stack(f"http://127.0.0.1:{port}", port, proc, glog, vet_url, ioc_url, redis_url, people)
