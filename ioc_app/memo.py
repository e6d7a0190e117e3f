"""The one place per-snapshot results are kept.

A stored snapshot never changes, so anything computed from it (a province table, the panels of a
scope, a province's institutions) can be kept while that snapshot is the newest. Every memo is
keyed by the snapshot's run (its id, finish time and data date), never by the object, so an old
snapshot is not kept alive and two stores in one process never share results; the first call for
another snapshot drops everything computed from the previous one; each memo is bounded
(least recently used entries go first) and safe to share between a worker's threads.

A memo made with ``shared=True`` also keeps its results in a store the workers share (Redis, set up
by ``share_through`` when ``REDIS_URL`` is set): the first worker to compute a result for a snapshot
saves it there, and the others read it instead of computing it again. Only results worth it are
shared (those that take tens of milliseconds or read the VET database, and pickle small); a miss, a
value too big, a store that is away or a value that fails its check all mean: compute it here.
Values are pickled and signed with the app's secret key, so only the app's own workers' values are
ever unpickled; keys name the memo, the snapshot's run, the arguments and the code that computed them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class HasRun(Protocol):
    """What a memo needs of a snapshot: the id of its refresh run."""

    @property
    def run(self) -> Hashable: ...


class SharedStore(Protocol):
    """Where shared results go (``ioc_app.shared_redis.RedisLink``): never raises, None for a miss."""

    def load(self, key: str) -> bytes | None: ...

    def save(self, key: str, data: bytes, ttl_seconds: int) -> None: ...


# A result bigger than this is not worth a round trip (a province table pickles to ~8 kB, the national
# panels to ~75 kB, the institution points to ~350 kB).
MAX_SHARED_BYTES = 4 * 1024 * 1024
# Results of a snapshot outlive it only this long in the shared store (a snapshot is replaced every half hour).
SHARED_TTL_SECONDS = 6 * 3600
_SIGNATURE_BYTES = 32  # HMAC-SHA256


class _Sharing:
    def __init__(self, store: SharedStore, secret: bytes) -> None:
        self.store = store
        self.key = hmac.new(secret, b"ioc_app.memo shared results", hashlib.sha256).digest()

    def sign(self, data: bytes) -> bytes:
        return hmac.new(self.key, data, hashlib.sha256).digest() + data

    def verified(self, signed: bytes) -> bytes | None:
        signature, data = signed[:_SIGNATURE_BYTES], signed[_SIGNATURE_BYTES:]
        good = hmac.new(self.key, data, hashlib.sha256).digest()
        return data if hmac.compare_digest(signature, good) else None


_sharing: _Sharing | None = None


def share_through(store: SharedStore | None, secret: str | bytes = b"") -> None:
    """Share the ``shared=True`` memos' results through ``store`` (None: keep them in this process only)."""
    global _sharing
    if store is None:
        _sharing = None
        return
    _code_version()  # now, as the app is made, not in a user's first request
    _sharing = _Sharing(store, secret.encode() if isinstance(secret, str) else secret)


_MISSING = object()
_version: str | None = None


def _code_version() -> str:
    """A digest of the code that computes results: workers of two releases (a rolling restart) never
    read each other's values."""
    global _version
    if _version is None:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for package in ("ioc_app", "data_sources", "geo"):
            for path in sorted((root / package).rglob("*.py")):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
        _version = digest.hexdigest()[:16]
    return _version


def _shared_key(name: str, run_id: Hashable, key: Hashable) -> str | None:
    """The store's key for one result, or None when the arguments have no faithful text (an object shown
    by its address, an array shown abridged): two different values must never share a key."""
    text = repr((run_id, key))
    if " at 0x" in text or "..." in text:
        return None
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"ioc:memo:{_code_version()}:{name}:{digest}"


_registry: list[SnapshotMemo] = []
_registry_lock = threading.Lock()


class SnapshotMemo:
    """Values derived from the newest snapshot, at most ``size`` of them, least recently used dropped first."""

    def __init__(self, name: str, size: int, shared: bool = False) -> None:
        self.name = name
        self.size = size
        self.shared = shared
        self._run: Hashable | None = None
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        with _registry_lock:
            _registry.append(self)

    def get(self, snapshot: HasRun, key: Hashable, compute: Callable[[], R]) -> R:
        run_id = snapshot.run
        with self._lock:
            if self._run != run_id:
                self._run, self._items = run_id, OrderedDict()
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]  # stored by this same key's compute
        sharing = _sharing if self.shared else None
        shared_key = _shared_key(self.name, run_id, key) if sharing is not None else None
        value = self._read_shared(sharing, shared_key) if sharing is not None and shared_key else _MISSING
        if value is _MISSING:
            value = compute()  # outside the lock: two threads may compute the same value once each
            if sharing is not None and shared_key:
                self._write_shared(sharing, shared_key, value)
        with self._lock:
            if self._run == run_id:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value  # type: ignore[return-value]  # compute's, or the same key's value another worker computed

    def _read_shared(self, sharing: _Sharing, shared_key: str) -> Any:
        signed = sharing.store.load(shared_key)
        data = sharing.verified(signed) if signed is not None else None
        if data is None:
            return _MISSING
        try:
            return pickle.loads(data)  # signed by a worker of this app: see the module's docstring
        except Exception:  # e.g. a class renamed since: computed here instead
            log.warning("a shared result of %s could not be read; computing it here", self.name, exc_info=True)
            return _MISSING

    def _write_shared(self, sharing: _Sharing, shared_key: str, value: Any) -> None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a value holding a connection or a lock stays in this process
            log.debug("a result of %s cannot be pickled; not shared", self.name, exc_info=True)
            return
        if len(data) <= MAX_SHARED_BYTES:
            sharing.store.save(shared_key, sharing.sign(data), SHARED_TTL_SECONDS)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._run, self._items = None, OrderedDict()


def per_snapshot(
    size: int = 256, name: str | None = None, shared: bool = False
) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[Any, P], R]]:
    """Memoise ``fn(snapshot, *args)`` (hashable args) in a :class:`SnapshotMemo` of its own (``shared``: also
    in the workers' shared store, when there is one)."""

    def decorate(fn: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
        memo = SnapshotMemo(name or f"{fn.__module__}.{fn.__qualname__}", size, shared)

        @wraps(fn)
        def wrapper(snapshot: Any, *args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            return memo.get(snapshot, key, lambda: fn(snapshot, *args, **kwargs))

        wrapper.memo = memo  # type: ignore[attr-defined]  # tests and benchmarks inspect and clear it
        return cast(Callable[Concatenate[Any, P], R], wrapper)

    return decorate


def memos() -> list[SnapshotMemo]:
    """Every memo of the process (for tests, benchmarks and memory reports)."""
    with _registry_lock:
        return list(_registry)


def clear_all() -> None:
    for memo in memos():
        memo.clear()
