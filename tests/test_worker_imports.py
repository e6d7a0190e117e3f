"""A web worker holds only what serving the pages needs: the libraries of imports, exports, briefs and
boundary files (openpyxl, reportlab, geopandas and its GDAL/PROJ stack) load when one is asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from geo import provinces as geo_provinces
from ioc_app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Loaded only by the work that needs them (each tens of MB of a worker's memory with what they bring).
NOT_SERVING = ("geopandas", "shapely", "pyproj", "pyogrio", "openpyxl", "reportlab")

_SERVE_THE_PAGES = """
import json, sys
from callbacks import home, map as map_page, province, scorecard, targets
from callbacks.page import PageContext
from ioc_app import create_app, map_data
from ioc_app.services import Services
from ioc_app.settings import Settings

create_app()
services = Services.from_settings(Settings.from_env())
for page, args in ((home, []), (targets, ["T06"]), (scorecard, []), (map_page, []), (province, [sys.argv[1]])):
    page.render(PageContext(services=services, lang="vi", args=args))
assert map_data.archipelagos()  # the map's labels of Hoàng Sa and Trường Sa
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str, settings: Settings, *args: str) -> set[str]:
    env = {
        **os.environ,
        "VET_DATABASE_URL": settings.vet_database_url,
        "IOC_DATABASE_URL": settings.ioc_database_url,
        "IOC_SECRET_KEY": "a test key that is long enough to be accepted by the settings check",
        "IOC_AUTO_INIT_DEMO": "false",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return {name.split(".")[0] for name in json.loads(out.stdout.strip().splitlines()[-1])}


def test_serving_the_main_pages_loads_no_import_export_or_geometry_library(small_demo: Settings) -> None:
    loaded = _modules_after(_SERVE_THE_PAGES, small_demo, geo_provinces.provinces()[0].code)
    assert {"dash", "pandas", "sqlalchemy"} <= loaded  # the worker did serve the pages
    assert loaded.isdisjoint(NOT_SERVING), sorted(loaded & set(NOT_SERVING))


def test_the_libraries_still_load_when_their_work_is_asked_for(small_demo: Settings) -> None:
    code = """
import json, sys
from data_sources.submissions.kinds import KINDS
from data_sources.submissions.templates import template_xlsx
from ioc_app import geo_api
assert template_xlsx(next(iter(KINDS.values())))[:2] == b"PK"  # an xlsx template
assert geo_api.provinces_payload("34", None)["features"]  # the boundaries, read by geopandas
print(json.dumps(sorted(sys.modules)))
"""
    assert {"openpyxl", "geopandas"} <= _modules_after(code, small_demo)
