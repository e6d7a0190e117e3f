"""What a submission is checked against in the VET database: codes, institutions, staff and stored rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import Connection, or_, select

from data_sources.schema import (
    Inspection,
    InspectionTarget,
    Institution,
    LegacyProvince,
    Province,
    Report,
    Staff,
    StaffTraining,
)

CHUNK: Final = 500
T = TypeVar("T")


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class InstitutionRef:
    id: int
    code: str
    province_code: str
    legacy_province_code: str
    established_on: dt.date
    closed_on: dt.date | None
    readiness: dict[str, dt.date | None]

    def open_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.closed_on is None or day < self.closed_on)


@dataclass(frozen=True)
class StaffRef:
    id: int
    hired_on: dt.date
    left_on: dt.date | None

    def in_post_on(self, day: dt.date) -> bool:
        return self.hired_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True)
class References:
    provinces: frozenset[str]  # the 34 current codes
    legacy_to_current: dict[str, str]  # the 63 legacy codes -> the unit they became
    institutions: dict[str, InstitutionRef]  # by institution code (upper case)


def load(conn: Connection) -> References:
    provinces = frozenset(conn.scalars(select(Province.code)))
    legacy = {
        code: current for code, current in conn.execute(select(LegacyProvince.code, LegacyProvince.province_code))
    }
    institutions: dict[str, InstitutionRef] = {}
    for row in conn.execute(
        select(
            Institution.id,
            Institution.code,
            Institution.province_code,
            Institution.legacy_province_code,
            Institution.established_on,
            Institution.closed_on,
            Institution.digital_infrastructure_on,
            Institution.platform_connected_on,
            Institution.learner_data_integrated_on,
        )
    ):
        institutions[str(row.code).upper()] = InstitutionRef(
            row.id,
            row.code,
            row.province_code,
            row.legacy_province_code,
            row.established_on,
            row.closed_on,
            {
                "digital_infrastructure_on": row.digital_infrastructure_on,
                "platform_connected_on": row.platform_connected_on,
                "learner_data_integrated_on": row.learner_data_integrated_on,
            },
        )
    return References(provinces, legacy, institutions)


def staff(conn: Connection, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], list[StaffRef]]:
    """Staff rows by (institution id, personal id), for the pairs a file names."""
    found: dict[tuple[int, str], list[StaffRef]] = {}
    for batch in chunks(sorted({pid for _, pid in wanted})):
        for row in conn.execute(
            select(Staff.id, Staff.institution_id, Staff.personal_id, Staff.hired_on, Staff.left_on).where(
                Staff.personal_id.in_(batch)
            )
        ):
            key = (row.institution_id, row.personal_id)
            if key in wanted:
                found.setdefault(key, []).append(StaffRef(row.id, row.hired_on, row.left_on))
    return found


def stored_trainings(conn: Connection, staff_ids: set[int]) -> set[tuple[int, str, dt.date]]:
    """(staff id, kind, completed on) of the stored courses of these people."""
    out: set[tuple[int, str, dt.date]] = set()
    for batch in chunks(sorted(staff_ids)):
        for row in conn.execute(
            select(StaffTraining.staff_id, StaffTraining.kind, StaffTraining.completed_on).where(
                StaffTraining.staff_id.in_(batch)
            )
        ):
            out.add((row.staff_id, _value(row.kind), row.completed_on))
    return out


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))


def _subject_filter(model: type[Inspection] | type[Report], institution_ids: set[int], legacy_codes: set[str]) -> Any:
    return or_(model.institution_id.in_(sorted(institution_ids)), model.legacy_province_code.in_(sorted(legacy_codes)))


def stored_inspections(
    conn: Connection, institution_ids: set[int], legacy_codes: set[str]
) -> dict[tuple[dt.date, int | None, str | None], bool]:
    """Stored inspections by (date, institution id, legacy province of a province's own) -> conducted digitally."""
    out: dict[tuple[dt.date, int | None, str | None], bool] = {}
    rows = conn.execute(
        select(
            Inspection.conducted_on,
            Inspection.target,
            Inspection.institution_id,
            Inspection.legacy_province_code,
            Inspection.is_digital,
        ).where(_subject_filter(Inspection, institution_ids, legacy_codes))
    )
    for row in rows:
        own = _value(row.target) == InspectionTarget.PROVINCE.value
        key = (row.conducted_on, None if own else row.institution_id, row.legacy_province_code if own else None)
        out[key] = bool(row.is_digital)
    return out


def stored_reports(
    conn: Connection, institution_ids: set[int], legacy_codes: set[str]
) -> dict[tuple[str, str, int | None, str | None], tuple[dt.date, bool, bool]]:
    """Stored reports by (kind, period, institution id, legacy province of a province's own) -> (submitted, digital, GRIS)."""
    out: dict[tuple[str, str, int | None, str | None], tuple[dt.date, bool, bool]] = {}
    rows = conn.execute(
        select(
            Report.kind,
            Report.period,
            Report.institution_id,
            Report.legacy_province_code,
            Report.submitted_on,
            Report.is_digital,
            Report.gris_connected,
        ).where(_subject_filter(Report, institution_ids, legacy_codes))
    )
    for row in rows:
        own = row.institution_id is None
        key = (_value(row.kind), row.period, row.institution_id, row.legacy_province_code if own else None)
        out[key] = (row.submitted_on, bool(row.is_digital), bool(row.gris_connected))
    return out
