"""Who has sent what: the VET rows behind the completeness of provincial submissions.

Read-only queries, no identity (the core scopes the answers): the institutions open on a day, the
institutions with rows of a kind in a period, and the provinces the rows of given imports belong to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, Engine, bindparam, text

# Tables whose rows feed the indicators (their row count is the VET database's size on the sources page).
COUNTED_TABLES: Final = ("institution", "staff", "staff_training", "programme", "learner", "inspection", "report")
_CHUNK: Final = 500  # import ids per IN list


@dataclass(frozen=True)
class OpenInstitution:
    id: int
    code: str
    name: str
    province_code: str


def open_institutions(engine: Engine, on: dt.date) -> list[OpenInstitution]:
    """Institutions open on ``on`` (established by then, not closed by then)."""
    sql = text(
        "SELECT id, code, name, province_code FROM institution "
        "WHERE established_on <= :on AND (closed_on IS NULL OR closed_on > :on) ORDER BY province_code, code"
    )
    with engine.connect() as conn:
        return [OpenInstitution(r.id, r.code, r.name, r.province_code) for r in conn.execute(sql, {"on": on})]


def institutions_with_rows(
    engine: Engine, kind: str, start: dt.date | None, end: dt.date, report_period: str | None = None
) -> frozenset[int]:
    """Ids of the institutions with rows of ``kind`` dated in [start, end] (reports: of ``report_period``;
    readiness: any of its three dates set, whenever)."""
    queries = {
        "training": "SELECT DISTINCT s.institution_id FROM staff_training t JOIN staff s ON s.id = t.staff_id "
        "WHERE t.completed_on BETWEEN :start AND :end",
        "inspection": "SELECT DISTINCT institution_id FROM inspection WHERE institution_id IS NOT NULL "
        "AND conducted_on BETWEEN :start AND :end",
        "report": "SELECT DISTINCT institution_id FROM report WHERE institution_id IS NOT NULL AND period = :period",
        "readiness": "SELECT id FROM institution WHERE digital_infrastructure_on IS NOT NULL "
        "OR platform_connected_on IS NOT NULL OR learner_data_integrated_on IS NOT NULL",
    }
    params = {"start": start or dt.date(2000, 1, 1), "end": end, "period": report_period or ""}
    with engine.connect() as conn:
        return frozenset(int(r[0]) for r in conn.execute(text(queries[kind]), params))


def provinces_of_imports(engine: Engine, kind: str, import_ids: Iterable[str]) -> frozenset[str]:
    """Current province codes of the rows these imports wrote."""
    queries = {
        "training": "SELECT DISTINCT i.province_code FROM staff_training t JOIN staff s ON s.id = t.staff_id "
        "JOIN institution i ON i.id = s.institution_id WHERE t.import_id IN :ids",
        "inspection": "SELECT DISTINCT province_code FROM inspection WHERE import_id IN :ids",
        "report": "SELECT DISTINCT province_code FROM report WHERE import_id IN :ids",
        "readiness": "SELECT DISTINCT province_code FROM institution WHERE readiness_import_id IN :ids",
    }
    sql = text(queries[kind]).bindparams(bindparam("ids", expanding=True))
    ids = sorted(set(import_ids))
    found: set[str] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), _CHUNK):
            found.update(str(r[0]) for r in conn.execute(sql, {"ids": ids[i : i + _CHUNK]}))
    return frozenset(found)


def rows_of_import(engine: Engine, import_id: str) -> tuple[str | None, int]:
    """The kind and number of the rows that carry an import's id (None, 0: none)."""
    queries = {
        "training": "SELECT COUNT(*) FROM staff_training WHERE import_id = :u",
        "inspection": "SELECT COUNT(*) FROM inspection WHERE import_id = :u",
        "report": "SELECT COUNT(*) FROM report WHERE import_id = :u",
        "readiness": "SELECT COUNT(*) FROM institution WHERE readiness_import_id = :u",
    }
    with engine.connect() as conn:
        for kind, sql in queries.items():
            found = int(conn.execute(text(sql), {"u": import_id}).scalar_one())
            if found:
                return kind, found
    return None, 0


def row_counts(conn: Connection) -> dict[str, int]:
    return {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in COUNTED_TABLES}
