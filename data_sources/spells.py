"""Indicator series as *spells*: the intervals in which each record counts.

Every series of the registry is one SELECT (or a UNION ALL of several) that yields, per record,
the interval in which it belongs to the population (``pop_from`` inclusive to ``pop_to``
exclusive, NULL = open-ended) and the interval in which it counts in the numerator (``num_from``
to ``num_to``, inside the population interval), tagged with its institution (or, for a province's
own inspections and reports, its legacy province). A record that counts in the numerator again
later, with no end, has that date in ``num_again_from`` (T08: a diploma digitised after graduation);
a row with ``pop_from`` NULL adds no denominator.

Records of an institution (staff, programmes, learners) count only while the institution is
open; the engine applies that per institution and date, so the big tables are never joined.

The engine reads each SELECT of a series once (``spell_dates``): per institution (and record
province), every record's dates packed in one value (``packed_dates``), a pass over the table in the order of its institution
index with no sort. From that one read come both computations:
- the value at any date d: the records with from <= d < to;
- the value at every month end: +1 in the month of each ``from``, -1 in the month of each ``to``,
  then a running sum.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnExpressionArgument,
    CompoundSelect,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    func,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import Cast, ColumnElement, Label, Null, TypeCoerce

from data_sources.counting import CountingRules, default_rules
from data_sources.packed_dates import packed_agg, packed_date
from data_sources.schema import (
    Inspection,
    Institution,
    InstitutionType,
    Learner,
    Milestone,
    ProfileUpdate,
    Programme,
    PublicService,
    Report,
    Staff,
    StaffRole,
    StaffTraining,
    TrainingKind,
    TrainingLevel,
)
from data_sources.sql_functions import (
    add_months,
    date_value,
    earlier_end,
    later_of,
    starts_before_end,
)

DECISION_DATE = dt.date(2021, 12, 30)
# T08's learner records: those enrolled from the first year of the programme's period (2021-2025).
LEARNERS_FROM = dt.date(2021, 1, 1)
# T03/T04: the training levels ("trình độ"); short courses are not one.
TRAINING_LEVELS = (TrainingLevel.COLLEGE, TrainingLevel.INTERMEDIATE, TrainingLevel.ELEMENTARY)
CELL_COLUMNS = ("province63", "inst_type", "ownership")
SPELL_COLUMNS = ("institution_id", "province63", "pop_from", "pop_to", "num_from", "num_to", "num_again_from")
DATE_COLUMNS = SPELL_COLUMNS[2:]

# Row shapes are not tracked statically: the engine reads columns by name.
Query: TypeAlias = Select[*tuple[Any, ...]]
# A series' spell query: one SELECT, or a UNION ALL of several.
SpellQuery: TypeAlias = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
Column: TypeAlias = SQLColumnExpression[Any]
Cell: TypeAlias = list[ColumnElement[Any]]

# Milestone codes in the ``milestone`` table, by series.
MILESTONES: dict[str, tuple[str, ...]] = {
    "milestones_platform": ("national_vet_platform", "shared_learning_repository"),
    "milestone_map_formed": ("vet_network_digital_map",),
    "milestone_map_linked": ("map_linked_certification_lookup",),
}


def _own_cell(institution_id: InstrumentedAttribute[int]) -> Cell:
    """A record of an institution: its cell comes from the institution table in the engine."""
    return [institution_id.label("institution_id"), type_coerce(null(), String).label("province63")]


def _institution_cell() -> Cell:
    return [Institution.id.label("institution_id"), Institution.legacy_province_code.label("province63")]


def _national_cell() -> Cell:
    return [cast(null(), Integer).label("institution_id"), type_coerce(null(), String).label("province63")]


def _as_date(expr: Column) -> ColumnElement[dt.date]:
    # A bare NULL must be typed, or PostgreSQL takes the column for text.
    return cast(expr, Date) if isinstance(expr, Null) else type_coerce(expr, Date)


def _spell(
    cell: Cell,
    pop_from: Column,
    pop_to: Column,
    num_from: Column,
    num_to: Column,
    num_again_from: Column | None = None,
) -> Cell:
    return [
        *cell,
        _as_date(pop_from).label("pop_from"),
        _as_date(pop_to).label("pop_to"),
        _as_date(num_from).label("num_from"),
        _as_date(num_to).label("num_to"),
        _as_date(null() if num_again_from is None else num_again_from).label("num_again_from"),
    ]


def _stock(cell: Cell, start: Column, end: Column, achieved: Column) -> Cell:
    """A record in the population from ``start`` to ``end``, in the numerator once ``achieved``."""
    return _spell(cell, start, end, starts_before_end(later_of(achieved, start), end), end)


def _staff(kind: TrainingKind, roles: tuple[StaffRole, ...]) -> Query:
    # A person trained twice counts once, from the first completed course.
    first = (
        select(StaffTraining.staff_id, func.min(StaffTraining.completed_on).label("first_on"))
        .where(StaffTraining.kind == kind)
        .group_by(StaffTraining.staff_id)
        .subquery()
    )
    return (
        select(*_stock(_own_cell(Staff.institution_id), Staff.hired_on, Staff.left_on, first.c.first_on))
        .select_from(Staff)
        .outerjoin(first, first.c.staff_id == Staff.id)
        .where(Staff.role.in_(roles))
    )


def _training_levels() -> ColumnElement[bool]:
    return Programme.level.in_(TRAINING_LEVELS)


def _on_or_after(day: Column, first: dt.date) -> Column:
    """``day`` when it is on or after ``first``, else NULL (an earlier date does not count)."""
    return case((day >= date_value(first), day), else_=None)


def _programmes(achieved: Column, *where: ColumnExpressionArgument[bool]) -> Query:
    return select(
        *_stock(_own_cell(Programme.institution_id), Programme.approved_on, Programme.retired_on, achieved)
    ).where(*where)


def _institutions(start: Column, achieved: Column, *where: ColumnExpressionArgument[bool]) -> Query:
    return select(*_stock(_institution_cell(), start, Institution.closed_on, achieved)).where(*where)


def _school_types() -> ColumnElement[bool]:
    return Institution.type.in_((InstitutionType.COLLEGE, InstitutionType.INTERMEDIATE))


def _learners() -> Query:
    """T08 depth: a record counts while digitised and not graduated, or once its diploma is digitised too.

    The population is the learners enrolled since the programme's first year (``LEARNERS_FROM``).
    Both pieces are in one row, so the table is read once; each is written with as few tests per row
    as it needs, since the table is the biggest there is.
    """
    rec, grad, dip = Learner.record_digitised_on, Learner.graduated_on, Learner.diploma_digitised_on
    both = later_of(rec, dip)  # record and diploma both digitised from this date (NULL if either is not)
    # First piece [rec, first_to): open-ended when the diploma was digitised by graduation (or no
    # graduation yet), else it ends at graduation and is empty unless the record was digitised before.
    first_to = case((both <= grad, None), else_=grad)
    first_from = case((grad.is_(None) | (rec < grad) | (both <= grad), rec), else_=None)
    # Second piece, only when the diploma was digitised after graduation: [both, open).
    again = case((both > grad, both), else_=None)
    cell = _own_cell(Learner.institution_id)
    return select(*_spell(cell, Learner.enrolled_on, null(), first_from, first_to, again)).where(
        Learner.enrolled_on >= date_value(LEARNERS_FROM)
    )


def _events_last_12_months(model: type[Inspection] | type[Report], on: Column, counts: Column) -> Query:
    """Records dated ``on`` are in the population for 12 months: e in (d - 12 months, d]."""
    until = add_months(on, 12)
    cell: Cell = [model.institution_id.label("institution_id"), model.legacy_province_code.label("province63")]
    return select(*_spell(cell, on, until, case((counts, on), else_=None), until))


def _milestones(codes: tuple[str, ...]) -> Query:
    start = date_value(DECISION_DATE)
    return select(*_stock(_national_cell(), start, null(), Milestone.achieved_on)).where(Milestone.code.in_(codes))


def _map_completeness() -> SpellQuery:
    """Institutions in operation; counted while geolocated and within 12 months of a profile update.

    Each update covers [u, u + 12 months), cut at the next update so overlapping years are
    not counted twice (the union of the windows, as disjoint pieces).
    """
    opened, closed = Institution.established_on, Institution.closed_on
    population = select(*_spell(_institution_cell(), opened, closed, null(), null()))
    updates = select(
        ProfileUpdate.institution_id,
        ProfileUpdate.updated_on,
        func.lead(ProfileUpdate.updated_on)
        .over(partition_by=ProfileUpdate.institution_id, order_by=ProfileUpdate.updated_on)
        .label("next_on"),
    ).subquery()
    num_to = earlier_end(earlier_end(add_months(updates.c.updated_on, 12), updates.c.next_on), closed)
    num_from = starts_before_end(later_of(updates.c.updated_on, opened), num_to)
    current = (
        select(*_spell(_institution_cell(), null(), null(), num_from, num_to))
        .select_from(updates)
        .join(Institution, Institution.id == updates.c.institution_id)
        .where(Institution.latitude.is_not(None), Institution.longitude.is_not(None))
    )
    return union_all(population, current)


SERIES_QUERIES: dict[str, Callable[[CountingRules], SpellQuery]] = {
    "staff_digital_capacity": lambda _: _staff(TrainingKind.DIGITAL_CAPACITY, (StaffRole.TEACHER, StaffRole.MANAGER)),
    "teacher_digital_materials": lambda _: _staff(TrainingKind.DIGITAL_MATERIALS, (StaffRole.TEACHER,)),
    # T03: programmes of the training levels; short courses are not a level ("trình độ").
    "programme_digital_outcomes": lambda _: _programmes(Programme.digital_outcomes_on, _training_levels()),
    # T04: programmes of the training levels on the IT list, updated since the decision.
    "it_programme_updated": lambda rules: _programmes(
        _on_or_after(Programme.tech_updated_on, DECISION_DATE),
        _training_levels(),
        func.substr(Programme.occupation_code, 2, 6).in_(rules.it_codes),
    ),
    "milestones_platform": lambda _: _milestones(MILESTONES["milestones_platform"]),
    "school_platform_connected": lambda _: _institutions(
        Institution.established_on,
        later_of(Institution.digital_infrastructure_on, Institution.platform_connected_on),
        _school_types(),
    ),
    # T07: level 4 and integrated into both portals the decision names.
    "public_service_level4": lambda _: select(
        *_stock(
            _national_cell(),
            PublicService.introduced_on,
            null(),
            later_of(
                later_of(PublicService.level4_on, PublicService.portal_integrated_on),
                PublicService.ministry_portal_integrated_on,
            ),
        )
    ),
    "learner_digitised_all": lambda _: _learners(),
    "inspection_digital": lambda _: _events_last_12_months(
        Inspection, Inspection.conducted_on, Inspection.is_digital.is_(True)
    ),
    "milestone_map_formed": lambda _: _milestones(MILESTONES["milestone_map_formed"]),
    "milestone_map_linked": lambda _: _milestones(MILESTONES["milestone_map_linked"]),
    "map_completeness": lambda _: _map_completeness(),
    "report_digital_connected": lambda _: _events_last_12_months(
        Report, Report.submitted_on, and_(Report.is_digital.is_(True), Report.gris_connected.is_(True))
    ),
    "high_quality_digital_school": lambda _: _institutions(
        later_of(Institution.high_quality_on, Institution.established_on),
        Institution.digital_school_on,
        Institution.high_quality_on.is_not(None),
    ),
}


@dataclass(frozen=True)
class InstitutionShare:
    """A series counting institutions in operation, not records (T08 as the decision counts it).

    An institution counts at d when its dated ``fact`` (an Institution date column) is on or before
    d and its own records of the ``records`` series at d reach the rules' minimum share (an
    institution with no such records yet meets it). Computed by the engine from the records
    series' per-institution counts, so the records are read once for both.
    """

    records: str
    fact: str


INSTITUTION_SHARES: dict[str, InstitutionShare] = {
    "institution_digitised_all": InstitutionShare("learner_digitised_all", "learner_data_integrated_on"),
}


# Records that belong to an institution: they count only while their institution is open, which
# the engine applies per institution and date (so the big tables are never joined in SQL).
WITHIN_OPEN_INSTITUTION = frozenset(
    {
        "staff_digital_capacity",
        "teacher_digital_materials",
        "programme_digital_outcomes",
        "it_programme_updated",
        "learner_digitised_all",
    }
)

_SCHOOLS = (InstitutionType.COLLEGE.value, InstitutionType.INTERMEDIATE.value)
# Series that are a subset of another's cells: computed from it instead of scanning again.
DERIVED_SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "learner_digitised_cd_tc": ("learner_digitised_all", _SCHOOLS),
    "institution_digitised_cd_tc": ("institution_digitised_all", _SCHOOLS),
}


def spells(series_key: str, rules: CountingRules | None = None) -> SpellQuery:
    """The spell SELECT of one series; KeyError for an unknown key."""
    return SERIES_QUERIES[series_key](rules or default_rules())


def institution_ids() -> Query:
    """Every institution's id, ascending."""
    return select(Institution.id).order_by(Institution.id)


def institutions() -> Query:
    """Every institution's cell and open interval (a small table: the engine joins in memory)."""
    return select(
        Institution.id,
        Institution.legacy_province_code,
        type_coerce(Institution.type, String),
        type_coerce(Institution.ownership, String),
        Institution.established_on,
        Institution.closed_on,
        Institution.learner_data_integrated_on,
    )


@dataclass(frozen=True)
class SpellDates:
    """One SELECT of a series' spells, per institution (and record province): its records' dates packed.

    Rows: ``institution_id``, ``province63``, ``n`` (records), then one value per column of ``columns``:
    the group's records' dates packed at a fixed width (``packed_dates``, NULL included), the records in the same
    order in every column (the aggregates of one GROUP BY see each row once, in turn).
    """

    query: Query
    columns: tuple[str, ...]  # the spell date columns in ``dates``; the others are NULL in every record


def _always_null(column: Any) -> bool:
    """A spell column that is a NULL literal (a cast or typed NULL) in every record of its SELECT."""
    inner = column.element if isinstance(column, Label) else column
    if isinstance(inner, Cast):
        inner = inner.clause
    elif isinstance(inner, TypeCoerce):
        inner = inner.typed_expression
    return isinstance(inner, Null)


def spell_dates(series_key: str, rules: CountingRules | None = None, splits: Sequence[int] = ()) -> list[SpellDates]:
    """The series' spells, one query per SELECT of its definition, grouped by the cell columns it has.

    Grouping by the institution alone (a table's own records) lets SQLite read the table in the
    order of its institution index with no sort, at about the cost of one count per institution.
    With ``splits`` (institution ids, ascending, at which a new slice starts), such a SELECT comes as
    one query per slice of institution ids, so that a server can read the slices at once on several
    connections (PostgreSQL runs one query's aggregate in one process), each reading its part of the
    table's institution index.
    """
    query = spells(series_key, rules)
    out: list[SpellDates] = []
    for part in query.selects if isinstance(query, CompoundSelect) else [query]:
        sp = part.subquery()
        present = {c: not _always_null(part.selected_columns[c]) for c in SPELL_COLUMNS}
        dates = tuple(c for c in DATE_COLUMNS if present[c])
        cell = [
            sp.c.institution_id if present["institution_id"] else cast(null(), Integer).label("institution_id"),
            sp.c.province63 if present["province63"] else type_coerce(null(), String).label("province63"),
        ]
        keys = [sp.c[c] for c in ("institution_id", "province63") if present[c]]
        grouped = select(
            *cell,
            func.count().label("n"),
            # One aggregate per column: cheaper per row than joining the columns' values first.
            *(packed_agg(packed_date(sp.c[c])).label(c) for c in dates),
        ).group_by(*keys)
        # A table's own records (never NULL institution): each institution in exactly one slice.
        own_records = present["institution_id"] and not present["province63"]
        if splits and own_records:
            bounds = [None, *splits, None]
            for low, high in itertools.pairwise(bounds):
                since = [] if low is None else [sp.c.institution_id >= low]
                until = [] if high is None else [sp.c.institution_id < high]
                out.append(SpellDates(grouped.where(*since, *until), dates))
        else:
            out.append(SpellDates(grouped, dates))
    return out
