"""Scopes: which cells an indicator is summed over (a plain value type the data layer and the core share).

Written as ``national``, ``province34:<code>``, ``province63:<code>``, ``type:<t>``,
``ownership:<o>``, or a combination joined by ``|`` (``province34:79|type:college``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from data_sources.schema import INSTITUTION_TYPES, OWNERSHIPS
from geo import provinces as geo_provinces

__all__ = ["INSTITUTION_TYPES", "NATIONAL", "OWNERSHIPS", "Scope", "ScopeError", "parse", "rollup", "standard_scopes"]


class ScopeError(ValueError):
    """A scope string that names no scope."""


@dataclass(frozen=True)
class Scope:
    province34: str | None = None
    province63: str | None = None
    inst_type: str | None = None
    ownership: str | None = None

    @property
    def key(self) -> str:
        parts = []
        if self.province34:
            parts.append(f"province34:{self.province34}")
        if self.province63:
            parts.append(f"province63:{self.province63}")
        if self.inst_type:
            parts.append(f"type:{self.inst_type}")
        if self.ownership:
            parts.append(f"ownership:{self.ownership}")
        return "|".join(parts) or "national"

    @property
    def is_national(self) -> bool:
        return self.key == "national"

    def legacy_codes(self) -> set[str] | None:
        """The legacy provinces the scope covers; None for all of them."""
        if self.province63:
            return {self.province63}
        if self.province34:
            return set(geo_provinces.province_by_code()[self.province34].merged_from)
        return None

    def mask(self, cube: pd.DataFrame) -> pd.Series:
        """Which rows of a cube (columns province63, inst_type, ownership) fall in this scope."""
        m = pd.Series(True, index=cube.index)
        codes = self.legacy_codes()
        if codes is not None:
            m &= cube["province63"].isin(codes)
        if self.inst_type:
            m &= cube["inst_type"] == self.inst_type
        if self.ownership:
            m &= cube["ownership"] == self.ownership
        return m


NATIONAL = Scope()


@lru_cache(maxsize=4096)
def parse(text: str | None) -> Scope:
    """The scope a string names; ScopeError with a readable message otherwise."""
    text = (text or "national").strip()
    if text in ("", "national"):
        return NATIONAL
    fields: dict[str, str] = {}
    for part in text.split("|"):
        kind, _, code = part.partition(":")
        kind, code = kind.strip(), code.strip()
        if kind in fields:
            raise ScopeError(f"scope names {kind} twice: {text!r}")
        if kind == "province34":
            if code not in geo_provinces.province_by_code():
                raise ScopeError(f"unknown province (34 units): {code!r}")
        elif kind == "province63":
            if code not in geo_provinces.legacy_by_code():
                raise ScopeError(f"unknown province (63 legacy units): {code!r}")
        elif kind == "type":
            if code not in INSTITUTION_TYPES:
                raise ScopeError(f"unknown institution type {code!r}; use one of {', '.join(INSTITUTION_TYPES)}")
        elif kind == "ownership":
            if code not in OWNERSHIPS:
                raise ScopeError(f"unknown ownership {code!r}; use one of {', '.join(OWNERSHIPS)}")
        else:
            raise ScopeError(f"unknown scope {part!r}; use national, province34:, province63:, type:, ownership:")
        fields[kind] = code
    if "province34" in fields and "province63" in fields:
        raise ScopeError("a scope names either a current (province34) or a legacy (province63) province, not both")
    return Scope(
        province34=fields.get("province34"),
        province63=fields.get("province63"),
        inst_type=fields.get("type"),
        ownership=fields.get("ownership"),
    )


def standard_scopes() -> list[Scope]:
    """National; 34 and 63 provinces; each type and ownership; and each province with each."""
    out = [NATIONAL]
    out += [Scope(inst_type=t) for t in INSTITUTION_TYPES]
    out += [Scope(ownership=o) for o in OWNERSHIPS]
    for p in geo_provinces.provinces():
        out.append(Scope(province34=p.code))
        out += [Scope(province34=p.code, inst_type=t) for t in INSTITUTION_TYPES]
        out += [Scope(province34=p.code, ownership=o) for o in OWNERSHIPS]
    for lp in geo_provinces.legacy_provinces():
        out.append(Scope(province63=lp.code))
        out += [Scope(province63=lp.code, inst_type=t) for t in INSTITUTION_TYPES]
        out += [Scope(province63=lp.code, ownership=o) for o in OWNERSHIPS]
    return out


def rollup(cube: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Sum numerators and denominators of the scope's cells per series and period end."""
    part = cube[scope.mask(cube)]
    return part.groupby(["series", "period_end"], as_index=False)[["numerator", "denominator"]].sum()
