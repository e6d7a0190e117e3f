"""How fresh the figures are: the newest snapshot's id, time and staleness, for every panel.

Data is stale when the newest snapshot is older than the configured limit, when the refresh after
it failed, or when the VET database cannot be read now; then ``stale_since`` is the time of the
last good snapshot (still served) and ``reason`` says which. It clears by itself: a readable VET
database and a successful refresh are enough.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Engine

from ioc_app import snapshots
from ioc_app.database_checks import recent_vet_check
from ioc_app.services import Services

log = logging.getLogger(__name__)

# Why the data is stale, most pressing first.
STALE_REASONS = ("vet_unreachable", "refresh_failed", "age")


def snapshot_state(
    ioc_engine: Engine,
    stale_after_minutes: int,
    now: dt.datetime | None = None,
    vet_engine: Engine | None = None,
) -> dict[str, Any]:
    """A small JSON-able dict the browser keeps; panels re-read data when its ``id`` changes."""
    run = snapshots.latest_run(ioc_engine)
    if run is None:
        return {"id": None, "refreshed_at": None, "data_date": None, "stale": True}
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    age_min = (now - run.finished_at).total_seconds() / 60
    reason = None
    if vet_engine is not None and not recent_vet_check(vet_engine).ok:
        reason = "vet_unreachable"
    elif (failure := snapshots.last_failure(ioc_engine)) is not None and failure.id > run.id:
        reason = "refresh_failed"
    elif age_min > stale_after_minutes:
        reason = "age"
    return {
        "id": run.id,
        "refreshed_at": run.finished_at.isoformat(),
        "data_date": run.data_date.isoformat(),
        "stale": reason is not None,
        "age_minutes": round(age_min, 1),
        "reason": reason,
    }


def current_state(services: Services) -> dict[str, Any]:
    """``snapshot_state`` of the app's databases and settings, with the VET database checked."""
    return snapshot_state(services.ioc_engine, services.settings.stale_after_minutes, vet_engine=services.vet_engine)


def shown_state(services: Services, shown: dict[str, Any] | None = None) -> dict[str, Any]:
    """``current_state`` for a page's header (its first paint and then its poll); when it cannot be read
    now, what the page shows (``shown``, if any) marked stale because the refresh cannot be checked."""
    try:
        return current_state(services)
    except Exception:
        log.exception("reading the snapshot state failed")
        return {**(shown or {}), "stale": True, "reason": "refresh_failed"}
