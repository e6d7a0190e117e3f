"""The label points of Quần đảo Hoàng Sa and Quần đảo Trường Sa, read as plain GeoJSON.

The map page needs only these two points: reading them with ``json`` keeps geopandas (``geo.boundaries``)
out of a web worker that never reads a boundary file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from geo.provinces import DATA_DIR

ARCHIPELAGO_LABELS_FILE = DATA_DIR / "archipelagos.geojson"


@dataclass(frozen=True)
class ArchipelagoLabel:
    name: str
    name_en: str
    code: str  # the current unit it belongs to
    lat: float
    lon: float


@lru_cache(maxsize=1)
def archipelago_labels() -> tuple[ArchipelagoLabel, ...]:
    """Each archipelago's name (Vietnamese, English), its unit's code and its label point."""
    collection = json.loads(ARCHIPELAGO_LABELS_FILE.read_text(encoding="utf-8"))
    out = []
    for feature in collection["features"]:
        props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
        out.append(ArchipelagoLabel(props["name"], props["name_en"], str(props["code"]), float(lat), float(lon)))
    return tuple(out)
