"""Writing checked rows into the VET database: all of them or none, in one transaction, tagged with the import."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, insert, update

from data_sources.schema import Inspection, Institution, Report, StaffTraining
from data_sources.submissions.validation import Checked

_TABLES = {"training": StaffTraining, "inspection": Inspection, "report": Report}


@dataclass(frozen=True)
class Written:
    rows: int  # records added, or institutions whose dates were set


def write(engine: Engine, checked: Checked, import_id: str) -> Written:
    """Write every planned row of a file without problems; raises before writing if it has any."""
    if not checked.ok or checked.kind is None:
        raise ValueError("a file with problems is never written")
    if not checked.planned:
        return Written(0)
    with engine.begin() as conn:
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
