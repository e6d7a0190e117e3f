"""Plain SQL, written independently of the engine, for every series at a date.

Each query returns (numerator, denominator) for the records of one scope at ``:d``. They
follow the definitions in the README directly (population at d, events on or before d),
with no interval arithmetic, so that agreement with the engine means something.
``{inst}`` is replaced by a filter on the institution alias ``i``; ``{prov}`` by a filter on a
record's own legacy province column (inspections and reports of a province have no institution).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import Engine, and_, func, or_, select, text
from sqlalchemy.orm import Session

from data_sources.counting import read_it_occupations
from data_sources.queries import data_date
from data_sources.schema import Institution, Learner, Programme, Staff

OPEN_I = "i.established_on <= :d AND (i.closed_on IS NULL OR i.closed_on > :d)"

LEVELS = "'college', 'intermediate', 'elementary'"
IT_CODES = ", ".join(f"'{o.code}'" for o in read_it_occupations())
_DIGITISED = """l.record_digitised_on <= :d
    AND (l.graduated_on IS NULL OR l.graduated_on > :d OR l.diploma_digitised_on <= :d)"""
# An institution's learners enrolled since 2021 at d, and those of them digitised: the share must
# reach :share_num / :share_den (compared in integers); no learners meets it.
DEEP_ENOUGH = f"""
    (SELECT COUNT(CASE WHEN {_DIGITISED} THEN 1 END) FROM learner l
      WHERE l.institution_id = i.id AND l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01') * :share_den
    >= (SELECT COUNT(*) FROM learner l
      WHERE l.institution_id = i.id AND l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01') * :share_num"""

QUERIES: dict[str, str] = {
    "staff_digital_capacity": f"""
        SELECT SUM(CASE WHEN EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id
                     AND t.kind = 'digital_capacity' AND t.completed_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM staff s JOIN institution i ON i.id = s.institution_id
        WHERE s.hired_on <= :d AND (s.left_on IS NULL OR s.left_on > :d) AND {OPEN_I} {{inst}}""",
    "teacher_digital_materials": f"""
        SELECT SUM(CASE WHEN EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id
                     AND t.kind = 'digital_materials' AND t.completed_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM staff s JOIN institution i ON i.id = s.institution_id
        WHERE s.role = 'teacher' AND s.hired_on <= :d AND (s.left_on IS NULL OR s.left_on > :d) AND {OPEN_I}
        {{inst}}""",
    "programme_digital_outcomes": f"""
        SELECT SUM(CASE WHEN p.digital_outcomes_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM programme p JOIN institution i ON i.id = p.institution_id
        WHERE p.level IN ({LEVELS}) AND p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d)
          AND {OPEN_I} {{inst}}""",
    "it_programme_updated": f"""
        SELECT SUM(CASE WHEN p.tech_updated_on <= :d AND p.tech_updated_on >= '2021-12-30' THEN 1 ELSE 0 END),
               COUNT(*)
        FROM programme p JOIN institution i ON i.id = p.institution_id
        WHERE p.level IN ({LEVELS}) AND SUBSTR(p.occupation_code, 2, 6) IN ({IT_CODES})
          AND p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d) AND {OPEN_I} {{inst}}""",
    "school_platform_connected": f"""
        SELECT SUM(CASE WHEN i.digital_infrastructure_on <= :d AND i.platform_connected_on <= :d THEN 1 ELSE 0 END),
               COUNT(*)
        FROM institution i
        WHERE i.type IN ('college', 'intermediate') AND {OPEN_I} {{inst}}""",
    "learner_digitised_cd_tc": f"""
        SELECT SUM(CASE WHEN l.record_digitised_on <= :d
                         AND (l.graduated_on IS NULL OR l.graduated_on > :d OR l.diploma_digitised_on <= :d)
                        THEN 1 ELSE 0 END), COUNT(*)
        FROM learner l JOIN institution i ON i.id = l.institution_id
        WHERE i.type IN ('college', 'intermediate') AND l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01'
          AND {OPEN_I} {{inst}}""",
    "institution_digitised_cd_tc": f"""
        SELECT SUM(CASE WHEN i.learner_data_integrated_on <= :d AND {DEEP_ENOUGH} THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i
        WHERE i.type IN ('college', 'intermediate') AND {OPEN_I} {{inst}}""",
    "institution_digitised_all": f"""
        SELECT SUM(CASE WHEN i.learner_data_integrated_on <= :d AND {DEEP_ENOUGH} THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i
        WHERE {OPEN_I} {{inst}}""",
    "learner_digitised_all": f"""
        SELECT SUM(CASE WHEN l.record_digitised_on <= :d
                         AND (l.graduated_on IS NULL OR l.graduated_on > :d OR l.diploma_digitised_on <= :d)
                        THEN 1 ELSE 0 END), COUNT(*)
        FROM learner l JOIN institution i ON i.id = l.institution_id
        WHERE l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01' AND {OPEN_I} {{inst}}""",
    "high_quality_digital_school": f"""
        SELECT SUM(CASE WHEN i.digital_school_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i
        WHERE i.high_quality_on <= :d AND {OPEN_I} {{inst}}""",
    "map_completeness": f"""
        SELECT SUM(CASE WHEN i.latitude IS NOT NULL AND i.longitude IS NOT NULL
                         AND EXISTS (SELECT 1 FROM institution_profile_update u WHERE u.institution_id = i.id
                                     AND u.updated_on <= :d AND u.updated_on > :year_ago) THEN 1 ELSE 0 END),
               COUNT(*)
        FROM institution i
        WHERE {OPEN_I} {{inst}}""",
    "inspection_digital": """
        SELECT SUM(CASE WHEN e.is_digital THEN 1 ELSE 0 END), COUNT(*)
        FROM inspection e LEFT JOIN institution i ON i.id = e.institution_id
        WHERE e.conducted_on <= :d AND e.conducted_on > :year_ago {prov}""",
    "report_digital_connected": """
        SELECT SUM(CASE WHEN e.is_digital AND e.gris_connected THEN 1 ELSE 0 END), COUNT(*)
        FROM report e LEFT JOIN institution i ON i.id = e.institution_id
        WHERE e.submitted_on <= :d AND e.submitted_on > :year_ago {prov}""",
    "public_service_level4": """
        SELECT SUM(CASE WHEN level4_on <= :d AND portal_integrated_on <= :d AND ministry_portal_integrated_on <= :d
                        THEN 1 ELSE 0 END), COUNT(*)
        FROM public_service WHERE introduced_on <= :d""",
    "milestones_platform": """
        SELECT SUM(CASE WHEN achieved_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM milestone WHERE code IN ('national_vet_platform', 'shared_learning_repository') AND :d >= '2021-12-30'""",
    "milestone_map_formed": """
        SELECT SUM(CASE WHEN achieved_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM milestone WHERE code = 'vet_network_digital_map' AND :d >= '2021-12-30'""",
    "milestone_map_linked": """
        SELECT SUM(CASE WHEN achieved_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM milestone WHERE code = 'map_linked_certification_lookup' AND :d >= '2021-12-30'""",
}

NATIONAL_ONLY = {"public_service_level4", "milestones_platform", "milestone_map_formed", "milestone_map_linked"}


def year_before(d: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February), as SQLite's '+12 months' inverse."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def count(
    engine: Engine,
    series: str,
    d: dt.date,
    legacy_codes: list[str] | None = None,
    inst_type: str | None = None,
    min_share: Fraction = Fraction(95, 100),
) -> tuple[int, int]:
    """(numerator, denominator) of ``series`` at ``d`` for legacy provinces / a type (None = all)."""
    inst_filter, prov_filter = "", ""
    # SQLite stores dates as ISO text; PostgreSQL compares real dates.
    as_param = (lambda x: x.isoformat()) if engine.dialect.name == "sqlite" else (lambda x: x)
    params: dict[str, object] = {
        "d": as_param(d),
        "year_ago": as_param(year_before(d)),
        "share_num": min_share.numerator,
        "share_den": min_share.denominator,
    }
    if legacy_codes is not None:
        names = [f":p{k}" for k in range(len(legacy_codes))]
        params.update({f"p{k}": c for k, c in enumerate(legacy_codes)})
        inst_filter += f" AND i.legacy_province_code IN ({', '.join(names)})"
        prov_filter += f" AND e.legacy_province_code IN ({', '.join(names)})"
    if inst_type is not None:
        params["t"] = inst_type
        inst_filter += " AND i.type = :t"
        prov_filter += " AND i.type = :t"
    sql = QUERIES[series].replace("{inst}", inst_filter).replace("{prov}", prov_filter)
    with engine.connect() as conn:
        num, den = conn.execute(text(sql), params).one()
    return int(num or 0), int(den or 0)


# The network at a glance counted the slow way, straight from the big tables: the overview takes
# these counts from the snapshot, and the tests check both agree.
@dataclass(frozen=True)
class NetworkSummary:
    """The VET network at a glance, as of the data date."""

    data_date: dt.date | None
    institutions_by_type: dict[str, int] = field(default_factory=dict)
    institutions_by_ownership: dict[str, int] = field(default_factory=dict)
    staff: int = 0
    programmes: int = 0
    learners_enrolled: int = 0
    learner_records: int = 0

    @property
    def institutions(self) -> int:
        return sum(self.institutions_by_type.values())


def network_summary(engine: Engine, province_code: str | None = None) -> NetworkSummary:
    """Counts of open institutions by type and ownership, staff in post, learners and programmes.

    ``province_code`` (a current 34-unit code) restricts every count to that province.
    """
    with Session(engine) as s:
        as_of = data_date(s) or dt.date.today()
        open_inst = and_(
            Institution.established_on <= as_of,
            or_(Institution.closed_on.is_(None), Institution.closed_on > as_of),
        )
        if province_code is not None:
            open_inst = and_(open_inst, Institution.province_code == province_code)
        by_type = dict(
            s.execute(select(Institution.type, func.count()).where(open_inst).group_by(Institution.type)).all()
        )
        by_owner = dict(
            s.execute(
                select(Institution.ownership, func.count()).where(open_inst).group_by(Institution.ownership)
            ).all()
        )
        open_ids = select(Institution.id).where(open_inst)
        staff = s.scalar(
            select(func.count())
            .select_from(Staff)
            .where(
                Staff.institution_id.in_(open_ids),
                Staff.hired_on <= as_of,
                or_(Staff.left_on.is_(None), Staff.left_on > as_of),
            )
        )
        programmes = s.scalar(
            select(func.count())
            .select_from(Programme)
            .where(
                Programme.institution_id.in_(open_ids),
                # Programmes of the training levels (short courses are not one), as T03 counts them.
                Programme.level.in_(("college", "intermediate", "elementary")),
                Programme.approved_on <= as_of,
                or_(Programme.retired_on.is_(None), Programme.retired_on > as_of),
            )
        )
        learner_filter = Learner.institution_id.in_(open_ids)
        enrolled = s.scalar(
            select(func.count())
            .select_from(Learner)
            .where(
                learner_filter,
                Learner.enrolled_on <= as_of,
                or_(Learner.graduated_on.is_(None), Learner.graduated_on > as_of),
            )
        )
        records = s.scalar(
            select(func.count()).select_from(Learner).where(learner_filter, Learner.enrolled_on >= dt.date(2021, 1, 1))
        )
    return NetworkSummary(
        data_date=as_of,
        institutions_by_type={k.value: v for k, v in by_type.items()},
        institutions_by_ownership={k.value: v for k, v in by_owner.items()},
        staff=staff or 0,
        programmes=programmes or 0,
        learners_enrolled=enrolled or 0,
        learner_records=records or 0,
    )
