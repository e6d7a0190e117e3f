"""``python -m ioc_app brief``: the meeting brief of the nation or one province as a PDF (and its
tables as .xlsx), so it can be scheduled like any command.

A bad scope or date, no snapshot on or before the date, or a file that cannot be written is one line
on stderr, exit 2. Run outside a request, the command reads as the system (every province).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ioc_app.cli import IOC_DATABASE, CliError, _date_arg, _reason, require_store
from ioc_app.settings import Settings


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "brief",
        help="write the meeting brief (PDF, and its tables as .xlsx)",
        description="Write the meeting brief of the nation or one province: the cover with the data date, the "
        "twelve targets with their status, the province table, the map, the targets at risk with their "
        "paragraphs and the focus tasks' schedule. The figures are those of the snapshot whose data date is "
        "the latest on or before --date (the newest without it).",
    )
    cmd.add_argument("--scope", default="national", help="'national' (default) or a province's two-digit code")
    cmd.add_argument("--date", default=None, help="YYYY-MM-DD: the newest snapshot with a data date on or before it")
    cmd.add_argument("--output", required=True, help="the PDF file to write")
    cmd.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default vi)")
    cmd.add_argument("--xlsx", default=None, help="also write the brief's tables to this .xlsx file")
    cmd.add_argument("--map-target", default=None, help="the target the map shows (default: the furthest behind)")


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_brief(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import audit, brief, brief_pdf, brief_xlsx
    from ioc_app.audit import CLI
    from ioc_app.services import Services

    try:
        unit = brief.parse_scope(args.scope)  # checked before any database is opened
    except brief.BriefError as exc:
        raise CliError(str(exc)) from None
    day = _date_arg(args.date, "--date")
    require_store(settings)
    services = Services.from_settings(settings)
    authority = settings.authority_name_en if args.lang == "en" else settings.authority_name_vi
    try:
        snapshot = brief.snapshot_for(services, day)
        made = brief.build(services, snapshot, unit, args.lang, args.map_target)
        _write(args.output, brief_pdf.pdf_bytes(made, authority, settings.boundaries_34_path))
        if args.xlsx:
            _write(args.xlsx, brief_xlsx.xlsx_bytes(made, authority))
        detail = f"{made.scope_name}, {made.data_date.isoformat()}"
        audit.record("export", Path(args.output).name, detail, CLI, engine=services.ioc_engine)
    except brief.BriefError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read {IOC_DATABASE}: {_reason(exc)}") from None
    finally:
        services.dispose()
    also = f" and {args.xlsx}" if args.xlsx else ""
    print(f"wrote {args.output}{also}: {made.scope_name}, data as of {made.data_date.isoformat()}")
    return 0
