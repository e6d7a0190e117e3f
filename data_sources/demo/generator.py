"""Deterministic demo data for the VET management database.

``generate(engine, scale=..., seed=..., data_date=...)`` builds a plausible VET system: the
institution network over the 63 legacy / 34 current provinces, staff with hires, departures and
digital-skills trainings, training programmes from the occupation catalogue, learners enrolled
since 2021 with digitised records and diplomas, inspections, periodic reports, the authority's
online public services and the programme's national milestones.

Every "adoption" date (trained on, connected on, digitised on, ...) is drawn from a logistic
S-curve in time after Decision 2222 (30/12/2021) whose midpoint shifts with the province's
digital readiness, the institution's type and ownership and a per-institution random effect, so
provinces and institution groups differ and the national values land near the published
situation (see ``_CAL``). The world is generated up to ``data_date``: nothing happens after it.

Generation is vectorised numpy; rows go to the database through :mod:`.bulk` (executemany on
SQLite, COPY on PostgreSQL) in one transaction. Same (scale, seed, data_date) -> same rows.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from data_sources import vet_db
from data_sources.schema import (
    DataInfo,
    Inspection,
    Institution,
    Learner,
    Milestone,
    ProfileUpdate,
    Programme,
    PublicService,
    Report,
    Staff,
    StaffTraining,
    VetBase,
)
from geo import provinces as geo_provinces

from . import reference as ref
from .bulk import BulkWriter, ZeroPadded, indexes_deferred
from .timeline import (
    YEAR,
    WaveSchedule,
    day,
    expit,
    logistic_days,
    month_day_sampler,
    seasonal,
    slowed_after,
    stratified_uniform,
    to_datetime64,
    uniform_days,
    year_of,
    years_after_decision,
)

SCALES = ("small", "national")

TYPES = ("college", "intermediate", "centre")
OWNERSHIPS = ("public", "private", "foreign")
LEVELS = ("college", "intermediate", "elementary", "short_course")
COLLEGE, INTERMEDIATE, CENTRE = 0, 1, 2
PUBLIC, PRIVATE, FOREIGN = 0, 1, 2
EARLIEST_DATA_DATE = dt.date(2021, 1, 1)


@dataclass(frozen=True)
class DemoReport:
    """What :func:`generate` built."""

    scale: str
    seed: int
    data_date: dt.date
    counts: dict[str, int]  # table -> rows
    seconds: float


@dataclass(frozen=True)
class _Scale:
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


_SCALES: dict[str, _Scale] = {
    "national": _Scale(
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
    "small": _Scale(
        name="small",
        provinces=(
            "01", "79", "31", "48", "92", "38", "40", "02", "11", "14", "22", "66", "75", "89", "46", "26",
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

# Calibration of the adoption S-curves: midpoints in years after the decision (30/12/2021),
# scales in years. Institution effect = readiness * prov_gamma (earlier) + type + ownership +
# noise. Tuned so that national values at 31/12/2025 match the brief (see the benchmark).
_CAL: dict[str, float] = {
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
_PHASE_2 = day("2026-01-01")
_TYPE_EFFECT = np.array([-0.3, 0.0, 0.5])
_OWN_EFFECT = np.array([-0.1, 0.45, -0.2])

# Month weights: trainings and most events lean to the second half of the year.
_TRAINING_MONTHS = np.array([0.03, 0.02, 0.06, 0.07, 0.08, 0.08, 0.09, 0.10, 0.11, 0.12, 0.13, 0.11])
_SCHOOL_INTAKE_MONTHS = np.array([0.03, 0.04, 0.05, 0.04, 0.03, 0.04, 0.06, 0.18, 0.25, 0.18, 0.07, 0.03])
_SHORT_INTAKE_MONTHS = np.array([0.04, 0.04, 0.09, 0.10, 0.10, 0.09, 0.09, 0.09, 0.09, 0.10, 0.10, 0.07])
_INSPECTION_MONTHS = np.array([0.02, 0.03, 0.08, 0.10, 0.11, 0.10, 0.08, 0.08, 0.10, 0.11, 0.12, 0.07])

_RNG_STREAMS = (
    "provinces", "institutions", "geo", "names", "staff", "training", "programmes", "learners",
    "inspections", "reports", "services", "profiles",
)


# --- context ------------------------------------------------------------------------------


@dataclass
class _Provinces:
    codes: list[str]  # 63 legacy codes, GSO order
    code34: np.ndarray  # object array of current codes
    names: list[str]
    kinds: list[str]
    region: np.ndarray  # object array of region keys
    pop: np.ndarray
    readiness: np.ndarray  # base + noise
    base_readiness: np.ndarray
    used: np.ndarray  # indices of provinces that host institutions at this scale

    @property
    def effect(self) -> np.ndarray:
        """Years earlier (negative) that a province adopts, from its readiness."""
        return -_CAL["prov_gamma"] * self.readiness


@dataclass
class _Ctx:
    scale: _Scale
    seed: int
    data_date: dt.date
    horizon: float
    rng: dict[str, np.random.Generator]
    prov: _Provinces

    def censor(self, x: np.ndarray) -> np.ndarray:
        """Dates after the data date have not happened yet."""
        x = np.asarray(x, dtype=np.float64)
        return np.where(x > self.horizon, np.nan, x)


def _provinces(scale: _Scale, rng: np.random.Generator) -> _Provinces:
    legacy = geo_provinces.legacy_provinces()
    codes = [p.code for p in legacy]
    base = np.array([ref.READINESS.get(c, 0.0) for c in codes])
    noise = rng.normal(0.0, _CAL["prov_noise"], len(codes))
    used = (
        np.arange(len(codes))
        if scale.provinces is None
        else np.array(sorted(codes.index(c) for c in scale.provinces))
    )
    return _Provinces(
        codes=codes,
        code34=np.array([p.code34 for p in legacy], dtype=object),
        names=[p.name for p in legacy],
        kinds=[p.kind for p in legacy],
        region=np.array([ref.REGION_OF[c] for c in codes], dtype=object),
        pop=np.array([ref.POPULATION[c] for c in codes]),
        readiness=base + noise,
        base_readiness=base,
        used=used,
    )


# --- institutions -------------------------------------------------------------------------


@dataclass
class _Institutions:
    id: np.ndarray
    type: np.ndarray
    own: np.ndarray
    prov: np.ndarray  # index into the 63 legacy provinces
    est: np.ndarray
    close: np.ndarray
    eff: np.ndarray  # adoption effect, years (negative = earlier)
    size: np.ndarray  # staff headcount target
    boosts: list[tuple[str, ...]]  # field groups the institution specialises in
    hq: np.ndarray  # high_quality_on (NaN = not)
    columns: dict[str, object]

    def __len__(self) -> int:
        return len(self.id)


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iters: int = 200) -> np.ndarray:
    m = seed.astype(np.float64).copy()
    for _ in range(iters):
        m *= (rows / np.maximum(m.sum(axis=1), 1e-12))[:, None]
        m *= (cols / np.maximum(m.sum(axis=0), 1e-12))[None, :]
    return m


def _round_columns(m: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Integer matrix with exact column sums (largest remainders)."""
    out = np.floor(m).astype(np.int64)
    for j in range(m.shape[1]):
        short = int(cols[j] - out[:, j].sum())
        if short > 0:
            rem = m[:, j] - out[:, j]
            out[np.argsort(-rem, kind="stable")[:short], j] += 1
    return out


def _allocate(ctx: _Ctx) -> np.ndarray:
    """Institution rows per (used province, type), all statuses included."""
    sc, pv = ctx.scale, ctx.prov
    totals = np.array(
        [sc.open_2024[t] + sc.closed_2021_24[t] + sc.new_2025_26[t] for t in range(3)], dtype=np.float64
    )
    used = pv.used
    codes = [pv.codes[i] for i in used]
    w = pv.pop[used] ** 0.85 * np.array([ref.CITY_BOOST.get(c, 1.0) for c in codes])
    if sc.provinces is None:
        region = pv.region[used]
        row_tot = np.zeros(len(used))
        for r, share in ref.REGION_SHARE.items():
            sel = region == r
            row_tot[sel] = totals.sum() * share * w[sel] / w[sel].sum()
    else:
        row_tot = totals.sum() * w / w.sum()
    r_pos = np.maximum(pv.base_readiness[used], 0.0)
    n_districts = np.array([len(ref.DISTRICTS[c]) for c in codes], dtype=np.float64)
    aff = np.column_stack(
        [
            (1.0 + 1.0 * r_pos) * pv.pop[used] ** 0.15,
            1.0 + 0.5 * r_pos,
            n_districts / n_districts.mean(),
        ]
    )
    m = _ipf(row_tot[:, None] * aff / aff.mean(axis=0), row_tot, totals)
    counts = _round_columns(m, totals)
    if sc.provinces is None:  # every province has a college and a few centres
        for t, minimum in ((COLLEGE, 1), (CENTRE, 3)):
            for i in np.flatnonzero(counts[:, t] < minimum):
                while counts[i, t] < minimum:
                    donor = int(np.argmax(counts[:, t]))
                    counts[donor, t] -= 1
                    counts[i, t] += 1
    for i in np.flatnonzero(counts.sum(axis=1) == 0):  # small scale: nobody left out
        donor = int(np.argmax(counts[:, CENTRE]))
        counts[donor, CENTRE] -= 1
        counts[i, CENTRE] += 1
    return counts


def _pick(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(candidates))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    p = weights / weights.sum()
    return rng.choice(candidates, size=k, replace=False, p=p)


def _institutions(ctx: _Ctx, points_in_province: Callable) -> _Institutions:
    sc, pv, rng = ctx.scale, ctx.prov, ctx.rng["institutions"]
    counts = _allocate(ctx)
    prov = np.repeat(np.repeat(ctx.prov.used, 3), counts.ravel())
    typ = np.tile(np.arange(3), len(ctx.prov.used))
    typ = np.repeat(typ, counts.ravel())
    n = len(prov)

    # Status: closed 2021-24, closing 2025-26, new 2025-26, new 2021-24 or long-standing.
    status = np.zeros(n, dtype=np.int64)  # 0 regular, 1 closed, 2 closing, 3 new late, 4 new early
    for t in range(3):
        idx = rng.permutation(np.flatnonzero(typ == t))
        k = 0
        plan = ((1, sc.closed_2021_24[t]), (2, sc.closing_2025_26[t]), (3, sc.new_2025_26[t]), (4, sc.new_2021_24[t]))
        for s, m in plan:
            status[idx[k : k + m]] = s
            k += m

    # Ownership: exact counts per type, private/foreign where they concentrate.
    own = np.zeros(n, dtype=np.int64)
    codes = np.array(pv.codes, dtype=object)
    prop = np.array([ref.PRIVATE_PROPENSITY.get(c, 1.0) for c in codes]) * np.where(pv.base_readiness < -0.5, 0.5, 1.0)
    is_foreign_prov = np.isin(codes, ref.FOREIGN_PROVINCES)
    for t in range(3):
        idx = np.flatnonzero(typ == t)
        fidx = idx[is_foreign_prov[prov[idx]]]
        chosen = _pick(rng, fidx, prop[prov[fidx]], sc.foreign[t])
        own[chosen] = FOREIGN
        rest = idx[own[idx] == PUBLIC]
        n_private = int(round(sc.private_share[t] * len(idx)))
        own[_pick(rng, rest, prop[prov[rest]] ** 1.5, n_private)] = PRIVATE

    # Established / closed.
    est = np.empty(n)
    u = rng.random(n)
    for t in range(3):
        for o in range(3):
            sel = (typ == t) & (own == o)
            m = int(sel.sum())
            if t == COLLEGE and o == PUBLIC:
                # Old schools, the 1995-2012 wave and the colleges upgraded 2012-2019.
                band = np.digitize(u[sel], [0.15, 0.7])
                lo = np.array([day("1960-01-01"), day("1995-01-01"), day("2012-01-01")])[band]
                hi = np.array([day("1995-01-01"), day("2012-01-01"), day("2019-12-31")])[band]
            elif t == CENTRE and o == PUBLIC:
                lo = np.where(u[sel] < 0.7, day("2017-06-01"), day("2000-01-01"))
                hi = np.where(u[sel] < 0.7, day("2019-12-31"), day("2017-05-31"))
            elif o == PUBLIC:
                lo, hi = day("1975-01-01"), day("2018-12-31")
            else:
                lo, hi = day("2003-01-01"), day("2020-10-31")
            est[sel] = uniform_days(rng, lo, hi, m)
    est = np.where(status == 3, uniform_days(rng, day("2025-01-06"), day("2026-06-30"), n), est)
    est = np.where(status == 4, uniform_days(rng, day("2021-01-04"), day("2024-12-16"), n), est)
    close = np.full(n, np.nan)
    close = np.where(status == 1, uniform_days(rng, day("2021-03-01"), day("2024-11-30"), n), close)
    late = uniform_days(rng, day("2025-01-15"), day("2026-09-30"), n)
    district_merge = (typ == CENTRE) & (rng.random(n) < 0.6)
    close = np.where(status == 2, np.where(district_merge, day("2025-06-30"), late), close)

    keep = est <= ctx.horizon
    prov, typ, own, est, close, status = prov[keep], typ[keep], own[keep], est[keep], close[keep], status[keep]
    close = ctx.censor(close)
    n = len(prov)

    # Row order: province, type, establishment date.
    order = np.lexsort((est, typ, prov))
    prov, typ, own, est, close, status = prov[order], typ[order], own[order], est[order], close[order], status[order]
    ids = np.arange(1, n + 1)

    eff = pv.effect[prov] + _TYPE_EFFECT[typ] + _OWN_EFFECT[own] + rng.normal(0.0, _CAL["inst_sd"], n)
    # Laggards: a minority (more often remote, private, centres) adopt everything years later,
    # so national curves flatten after the majority and 2030 targets are not a formality.
    p_lag = _CAL["lag_p"] * np.where(typ == CENTRE, 1.5, 1.0) * np.where(own == PRIVATE, 1.5, 1.0)
    p_lag = p_lag * np.where(pv.base_readiness[prov] < -0.4, 1.6, 1.0)
    laggard = rng.random(n) < p_lag
    eff = eff + laggard * (_CAL["lag_lo"] + rng.random(n) * (_CAL["lag_hi"] - _CAL["lag_lo"]))

    median = np.array([88.0, 30.0, 9.0])[typ] * np.array([1.0, 0.8, 0.6])[own]
    size = np.maximum(np.round(median * np.exp(rng.normal(0.0, 0.5, n)) * sc.staff_factor), 2).astype(np.int64)

    # Codes: province + type digit + sequence.
    code = np.empty(n, dtype=object)
    seq: dict[tuple[int, int], int] = {}
    for i in range(n):
        key = (int(prov[i]), int(typ[i]))
        seq[key] = seq.get(key, 0) + 1
        code[i] = f"{pv.codes[prov[i]]}{typ[i] + 1}{seq[key]:05d}"

    names, addresses, boosts = _names(ctx, prov, typ, own)

    # Coordinates inside the legacy province; ~2 % not yet geolocated.
    geo_rng = ctx.rng["geo"]
    w_missing = np.where(typ == CENTRE, 2.0, 1.0) * np.where(own == PUBLIC, 1.0, 1.5) * np.where(status >= 3, 3.0, 1.0)
    n_missing = max(1, int(round(0.02 * n)))
    missing = np.zeros(n, dtype=bool)
    missing[_pick(geo_rng, np.arange(n), w_missing, n_missing)] = True
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    for p in np.unique(prov):
        sel = np.flatnonzero((prov == p) & ~missing)
        if len(sel):
            la, lo = points_in_province(pv.codes[p], len(sel), geo_rng)
            lat[sel] = np.round(la, 6)
            lon[sel] = np.round(lo, 6)

    # High-quality schools.
    hq = np.full(n, np.nan)
    candidates = np.flatnonzero((typ == COLLEGE) & np.isnan(close) & (status == 0) & (est < day("2018-01-01")))
    w = size[candidates] * np.exp(pv.readiness[prov[candidates]]) * np.where(own[candidates] == PUBLIC, 2.0, 0.7)
    chosen = _pick(rng, candidates, w, sum(sc.hq_per_year))
    chosen = chosen[np.argsort(-w[np.searchsorted(candidates, chosen)], kind="stable")]  # best first
    years = np.repeat(np.arange(2019, 2019 + len(sc.hq_per_year)), sc.hq_per_year)[: len(chosen)]
    hq[chosen] = month_day_sampler(rng, years, np.ones(12))
    inter = np.flatnonzero((typ == INTERMEDIATE) & np.isnan(close) & (status == 0) & (own == PUBLIC))
    chosen_i = _pick(rng, inter, size[inter].astype(np.float64), sc.hq_intermediate)
    hq[chosen_i] = uniform_days(rng, day("2021-01-01"), day("2025-10-31"), len(chosen_i))
    hq = ctx.censor(hq)

    # Digital infrastructure, connection to the national platform, digital school. Drawn per
    # population of the targets (schools vs centres; high-quality or not) so the stratified
    # draws keep each population's share stable.
    school = typ != CENTRE
    strata = np.where(school, 0, 1) + np.where(np.isnan(hq), 0, 2)
    infra = _by_stratum(rng, strata, _CAL["infra_mu"] + eff, _CAL["infra_s"], day("2020-06-01"))
    conn_mu = _CAL["conn_mu"] + eff + rng.normal(0, 0.3, n)
    conn = _by_stratum(rng, strata, conn_mu, _CAL["conn_s"], day("2023-07-01"))
    conn = np.maximum(conn, infra + uniform_days(rng, 20, 200, n))
    ds_mu = _CAL["ds_mu"] + eff + np.where(np.isnan(hq), 0.0, _CAL["ds_hq_shift"])
    dschool = _by_stratum(rng, strata, ds_mu, _CAL["ds_s"], day("2022-06-01"))
    dschool = np.where(typ == CENTRE, np.nan, np.maximum(dschool, infra + uniform_days(rng, 60, 300, n)))
    infra, conn, dschool = (ctx.censor(np.where(x >= close, np.nan, x)) for x in (infra, conn, dschool))

    # Profile last updated: most within the last 12 months, some stale; closed ones before closing.
    end = np.where(np.isnan(close), ctx.horizon, close)
    fresh = rng.random(n) < np.where(own == PUBLIC, 0.85, 0.78)
    profile = np.where(fresh, end - uniform_days(rng, 0, 364, n), end - uniform_days(rng, 366, 1100, n))
    profile = np.maximum(profile, est)

    columns = {
        "id": ids,
        "code": code,
        "name": names,
        "type": np.array(TYPES, dtype=object)[typ],
        "ownership": np.array(OWNERSHIPS, dtype=object)[own],
        "province_code": pv.code34[prov],
        "legacy_province_code": codes[prov],
        "address": addresses,
        "latitude": lat,
        "longitude": lon,
        "established_on": to_datetime64(est),
        "closed_on": to_datetime64(close),
        "high_quality_on": to_datetime64(hq),
        "digital_infrastructure_on": to_datetime64(infra),
        "platform_connected_on": to_datetime64(conn),
        "digital_school_on": to_datetime64(dschool),
        "profile_updated_on": to_datetime64(profile),
    }
    return _Institutions(ids, typ, own, prov, est, close, eff, size, boosts, hq, columns)


def _by_stratum(
    rng: np.random.Generator, strata: np.ndarray, mu: np.ndarray, scale: float, start: float
) -> np.ndarray:
    """:func:`logistic_days` drawn separately within each stratum."""
    out = np.empty(len(mu))
    for k in np.unique(strata):
        sel = strata == k
        out[sel] = logistic_days(rng, mu[sel], scale, start)
    return out


def _province_label(kind: str, name: str) -> str:
    return f"{'thành phố' if kind == 'Thành phố' else 'tỉnh'} {name}"


def _names(ctx: _Ctx, prov: np.ndarray, typ: np.ndarray, own: np.ndarray):
    """Unique Vietnamese names, addresses and each institution's field boosts.

    A candidate is (name, boosted field groups, district or None); an institution named after a
    district is located there, the others in the provincial capital.
    """
    rng, pv = ctx.rng["names"], ctx.prov
    used: set[str] = set()
    names, addresses, boosts = [], [], []
    district_queue: dict[int, list[str]] = {}
    Candidate = tuple[str, tuple[str, ...], str | None]

    def unique(candidates: list[Candidate], fallback_suffixes: list[str]) -> Candidate:
        for cand in candidates:
            if cand[0] not in used:
                used.add(cand[0])
                return cand
        for suffix in fallback_suffixes:
            for name, b, unit in candidates:
                if f"{name} {suffix}" not in used:
                    used.add(f"{name} {suffix}")
                    return f"{name} {suffix}", b, unit
        name, b, unit = candidates[0]
        k = 2
        while f"{name} {k}" in used:
            k += 1
        used.add(f"{name} {k}")
        return f"{name} {k}", b, unit

    def short(district: str) -> str:  # "huyện Ba Vì" -> "Ba Vì"; "quận 8" stays
        return district if district.startswith("quận") else district.split(" ", 1)[1]

    for i in range(len(prov)):
        p, t, o = int(prov[i]), int(typ[i]), int(own[i])
        code = pv.codes[p]
        place = ref.PLACE.get(code, pv.names[p])
        label = _province_label(pv.kinds[p], pv.names[p])
        districts = ref.DISTRICTS[code]
        if p not in district_queue:
            district_queue[p] = [districts[j] for j in rng.permutation(len(districts))]
        shuffled = [districts[j] for j in rng.permutation(len(districts))]
        street = ref.STREETS[rng.integers(len(ref.STREETS))]
        number = int(rng.integers(1, 400))
        units = ref.CAPITAL_UNITS.get(code) or (f"thành phố {ref.CAPITAL_CITY[code]}",)
        capital_unit = units[rng.integers(len(units))]
        if t in (COLLEGE, INTERMEDIATE):
            head = "Trường Cao đẳng" if t == COLLEGE else "Trường Trung cấp"
            if o == PUBLIC:
                themes = ref.COLLEGE_PUBLIC_THEMES if t == COLLEGE else ref.INTERMEDIATE_PUBLIC_THEMES
                cands: list[Candidate] = [
                    (f"{head} {themes[j][0]} {place}" if themes[j][0] else f"{head} {place}", themes[j][1], None)
                    for j in rng.permutation(len(themes))
                ]
                # More public schools than themes (big cities): named after a district instead.
                cands += [
                    (f"{head} {themes[j][0] or 'Nghề'} {short(d)}", themes[j][1], d)
                    for j, d in zip(rng.permutation(len(themes)), shuffled)
                ]
                cand = unique(cands, [])
            elif o == PRIVATE:
                themes = ref.COLLEGE_PRIVATE_THEMES if t == COLLEGE else ref.INTERMEDIATE_PRIVATE_THEMES
                cands = []
                for _ in range(12):
                    th = themes[rng.integers(len(themes))]
                    cands.append((f"{head} {th[0]} {ref.BRANDS[rng.integers(len(ref.BRANDS))]}", th[1], None))
                cand = unique(cands, [place])
            else:
                cands = [
                    (f"{head} Quốc tế {ref.FOREIGN_BRANDS[j]}", ("eng", "lang", "tour"), None)
                    for j in rng.permutation(len(ref.FOREIGN_BRANDS))
                ]
                cand = unique(cands, [place])
        elif o == PUBLIC:
            queue = district_queue[p]
            if queue and rng.random() < 0.85:  # the district's merged GDNN-GDTX centre
                d = queue.pop(0)
                cand = unique(
                    [(f"Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên {d}", ("agri", "eng"), d)], [label]
                )
            else:
                forms = ref.CENTRE_PUBLIC_FORMS
                cands = [(forms[j][0].format(p=label), forms[j][1], None) for j in rng.permutation(len(forms))]
                cands += [(f"Trung tâm Giáo dục nghề nghiệp {d}", ("agri", "eng"), d) for d in shuffled]
                cand = unique(cands, [label])
        elif o == PRIVATE:
            forms = ref.CENTRE_PRIVATE_FORMS
            cands = []
            for _ in range(12):
                f = forms[rng.integers(len(forms))]
                cands.append((f[0].format(b=ref.BRANDS[rng.integers(len(ref.BRANDS))]), f[1], None))
            cand = unique(cands, [place])
        else:
            cands = [
                (f"Trung tâm Đào tạo Quốc tế {ref.FOREIGN_BRANDS[j]}", ("lang", "eng", "tour"), None)
                for j in rng.permutation(len(ref.FOREIGN_BRANDS))
            ]
            cand = unique(cands, [place])
        name, b, district = cand
        names.append(name)
        addresses.append(f"Số {number}, đường {street}, {district or capital_unit}, {label}")
        boosts.append(b)
    return np.array(names, dtype=object), np.array(addresses, dtype=object), boosts


# --- people -------------------------------------------------------------------------------


def _person_ids(
    rng: np.random.Generator,
    birth_prov: np.ndarray,
    birth_year: np.ndarray,
    female: np.ndarray,
) -> np.ndarray:
    """12-digit personal identification numbers as int64 (province 3 + century/sex 1 + year 2 + 6)."""
    century = np.where(birth_year >= 2000, 2, 0) + female.astype(np.int64)
    return (
        birth_prov.astype(np.int64) * 10**9
        + century * 10**8
        + (birth_year.astype(np.int64) % 100) * 10**6
        + rng.integers(0, 10**6, len(birth_prov))
    )


def _birth_provinces(ctx: _Ctx, rng: np.random.Generator, home: np.ndarray, p_home: float) -> np.ndarray:
    """Province of birth (as a number, e.g. 1 for Hà Nội): mostly where they study or work."""
    codes = np.array([int(c) for c in ctx.prov.codes])
    where = home.copy()
    away = np.flatnonzero(rng.random(len(home)) >= p_home)
    where[away] = rng.choice(len(codes), size=len(away), p=ctx.prov.pop / ctx.prov.pop.sum())
    return codes[where]


def _full_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    n = len(female)
    fam_names = np.array([f for f, _ in ref.FAMILY_NAMES], dtype=object)
    fam_w = np.array([w for _, w in ref.FAMILY_NAMES])
    fam = fam_names[rng.choice(len(fam_names), size=n, p=fam_w / fam_w.sum())]
    mid_m, mid_f = np.array(ref.MIDDLE_MALE, dtype=object), np.array(ref.MIDDLE_FEMALE, dtype=object)
    giv_m, giv_f = np.array(ref.GIVEN_MALE, dtype=object), np.array(ref.GIVEN_FEMALE, dtype=object)
    mid = np.where(female, mid_f[rng.integers(len(mid_f), size=n)], mid_m[rng.integers(len(mid_m), size=n)])
    giv = np.where(female, giv_f[rng.integers(len(giv_f), size=n)], giv_m[rng.integers(len(giv_m), size=n)])
    return fam + " " + mid + " " + giv


@dataclass
class _Staff:
    inst: np.ndarray
    hire: np.ndarray
    leave: np.ndarray
    manager: np.ndarray
    columns: dict[str, object]


def _staff(ctx: _Ctx, inst: _Institutions) -> _Staff:
    rng = ctx.rng["staff"]
    lam = _CAL["turnover"]
    d2021 = day("2021-01-01")
    idx = np.repeat(np.arange(len(inst)), inst.size)
    est = inst.est[idx]
    hire = np.where(
        est < d2021,
        uniform_days(rng, np.maximum(est, day("1988-01-01")), day("2020-12-31"), len(idx)),
        est + uniform_days(rng, 0, 150, len(idx)),
    )
    manager = rng.random(len(idx)) < np.array([0.22, 0.26, 0.33])[inst.type[idx]]
    parts = []
    cur_idx, cur_hire, cur_mgr = idx, hire, manager
    while len(cur_idx):
        m = len(cur_idx)
        start = np.maximum(cur_hire, d2021)
        leave = np.maximum(np.floor(start + rng.exponential(YEAR / lam, m)), cur_hire + 30)
        close = inst.close[cur_idx]
        by_closure = leave >= close
        leave = np.where(by_closure, close, leave)
        leave = ctx.censor(leave)
        parts.append((cur_idx, cur_hire, leave, cur_mgr))
        rep = ~np.isnan(leave) & ~by_closure & (rng.random(m) < 0.93)
        new_hire = leave[rep] + uniform_days(rng, 20, 150, int(rep.sum()))
        ok = (new_hire <= ctx.horizon) & ~(new_hire >= close[rep])
        cur_idx, cur_hire, cur_mgr = cur_idx[rep][ok], new_hire[ok], cur_mgr[rep][ok]
    s_inst = np.concatenate([p[0] for p in parts])
    s_hire = np.concatenate([p[1] for p in parts])
    s_leave = np.concatenate([p[2] for p in parts])
    s_mgr = np.concatenate([p[3] for p in parts])
    order = np.lexsort((s_hire, s_inst))
    s_inst, s_hire, s_leave, s_mgr = s_inst[order], s_hire[order], s_leave[order], s_mgr[order]
    n = len(s_inst)

    female = rng.random(n) < np.where(s_mgr, 0.4, 0.52)
    hire_year = year_of(s_hire)
    birth_year = np.minimum(hire_year - rng.integers(22, 40, n), 2003)
    birth_prov = _birth_provinces(ctx, rng, inst.prov[s_inst], 0.75)
    pid = _person_ids(rng, birth_prov, birth_year, female)
    for _ in range(5):  # personal IDs are unique per person
        _, first = np.unique(pid, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        pid[dup] = (pid[dup] // 10**6) * 10**6 + rng.integers(0, 10**6, int(dup.sum()))
    columns = {
        "id": np.arange(1, n + 1),
        "institution_id": inst.id[s_inst],
        "personal_id": ZeroPadded(pid, 12),
        "full_name": _full_names(rng, female),
        "role": np.where(s_mgr, "manager", "teacher").astype(object),
        "hired_on": to_datetime64(s_hire),
        "left_on": to_datetime64(s_leave),
    }
    return _Staff(s_inst, s_hire, s_leave, s_mgr, columns)


def _wave_schedule(ctx: _Ctx, rng: np.random.Generator) -> WaveSchedule:
    """Course completion dates per province: national waves plus provincial courses."""
    last_year = ctx.data_date.year + 1
    national = []
    for y in range(2021, last_year + 1):
        for md in ("05-22", "08-14", "10-30", "12-11"):
            national.append(day(f"{y}-{md}"))
    national = np.array(national)
    groups = []
    years = np.arange(2021, last_year + 1)
    for _ in ctx.prov.codes:
        local = month_day_sampler(rng, np.repeat(years, 12), _TRAINING_MONTHS)
        groups.append(np.unique(np.concatenate([national, local])))
    return WaveSchedule(groups)


def _trainings(ctx: _Ctx, inst: _Institutions, staff: _Staff) -> dict[str, object]:
    rng = ctx.rng["training"]
    waves = _wave_schedule(ctx, rng)
    prov = inst.prov[staff.inst]
    n = len(staff.inst)
    rows_staff, rows_kind, rows_day = [], [], []
    for kind, mu_key, s_key, slow, who in (
        ("digital_capacity", "t01_mu", "t01_s", 1.0, np.ones(n, dtype=bool)),
        ("digital_materials", "t02_mu", "t02_s", _CAL["t02_slow"], ~staff.manager),
    ):
        sel = np.flatnonzero(who)
        mu = _CAL[mu_key] + inst.eff[staff.inst[sel]] + rng.normal(0.0, _CAL["person_sd"], len(sel))
        t = logistic_days(rng, mu, _CAL[s_key], day("2021-06-01"))
        t = slowed_after(t, _PHASE_2, slow)
        t = seasonal(t, _TRAINING_MONTHS)
        t = np.maximum(t, staff.hire[sel] + uniform_days(rng, 45, 300, len(sel)))
        t = waves.snap(t, prov[sel])
        ok = (t <= ctx.horizon) & ~(t >= staff.leave[sel])
        first_staff, first_day = sel[ok], t[ok]
        # Some take a second (refresher) course: two rows, the person counts once.
        again = rng.random(len(first_staff)) < 0.11
        t2 = first_day[again] + uniform_days(rng, 200, 800, int(again.sum()))
        t2 = waves.snap(t2, prov[first_staff[again]])
        ok2 = (t2 <= ctx.horizon) & ~(t2 >= staff.leave[first_staff[again]])
        for s_idx, days in ((first_staff, first_day), (first_staff[again][ok2], t2[ok2])):
            rows_staff.append(s_idx)
            rows_day.append(days)
            rows_kind.append(np.full(len(s_idx), kind, dtype=object))
    s_idx = np.concatenate(rows_staff)
    days = np.concatenate(rows_day)
    kinds = np.concatenate(rows_kind)
    order = np.lexsort((s_idx, days))
    return {
        "id": np.arange(1, len(order) + 1),
        "staff_id": s_idx[order] + 1,  # staff ids are 1..n in order
        "kind": kinds[order],
        "completed_on": to_datetime64(days[order]),
    }


# --- programmes ---------------------------------------------------------------------------


@dataclass
class _Programmes:
    inst: np.ndarray
    level: np.ndarray
    approved: np.ndarray
    retired: np.ndarray
    columns: dict[str, object]


_LEVEL_MIX = {  # programme levels per institution type
    COLLEGE: (0.45, 0.30, 0.20, 0.05),
    INTERMEDIATE: (0.0, 0.60, 0.30, 0.10),
    CENTRE: (0.0, 0.0, 0.65, 0.35),
}
_REQUIRED_LEVELS = {COLLEGE: (0, 1, 2), INTERMEDIATE: (1, 2), CENTRE: (2,)}
_OPTIONAL_LEVELS = {COLLEGE: ((3, 0.6),), INTERMEDIATE: ((3, 0.5),), CENTRE: ((3, 0.75),)}
_PROGRAMME_MEAN = (22.0, 12.0, 5.0)


def _programmes(ctx: _Ctx, inst: _Institutions) -> _Programmes:
    rng = ctx.rng["programmes"]
    n_inst = len(inst)
    catalogue = [ref.occupations(level) for level in LEVELS]
    groups = list(ref.BASE_GROUP_WEIGHTS)
    base_w = np.array([ref.BASE_GROUP_WEIGHTS[g] for g in groups])
    boost = np.array([[g in b for g in groups] for b in inst.boosts], dtype=np.float64)  # inst x group
    group_w = base_w[None, :] * (1.0 + 5.0 * boost)

    # How many programmes at each level: one per required level, optional levels by chance,
    # the rest spread by the type's level mix.
    n_target = np.maximum(
        np.round(
            np.array(_PROGRAMME_MEAN)[inst.type] * np.exp(rng.normal(0.0, 0.35, n_inst)) * ctx.scale.programme_factor
        ),
        1,
    ).astype(np.int64)
    present = np.zeros((n_inst, 4), dtype=bool)
    for t in range(3):
        sel = inst.type == t
        present[np.ix_(sel, list(_REQUIRED_LEVELS[t]))] = True
        for lv, p in _OPTIONAL_LEVELS[t]:
            present[sel, lv] = rng.random(int(sel.sum())) < p
    mix = np.array([_LEVEL_MIX[int(t)] for t in inst.type]) * present
    extra = np.maximum(n_target - present.sum(axis=1), 0)
    per_level = present.astype(np.int64) + rng.multinomial(extra, mix / mix.sum(axis=1, keepdims=True))

    # Occupations without replacement, weighted by the institution's fields (Gumbel top-k).
    p_inst, p_level, p_occ, p_base = [], [], [], []
    for lv in range(4):
        occ_group = np.array([groups.index(o.group) for o in catalogue[lv]])
        m = len(occ_group)
        k = np.minimum(per_level[:, lv], m)
        rows = np.flatnonzero(k > 0)
        keys = np.log(group_w[np.ix_(rows, occ_group)]) - np.log(-np.log(rng.random((len(rows), m))))
        ranked = np.argsort(-keys, axis=1)
        take = np.arange(m)[None, :] < k[rows][:, None]
        p_inst.append(np.repeat(rows, k[rows]))
        p_level.append(np.full(int(k[rows].sum()), lv))
        p_occ.append(ranked[take])
        p_base.append((np.arange(m)[None, :] == 0).repeat(len(rows), axis=0)[take])
    pi = np.concatenate(p_inst)
    pl = np.concatenate(p_level)
    po = np.concatenate(p_occ)
    pb = np.concatenate(p_base)
    n = len(pi)

    est = inst.est[pi]
    close = inst.close[pi]
    old_inst = est < day("2020-10-01")
    legacy = rng.random(n) < 0.78
    approved = np.where(
        pb,
        np.where(
            old_inst,
            uniform_days(rng, np.maximum(est, day("2017-07-01")), day("2020-12-31"), n),
            est + uniform_days(rng, 0, 60, n),
        ),
        np.where(
            legacy,
            uniform_days(rng, np.maximum(est, day("2017-07-01")), np.maximum(day("2021-12-31"), est + 30), n),
            uniform_days(rng, np.maximum(est + 90, day("2022-01-01")), np.maximum(ctx.horizon, est + 90), n),
        ),
    )
    approved = np.where(pb, approved, np.maximum(approved, est))
    keep = (approved <= ctx.horizon) & ~(approved >= close)
    retired = np.where(
        ~pb & legacy & (rng.random(n) < 0.12),
        uniform_days(rng, np.maximum(approved + 180, day("2021-06-01")), ctx.horizon + 400, n),
        np.nan,
    )
    retired = np.fmin(retired, close)
    retired = ctx.censor(retired)

    is_it = np.zeros(n, dtype=bool)
    occ_code = np.empty(n, dtype=object)
    occ_name = np.empty(n, dtype=object)
    for lv in range(4):
        sel = pl == lv
        occ = catalogue[lv]
        is_it[sel] = np.array([o.is_it for o in occ])[po[sel]]
        occ_code[sel] = np.array([o.code for o in occ], dtype=object)[po[sel]]
        occ_name[sel] = np.array([o.name for o in occ], dtype=object)[po[sel]]

    eff = inst.eff[pi] + rng.normal(0.0, 0.4, n)
    new_prog = approved >= day("2023-01-01")
    t03 = logistic_days(rng, _CAL["t03_mu"] + eff, _CAL["t03_s"], day("2022-03-01"))
    t03 = slowed_after(t03, _PHASE_2, _CAL["t03_slow"])
    t03 = np.where(new_prog & (rng.random(n) < 0.65), approved, np.maximum(t03, approved))
    t04_mu = np.where(is_it, _CAL["t04_mu"] + 0.7 * eff, _CAL["t04_mu"] + 1.6 + eff)
    t04 = logistic_days(rng, t04_mu, _CAL["t04_s"], day("2022-03-01"))
    t04 = np.where(approved >= day("2022-01-01"), approved, np.maximum(t04, approved))
    t03 = ctx.censor(np.where(t03 >= retired, np.nan, t03))
    t04 = ctx.censor(np.where(t04 >= retired, np.nan, t04))
    revised = ctx.censor(np.where(rng.random(n) < 0.5, approved + uniform_days(rng, 90, 1500, n), np.nan))
    revised = np.where(revised >= retired, np.nan, revised)
    last = np.fmax(np.fmax(np.fmax(approved, t03), t04), revised)

    # Rows grouped by (institution, level) with the base programme first.
    order = np.lexsort((~pb, pl, pi))
    order = order[keep[order]]
    cols = {
        "id": np.arange(1, len(order) + 1),
        "institution_id": inst.id[pi[order]],
        "level": np.array(LEVELS, dtype=object)[pl[order]],
        "occupation_code": occ_code[order],
        "occupation_name": occ_name[order],
        "is_it": is_it[order],
        "approved_on": to_datetime64(approved[order]),
        "retired_on": to_datetime64(retired[order]),
        "digital_outcomes_on": to_datetime64(t03[order]),
        "tech_updated_on": to_datetime64(t04[order]),
        "last_updated_on": to_datetime64(last[order]),
    }
    return _Programmes(pi[order], pl[order], approved[order], retired[order], cols)


# --- learners -----------------------------------------------------------------------------

# Rows per year at national scale. College and intermediate as published (~430,000 a year);
# elementary and short courses (about 2 million a year in reality) are sampled.
_ANNUAL = np.array([200_000.0, 230_000.0, 55_000.0, 30_000.0])
_LEVEL_TYPE_SHARE = np.array(  # level x institution type
    [[1.0, 0.0, 0.0], [0.42, 0.58, 0.0], [0.22, 0.20, 0.58], [0.12, 0.13, 0.75]]
)
_YEAR_FACTOR = {2021: 0.9, 2022: 0.96, 2023: 1.0, 2024: 1.02, 2025: 1.03}
_DROPOUT = np.array([0.17, 0.2, 0.06, 0.03])


def _concat(parts: list[np.ndarray], dtype: object) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)


def _learners(ctx: _Ctx, inst: _Institutions, prog: _Programmes) -> dict[str, object]:
    rng = ctx.rng["learners"]
    n_inst = len(inst)
    key = prog.inst * 4 + prog.level
    uniq, start, count = np.unique(key, return_index=True, return_counts=True)
    has = np.zeros((n_inst, 4), dtype=bool)
    has[uniq // 4, uniq % 4] = True

    size = inst.size.astype(np.float64)
    open_from = inst.est + 60
    open_to = np.fmin(np.where(np.isnan(inst.close), np.inf, inst.close - 1), ctx.horizon)
    parts_inst, parts_lvl, parts_day, parts_year = [], [], [], []
    for year in range(2021, ctx.data_date.year + 1):
        y0, y1 = day(f"{year}-01-01"), day(f"{year}-12-31")
        lo = np.maximum(open_from, y0)
        hi = np.minimum(open_to, y1)
        frac = np.clip((hi - lo + 1) / (y1 - y0 + 1), 0.0, 1.0)
        factor = _YEAR_FACTOR.get(year, 1.04) * ctx.scale.learner_factor
        for lv in range(4):
            ok = has[:, lv]
            expected = np.zeros(n_inst)
            for t in range(3):
                share = _LEVEL_TYPE_SHARE[lv, t]
                sel = ok & (inst.type == t)
                if share == 0 or not sel.any():
                    continue
                # A national-average institution of the type gets annual * share / (number of
                # such institutions nationally); bigger ones proportionally more.
                per_inst = _ANNUAL[lv] * share / _SCALES["national"].open_2024[t]
                expected[sel] = per_inst * size[sel] / size[inst.type == t].mean()
            counts = rng.poisson(expected * frac * factor)
            if counts.sum() == 0:
                continue
            li = np.repeat(np.arange(n_inst), counts)
            months = _SCHOOL_INTAKE_MONTHS if lv < 2 else _SHORT_INTAKE_MONTHS
            d = month_day_sampler(rng, np.full(len(li), year), months)
            outside = (d < lo[li]) | (d > hi[li])
            d = np.where(outside, uniform_days(rng, lo[li], hi[li], len(li)), d)
            parts_inst.append(li)
            parts_lvl.append(np.full(len(li), lv, dtype=np.int64))
            parts_day.append(d)
            parts_year.append(np.full(len(li), year, dtype=np.int64))
    li = _concat(parts_inst, np.int64)
    ll = _concat(parts_lvl, np.int64)
    enrolled = _concat(parts_day, np.float64)
    year = _concat(parts_year, np.int64)
    # Rows grouped by institution (as synchronised from each institution), in enrolment order.
    order = np.argsort(li.astype(np.int64) * 100_000 + (enrolled - day("2020-01-01")).astype(np.int64), kind="stable")
    li, ll, enrolled, year = li[order], ll[order], enrolled[order], year[order]
    n = len(li)

    # Programme: a random one of the institution's programmes at that level that is running,
    # else the institution's base programme for the level.
    pos = np.searchsorted(uniq, li * 4 + ll)
    pick = start[pos] + np.floor(rng.random(n) * count[pos]).astype(np.int64)
    running = (prog.approved[pick] <= enrolled) & ~(prog.retired[pick] <= enrolled)
    pick = np.where(running, pick, start[pos])

    # Graduation.
    dur_mean = np.array([2.6, 1.8, 0.55, 0.12])[ll] * YEAR
    dur_sd = np.array([0.25, 0.2, 0.2, 0.04])[ll] * YEAR
    dur_min = np.array([1.9, 1.1, 0.25, 0.02])[ll] * YEAR
    dur_max = np.array([3.3, 2.6, 1.0, 0.245])[ll] * YEAR
    dur = np.clip(rng.normal(dur_mean, dur_sd), dur_min, dur_max)
    graduated = np.floor(enrolled + dur)
    graduated = np.where(rng.random(n) < _DROPOUT[ll], np.nan, graduated)
    graduated = ctx.censor(graduated)

    # Digitised learning records and diplomas, after the institution adopts each system.
    rec_mu = _CAL["rec_mu"] + inst.eff + rng.normal(0, 0.3, n_inst)
    dip_mu = _CAL["dip_mu"] + inst.eff + rng.normal(0, 0.3, n_inst)
    r_inst = slowed_after(logistic_days(rng, rec_mu, _CAL["rec_s"], day("2020-01-01")), _PHASE_2, _CAL["rec_slow"])
    e_inst = slowed_after(logistic_days(rng, dip_mu, _CAL["dip_s"], day("2021-06-01")), _PHASE_2, _CAL["rec_slow"])
    r = r_inst[li]
    e = e_inst[li]
    after = enrolled >= r
    backfill = rng.random(n) < np.where(ll < 2, 0.9, 0.7)
    record = np.where(
        after,
        enrolled + uniform_days(rng, 0, 40, n),
        np.where(backfill, np.maximum(r, enrolled) + uniform_days(rng, 0, 300, n), np.nan),
    )
    record = ctx.censor(record)
    g_after = graduated >= e
    d_backfill = rng.random(n) < 0.75
    diploma = np.where(
        g_after,
        graduated + uniform_days(rng, 3, 60, n),
        np.where(d_backfill, np.maximum(e, graduated) + uniform_days(rng, 0, 400, n), np.nan),
    )
    diploma = ctx.censor(np.where(np.isnan(graduated), np.nan, diploma))

    # Personal IDs.
    age = np.array([18, 15, 18, 18])[ll] + np.minimum(
        np.floor(rng.exponential(np.array([2.0, 3.0, 10.0, 12.0])[ll])), np.array([22, 30, 42, 42])[ll]
    ).astype(np.int64)
    female = rng.random(n) < np.array([0.45, 0.4, 0.45, 0.5])[ll]
    birth_prov = _birth_provinces(ctx, rng, inst.prov[li], 0.8)
    pid = _person_ids(rng, birth_prov, year - age, female)

    return {
        "id": np.arange(1, n + 1),
        "institution_id": inst.id[li],
        "programme_id": pick + 1,  # programme ids are 1..n in order
        "personal_id": ZeroPadded(pid, 12),
        "level": np.array(LEVELS, dtype=object)[ll],
        "enrolled_on": to_datetime64(enrolled),
        "graduated_on": to_datetime64(graduated),
        "record_digitised_on": to_datetime64(record),
        "diploma_digitised_on": to_datetime64(diploma),
    }


# --- inspections, reports, services, milestones ---------------------------------------------

_MERGER = day("2025-07-01")  # 63 -> 34 provincial units


def _profile_updates(ctx: _Ctx, inst: _Institutions) -> dict[str, object]:
    """Each institution's profile updates on the national system, ending at its latest update.

    Institutions began keeping their profile current between 2022 and 2025 (earlier where
    adoption is faster), then updated it every two to eleven months.
    """
    rng = ctx.rng["profiles"]
    n = len(inst)
    last = inst.columns["profile_updated_on"].astype("datetime64[D]").astype(np.int64).astype(np.float64)
    began = day("2022-01-15") + rng.beta(2.0, 2.5, n) * 3.3 * 365.25 + inst.eff * 120.0
    began = np.maximum(np.maximum(began, inst.est), day("2021-06-01"))
    steps = 16
    gaps = rng.uniform(60.0, 330.0, (n, steps - 1)).round()
    back = np.concatenate([np.zeros((n, 1)), np.cumsum(gaps, axis=1)], axis=1)
    when = last[:, None] - back
    keep = when >= began[:, None]
    keep[:, 0] = True  # the latest update is the one on the institution's record
    rows, cols = np.nonzero(keep)
    order = np.lexsort((when[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    return {
        "id": np.arange(1, len(rows) + 1),
        "institution_id": inst.id[rows],
        "updated_on": to_datetime64(when[rows, cols]),
    }


def _is_open(inst: _Institutions, idx: np.ndarray, d: np.ndarray) -> np.ndarray:
    return (inst.est[idx] <= d) & ~(inst.close[idx] <= d)


def _inspections(ctx: _Ctx, inst: _Institutions) -> dict[str, object]:
    rng = ctx.rng["inspections"]
    pv = ctx.prov
    years = np.arange(2021, ctx.data_date.year + 1)
    counts = rng.poisson(ctx.scale.inspections_per_year * np.array([0.8 if y == 2021 else 1.0 for y in years]))
    d = month_day_sampler(rng, np.repeat(years, counts), _INSPECTION_MONTHS)
    d = np.sort(d[d <= ctx.horizon])
    n = len(d)
    to_province = rng.random(n) < 0.12
    w = np.sqrt(inst.size.astype(np.float64))
    target_inst = rng.choice(len(inst), size=n, p=w / w.sum())
    # Re-draw institutions not open on the day (a few tries), then fall back to a province check.
    for _ in range(4):
        bad = ~to_province & ~_is_open(inst, target_inst, d)
        if not bad.any():
            break
        target_inst[bad] = rng.choice(len(inst), size=int(bad.sum()), p=w / w.sum())
    to_province |= ~_is_open(inst, target_inst, d)
    used = pv.used
    p_prov = used[rng.choice(len(used), size=n, p=pv.pop[used] / pv.pop[used].sum())]
    prov = np.where(to_province, p_prov, inst.prov[target_inst])
    codes = np.array(pv.codes, dtype=object)
    legacy = codes[prov]
    current = pv.code34[prov]
    # A provincial inspection after the merger targets the new unit (it keeps a legacy code).
    legacy = np.where(to_province & (d >= _MERGER), current, legacy)
    t = years_after_decision(d)
    shift = 0.6 * pv.effect[prov]
    is_digital = stratified_uniform(rng, n, block=25) < expit((t - _CAL["insp_mu"] - shift) / _CAL["insp_s"])
    return {
        "id": np.arange(1, n + 1),
        "conducted_on": to_datetime64(d),
        "target": np.where(to_province, "province", "institution").astype(object),
        "institution_id": np.where(to_province, None, inst.id[target_inst].astype(object)),
        "province_code": current,
        "legacy_province_code": legacy,
        "is_digital": is_digital,
    }


def _reports(ctx: _Ctx, inst: _Institutions) -> dict[str, object]:
    rng = ctx.rng["reports"]
    pv = ctx.prov
    codes = np.array(pv.codes, dtype=object)
    last_year = ctx.data_date.year
    # (kind, period, period end, submission window after the end in days) per reporter kind.
    inst_periods, prov_periods = [], []
    for y in range(2021, last_year + 1):
        inst_periods += [
            ("periodic", f"{y}-H1", day(f"{y}-06-30"), (1, 30)),
            ("periodic", f"{y}", day(f"{y}-12-31"), (-16, 30)),
            ("statistical", f"{y}", day(f"{y}-12-31"), (5, 85)),
        ]
        for q, end in ((1, "03-31"), (2, "06-30"), (3, "09-30"), (4, "12-31")):
            prov_periods.append(("periodic", f"{y}-Q{q}", day(f"{y}-{end}"), (3, 25)))
        prov_periods += [
            ("periodic", f"{y}-H1", day(f"{y}-06-30"), (5, 30)),
            ("periodic", f"{y}", day(f"{y}-12-31"), (-10, 25)),
            ("statistical", f"{y}", day(f"{y}-12-31"), (10, 80)),
        ]
    kinds, periods, inst_ids, prov_idx, submitted, from_prov = [], [], [], [], [], []
    all_inst = np.arange(len(inst))
    for kind, period, end, (a, b) in inst_periods:
        if end + a > ctx.horizon:
            continue
        sel = all_inst[_is_open(inst, all_inst, np.full(len(inst), end))]
        sel = sel[rng.random(len(sel)) > np.where(inst.own[sel] == PUBLIC, 0.02, 0.06)]  # not submitted
        sub = end + uniform_days(rng, a, b, len(sel))
        late = rng.random(len(sel)) < 0.07
        sub = np.where(late, sub + uniform_days(rng, 10, 90, len(sel)), sub)
        ok = sub <= ctx.horizon
        sel, sub = sel[ok], sub[ok]
        kinds.append(np.full(len(sel), kind, dtype=object))
        periods.append(np.full(len(sel), period, dtype=object))
        inst_ids.append(sel)
        prov_idx.append(inst.prov[sel])
        submitted.append(sub)
        from_prov.append(np.zeros(len(sel), dtype=bool))
    used = pv.used
    for kind, period, end, (a, b) in prov_periods:
        if end + a > ctx.horizon:
            continue
        sub = end + uniform_days(rng, a, b, len(used))
        units = used
        if end + a >= _MERGER:
            # After the merger the 34 units report; each keeps its host province's code.
            units = np.unique([pv.codes.index(c) for c in pv.code34[used]])
            sub = end + uniform_days(rng, a, b, len(units))
        ok = sub <= ctx.horizon
        kinds.append(np.full(int(ok.sum()), kind, dtype=object))
        periods.append(np.full(int(ok.sum()), period, dtype=object))
        inst_ids.append(np.full(int(ok.sum()), -1))
        prov_idx.append(units[ok])
        submitted.append(sub[ok])
        from_prov.append(np.ones(int(ok.sum()), dtype=bool))
    kind = _concat(kinds, object)
    period = _concat(periods, object)
    ii = _concat(inst_ids, np.int64)
    pi = _concat(prov_idx, np.int64)
    sub = _concat(submitted, np.float64)
    fp = _concat(from_prov, bool)
    order = np.lexsort((ii, sub))
    kind, period, ii, pi, sub, fp = kind[order], period[order], ii[order], pi[order], sub[order], fp[order]
    n = len(sub)
    t = years_after_decision(sub)
    shift = 0.5 * pv.effect[pi] + np.where(fp, -0.5, _TYPE_EFFECT[inst.type[np.maximum(ii, 0)]] * 0.5)
    p_digital = expit((t - _CAL["rep_dig_mu"] - shift) / _CAL["rep_dig_s"])
    p_gris = expit((t - _CAL["rep_gris_mu"] - shift) / _CAL["rep_gris_s"])
    digital = stratified_uniform(rng, n, block=25) < p_digital
    gris = digital & (stratified_uniform(rng, n, block=25) < p_gris)
    legacy = codes[pi]
    current = pv.code34[pi]
    return {
        "id": np.arange(1, n + 1),
        "kind": kind,
        "period": period,
        "institution_id": np.where(fp, None, inst.id[np.maximum(ii, 0)].astype(object)),
        "province_code": current,
        "legacy_province_code": legacy,
        "submitted_on": to_datetime64(sub),
        "is_digital": digital,
        "gris_connected": gris,
    }


def _public_services(ctx: _Ctx) -> dict[str, object]:
    rng = ctx.rng["services"]
    names = ref.PUBLIC_SERVICES
    n = len(names)
    introduced = np.empty(n)
    early = n - 4
    introduced[:early] = uniform_days(rng, day("2016-06-01"), day("2022-06-30"), early)
    introduced[early : early + 2] = uniform_days(rng, day("2023-02-01"), day("2023-10-31"), 2)
    introduced[early + 2 :] = uniform_days(rng, day("2024-03-01"), day("2024-10-31"), 2)
    # By 31/12/2023, all but five of the services then offered were at level 4 and on the portal.
    late = np.zeros(n, dtype=bool)
    late[rng.choice(early + 2, size=5, replace=False)] = True
    late[early + 2 :] = True
    level4 = np.where(
        late,
        uniform_days(rng, day("2024-01-15"), day("2025-06-30"), n),
        uniform_days(rng, np.maximum(introduced, day("2020-06-01")), day("2023-09-30"), n),
    )
    level4 = np.maximum(level4, introduced)
    portal = level4 + uniform_days(rng, 0, 120, n)
    portal = np.where(late, np.minimum(portal, day("2025-09-30")), np.minimum(portal, day("2023-12-20")))
    # A couple of the late ones were on the portal at level 3 before reaching level 4.
    early_portal = late & (rng.random(n) < 0.3)
    portal = np.where(early_portal, np.maximum(introduced, day("2023-06-01")) + uniform_days(rng, 0, 150, n), portal)
    keep = introduced <= ctx.horizon
    level4, portal = ctx.censor(level4), ctx.censor(portal)
    level = np.where(~np.isnan(level4), 4, np.where(rng.random(n) < 0.8, 3, 2))
    codes = np.sort(rng.choice(np.arange(1000, 12000), size=n, replace=False))
    idx = np.flatnonzero(keep)
    return {
        "id": np.arange(1, len(idx) + 1),
        "code": np.array([f"1.{c:06d}" for c in codes[idx]], dtype=object),
        "name": np.array(names, dtype=object)[idx],
        "level": level[idx],
        "introduced_on": to_datetime64(introduced[idx]),
        "level4_on": to_datetime64(level4[idx]),
        "portal_integrated_on": to_datetime64(portal[idx]),
    }


def _milestones(ctx: _Ctx) -> dict[str, object]:
    achieved = np.array([np.nan if d is None else day(d) for *_, d in ref.MILESTONES])
    return {
        "code": np.array([m[0] for m in ref.MILESTONES], dtype=object),
        "name_vi": np.array([m[1] for m in ref.MILESTONES], dtype=object),
        "name_en": np.array([m[2] for m in ref.MILESTONES], dtype=object),
        "achieved_on": to_datetime64(ctx.censor(achieved)),
    }


# --- entry point --------------------------------------------------------------------------


def _default_points_in_province() -> Callable:
    from geo.boundaries import points_in_province

    return points_in_province


def _validate(scale: str, seed: int, data_date: dt.date | None) -> dt.date:
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; expected one of: {', '.join(SCALES)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if data_date is None:
        data_date = dt.date.today()
    if isinstance(data_date, dt.datetime):
        data_date = data_date.date()
    if not isinstance(data_date, dt.date):
        raise ValueError(f"data_date must be a date, got {data_date!r}")
    if data_date < EARLIEST_DATA_DATE:
        raise ValueError(f"data_date must be on or after {EARLIEST_DATA_DATE.isoformat()}, got {data_date.isoformat()}")
    return data_date


def generate(
    engine: Engine,
    *,
    scale: str = "national",
    seed: int = 2222,
    data_date: dt.date | None = None,
    progress: bool = True,
) -> DemoReport:
    """Create the schema, load provinces and fill an empty VET database with demo data.

    Deterministic: the same (scale, seed, data_date) gives the same rows. No event is dated
    after ``data_date`` (default: today). Records ``data_date``, ``scale``, ``seed`` and
    ``generated_at`` in ``data_info``. Raises ValueError for an unknown scale or a negative seed.
    """
    data_date = _validate(scale, seed, data_date)
    started = time.perf_counter()
    sc = _SCALES[scale]
    streams = np.random.SeedSequence(int(seed)).spawn(len(_RNG_STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(_RNG_STREAMS, streams)}
    ctx = _Ctx(sc, int(seed), data_date, day(data_date), rngs, _provinces(sc, rngs["provinces"]))
    points_in_province = _default_points_in_province()

    counts: dict[str, int] = {}
    estimate = 3_250_000 if scale == "national" else 25_000
    bar = tqdm(
        total=estimate, unit="row", unit_scale=True, desc="demo", file=sys.stderr,
        disable=not progress, dynamic_ncols=True, leave=True,
    )
    try:
        bar.set_description_str("demo: schema")
        vet_db.create_schema(engine)
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # before the transaction starts; restored below
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
                conn.commit()
            try:
                with conn.begin(), indexes_deferred(conn, list(VetBase.metadata.sorted_tables)):
                    with Session(bind=conn) as session:
                        vet_db.load_provinces(session)
                        session.flush()
                    counts["province"] = len(geo_provinces.provinces())
                    counts["province_legacy"] = len(geo_provinces.legacy_provinces())
                    writer = BulkWriter(conn, on_rows=bar.update)

                    def write(model, columns) -> None:
                        bar.set_description_str(f"demo: {model.__tablename__}")
                        counts[model.__tablename__] = writer.insert(model.__table__, columns)

                    bar.set_description_str("demo: institution")
                    inst = _institutions(ctx, points_in_province)
                    write(Institution, inst.columns)
                    write(ProfileUpdate, _profile_updates(ctx, inst))
                    bar.set_description_str("demo: staff")
                    staff = _staff(ctx, inst)
                    write(Staff, staff.columns)
                    write(StaffTraining, _trainings(ctx, inst, staff))
                    del staff
                    bar.set_description_str("demo: programme")
                    prog = _programmes(ctx, inst)
                    write(Programme, prog.columns)
                    bar.set_description_str("demo: learner")
                    write(Learner, _learners(ctx, inst, prog))
                    write(Inspection, _inspections(ctx, inst))
                    write(Report, _reports(ctx, inst))
                    write(PublicService, _public_services(ctx))
                    write(Milestone, _milestones(ctx))
                    info = {
                        "data_date": data_date.isoformat(),
                        "scale": scale,
                        "seed": str(int(seed)),
                        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                    }
                    write(DataInfo, {"key": list(info), "value": list(info.values())})
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.exec_driver_sql("PRAGMA cache_size=-2000")
                    conn.commit()
        bar.total = bar.n
        bar.set_description_str("demo: done")
        bar.refresh()
    finally:
        bar.close()
    return DemoReport(scale, int(seed), data_date, counts, time.perf_counter() - started)


__all__ = ["SCALES", "DemoReport", "generate"]
