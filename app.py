"""Entry point: ``python app.py`` serves the dashboard (building the demo database on first run)."""

import sys

from ioc_app import create_app
from ioc_app.settings import Settings, SettingsError

try:
    settings = Settings.from_env()
    app = create_app(settings)
except SettingsError as exc:
    # One line, and no start rather than an unsafe one. Imported by gunicorn, status 4 ("application
    # failed to load") stops it, where another status would have it restart the worker forever.
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2 if __name__ == "__main__" else 4) from None
server = app.server

if __name__ == "__main__":
    from ioc_app.cli import prepare_and_serve

    prepare_and_serve(app, settings)
