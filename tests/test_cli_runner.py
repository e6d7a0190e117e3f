"""The fork-server runner of ``python -m ioc_app`` (tests/cli_runner.py) is a real separate process, and says
what the real entry point says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import cli_runner
from tests.conftest import database_url
from tests.test_cli import ROOT


def _describe(
    *argv: str, env: dict[str, str], cwd: Path = ROOT, input: str | None = None, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = cli_runner.run_in_child(
        cli_runner.describe_child, argv, args=["describe", *argv], env=env, cwd=cwd, input=input, timeout=timeout
    )
    return done, json.loads(done.stdout)


def test_each_run_is_its_own_fresh_process_with_the_given_environment_and_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOME"} | {"IOC_ONLY_HERE": "Hà Nội"}
    first, seen = _describe("7", env=env, cwd=tmp_path)
    assert first.returncode == 7 and first.stderr == "Lỗi: một dòng\n"
    assert first.args == ["describe", "7"]
    assert seen["argv"] == ["7"] and seen["cwd"] == str(tmp_path)
    assert seen["env"] == env  # the whole environment: nothing of the parent's added, nothing left out
    assert seen["pid"] not in (os.getpid(), cli_runner.server_pid())
    assert seen["ppid"] == cli_runner.server_pid()
    assert seen["stdin"] == "" and seen["fds"][0] == os.devnull
    assert not seen["fds"][1].startswith("pipe:") and seen["fds"][1] != seen["fds"][2]
    assert seen["not_preloaded"] == []  # the server imported every module it was asked to
    assert seen["runs_here"] == 1

    second, again = _describe("0", env=env, input="dòng một\ndòng hai\n")
    assert second.returncode == 0 and again["stdin"] == "dòng một\ndòng hai\n"
    assert again["pid"] != seen["pid"] and again["runs_here"] == 1  # module state starts fresh each time


def test_the_fork_server_is_one_single_threaded_process() -> None:
    _describe(env=dict(os.environ))
    pid = cli_runner.server_pid()
    assert pid is not None and len(os.listdir(f"/proc/{pid}/task")) == 1  # forking it copies no other thread
    _describe(env=dict(os.environ))
    assert cli_runner.server_pid() == pid


def test_a_run_past_its_timeout_is_killed() -> None:
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        _describe("sleep", env=dict(os.environ), timeout=3)
    assert isinstance(raised.value.output, bytes)
    pid = json.loads(raised.value.output)["pid"]
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped


def test_an_environment_that_differs_where_python_reads_it_at_start_runs_the_real_entry() -> None:
    env = {**os.environ, "IOC_STRICT_TEXTS": ""}  # read when ioc_app.i18n is imported
    assert not cli_runner._same_start(env)
    assert cli_runner._same_start({**os.environ, "IOC_DATABASE_URL": "sqlite:///elsewhere.sqlite3"})


def _real(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The entry point itself: a new interpreter running ``python -m ioc_app``."""
    return subprocess.run(
        [sys.executable, "-m", "ioc_app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_runner_and_the_real_entry_point_say_the_same(tmp_path: Path) -> None:
    env = {**os.environ, "IOC_DATABASE_URL": database_url(tmp_path, "ioc")}
    for args in (
        ["--help"],  # exit 0, usage on stdout
        ["tasks"],  # argparse: a missing sub-command, usage and exit 2
        ["users", "add", "root", "--role", "nobody"],  # a refused option: one line, exit 2
        ["tasks", "list", "--on", "31/03/2026"],  # refused by the command: one line, exit 2
        ["users", "list"],  # a store without tables: one line naming the command to run
        ["users", "add", "root", "--role", "admin"],  # no IOC_NEW_PASSWORD and stdin is not a terminal
    ):
        real, forked = _real(*args, env=env), cli_runner.run_cli(args, env=env)
        assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr), args
        assert forked.args == real.args


def test_importing_what_the_server_preloads_prints_nothing() -> None:
    # A real run would print what these imports print (a warning, a log line) on its own stderr; a forked run
    # cannot, since the server imported them before it: so there must be nothing to print.
    imports = "; ".join(f"import {module}" for module in cli_runner.PRELOAD)
    done = subprocess.run(
        [sys.executable, "-c", imports], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
