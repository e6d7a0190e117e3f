"""Training programmes from the occupation catalogue and their digital updates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_sources.counting import default_rules

from . import reference as ref
from .bulk import Column
from .calibration import CAL, CENTRE, COLLEGE, INTERMEDIATE, LEVELS, PHASE_2
from .context import Context
from .institutions import Institutions
from .timeline import day, logistic_days, slowed_after, to_datetime64, uniform_days


@dataclass
class Programmes:
    inst: np.ndarray
    level: np.ndarray
    approved: np.ndarray
    retired: np.ndarray
    columns: dict[str, Column]


_LEVEL_MIX = {  # programme levels per institution type
    COLLEGE: (0.45, 0.30, 0.20, 0.05),
    INTERMEDIATE: (0.0, 0.60, 0.30, 0.10),
    CENTRE: (0.0, 0.0, 0.65, 0.35),
}
_REQUIRED_LEVELS = {COLLEGE: (0, 1, 2), INTERMEDIATE: (1, 2), CENTRE: (2,)}
_OPTIONAL_LEVELS = {COLLEGE: ((3, 0.6),), INTERMEDIATE: ((3, 0.5),), CENTRE: ((3, 0.75),)}
_PROGRAMME_MEAN = (22.0, 12.0, 5.0)


def build_programmes(ctx: Context, inst: Institutions) -> Programmes:
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

    it_codes = set(default_rules().it_codes)
    is_it = np.zeros(n, dtype=bool)
    occ_code = np.empty(n, dtype=object)
    occ_name = np.empty(n, dtype=object)
    for lv in range(4):
        sel = pl == lv
        occ = catalogue[lv]
        # IT programmes are updated sooner: the same list T04 counts with.
        is_it[sel] = np.array([o.suffix in it_codes for o in occ])[po[sel]]
        occ_code[sel] = np.array([o.code for o in occ], dtype=object)[po[sel]]
        occ_name[sel] = np.array([o.name for o in occ], dtype=object)[po[sel]]

    eff = inst.eff[pi] + rng.normal(0.0, 0.4, n)
    new_prog = approved >= day("2023-01-01")
    t03 = logistic_days(rng, CAL["t03_mu"] + eff, CAL["t03_s"], day("2022-03-01"))
    t03 = slowed_after(t03, PHASE_2, CAL["t03_slow"])
    t03 = np.where(new_prog & (rng.random(n) < 0.65), approved, np.maximum(t03, approved))
    t04_mu = np.where(is_it, CAL["t04_mu"] + 0.7 * eff, CAL["t04_mu"] + 1.6 + eff)
    t04 = logistic_days(rng, t04_mu, CAL["t04_s"], day("2022-03-01"))
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
        "approved_on": to_datetime64(approved[order]),
        "retired_on": to_datetime64(retired[order]),
        "digital_outcomes_on": to_datetime64(t03[order]),
        "tech_updated_on": to_datetime64(t04[order]),
        "last_updated_on": to_datetime64(last[order]),
    }
    return Programmes(pi[order], pl[order], approved[order], retired[order], cols)
