"""Small read queries over the VET management database that are not indicator aggregates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_sources.schema import DataInfo


def data_date(session: Session) -> dt.date | None:
    """The date the VET database's data is current to (recorded by its loader)."""
    raw = session.scalar(select(DataInfo.value).where(DataInfo.key == "data_date"))
    return dt.date.fromisoformat(raw) if raw else None
