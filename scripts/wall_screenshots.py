"""Screenshots of every slide of a wall playlist at 1920x1080 and 3840x2160.

    python scripts/wall_screenshots.py [--playlist dieu-hanh] [--output screenshots/wall] [--lang vi|en]

Serves the dashboard's own databases (the embedded demo by default, or VET_DATABASE_URL and
IOC_DATABASE_URL) in a process of its own, signs a headless Chromium in with a display token made
for the purpose (revoked when done), pauses the rotation and steps through the slides with the
presenter's keys, saving ``slide-NN-<kind>-<width>x<height>.png`` for each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from data_sources.engine import make_engine  # noqa: E402
from ioc_app import accounts  # noqa: E402
from ioc_app.identity import DISPLAY  # noqa: E402
from ioc_app.settings import Settings, secret_key_for  # noqa: E402
from tests.wall import WallServer, wait_for, wall_browser  # noqa: E402

SIZES = ((1920, 1080), (3840, 2160))


def shoot(server: WallServer, secret: str, playlist: str, lang: str, size: tuple[int, int], out: Path) -> list[Path]:
    width, height = size
    driver = wall_browser(width, height)
    saved = []
    try:
        driver.get(f"{server.url}/present?playlist={playlist}&lang={lang}&token={secret}")
        wait_for(driver, lambda s: s.get("current", -1) == 0, 60, "the first slide")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(" ")  # pause: the presenter's keys step through the slides
        slides = driver.execute_script("return window.iocPresent.config.slides")
        for index, slide in enumerate(slides):
            if index:
                body.send_keys("n")
                try:
                    wait_for(driver, lambda s, i=index: s["current"] == i, 20, f"slide {index + 1}")
                except AssertionError:
                    print(f"slide {index + 1} ({slide['kind']}) has no content to show; skipped", file=sys.stderr)
                    continue
            time.sleep(1.5)  # fade-in and the map's shapes
            path = out / f"slide-{index + 1:02d}-{slide['kind']}-{width}x{height}.png"
            driver.save_screenshot(str(path))
            saved.append(path)
        return saved
    finally:
        driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--playlist", default="dieu-hanh")
    parser.add_argument("--output", default=str(ROOT / "screenshots" / "wall"))
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    args = parser.parse_args()
    settings = Settings.from_env()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.ioc_database_url)
    name = f"screenshots-{dt.datetime.now():%Y%m%d-%H%M%S}"
    _token, secret = accounts.create_token(engine, name, DISPLAY)
    server = WallServer(settings.vet_database_url, settings.ioc_database_url, secret_key_for(settings))
    try:
        server.start(timeout=600)
        for size in SIZES:
            for path in shoot(server, secret, args.playlist, args.lang, size, out):
                print(path)
    finally:
        server.stop()
        accounts.revoke_token(engine, name)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
