"""Checking a submitted file: every problem of every row at once, and the rows that would be written.

``check`` reads the file (``reading``), maps its header (Vietnamese, English or the column keys)
to the kind's columns, validates each row with the kind's model (``rows``), then checks it against
the VET database: known province codes (34 current, 63 legacy) and institution codes, the
importer's province when it is limited to one, the institution open at the row's date, the staff
member in post, duplicates inside the file, and the rows already stored. A row identical to a stored
one is *unchanged* (so importing a file again changes nothing); one that contradicts a stored row is
a problem. Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import Connection

from data_sources.schema import InspectionTarget, ReportKind, TrainingKind
from data_sources.submissions import references
from data_sources.submissions.kinds import KINDS, READINESS_DATES, KindSpec, detect_kind
from data_sources.submissions.reading import FileRefused, Formula, RawTable, neutralise, read_table
from data_sources.submissions.references import InstitutionRef, References
from data_sources.submissions.rows import ROW_MODELS, InspectionRow, ReadinessRow, ReportRow, TrainingRow

ALL_HEADERS: Final = frozenset(h.lower() for k in KINDS.values() for c in k.columns for h in c.headers())


@dataclass(frozen=True)
class Problem:
    """One problem: a file row (None = the file as a whole), a column key (None = the whole row), a code."""

    row: int | None
    column: str | None
    code: str
    params: dict[str, str] = field(default_factory=dict)
    value: str = ""  # the cell as given, made inert (``reading.neutralise``)


@dataclass(frozen=True)
class Planned:
    """A row to write: a new record (``values``), or dates to set on an institution (``institution_id``)."""

    row: int
    values: dict[str, Any]
    institution_id: int | None = None


@dataclass
class Checked:
    kind: KindSpec | None
    rows_total: int = 0
    planned: list[Planned] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # rows identical to stored data
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return neutralise(value.text)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def check(
    conn: Connection,
    file_name: str,
    data: bytes,
    *,
    kind: str | None,
    allowed_province: str | None,
    today: dt.date,
    max_bytes: int,
) -> Checked:
    """Every problem of the file, and what importing it would write (nothing is written).

    Runs on the caller's connection, so that an import checks and writes in one transaction.
    """
    try:
        table = read_table(file_name, data, max_bytes, ALL_HEADERS)
    except FileRefused as refused:
        spec = KINDS.get(kind) if kind else None
        return Checked(spec, problems=[Problem(None, None, refused.code, refused.params)])
    spec = KINDS.get(kind) if kind else detect_kind(table.headers)
    if spec is None:
        return Checked(None, problems=[Problem(None, None, "unknown_kind")], encoding=table.encoding)
    result = Checked(spec, rows_total=len(table.rows), encoding=table.encoding)
    positions = _columns(spec, table, result.problems)
    if result.problems:
        return result
    refs = references.load(conn)
    parsed = _parsed_rows(spec, table, positions, today, result.problems, refs, allowed_province)
    _CHECKERS[spec.key](conn, refs, parsed, allowed_province, result)
    result.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return result


def _columns(spec: KindSpec, table: RawTable, problems: list[Problem]) -> dict[str, int]:
    by_header = {h.lower(): c.key for c in spec.columns for h in c.headers()}
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if not header:
            continue
        key = by_header.get(header.strip().lower())
        if key is None:
            problems.append(Problem(None, None, "unknown_column", {"column": header}, neutralise(header)))
        elif key in positions:
            problems.append(Problem(None, key, "duplicate_column", {"column": header}))
        else:
            positions[key] = index
    for column in spec.columns:
        if column.required and column.key not in positions:
            problems.append(Problem(None, column.key, "missing_column", {"column": column.vi, "column_en": column.en}))
    return positions


def _parsed_rows(
    spec: KindSpec,
    table: RawTable,
    positions: dict[str, int],
    today: dt.date,
    problems: list[Problem],
    refs: References,
    allowed_province: str | None,
) -> list[tuple[int, Any, dict[str, str]]]:
    """(row number, validated model, cells as shown) of the rows that pass their schema.

    A row that fails it still has its province checked, so that every problem is told at once.
    """
    model = ROW_MODELS[spec.key]
    out = []
    known = set(positions.values())
    for number, cells in table.rows:
        raw = {
            c.key: (cells[positions[c.key]] if c.key in positions and positions[c.key] < len(cells) else None)
            for c in spec.columns
        }
        shown = {k: _shown(v) for k, v in raw.items()}
        stray = [i for i, v in enumerate(cells) if i not in known and v is not None]
        if stray:
            problems.append(Problem(number, None, "value_outside_columns", {"cell": str(stray[0] + 1)}))
            continue
        try:
            out.append((number, model.model_validate(raw, context={"today": today}), shown))
        except ValidationError as exc:
            failed = set()
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else None
                failed.add(column)
                params = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
                problems.append(Problem(number, column, error["type"], params, shown.get(column or "", "")))
            if "province_code" not in failed:
                _province_only(refs, number, shown["province_code"], allowed_province, problems)
    return out


def _province_only(
    refs: References, number: int, province: str, allowed_province: str | None, problems: list[Problem]
) -> None:
    # The cell passed its schema, so it is two digits (or a number Excel stripped of its zero).
    code = province.zfill(2)
    if code not in refs.provinces:
        problems.append(Problem(number, "province_code", "unknown_province", {}, province))
    elif allowed_province is not None and code != allowed_province:
        problems.append(Problem(number, "province_code", "foreign_province", {"allowed": allowed_province}, province))


def _place(
    refs: References,
    number: int,
    row: Any,
    allowed_province: str | None,
    shown: dict[str, str],
    problems: list[Problem],
    *,
    needs_legacy: bool,
) -> tuple[InstitutionRef | None, str | None] | None:
    """The row's institution and legacy province after the code checks; None when a check failed."""
    before = len(problems)
    province = row.province_code
    if province not in refs.provinces:
        problems.append(Problem(number, "province_code", "unknown_province", {}, shown["province_code"]))
    elif allowed_province is not None and province != allowed_province:
        problems.append(
            Problem(number, "province_code", "foreign_province", {"allowed": allowed_province}, shown["province_code"])
        )
    legacy: str | None = getattr(row, "legacy_province_code", None)
    if legacy is not None:
        if legacy not in refs.legacy_to_current:
            problems.append(Problem(number, "legacy_province_code", "unknown_legacy_province", {}, legacy))
        elif refs.legacy_to_current[legacy] != province:
            problems.append(
                Problem(
                    number,
                    "legacy_province_code",
                    "legacy_not_in_province",
                    {"province": province, "became": refs.legacy_to_current[legacy]},
                    legacy,
                )
            )
    institution: InstitutionRef | None = None
    if row.institution_code is not None:
        institution = refs.institutions.get(row.institution_code)
        if institution is None:
            problems.append(Problem(number, "institution_code", "unknown_institution", {}, shown["institution_code"]))
        elif institution.province_code != province:
            problems.append(
                Problem(
                    number,
                    "institution_code",
                    "institution_other_province",
                    {"province": institution.province_code},
                    shown["institution_code"],
                )
            )
        elif legacy is not None and legacy != institution.legacy_province_code:
            problems.append(
                Problem(
                    number,
                    "legacy_province_code",
                    "legacy_mismatch",
                    {"legacy": institution.legacy_province_code},
                    legacy,
                )
            )
        else:
            legacy = institution.legacy_province_code
    elif needs_legacy and legacy is None:
        problems.append(Problem(number, "legacy_province_code", "legacy_required"))
    if len(problems) > before:
        return None
    return institution, legacy


def _open_on(
    institution: InstitutionRef | None,
    day: dt.date,
    number: int,
    column: str,
    shown: dict[str, str],
    problems: list[Problem],
) -> bool:
    if institution is None or institution.open_on(day):
        return True
    params = {
        "established": institution.established_on.isoformat(),
        "closed": institution.closed_on.isoformat() if institution.closed_on else "",
    }
    problems.append(Problem(number, column, "institution_not_open", params, shown[column]))
    return False


def _in_file_duplicate(seen: dict[Any, int], key: Any, number: int, problems: list[Problem]) -> bool:
    if key in seen:
        problems.append(Problem(number, None, "duplicate_in_file", {"first": str(seen[key])}))
        return True
    seen[key] = number
    return False


def _check_training(conn: Any, refs: References, parsed: list[Any], allowed: str | None, result: Checked) -> None:
    problems = result.problems
    placed: list[tuple[int, TrainingRow, InstitutionRef, dict[str, str]]] = []
    for number, row, shown in parsed:
        place = _place(refs, number, row, allowed, shown, problems, needs_legacy=False)
        if place is not None and place[0] is not None:
            placed.append((number, row, place[0], shown))
    people = references.staff(conn, {(inst.id, row.personal_id) for _, row, inst, _ in placed})
    stored = references.stored_trainings(conn, {s.id for group in people.values() for s in group})
    seen: dict[Any, int] = {}
    for number, row, inst, shown in placed:
        if _in_file_duplicate(seen, (inst.id, row.personal_id, row.training_kind, row.completed_on), number, problems):
            continue
        candidates = people.get((inst.id, row.personal_id))
        if not candidates:
            problems.append(Problem(number, "personal_id", "unknown_staff", {}, shown["personal_id"]))
            continue
        in_post = [s for s in candidates if s.in_post_on(row.completed_on)]
        if not in_post:
            problems.append(Problem(number, "completed_on", "staff_not_in_post", {}, shown["completed_on"]))
            continue
        person = in_post[-1]
        if (person.id, row.training_kind, row.completed_on) in stored:
            result.unchanged.append(number)
            continue
        values = {"staff_id": person.id, "kind": TrainingKind(row.training_kind), "completed_on": row.completed_on}
        result.planned.append(Planned(number, values))


def _subjects(refs: References, parsed: list[Any], allowed: str | None, result: Checked, day_column: str) -> list[Any]:
    out = []
    for number, row, shown in parsed:
        place = _place(refs, number, row, allowed, shown, result.problems, needs_legacy=True)
        if place is None:
            continue
        institution, legacy = place
        if _open_on(institution, getattr(row, day_column), number, day_column, shown, result.problems):
            out.append((number, row, institution, legacy, shown))
    return out


def _check_inspection(conn: Any, refs: References, parsed: list[Any], allowed: str | None, result: Checked) -> None:
    placed = _subjects(refs, parsed, allowed, result, "conducted_on")
    stored = references.stored_inspections(
        conn, {i.id for _, _, i, _, _ in placed if i is not None}, {lg for _, _, i, lg, _ in placed if i is None}
    )
    seen: dict[Any, int] = {}
    for number, row, institution, legacy, shown in placed:
        row_: InspectionRow = row
        key = (row_.conducted_on, institution.id if institution else None, None if institution else legacy)
        if _in_file_duplicate(seen, key, number, result.problems):
            continue
        if key in stored:
            if stored[key] == row_.is_digital:
                result.unchanged.append(number)
            else:
                result.problems.append(Problem(number, "is_digital", "conflicts_stored", {}, shown["is_digital"]))
            continue
        values = {
            "conducted_on": row_.conducted_on,
            "target": InspectionTarget.INSTITUTION if institution else InspectionTarget.PROVINCE,
            "institution_id": institution.id if institution else None,
            "province_code": row_.province_code,
            "legacy_province_code": legacy,
            "is_digital": row_.is_digital,
        }
        result.planned.append(Planned(number, values))


def _check_report(conn: Any, refs: References, parsed: list[Any], allowed: str | None, result: Checked) -> None:
    placed = _subjects(refs, parsed, allowed, result, "submitted_on")
    stored = references.stored_reports(
        conn, {i.id for _, _, i, _, _ in placed if i is not None}, {lg for _, _, i, lg, _ in placed if i is None}
    )
    seen: dict[Any, int] = {}
    for number, row, institution, legacy, _shown in placed:
        row_: ReportRow = row
        key = (row_.report_kind, row_.period, institution.id if institution else None, None if institution else legacy)
        if _in_file_duplicate(seen, key, number, result.problems):
            continue
        facts = (row_.submitted_on, row_.is_digital, row_.gris_connected)
        if key in stored:
            if stored[key] == facts:
                result.unchanged.append(number)
            else:
                result.problems.append(Problem(number, None, "conflicts_stored", {}))
            continue
        values = {
            "kind": ReportKind(row_.report_kind),
            "period": row_.period,
            "institution_id": institution.id if institution else None,
            "province_code": row_.province_code,
            "legacy_province_code": legacy,
            "submitted_on": row_.submitted_on,
            "is_digital": row_.is_digital,
            "gris_connected": row_.gris_connected,
        }
        result.planned.append(Planned(number, values))


def _check_readiness(_conn: Any, refs: References, parsed: list[Any], allowed: str | None, result: Checked) -> None:
    seen: dict[Any, int] = {}
    for number, row, shown in parsed:
        row_: ReadinessRow = row
        place = _place(refs, number, row_, allowed, shown, result.problems, needs_legacy=False)
        if place is None or place[0] is None:
            continue
        institution = place[0]
        if _in_file_duplicate(seen, institution.id, number, result.problems):
            continue
        given = {c: getattr(row_, c) for c in READINESS_DATES if getattr(row_, c) is not None}
        if not given:
            result.problems.append(Problem(number, None, "no_dates"))
            continue
        changes: dict[str, dt.date] = {}
        fine = True
        for column, day in given.items():
            fine &= _open_on(institution, day, number, column, shown, result.problems)
            stored = institution.readiness[column]
            if stored is None:
                changes[column] = day
            elif stored != day:
                result.problems.append(
                    Problem(
                        number, column, "conflicts_stored_date", {"stored": stored.strftime("%d/%m/%Y")}, shown[column]
                    )
                )
                fine = False
        if not fine:
            continue
        if changes:
            result.planned.append(Planned(number, changes, institution.id))
        else:
            result.unchanged.append(number)


_CHECKERS = {
    "training": _check_training,
    "inspection": _check_inspection,
    "report": _check_report,
    "readiness": _check_readiness,
}
