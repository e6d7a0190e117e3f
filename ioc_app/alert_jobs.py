"""When alerts are evaluated: after each successful refresh (every rule), and on the scheduler's timer (the
rules that need no new snapshot, so "no successful refresh" is raised even while every refresh fails).

Each run reads the rules file afresh (an edit takes effect at the next run), stores the outcome and
e-mails the newly raised alerts. A broken rules file or any failure is logged and ends the run:
it never breaks the refresh that called it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from data_sources.engine import make_engine
from ioc_app import alert_mail, alert_rules, alerts, snapshots
from ioc_app.alert_rules import KINDS, SNAPSHOT_KINDS
from ioc_app.settings import Settings

log = logging.getLogger(__name__)
TIMED_KINDS = frozenset(KINDS) - SNAPSHOT_KINDS


def run(settings: Settings, kinds: Collection[str] | None = None) -> alerts.Evaluation | None:
    """Evaluate the rules (of ``kinds``, all by default) and e-mail what they raised; None when not run."""
    try:
        rules = alert_rules.load(settings.alert_rules_path)
    except alert_rules.RulesError as exc:
        log.error("alerts not evaluated: %s", exc)
        return None
    engine = make_engine(settings.ioc_database_url)
    try:
        needs_snapshot = kinds is None or bool(set(kinds) & SNAPSHOT_KINDS)
        # Read for this run only: the web process's snapshot cache is not this job's to fill.
        snapshot = snapshots.read_latest(engine) if needs_snapshot else None
        evaluation = alerts.evaluate(engine, rules, snapshot, kinds=kinds)
    except Exception:
        log.exception("alert evaluation failed")
        return None
    finally:
        engine.dispose()
    if evaluation is None:
        log.info("alert evaluation skipped: another process is evaluating")
        return None
    log.info(
        "alerts: %s raised, %s cleared, %s still open", len(evaluation.raised), len(evaluation.cleared), evaluation.kept
    )
    alert_mail.send(settings.smtp_host, settings.smtp_port, settings.smtp_from, rules, evaluation.raised)
    return evaluation


def after_refresh(settings: Settings) -> alerts.Evaluation | None:
    return run(settings)


def on_timer(settings: Settings) -> alerts.Evaluation | None:
    return run(settings, TIMED_KINDS)
