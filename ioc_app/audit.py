"""The audit log: who did what, when, from where. Rows are added, never changed or removed.

``record(action, ...)`` can be called from anywhere in ``ioc_app``: in a request it takes the
request's identity, client address and the app's IOC store; outside one (command line, scheduler)
the caller passes the engine and an identity (the command line acts as :data:`CLI`). Account
changes add their row in the same transaction as the change (:func:`entry`), so neither is
written without the other.

The client address is ``request.remote_addr``; behind a reverse proxy the app believes
X-Forwarded-For only when the ``trust_proxy`` setting is on (``ioc_app.auth`` installs ProxyFix).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from flask import current_app, has_request_context, request
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ioc_app.identity import ADMIN, Identity, current_identity
from ioc_app.store import AuditEntry

CLI: Final = Identity("cli", ADMIN)
ANONYMOUS: Final = "anonymous"
# The actions the app records (others may be added by later changes; the column is free text).
ACTIONS: Final = (
    "login_ok",
    "login_failed",
    "logout",
    "session_expired",
    "token_login",
    "denied",
    "export",
    "import",
    "user_added",
    "user_disabled",
    "user_enabled",
    "password_set",
    "role_set",
    "token_created",
    "token_revoked",
    "playlist_saved",
    "playlist_edited",
    "playlist_deleted",
    "alert_acknowledged",
)
VIETNAM_UTC_OFFSET: Final = dt.timedelta(hours=7)  # Vietnam keeps UTC+7 all year
_TARGET_MAX, _DETAIL_MAX, _ACTOR_MAX = 300, 2000, 60


@dataclass(frozen=True)
class Entry:
    at: dt.datetime  # UTC, naive
    actor: str
    role: str
    address: str
    action: str
    target: str
    detail: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def entry(action: str, target: str = "", detail: str = "", identity: Identity | None = None) -> AuditEntry:
    """The row for one event (not yet written): for callers that write it within their own transaction."""
    in_request = has_request_context()
    who = identity if identity is not None else current_identity()
    return AuditEntry(
        at=_now(),
        actor=(who.name if who else ANONYMOUS)[:_ACTOR_MAX],
        role=who.role if who else "",
        address=((request.remote_addr or "") if in_request else "")[:64],
        action=action[:30],
        target=(target or "")[:_TARGET_MAX],
        detail=(detail or "")[:_DETAIL_MAX],
    )


def record(
    action: str,
    target: str = "",
    detail: str = "",
    identity: Identity | None = None,
    *,
    engine: Engine | None = None,
) -> None:
    """Write one event. ``identity`` defaults to the request's (anonymous when nobody signed in)."""
    if engine is None:
        if not has_request_context():
            raise RuntimeError("outside a request, audit.record needs the IOC store's engine")
        engine = current_app.config["IOC_SERVICES"].ioc_engine
    row = entry(action, target, detail, identity)
    with Session(engine) as s, s.begin():
        s.add(row)


def denied(target: str, detail: str = "", identity: Identity | None = None, *, engine: Engine | None = None) -> None:
    """Record a refused access (a page, a figure or a province outside the identity's reach)."""
    record("denied", target, detail, identity, engine=engine)


def _utc_bounds(since: dt.date | None, until: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Calendar days in Vietnam time, as UTC instants [start, end)."""
    start = None if since is None else dt.datetime.combine(since, dt.time()) - VIETNAM_UTC_OFFSET
    end = None if until is None else dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) - VIETNAM_UTC_OFFSET
    return start, end


def entries(
    engine: Engine,
    action: str | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = 1000,
) -> tuple[list[Entry], int]:
    """Events newest first, filtered by action, actor (part of the name, any case) and days (Vietnam time,
    both included); at most ``limit`` of them, with how many matched in all."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(func.lower(AuditEntry.actor).contains(actor.strip().lower(), autoescape=True))
    start, end = _utc_bounds(since, until)
    if start is not None:
        query = query.where(AuditEntry.at >= start)
    if end is not None:
        query = query.where(AuditEntry.at < end)
    with Session(engine) as s:
        total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
        ordered = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if limit is not None:
            ordered = ordered.limit(limit)
        rows = [Entry(r.at, r.actor, r.role, r.address, r.action, r.target, r.detail) for r in s.scalars(ordered)]
    return rows, total


def recorded_actions(engine: Engine) -> list[str]:
    """Every action that occurs in the log, and the known ones, sorted (for the filter)."""
    with Session(engine) as s:
        found = set(s.scalars(select(AuditEntry.action).distinct()))
    return sorted(found | set(ACTIONS))
