"""gunicorn's settings for the IOC, read from the project folder: ``gunicorn -w 4 -b 0.0.0.0:8050 app:server``.

- The Server header: gunicorn names itself in every response; it says ``vet-ioc`` instead.
- /metrics counts the requests of every worker (a shared PROMETHEUS_MULTIPROC_DIR, see below).
- Before any worker starts, the settings are checked as the app checks them (e.g. a secret key in
  production): a refusal is one line on stderr and exit status 2, not a traceback per worker.
"""

import os
import sys
import tempfile
from pathlib import Path

import gunicorn.http.wsgi

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ioc_app.security import SERVER_HEADER  # the project folder is on the path only from here

gunicorn.http.wsgi.SERVER = SERVER_HEADER


def on_starting(server):  # gunicorn's hook, in the master process before it forks workers
    from ioc_app.settings import Settings, SettingsError, secret_key_for

    try:
        secret_key_for(Settings.from_env())
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


# /metrics adds up the request counts of every worker: prometheus_client keeps them in files in one
# directory (ioc_app.metrics). Set here, before the app is loaded (preloaded or not) and the workers fork.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ioc-metrics-")


def child_exit(server, worker):  # gunicorn's hook, in the master process when a worker has exited
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
