"""The app factory: ``create_app(settings)`` builds a Dash app wired to its databases."""

from __future__ import annotations

import html
import logging
import re
from importlib import import_module
from typing import Any

from dash import Dash
from sqlalchemy.exc import OperationalError

from callbacks import home as home_callbacks
from callbacks import shell as shell_callbacks
from ioc_app import (
    access,
    admin,
    admin_playlists,
    alert_pages,
    api,
    auth,
    brief_pages,
    freshness,
    geo_api,
    health,
    import_pages,
    memo,
    metrics,
    migrations,
    request_lanes,
    security,
    shared_redis,
    source_pages,
    static_compression,
)
from ioc_app.i18n import t
from ioc_app.services import Services
from ioc_app.settings import PROJECT_ROOT, Settings, secret_key_for
from layouts.ids import Shell
from layouts.shell import shell

log = logging.getLogger(__name__)

# Dash callback inputs that browsers fire by themselves (the panels' polling): they do not keep a
# person's session from expiring (ioc_app.auth).
BACKGROUND_TRIGGERS = frozenset({f"{Shell.INTERVAL}.n_intervals", f"{Shell.SNAPSHOT}.data"})
# What the shell's cheap callbacks write (the language, the header's texts, the snapshot poll and freshness):
# they never wait behind heavy requests (ioc_app.request_lanes).
LIGHT_OUTPUT_IDS = frozenset(
    {Shell.LANG, Shell.TITLE, Shell.SUBTITLE, Shell.LANG_TOGGLE, Shell.NAV, Shell.USER, Shell.SNAPSHOT, Shell.FRESHNESS}
)

# The dropdowns' code, which dcc loads on demand (its own URL for it, without a version).
DROPDOWN_CHUNK = "_dash-component-suites/dash/dcc/async-dropdown.js"
# The map's library: not loaded with every page, only where a map is drawn (assets/lazy_leaflet.js).
MAP_LIBRARY_TAG = re.compile(
    r'<script src="([^"]*/_dash-component-suites/dash_leaflet/dash_leaflet[^"/]*\.js)"></script>\n?'
)


def defer_map_library(scripts: str) -> tuple[str, str]:
    """The page's script tags without the map library's, and a <meta> naming its address for
    assets/lazy_leaflet.js (none if the page had no such tag)."""
    found = MAP_LIBRARY_TAG.search(scripts)
    if found is None:
        return scripts, ""
    meta = f'<meta name="ioc-lazy-leaflet" content="{html.escape(found.group(1))}">'
    return scripts[: found.start()] + scripts[found.end() :], meta


# Every page of the dashboard, in navigation order (see callbacks/page.py for the protocol).
PAGE_MODULES = [
    home_callbacks,
    import_module("callbacks.targets"),
    import_module("callbacks.scorecard"),
    import_module("callbacks.map"),
    import_module("callbacks.province"),
    import_module("callbacks.institution"),
    import_module("callbacks.tasks"),
    import_module("callbacks.present"),
]


class IocDash(Dash):
    """Dash whose page names its language (``<html lang>``): screen readers pronounce Vietnamese as
    Vietnamese. The browser's language toggle updates it in place (callbacks/shell.py)."""

    default_language = "vi"

    def interpolate_index(
        self,
        metas: Any = "",
        title: Any = "",
        css: Any = "",
        config: Any = "",
        scripts: Any = "",
        app_entry: Any = "",
        favicon: Any = "",
        renderer: Any = "",
    ) -> Any:
        # The filter bar's dropdowns are drawn by a chunk dcc fetches only once a page shows one, after the
        # page's own answer: asked for with the framework's scripts, it no longer waits for that answer.
        prefix = self.config.requests_pathname_prefix or "/"
        preload = f'<link rel="preload" as="script" href="{prefix}{DROPDOWN_CHUNK}">'
        scripts, map_library = defer_map_library(str(scripts))
        page: str = super().interpolate_index(  # type: ignore[no-untyped-call]  # Dash leaves it unannotated
            metas=f"{metas}\n{map_library}",
            title=title,
            css=f"{css}\n{preload}",
            config=config,
            scripts=scripts,
            app_entry=app_entry,
            favicon=favicon,
            renderer=renderer,
        )
        lang = auth.request_language(self.default_language)
        return page.replace("<html>", f'<html lang="{"en" if lang == "en" else "vi"}">', 1)


def create_app(settings: Settings | None = None) -> Dash:
    """A new, fully wired app. Reads only the IOC store's revision until a request comes.

    Raises ``migrations.StoreNotReady`` (one line saying what to run) when the store is not at the
    code's head: the app never changes the schema itself, so web workers cannot race to migrate.
    ``SettingsError`` (one line) when the settings cannot run, e.g. production without a secret key.
    """
    settings = settings or Settings.from_env()
    secret_key = secret_key_for(settings)
    services = Services.from_settings(settings)
    check_store(services)
    app = IocDash(
        "ioc_app",
        assets_folder=str(PROJECT_ROOT / "assets"),
        title=t("app.title_short", settings.default_language),  # the tab; the header shows the full name
        update_title=None,  # type: ignore[arg-type]  # None turns the "Updating..." title off, as Dash documents
        suppress_callback_exceptions=True,
        serve_locally=True,  # no CDN: the control room may have no internet
        compress=False,  # compressed below, the framework's files once per worker (ioc_app.static_compression)
    )
    static_compression.install(app.server)
    app.default_language = settings.default_language
    app.server.config["IOC_SERVICES"] = services
    app.server.secret_key = secret_key
    # With Redis the workers share their per-snapshot results, signed with the key they share.
    memo.share_through(shared_redis.link(settings.redis_url) if settings.redis_url else None, secret_key)
    # First: its clock then covers the sign-in check too.
    metrics.install(app.server, services, [page.PATH for page in PAGE_MODULES])
    auth.init_auth(app.server, services, BACKGROUND_TRIGGERS)
    pages = {page.PATH: page for page in PAGE_MODULES}
    nav_items = [("/" + page.PATH, page.NAV_KEY) for page in PAGE_MODULES if page.NAV_KEY]
    # Per request: the header shows who is signed in and how fresh the data is, in the language the browser
    # last chose (its cookie; a first visit: the sign-in page's language).
    app.layout = lambda: shell(
        nav_items,
        auth.request_language(settings.default_language),
        settings.refresh_interval_seconds,
        auth.current_badge(),
        freshness.shown_state(services),
    )
    shell_callbacks.register(app, services, pages, nav_items)
    for page in PAGE_MODULES:
        page.register(app, services)
    access.register(app.server)
    health.register(app.server, services)
    api.register(app.server, services)
    geo_api.register(app.server, services)
    admin.register(app.server, services)
    admin_playlists.register(app.server, services)
    import_pages.register(app.server, services)
    source_pages.register(app.server, services)
    alert_pages.register(app.server, services)
    brief_pages.register(app.server, services)
    request_lanes.register(app, LIGHT_OUTPUT_IDS)
    # Last: the CSP hashes Dash's inline scripts, which exist once every callback is registered.
    # Its request hooks run in registration order; an authentication hook can come before or after.
    security.register(app, settings)
    return app


def check_store(services: Services) -> None:
    """Refuse a store behind the code's head; a store out of reach is reported by /healthz instead."""
    try:
        migrations.require_head(services.ioc_engine)
    except OperationalError as exc:
        log.warning(
            "IOC store unreachable at start, its revision is unchecked: %s", str(exc.orig or exc).splitlines()[0]
        )
    except migrations.StoreNotReady:
        services.dispose()
        raise
