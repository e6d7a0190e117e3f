"""Staff (hires, departures, successors) and their digital-skills trainings; the personal
identification numbers and birth provinces shared with the learners."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import reference as ref
from .bulk import Column, ZeroPadded
from .calibration import CAL, PHASE_2, TRAINING_MONTHS
from .context import Context
from .institutions import Institutions
from .timeline import (
    YEAR,
    WaveSchedule,
    day,
    logistic_days,
    month_day_sampler,
    seasonal,
    slowed_after,
    to_datetime64,
    uniform_days,
    year_of,
)


def person_ids(
    rng: np.random.Generator,
    birth_prov: np.ndarray,
    birth_year: np.ndarray,
    female: np.ndarray,
) -> np.ndarray:
    """12-digit personal identification numbers as int64 (province 3 + century/sex 1 + year 2 + 6)."""
    century: npt.NDArray[np.int64] = np.where(birth_year >= 2000, 2, 0) + female.astype(np.int64)
    ids: npt.NDArray[np.int64] = (
        birth_prov.astype(np.int64) * 10**9
        + century * 10**8
        + (birth_year.astype(np.int64) % 100) * 10**6
        + rng.integers(0, 10**6, len(birth_prov))
    )
    return ids


def birth_provinces(ctx: Context, rng: np.random.Generator, home: np.ndarray, p_home: float) -> np.ndarray:
    """Province of birth (as a number, e.g. 1 for Hà Nội): mostly where they study or work."""
    codes = np.array([int(c) for c in ctx.prov.codes], dtype=np.int64)
    where: npt.NDArray[np.int64] = home.copy()
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
class StaffMembers:
    inst: np.ndarray
    hire: np.ndarray
    leave: np.ndarray
    manager: np.ndarray
    columns: dict[str, Column]


def build_staff(ctx: Context, inst: Institutions) -> StaffMembers:
    rng = ctx.rng["staff"]
    lam = CAL["turnover"]
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
    birth_prov = birth_provinces(ctx, rng, inst.prov[s_inst], 0.75)
    pid = person_ids(rng, birth_prov, birth_year, female)
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
    return StaffMembers(s_inst, s_hire, s_leave, s_mgr, columns)


def _wave_schedule(ctx: Context, rng: np.random.Generator) -> WaveSchedule:
    """Course completion dates per province: national waves plus provincial courses."""
    last_year = ctx.data_date.year + 1
    national_days: list[float] = []
    for y in range(2021, last_year + 1):
        for md in ("05-22", "08-14", "10-30", "12-11"):
            national_days.append(day(f"{y}-{md}"))
    national = np.array(national_days)
    groups = []
    years = np.arange(2021, last_year + 1)
    for _ in ctx.prov.codes:
        local = month_day_sampler(rng, np.repeat(years, 12), TRAINING_MONTHS)
        groups.append(np.unique(np.concatenate([national, local])))
    return WaveSchedule(groups)


def build_trainings(ctx: Context, inst: Institutions, staff: StaffMembers) -> dict[str, Column]:
    rng = ctx.rng["training"]
    waves = _wave_schedule(ctx, rng)
    prov = inst.prov[staff.inst]
    n = len(staff.inst)
    rows_staff, rows_kind, rows_day = [], [], []
    for kind, mu_key, s_key, slow, who in (
        ("digital_capacity", "t01_mu", "t01_s", 1.0, np.ones(n, dtype=bool)),
        ("digital_materials", "t02_mu", "t02_s", CAL["t02_slow"], ~staff.manager),
    ):
        sel = np.flatnonzero(who)
        mu = CAL[mu_key] + inst.eff[staff.inst[sel]] + rng.normal(0.0, CAL["person_sd"], len(sel))
        t = logistic_days(rng, mu, CAL[s_key], day("2021-06-01"))
        t = slowed_after(t, PHASE_2, slow)
        t = seasonal(t, TRAINING_MONTHS)
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
