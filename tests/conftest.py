"""Shared fixtures: temporary SQLite files, a real PostgreSQL server, test settings, signed-in clients."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

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


# Which database the suite's VET databases and IOC stores live on: "sqlite" (files, the default) or
# "postgresql" (fresh databases on the session's real server); scripts/test.sh runs the suite on both.
TEST_DATABASE = os.environ.get("IOC_TEST_DATABASE", "sqlite")
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise SystemExit(f"IOC_TEST_DATABASE must be sqlite or postgresql, got {TEST_DATABASE!r}")

_pg_session = ExitStack()  # the session's PostgreSQL server, started on first use, stopped at exit
_pg_session_url: list[str] = []


def session_pg_url() -> str:
    """The URL of this session's PostgreSQL server (one per pytest process), started on first use."""
    if not _pg_session_url:
        _pg_session_url.append(_pg_session.enter_context(postgres_server()))
    return _pg_session_url[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    _pg_session.close()


def database_url(folder: Path, name: str) -> str:
    """A new, empty database for a test: the SQLite file ``folder/name.sqlite3``, or under
    IOC_TEST_DATABASE=postgresql a fresh database on the session's PostgreSQL server."""
    if TEST_DATABASE == "postgresql":
        return fresh_database(session_pg_url())
    return f"sqlite:///{folder / name}.sqlite3"


_pristine: dict[str, str] = {}  # a PostgreSQL database handed out -> the untouched original it was copied from


def copy_database(url: str, folder: Path, name: str) -> str:
    """A consistent copy of the database at ``url`` (a SQLite file with its WAL, or a PostgreSQL database)."""
    if url.startswith("sqlite:///"):
        copy = folder / f"{name}.sqlite3"
        src, out = sqlite3.connect(url.removeprefix("sqlite:///")), sqlite3.connect(copy)
        src.backup(out)
        out.close()
        src.close()
        return f"sqlite:///{copy}"
    # PostgreSQL copies a database nobody is connected to: the pristine original of a shared one.
    return copy_pg_database(_pristine.get(url, url))


def copy_pg_database(source: str) -> str:
    copy = fresh_database(session_pg_url(), template=source.rsplit("/", 1)[1])
    _pristine[copy] = source
    return copy


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    return session_pg_url()


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
    """A new, empty VET database (on PostgreSQL under IOC_TEST_DATABASE=postgresql, despite the name)."""
    return database_url(tmp_path, "vet")


def new_store(url: str) -> str:
    """Create an IOC store at head (what `python -m ioc_app db upgrade` does) and return its URL.

    A new, empty database gets a copy of a store migrated once per session (running the migrations
    costs a second or more per store, and many tests want one); a database with tables is upgraded.
    """
    from data_sources.engine import make_engine
    from ioc_app import migrations

    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            migrations.upgrade(engine)
            return url
    finally:
        engine.dispose()
    if url.startswith("sqlite:///") and "?" not in url:
        with sqlite3.connect(_store_template("sqlite")) as src, sqlite3.connect(url.removeprefix("sqlite:///")) as out:
            src.backup(out)
        src.close()
        out.close()
    elif url.startswith("postgresql"):
        # The fresh database is replaced by a copy of the template under the same name (nobody uses it yet).
        server, name = url.rsplit("/", 1)
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_store_template(server)}"'))
        admin.dispose()
    else:
        engine = make_engine(url)
        try:
            migrations.upgrade(engine)
        finally:
            engine.dispose()
    return url


_store_templates: dict[str, str] = {}  # "sqlite" -> a file; a PostgreSQL server's URL -> a database on it


def _store_template(where: str) -> str:
    """A store at head, migrated once per session: a SQLite file, or a database on this PostgreSQL server."""
    if where not in _store_templates:
        from data_sources.engine import make_engine
        from ioc_app import migrations

        if where == "sqlite":
            folder = Path(_pg_session.enter_context(tempfile.TemporaryDirectory(prefix="ioc-store-")))
            url = f"sqlite:///{folder / 'ioc.sqlite3'}"
        else:
            url = fresh_database(where + "/postgres")
        engine = make_engine(url)
        try:
            migrations.upgrade(engine)
        finally:
            engine.dispose()
        _store_templates[where] = url.removeprefix("sqlite:///") if where == "sqlite" else url.rsplit("/", 1)[1]
    return _store_templates[where]


# Tests run as production does (not debug, not the embedded demo): a secret key is required.
TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    return Settings(
        vet_database_url=database_url(tmp_path, "vet"),
        ioc_database_url=new_store(database_url(tmp_path, "ioc")),
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
        # The sign-in lands on the dashboard: wait for the Dash app there. (Setting ``server_url`` would load
        # the page a second time; the URL is set without it, for the tests that build addresses from it.)
        dash_duo.wait_for_element(dash_duo.dash_entry_locator, timeout=30)
        dash_duo._url = dash_duo.server.url
        return dash_duo

    return start


DEMO_DATA_DATE = __import__("datetime").date(2026, 11, 15)


def build_small_demo(vet_url: str, ioc_url: str) -> Settings:
    """Settings of a small demo VET database at ``vet_url`` with its first snapshot in a new store at ``ioc_url``."""
    from data_sources.demo import generate
    from data_sources.engine import make_engine
    from ioc_app.snapshots import refresh

    settings = Settings(
        vet_database_url=vet_url,
        ioc_database_url=new_store(ioc_url),
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


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a small demo VET database with its first snapshot (built once per session), on the
    suite's database (IOC_TEST_DATABASE)."""
    if TEST_DATABASE == "sqlite":
        return build_small_demo_sqlite(tmp_path_factory)
    built = build_small_demo(fresh_database(session_pg_url()), fresh_database(session_pg_url()))
    # Tests get a copy: the originals stay free of connections, so copy_database can copy them again.
    return replace(
        built,
        vet_database_url=copy_pg_database(built.vet_database_url),
        ioc_database_url=copy_pg_database(built.ioc_database_url),
    )


@pytest.fixture(scope="session")
def small_demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The small demo in SQLite files whatever the suite's database, for the tests about SQLite files
    themselves (removed, locked, read-only, copied while a process is killed)."""
    return build_small_demo_sqlite(tmp_path_factory)


_SQLITE_DEMO: list[Settings] = []


def build_small_demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The small demo in SQLite files, built once per session (small_demo and small_demo_sqlite share it)."""
    if not _SQLITE_DEMO:
        folder = tmp_path_factory.mktemp("small-demo")
        _SQLITE_DEMO.append(
            build_small_demo(f"sqlite:///{folder / 'vet.sqlite3'}", f"sqlite:///{folder / 'ioc.sqlite3'}")
        )
    return _SQLITE_DEMO[0]


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


# How often a browser test's wait asks the page again. Selenium's default (0.5 s) is what dash.testing's
# waits (wait_for_element, wait_for_text_to_equal, ...) use: a condition met just after a poll cost up
# to half a second, and a browser test waits on dozens of them.
BROWSER_POLL_SECONDS = 0.2


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker serves its browser tests' apps on ports of its own; dash.testing's
    waits poll every BROWSER_POLL_SECONDS."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        from dash.testing.application_runners import BaseDashRunner

        # scripts/test.sh runs the SQLite and the PostgreSQL pass side by side: each has its own range.
        base = 58050 if TEST_DATABASE == "sqlite" else 61050
        BaseDashRunner._next_port = base + 1000 * int(worker[2:])
    import dash.testing.browser
    from selenium.webdriver.support.wait import WebDriverWait

    class QuickerWait(WebDriverWait):
        def __init__(self, driver: Any, timeout: float, poll_frequency: float = BROWSER_POLL_SECONDS, **kw: Any):
            super().__init__(driver, timeout, poll_frequency, **kw)

    dash.testing.browser.WebDriverWait = QuickerWait


@pytest.fixture(scope="session")
def redis_srv() -> Iterator[Any]:
    """A real redis-server for the session (tests/redis_server.py); tests may stop and restart it."""
    from tests.redis_server import redis_server

    with redis_server() as server:
        yield server


# Fixtures whose databases follow IOC_TEST_DATABASE; a test that uses none of them and whose module
# calls neither helper builds no database that the switch moves (or only SQLite files on purpose).
_SWITCHED_FIXTURES = {"small_demo", "test_settings", "sqlite_url"}
_SWITCHED_CALLS = ("database_url(", "copy_database(")


def follows_the_switch(item: pytest.Item) -> bool:
    """Whether this test's databases are on PostgreSQL under IOC_TEST_DATABASE=postgresql, and it says
    something the SQLite pass has not: not a test of one named dialect (``[sqlite]``/``[postgresql]``,
    each run in the SQLite pass already)."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and any(value in ("sqlite", "postgresql") for value in callspec.params.values()):
        return False
    if _SWITCHED_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    source = Path(str(item.path)).read_text(encoding="utf-8")
    return any(call in source for call in _SWITCHED_CALLS)


def _longest_files_first(items: list[pytest.Item]) -> None:
    """Files with browser tests first, then those marked slow: pytest-xdist hands out whole files in
    this order, so the long ones start at once instead of leaving one worker busy at the end."""
    weight: dict[Path, int] = {}
    for item in items:
        rank = 0 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("slow") else 2
        weight[item.path] = min(weight.get(item.path, 2), rank)
    items.sort(key=lambda item: weight[item.path])  # stable: each file keeps its own order


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first; and scripts/test.sh's PostgreSQL pass (IOC_TEST_SWITCHED_ONLY=1) runs the
    tests whose databases follow the switch; the others (pages and texts without a database, tests of one
    named dialect) would run exactly as they did in its SQLite pass."""
    _longest_files_first(items)
    if TEST_DATABASE != "postgresql" or os.environ.get("IOC_TEST_SWITCHED_ONLY") != "1":
        return
    keep = [item for item in items if follows_the_switch(item)]
    if len(keep) < len(items):
        kept = {id(item) for item in keep}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept])
        items[:] = keep
