"""What each kind of alert rule finds, from the snapshot, the refresh runs and the import log.

Per-province figures and statuses come from ``ioc_app.provincial`` (the one per-province
computation); this module only compares them. Each check returns findings: the key it found the
condition on (a unit's code, "nation" or ""), the current province it concerns (for scoping and
e-mail) and the figures behind it, which the pages and messages render in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geo import provinces as geo
from ioc_app.alert_rules import Rule
from ioc_app.indicators import registry, status
from ioc_app.provincial import STATUS_MODE, provincial_table, unit_values_at
from ioc_app.snapshots import Snapshot, latest_run
from ioc_app.store import SubmissionImport

PATH_START = dt.date(2021, 12, 31)  # the month end of the decision (30/12/2021): where every path starts
PATH_END = dt.date(2030, 12, 31)
VIETNAM_UTC_OFFSET = dt.timedelta(hours=7)
ACCEPTED = ("applied", "unchanged")  # outcomes of an import that count as the province's submission
NATION = "nation"
# Worse statuses rank higher; the others (no data, no projection, not measured) are not compared.
STATUS_RANK: Mapping[str, int] = {
    status.ACHIEVED: 0,
    status.ON_TRACK: 1,
    status.AT_RISK: 2,
    status.OFF_TRACK: 3,
    status.MISSED: 4,
}


@dataclass(frozen=True)
class Finding:
    key: str
    province: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def current_code(level: str, code: str) -> str:
    return code if level == "34" else geo.current_code_of(code)


def unit_key(level: str, code: str) -> str:
    return code if level == "34" else f"63-{code}"


# --- below_path ------------------------------------------------------------------------------------


def path_value(start: float, target: float, on: dt.date) -> float:
    """The straight line from ``start`` at December 2021 to ``target`` at the end of 2030, at a date."""
    share = (on - PATH_START).days / (PATH_END - PATH_START).days
    return start + (target - start) * min(max(share, 0.0), 1.0)


def below_path(rule: Rule, snapshot: Snapshot) -> list[Finding]:
    code, level = rule.param("target"), rule.param("level")
    table = provincial_table(snapshot, code, level)
    target = next(t.value for t in table.indicator.targets if t.year == PATH_END.year)
    if table.mode != STATUS_MODE or table.series is None:
        return []
    start = unit_values_at(snapshot, table.series, table.level, PATH_START)
    if start is None:
        return []
    as_of = table.as_of
    found = []
    for unit, fig, num, den in zip(table.units, table.figures, *start, strict=True):
        if fig.value is None or not den:
            continue  # no population now or in December 2021: no path to compare with
        path = path_value(float(num) / float(den), target, as_of)
        if fig.value < path - status.EPS:
            found.append(
                Finding(
                    unit_key(level, unit.code),
                    current_code(level, unit.code),
                    {
                        "target": code,
                        "level": level,
                        "unit": unit.code,
                        "value": fig.value,
                        "path": path,
                        "start": float(num) / float(den),
                        "goal": target,
                        "as_of": as_of.isoformat(),
                    },
                )
            )
    return found


# --- status_drop -----------------------------------------------------------------------------------


def statuses_now(rule: Rule, snapshot: Snapshot) -> dict[str, str]:
    """The target's headline status for the nation and, when the rule asks, each current province:
    by unit ("nation", "34:79")."""
    table = provincial_table(snapshot, rule.param("target"), "34")
    out: dict[str, str] = {}
    if table.national.headline is not None:
        out[NATION] = table.national.headline.status
    if rule.param("provincial") and table.mode == STATUS_MODE:
        for unit, fig in zip(table.units, table.figures, strict=True):
            if fig.headline is not None:
                out[f"34:{unit.code}"] = fig.headline.status
    return out


def status_drop(rule: Rule, now: Mapping[str, str], before: Mapping[str, str | None]) -> list[Finding]:
    """Units whose status is worse now than at the snapshot evaluated before."""
    found = []
    for unit, state in now.items():
        previous = before.get(unit)
        if previous is None or state not in STATUS_RANK or previous not in STATUS_RANK:
            continue
        if STATUS_RANK[state] > STATUS_RANK[previous]:
            province = None if unit == NATION else unit.split(":", 1)[1]
            found.append(
                Finding(
                    unit if unit == NATION else province or "",
                    province,
                    {"target": rule.param("target"), "unit": province, "from": previous, "to": state},
                )
            )
    return found


# --- stale_refresh ---------------------------------------------------------------------------------


def stale_refresh(rule: Rule, engine: Engine, now: dt.datetime) -> list[Finding]:
    run = latest_run(engine)
    limit = dt.timedelta(hours=rule.param("hours"))
    if run is not None and now - run.finished_at <= limit:
        return []
    last = None if run is None else run.finished_at.isoformat()
    return [Finding("", None, {"hours": rule.param("hours"), "last_ok": last})]


# --- no_submission ---------------------------------------------------------------------------------


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "year":
        return day.replace(month=1, day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def no_submission(rule: Rule, engine: Engine, now: dt.datetime) -> list[Finding]:
    """Current provinces without an accepted (not dry-run) import of the kind since the period began
    (Vietnam time), once ``grace_days`` of the period have passed. A province's import is one its own
    officials made (the log keeps the importer's province; an admin's import may span provinces)."""
    today = (now + VIETNAM_UTC_OFFSET).date()
    start = period_start(today, rule.param("period"))
    if (today - start).days < rule.param("grace_days"):
        return []
    since = dt.datetime.combine(start, dt.time()) - VIETNAM_UTC_OFFSET
    with Session(engine) as s:
        done = set(
            s.scalars(
                select(SubmissionImport.actor_province)
                .where(
                    SubmissionImport.kind == rule.param("submission"),
                    SubmissionImport.outcome.in_(ACCEPTED),
                    SubmissionImport.dry_run.is_(False),
                    SubmissionImport.at >= since,
                )
                .distinct()
            )
        )
    detail = {"submission": rule.param("submission"), "period": rule.param("period"), "since": start.isoformat()}
    return [Finding(p.code, p.code, {**detail, "unit": p.code}) for p in geo.provinces() if p.code not in done]


def target_name(code: str, lang: str) -> str:
    ind = registry.get(code)
    return f"{ind.code} {ind.name_en if lang == 'en' else ind.name_vi}"
