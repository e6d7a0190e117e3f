"""The institution network: how many of each type per province, their status, ownership,
dates, locations, high-quality recognition and the institution-level adoption dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import reference as ref
from .bulk import Column
from .calibration import (
    CAL,
    CENTRE,
    COLLEGE,
    FOREIGN,
    INTERMEDIATE,
    OWN_EFFECT,
    OWNERSHIPS,
    PHASE_2,
    PRIVATE,
    PUBLIC,
    TYPE_EFFECT,
    TYPES,
)
from .context import Context
from .naming import institution_names
from .timeline import day, logistic_days, month_day_sampler, slowed_after, to_datetime64, uniform_days

# (legacy province code, how many, random stream) -> (latitudes, longitudes) inside the province.
PointsInProvince = Callable[[str, int, np.random.Generator], tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]


@dataclass
class Institutions:
    id: npt.NDArray[np.int64]
    type: npt.NDArray[np.int64]
    own: npt.NDArray[np.int64]
    prov: npt.NDArray[np.int64]  # index into the 63 legacy provinces
    est: npt.NDArray[np.float64]
    close: npt.NDArray[np.float64]
    eff: npt.NDArray[np.float64]  # adoption effect, years (negative = earlier)
    size: npt.NDArray[np.int64]  # staff headcount target
    boosts: list[tuple[str, ...]]  # field groups the institution specialises in
    hq: npt.NDArray[np.float64]  # high_quality_on (NaN = not)
    columns: dict[str, Column]

    def __len__(self) -> int:
        return len(self.id)


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iters: int = 200) -> np.ndarray:
    m = seed.astype(np.float64).copy()
    for _ in range(iters):
        m *= (rows / np.maximum(m.sum(axis=1), 1e-12))[:, None]
        m *= (cols / np.maximum(m.sum(axis=0), 1e-12))[None, :]
    return m


def _round_columns(m: npt.NDArray[np.float64], cols: np.ndarray) -> npt.NDArray[np.int64]:
    """Integer matrix with exact column sums (largest remainders)."""
    out = np.floor(m).astype(np.int64)
    for j in range(m.shape[1]):
        short = int(cols[j] - out[:, j].sum())
        if short > 0:
            rem = m[:, j] - out[:, j]
            out[np.argsort(-rem, kind="stable")[:short], j] += 1
    return out


def _allocate(ctx: Context) -> np.ndarray:
    """Institution rows per (used province, type), all statuses included."""
    sc, pv = ctx.scale, ctx.prov
    totals = np.array([sc.open_2024[t] + sc.closed_2021_24[t] + sc.new_2025_26[t] for t in range(3)], dtype=np.float64)
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


def build_institutions(ctx: Context, points_in_province: PointsInProvince) -> Institutions:
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
        n_private = round(sc.private_share[t] * len(idx))
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

    eff = pv.effect[prov] + TYPE_EFFECT[typ] + OWN_EFFECT[own] + rng.normal(0.0, CAL["inst_sd"], n)
    # Laggards: a minority (more often remote, private, centres) adopt everything years later,
    # so national curves flatten after the majority and 2030 targets are not a formality.
    p_lag = CAL["lag_p"] * np.where(typ == CENTRE, 1.5, 1.0) * np.where(own == PRIVATE, 1.5, 1.0)
    p_lag = p_lag * np.where(pv.base_readiness[prov] < -0.4, 1.6, 1.0)
    laggard = rng.random(n) < p_lag
    eff = eff + laggard * (CAL["lag_lo"] + rng.random(n) * (CAL["lag_hi"] - CAL["lag_lo"]))

    median = np.array([88.0, 30.0, 9.0])[typ] * np.array([1.0, 0.8, 0.6])[own]
    size = np.maximum(np.round(median * np.exp(rng.normal(0.0, 0.5, n)) * sc.staff_factor), 2).astype(np.int64)

    # Codes: province + type digit + sequence.
    code = np.empty(n, dtype=object)
    seq: dict[tuple[int, int], int] = {}
    for i in range(n):
        key = (int(prov[i]), int(typ[i]))
        seq[key] = seq.get(key, 0) + 1
        code[i] = f"{pv.codes[prov[i]]}{typ[i] + 1}{seq[key]:05d}"

    names, addresses, boosts = institution_names(ctx, prov, typ, own)

    # Coordinates inside the legacy province; ~2 % not yet geolocated.
    geo_rng = ctx.rng["geo"]
    w_missing = np.where(typ == CENTRE, 2.0, 1.0) * np.where(own == PUBLIC, 1.0, 1.5) * np.where(status >= 3, 3.0, 1.0)
    n_missing = max(1, round(0.02 * n))
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
    infra = _by_stratum(rng, strata, CAL["infra_mu"] + eff, CAL["infra_s"], day("2020-06-01"))
    conn_mu = CAL["conn_mu"] + eff + rng.normal(0, 0.3, n)
    conn = _by_stratum(rng, strata, conn_mu, CAL["conn_s"], day("2023-07-01"))
    conn = np.maximum(conn, infra + uniform_days(rng, 20, 200, n))
    ds_mu = CAL["ds_mu"] + eff + np.where(np.isnan(hq), 0.0, CAL["ds_hq_shift"])
    dschool = _by_stratum(rng, strata, ds_mu, CAL["ds_s"], day("2022-06-01"))
    dschool = np.where(typ == CENTRE, np.nan, np.maximum(dschool, infra + uniform_days(rng, 60, 300, n)))
    # Learner data integrated into the national VET database (T08), once the institution's own
    # management system is ready; drawn for every type (T08's 2030 population is all institutions).
    integ_mu = CAL["integ_mu"] + eff + rng.normal(0, 0.3, n)
    integ = slowed_after(
        _by_stratum(rng, strata, integ_mu, CAL["integ_s"], day("2022-03-01")), PHASE_2, CAL["rec_slow"]
    )
    infra, conn, dschool, integ = (ctx.censor(np.where(x >= close, np.nan, x)) for x in (infra, conn, dschool, integ))

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
        "learner_data_integrated_on": to_datetime64(integ),
        "digital_school_on": to_datetime64(dschool),
        "profile_updated_on": to_datetime64(profile),
    }
    return Institutions(ids, typ, own, prov, est, close, eff, size, boosts, hq, columns)


def _by_stratum(rng: np.random.Generator, strata: np.ndarray, mu: np.ndarray, scale: float, start: float) -> np.ndarray:
    """:func:`logistic_days` drawn separately within each stratum."""
    out = np.empty(len(mu))
    for k in np.unique(strata):
        sel = strata == k
        out[sel] = logistic_days(rng, mu[sel], scale, start)
    return out
