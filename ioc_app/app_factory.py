"""The app factory: ``create_app(settings)`` builds a Dash app wired to its databases."""

from __future__ import annotations

from dash import Dash

from callbacks import home as home_callbacks
from callbacks import shell as shell_callbacks
from ioc_app import health
from ioc_app.settings import PROJECT_ROOT, Settings
from ioc_app.services import Services
from layouts.shell import shell


def create_app(settings: Settings | None = None) -> Dash:
    """A new, fully wired app. Reads nothing from the databases until a request comes."""
    settings = settings or Settings.from_env()
    services = Services.from_settings(settings)
    app = Dash(
        "ioc_app",
        assets_folder=str(PROJECT_ROOT / "assets"),
        title="IOC GDNN",
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,  # no CDN: the control room may have no internet
    )
    app.server.config["IOC_SERVICES"] = services
    if settings.secret_key:
        app.server.secret_key = settings.secret_key
    app.layout = lambda: shell(settings.default_language)
    pages = {"/": home_callbacks.render}
    shell_callbacks.register(app, services, pages)
    health.register(app.server, services)
    return app
