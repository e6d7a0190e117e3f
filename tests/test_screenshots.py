"""The screenshot command (scripts/screenshots.py) on a copy of the small demo: a PNG per page and size,
at the size's exact pixels (phone 390x844, tablet 768x1024, desk 1920x1080, 4K 3840x2160)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ioc_app.settings import Settings

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "screenshots.py"
SIZES = {"phone": (390, 844), "tablet": (768, 1024), "desk": (1920, 1080), "4k": (3840, 2160)}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk comes first)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshots_at_phone_tablet_desk_and_4k(small_demo_sqlite: Settings, tmp_path: Path) -> None:
    # The command shoots an embedded data folder (its SQLite files), whatever the suite's database.
    data = tmp_path / "data"
    data.mkdir()
    for name in ("vet.sqlite3", "ioc.sqlite3"):
        url = getattr(small_demo_sqlite, f"{name.split('.')[0]}_database_url")
        shutil.copy(url.removeprefix("sqlite:///"), data / name)
    out = tmp_path / "shots"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(data), "--out", str(out), "--pages", "overview-vi"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    written = sorted(out.glob("*.png"))
    assert [p.name for p in written] == sorted(f"overview-vi-{size}.png" for size in SIZES)
    assert run.stdout.split() == [str(out / f"overview-vi-{size}.png") for size in SIZES]
    for size, pixels in SIZES.items():
        assert png_size(out / f"overview-vi-{size}.png") == pixels, size


def test_an_unknown_size_is_refused_before_anything_runs(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--sizes", "phone,8k"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 2 and "--sizes: choose among phone, tablet, desk, 4k" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "o").exists()
