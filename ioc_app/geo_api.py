"""Map data over HTTP: province boundaries and institution points as GeoJSON.

The map loads geometry from these URLs instead of carrying it inside the page, so the browser
fetches it once and keeps it (``Cache-Control`` + ``ETag``; a revisit costs a 304). Bodies are
built once per source and kept in memory as bytes, gzip-compressed when the client accepts it.

- ``GET /api/v1/geo/provinces?set=34|63``: FeatureCollection, ``id`` = code, properties code, name.
- ``GET /api/v1/institutions?province=&type=&ownership=&connected=``: institution points at the
  snapshot's data date, kept per snapshot (a refresh brings new names with it).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine

from data_sources.institution_points import PointFilter, PointFilterError, points_geojson
from geo.provinces import BOUNDARY_FILES
from ioc_app import access, snapshots
from ioc_app.api import API_PREFIX, ApiError, unavailable_response
from ioc_app.database_checks import is_outage
from ioc_app.indicators.scopes import Scope
from ioc_app.map_data import institution_points
from ioc_app.memo import per_snapshot
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot

log = logging.getLogger(__name__)

# Degrees to 4 decimals (about 11 m) is finer than the built-in geometry; more digits only add bytes.
GEO_DECIMALS = 4
GEOMETRY_MAX_AGE = 3600  # s; the ETag makes a later revalidation a 304
POINTS_MAX_AGE = 300  # s; points change with the data date (the ETag includes it)
PROVINCES_PATH = f"{API_PREFIX}/geo/provinces"
INSTITUTIONS_PATH = f"{API_PREFIX}/institutions"


@dataclass(frozen=True)
class Body:
    """A response body prepared once: plain and gzip bytes and their ETag."""

    raw: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def of(cls, payload: Any) -> Body:
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(raw, gzip.compress(raw, 6, mtime=0), hashlib.sha1(raw).hexdigest()[:20])


def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), GEO_DECIMALS) for c in coords]
        return [_round_coords(c) for c in coords]
    return coords


def provinces_payload(level: str, path: str | None) -> dict[str, Any]:
    """The boundaries of ``level`` as a compact FeatureCollection (``id`` = code; code, name)."""
    from geo import boundaries  # geopandas: loaded by the first worker that serves the boundaries

    raw = boundaries.boundaries_geojson(level, path)
    features = []
    for f in raw["features"]:
        props = f["properties"]
        geom = f["geometry"]
        features.append(
            {
                "type": "Feature",
                "id": props["code"],
                "properties": {"code": props["code"], "name": props["name"]},
                "geometry": {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "level": level, "features": features}


@lru_cache(maxsize=8)
def _provinces_body(level: str, source_key: tuple[str, int], path: str | None) -> Body:
    return Body.of(provinces_payload(level, path))


def _source_key(level: str, path: str | None) -> tuple[str, int]:
    """File and modification time of a boundary source: a replaced file gets a new body and ETag."""
    p = Path(path).expanduser() if path else BOUNDARY_FILES[level]
    return str(p.resolve()), p.stat().st_mtime_ns


def provinces_body(level: str, override: str | None) -> tuple[Body, str | None]:
    """The body for ``level``; an unusable override file falls back to the built-in one (with a warning)."""
    if override:
        from geo.boundaries import BoundaryFileError  # an override is read with geopandas anyway

        try:
            return _provinces_body(level, _source_key(level, override), override), None
        except (BoundaryFileError, OSError) as exc:
            # The control room must still get a map; the operator sees the reason in the log and header.
            log.error("boundary override for level %s unusable, using the built-in file: %s", level, exc)
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            # Header values must be Latin-1: file names with Vietnamese letters are transliterated to '?'.
            warning = f"override unusable, built-in boundaries served: {reason}".encode("ascii", "replace").decode()
            return _provinces_body(level, _source_key(level, None), None), warning
    return _provinces_body(level, _source_key(level, None), None), None


@per_snapshot(size=64, name="institution points bodies")
def points_body(snapshot: Snapshot, engine: Engine, flt: PointFilter) -> tuple[Body, int]:
    """The points body for one filter, built once per snapshot, and how many lack coordinates."""
    payload = points_geojson(institution_points(snapshot, engine), flt)
    return Body.of(payload), payload["without_coordinates"]


def _send(body: Body, max_age: int, extra: dict[str, str] | None = None) -> Response:
    """200 with the body (gzip when accepted) or 304 when the client already has this version."""
    etag = f'"{body.etag}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    headers.update(extra or {})
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        resp = Response(body.gzipped, mimetype="application/geo+json", headers=headers)
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp = Response(body.raw, mimetype="application/geo+json", headers=headers)
    return resp


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("geo_api_v1", __name__, url_prefix=API_PREFIX)
    settings = services.settings

    # Blueprint handlers come before the app's: a refusal must stay a 403, not the 500 below.
    bp.register_error_handler(access.Forbidden, access.forbidden_response)

    @bp.errorhandler(ApiError)
    def _api_error(err: ApiError) -> ResponseReturnValue:
        return jsonify({"error": err.message, "status": err.status}), err.status

    @bp.errorhandler(Exception)
    def _unexpected(err: Exception) -> ResponseReturnValue:
        if is_outage(err):
            return unavailable_response(err, request.path)
        log.exception("geo API request failed: %s", request.path)
        return jsonify({"error": "internal error; the operators have been told", "status": 500}), 500

    @bp.get("/geo/provinces")
    def provinces() -> ResponseReturnValue:
        level = request.args.get("set", "34").strip()
        unknown = sorted(set(request.args) - {"set"})
        if unknown:
            raise ApiError(400, f"unknown parameter(s) {', '.join(unknown)}; use set=34 or set=63")
        if level not in BOUNDARY_FILES:
            raise ApiError(400, f"set must be 34 (units from 1 July 2025) or 63 (legacy units), got {level!r}")
        override = settings.boundaries_34_path if level == "34" else settings.boundaries_63_path
        body, warning = provinces_body(level, override)
        return _send(body, GEOMETRY_MAX_AGE, {"X-Boundary-Warning": warning} if warning else None)

    @bp.get("/institutions")
    def institutions() -> ResponseReturnValue:
        try:
            flt = PointFilter.from_args(request.args)
        except PointFilterError as exc:
            raise ApiError(400, str(exc)) from None
        # A province user's markers are their province's institutions (asking for another: 403).
        readable = access.readable(Scope(province34=flt.province34))
        flt = dataclasses.replace(flt, province34=readable.province34)
        snapshot = snapshots.current(services.ioc_engine)
        if snapshot is None:
            raise ApiError(503, "no snapshot yet: run `python -m ioc_app refresh`")
        body, missing = points_body(snapshot, services.vet_engine, flt)
        headers = {"X-Without-Coordinates": str(missing), "X-Data-Date": snapshot.run.data_date.isoformat()}
        return _send(body, POINTS_MAX_AGE, headers)

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
