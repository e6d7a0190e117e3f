"""Entry point: ``python app.py`` serves the dashboard (building the demo database on first run);
gunicorn serves ``app:server``. Either stops with one line when the settings or the store cannot run."""

import sys

from ioc_app.settings import Settings, SettingsError

try:
    settings = Settings.from_env()
except SettingsError as exc:
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2 if __name__ == "__main__" else 3) from None

if __name__ == "__main__":
    from ioc_app.cli import serve

    # Prepares the embedded store and the first snapshot before the app is built.
    serve(settings)
else:
    from ioc_app import create_app, logs
    from ioc_app.migrations import StoreNotReady

    try:
        app = create_app(settings)
    except (StoreNotReady, SettingsError) as exc:
        # One line rather than a traceback per worker; gunicorn stops on status 3 ("worker failed to boot").
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
    logs.configure(settings.log_format)  # once the app stands: a refusal above stays one line
    server = app.server
