"""``python -m ioc_app ...`` as a real separate process, without paying its imports on every run.

Each run is a child of a fork server (multiprocessing's ``forkserver``: one per pytest process, a fresh
single-threaded interpreter that imported the command line's modules once). The child has its own pid,
its own fds 0/1/2 (stdin /dev/null unless ``input`` is given, stdout and stderr captured), the given
environment and working directory, fresh module state (forked from the untouched server) and its own exit
status; it runs ``ioc_app.cli.main`` as ``ioc_app/__main__.py`` does. The result has the shape of
``subprocess.run(..., capture_output=True, text=True)``.

What a fresh interpreter reads when it starts (``PYTHON*``, the locale) or what a module reads when it is
imported (``IOC_STRICT_TEXTS``, ``PROMETHEUS_MULTIPROC_DIR``) comes from the server's environment: a run
whose environment differs there runs as a genuine ``python -m ioc_app`` instead.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from multiprocessing import forkserver
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The command line's modules, its commands' lazily imported ones and the database drivers: what each
# ``python -m ioc_app`` would otherwise spend one to two seconds importing.
PRELOAD = [
    "ioc_app.cli",
    "ioc_app.cli_alerts",
    "ioc_app.cli_brief",
    "ioc_app.cli_playlists",
    "ioc_app.accounts",
    "ioc_app.alert_jobs",
    "ioc_app.alerts",
    "ioc_app.audit",
    "ioc_app.auth",
    "ioc_app.brief",
    "ioc_app.brief_pdf",
    "ioc_app.brief_xlsx",
    "ioc_app.exports",
    "ioc_app.imports",
    "ioc_app.job_lease",
    "ioc_app.logs",
    "ioc_app.migrations",
    "ioc_app.playlist_store",
    "ioc_app.services",
    "ioc_app.snapshots",
    "ioc_app.task_progress",
    "data_sources.demo",
    "data_sources.engine",
    "data_sources.vet_db",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
    "tests.cli_runner",
]

# Read when an interpreter starts or when a preloaded module is imported, not when a command runs.
_READ_AT_START = ("LANG", "IOC_STRICT_TEXTS", "PROMETHEUS_MULTIPROC_DIR")
_READ_AT_START_PREFIXES = ("PYTHON", "LC_")

_context = multiprocessing.get_context("forkserver")
_server_environment: dict[str, str] = {}
_lock = threading.Lock()


def run_cli(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str | Path = ROOT,
    input: str | None = None,  # the name subprocess.run gives it
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([python, "-m", "ioc_app", *argv], env=env, cwd=cwd, input=input, capture_output=True,
    text=True, timeout=timeout)``, run by a child of the fork server (the environment is the whole of it)."""
    args = [sys.executable, "-m", "ioc_app", *argv]
    env = dict(env)
    if not _same_start(env):
        return subprocess.run(args, cwd=cwd, env=env, input=input, capture_output=True, text=True, timeout=timeout)
    return run_in_child(_python_m_ioc_app, argv, args=args, env=env, cwd=cwd, input=input, timeout=timeout)


def run_in_child(
    main: Callable[[], int | None],
    argv: Sequence[str],
    *,
    args: list[str],
    env: Mapping[str, str],
    cwd: str | Path,
    input: str | None,
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    """Run ``main`` (a module-level function) in a fork-server child with ``sys.argv[1:] == argv``, ``env`` as
    its whole environment and ``cwd``; ``args`` names the command in the result and in a timeout."""
    _start_server()
    with tempfile.TemporaryDirectory(prefix="ioc-cli-") as folder:
        stdin, stdout, stderr = (Path(folder) / name for name in ("stdin", "stdout", "stderr"))
        if input is not None:
            stdin.write_text(input, encoding=_encoding())
        stdout.touch()
        stderr.touch()
        child = _context.Process(
            target=_child,
            args=(
                main, list(argv), dict(env), str(cwd),
                os.devnull if input is None else str(stdin), str(stdout), str(stderr),
            ),
            name=" ".join(args),
        )  # fmt: skip
        child.start()
        try:
            child.join(timeout)
        except BaseException:  # as subprocess.run: the test interrupted, the child does not outlive it
            child.kill()
            child.join()
            raise
        if child.exitcode is None:  # as subprocess.run: kill it, then report what it printed
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(args, timeout, stdout.read_bytes(), stderr.read_bytes())
        status = child.exitcode
        child.close()
        return subprocess.CompletedProcess(args, status, _text(stdout), _text(stderr))


def server_pid() -> int | None:
    """The fork server's process id (None before the first run)."""
    return forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]  # the module's one server


def _start_server() -> None:
    with _lock:
        if not _server_environment:
            # Each child re-imports the parent's main script unless the server imported it already.
            main = getattr(sys.modules["__main__"], "__file__", None)
            _context.set_forkserver_preload(PRELOAD + (["__main__"] if main and Path(main).is_file() else []))
            _server_environment.update(os.environ)
        forkserver.ensure_running()  # started once; restarted with the same environment if it died


def _same_start(env: Mapping[str, str]) -> bool:
    reference = _server_environment or os.environ

    def at_start(environment: Mapping[str, str]) -> dict[str, str]:
        return {k: v for k, v in environment.items() if k in _READ_AT_START or k.startswith(_READ_AT_START_PREFIXES)}

    return at_start(env) == at_start(reference)


def _encoding() -> str:
    """What ``subprocess.run(text=True)`` decodes with."""
    import locale

    return "utf-8" if sys.flags.utf8_mode else locale.getpreferredencoding(False)


def _text(path: Path) -> str:
    """The captured bytes as ``subprocess.run(text=True)`` gives them (universal newlines)."""
    return path.read_bytes().decode(_encoding()).replace("\r\n", "\n").replace("\r", "\n")


# --- in the child ------------------------------------------------------------------------------------------


def _child(
    main: Callable[[], int | None], argv: list[str], env: dict[str, str], cwd: str, stdin: str, stdout: str, stderr: str
) -> None:
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    for fd, path, flags in ((0, stdin, os.O_RDONLY), (1, stdout, os.O_WRONLY), (2, stderr, os.O_WRONLY)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    _fresh_std_streams()
    sys.argv = [str(ROOT / "ioc_app" / "__main__.py"), *argv]
    status = _exit_status(main)
    # As the interpreter ends: wait for the threads left running, run the exit handlers, flush.
    threading._shutdown()  # type: ignore[attr-defined]  # what Py_FinalizeEx calls first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # as the interpreter: a stream that cannot flush is let go
            stream.flush()
    os._exit(status & 0xFF)


def _python_m_ioc_app() -> int:
    """What ``ioc_app/__main__.py`` runs."""
    from ioc_app.cli import main

    return main()


def _exit_status(main: Callable[[], int | None]) -> int:
    """``sys.exit(main())`` and the exit status the interpreter would give it."""
    try:
        sys.exit(main())
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001  # uncaught, as the interpreter: the traceback on stderr, status 1
        sys.excepthook(*sys.exc_info())
        return 1


_runs_here = 0  # how many children of this module's state ran here: always 1 when each starts fresh


def describe_child() -> int:
    """A child that reports what it was given as one JSON line (tests/test_cli_runner.py); ``sleep`` makes it
    sleep after reporting, a number is its exit status."""
    global _runs_here
    _runs_here += 1
    report = {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "argv": sys.argv[1:],
        "stdin": sys.stdin.read(),
        "fds": [os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)],
        "runs_here": _runs_here,
        "not_preloaded": [m for m in PRELOAD if m not in sys.modules],
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    print("Lỗi: một dòng", file=sys.stderr)
    if sys.argv[1:] == ["sleep"]:
        time.sleep(300)
    return int(sys.argv[1]) if sys.argv[1:] and sys.argv[1].isdigit() else 0


def _fresh_std_streams() -> None:
    """New sys.stdin/stdout/stderr on the new fds 0/1/2, made as the interpreter makes them for files."""
    encoding, errors = sys.__stdout__.encoding, sys.__stdout__.errors  # type: ignore[union-attr]
    sys.stdin = sys.__stdin__ = open(0, encoding=encoding, errors=errors, closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding=encoding, errors=errors, closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115  # line-buffered, as Python's own stderr
        2, "w", buffering=1, encoding=encoding, errors="backslashreplace", closefd=False
    )
