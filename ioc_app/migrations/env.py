"""Alembic's environment for the IOC store: the models' metadata, and the connection ``ioc_app.migrations`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ioc_app.store import IocBase


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection) or context.is_offline_mode():
        # No alembic.ini: the URL and the legacy-store checks live in ioc_app.migrations.
        raise RuntimeError("run the IOC store's migrations with `python -m ioc_app db upgrade`")
    context.configure(
        connection=connection,
        target_metadata=IocBase.metadata,
        # SQLite alters most things by copying the table; batch operations do that there and plain ALTERs elsewhere.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
