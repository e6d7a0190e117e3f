"""Command line: ``python -m ioc_app <command>``. Errors are one line on stderr and exit 2."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from sqlalchemy.exc import SQLAlchemyError

from ioc_app.focus_tasks import REPORTED_STATES
from ioc_app.i18n import t
from ioc_app.identity import ROLES, TOKEN_KINDS
from ioc_app.settings import Settings, SettingsError

if TYPE_CHECKING:
    from dash import Dash

    from data_sources.demo import DemoReport
    from ioc_app.focus_tasks import ProgressReport
    from ioc_app.snapshots import RefreshResult


class CliError(Exception):
    """A user-facing error: printed as one line, no traceback."""


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
        choices=("small", "national"),
        default="national",
        help="small: ~60 institutions (tests); national: ~1,900 institutions, 2M+ learners",
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
    tokens_sub.add_parser("list", help="list the tokens", description="List the tokens (never their secrets).")
    revoke = tokens_sub.add_parser("revoke", help="revoke a token", description="Revoke a token for good.")
    revoke.add_argument("name", metavar="NAME")

    serve = sub.add_parser("serve", help="serve the dashboard", description="Serve the dashboard (like python app.py).")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "init-demo":
            return cmd_init_demo(settings, args)
        if args.command == "refresh":
            return cmd_refresh(settings, args)
        if args.command == "scheduler":
            return cmd_scheduler(settings)
        if args.command == "serve":
            return cmd_serve(settings, args)
        if args.command == "tasks":
            return cmd_tasks(settings, args)
        if args.command == "users":
            return cmd_users(settings, args)
        if args.command == "tokens":
            return cmd_tokens(settings, args)
    except (CliError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return 2


def _date_arg(raw: str | None, option: str = "--data-date") -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CliError(f"{option} must be a date YYYY-MM-DD, got {raw!r}") from None


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
    from data_sources.engine import make_engine

    engine = make_engine(settings.vet_database_url)
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

    engine = make_engine(settings.ioc_database_url)
    try:
        missing = latest_run(engine) is None
    finally:
        engine.dispose()
    if missing:
        print("Computing the first indicator snapshot...", file=sys.stderr)
        result = run_refresh(settings, "first-run")
        print(f"Snapshot ready: {result.rows:,} figures in {result.seconds:.1f} s.", file=sys.stderr)


def prepare_and_serve(app: Dash, settings: Settings) -> None:
    """Build what the first run needs, then serve on the configured host and port."""
    try:
        ensure_demo_data(settings)
        ensure_snapshot(settings)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    _start_embedded_scheduler(app, settings)
    print(f"VET IOC dashboard: http://{settings.host}:{settings.port}/", file=sys.stderr)
    app.run(host=settings.host, port=settings.port, debug=settings.debug)


def _start_embedded_scheduler(app: Dash, settings: Settings) -> None:
    """Single-process serving refreshes in the background; not in the reloader's watcher process."""
    import os

    if settings.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    from ioc_app import snapshots
    from ioc_app.scheduler import start_background

    ioc_engine = app.server.config["IOC_SERVICES"].ioc_engine
    start_background(settings, on_refreshed=lambda: snapshots.current(ioc_engine))
    # Load the current snapshot now, before the first visitor asks for it.
    snapshots.current(ioc_engine)


def cmd_scheduler(settings: Settings) -> int:
    import logging

    from ioc_app.scheduler import run_blocking

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_blocking(settings)
    return 0


def run_refresh(settings: Settings, trigger: str, data_date: dt.date | None = None) -> RefreshResult:
    """One snapshot refresh; CliError if the VET database is empty or the refresh failed."""
    from data_sources import vet_db
    from ioc_app.services import Services
    from ioc_app.snapshots import refresh

    services = Services.from_settings(settings)
    try:
        if not vet_db.has_data(services.vet_engine):
            raise CliError(
                f"the VET database at {settings.vet_database_url} holds no data; "
                "run `python -m ioc_app init-demo` or point VET_DATABASE_URL at it"
            )
        result = refresh(
            services.vet_engine,
            services.ioc_engine,
            trigger=trigger,
            data_date=data_date,
            rules=settings.counting_rules,
        )
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the databases: {_reason(exc)}") from None
    finally:
        services.dispose()
    if result.status != "ok":
        raise CliError(f"refresh failed after {result.seconds:.1f} s ({result.error}); the previous snapshot is kept")
    return result


def cmd_refresh(settings: Settings, args: argparse.Namespace) -> int:
    result = run_refresh(settings, "cli", _date_arg(args.data_date))
    print(
        f"snapshot {result.run_id}: {result.rows:,} figures (series x cells x month ends) as of "
        f"{result.data_date} in {result.seconds:.1f} s"
    )
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ioc_app.app_factory import create_app

    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    prepare_and_serve(create_app(settings), settings)
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
            saved = task_progress.record(engine, args.task_id, args.state, on, args.source, args.percent, args.note)
        finally:
            engine.dispose()
    except task_progress.ReportError as exc:
        raise CliError(str(exc)) from None
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot write the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    print(f"recorded for task {saved.task}: {_report_line(saved, 'en')}")
    return 0


def cmd_tasks_list(settings: Settings, args: argparse.Namespace) -> int:
    from data_sources.engine import make_engine
    from ioc_app import task_progress

    on = _date_arg(args.on, "--on")
    try:
        engine = make_engine(settings.ioc_database_url)
    except (OSError, SQLAlchemyError) as exc:
        raise CliError(f"cannot open the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    try:
        if args.reports:
            found = task_progress.reports(engine)
            for rep in found:
                print(f"{rep.task:<6} {_report_line(rep, args.lang)} (recorded {rep.recorded_at:%Y-%m-%d %H:%M} UTC)")
            print(f"{len(found)} report(s)")
            return 0
        view = task_progress.tasks_view(engine, on)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    finally:
        engine.dispose()
    print(f"{t('common.data_date', args.lang)} {view.as_of.isoformat()}")
    for state in view.states:
        progress = _report_line(state.report, args.lang) if state.report else t("tasks.no_report", args.lang)
        schedule = t(f"tasks.schedule.{state.schedule}", args.lang)
        print(f"{state.task.number:<6} {state.task.period}  {schedule:<29}  {progress}")
    return 0


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
        engine = _ioc_engine(settings)
        try:
            if args.tokens_command == "create":
                token, secret = accounts.create_token(engine, name, args.kind, province, CLI)
                print(f"created {token.kind} token {token.name!r} ({token.province or 'every province'}); shown once:")
                print(secret)
            elif args.tokens_command == "list":
                found = accounts.tokens(engine)
                for tok in found:
                    state = "active" if tok.active else f"revoked {_when(tok.revoked_at)}"
                    print(
                        f"{tok.name:<24} {tok.kind:<8} {tok.province or '-':<3} {state:<24} "
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
