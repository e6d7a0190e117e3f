"""Draft the IOC store's next migration from the models in ioc_app/store.py.

Compares the models with a scratch SQLite store at the current head and writes
``ioc_app/migrations/versions/NNNN_<message>.py`` with the differences, as batch operations (SQLite
needs them; PostgreSQL runs them as plain ALTERs). Review the draft: autogenerate does not see check
constraints or renames (a rename comes out as a drop and an add, losing the column's data), and
moving data is yours to write.

    python scripts/new_revision.py "users and tokens"
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from data_sources.engine import make_engine
from ioc_app import migrations
from ioc_app.store import IocBase


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="what the revision does, e.g. 'users and tokens'")
    args = parser.parse_args()
    head = migrations.head()
    number = f"{int(head) + 1:04d}"  # revisions are numbered: a clash between two branches shows as two heads
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'ioc.sqlite3'}")
        try:
            migrations.upgrade(engine)
            with engine.begin() as conn:
                if not compare_metadata(MigrationContext.configure(conn), IocBase.metadata):
                    print(f"the models agree with revision {head}: nothing to draft", file=sys.stderr)
                    return 1
                written = command.revision(
                    migrations.config(conn), message=args.message, autogenerate=True, rev_id=number
                )
        finally:
            engine.dispose()
    assert written is not None and not isinstance(written, list)
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "check", "--fix", "--quiet", written.path], check=False)
    subprocess.run([str(ruff), "format", "--quiet", written.path], check=True)
    print(f"wrote {written.path}: review it, then run the tests (tests/test_migrations.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
