"""The shared selection every page follows: province level, province, institution type, ownership."""

from __future__ import annotations

from typing import Any

DEFAULT_SELECTION: dict[str, Any] = {"level": "34", "province": None, "type": None, "ownership": None}


def normalise_selection(selection: dict[str, Any] | None) -> dict[str, Any]:
    """The selection with every key present and an unknown level reset to the 34 current units."""
    out = dict(DEFAULT_SELECTION)
    if isinstance(selection, dict):
        out.update({k: v for k, v in selection.items() if k in DEFAULT_SELECTION})
    if out["level"] not in ("34", "63"):
        out["level"] = "34"
    return out
