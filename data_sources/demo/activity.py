"""What happens around the institutions: profile updates, inspections, periodic reports, the
authority's online public services and the programme's national milestones."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import reference as ref
from .bulk import Column
from .calibration import CAL, INSPECTION_MONTHS, PUBLIC, TYPE_EFFECT
from .context import Context, concat
from .institutions import Institutions
from .timeline import (
    day,
    expit,
    month_day_sampler,
    stratified_uniform,
    to_datetime64,
    uniform_days,
    years_after_decision,
)

_MERGER = day("2025-07-01")  # 63 -> 34 provincial units
_NULL = np.array(None, dtype=object)  # a null cell in an object column


def build_profile_updates(ctx: Context, inst: Institutions) -> dict[str, Column]:
    """Each institution's profile updates on the national system, ending at its latest update.

    Institutions began keeping their profile current between 2022 and 2025 (earlier where
    adoption is faster), then updated it every two to eleven months.
    """
    rng = ctx.rng["profiles"]
    n = len(inst)
    updated_on = inst.columns["profile_updated_on"]
    assert isinstance(updated_on, np.ndarray)  # written by build_institutions as datetime64[D]
    last = updated_on.astype("datetime64[D]").astype(np.int64).astype(np.float64)
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


def _is_open(inst: Institutions, idx: npt.NDArray[np.int64], d: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    is_open: npt.NDArray[np.bool_] = (inst.est[idx] <= d) & ~(inst.close[idx] <= d)
    return is_open


def build_inspections(ctx: Context, inst: Institutions) -> dict[str, Column]:
    rng = ctx.rng["inspections"]
    pv = ctx.prov
    years = np.arange(2021, ctx.data_date.year + 1)
    counts = rng.poisson(ctx.scale.inspections_per_year * np.array([0.8 if y == 2021 else 1.0 for y in years]))
    d = month_day_sampler(rng, np.repeat(years, counts), INSPECTION_MONTHS)
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
    is_digital = stratified_uniform(rng, n, block=25) < expit((t - CAL["insp_mu"] - shift) / CAL["insp_s"])
    return {
        "id": np.arange(1, n + 1),
        "conducted_on": to_datetime64(d),
        "target": np.where(to_province, "province", "institution").astype(object),
        "institution_id": np.where(to_province, _NULL, inst.id[target_inst].astype(object)),
        "province_code": current,
        "legacy_province_code": legacy,
        "is_digital": is_digital,
    }


def build_reports(ctx: Context, inst: Institutions) -> dict[str, Column]:
    rng = ctx.rng["reports"]
    pv = ctx.prov
    codes = np.array(pv.codes, dtype=object)
    last_year = ctx.data_date.year
    # (kind, period, period end, submission window after the end in days) per reporter kind.
    Period = tuple[str, str, float, tuple[int, int]]
    inst_periods: list[Period] = []
    prov_periods: list[Period] = []
    for y in range(2021, last_year + 1):
        inst_periods += [
            ("periodic", f"{y}-H1", day(f"{y}-06-30"), (1, 30)),
            ("periodic", f"{y}", day(f"{y}-12-31"), (-16, 30)),
            ("statistical", f"{y}", day(f"{y}-12-31"), (5, 85)),
        ]
        for q, month_day in ((1, "03-31"), (2, "06-30"), (3, "09-30"), (4, "12-31")):
            prov_periods.append(("periodic", f"{y}-Q{q}", day(f"{y}-{month_day}"), (3, 25)))
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
    kind_col = concat(kinds, object)
    period_col = concat(periods, object)
    ii = concat(inst_ids, np.int64)
    pi = concat(prov_idx, np.int64)
    sub = concat(submitted, np.float64)
    fp = concat(from_prov, bool)
    order = np.lexsort((ii, sub))
    kind_col, period_col = kind_col[order], period_col[order]
    ii, pi, sub, fp = ii[order], pi[order], sub[order], fp[order]
    n = len(sub)
    t = years_after_decision(sub)
    shift = 0.5 * pv.effect[pi] + np.where(fp, -0.5, TYPE_EFFECT[inst.type[np.maximum(ii, 0)]] * 0.5)
    p_digital = expit((t - CAL["rep_dig_mu"] - shift) / CAL["rep_dig_s"])
    p_gris = expit((t - CAL["rep_gris_mu"] - shift) / CAL["rep_gris_s"])
    digital = stratified_uniform(rng, n, block=25) < p_digital
    gris = digital & (stratified_uniform(rng, n, block=25) < p_gris)
    legacy = codes[pi]
    current = pv.code34[pi]
    return {
        "id": np.arange(1, n + 1),
        "kind": kind_col,
        "period": period_col,
        "institution_id": np.where(fp, _NULL, inst.id[np.maximum(ii, 0)].astype(object)),
        "province_code": current,
        "legacy_province_code": legacy,
        "submitted_on": to_datetime64(sub),
        "is_digital": digital,
        "gris_connected": gris,
    }


def build_public_services(ctx: Context) -> dict[str, Column]:
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
    # The ministry's own portal and information system: mostly within weeks of the national portal;
    # a few services lagged months behind (the 2025 change of ministry moved its portal too).
    lag = np.where(rng.random(n) < 0.15, uniform_days(rng, 90, 420, n), uniform_days(rng, -30, 45, n))
    ministry = np.maximum(portal + lag, introduced)
    keep = introduced <= ctx.horizon
    level4, portal, ministry = ctx.censor(level4), ctx.censor(portal), ctx.censor(ministry)
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
        "ministry_portal_integrated_on": to_datetime64(ministry[idx]),
    }


def build_milestones(ctx: Context) -> dict[str, Column]:
    achieved = np.array([np.nan if d is None else day(d) for *_, d in ref.MILESTONES])
    return {
        "code": np.array([m[0] for m in ref.MILESTONES], dtype=object),
        "name_vi": np.array([m[1] for m in ref.MILESTONES], dtype=object),
        "name_en": np.array([m[2] for m in ref.MILESTONES], dtype=object),
        "achieved_on": to_datetime64(ctx.censor(achieved)),
    }
