"""Shared fixtures: temporary SQLite files, a real PostgreSQL server, test settings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ioc_app.settings import Settings  # noqa: E402
from tests.postgres_server import fresh_database, postgres_server  # noqa: E402


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_url(pg_server_url: str) -> str:
    """A new, empty PostgreSQL database for one test."""
    return fresh_database(pg_server_url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vet.sqlite3'}"


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    return Settings(
        vet_database_url=f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        ioc_database_url=f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
        auto_init_demo=False,
    )
