"""A throw-away PostgreSQL server for the test session: a real server, never a mock.

Uses ``IOC_TEST_POSTGRES_URL`` when set (CI may start its own); otherwise runs ``initdb`` and
``pg_ctl`` from the Debian packages in a temporary folder on a free port. As root it runs them
as the ``postgres`` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


def _pg_bin(tool: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)
    return candidates[0] if candidates else shutil.which(tool)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], as_postgres: bool) -> None:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a running PostgreSQL server's superuser database."""
    given = os.environ.get("IOC_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    as_postgres = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="ioc-pg-"))
    datadir = workdir / "data"
    if as_postgres:
        shutil.chown(workdir, user="postgres")
    port = _free_port()
    _run([initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], as_postgres)
    opts = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=500"
    _run([pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(workdir / "log"), "-w", "start"], as_postgres)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run([pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], as_postgres)
        shutil.rmtree(workdir, ignore_errors=True)


def fresh_database(server_url: str, template: str | None = None) -> str:
    """Create an empty database on the server (or a copy of the database ``template``) and return its URL."""
    name = f"ioc_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name
