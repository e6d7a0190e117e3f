"""Benchmark and calibration report of the national demo database.

    python benchmarks/bench_demo_national.py                 # build national into a temp SQLite file
    python benchmarks/bench_demo_national.py --db PATH       # only report on an existing database
    python benchmarks/bench_demo_national.py --keep PATH     # build into PATH and keep it

Prints the build time, the peak resident memory (``resource.getrusage``), the rows per table,
the mix of institutions (type, ownership, region), learners per year, and a rough national value
of every target of Decision 2222 at year ends and at the data date, computed with plain SQL
(independent of the IOC's indicator engine) so the calibration can be checked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import Date, Engine, bindparam, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data_sources import vet_db  # noqa: E402 - imported after the path set-up above
from data_sources.counting import default_rules  # noqa: E402 - imported after the path set-up above
from data_sources.demo import generate  # noqa: E402 - imported after the path set-up above
from data_sources.demo import reference as ref  # noqa: E402 - imported after the path set-up above
from data_sources.engine import make_engine  # noqa: E402 - imported after the path set-up above

# Target value (share) per deadline, as in DOMAIN.md.
TARGETS = {
    "T01": "50% / 100%",
    "T02": "50% / 100%",
    "T03": "70% / 100%",
    "T04": "100% (2025)",
    "T06": "50% / 100%",
    "T07": "100% (2023)",
    "T08": "100% (2025, CĐ+TC institutions)",
    "T08all": "100% (2030, all institutions)",
    "T08rec": "record share, CĐ+TC (depth)",
    "T08rec_all": "record share, all (depth)",
    "T09": "50% / 70% (12 months)",
    "T10c": "map completeness (12 months)",
    "T11": "100% (12 months)",
    "T12": "≥50% / 100%",
}

_OPEN = "i.established_on <= :d AND (i.closed_on IS NULL OR i.closed_on > :d)"
_IT = ", ".join(f"'{c}'" for c in default_rules().it_codes)
_DIGITISED = """l.record_digitised_on <= :d AND (l.graduated_on IS NULL OR l.graduated_on > :d
                   OR l.diploma_digitised_on <= :d)"""
# T08 by institution: its learners since 2021, at least 95% digitised (none: met).
_DEEP = f"""(SELECT 20 * COUNT(CASE WHEN {_DIGITISED} THEN 1 END) - 19 * COUNT(*) FROM learner l
             WHERE l.institution_id = i.id AND l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01') >= 0"""

# code -> SQL returning (numerator, denominator) as of :d (window (:d0, :d] where used).
RATIO_SQL: dict[str, str] = {
    "T01": """
        SELECT SUM(CASE WHEN EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id
                   AND t.kind = 'digital_capacity' AND t.completed_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM staff s WHERE s.hired_on <= :d AND (s.left_on IS NULL OR s.left_on > :d)""",
    "T02": """
        SELECT SUM(CASE WHEN EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id
                   AND t.kind = 'digital_materials' AND t.completed_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM staff s WHERE s.role = 'teacher' AND s.hired_on <= :d AND (s.left_on IS NULL OR s.left_on > :d)""",
    "T03": """
        SELECT SUM(CASE WHEN p.digital_outcomes_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM programme p WHERE p.level <> 'short_course' AND p.approved_on <= :d
        AND (p.retired_on IS NULL OR p.retired_on > :d)""",
    "T04": f"""
        SELECT SUM(CASE WHEN p.tech_updated_on <= :d AND p.tech_updated_on >= '2021-12-30' THEN 1 ELSE 0 END), COUNT(*)
        FROM programme p WHERE p.level <> 'short_course' AND SUBSTR(p.occupation_code, 2, 6) IN ({_IT})
        AND p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d)""",
    "T06": f"""
        SELECT SUM(CASE WHEN i.digital_infrastructure_on <= :d AND i.platform_connected_on <= :d
                   THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE i.type IN ('college', 'intermediate') AND {_OPEN}""",
    "T07": """
        SELECT SUM(CASE WHEN s.level4_on <= :d AND s.portal_integrated_on <= :d
                   AND s.ministry_portal_integrated_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM public_service s WHERE s.introduced_on <= :d""",
    "T08": f"""
        SELECT SUM(CASE WHEN i.learner_data_integrated_on <= :d AND {_DEEP} THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE i.type IN ('college', 'intermediate') AND {_OPEN}""",
    "T08all": f"""
        SELECT SUM(CASE WHEN i.learner_data_integrated_on <= :d AND {_DEEP} THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE {_OPEN}""",
    "T08rec": f"""
        SELECT SUM(CASE WHEN {_DIGITISED} THEN 1 ELSE 0 END), COUNT(*)
        FROM learner l JOIN institution i ON i.id = l.institution_id
        WHERE i.type IN ('college', 'intermediate') AND l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01'
        AND {_OPEN}""",
    "T08rec_all": f"""
        SELECT SUM(CASE WHEN {_DIGITISED} THEN 1 ELSE 0 END), COUNT(*)
        FROM learner l JOIN institution i ON i.id = l.institution_id
        WHERE l.enrolled_on <= :d AND l.enrolled_on >= '2021-01-01' AND {_OPEN}""",
    "T09": """
        SELECT SUM(CASE WHEN n.is_digital THEN 1 ELSE 0 END), COUNT(*)
        FROM inspection n WHERE n.conducted_on > :d0 AND n.conducted_on <= :d""",
    "T10c": f"""
        SELECT SUM(CASE WHEN i.latitude IS NOT NULL AND i.longitude IS NOT NULL
                   AND EXISTS (SELECT 1 FROM institution_profile_update u WHERE u.institution_id = i.id
                               AND u.updated_on > :d0 AND u.updated_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE {_OPEN}""",
    "T11": """
        SELECT SUM(CASE WHEN r.is_digital AND r.gris_connected THEN 1 ELSE 0 END), COUNT(*)
        FROM report r WHERE r.submitted_on > :d0 AND r.submitted_on <= :d""",
    "T12": f"""
        SELECT SUM(CASE WHEN i.digital_school_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE i.high_quality_on <= :d AND {_OPEN}""",
}

# Per current province (34 units): same numerators/denominators grouped by province_code.
PROVINCE_SQL: dict[str, str] = {
    "T01": """
        SELECT i.province_code, SUM(CASE WHEN EXISTS (SELECT 1 FROM staff_training t WHERE t.staff_id = s.id
                   AND t.kind = 'digital_capacity' AND t.completed_on <= :d) THEN 1 ELSE 0 END), COUNT(*)
        FROM staff s JOIN institution i ON i.id = s.institution_id
        WHERE s.hired_on <= :d AND (s.left_on IS NULL OR s.left_on > :d) GROUP BY i.province_code""",
    "T03": """
        SELECT i.province_code, SUM(CASE WHEN p.digital_outcomes_on <= :d THEN 1 ELSE 0 END), COUNT(*)
        FROM programme p JOIN institution i ON i.id = p.institution_id
        WHERE p.level <> 'short_course' AND p.approved_on <= :d AND (p.retired_on IS NULL OR p.retired_on > :d)
        GROUP BY i.province_code""",
    "T06": f"""
        SELECT i.province_code, SUM(CASE WHEN i.digital_infrastructure_on <= :d AND i.platform_connected_on <= :d
                   THEN 1 ELSE 0 END), COUNT(*)
        FROM institution i WHERE i.type IN ('college', 'intermediate') AND {_OPEN} GROUP BY i.province_code""",
    "T08": f"""
        SELECT i.province_code, SUM(CASE WHEN i.learner_data_integrated_on <= :d AND {_DEEP} THEN 1 ELSE 0 END),
               COUNT(*)
        FROM institution i WHERE i.type IN ('college', 'intermediate') AND {_OPEN} GROUP BY i.province_code""",
}
PROVINCE_TARGET_2025 = {"T01": 0.5, "T03": 0.7, "T06": 0.5, "T08": 1.0}


def _params(sql: str, d: dt.date) -> tuple:
    stmt = text(sql)
    values = {"d": d}
    binds = [bindparam("d", type_=Date)]
    if ":d0" in sql:
        binds.append(bindparam("d0", type_=Date))
        values["d0"] = d.replace(year=d.year - 1)
    return stmt.bindparams(*binds), values


def ratio(engine: Engine, code: str, d: dt.date) -> tuple[int, int]:
    stmt, values = _params(RATIO_SQL[code], d)
    with engine.connect() as conn:
        num, den = conn.execute(stmt, values).one()
    return int(num or 0), int(den or 0)


def milestones(engine: Engine) -> dict[str, dt.date | None]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, achieved_on FROM milestone")).all()
    return {c: (dt.date.fromisoformat(a) if isinstance(a, str) else a) for c, a in rows}


def _month_end(year: int, month: int) -> dt.date:
    while month < 1:
        year, month = year - 1, month + 12
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f}%" if den else "   n/a"


def report(engine: Engine, data_date: dt.date) -> None:
    q = lambda sql, **kw: engine.connect().execute(text(sql), kw).all()  # noqa: E731
    y24 = "2024-12-31"
    print("\n== Institutions open at 31/12/2024 (published: 399 colleges / 429 intermediate / 1,058 centres)")
    rows = q(
        "SELECT type, ownership, COUNT(*) FROM institution WHERE established_on <= :d "
        "AND (closed_on IS NULL OR closed_on > :d) GROUP BY type, ownership ORDER BY type, ownership",
        d=y24,
    )
    total = sum(r[2] for r in rows)
    by_type: dict[str, int] = {}
    by_own: dict[str, int] = {}
    for t, o, c in rows:
        by_type[t] = by_type.get(t, 0) + c
        by_own[o] = by_own.get(o, 0) + c
        print(f"   {t:13s} {o:8s} {c:5d}")
    print(f"   total {total}; by type {by_type}")
    print("   ownership: " + ", ".join(f"{o} {c} ({100 * c / total:.1f}%)" for o, c in by_own.items()))
    (n_all,) = q("SELECT COUNT(*) FROM institution")[0]
    (n_open,) = q("SELECT COUNT(*) FROM institution WHERE closed_on IS NULL")[0]
    print(f"   rows {n_all} (incl. closed), open at data date {n_open}")

    print("\n== Region share of institutions open at 31/12/2024 (plan: RRD 26%, NCC 26%, SE 17%)")
    per_prov = q(
        "SELECT legacy_province_code, COUNT(*) FROM institution WHERE established_on <= :d "
        "AND (closed_on IS NULL OR closed_on > :d) GROUP BY legacy_province_code",
        d=y24,
    )
    region: dict[str, int] = {}
    for code, c in per_prov:
        region[ref.REGION_OF[code]] = region.get(ref.REGION_OF[code], 0) + c
    for r, c in sorted(region.items(), key=lambda x: -x[1]):
        print(f"   {r:4s} {ref.REGION_NAMES[r][1]:36s} {c:5d} {100 * c / total:5.1f}%")
    top = sorted(per_prov, key=lambda x: -x[1])[:6]
    print("   most institutions: " + ", ".join(f"{c} ({n})" for c, n in top))
    print(
        f"   legacy provinces with institutions: {len(per_prov)}; current units: "
        f"{q('SELECT COUNT(DISTINCT province_code) FROM institution')[0][0]}"
    )

    print("\n== Learners enrolled per year (published: ~430,000 a year at college + intermediate level)")
    rows = q(
        "SELECT substr(CAST(enrolled_on AS TEXT), 1, 4) AS y, level, COUNT(*) FROM learner "
        "GROUP BY y, level ORDER BY y, level"
    )
    years: dict[str, dict[str, int]] = {}
    for y, lv, c in rows:
        years.setdefault(y, {})[lv] = c
    for y, lv in years.items():
        cd_tc = lv.get("college", 0) + lv.get("intermediate", 0)
        other = lv.get("elementary", 0) + lv.get("short_course", 0)
        print(
            f"   {y}: college {lv.get('college', 0):7d}  intermediate {lv.get('intermediate', 0):7d}  "
            f"(CĐ+TC {cd_tc:7d})  elementary {lv.get('elementary', 0):6d}  short {lv.get('short_course', 0):6d}  "
            f"(other {other:6d})"
        )

    print("\n== Staff")
    for d in ("2021-12-31", "2023-12-31", "2025-12-31", data_date.isoformat()):
        rows = q(
            "SELECT role, COUNT(*) FROM staff WHERE hired_on <= :d AND (left_on IS NULL OR left_on > :d) GROUP BY role",
            d=d,
        )
        active = dict(rows)
        n = sum(active.values())
        print(
            f"   active at {d}: {n} (teachers {active.get('teacher', 0)}, managers {active.get('manager', 0)}"
            f" = {100 * active.get('manager', 0) / max(n, 1):.1f}%)"
        )
    (left,) = q("SELECT COUNT(*) FROM staff WHERE left_on IS NOT NULL")[0]
    (twice,) = q(
        "SELECT COUNT(*) FROM (SELECT staff_id, kind FROM staff_training GROUP BY staff_id, kind HAVING COUNT(*) > 1) x"
    )[0]
    n_staff = q("SELECT COUNT(*) FROM staff")[0][0]
    print(f"   rows {n_staff}, left by data date {left}, trained twice (same kind) {twice}")
    rows = q("SELECT substr(CAST(completed_on AS TEXT), 6, 2) AS m, COUNT(*) FROM staff_training GROUP BY m ORDER BY m")
    tot = sum(c for _, c in rows)
    print("   trainings by month: " + " ".join(f"{m}:{100 * c / tot:.0f}%" for m, c in rows))
    hq = q("SELECT type, COUNT(*) FROM institution WHERE high_quality_on <= :d GROUP BY type", d="2025-12-31")
    print(f"   high-quality schools recognised by 31/12/2025: {dict(hq)}")

    dates = [dt.date(y, 12, 31) for y in range(2022, 2026) if dt.date(y, 12, 31) <= data_date]
    if data_date not in dates:
        dates.append(data_date)
    print("\n== Targets of Decision 2222, national value (numerator / denominator) as of")
    print("   code   " + "".join(f"{d.isoformat():>12s}" for d in dates) + "   target")
    for code in RATIO_SQL:
        cells = []
        for d in dates:
            num, den = ratio(engine, code, d)
            cells.append(_pct(num, den))
        label = TARGETS.get(code, "")
        print(f"   {code:6s} " + "".join(f"{c:>12s}" for c in cells) + f"   {label}")
    ms = milestones(engine)
    for code, achieved in ms.items():
        print(f"   milestone {code:34s} {achieved.isoformat() if achieved else 'not yet'}")
    d25 = dt.date(2025, 12, 31)
    num, den = ratio(engine, "T08", d25)
    print(f"   (T08 at 31/12/2025: {num} of {den} colleges and intermediate schools)")

    print("\n== 2030 projection: least-squares line through the last 12 month-end values (as the IOC does)")
    ends = [_month_end(data_date.year, data_date.month - k) for k in range(11, 0, -1)] + [data_date]
    x = np.array([(d - data_date).days / 365.25 for d in ends])
    x2030 = (dt.date(2030, 12, 31) - data_date).days / 365.25
    for code, target in (
        ("T01", 1.0),
        ("T02", 1.0),
        ("T03", 1.0),
        ("T06", 1.0),
        ("T08all", 1.0),
        ("T09", 0.7),
        ("T12", 1.0),
    ):
        y = np.array([(lambda nd: nd[0] / nd[1] if nd[1] else np.nan)(ratio(engine, code, d)) for d in ends])
        slope, intercept = np.polyfit(x, y, 1)
        proj = min(1.0, max(0.0, intercept + slope * x2030))
        status = (
            "achieved"
            if y[-1] >= target
            else "on track"
            if proj >= target - 1e-9
            else "at risk"
            if proj >= target - 0.10
            else "off track"
        )
        print(
            f"   {code:6s} now {100 * y[-1]:5.1f}%  slope {100 * slope:5.1f} pp/year  "
            f"2030 {100 * proj:5.1f}% (target {100 * target:.0f}%)  {status}"
        )

    print("\n== Spread over the 34 current provinces at 31/12/2025 (min / median / max; meeting the 2025 target)")
    for code, sql in PROVINCE_SQL.items():
        stmt, values = _params(sql, d25)
        with engine.connect() as conn:
            rows = conn.execute(stmt, values).all()
        vals = sorted((num or 0) / den for _, num, den in rows if den)
        met = sum(v >= PROVINCE_TARGET_2025[code] - 1e-9 for v in vals)
        mid = vals[len(vals) // 2]
        print(
            f"   {code}: {100 * vals[0]:5.1f}% / {100 * mid:5.1f}% / {100 * vals[-1]:5.1f}%;"
            f" {met} of {len(vals)} provinces at or above {100 * PROVINCE_TARGET_2025[code]:.0f}%"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="report on this existing SQLite database instead of building one")
    ap.add_argument("--keep", help="build into this SQLite file (deleted first) and keep it")
    ap.add_argument("--scale", default="national")
    ap.add_argument("--seed", type=int, default=2222)
    ap.add_argument("--data-date", type=dt.date.fromisoformat, default=None)
    ap.add_argument("--progress", action="store_true", help="show the generator's progress bar")
    args = ap.parse_args(argv)

    if args.db:
        engine = make_engine(f"sqlite:///{args.db}")
        data_date = dt.date.fromisoformat(vet_db.data_info(engine)["data_date"])
        report(engine, data_date)
        return 0

    tmp = None
    if args.keep:
        path = Path(args.keep)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="vet-demo-")
        path = Path(tmp.name) / "vet.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    t0 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    result = generate(engine, scale=args.scale, seed=args.seed, data_date=args.data_date, progress=args.progress)
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    with open("/proc/loadavg", encoding="ascii") as fh:
        load = fh.read().split()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size_mb = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()) / 1e6
    print(f"scale={result.scale} seed={result.seed} data_date={result.data_date}")
    print(
        f"build: {result.seconds:.1f} s (wall {wall:.1f} s, CPU {cpu:.1f} s, load average {load} on "
        f"{os.cpu_count()} cores), peak RSS {peak_mb:.0f} MB, file {size_mb:.0f} MB"
    )
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in result.counts.items()))
    print(f"total rows: {sum(result.counts.values()):,}")
    report(engine, result.data_date)
    engine.dispose()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
