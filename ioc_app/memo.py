"""The one place per-snapshot results are kept.

A stored snapshot never changes, so anything computed from it (a province table, the panels of a
scope, a province's institutions) can be kept while that snapshot is the newest. Every memo is
keyed by the snapshot's run (its id, finish time and data date), never by the object, so an old
snapshot is not kept alive and two stores in one process never share results; the first call for
another snapshot drops everything computed from the previous one; each memo is bounded
(least recently used entries go first) and safe to share between a worker's threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")


class HasRun(Protocol):
    """What a memo needs of a snapshot: the id of its refresh run."""

    @property
    def run(self) -> Hashable: ...


_registry: list[SnapshotMemo] = []
_registry_lock = threading.Lock()


class SnapshotMemo:
    """Values derived from the newest snapshot, at most ``size`` of them, least recently used dropped first."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
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
        value = compute()  # outside the lock: two threads may compute the same value once each
        with self._lock:
            if self._run == run_id:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._run, self._items = None, OrderedDict()


def per_snapshot(
    size: int = 256, name: str | None = None
) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[Any, P], R]]:
    """Memoise ``fn(snapshot, *args)`` (hashable args) in a :class:`SnapshotMemo` of its own."""

    def decorate(fn: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
        memo = SnapshotMemo(name or f"{fn.__module__}.{fn.__qualname__}", size)

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
