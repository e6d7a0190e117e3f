"""``python -m ioc_app alerts evaluate|list``: the alert rules evaluated now, and the alerts stored.

A broken rules file, a store behind head or another evaluation running is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ioc_app.cli import IOC_DATABASE, CliError, _ioc_engine, _reason, _when, require_store
from ioc_app.settings import Settings


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "alerts",
        help="evaluate the alert rules now, or list the alerts",
        description="Evaluate the alert rules (IOC_ALERT_RULES_PATH, else the built-in ioc_app/alert_rules.toml) "
        "against the newest snapshot, the refresh runs and the import log, and e-mail the newly raised alerts "
        "(IOC_SMTP_HOST); or list the stored alerts.",
    )
    alerts_sub = cmd.add_subparsers(dest="alerts_command", required=True, metavar="{evaluate,list}")
    alerts_sub.add_parser("evaluate", help="evaluate every rule now", description="Evaluate every rule now.")
    listing = alerts_sub.add_parser("list", help="list the alerts, newest first", description="List the alerts.")
    listing.add_argument("--open", action="store_true", help="open alerts only")
    listing.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the details (default vi)")


def cmd_alerts(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import alert_mail, alert_rules, alerts, snapshots
    from ioc_app.alert_texts import describe, province_label
    from ioc_app.audit import CLI

    try:
        rules = alert_rules.load(settings.alert_rules_path) if args.alerts_command == "evaluate" else None
    except alert_rules.RulesError as exc:
        raise CliError(str(exc)) from None
    require_store(settings)
    engine = _ioc_engine(settings)
    try:
        if rules is not None:
            evaluation = alerts.evaluate(engine, rules, snapshots.read_latest(engine))
            if evaluation is None:
                raise CliError("another process is evaluating the alerts now; try again in a minute")
            sent = alert_mail.send(settings.smtp_host, settings.smtp_port, settings.smtp_from, rules, evaluation.raised)
            print(
                f"{len(evaluation.raised)} raised, {len(evaluation.cleared)} cleared, {evaluation.kept} still open; "
                f"{sent} e-mail message(s) sent"
            )
            return 0
        for a in alerts.alerts(engine, CLI, "open" if args.open else "all", limit=10_000):
            state = "open" if a.is_open else f"cleared {_when(a.cleared_at)}"
            ack = f"  acknowledged by {a.acknowledged_by}" if a.acknowledged_by else ""
            print(
                f"{a.id:>6}  {_when(a.raised_at)} UTC  {a.severity:<8} {a.rule_id:<24} "
                f"{province_label(a.province, args.lang)}: {describe(a, args.lang)}  [{state}]{ack}"
            )
        return 0
    except SQLAlchemyError as exc:
        raise CliError(f"cannot use {IOC_DATABASE}: {_reason(exc)}") from None
    finally:
        engine.dispose()
