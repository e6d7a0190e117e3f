"""What the demo world is calibrated to: the scales, the adoption S-curves and the seasons.

The national scale reproduces the published institution counts (DOMAIN.md); the small scale is
a 16-province sample for tests. The S-curve parameters are tuned so that the national values at
31/12/2025 land near the published situation (see the national benchmark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from .timeline import day

SCALES = ("small", "national", "full")

TYPES = ("college", "intermediate", "centre")
OWNERSHIPS = ("public", "private", "foreign")
LEVELS = ("college", "intermediate", "elementary", "short_course")
COLLEGE, INTERMEDIATE, CENTRE = 0, 1, 2
PUBLIC, PRIVATE, FOREIGN = 0, 1, 2
EARLIEST_DATA_DATE = dt.date(2021, 1, 1)


# College and intermediate as published (~430,000 a year); elementary and short courses, about 2
# million a year in reality, sampled at ~85,000 (the national demo stays quick to build) ...
SAMPLED_ANNUAL_LEARNERS = (200_000.0, 230_000.0, 55_000.0, 30_000.0)
# ... or at their real volume (the full scale: production-sized learner tables).
REAL_ANNUAL_LEARNERS = (200_000.0, 230_000.0, 1_150_000.0, 850_000.0)


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: tuple[str, ...] | None  # None = all 63 legacy provinces
    # Per type (college, intermediate, centre):
    open_2024: tuple[int, int, int]  # open at 31/12/2024 (DOMAIN.md: 399 / 429 / 1,058)
    new_2021_24: tuple[int, int, int]  # of those, established 2021-2024
    closed_2021_24: tuple[int, int, int]  # closed (merged) 2021-2024
    closing_2025_26: tuple[int, int, int]  # open at 31/12/2024, closed 2025-2026
    new_2025_26: tuple[int, int, int]  # established 2025-2026
    private_share: tuple[float, float, float]
    foreign: tuple[int, int, int]
    staff_factor: float
    programme_factor: float
    learner_factor: float
    inspections_per_year: float
    hq_per_year: tuple[int, ...]  # high-quality colleges recognised per year 2019..2030
    hq_intermediate: int
    # Learners enrolled per year nationally, per level (college, intermediate, elementary, short course).
    annual_learners: tuple[float, float, float, float] = SAMPLED_ANNUAL_LEARNERS


SCALE_PLANS: dict[str, Scale] = {
    "national": Scale(
        name="national",
        provinces=None,
        open_2024=(399, 429, 1058),
        new_2021_24=(5, 14, 40),
        closed_2021_24=(10, 45, 60),
        closing_2025_26=(6, 15, 90),
        new_2025_26=(4, 6, 12),
        private_share=(0.31, 0.50, 0.215),
        foreign=(8, 6, 6),
        staff_factor=1.0,
        programme_factor=1.0,
        learner_factor=1.0,
        inspections_per_year=700.0,
        hq_per_year=(8, 12, 14, 12, 10, 8, 8, 6, 4, 4, 3, 3),
        hq_intermediate=5,
    ),
    "small": Scale(
        name="small",
        provinces=(
            "01",
            "79",
            "31",
            "48",
            "92",
            "38",
            "40",
            "02",
            "11",
            "14",
            "22",
            "66",
            "75",
            "89",
            "46",
            "26",
        ),
        open_2024=(13, 14, 31),
        new_2021_24=(0, 1, 2),
        closed_2021_24=(0, 1, 1),
        closing_2025_26=(0, 0, 2),
        new_2025_26=(0, 0, 1),
        private_share=(0.31, 0.45, 0.22),
        foreign=(1, 0, 1),
        staff_factor=0.12,
        programme_factor=0.6,
        learner_factor=0.22,
        inspections_per_year=40.0,
        hq_per_year=(1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0),
        hq_intermediate=1,
    ),
}
# The full scale: the national network with every learner a year brings (over 10 million learner rows),
# to load PostgreSQL at production volume. Everything else is drawn exactly as at national scale.
SCALE_PLANS["full"] = replace(SCALE_PLANS["national"], name="full", annual_learners=REAL_ANNUAL_LEARNERS)

# Calibration of the adoption S-curves: midpoints in years after the decision (30/12/2021),
# scales in years. Institution effect = readiness * prov_gamma (earlier) + type + ownership +
# noise. Tuned so that national values at 31/12/2025 match the brief (see the benchmark).
CAL: dict[str, float] = {
    "prov_gamma": 0.8,
    "prov_noise": 0.3,
    "inst_sd": 0.45,
    "t01_mu": 3.5,
    "t01_s": 0.75,
    "t02_mu": 4.3,
    "t02_s": 1.0,
    "person_sd": 0.5,
    "t03_mu": 3.28,
    "t03_s": 0.75,
    "t04_mu": 2.25,
    "t04_s": 0.7,
    "infra_mu": 2.6,
    "infra_s": 0.6,
    "conn_mu": 3.4,
    "conn_s": 0.6,
    "ds_mu": 5.1,
    "ds_s": 0.8,
    "ds_hq_shift": -1.0,
    "integ_mu": 2.5,
    "integ_s": 0.6,
    "rec_mu": 2.05,
    "rec_s": 0.6,
    "dip_mu": 2.65,
    "dip_s": 0.6,
    "insp_mu": 3.5,
    "insp_s": 1.2,
    "rep_dig_mu": 0.2,
    "rep_dig_s": 0.8,
    "rep_gris_mu": 0.9,
    "rep_gris_s": 0.9,
    "turnover": 0.04,
    # After the first phase (2022-2025) some efforts slow down: adoption after 1/1/2026 runs this
    # many times slower, so 2030 projections differ (materials training off track, programme
    # outcomes and learner records at risk, the rest on track).
    "t02_slow": 4.0,
    "t03_slow": 3.5,
    "rec_slow": 3.0,
    "lag_p": 0.12,
    "lag_lo": 2.0,
    "lag_hi": 4.5,
}
PHASE_2 = day("2026-01-01")
TYPE_EFFECT = np.array([-0.3, 0.0, 0.5])
OWN_EFFECT = np.array([-0.1, 0.45, -0.2])

# Month weights: trainings and most events lean to the second half of the year.
TRAINING_MONTHS = np.array([0.03, 0.02, 0.06, 0.07, 0.08, 0.08, 0.09, 0.10, 0.11, 0.12, 0.13, 0.11])
SCHOOL_INTAKE_MONTHS = np.array([0.03, 0.04, 0.05, 0.04, 0.03, 0.04, 0.06, 0.18, 0.25, 0.18, 0.07, 0.03])
SHORT_INTAKE_MONTHS = np.array([0.04, 0.04, 0.09, 0.10, 0.10, 0.09, 0.09, 0.09, 0.09, 0.10, 0.10, 0.07])
INSPECTION_MONTHS = np.array([0.02, 0.03, 0.08, 0.10, 0.11, 0.10, 0.08, 0.08, 0.10, 0.11, 0.12, 0.07])

RNG_STREAMS = (
    "provinces",
    "institutions",
    "geo",
    "names",
    "staff",
    "training",
    "programmes",
    "learners",
    "inspections",
    "reports",
    "services",
    "profiles",
)
