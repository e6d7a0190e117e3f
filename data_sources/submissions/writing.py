"""Writing checked rows into the VET database: all of them or none, tagged with the import.

An import takes :func:`lock` first, then checks and writes on the same connection and commits
once, so that two imports of the same rows at the same moment cannot both add them: on PostgreSQL a
transaction-level advisory lock, on SQLite an immediate (write) transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, insert, text, update

from data_sources.schema import Inspection, Institution, Report, StaffTraining
from data_sources.submissions.validation import Checked

_TABLES = {"training": StaffTraining, "inspection": Inspection, "report": Report}
ADVISORY_LOCK_KEY: Final = 2222_0001  # any constant the other users of advisory locks do not use


@dataclass(frozen=True)
class Written:
    rows: int  # records added, or institutions whose dates were set


def lock(conn: Connection) -> None:
    """Begin the import's transaction holding the submissions lock (released at commit or rollback)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def write(conn: Connection, checked: Checked, import_id: str) -> Written:
    """Write every planned row of a file without problems, in the caller's transaction."""
    if not checked.ok or checked.kind is None:
        raise ValueError("a file with problems is never written")
    if not checked.planned:
        return Written(0)
    if checked.kind.key == "readiness":
        for plan in checked.planned:
            conn.execute(
                update(Institution)
                .where(Institution.id == plan.institution_id)
                .values(**plan.values, readiness_import_id=import_id)
            )
    else:
        model = _TABLES[checked.kind.key]
        conn.execute(insert(model), [{**plan.values, "import_id": import_id} for plan in checked.planned])
    return Written(len(checked.planned))
