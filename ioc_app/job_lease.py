"""A lease in the IOC store, so that a job (the snapshot refresh) runs in one process at a time.

Works the same on SQLite and PostgreSQL: the lease is a row taken by a conditional UPDATE (it has
lapsed, or is ours already) or, the first time, by an INSERT that only one process can win. The
holder renews it while it works; a holder killed midway stops renewing, so its lease lapses after
``seconds`` and nobody is blocked for longer. Times are UTC from each process's clock: machines
sharing a store keep their clocks within a few seconds of each other (NTP), far below a lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ioc_app.store import JobLease

log = logging.getLogger(__name__)
REFRESH = "snapshot-refresh"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_holder() -> str:
    """This process's name in the lease: host, pid and a random part (a pid is reused after a restart)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Holder:
    holder: str
    expires_at: dt.datetime


def try_acquire(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Take the lease if it is free, lapsed or ours; True when we hold it now."""
    now = _now()
    until = now + dt.timedelta(seconds=seconds)
    with engine.begin() as conn:
        taken = conn.execute(
            update(JobLease)
            .where(JobLease.name == name, or_(JobLease.expires_at < now, JobLease.holder == holder))
            .values(holder=holder, acquired_at=now, expires_at=until)
        )
        if taken.rowcount == 1:
            return True
        if conn.execute(select(JobLease.name).where(JobLease.name == name)).first() is not None:
            return False
    try:
        with engine.begin() as conn:
            conn.execute(insert(JobLease).values(name=name, holder=holder, acquired_at=now, expires_at=until))
    except IntegrityError:  # another process inserted it first
        return False
    return True


def renew(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Extend our lease; False when it is no longer ours (it lapsed and another process took it)."""
    with engine.begin() as conn:
        done = conn.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.holder == holder)
            .values(expires_at=_now() + dt.timedelta(seconds=seconds))
        )
        return done.rowcount == 1


def release(engine: Engine, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(JobLease).where(JobLease.name == name, JobLease.holder == holder))


def current_holder(engine: Engine, name: str) -> Holder | None:
    """Who holds the lease now (None when it is free or has lapsed)."""
    with engine.connect() as conn:
        row = conn.execute(select(JobLease.holder, JobLease.expires_at).where(JobLease.name == name)).first()
    if row is None or row.expires_at < _now():
        return None
    return Holder(row.holder, row.expires_at)


class LeaseLost(RuntimeError):
    """The lease lapsed and another process took it: what this one was about to write must not be written."""


@dataclass(frozen=True)
class Lease:
    """A lease this process holds (true); ``None`` stands for one it could not get."""

    name: str
    holder: str

    def confirm(self, conn: Connection) -> None:
        """Inside the transaction about to commit the work: raise ``LeaseLost`` unless the lease is still ours,
        so a holder paused past its lease (a suspended machine) cannot overwrite its successor's work."""
        found = conn.execute(
            select(JobLease.holder).where(JobLease.name == self.name, JobLease.holder == self.holder)
        ).first()
        if found is None:
            raise LeaseLost(f"the {self.name} lease lapsed and was taken by another process")


@contextmanager
def held(engine: Engine, name: str, seconds: float) -> Iterator[Lease | None]:
    """Hold the lease for the block (renewed every third of ``seconds``); yields None when another holds it."""
    holder = new_holder()
    if not try_acquire(engine, name, holder, seconds):
        yield None
        return
    stop = threading.Event()

    def keep_renewing() -> None:
        while not stop.wait(seconds / 3):
            try:
                if not renew(engine, name, holder, seconds):
                    log.error("the %s lease was lost (held by another process now)", name)
                    return
            except Exception:
                log.warning("renewing the %s lease failed; trying again", name, exc_info=True)

    beat = threading.Thread(target=keep_renewing, name=f"lease-{name}", daemon=True)
    beat.start()
    try:
        yield Lease(name, holder)
    finally:
        stop.set()
        beat.join()
        try:
            release(engine, name, holder)
        except Exception:
            log.warning("releasing the %s lease failed; it lapses in %s s", name, seconds, exc_info=True)
