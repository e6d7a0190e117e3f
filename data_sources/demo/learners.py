"""Learners enrolled since 2021, their graduation and their digitised records and diplomas."""

from __future__ import annotations

import numpy as np

from .bulk import Column, ZeroPadded
from .calibration import CAL, LEVELS, PHASE_2, SCALE_PLANS, SCHOOL_INTAKE_MONTHS, SHORT_INTAKE_MONTHS
from .context import Context, concat
from .institutions import Institutions
from .people import birth_provinces, person_ids
from .programmes import Programmes
from .timeline import YEAR, day, logistic_days, month_day_sampler, slowed_after, to_datetime64, uniform_days

_LEVEL_TYPE_SHARE = np.array(  # level x institution type
    [[1.0, 0.0, 0.0], [0.42, 0.58, 0.0], [0.22, 0.20, 0.58], [0.12, 0.13, 0.75]]
)
_YEAR_FACTOR = {2021: 0.9, 2022: 0.96, 2023: 1.0, 2024: 1.02, 2025: 1.03}
_DROPOUT = np.array([0.17, 0.2, 0.06, 0.03])


def build_learners(ctx: Context, inst: Institutions, prog: Programmes) -> dict[str, Column]:
    rng = ctx.rng["learners"]
    n_inst = len(inst)
    key = prog.inst * 4 + prog.level
    uniq, start, count = np.unique(key, return_index=True, return_counts=True)
    has = np.zeros((n_inst, 4), dtype=bool)
    has[uniq // 4, uniq % 4] = True

    size = inst.size.astype(np.float64)
    open_from = inst.est + 60
    open_to = np.fmin(np.where(np.isnan(inst.close), np.inf, inst.close - 1), ctx.horizon)
    annual = np.array(ctx.scale.annual_learners)  # rows per year nationally, per level
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
                per_inst = annual[lv] * share / SCALE_PLANS["national"].open_2024[t]
                expected[sel] = per_inst * size[sel] / size[inst.type == t].mean()
            counts = rng.poisson(expected * frac * factor)
            if counts.sum() == 0:
                continue
            li = np.repeat(np.arange(n_inst), counts)
            months = SCHOOL_INTAKE_MONTHS if lv < 2 else SHORT_INTAKE_MONTHS
            d = month_day_sampler(rng, np.full(len(li), year), months)
            outside = (d < lo[li]) | (d > hi[li])
            d = np.where(outside, uniform_days(rng, lo[li], hi[li], len(li)), d)
            parts_inst.append(li)
            parts_lvl.append(np.full(len(li), lv, dtype=np.int64))
            parts_day.append(d)
            parts_year.append(np.full(len(li), year, dtype=np.int64))
    li = concat(parts_inst, np.int64)
    ll = concat(parts_lvl, np.int64)
    enrolled = concat(parts_day, np.float64)
    enrol_year = concat(parts_year, np.int64)
    # Rows grouped by institution (as synchronised from each institution), in enrolment order.
    order = np.argsort(li.astype(np.int64) * 100_000 + (enrolled - day("2020-01-01")).astype(np.int64), kind="stable")
    li, ll, enrolled, enrol_year = li[order], ll[order], enrolled[order], enrol_year[order]
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
    rec_mu = CAL["rec_mu"] + inst.eff + rng.normal(0, 0.3, n_inst)
    dip_mu = CAL["dip_mu"] + inst.eff + rng.normal(0, 0.3, n_inst)
    r_inst = slowed_after(logistic_days(rng, rec_mu, CAL["rec_s"], day("2020-01-01")), PHASE_2, CAL["rec_slow"])
    e_inst = slowed_after(logistic_days(rng, dip_mu, CAL["dip_s"], day("2021-06-01")), PHASE_2, CAL["rec_slow"])
    r = r_inst[li]
    e = e_inst[li]
    after = enrolled >= r
    # Some institutions run a campaign and digitise (nearly) all earlier records; the others leave
    # some behind, which keeps them under T08's per-institution threshold.
    thorough = (rng.random(n_inst) < np.clip(0.55 + 0.25 * inst.eff, 0.1, 0.95))[li]
    backfill = rng.random(n) < np.where(thorough, 0.999, np.where(ll < 2, 0.9, 0.7))
    record = np.where(
        after,
        enrolled + uniform_days(rng, 0, 14, n),
        np.where(backfill, np.maximum(r, enrolled) + uniform_days(rng, 0, 300, n), np.nan),
    )
    record = ctx.censor(record)
    g_after = graduated >= e
    d_backfill = rng.random(n) < np.where(thorough, 0.998, 0.75)
    diploma = np.where(
        g_after,
        graduated + uniform_days(rng, 3, 30, n),
        np.where(d_backfill, np.maximum(e, graduated) + uniform_days(rng, 0, 400, n), np.nan),
    )
    diploma = ctx.censor(np.where(np.isnan(graduated), np.nan, diploma))

    # Personal IDs.
    age = np.array([18, 15, 18, 18])[ll] + np.minimum(
        np.floor(rng.exponential(np.array([2.0, 3.0, 10.0, 12.0])[ll])), np.array([22, 30, 42, 42])[ll]
    ).astype(np.int64)
    female = rng.random(n) < np.array([0.45, 0.4, 0.45, 0.5])[ll]
    birth_prov = birth_provinces(ctx, rng, inst.prov[li], 0.8)
    pid = person_ids(rng, birth_prov, enrol_year - age, female)

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
