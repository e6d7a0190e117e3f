"""Alerts: the rules evaluated against the newest data, their state in the IOC store, reading and acknowledging.

Evaluation is idempotent: an alert whose condition still holds stays raised (``last_seen`` moves),
one whose condition no longer holds is cleared, a new one is raised; evaluating twice changes
nothing but ``last_seen``. It runs under a lease of its own, so the refresh's evaluation and the
scheduler's timer never both write. Who may read an alert is decided here, from the identity: a
province user sees and acknowledges their province's alerts only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc_app import alert_checks, audit, job_lease
from ioc_app.alert_checks import Finding
from ioc_app.alert_rules import BELOW_PATH, NO_SUBMISSION, SNAPSHOT_KINDS, STALE_REFRESH, STATUS_DROP, Rule, Rules
from ioc_app.identity import Identity, current_identity
from ioc_app.snapshots import Snapshot
from ioc_app.store import Alert as AlertRow
from ioc_app.store import AlertStatus

log = logging.getLogger(__name__)
LEASE = "alert-evaluation"
LEASE_SECONDS = 120
LEASE_WAIT_SECONDS, LEASE_RETRY_SECONDS = 30.0, 1.0
ACKNOWLEDGED = "alert_acknowledged"  # the audit log's action


class AlertError(Exception):
    """An acknowledgement refused; ``key`` is its message in the texts catalogue."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Alert:
    id: int
    rule_id: str
    kind: str
    severity: str
    key: str
    province: str | None
    raised_at: dt.datetime
    last_seen: dt.datetime
    cleared_at: dt.datetime | None
    detail: dict[str, Any]
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


@dataclass(frozen=True)
class Evaluation:
    raised: tuple[Alert, ...]
    cleared: tuple[Alert, ...]
    kept: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _alert(row: AlertRow) -> Alert:
    return Alert(
        row.id,
        row.rule_id,
        row.kind,
        row.severity,
        row.key,
        row.province,
        row.raised_at,
        row.last_seen,
        row.cleared_at,
        json.loads(row.detail or "{}"),
        row.acknowledged_by,
        row.acknowledged_at,
    )


# --- evaluation ------------------------------------------------------------------------------------


def evaluate(
    engine: Engine,
    rules: Rules,
    snapshot: Snapshot | None,
    now: dt.datetime | None = None,
    kinds: Collection[str] | None = None,
    wait_seconds: float = LEASE_WAIT_SECONDS,
) -> Evaluation | None:
    """Evaluate the rules (of ``kinds``, all by default) and store the outcome; None when another process
    kept evaluating for ``wait_seconds``. Rules that read the snapshot are skipped without one (their alerts
    stay as they are)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with job_lease.held(engine, LEASE, LEASE_SECONDS) as lease:
            if lease is not None:
                return _evaluate(engine, rules, snapshot, now or _now(), kinds)
        # The timer's short evaluation holds it: wait rather than skip the one after a refresh.
        if time.monotonic() >= deadline:
            return None
        time.sleep(LEASE_RETRY_SECONDS)


def _evaluate(
    engine: Engine, rules: Rules, snapshot: Snapshot | None, now: dt.datetime, kinds: Collection[str] | None
) -> Evaluation:
    chosen = [r for r in rules.rules if (kinds is None or r.kind in kinds)]
    runnable = [r for r in chosen if snapshot is not None or r.kind not in SNAPSHOT_KINDS]
    # Read before the writing transaction opens (a SQLite writer holds the file).
    findings = {r.id: _findings(r, snapshot, engine, now) for r in runnable if r.kind != STATUS_DROP}
    with Session(engine) as s, s.begin():
        for r in runnable:
            if r.kind == STATUS_DROP:
                assert snapshot is not None  # snapshot kinds are skipped without one
                findings[r.id] = alert_checks.status_drop(r, *_compared_statuses(s, r, snapshot, now))
        open_rows = list(s.scalars(select(AlertRow).where(AlertRow.cleared_at.is_(None))))
        # A full evaluation also clears alerts of rules no longer in the file.
        retired = [row for row in open_rows if kinds is None and row.rule_id not in rules.by_id()]
        by_rule: dict[str, dict[str, AlertRow]] = {}
        for row in open_rows:
            by_rule.setdefault(row.rule_id, {})[row.key] = row
        raised: list[AlertRow] = []
        cleared: list[AlertRow] = []
        kept = 0
        for rule in runnable:
            current = by_rule.get(rule.id, {})
            seen = set()
            for f in findings[rule.id]:
                seen.add(f.key)
                hit = current.get(f.key)
                if hit is None:
                    new = AlertRow(
                        rule_id=rule.id,
                        kind=rule.kind,
                        severity=rule.severity,
                        key=f.key,
                        province=f.province,
                        raised_at=now,
                        last_seen=now,
                        cleared_at=None,
                        detail=json.dumps(f.detail, ensure_ascii=False),
                    )
                    s.add(new)
                    raised.append(new)
                else:
                    hit.last_seen, hit.detail, hit.severity = (
                        now,
                        json.dumps(f.detail, ensure_ascii=False),
                        rule.severity,
                    )
                    kept += 1
            for key, row in current.items():
                if key not in seen:
                    row.cleared_at = now
                    cleared.append(row)
        for row in retired:
            row.cleared_at = now
            cleared.append(row)
        s.flush()
        return Evaluation(tuple(map(_alert, raised)), tuple(map(_alert, cleared)), kept)


def _findings(rule: Rule, snapshot: Snapshot | None, engine: Engine, now: dt.datetime) -> list[Finding]:
    if rule.kind == BELOW_PATH:
        assert snapshot is not None  # snapshot kinds are skipped without one
        return alert_checks.below_path(rule, snapshot)
    if rule.kind == STALE_REFRESH:
        return alert_checks.stale_refresh(rule, engine, now)
    if rule.kind == NO_SUBMISSION:
        return alert_checks.no_submission(rule, engine, now)
    raise AssertionError(rule.kind)  # the rules file admits these kinds only


def _compared_statuses(
    s: Session, rule: Rule, snapshot: Snapshot, now: dt.datetime
) -> tuple[dict[str, str], dict[str, str | None]]:
    """The statuses at this snapshot, and at the snapshot evaluated before it (stored in ``alert_status``).

    A new snapshot moves the stored status to ``previous``; evaluating the same snapshot again leaves
    both as they are, so the comparison (and the alert) stays the same."""
    target = rule.param("target")
    now_statuses = alert_checks.statuses_now(rule, snapshot)
    stored = {r.unit: r for r in s.scalars(select(AlertStatus).where(AlertStatus.indicator == target))}
    before: dict[str, str | None] = {}
    for unit, state in now_statuses.items():
        row = stored.get(unit)
        if row is None:
            s.add(
                AlertStatus(
                    indicator=target, unit=unit, refresh_id=snapshot.run.id, status=state, previous=None, updated_at=now
                )
            )
            before[unit] = None
            continue
        if row.refresh_id != snapshot.run.id:
            row.previous, row.status, row.refresh_id, row.updated_at = row.status, state, snapshot.run.id, now
        before[unit] = row.previous
    return now_statuses, before


# --- reading ---------------------------------------------------------------------------------------


def _visible(query: Any, identity: Identity | None) -> Any:
    if identity is None:
        return query.where(AlertRow.id.is_(None))  # nobody signed in reads nothing
    if identity.sees_everything:
        return query
    return query.where(AlertRow.province == identity.province)


def alerts(
    engine: Engine,
    identity: Identity | None,
    state: str = "open",
    rule_id: str | None = None,
    severity: str | None = None,
    limit: int = 500,
) -> list[Alert]:
    """Alerts newest first, as ``identity`` may read them: ``state`` open, cleared or all."""
    query = _visible(select(AlertRow), identity)
    if state == "open":
        query = query.where(AlertRow.cleared_at.is_(None))
    elif state == "cleared":
        query = query.where(AlertRow.cleared_at.is_not(None))
    if rule_id:
        query = query.where(AlertRow.rule_id == rule_id)
    if severity:
        query = query.where(AlertRow.severity == severity)
    with Session(engine) as s:
        rows = s.scalars(query.order_by(AlertRow.raised_at.desc(), AlertRow.id.desc()).limit(limit))
        return [_alert(r) for r in rows]


def open_alerts(engine: Engine, identity: Identity | None, limit: int = 500) -> list[Alert]:
    """The open alerts ``identity`` may read (for the wall display and the overview)."""
    return alerts(engine, identity, "open", limit=limit)


def open_alert_count(engine: Engine, identity: Identity | None) -> int:
    query = _visible(select(func.count()).select_from(AlertRow), identity).where(AlertRow.cleared_at.is_(None))
    with Session(engine) as s:
        return int(s.scalar(query) or 0)


def readers_open_count(engine: Engine) -> int | None:
    """The open alerts this request's identity may see; None when they cannot be counted now (the store out
    of reach: the overview then shows no badge rather than an error)."""
    try:
        return open_alert_count(engine, current_identity())
    except SQLAlchemyError:
        log.warning("open alerts not counted: the IOC store cannot be read", exc_info=True)
        return None


def rule_ids(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return sorted(s.scalars(select(AlertRow.rule_id).distinct()))


# --- acknowledging ---------------------------------------------------------------------------------


def acknowledge(engine: Engine, alert_id: int, identity: Identity | None) -> Alert:
    """Mark an alert seen by ``identity``, with its audit entry in the same transaction.

    AlertError: not found or not this identity's to see (one answer for both, so a province user
    learns nothing of other provinces), or acknowledged already."""
    if identity is None:
        raise AlertError("alerts.not_found")
    with Session(engine) as s, s.begin():
        row = s.scalars(_visible(select(AlertRow), identity).where(AlertRow.id == alert_id)).first()
        if row is None:
            raise AlertError("alerts.not_found")
        if row.acknowledged_at is not None:
            raise AlertError("alerts.already_acknowledged")
        now = _now()
        done = s.connection().execute(
            update(AlertRow)
            .where(AlertRow.id == alert_id, AlertRow.acknowledged_at.is_(None))
            .values(acknowledged_by=identity.name[:60], acknowledged_at=now)
        )
        if done.rowcount != 1:  # acknowledged by someone else meanwhile
            raise AlertError("alerts.already_acknowledged")
        s.add(audit.entry(ACKNOWLEDGED, f"alert {alert_id}: {row.rule_id} {row.key}".strip(), row.detail, identity))
        s.flush()
        s.refresh(row)
        return _alert(row)


def newly_raised(evaluation: Evaluation | None) -> Iterable[Alert]:
    return () if evaluation is None else evaluation.raised
