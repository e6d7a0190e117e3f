"""Plain SQL, written independently of the engine, for every series at a date.

Each query returns (numerator, denominator) for the records of one scope at ``:d``. They
follow the definitions in the README directly (population at d, events on or before d),
with no interval arithmetic, so that agreement with the engine means something.
``{inst}`` is replaced by a filter on the institution alias ``i``; ``{prov}`` by a filter on a
record's own legacy province column (inspections and reports of a province have no institution).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

OPEN_I = "i.established_on <= :d AND (i.closed_on IS NULL OR i.closed_on > :d)"

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
        WHERE p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d) AND {OPEN_I} {{inst}}""",
    "it_programme_updated": f"""
        SELECT SUM(CASE WHEN p.tech_updated_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM programme p JOIN institution i ON i.id = p.institution_id
        WHERE p.is_it AND p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d) AND {OPEN_I}
        {{inst}}""",
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
        WHERE i.type IN ('college', 'intermediate') AND l.enrolled_on <= :d AND {OPEN_I} {{inst}}""",
    "learner_digitised_all": f"""
        SELECT SUM(CASE WHEN l.record_digitised_on <= :d
                         AND (l.graduated_on IS NULL OR l.graduated_on > :d OR l.diploma_digitised_on <= :d)
                        THEN 1 ELSE 0 END), COUNT(*)
        FROM learner l JOIN institution i ON i.id = l.institution_id
        WHERE l.enrolled_on <= :d AND {OPEN_I} {{inst}}""",
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
        SELECT SUM(CASE WHEN level4_on <= :d AND portal_integrated_on <= :d THEN 1 ELSE 0 END), COUNT(*)
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


def count(engine: Engine, series: str, d: dt.date, legacy_codes: list[str] | None = None,
          inst_type: str | None = None) -> tuple[int, int]:
    """(numerator, denominator) of ``series`` at ``d`` for legacy provinces / a type (None = all)."""
    inst_filter, prov_filter = "", ""
    # SQLite stores dates as ISO text; PostgreSQL compares real dates.
    as_param = (lambda x: x.isoformat()) if engine.dialect.name == "sqlite" else (lambda x: x)
    params: dict[str, object] = {"d": as_param(d), "year_ago": as_param(year_before(d))}
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
