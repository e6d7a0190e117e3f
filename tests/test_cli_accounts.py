"""``python -m ioc_app users ...`` and ``tokens ...``, run as an operator's script would: real processes, real files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from data_sources.engine import make_engine
from ioc_app import accounts, audit
from tests.conftest import database_url, new_store
from tests.test_cli import ROOT, assert_one_line_error, run_cli

PASSWORD = "a long enough password"


def assert_never_written(url: str) -> None:
    """The store was never opened (a SQLite file never created) or, on PostgreSQL, holds no table."""
    if url.startswith("sqlite:///"):
        assert not Path(url.removeprefix("sqlite:///")).exists()
        return
    engine = make_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "VET_DATABASE_URL": database_url(tmp_path, "vet"),
        "IOC_DATABASE_URL": database_url(tmp_path, "ioc"),
        "IOC_NEW_PASSWORD": PASSWORD,
    }


def _store(env: dict[str, str]):
    return make_engine(env["IOC_DATABASE_URL"])


@pytest.mark.parametrize(
    "command",
    [
        ["users"],
        ["users", "add"],
        ["users", "list"],
        ["users", "disable"],
        ["users", "enable"],
        ["users", "set-password"],
        ["tokens"],
        ["tokens", "create"],
        ["tokens", "list"],
        ["tokens", "revoke"],
        ["playlists"],
        ["playlists", "list"],
        ["playlists", "show"],
        ["playlists", "import"],
        ["playlists", "export"],
        ["playlists", "delete"],
        ["playlists", "add-slide"],
        ["playlists", "remove-slide"],
        ["playlists", "move-slide"],
    ],
)
def test_every_account_command_has_help(command: list[str]) -> None:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_users_add_list_disable_and_set_password(env: dict[str, str]) -> None:
    new_store(env["IOC_DATABASE_URL"])  # `python -m ioc_app db upgrade`
    proc = run_cli("users", "add", "hcm", "--role", "province", "--province", "79", env=env)
    assert proc.returncode == 0 and proc.stdout.strip() == "added hcm (province 79)", proc.stderr
    assert run_cli("users", "add", "root", "--role", "admin", env=env).returncode == 0
    listing = run_cli("users", "list", env=env).stdout
    assert "hcm" in listing and "province 79" in listing and "root" in listing and "2 account(s)" in listing

    assert run_cli("users", "disable", "hcm", env=env).returncode == 0
    assert "disabled" in run_cli("users", "list", env=env).stdout
    assert_one_line_error(run_cli("users", "disable", "hcm", env=env), "already disabled")
    assert run_cli("users", "enable", "hcm", env=env).returncode == 0
    proc = run_cli("users", "set-password", "hcm", env={**env, "IOC_NEW_PASSWORD": "another good password"})
    assert proc.returncode == 0, proc.stderr

    engine = _store(env)
    assert accounts.authenticate(engine, "hcm", "another good password")[0] is not None
    rows, _ = audit.entries(engine, limit=None)
    assert [(e.action, e.actor, e.target) for e in reversed(rows)] == [
        ("user_added", "cli", "hcm"),
        ("user_added", "cli", "root"),
        ("user_disabled", "cli", "hcm"),
        ("user_enabled", "cli", "hcm"),
        ("password_set", "cli", "hcm"),
    ]
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "password", "fragment"),
    [
        (["x.y", "--role", "central"], "short", "at least 10 characters"),
        (["x.y", "--role", "province"], PASSWORD, "needs --province"),
        (["x.y", "--role", "province", "--province", "26"], PASSWORD, "34 current province codes"),
        (["x.y", "--role", "central", "--province", "79"], PASSWORD, "only provincial users"),
        (["X Y", "--role", "central"], PASSWORD, "invalid user name"),
        (["x.y", "--role", "chief"], PASSWORD, "invalid choice: 'chief'"),
    ],
)
def test_refused_accounts_are_one_line_exit_2_and_write_nothing(
    env: dict[str, str], args: list[str], password: str, fragment: str
) -> None:
    proc = run_cli("users", "add", *args, env={**env, "IOC_NEW_PASSWORD": password})
    assert proc.returncode == 2
    assert_one_line_error(proc, fragment)
    assert_never_written(env["IOC_DATABASE_URL"])


def test_a_taken_name_or_unknown_user_is_one_line(env: dict[str, str]) -> None:
    new_store(env["IOC_DATABASE_URL"])  # `python -m ioc_app db upgrade`
    assert run_cli("users", "add", "root", "--role", "admin", env=env).returncode == 0
    proc = run_cli("users", "add", "root", "--role", "central", env=env)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert_one_line_error(run_cli("users", "disable", "ghost", env=env), "no user named 'ghost'")
    assert_one_line_error(run_cli("users", "disable", "root", env=env), "last active admin")


def test_without_a_password_or_a_terminal_nothing_happens(env: dict[str, str]) -> None:
    proc = run_cli("users", "add", "root", "--role", "admin", env={**env, "IOC_NEW_PASSWORD": ""})
    assert_one_line_error(proc, "at least 10 characters")  # an empty password is a weak one
    no_password = {k: v for k, v in {**os.environ, **env}.items() if k != "IOC_NEW_PASSWORD"}
    proc = subprocess.run(
        [sys.executable, "-m", "ioc_app", "users", "add", "root", "--role", "admin"],
        cwd=ROOT,
        env=no_password,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert_one_line_error(proc, "set IOC_NEW_PASSWORD")
    assert_never_written(env["IOC_DATABASE_URL"])


def test_tokens_create_print_once_list_and_revoke(env: dict[str, str]) -> None:
    new_store(env["IOC_DATABASE_URL"])  # `python -m ioc_app db upgrade`
    proc = run_cli("tokens", "create", "--name", "Màn hình phòng họp", "--kind", "display", env=env)
    assert proc.returncode == 0, proc.stderr
    secret = proc.stdout.strip().splitlines()[-1]
    assert secret.startswith("ioc_") and " " not in secret
    proc = run_cli("tokens", "create", "--name", "reports", "--kind", "api", "--province", "01", env=env)
    api_secret = proc.stdout.strip().splitlines()[-1]

    listing = run_cli("tokens", "list", env=env).stdout
    assert "Màn hình phòng họp" in listing and "reports" in listing and "2 token(s)" in listing
    assert secret not in listing and api_secret not in listing

    engine = _store(env)
    found = accounts.find_token(engine, api_secret)
    assert found is not None and (found.kind, found.province) == ("api", "01")
    assert run_cli("tokens", "revoke", "reports", env=env).returncode == 0
    assert accounts.find_token(engine, api_secret) is None
    assert_one_line_error(run_cli("tokens", "revoke", "reports", env=env), "already revoked")
    assert_one_line_error(run_cli("tokens", "revoke", "nothing", env=env), "no token named")
    proc = run_cli("tokens", "create", "--name", "x", "--kind", "api", env=env)
    assert proc.returncode == 2 and "invalid token name" in proc.stderr
    proc = run_cli("tokens", "create", "--name", "wall", "--kind", "display", "--province", "63", env=env)
    assert_one_line_error(proc, "34 current province codes")
    assert_one_line_error(run_cli("tokens", "create", "--name", "wall", "--kind", "screen", env=env), "invalid choice")
    rows, _ = audit.entries(engine, limit=None)
    assert [(e.action, e.actor) for e in reversed(rows)] == [
        ("token_created", "cli"),
        ("token_created", "cli"),
        ("token_revoked", "cli"),
    ]
    engine.dispose()


def test_a_display_token_limited_to_a_playlist(env: dict[str, str]) -> None:
    new_store(env["IOC_DATABASE_URL"])
    for args, fragment in [
        (["--kind", "display", "--playlist", "phong-hop"], "no playlist named 'phong-hop'"),
        (["--kind", "display", "--playlist", "Phòng họp"], "invalid playlist name"),
        (["--kind", "api", "--playlist", "dieu-hanh"], "only display tokens are limited to a playlist"),
    ]:
        assert_one_line_error(run_cli("tokens", "create", "--name", "wall", *args, env=env), fragment)
    proc = run_cli("tokens", "create", "--name", "wall", "--kind", "display", "--playlist", "dieu-hanh", env=env)
    assert proc.returncode == 0 and "playlist dieu-hanh" in proc.stdout, proc.stderr
    secret = proc.stdout.strip().splitlines()[-1]
    listing = run_cli("tokens", "list", env=env).stdout
    assert re.search(r"^wall\s+display\s+-\s+dieu-hanh\s+active", listing, re.M), listing

    engine = _store(env)
    found = accounts.find_token(engine, secret)
    assert found is not None and found.identity.playlist == "dieu-hanh"
    rows, _ = audit.entries(engine, limit=None)
    assert [(e.action, e.target, e.detail) for e in rows] == [
        ("token_created", "wall", "kind=display playlist=dieu-hanh")
    ]
    engine.dispose()


def test_demo_accounts_exist_only_with_demo_data(small_demo, test_settings, tmp_path: Path, capsys) -> None:
    import dataclasses

    from ioc_app.cli import ensure_demo_data
    from tests import tiny_vet_db

    # A real (non-demo) VET database: no account is ever made up.
    real = dataclasses.replace(test_settings, auto_init_demo=True)
    vet = make_engine(real.vet_database_url)
    tiny_vet_db.build(vet)
    vet.dispose()
    new_store(real.ioc_database_url)
    ensure_demo_data(real)
    engine = _store({"IOC_DATABASE_URL": real.ioc_database_url})
    assert accounts.user_count(engine) == 0
    engine.dispose()

    # The demo (built by an earlier release, without accounts): its accounts appear, printed once.
    demo = dataclasses.replace(small_demo, ioc_database_url=database_url(tmp_path, "ioc-demo"), auto_init_demo=True)
    new_store(demo.ioc_database_url)
    ensure_demo_data(demo)
    assert "demo.central" in capsys.readouterr().err
    ensure_demo_data(demo)
    assert "demo.central" not in capsys.readouterr().err
    engine = _store({"IOC_DATABASE_URL": demo.ioc_database_url})
    assert [u.username for u in accounts.users(engine)] == ["demo.admin", "demo.central", "demo.hanoi", "demo.hcm"]
    engine.dispose()
    # Without IOC_AUTO_INIT_DEMO, not even for a demo database.
    off = dataclasses.replace(demo, ioc_database_url=database_url(tmp_path, "ioc-off"), auto_init_demo=False)
    new_store(off.ioc_database_url)
    ensure_demo_data(off)
    engine = _store({"IOC_DATABASE_URL": off.ioc_database_url})
    assert accounts.user_count(engine) == 0
    engine.dispose()
