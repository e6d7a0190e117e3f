"""Shared fixtures: temporary SQLite files, a real PostgreSQL server, test settings, signed-in clients."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# A page that asks for a text missing from ioc_app/texts.py fails its test (KeyError) instead of
# showing the key; the variable carries this to the servers and commands the tests start.
os.environ["IOC_STRICT_TEXTS"] = "1"

from ioc_app import i18n
from ioc_app.settings import Settings
from tests.postgres_server import fresh_database, postgres_server

i18n.STRICT = True  # also when ioc_app.i18n was imported before the variable was set

# Apps outside the embedded demo refuse to start without a secret key (ioc_app.settings.secret_key_for).
TEST_SECRET_KEY = "test-only-secret-key-0123456789abcdef"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_url(pg_server_url: str) -> str:
    """A new, empty PostgreSQL database for one test."""
    return fresh_database(pg_server_url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tiny_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The hand-computed tiny VET database (tests/tiny_vet_db.py), on SQLite and on PostgreSQL."""
    from data_sources.engine import make_engine
    from tests import tiny_vet_db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('tiny') / 'vet.sqlite3'}"
    else:
        url = fresh_database(request.getfixturevalue("pg_server_url"))
    engine = make_engine(url)
    tiny_vet_db.build(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vet.sqlite3'}"


def new_store(url: str) -> str:
    """Create an IOC store at head (what `python -m ioc_app db upgrade` does) and return its URL."""
    from data_sources.engine import make_engine
    from ioc_app import migrations

    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()
    return url


# Tests run as production does (not debug, not the embedded demo): a secret key is required.
TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    return Settings(
        vet_database_url=f"sqlite:///{tmp_path / 'vet.sqlite3'}",
        ioc_database_url=new_store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}"),
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
    )


# --- signing in --------------------------------------------------------------------------------------

TEST_PASSWORD = "correct horse battery"


def ensure_user(ioc_database_url: str, role: str = "central", province: str | None = None) -> tuple[str, str]:
    """A test account of this role (and province) in the IOC store, created once; its name and password."""
    from data_sources.engine import make_engine
    from ioc_app import accounts

    name = f"test.{role}" + (f".{province}" if province else "")
    engine = make_engine(ioc_database_url)
    try:
        if name not in {u.username for u in accounts.users(engine)}:
            accounts.add_user(engine, name, role, province, TEST_PASSWORD)
    finally:
        engine.dispose()
    return name, TEST_PASSWORD


def csrf_token(client: Any, path: str = "/login") -> str:
    """The CSRF token of the form at ``path`` (the session keeps its secret half)."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF token in {path}"
    return found.group(1)


def sign_in(client: Any, username: str, password: str, **extra: str) -> Any:
    """Post the real sign-in form (with its CSRF token); the response."""
    data = {"username": username, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data)


def signed_in_client(app: Any, role: str = "central", province: str | None = None) -> Any:
    """A Flask test client of ``app`` signed in through /login as a test user of this role."""
    settings = app.server.config["IOC_SERVICES"].settings
    username, password = ensure_user(settings.ioc_database_url, role, province)
    client = app.server.test_client()
    resp = sign_in(client, username, password)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def signed_in() -> Callable[..., Any]:
    """``signed_in(app, role="central", province=None)``: a test client signed in through /login."""
    return signed_in_client


@pytest.fixture
def dash_signed_in(dash_duo: Any) -> Callable[..., Any]:
    """``start(app, role="central")``: serve ``app`` to headless Chromium and sign in through the real /login
    form, then wait for the dashboard (``dash_duo.server_url`` is set as before)."""

    def start(app: Any, role: str = "central", province: str | None = None) -> Any:
        settings = app.server.config["IOC_SERVICES"].settings
        username, password = ensure_user(settings.ioc_database_url, role, province)
        dash_duo.start_server(app, navigate=False)
        dash_duo.driver.get(dash_duo.server.url + "/login")
        dash_duo.wait_for_element("#username", timeout=20).send_keys(username)
        dash_duo.find_element("#password").send_keys(password)
        dash_duo.find_element("#login-submit").click()
        dash_duo.server_url = dash_duo.server.url  # waits for the Dash app to load
        return dash_duo

    return start


DEMO_DATA_DATE = __import__("datetime").date(2026, 11, 15)


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a small demo VET database with its first snapshot (built once per session)."""
    from data_sources.demo import generate
    from data_sources.engine import make_engine
    from ioc_app.snapshots import refresh

    folder = tmp_path_factory.mktemp("small-demo")
    settings = Settings(
        vet_database_url=f"sqlite:///{folder / 'vet.sqlite3'}",
        ioc_database_url=new_store(f"sqlite:///{folder / 'ioc.sqlite3'}"),
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
    )
    vet, ioc = make_engine(settings.vet_database_url), make_engine(settings.ioc_database_url)
    generate(vet, scale="small", seed=7, data_date=DEMO_DATA_DATE, progress=False)
    result = refresh(vet, ioc, trigger="test")
    assert result.status == "ok", result.error
    vet.dispose()
    ioc.dispose()
    return settings


@pytest.fixture(scope="module")
def services(small_demo: Settings) -> Iterator[Any]:
    """Connections to the small demo databases (one set per test module)."""
    from ioc_app.services import Services

    svc = Services.from_settings(small_demo)
    yield svc
    svc.dispose()


@pytest.fixture(scope="module")
def snap(services):
    """The small demo's newest snapshot, as the pages read it."""
    from ioc_app import snapshots

    s = snapshots.current(services.ioc_engine)
    assert s is not None
    return s


def pytest_setup_options():
    """Chromium flags for dash_duo: headless as root, and no background calls to the internet."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1600,1000",
    ):
        options.add_argument(flag)
    return options


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker serves its browser tests' apps on ports of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        from dash.testing.application_runners import BaseDashRunner

        BaseDashRunner._next_port = 58050 + 1000 * int(worker[2:])


@pytest.fixture(scope="session")
def redis_srv() -> Iterator[Any]:
    """A real redis-server for the session (tests/redis_server.py); tests may stop and restart it."""
    from tests.redis_server import redis_server

    with redis_server() as server:
        yield server
