"""Counting rules the decision leaves to the authority: stated once, configurable, stored with each snapshot.

- T04: which occupations are IT / digital-technology specialities. The list is data (a CSV file
  of catalogue codes and names, replaceable without touching code), not a flag in the records.
- T08: the share of its learners' records an institution must have digitised to count as
  having digitised its learners' study records (default 95%).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

IT_OCCUPATIONS_FILE = Path(__file__).resolve().parent / "it_occupations.csv"
DEFAULT_MIN_RECORD_SHARE = Fraction(95, 100)
_CODE = re.compile(r"^\d{6}$")


class CountingRulesError(ValueError):
    """A counting rule's configuration is invalid (the message says which and why)."""


@dataclass(frozen=True)
class Occupation:
    """An occupation of the Circular 26/2020 catalogue, by field + occupation (six digits, any level)."""

    code: str
    name_vi: str
    name_en: str


def read_it_occupations(path: str | Path = IT_OCCUPATIONS_FILE) -> tuple[Occupation, ...]:
    """The IT / digital-technology occupations listed in a CSV file (columns code, name_vi, name_en)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise CountingRulesError(f"cannot read the IT occupation list {path}: {exc.strerror}") from exc
    out: dict[str, Occupation] = {}
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name_vi, name_en = (row.get("name_vi") or "").strip(), (row.get("name_en") or "").strip()
        if not _CODE.match(code):
            raise CountingRulesError(f"{path}, line {line}: code {code!r} is not six digits (field + occupation)")
        if not name_vi or not name_en:
            raise CountingRulesError(f"{path}, line {line}: name_vi and name_en are required")
        if code in out:
            raise CountingRulesError(f"{path}, line {line}: code {code} is listed twice")
        out[code] = Occupation(code, name_vi, name_en)
    if not out:
        raise CountingRulesError(f"{path}: the IT occupation list is empty")
    return tuple(sorted(out.values(), key=lambda o: o.code))


def _default_occupations() -> tuple[Occupation, ...]:
    return read_it_occupations()


@dataclass(frozen=True)
class CountingRules:
    min_record_share: Fraction = DEFAULT_MIN_RECORD_SHARE
    it_occupations: tuple[Occupation, ...] = field(default_factory=_default_occupations)

    @property
    def it_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.it_occupations)

    def to_records(self) -> dict[str, str]:
        """The rules as text, to be stored beside the figures they produced."""
        return {
            "min_record_share": str(self.min_record_share),
            "it_occupations": json.dumps(
                [[o.code, o.name_vi, o.name_en] for o in self.it_occupations], ensure_ascii=False
            ),
        }

    @classmethod
    def from_records(cls, records: dict[str, str]) -> CountingRules:
        occupations = tuple(Occupation(*row) for row in json.loads(records["it_occupations"]))
        return cls(Fraction(records["min_record_share"]), occupations)


def make_rules(
    min_record_share: float | str | Fraction = DEFAULT_MIN_RECORD_SHARE, it_occupations_path: str | Path | None = None
) -> CountingRules:
    """Rules from configuration values, checked: a share in (0, 1] and a readable occupation list."""
    try:
        share = Fraction(str(min_record_share)).limit_denominator(10_000)
    except (ValueError, ZeroDivisionError) as exc:
        raise CountingRulesError(f"the T08 record share {min_record_share!r} is not a number") from exc
    if not 0 < share <= 1:
        raise CountingRulesError(f"the T08 record share must be above 0 and at most 1, not {min_record_share}")
    path = IT_OCCUPATIONS_FILE if it_occupations_path is None else it_occupations_path
    return CountingRules(share, read_it_occupations(path))


@lru_cache(maxsize=1)
def default_rules() -> CountingRules:
    """The rules with their defaults (the CSV list read on first use, not at import)."""
    return CountingRules()
