"""Values from outside, checked at the boundary: callback inputs, API query dates, command-line dates.

A value no page of ours sends (a list where a province code belongs, 2**63 as an institution id,
a string of a hundred thousand characters, a date written ``20240101``) is refused with
``InputError``; the web app answers it with 400 and one log line (``ioc_app.security``), never a
500 with a traceback. What a page can legitimately send passes unchanged: None before a first
click, '' for "all", a province code of the other level while the level switches. Callbacks
declare their checks with ``checked(...)``, one validator per input and state, in order.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from functools import cache, wraps
from typing import Any, NoReturn, TypeVar

from data_sources.schema import INSTITUTION_TYPES, OWNERSHIPS
from geo import provinces as geo
from ioc_app.i18n import LANGUAGES
from ioc_app.indicators import registry

MAX_TEXT = 2048  # a URL path or query string from dcc.Location
MAX_COUNT = 2**31 - 1  # n_clicks, n_intervals
MAX_DATE_INDEX = 10_000  # index into a snapshot's month ends (about 60 of them today)
MAX_INSTITUTION_ID = 2**31 - 1  # the VET database's integer keys
MAX_SNAPSHOT_ID = 2**53  # exact in a browser's numbers
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{5,15}")

T = TypeVar("T")
Validator = Callable[[Any], Any]


class InputError(ValueError):
    """A value from outside that no page or client of ours sends; the message says what was expected."""


def _show(value: Any) -> str:
    """A short, single-line description of an offending value (never the whole of a huge one)."""
    if isinstance(value, str):
        text = repr(value[:40]) + ("…" if len(value) > 40 else "")
        return f"{text} ({len(value)} characters)" if len(value) > 40 else text
    if isinstance(value, (dict, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}… ({type(value).__name__})"


def _fail(what: str, expected: str, value: Any) -> NoReturn:
    raise InputError(f"{what}: expected {expected}, got {_show(value)}")


def whole_number(value: Any, what: str, low: int, high: int) -> int:
    """An int in [low, high]; a float only when finite and whole (JSON has one number type)."""
    if isinstance(value, bool):
        _fail(what, f"a whole number {low}..{high}", value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        _fail(what, f"a whole number {low}..{high}", value)
    return value


def _one_of(value: Any, what: str, allowed: Iterable[str], empty: bool = True) -> str | None:
    """None, '' (when ``empty``) or one of ``allowed``."""
    if value is None:
        return None
    if empty and value == "":
        return ""
    choices = tuple(allowed)
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(choices) if len(choices) <= 6 else f"one of {len(choices)} codes"
        _fail(what, f"{listed}{' or empty' if empty else ''}", value)
    return value


def _fields(value: Any, what: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(what, "an object", value)
    unknown = [k for k in value if k not in allowed]
    if unknown:
        raise InputError(f"{what}: unknown field {_show(unknown[0])}")
    return value


@cache
def _province_codes(level: str) -> frozenset[str]:
    return frozenset(geo.legacy_by_code() if level == "63" else geo.province_by_code())


@cache
def _indicator_codes() -> tuple[str, ...]:
    return tuple(ind.code for ind in registry.INDICATORS)


# --- one validator per kind of input; each returns the value (ints normalised) or raises ----------


def language(value: Any) -> str | None:
    """The shell's language store: vi or en (None until the store is first written)."""
    if value is None:
        return None
    return _one_of(value, "language", LANGUAGES, empty=False)


def count(value: Any) -> int | None:
    """A component's n_clicks or n_intervals: None before the first one."""
    return None if value is None else whole_number(value, "count", 0, MAX_COUNT)


MAX_BUTTONS = 200  # one per unit of a table (63 legacy provinces), with room to spare


def counts(value: Any) -> list[int | None]:
    """The n_clicks of a pattern of buttons (one per row of a table)."""
    if not isinstance(value, list) or len(value) > MAX_BUTTONS:
        _fail("counts", f"a list of at most {MAX_BUTTONS} counts", value)
    return [count(v) for v in value]


MAX_EFFORT = 10_000_000  # units a month: more than any population the decision counts


def planned_effort(value: Any) -> float | None:
    """The planner's what-if input: units a month, 0..MAX_EFFORT (None while the box is empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail("planned effort", f"a number 0..{MAX_EFFORT}", value)
    if not math.isfinite(value) or not 0 <= value <= MAX_EFFORT:
        _fail("planned effort", f"a number 0..{MAX_EFFORT}", value)
    return float(value)


def pathname(value: Any) -> str | None:
    """dcc.Location's path: '/...' of reasonable length."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_TEXT:
        _fail("pathname", f"a path '/...' of at most {MAX_TEXT} characters", value)
    return value


def search(value: Any) -> str | None:
    """dcc.Location's query string ('' or '?a=b')."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        _fail("query string", f"text of at most {MAX_TEXT} characters", value)
    return value


def level(value: Any) -> str | None:
    """The 34 current or 63 legacy provincial units."""
    return _one_of(value, "level", ("34", "63"), empty=False)


def province(value: Any) -> str | None:
    """A province code of either level ('' or None for the whole country).

    Either level, because while the level switches a control still holds a code of the other one;
    the selection's transitions map or drop it.
    """
    return _one_of(value, "province", sorted(_province_codes("34") | _province_codes("63")))


def institution_type(value: Any) -> str | None:
    return _one_of(value, "institution type", INSTITUTION_TYPES)


def ownership(value: Any) -> str | None:
    return _one_of(value, "ownership", OWNERSHIPS)


def indicator(value: Any) -> str | None:
    """A target's code from the registry (T01..T12), or None/'' for the page's default."""
    return _one_of(value, "indicator", _indicator_codes())


_SELECTION_FIELDS = frozenset({"level", "province", "type", "ownership"})


def selection(value: Any) -> dict[str, Any] | None:
    """The shared selection store: known level, province, type and ownership, or nothing at all."""
    if value is None:
        return None
    data = _fields(value, "selection", _SELECTION_FIELDS)
    level(data.get("level"))
    province(data.get("province"))
    institution_type(data.get("type"))
    ownership(data.get("ownership"))
    return data


_SNAPSHOT_FIELDS = frozenset({"id", "refreshed_at", "data_date", "stale", "age_minutes", "reason"})
_STALE_REASONS = frozenset({"vet_unreachable", "refresh_failed", "age"})  # ioc_app.freshness.STALE_REASONS


def snapshot_state(value: Any) -> dict[str, Any] | None:
    """The shell's snapshot store (``ioc_app.freshness.snapshot_state``)."""
    if value is None:
        return None
    data = _fields(value, "snapshot state", _SNAPSHOT_FIELDS)
    if data.get("id") is not None:
        whole_number(data["id"], "snapshot id", 1, MAX_SNAPSHOT_ID)
    stamp = data.get("refreshed_at")
    if stamp is not None:
        if not isinstance(stamp, str) or not _ISO_DATETIME.fullmatch(stamp):
            _fail("snapshot time", "an ISO date and time", stamp)
        try:
            dt.datetime.fromisoformat(stamp)
        except ValueError:
            _fail("snapshot time", "an ISO date and time", stamp)
    if data.get("data_date") is not None:
        iso_date(data["data_date"], "snapshot data date")
    if not isinstance(data.get("stale", False), bool):
        _fail("snapshot stale flag", "true or false", data["stale"])
    reason = data.get("reason")
    if reason is not None and not (isinstance(reason, str) and reason in _STALE_REASONS):
        _fail("snapshot stale reason", "one of " + ", ".join(sorted(_STALE_REASONS)), data["reason"])
    age = data.get("age_minutes")
    if age is not None and (isinstance(age, bool) or not isinstance(age, (int, float)) or not math.isfinite(age)):
        _fail("snapshot age", "a number of minutes", age)
    return data


def date_index(value: Any) -> int | None:
    """The map's date slider: an index into the snapshot's month ends (clamped by the page)."""
    return None if value is None else whole_number(value, "date index", 0, MAX_DATE_INDEX)


def unit(value: Any) -> dict[str, Any] | None:
    """The province page's store: {"level": "34"|"63", "code": a code of that level}."""
    if value is None:
        return None
    data = _fields(value, "province unit", frozenset({"level", "code"}))
    lvl = level(data.get("level")) or "34"
    if data.get("code") is None:
        _fail("province unit code", "a province code", None)
    _one_of(data["code"], "province unit code", sorted(_province_codes(lvl)), empty=False)
    return data


def institution_id(value: Any) -> int | None:
    """The institution page's store: a positive database id."""
    return None if value is None else whole_number(value, "institution id", 1, MAX_INSTITUTION_ID)


_MAP_VIEW_FIELDS = frozenset(
    {"snapshot", "stale", "indicator", "date", "level", "province", "type", "ownership", "lang"}
)


def _view(value: Any, what: str, allowed: frozenset[str]) -> dict[str, Any] | None:
    """A page's record of what it shows (compared, never read for data): flat and small."""
    if value is None:
        return None
    data = _fields(value, what, allowed)
    for key, item in data.items():
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int) and abs(item) <= MAX_SNAPSHOT_ID:
            continue
        if isinstance(item, str) and len(item) <= 16:
            continue
        _fail(f"{what} {key}", "a short code, number or flag", item)
    return data


def map_view(value: Any) -> dict[str, Any] | None:
    """The map page's record of what it shows (the map's table is drawn from it: each field is checked
    again there as the input it came from)."""
    return _view(value, "map view", _MAP_VIEW_FIELDS)


_OVERVIEW_VIEW_FIELDS = frozenset({"snapshot", "stale", "drawn", "level", "province", "type", "ownership"})


def overview_view(value: Any) -> dict[str, Any] | None:
    """The overview's record of what it shows (``layouts.home.shown``): a snapshot id, two flags, a selection."""
    data = _view(value, "overview view", _OVERVIEW_VIEW_FIELDS)
    if data is None:
        return None
    if data.get("snapshot") is not None:
        whole_number(data["snapshot"], "overview view snapshot", 1, MAX_SNAPSHOT_ID)
    for flag in ("stale", "drawn"):
        if not isinstance(data.get(flag, False), bool):
            _fail(f"overview view {flag}", "true or false", data[flag])
    selection({k: data[k] for k in _SELECTION_FIELDS if k in data})
    return data


# --- dates written as text (API query strings, command-line options) -------------------------------


def iso_date(raw: Any, what: str = "date") -> dt.date:
    """A date written exactly YYYY-MM-DD (``20240101`` and ``2024-W01-1`` are refused)."""
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        raise InputError(f"{what} must be a date YYYY-MM-DD, got {_show(raw)}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{what} must be a date YYYY-MM-DD, got {raw!r} (no such day)") from None


# --- wiring ---------------------------------------------------------------------------------------


def checked(*validators: Validator) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Check a callback's arguments (its inputs, then its states) before its body runs.

    The validators are kept on the function (``__validators__``), so tests can see that every
    registered callback checks every argument.
    """

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @wraps(fn)
        def wrapper(*args: Any) -> T:
            if len(args) != len(validators):
                raise InputError(f"expected {len(validators)} callback arguments, got {len(args)}")
            return fn(*(check(arg) for check, arg in zip(validators, args, strict=True)))

        wrapper.__validators__ = validators  # type: ignore[attr-defined]  # read by the tests through Dash's wrapper
        return wrapper

    return decorate


def present_request(value: Any) -> dict[str, int] | None:
    """A wall-display slot's load request: ``{"n": k}``, a counter the display's script increments."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"n"}:
        _fail("slide request", 'an object {"n": number}', value)
    return {"n": whole_number(value["n"], "slide request", 0, MAX_COUNT)}
