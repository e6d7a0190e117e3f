"""Whether each database can really be read now: a query on one of its own tables, never ``SELECT 1``.

``SELECT 1`` succeeds on a SQLite file that has disappeared (a pooled connection still holds the
old file) or been replaced by an empty one; reading a table of the schema does not.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from data_sources.schema import DataInfo, Institution
from ioc_app.store import RefreshRun

# How long the dashboard's polls reuse one check of the VET database (one query per worker, not per browser).
RECENT_SECONDS = 10.0


@dataclass(frozen=True)
class Check:
    ok: bool
    error: str | None = None  # "OperationalError: unable to open database file"
    data_date: str | None = None  # the VET database's own data date, when it records one


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig or exc).splitlines()
    return f"{type(orig or exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def check_vet(engine: Engine) -> Check:
    """Read the VET database's institutions and data date."""
    try:
        with Session(engine) as s:
            s.scalar(select(func.count()).select_from(Institution))
            data_date = s.scalar(select(DataInfo.value).where(DataInfo.key == "data_date"))
        return Check(True, None, data_date)
    except Exception as exc:  # noqa: BLE001 - a check reports, never raises
        return Check(False, _reason(exc))


def check_ioc(engine: Engine) -> Check:
    """Read the IOC store's newest refresh run."""
    try:
        with Session(engine) as s:
            s.scalar(select(RefreshRun.id).order_by(RefreshRun.id.desc()).limit(1))
        return Check(True)
    except Exception as exc:  # noqa: BLE001 - a check reports, never raises
        return Check(False, _reason(exc))


_recent: weakref.WeakKeyDictionary[Engine, tuple[float, Check]] = weakref.WeakKeyDictionary()
_recent_lock = threading.Lock()


def recent_vet_check(engine: Engine, max_age: float | None = None) -> Check:
    """``check_vet``, reused for ``max_age`` seconds (``RECENT_SECONDS``): every open page polls, and one
    query answers them all."""
    max_age = RECENT_SECONDS if max_age is None else max_age
    now = time.monotonic()
    with _recent_lock:
        hit = _recent.get(engine)
    if hit is not None and now - hit[0] < max_age:
        return hit[1]
    found = check_vet(engine)
    with _recent_lock:
        _recent[engine] = (time.monotonic(), found)
    return found


def is_outage(exc: BaseException) -> bool:
    """Whether an error means a database cannot be used now (gone, locked, unreadable, out of connections),
    rather than a bug: the answer is then 503, and the next request may succeed."""
    if isinstance(exc, (sa_exc.IntegrityError, sa_exc.ProgrammingError, sa_exc.DataError)):
        return False
    return isinstance(
        exc, (sa_exc.OperationalError, sa_exc.DatabaseError, sa_exc.DisconnectionError, sa_exc.TimeoutError)
    )
