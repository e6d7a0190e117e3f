"""The app factory: ``create_app(settings)`` builds a Dash app wired to its databases."""

from __future__ import annotations

from importlib import import_module

from dash import Dash

from callbacks import home as home_callbacks
from callbacks import shell as shell_callbacks
from ioc_app import api, geo_api, health, security
from ioc_app.services import Services
from ioc_app.settings import PROJECT_ROOT, Settings, secret_key_for
from layouts.shell import shell

# Every page of the dashboard, in navigation order (see callbacks/page.py for the protocol).
PAGE_MODULES = [
    home_callbacks,
    import_module("callbacks.targets"),
    import_module("callbacks.scorecard"),
    import_module("callbacks.map"),
    import_module("callbacks.province"),
    import_module("callbacks.institution"),
    import_module("callbacks.tasks"),
]


def create_app(settings: Settings | None = None) -> Dash:
    """A new, fully wired app. Reads nothing from the databases until a request comes.

    ``SettingsError`` (one line) when the settings cannot run, e.g. production without a secret key.
    """
    settings = settings or Settings.from_env()
    secret_key = secret_key_for(settings)
    services = Services.from_settings(settings)
    app = Dash(
        "ioc_app",
        assets_folder=str(PROJECT_ROOT / "assets"),
        title="IOC GDNN",
        update_title=None,  # type: ignore[arg-type]  # None turns the "Updating..." title off, as Dash documents
        suppress_callback_exceptions=True,
        serve_locally=True,  # no CDN: the control room may have no internet
        compress=True,  # gzip/brotli: provincial officials are often on slow links
    )
    app.server.config["IOC_SERVICES"] = services
    app.server.secret_key = secret_key
    pages = {page.PATH: page for page in PAGE_MODULES}
    nav_items = [("/" + page.PATH, page.NAV_KEY) for page in PAGE_MODULES if page.NAV_KEY]
    app.layout = lambda: shell(nav_items, settings.default_language, settings.refresh_interval_seconds)
    shell_callbacks.register(app, services, pages, nav_items)
    for page in PAGE_MODULES:
        page.register(app, services)
    health.register(app.server, services)
    api.register(app.server, services)
    geo_api.register(app.server, services)
    # Last: the CSP hashes Dash's inline scripts, which exist once every callback is registered.
    # Its request hooks run in registration order; an authentication hook can come before or after.
    security.register(app, settings)
    return app
