"""Vietnamese names and addresses of institutions."""

from __future__ import annotations

import numpy as np

from . import reference as ref
from .calibration import COLLEGE, INTERMEDIATE, PRIVATE, PUBLIC
from .context import Context


def _province_label(kind: str, name: str) -> str:
    return f"{'thành phố' if kind == 'Thành phố' else 'tỉnh'} {name}"


def institution_names(
    ctx: Context, prov: np.ndarray, typ: np.ndarray, own: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
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
                    for j, d in zip(rng.permutation(len(themes)), shuffled, strict=False)
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
