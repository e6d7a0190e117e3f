"""The shared selection every page follows: province level (34/63), province, institution type, ownership.

The browser keeps it as a small dict in a store (``Selection.to_store``); every page reads it back
through ``Selection.from_store``, which drops anything unknown, and changes it only through the
transitions below, so switching 34/63 or a filter behaves the same on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from data_sources.scope import INSTITUTION_TYPES, OWNERSHIPS, Scope
from geo import provinces as geo

Level = Literal["34", "63"]
LEVELS: tuple[Level, ...] = ("34", "63")


def clean_level(level: Any) -> Level:
    """A level from user input; the 34 current units for anything else."""
    return cast(Level, level) if level in LEVELS else "34"


def clean_choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    """A type or ownership code from user input ('' and unknown values mean "all")."""
    return value if isinstance(value, str) and value in allowed else None


def _known_province(level: Level, code: Any) -> str | None:
    if not isinstance(code, str):
        return None
    known = geo.legacy_by_code() if level == "63" else geo.province_by_code()
    return code if code in known else None


def choices() -> dict[str, Any]:
    """What a selection may hold, for the browser's copy of :meth:`Selection.from_store`: the levels, each
    level's province codes, the institution types and the ownerships."""
    return {
        "levels": list(LEVELS),
        "provinces": {"34": sorted(geo.province_by_code()), "63": sorted(geo.legacy_by_code())},
        "types": list(INSTITUTION_TYPES),
        "ownerships": list(OWNERSHIPS),
    }


@dataclass(frozen=True)
class Selection:
    level: Level = "34"
    province: str | None = None  # a code of ``level``'s units, None for the whole country
    inst_type: str | None = None
    ownership: str | None = None

    # --- the browser's store ---------------------------------------------------------------------

    @classmethod
    def from_store(cls, data: Any) -> Selection:
        """The selection a store holds; unknown levels, codes and filters are dropped, never trusted."""
        if not isinstance(data, dict):
            return cls()
        level = clean_level(data.get("level"))
        return cls(
            level=level,
            province=_known_province(level, data.get("province")),
            inst_type=clean_choice(data.get("type"), INSTITUTION_TYPES),
            ownership=clean_choice(data.get("ownership"), OWNERSHIPS),
        )

    def to_store(self) -> dict[str, Any]:
        return {"level": self.level, "province": self.province, "type": self.inst_type, "ownership": self.ownership}

    # --- transitions -----------------------------------------------------------------------------

    def with_level(self, level: Any) -> Selection:
        """Switch between 34 and 63 units, mapping the province through the official 63 -> 34 mapping.

        A legacy province lies in exactly one current unit; a current unit becomes its legacy
        province only when it was exactly one (unmerged), otherwise the view becomes national.
        """
        new = clean_level(level)
        if new == self.level:
            return self
        province = None
        if self.province and new == "34":
            province = geo.current_code_of(self.province)
        elif self.province:
            merged = geo.province_by_code()[self.province].merged_from
            province = merged[0] if len(merged) == 1 else None
        return replace(self, level=new, province=province)

    def with_province(self, code: Any, level: Any = None) -> Selection:
        """Select a province (of ``level`` when given, else of the current level); unknown codes clear it."""
        lvl = clean_level(level) if level is not None else self.level
        return replace(self, level=lvl, province=_known_province(lvl, code))

    def with_filters(self, inst_type: Any, ownership: Any) -> Selection:
        return replace(
            self, inst_type=clean_choice(inst_type, INSTITUTION_TYPES), ownership=clean_choice(ownership, OWNERSHIPS)
        )

    # --- what it selects -------------------------------------------------------------------------

    @property
    def scope(self) -> Scope:
        return Scope(
            province34=self.province if self.level == "34" else None,
            province63=self.province if self.level == "63" else None,
            inst_type=self.inst_type,
            ownership=self.ownership,
        )

    @property
    def filters(self) -> tuple[str | None, str | None]:
        """Type and ownership: the part of the selection that applies to every province of a table."""
        return self.inst_type, self.ownership


DEFAULT_SELECTION: dict[str, Any] = Selection().to_store()


def normalise_selection(selection: Any) -> dict[str, Any]:
    """The store's dict with every key present and anything unknown dropped."""
    return Selection.from_store(selection).to_store()
