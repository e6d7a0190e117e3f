"""How fresh the figures are: the newest snapshot's id, time and staleness, for every panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from ioc_app import snapshots


def snapshot_state(ioc_engine: Engine, stale_after_minutes: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """A small JSON-able dict the browser keeps; panels re-read data when its ``id`` changes."""
    run = snapshots.latest_run(ioc_engine)
    if run is None:
        return {"id": None, "refreshed_at": None, "data_date": None, "stale": True}
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    age_min = (now - run.finished_at).total_seconds() / 60
    return {
        "id": run.id,
        "refreshed_at": run.finished_at.isoformat(),
        "data_date": run.data_date.isoformat(),
        "stale": age_min > stale_after_minutes,
        "age_minutes": round(age_min, 1),
    }
