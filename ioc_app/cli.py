"""Command line: ``python -m ioc_app <command>``. Errors are one line on stderr and a non-zero exit.

A refused command (bad option, unusable settings, a database that cannot be read or written) exits
2; an unexpected failure exits 1, still in one line (``IOC_DEBUG=1`` shows its traceback). Library
warnings print as single lines; errors they log become the command's own one-line message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, TextIO

from sqlalchemy.exc import SQLAlchemyError

from data_sources.submissions.kinds import KINDS as SUBMISSION_KINDS
from ioc_app.focus_tasks import REPORTED_STATES
from ioc_app.i18n import t
from ioc_app.identity import ROLES, TOKEN_KINDS
from ioc_app.inputs import InputError, iso_date
from ioc_app.settings import Settings, SettingsError, secret_key_for

if TYPE_CHECKING:
    from dash import Dash
    from sqlalchemy import Engine

    from data_sources.demo import DemoReport
    from ioc_app.focus_tasks import ProgressReport
    from ioc_app.snapshots import RefreshResult


class CliError(Exception):
    """A user-facing error: printed as one line, no traceback."""


VET_DATABASE = "the VET database (VET_DATABASE_URL)"
IOC_DATABASE = "the IOC database (IOC_DATABASE_URL)"
# Statements that write: a failure in one of them is a failure to write, whatever the command meant to do.
_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


@contextmanager
def database(name: str, doing: str) -> Iterator[None]:
    """Turn a database failure inside into one line naming the database and whether reading or writing failed."""
    try:
        yield
    except (OSError, SQLAlchemyError) as exc:
        statement = str(getattr(exc, "statement", "") or "").lstrip().upper()
        reason = _reason(exc)
        if statement.startswith(_WRITES) or "readonly" in reason or "read-only" in reason:
            doing = "write"
        raise CliError(f"cannot {doing} {name}: {reason}") from None


def _non_negative_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {value}")
    return value


def _percent(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 100, got {raw!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 100, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line (``--help`` still shows the full usage)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m ioc_app",
        description="VET IOC: dashboard of the digital transformation programme in VET (Decision 2222/QĐ-TTg).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = sub.add_parser(
        "init-demo",
        help="build a demo VET management database",
        description="Build a deterministic demo VET management database (refuses to overwrite without --force).",
    )
    init.add_argument(
        "--scale",
        choices=("small", "national", "full"),
        default="national",
        help="small: ~60 institutions (tests); national: ~1,900 institutions, 3M learners (elementary and short "
        "courses sampled); full: the same network with every learner, 14M+ learner rows (load PostgreSQL)",
    )
    init.add_argument("--seed", type=_non_negative_int, default=None, help="random seed (default from settings)")
    init.add_argument("--database-url", default=None, help="VET database URL (default: VET_DATABASE_URL)")
    init.add_argument(
        "--data-date", default=None, help="last date of the generated history, YYYY-MM-DD (default: today)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing database's data")
    init.add_argument("--quiet", action="store_true", help="no progress bar")

    refresh = sub.add_parser(
        "refresh",
        help="recompute the indicator snapshot",
        description="Recompute every indicator for every scope and month end since December 2021, and store "
        "the result as the newest snapshot in the IOC database. A failure keeps the previous snapshot.",
    )
    refresh.add_argument(
        "--data-date", default=None, help="compute as of this date, YYYY-MM-DD (default: the VET database's data date)"
    )

    sub.add_parser(
        "scheduler",
        help="run the scheduled snapshot refresh in this process",
        description="Refresh the snapshot every IOC_SNAPSHOT_REFRESH_MINUTES minutes (run one of these beside "
        "gunicorn workers, so the refresh happens once, not per worker).",
    )

    tasks = sub.add_parser(
        "tasks",
        help="the focus tasks: record and list reported progress",
        description="The focus tasks of the decision's appendix. The appendix gives periods only; what was "
        "done is recorded here as dated progress reports with their source, shown beside the schedule.",
    )
    tasks_sub = tasks.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    report = tasks_sub.add_parser(
        "report",
        help="record one progress report on a task",
        description="Record one dated progress report on a task in the IOC store (IOC_DATABASE_URL). Reports "
        "are never edited: a correction is a new report; for one task and date the one recorded last counts.",
    )
    report.add_argument("task_id", metavar="TASK_ID", help="the task's number in the appendix, e.g. 2.1.2")
    report.add_argument("--state", required=True, choices=REPORTED_STATES, help="what the report says")
    report.add_argument("--on", required=True, help="the date the progress refers to, YYYY-MM-DD")
    report.add_argument("--source", required=True, help="the document number, or who reported")
    report.add_argument("--percent", type=_percent, default=None, help="share of the work done, 0-100")
    report.add_argument("--note", default=None, help="free text shown with the report")
    listing = tasks_sub.add_parser(
        "list",
        help="list the tasks with their schedule status and latest reported progress",
        description="Each task with its period, its schedule status and its latest progress report on or "
        "before the date (default: the data date of the newest snapshot, else today).",
    )
    listing.add_argument("--on", default=None, help="as of this date, YYYY-MM-DD")
    listing.add_argument("--reports", action="store_true", help="every recorded report instead")
    listing.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the statuses")

    db = sub.add_parser(
        "db",
        help="the IOC store's schema: upgrade it, show its revision",
        description="The IOC store's schema is managed by migrations (Alembic). The web app and the other "
        "commands refuse a store behind this release's head; `python app.py` upgrades an embedded SQLite store itself.",
    )
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade",
        help="bring the IOC store to this release's schema (safe to run again)",
        description="Create the IOC store (IOC_DATABASE_URL), or apply the migrations it lacks, up to this "
        "release's head. A store created before migrations is recognised and stamped, keeping its data.",
    )
    db_sub.add_parser(
        "current",
        help="print the IOC store's revision and whether it is at head",
        description="Print the IOC store's revision and this release's head. Exit status 0 at head, 1 otherwise.",
    )

    users = sub.add_parser(
        "users",
        help="accounts: add, list, disable, enable, set a password",
        description="Accounts of the people who sign in, in the IOC store (IOC_DATABASE_URL). Passwords come from "
        "the IOC_NEW_PASSWORD environment variable, else a prompt; at least 10 characters. Changes are audited "
        "with the actor 'cli'.",
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", help="add an account", description="Add an account.")
    add.add_argument("name", metavar="NAME", help="user name: 2-40 lower-case letters, digits, '.', '_' or '-'")
    add.add_argument("--role", required=True, choices=ROLES, help="admin, central (every province) or province")
    add.add_argument("--province", default=None, help="a provincial user's province: one of the 34 current codes")
    users_sub.add_parser("list", help="list the accounts", description="List the accounts.")
    for action, text in (
        ("disable", "disable an account (its sessions end at their next request)"),
        ("enable", "enable a disabled account"),
        ("set-password", "set a new password (the account's sessions end)"),
    ):
        cmd = users_sub.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        cmd.add_argument("name", metavar="NAME")

    tokens = sub.add_parser(
        "tokens",
        help="read-only access tokens for wall displays and API clients",
        description="Named, revocable read-only tokens. A display token signs a wall display in at "
        "/login/token; an API token is sent as 'Authorization: Bearer TOKEN'. Only a hash is stored: "
        "the token is printed once, alone on the last line.",
    )
    tokens_sub = tokens.add_subparsers(dest="tokens_command", metavar="ACTION", required=True)
    create = tokens_sub.add_parser("create", help="create a token", description="Create a token and print it once.")
    create.add_argument("--name", required=True, help="a name saying who or what uses it")
    create.add_argument("--kind", required=True, choices=TOKEN_KINDS, help="display or api")
    create.add_argument("--province", default=None, help="limit it to one of the 34 current provinces")
    create.add_argument(
        "--playlist", default=None, help="limit a display token to one playlist (stored, or the built-in dieu-hanh)"
    )
    tokens_sub.add_parser("list", help="list the tokens", description="List the tokens (never their secrets).")
    revoke = tokens_sub.add_parser("revoke", help="revoke a token", description="Revoke a token for good.")
    revoke.add_argument("name", metavar="NAME")

    from ioc_app import cli_playlists  # imported here: it builds on this module

    cli_playlists.add_parser(sub)
    from ioc_app import cli_alerts  # imported here: it builds on this module

    cli_alerts.add_parser(sub)
    from ioc_app import cli_brief  # imported here: it builds on this module

    cli_brief.add_parser(sub)
    imp = sub.add_parser(
        "import",
        help="import a provincial submission (.xlsx or .csv) into the VET database",
        description="Check a submission file row by row and, when it has no problem, write its new rows into the VET "
        "database (IOC_SUBMISSIONS_DATABASE_URL, else VET_DATABASE_URL), all or none; rows already stored change "
        "nothing. Every attempt goes to the import log, acting as 'cli' (every province). Exit status 0 when the "
        "file was taken (or would be, with --dry-run), 2 when it was refused.",
    )
    imp.add_argument("file", metavar="FILE", help="the .xlsx or .csv file")
    imp.add_argument(
        "--kind", choices=tuple(SUBMISSION_KINDS), default=None, help="the kind of data (default: from the headers)"
    )
    imp.add_argument("--dry-run", action="store_true", help="check only: write nothing to the VET database")
    imp.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the messages (default vi)")
    imp.add_argument("--errors", metavar="PATH", default=None, help="also write the problems to PATH (.csv or .xlsx)")

    serve = sub.add_parser("serve", help="serve the dashboard", description="Serve the dashboard (like python app.py).")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands: dict[str, Callable[[Settings], int]] = {
        "init-demo": lambda s: cmd_init_demo(s, args),
        "refresh": lambda s: cmd_refresh(s, args),
        "scheduler": cmd_scheduler,
        "serve": lambda s: cmd_serve(s, args),
        "tasks": lambda s: cmd_tasks(s, args),
        "db": lambda s: cmd_db(s, args),
        "users": lambda s: cmd_users(s, args),
        "tokens": lambda s: cmd_tokens(s, args),
        "playlists": lambda s: _cmd_playlists(s, args),
        "import": lambda s: cmd_import(s, args),
        "alerts": lambda s: _cmd_alerts(s, args),
        "brief": lambda s: _cmd_brief(s, args),
    }
    if args.command not in commands:
        parser.error(f"unknown command {args.command}")
    if args.command not in ("scheduler", "serve"):
        _one_line_warnings()
    return one_line_errors(lambda: commands[args.command](Settings.from_env()))


def _cmd_playlists(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import cli_playlists

    return cli_playlists.cmd_playlists(settings, args)


def _cmd_alerts(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import cli_alerts

    return cli_alerts.cmd_alerts(settings, args)


def _cmd_brief(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import cli_brief

    return cli_brief.cmd_brief(settings, args)


def one_line_errors(run: Callable[[], int]) -> int:
    """Run a command; any failure is one line on stderr: exit 2 when refused, 1 when unexpected."""
    try:
        return run()
    except (CliError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not the user's doing: still one line unless asked for more
        if os.environ.get("IOC_DEBUG", "").strip().lower() in ("1", "true", "yes", "on"):
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {_reason(exc)} (IOC_DEBUG=1 shows the traceback)", file=sys.stderr
        )
        return 1


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return "warning: " + " ".join(record.getMessage().split())


def _one_line_warnings() -> None:
    """Warnings as single lines without tracebacks; logged errors are left to the command's own message."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.addFilter(lambda record: record.levelno < logging.ERROR)
    handler.setFormatter(_OneLine())
    logging.getLogger().addHandler(handler)


def _date_arg(raw: str | None, option: str = "--data-date") -> dt.date | None:
    if not raw:
        return None
    try:
        return iso_date(raw, option)
    except InputError as exc:
        raise CliError(str(exc)) from None


def cmd_init_demo(settings: Settings, args: argparse.Namespace) -> int:
    url = args.database_url or settings.vet_database_url
    seed = settings.demo_seed if args.seed is None else args.seed
    data_date = _date_arg(args.data_date)
    report = build_demo(
        url, scale=args.scale, seed=seed, data_date=data_date, force=args.force, progress=not args.quiet
    )
    counts = ", ".join(f"{table} {n:,}" for table, n in report.counts.items())
    print(
        f"built {report.scale} demo database (seed {report.seed}, data date {report.data_date}) "
        f"in {report.seconds:.1f} s: {counts}"
    )
    prepare_store(settings)  # the demo's accounts live in the IOC store (an embedded one is brought to head)
    ensure_demo_accounts(settings, sys.stdout)
    return 0


def build_demo(
    url: str, *, scale: str, seed: int, data_date: dt.date | None = None, force: bool = False, progress: bool = True
) -> DemoReport:
    """Create the demo database at ``url``; CliError with one clear line on any failure."""
    from data_sources import vet_db
    from data_sources.demo import generate
    from data_sources.engine import make_engine

    try:
        engine = make_engine(url)
    except (OSError, SQLAlchemyError, ValueError) as exc:
        raise CliError(f"cannot open database {url}: {_reason(exc)}") from None
    try:
        if vet_db.has_data(engine):
            if not force:
                raise CliError(f"database {url} already holds data; add --force to replace it")
            vet_db.drop_schema(engine)
        return generate(engine, scale=scale, seed=seed, data_date=data_date, progress=progress)
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot write database {url}: {_reason(exc)}") from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    finally:
        engine.dispose()


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


def ensure_demo_data(settings: Settings) -> None:
    """On first run, build the demo database the settings ask for when the VET database is empty."""
    from data_sources import vet_db
    from data_sources.engine import make_engine, make_reader_engine

    missing = missing_sqlite_file(settings.vet_database_url)
    if missing and not settings.auto_init_demo:
        raise CliError(
            f"cannot read {VET_DATABASE}: there is no file {missing}; "
            "run `python -m ioc_app init-demo` or point VET_DATABASE_URL at it"
        )
    with database(VET_DATABASE, "read"):
        # Only a first run that builds the demo may create the file; otherwise a missing file is an error.
        opener = make_engine if settings.auto_init_demo else make_reader_engine
        engine = opener(settings.vet_database_url)
        try:
            empty = not vet_db.has_data(engine)
            outdated = [] if empty else vet_db.missing_columns(engine)
            demo = not empty and vet_db.is_demo(engine)
        finally:
            engine.dispose()
    if outdated and not (demo and settings.auto_init_demo):
        raise CliError(
            f"the VET database at {settings.vet_database_url} lacks columns this release reads: {', '.join(outdated)}"
        )
    if (empty or outdated) and settings.auto_init_demo:
        why = "an older release built the demo database" if outdated else "first run"
        print(
            f"{why}: building the {settings.demo_scale} demo database at {settings.vet_database_url}",
            file=sys.stderr,
        )
        report = build_demo(
            settings.vet_database_url, scale=settings.demo_scale, seed=settings.demo_seed, force=bool(outdated)
        )
        print(f"Demo database ready in {report.seconds:.1f} s.", file=sys.stderr)
        if outdated:
            _refresh_after_rebuild(settings)
        demo = True
    if demo and settings.auto_init_demo:
        # Also for a demo built by a release without accounts: without them nobody could sign in.
        ensure_demo_accounts(settings, sys.stderr)


def ensure_demo_accounts(settings: Settings, out: TextIO) -> None:
    """The demo's accounts in the IOC store (those missing), and their credentials printed."""
    from data_sources.engine import make_engine
    from ioc_app import accounts, audit
    from ioc_app.auth import province_name

    try:
        engine = make_engine(settings.ioc_database_url)
        try:
            created = accounts.ensure_demo_accounts(engine, audit.CLI)
        finally:
            engine.dispose()
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot write the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    if not created:
        return
    print("Demo accounts (demo data only; documented in the README):", file=out)
    for name, role, province, password in created:
        what = role + (f" {province} ({province_name(province)})" if province else "")
        print(f"  {name:<13} {what:<40} password: {password}", file=out)


def _refresh_after_rebuild(settings: Settings) -> None:
    """A rebuilt demo makes the stored snapshots stale: compute a new one before serving."""
    result = run_refresh(settings, "first-run")
    print(f"Snapshot ready: {result.rows:,} figures in {result.seconds:.1f} s.", file=sys.stderr)


def ensure_snapshot(settings: Settings) -> None:
    """On first run, compute the first snapshot so the panels have figures to show."""
    from data_sources.engine import make_engine
    from ioc_app.snapshots import latest_run

    with database(IOC_DATABASE, "read"):
        engine = make_engine(settings.ioc_database_url)
        try:
            missing = latest_run(engine) is None
        finally:
            engine.dispose()
    if missing:
        print("Computing the first indicator snapshot...", file=sys.stderr)
        result = run_refresh(settings, "first-run")
        print(f"Snapshot ready: {result.rows:,} figures in {result.seconds:.1f} s.", file=sys.stderr)


def serve(settings: Settings) -> None:
    """``python app.py`` and ``serve``: build what the first run needs, then the app, and serve it.

    A failure to start is one line on stderr and ``SystemExit`` with status 2 (1 if unexpected).
    """
    from ioc_app import logs, migrations
    from ioc_app.app_factory import create_app
    from ioc_app.security import QuietRequestHandler

    def run() -> int:
        secret_key_for(settings)  # refuse before a first run spends minutes building the demo
        prepare_store(settings)
        _first_run_in_child(settings)
        try:
            app = create_app(settings)
        except migrations.StoreNotReady as exc:
            raise CliError(str(exc)) from None
        logs.configure(settings.log_format)
        _start_embedded_scheduler(app, settings)
        print(f"VET IOC dashboard: http://{settings.host}:{settings.port}/", file=sys.stderr)
        try:
            # The development server's own Server header names Werkzeug and Python with versions.
            app.run(host=settings.host, port=settings.port, debug=settings.debug, request_handler=QuietRequestHandler)
        except OSError as exc:  # e.g. the port is taken
            raise CliError(f"cannot serve on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
        return 0

    status = one_line_errors(run)
    if status:
        raise SystemExit(status)


def _first_run_in_child(settings: Settings) -> None:
    """The demo database and the first snapshot when missing (``ensure_demo_data``, ``ensure_snapshot``), built
    in a child process: the memory that takes goes back to the system before the app is served. The child
    prints its own one-line error; its exit status becomes this command's."""
    from ioc_app import child_jobs

    status, _outcome = child_jobs.run(child_jobs.FIRST_RUN, settings)
    if status:
        raise SystemExit(status if status > 0 else 1)  # a child killed by a signal has a negative status


def _start_embedded_scheduler(app: Dash, settings: Settings) -> None:
    """Single-process serving refreshes in the background (each refresh in a child process); not in the
    reloader's watcher process."""
    import os

    if settings.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    from ioc_app import snapshots
    from ioc_app.scheduler import start_background

    ioc_engine = app.server.config["IOC_SERVICES"].ioc_engine
    # The current snapshot is loaded now in the background, before the first visitor asks for it, and each
    # new one as soon as the child process has stored it.
    snapshots.serve_from_memory(ioc_engine, settings.redis_url, settings.snapshot_check_seconds)
    start_background(settings, on_refreshed=lambda: snapshots.serve_from_memory(ioc_engine))


def cmd_scheduler(settings: Settings) -> int:
    from ioc_app import logs
    from ioc_app.scheduler import run_blocking

    require_store(settings)
    logs.configure(settings.log_format)
    run_blocking(settings)
    return 0


def run_refresh(settings: Settings, trigger: str, data_date: dt.date | None = None) -> RefreshResult:
    """One snapshot refresh; CliError if the VET database is empty or the refresh failed."""
    from data_sources import vet_db
    from ioc_app import job_lease
    from ioc_app.services import Services
    from ioc_app.snapshots import abandon_unfinished, refresh

    services = Services.from_settings(settings)
    try:
        check_store(services.ioc_engine)
        missing = missing_sqlite_file(settings.vet_database_url)
        if missing:
            raise CliError(
                f"cannot read {VET_DATABASE}: there is no file {missing}; "
                "run `python -m ioc_app init-demo` or point VET_DATABASE_URL at it"
            )
        with database(VET_DATABASE, "read"):
            empty = not vet_db.has_data(services.vet_engine)
        if empty:
            raise CliError(
                f"the VET database at {settings.vet_database_url} holds no data; "
                "run `python -m ioc_app init-demo` or point VET_DATABASE_URL at it"
            )
        # A failed computation comes back as a failed result; what escapes is the store refusing to be written.
        with (
            database(IOC_DATABASE, "write"),
            job_lease.held(services.ioc_engine, job_lease.REFRESH, settings.refresh_lease_seconds) as lease,
        ):
            if lease is None:
                holder = job_lease.current_holder(services.ioc_engine, job_lease.REFRESH)
                who = f"{holder.holder} until {holder.expires_at:%H:%M:%S} UTC" if holder else "another process"
                raise CliError(f"another refresh is running ({who}); the snapshot it makes will be the newest")
            abandon_unfinished(services.ioc_engine)
            result = refresh(
                services.vet_engine,
                services.ioc_engine,
                trigger=trigger,
                data_date=data_date,
                rules=settings.counting_rules,
                confirm=lease.confirm,
            )
    finally:
        services.dispose()
    if result.status != "ok":
        raise CliError(f"refresh failed after {result.seconds:.1f} s ({result.error}); the previous snapshot is kept")
    from ioc_app import alert_jobs, shared_redis

    shared_redis.announce(settings.redis_url, result.run_id)
    alert_jobs.after_refresh(settings)
    return result


def missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist (None for a server database or an existing file)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    path = database.removeprefix("file:").split("?", 1)[0]
    return None if os.path.exists(path) else path


def cmd_refresh(settings: Settings, args: argparse.Namespace) -> int:
    result = run_refresh(settings, "cli", _date_arg(args.data_date))
    print(
        f"snapshot {result.run_id}: {result.rows:,} figures (series x cells x month ends) as of "
        f"{result.data_date} in {result.seconds:.1f} s"
    )
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from dataclasses import replace

    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    serve(settings)
    return 0


def cmd_tasks(settings: Settings, args: argparse.Namespace) -> int:
    if args.tasks_command == "report":
        return cmd_tasks_report(settings, args)
    return cmd_tasks_list(settings, args)


def cmd_tasks_report(settings: Settings, args: argparse.Namespace) -> int:
    from data_sources.engine import make_engine
    from ioc_app import task_progress

    on = _date_arg(args.on, "--on")
    assert on is not None  # a required option
    try:
        # Checked before the store is opened: a refused report writes nothing.
        task_progress.check_report(args.task_id, args.state, on, args.source, args.percent, args.note)
        engine = make_engine(settings.ioc_database_url)
        try:
            check_store(engine)
            saved = task_progress.record(engine, args.task_id, args.state, on, args.source, args.percent, args.note)
        finally:
            engine.dispose()
    except task_progress.ReportError as exc:
        raise CliError(str(exc)) from None
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot write {IOC_DATABASE}: {_reason(exc)}") from None
    print(f"recorded for task {saved.task}: {_report_line(saved, 'en')}")
    return 0


def cmd_tasks_list(settings: Settings, args: argparse.Namespace) -> int:
    from data_sources.engine import make_engine
    from ioc_app import task_progress

    on = _date_arg(args.on, "--on")
    with database(IOC_DATABASE, "open"):
        engine = make_engine(settings.ioc_database_url)
    try:
        check_store(engine)
        with database(IOC_DATABASE, "read"):
            if args.reports:
                found = task_progress.reports(engine)
                for rep in found:
                    print(
                        f"{rep.task:<6} {_report_line(rep, args.lang)} (recorded {rep.recorded_at:%Y-%m-%d %H:%M} UTC)"
                    )
                print(f"{len(found)} report(s)")
                return 0
            view = task_progress.tasks_view(engine, on)
    finally:
        engine.dispose()
    print(f"{t('common.data_date', args.lang)} {view.as_of.isoformat()}")
    for state in view.states:
        progress = _report_line(state.report, args.lang) if state.report else t("tasks.no_report", args.lang)
        schedule = t(f"tasks.schedule.{state.schedule}", args.lang)
        print(f"{state.task.number:<6} {state.task.period}  {schedule:<29}  {progress}")
    return 0


def check_store(engine: Engine) -> None:
    """Refuse to work on a store that is not at the code's head (one line saying what to run)."""
    from ioc_app import migrations

    try:
        migrations.require_head(engine)
    except migrations.StoreNotReady as exc:
        raise CliError(str(exc)) from None
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot open the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None


def require_store(settings: Settings) -> None:
    from data_sources.engine import make_engine

    engine = make_engine(settings.ioc_database_url)
    try:
        check_store(engine)
    finally:
        engine.dispose()


def prepare_store(settings: Settings) -> None:
    """On the serve path, an embedded SQLite store is brought to head; a server database is only checked.

    A SQLite file belongs to the one process serving it. A PostgreSQL store is shared with other
    workers and the scheduler, so its schema changes only when an operator runs ``db upgrade``.
    """
    from data_sources.engine import is_sqlite, make_engine
    from ioc_app import migrations

    engine = make_engine(settings.ioc_database_url)
    try:
        if not is_sqlite(engine):
            check_store(engine)
            return
        try:
            result = migrations.upgrade(engine)
        except migrations.StoreNotReady as exc:
            raise CliError(str(exc)) from None
        except (OSError, SQLAlchemyError) as exc:
            raise CliError(f"cannot upgrade the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
        if not result.before.at_head:
            print(result.summary(), file=sys.stderr)
    finally:
        engine.dispose()


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from data_sources.engine import make_engine
    from ioc_app import migrations

    try:
        engine = make_engine(settings.ioc_database_url)
    except (OSError, SQLAlchemyError, ValueError) as exc:
        raise CliError(f"cannot open the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    try:
        if args.db_command == "upgrade":
            print(migrations.upgrade(engine).summary())
            return 0
        found = migrations.state(engine)
    except migrations.StoreNotReady as exc:
        raise CliError(str(exc)) from None
    except (OSError, SQLAlchemyError) as exc:
        action = "upgrade" if args.db_command == "upgrade" else "read"
        raise CliError(f"cannot {action} the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    finally:
        engine.dispose()
    advice = "" if found.at_head or not found.known else f"; run `{migrations.UPGRADE_COMMAND}`"
    print(f"IOC store at {found.url}: {found.describe()}{advice}")
    return 0 if found.at_head else 1


def _report_line(report: ProgressReport, lang: str) -> str:
    percent = "" if report.percent is None else f" {report.percent}%"
    note = f"; {report.note}" if report.note else ""
    return (
        f"{t(f'tasks.reported.{report.state}', lang)}{percent}; {t('tasks.reported_on', lang)} "
        f"{report.reported_on.isoformat()}; {t('tasks.source', lang)}: {report.source}{note}"
    )


# --- accounts and tokens ------------------------------------------------------------------------------------


def _new_password(name: str) -> str:
    """IOC_NEW_PASSWORD, else typed twice at a prompt; checked before anything is written."""
    import getpass
    import os

    from ioc_app.accounts import check_password

    password = os.environ.get("IOC_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password: set IOC_NEW_PASSWORD (standard input is not a terminal)")
        password = getpass.getpass(f"New password for {name}: ")
        if getpass.getpass("Repeat it: ") != password:
            raise CliError("the two passwords differ; nothing was changed")
    check_password(password, name)
    return password


def _ioc_engine(settings: Settings):  # type: ignore[no-untyped-def]  # an Engine; sqlalchemy is imported lazily here
    from data_sources.engine import make_engine

    try:
        return make_engine(settings.ioc_database_url)
    except (OSError, SQLAlchemyError, ValueError) as exc:
        raise CliError(f"cannot open the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None


def _when(value: dt.datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M}"


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import accounts
    from ioc_app.audit import CLI

    try:
        # Checked before the store is opened: refused input writes nothing.
        if args.users_command == "add":
            name = accounts.check_username(args.name)
            role, province = accounts.check_role(args.role, args.province)
            password = _new_password(name)
        elif args.users_command == "set-password":
            name = accounts.check_username(args.name)
            password = _new_password(name)
        require_store(settings)
        engine = _ioc_engine(settings)
        try:
            if args.users_command == "add":
                user = accounts.add_user(engine, name, role, province, password, CLI)
                print(f"added {user.username} ({_role_line(user.role, user.province)})")
            elif args.users_command == "list":
                found = accounts.users(engine)
                for u in found:
                    state = "active" if u.active else "disabled"
                    print(
                        f"{u.username:<20} {_role_line(u.role, u.province):<14} {state:<8} "
                        f"created {_when(u.created_at)}  last sign-in {_when(u.last_login_at)} UTC"
                    )
                print(f"{len(found)} account(s)")
            elif args.users_command in ("disable", "enable"):
                user = accounts.set_active(engine, args.name, args.users_command == "enable", CLI)
                print(f"{args.users_command}d {user.username}")
            elif args.users_command == "set-password":
                user = accounts.set_password(engine, name, password, CLI)
                print(f"password set for {user.username}; their open sessions have ended")
        finally:
            engine.dispose()
    except accounts.AccountError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(f"cannot use the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    return 0


def _role_line(role: str, province: str | None) -> str:
    return f"{role} {province}" if province else role


def cmd_tokens(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import accounts
    from ioc_app.audit import CLI

    try:
        if args.tokens_command == "create":
            name = accounts.check_token_name(args.name)
            province = accounts.check_province(args.province)
            accounts.check_token_playlist(args.playlist, accounts.check_token_kind(args.kind))
        require_store(settings)
        engine = _ioc_engine(settings)
        try:
            if args.tokens_command == "create":
                token, secret = accounts.create_token(engine, name, args.kind, province, CLI, args.playlist)
                limit = f", playlist {token.playlist}" if token.playlist else ""
                print(
                    f"created {token.kind} token {token.name!r} ({token.province or 'every province'}{limit}); shown once:"
                )
                print(secret)
            elif args.tokens_command == "list":
                found = accounts.tokens(engine)
                for tok in found:
                    state = "active" if tok.active else f"revoked {_when(tok.revoked_at)}"
                    print(
                        f"{tok.name:<24} {tok.kind:<8} {tok.province or '-':<3} {tok.playlist or '-':<16} {state:<24} "
                        f"created {_when(tok.created_at)}  last used {_when(tok.last_used_at)} UTC"
                    )
                print(f"{len(found)} token(s)")
            else:
                token = accounts.revoke_token(engine, args.name, CLI)
                print(f"revoked {token.name}")
        finally:
            engine.dispose()
    except accounts.AccountError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(f"cannot use the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    import hashlib
    from pathlib import Path

    from data_sources.engine import make_engine
    from ioc_app import exports, imports
    from ioc_app.audit import CLI

    path = Path(args.file)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as fh:
            # One byte past the limit is enough to refuse a file by its size; the log has its whole hash.
            data = fh.read(settings.import_max_bytes + 1)
            digest.update(data)
            size = len(data)
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    require_store(settings)
    ioc = _ioc_engine(settings)
    vet = make_engine(settings.submissions_database_url or settings.vet_database_url)
    try:
        with database(VET_DATABASE, "read"):
            result = imports.run_import(
                vet,
                ioc,
                path.name,
                data,
                max_bytes=settings.import_max_bytes,
                kind=args.kind,
                dry_run=args.dry_run,
                identity=CLI,
                whole_file=(size, digest.hexdigest()),
            )
    finally:
        vet.dispose()
        ioc.dispose()
    lang = args.lang
    print(f"{path.name} (sha256 {result.file_sha256}, {result.kind or '-'}):")
    for line in imports.summary_lines(result, lang):
        print(line)
    for problem in result.problems:
        where = imports.row_label(problem, lang)
        column = imports.column_label(result.kind, problem.column, lang)
        value = f" [{problem.value}]" if problem.value else ""
        label = t("import.col_row", lang) if problem.row is not None else ""
        print(
            f"  {label} {where}{', ' + column if column else ''}{value}: {imports.problem_text(problem, lang)}".replace(
                "   ", "  "
            )
        )
    if args.errors and result.problems:
        frame = imports.problems_frame(result.kind, result.problems, lang)
        out = Path(args.errors)
        out.write_bytes(
            exports.xlsx_bytes(frame, sheet="errors") if out.suffix.lower() == ".xlsx" else exports.csv_bytes(frame)
        )
        print(f"problems written to {out}")
    return 2 if result.outcome == "refused" else 0
