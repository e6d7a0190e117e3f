"""gunicorn's settings for the IOC, read from the project folder: ``gunicorn app:server``.

- Workers: one process per core (``WEB_CONCURRENCY`` overrides), each with many threads (gthread).
  Heavy requests take one lane per process (ioc_app.request_lanes) while the threads answer the cheap
  ones (the language toggle, the snapshot poll, /healthz, static files) at once, so 50 people loading
  heavy pages do not make the toggle wait seconds. ``GUNICORN_THREADS`` overrides the thread count:
  keep it above the number of clients one process holds connections for.
- Timeouts: ``timeout`` (60 s) only restarts a worker whose main loop hangs (a gthread worker's heartbeat
  does not wait for requests, so a long export does not trip it); ``graceful_timeout`` (30 s) lets the
  requests in flight finish on a restart (the longest, a national export, takes a few seconds);
  ``keepalive`` (5 s) keeps the reverse proxy's and the wall displays' connections between polls.
- No ``max_requests``: a worker's memory stays flat across refreshes (one snapshot at a time, the previous
  one freed), so recycling workers would only cost each a snapshot load.
- No preload: each worker loads the app itself. Measured at national scale with 2 workers, preloading
  saved 12 MB in all (proportional set size of the master and its workers: 407 MB against 419 MB),
  not worth handing the master's database connections to its children. What does save memory and
  time across workers is done at run time instead: with ``REDIS_URL`` they share the per-snapshot
  results the first of them computes (ioc_app.memo), not a copy of the master's pages.
- Each worker loads the newest snapshot in the background as it starts and replaces it, in the
  background and once, when a newer one is stored: at once when Redis announces it (``REDIS_URL``: a
  listening thread per worker, started here after the fork, as threads do not survive one), else when
  its requests find it (every ``IOC_SNAPSHOT_CHECK_SECONDS``; ioc_app.snapshots.serve_from_memory).
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

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 32))
# A gthread worker's heartbeat comes from its main loop, not from requests: a long export does not trip it.
timeout = 60
graceful_timeout = 30
keepalive = 5
preload_app = False
SWITCH_INTERVAL_SECONDS = 0.0005


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


def post_worker_init(worker):  # in each worker, once the app is loaded and before it serves
    from ioc_app import snapshots

    # A thread waiting for the GIL (a cheap request back from the database) gets it within half a
    # millisecond rather than Python's default 5 ms, each time: the toggle answers in a few of them.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    services = worker.wsgi.config["IOC_SERVICES"]
    settings = services.settings
    snapshots.serve_from_memory(services.ioc_engine, settings.redis_url, settings.snapshot_check_seconds)
