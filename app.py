"""Entry point: ``python app.py`` serves the dashboard (building the demo database on first run)."""

from ioc_app import create_app
from ioc_app.settings import Settings, SettingsError

try:
    settings = Settings.from_env()
    app = create_app(settings)
except SettingsError as exc:
    # One line, also under gunicorn: the app refuses to start rather than run unsafely.
    raise SystemExit(f"error: {exc}") from None
server = app.server

if __name__ == "__main__":
    from ioc_app.cli import prepare_and_serve

    prepare_and_serve(app, settings)
