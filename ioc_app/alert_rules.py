"""Alert rules as data: a TOML file (``IOC_ALERT_RULES_PATH``, else the built-in ``alert_rules.toml``),
validated whole when it is read; a refused file is one line naming the rule and the field.

Each rule has an id, a kind, the kind's parameters, a severity and optional recipients (e-mail
addresses); a ``[recipients]`` table adds addresses per province (a current 34-unit code).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from data_sources.submissions.kinds import KINDS as SUBMISSION_KINDS
from geo import provinces as geo
from ioc_app.indicators import registry

BUILT_IN: Final = Path(__file__).resolve().parent / "alert_rules.toml"
BELOW_PATH, STATUS_DROP, STALE_REFRESH, NO_SUBMISSION = "below_path", "status_drop", "stale_refresh", "no_submission"
KINDS: Final = (BELOW_PATH, STATUS_DROP, STALE_REFRESH, NO_SUBMISSION)
# Kinds that read the newest snapshot (evaluated after a refresh); the others are also checked on a timer.
SNAPSHOT_KINDS: Final = frozenset({BELOW_PATH, STATUS_DROP})
SEVERITIES: Final = ("info", "warning", "critical")
PERIODS: Final = ("month", "quarter", "year")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_COMMON: Final = {"id", "kind", "severity", "recipients"}
# Each kind's parameters and their defaults (None: required).
_PARAMS: Final[dict[str, dict[str, Any]]] = {
    BELOW_PATH: {"target": None, "level": "34"},
    STATUS_DROP: {"target": None, "provincial": False},
    STALE_REFRESH: {"hours": 2},
    NO_SUBMISSION: {"submission": None, "period": "month", "grace_days": 0},
}


class RulesError(ValueError):
    """The rules file cannot be used; the message is one line."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    params: Mapping[str, Any]
    recipients: tuple[str, ...] = ()

    def param(self, name: str) -> Any:
        return self.params[name]


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    province_recipients: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def rules_path(configured: str | None) -> Path:
    return Path(configured) if configured else BUILT_IN


def load(configured: str | None = None) -> Rules:
    """The rules of the configured file; RulesError (one line) when it is missing or invalid."""
    path = rules_path(configured)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read the alert rules {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: not valid TOML: {str(exc).splitlines()[0]}") from None
    return parse(raw, str(path))


def parse(raw: Mapping[str, Any], source: str = "rules") -> Rules:
    """Validate a parsed rules document whole."""
    unknown = set(raw) - {"rule", "recipients"}
    if unknown:
        raise RulesError(f"{source}: unknown section {sorted(unknown)[0]!r} (expected [[rule]] and [recipients])")
    entries = raw.get("rule", [])
    if not isinstance(entries, list):
        raise RulesError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    rules = [_rule(entry, f"{source}: rule {n}") for n, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesError(f"{source}: rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    return Rules(tuple(rules), _province_recipients(raw.get("recipients", {}), source), source)


def _rule(entry: Any, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: must be a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise RulesError(f"{where}: 'id' must be 2-60 lower-case letters, digits or '-', got {rule_id!r}")
    where = f"{where} ({rule_id})"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise RulesError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    severity = entry.get("severity", "warning")
    if severity not in SEVERITIES:
        raise RulesError(f"{where}: 'severity' must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    expected = _PARAMS[kind]
    extra = set(entry) - _COMMON - set(expected)
    if extra:
        raise RulesError(f"{where}: unknown field {sorted(extra)[0]!r} for kind {kind}")
    params = {}
    for name, default in expected.items():
        if name not in entry and default is None:
            raise RulesError(f"{where}: '{name}' is required for kind {kind}")
        params[name] = _param(kind, name, entry.get(name, default), where)
    return Rule(rule_id, kind, severity, params, _addresses(entry.get("recipients", []), f"{where}: 'recipients'"))


def _param(kind: str, name: str, value: Any, where: str) -> Any:
    if name == "target":
        try:
            ind = registry.get(str(value))
        except KeyError:
            raise RulesError(f"{where}: 'target' must be a target code T01-T12, got {value!r}") from None
        if kind == BELOW_PATH and (ind.kind != "percent" or ind.provincial is None or not ind.provincially_judged):
            raise RulesError(f"{where}: target {ind.code} is not judged per province, so it has no path per province")
        if kind == BELOW_PATH and not any(t.year == 2030 for t in ind.targets):
            raise RulesError(f"{where}: target {ind.code} has no 2030 target")
        return ind.code
    if name == "level":
        if value not in ("34", "63"):
            raise RulesError(f'{where}: \'level\' must be "34" or "63", got {value!r}')
        return value
    if name == "provincial":
        if not isinstance(value, bool):
            raise RulesError(f"{where}: 'provincial' must be true or false, got {value!r}")
        return value
    if name == "hours":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 24 * 30:
            raise RulesError(f"{where}: 'hours' must be a number of hours above 0 (at most 720), got {value!r}")
        return float(value)
    if name == "submission":
        if value not in SUBMISSION_KINDS:
            raise RulesError(f"{where}: 'submission' must be one of {', '.join(SUBMISSION_KINDS)}, got {value!r}")
        return value
    if name == "period":
        if value not in PERIODS:
            raise RulesError(f"{where}: 'period' must be one of {', '.join(PERIODS)}, got {value!r}")
        return value
    if name == "grace_days":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
            raise RulesError(f"{where}: 'grace_days' must be a whole number of days from 0 to 365, got {value!r}")
        return value
    raise AssertionError(name)  # every parameter of _PARAMS is checked above


def _addresses(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _EMAIL.fullmatch(v) for v in value):
        raise RulesError(f"{where} must be a list of e-mail addresses, got {value!r}")
    return tuple(value)


def _province_recipients(value: Any, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise RulesError(f"{source}: [recipients] must be a table of province code = [addresses]")
    codes = {p.code for p in geo.provinces()}
    out = {}
    for code, addresses in value.items():
        if code not in codes:
            raise RulesError(f"{source}: [recipients] {code!r} is not one of the 34 current province codes")
        out[code] = _addresses(addresses, f"{source}: [recipients] {code!r}")
    return out
