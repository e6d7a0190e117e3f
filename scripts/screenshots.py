"""Screenshots of the dashboard's pages at phone, tablet, desk and 4K sizes, in Vietnamese and English.

Serves the app on a free local port against a demo built with ``python -m ioc_app init-demo``,
``db upgrade`` and ``refresh`` (default: the national demo in /tmp/ioc-national), drives
headless Chromium at each size's exact viewport, and writes PNGs:

    python scripts/screenshots.py [--data /tmp/ioc-national] [--out /tmp/ioc-shots]
                                  [--sizes phone,tablet,desk,4k] [--pages overview,targets,...]
                                  [--url URL --token TOKEN]

Sizes (CSS px, device scale 1): phone 390x844, tablet 768x1024, desk 1920x1080, 4k 3840x2160.
The browser signs in as a wall display: with a display token made for the run (and revoked after
it), or the one given with --url (``python -m ioc_app tokens create --kind display``).

Files, one per page and size (``NAME-SIZE.png``): overview-vi, overview-en (what the screen shows at
once, no scrolling), overview-province-vi (one province picked in the filter), targets-vi (the list),
map-vi, province-79-vi, and whole target pages target-T01-vi, target-T10-vi, target-T08-en (the full
page's height at the size's width).
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import socket
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from data_sources.engine import make_engine
from ioc_app import accounts, create_app
from ioc_app.audit import CLI
from ioc_app.settings import Settings

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "desk": (1920, 1080), "4k": (3840, 2160)}
WIDTH, HEIGHT = SIZES["desk"]
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--window-size={WIDTH},{HEIGHT}",
    "--force-device-scale-factor=1",
)


def serve(data: Path) -> tuple[str, object]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log on the console
    settings = Settings(
        vet_database_url=f"sqlite:///{data / 'vet.sqlite3'}",
        ioc_database_url=f"sqlite:///{data / 'ioc.sqlite3'}",
        auto_init_demo=False,
        secret_key=secrets.token_urlsafe(32),  # a local run: no sessions to keep
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, create_app(settings).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    size(d, WIDTH, HEIGHT)
    return d


def size(d: webdriver.Chrome, width: int, height: int) -> None:
    """The page's viewport exactly (a window size would include the browser's own bars)."""
    d.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def wait_text(d: webdriver.Chrome, css: str, text: str, timeout: float = 60) -> None:
    WebDriverWait(d, timeout).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def set_language(d: webdriver.Chrome, base: str, lang: str) -> None:
    """The language is kept in the browser (local storage); the toggle flips it."""
    d.get(base + "/")
    wait_text(d, "#shell-title", "")
    title = d.find_element(By.CSS_SELECTOR, "#shell-title")
    WebDriverWait(d, 60).until(lambda _: title.text.strip() != "")
    is_en = "Operations Center" in title.text
    if (lang == "en") != is_en:
        d.find_element(By.CSS_SELECTOR, "#shell-lang-toggle").click()
        wait_text(d, "#shell-title", "Operations Center" if lang == "en" else "Trung tâm thông tin tích hợp")


def settle(d: webdriver.Chrome) -> None:
    """Wait until Dash has no callback in flight and every plotly graph has drawn."""
    WebDriverWait(d, 60).until(
        lambda drv: drv.execute_script(
            "return !document.querySelector('[data-dash-is-loading=\"true\"]') && "
            "Array.from(document.querySelectorAll('.js-plotly-plot')).every(g => g.querySelector('.main-svg'));"
        )
    )


def pick_province(d: webdriver.Chrome, name: str) -> None:
    """Open the province dropdown, search and click the option, as a user would."""
    WebDriverWait(d, 60).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#filters-province"))).click()
    box = WebDriverWait(d, 30).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".dash-dropdown-content input"))
    )
    box.send_keys(name)
    option = (By.XPATH, f"//div[contains(@class,'dash-dropdown-content')]//*[@role='option'][contains(., '{name}')]")
    WebDriverWait(d, 30).until(ec.element_to_be_clickable(option)).click()


def shot(
    d: webdriver.Chrome,
    base: str,
    path: str,
    ready_css: str,
    out: Path,
    name: str,
    screen: tuple[int, int],
    full_page: bool = False,
) -> Path:
    width, height = screen
    size(d, width, height)
    d.get(base + path)
    WebDriverWait(d, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, ready_css)))
    wait_text(d, "#shell-freshness", "")
    settle(d)
    if full_page:
        page_height = d.execute_script("return document.documentElement.scrollHeight")
        size(d, width, max(height, int(page_height)))
        settle(d)
    target = out / name
    d.save_screenshot(str(target))
    return target


# name -> (language, path, what shows it is drawn, whole page)
PAGES: dict[str, tuple[str, str, str, bool]] = {
    "overview-vi": ("vi", "/", "#home-panel-T12 .ov-sparkline", False),
    "overview-en": ("en", "/", "#home-panel-T12 .ov-sparkline", False),
    "targets-vi": ("vi", "/targets", "#target-list-T12", False),
    "target-T01-vi": ("vi", "/targets/T01", "#target-trajectory .main-svg", True),
    "target-T10-vi": ("vi", "/targets/T10", "#target-trajectory .main-svg", True),
    "target-T08-en": ("en", "/targets/T08", "#target-trajectory .main-svg", True),
    "map-vi": ("vi", "/map", "#map-list-title", False),
    "province-79-vi": ("vi", "/province/79", "#shell-content h2", False),
}
PROVINCE_PAGE = "overview-province-vi"  # picked in the filter bar, as a user does


def province_shot(d: webdriver.Chrome, base: str, out: Path, screen: tuple[int, int], name: str) -> Path:
    """The overview of one province: picked in the filter bar (opened first on a phone)."""
    size(d, *screen)
    d.get(base + "/")
    WebDriverWait(d, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#home-panel-T12 .ov-sparkline")))
    toggle = d.find_element(By.CSS_SELECTOR, "#filters-toggle")
    if toggle.is_displayed():
        toggle.click()
    pick_province(d, "Đà Nẵng")
    wait_text(d, "#home-scope-label", "Đà Nẵng")
    settle(d)
    d.save_screenshot(str(out / name))
    # Back to the whole country, so the next visit starts there.
    d.execute_script("window.sessionStorage.clear();")
    return out / name


def names(raw: str, known: list[str], what: str, parser: argparse.ArgumentParser) -> list[str]:
    chosen = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in known]
    if unknown or not chosen:
        parser.error(f"--{what}: choose among {', '.join(known)} (got {raw!r})")
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/tmp/ioc-national", help="folder with vet.sqlite3 and ioc.sqlite3")
    parser.add_argument("--out", default="/tmp/ioc-shots", help="where the PNGs go")
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated, of {', '.join(SIZES)}")
    all_pages = [*PAGES, PROVINCE_PAGE]
    parser.add_argument("--pages", default=",".join(all_pages), help=f"comma-separated, of {', '.join(all_pages)}")
    parser.add_argument("--url", default=None, help="an already running dashboard instead of serving --data")
    parser.add_argument("--token", default=None, help="a display token of that dashboard (with --url)")
    args = parser.parse_args(argv)
    sizes = names(args.sizes, list(SIZES), "sizes", parser)
    pages = names(args.pages, all_pages, "pages", parser)
    if args.url and not args.token:
        parser.error("--url needs --token (a display token)")
    if not args.url and not (Path(args.data) / "ioc.sqlite3").exists():
        parser.error(f"--data {args.data}: no ioc.sqlite3 there (build a demo first, see the README)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None
    base = args.url.rstrip("/") if args.url else None
    token_name = None
    if base is None:
        base, server = serve(Path(args.data))
        store = make_engine(f"sqlite:///{Path(args.data) / 'ioc.sqlite3'}")
        token_name = f"screenshots {dt.datetime.now():%Y-%m-%d %H.%M.%S}"
        _token, token = accounts.create_token(store, token_name, "display", None, CLI)
    else:
        token = args.token
    d = driver()
    written = []
    try:
        d.get(f"{base}/login/token?token={token}")
        for lang in ("vi", "en"):
            wanted = [p for p in pages if p in PAGES and PAGES[p][0] == lang]
            if lang == "vi" and PROVINCE_PAGE in pages:
                wanted.append(PROVINCE_PAGE)
            if not wanted:
                continue
            size(d, WIDTH, HEIGHT)
            set_language(d, base, lang)
            for page in wanted:
                for key in sizes:
                    name = f"{page}-{key}.png"
                    if page == PROVINCE_PAGE:
                        written.append(province_shot(d, base, out, SIZES[key], name))
                        continue
                    _lang, path, ready, full_page = PAGES[page]
                    written.append(shot(d, base, path, ready, out, name, SIZES[key], full_page))
        set_language(d, base, "vi")  # the next visit starts in the default language
    finally:
        d.quit()
        if server is not None:
            server.shutdown()
        if token_name is not None:
            accounts.revoke_token(store, token_name, CLI)
            store.dispose()
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
