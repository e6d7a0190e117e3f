"""Entry point: ``python app.py`` serves the dashboard (building the demo database on first run).

``gunicorn app:server`` imports it too; unusable settings stop either with one line and exit status 2.
"""

import sys

from ioc_app import create_app
from ioc_app.settings import Settings, SettingsError

try:
    settings = Settings.from_env()
    app = create_app(settings)
except SettingsError as exc:
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
server = app.server

if __name__ == "__main__":
    from ioc_app.cli import prepare_and_serve

    sys.exit(prepare_and_serve(app, settings))
