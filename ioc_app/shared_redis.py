"""Redis, when ``REDIS_URL`` is set: the news of a new snapshot, and a store the workers share results in.

Every process that stores a snapshot publishes its id on ``CHANNEL``; every web process listens on a
daemon thread and starts loading it at once (``ioc_app.snapshots``). The workers also share the
per-snapshot results of ``ioc_app.memo`` through it, and Flask-Limiter keeps its counters there
(``ioc_app.auth``).

Redis is a help, never a need: every call here gives up after ``TIMEOUT_SECONDS``, and after a
failure the process leaves Redis alone for ``RETRY_SECONDS`` (pages then compute what they need and
the snapshot poll finds new snapshots), logging one warning per outage and one line when it is back.
The listener reconnects by itself, waiting longer after each failure (up to ``MAX_BACKOFF_SECONDS``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

CHANNEL = "ioc:snapshot"
TIMEOUT_SECONDS = 0.5
RETRY_SECONDS = 5.0
FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0
# The listener's connection is pinged this often, so a link that died silently (no reset) is noticed.
PING_SECONDS = 10


class RedisLink:
    """One process's connection pool to one Redis, and whether Redis is answering."""

    def __init__(self, url: str) -> None:
        import redis  # here, not at the top: a worker without REDIS_URL never loads the client (~7 MB)

        self.url = url
        self._errors = redis.RedisError
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            health_check_interval=PING_SECONDS,
        )
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False
        self.error: str | None = None
        self.listening = False  # a listener thread runs in this process
        self.subscribed = False  # and it hears announcements now

    # --- the state of the link, shared by everything that uses it -----------------------------------

    def usable(self) -> bool:
        """False for ``RETRY_SECONDS`` after a failure: a page does not wait on a Redis that is away."""
        return time.monotonic() >= self._down_until

    def failed(self, exc: BaseException, doing: str) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_SECONDS
            self.error = f"{type(exc).__name__}: {exc}"
            first = not self._down
            self._down = True
        if first:
            log.warning(
                "Redis at %s is unreachable (%s while %s): serving on, results computed here and new snapshots "
                "found by the poll until it is back",
                _safe(self.url),
                self.error,
                doing,
                extra={"event": "redis", "state": "down", "error": self.error},
            )

    def worked(self) -> None:
        if not self._down:
            return
        with self._lock:
            back, self._down, self.error = self._down, False, None
        if back:
            log.info("Redis at %s answers again", _safe(self.url), extra={"event": "redis", "state": "up"})

    def call(self, doing: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` against Redis, or None when Redis is away (then it is left alone for a while)."""
        if not self.usable():
            return None
        try:
            found = fn()
        except self._errors as exc:
            self.failed(exc, doing)
            return None
        self.worked()
        return found

    # --- what the processes do with it ----------------------------------------------------------------

    def announce(self, run_id: int) -> bool:
        """Tell every listening worker that snapshot ``run_id`` is stored; False when Redis is away."""
        return self.call("announcing a snapshot", lambda: self.client.publish(CHANNEL, str(run_id))) is not None

    def load(self, key: str) -> bytes | None:
        found = self.call("reading a shared result", lambda: self.client.get(key))
        return found if isinstance(found, bytes) else None

    def save(self, key: str, data: bytes, ttl_seconds: int) -> None:
        self.call("sharing a result", lambda: self.client.set(key, data, ex=ttl_seconds))

    def ping(self) -> str | None:
        """None when Redis answers, else the last error (for /healthz: during a retry pause Redis is not asked,
        so a health check never waits on a Redis that is away)."""
        if self.call("checking health", self.client.ping) is None:
            return self.error or "unreachable"
        return None

    def listen(self, on_news: Callable[[], object]) -> None:
        """Call ``on_news()`` for each announced snapshot, and once after each (re)connection (one may have
        been announced while the link was down), from a daemon thread; once per process."""
        with self._lock:
            if self.listening:
                return
            self.listening = True
        threading.Thread(target=self._listen_forever, args=(on_news,), name="snapshot-news", daemon=True).start()

    def _listen_forever(self, on_news: Callable[[], object]) -> None:
        backoff = FIRST_BACKOFF_SECONDS
        while True:
            subscribed = threading.Event()
            try:
                self._listen_once(on_news, subscribed)
            except self._errors as exc:
                self.failed(exc, "listening for new snapshots")
            except Exception:  # e.g. the store is away: the listener goes on, and so does the poll
                log.warning("handling a snapshot announcement failed", exc_info=True)
            backoff = FIRST_BACKOFF_SECONDS if subscribed.is_set() else min(backoff * 2, MAX_BACKOFF_SECONDS)
            time.sleep(backoff)

    def _listen_once(self, on_news: Callable[[], object], subscribed: threading.Event) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]  # untyped in redis-py
        try:
            pubsub.subscribe(CHANNEL)
            subscribed.set()
            self.subscribed = True
            self.worked()
            on_news()  # whatever was announced while this process was not listening
            while True:
                message = pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    on_news()
        finally:
            self.subscribed = False
            pubsub.close()


def _safe(url: str) -> str:
    """The URL without its password, for the logs."""
    password = urlsplit(url).password
    return url.replace(password, "***") if password else url


_links: dict[str, RedisLink] = {}
_links_lock = threading.Lock()


def link(url: str) -> RedisLink:
    """The process's one link to the Redis at ``url`` (redis-py's pool reconnects itself after a fork)."""
    with _links_lock:
        found = _links.get(url)
        if found is None:
            found = _links[url] = RedisLink(url)
        return found


def announce(redis_url: str | None, run_id: int) -> None:
    """After a snapshot is stored: tell the workers, when Redis is configured (they poll otherwise)."""
    if redis_url:
        link(redis_url).announce(run_id)
