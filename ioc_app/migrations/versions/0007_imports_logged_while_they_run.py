"""imports logged while they run: outcomes running and abandoned

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:35:00

A real import is in the log (``running``) before it writes; one whose process died is settled as
``applied`` or ``abandoned`` by the next import (``ioc_app.imports.reconcile``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_NAME = "ck_submission_import_outcome"
_BEFORE = "outcome IN ('applied', 'unchanged', 'refused', 'checked')"
_AFTER = "outcome IN ('applied', 'unchanged', 'refused', 'checked', 'running', 'abandoned')"


def upgrade() -> None:
    with op.batch_alter_table("submission_import") as batch_op:
        batch_op.drop_constraint(_NAME, type_="check")
        batch_op.create_check_constraint(_NAME, sa.text(_AFTER))


def downgrade() -> None:
    # The older release knows neither outcome: both wrote nothing it could show as written.
    op.execute("UPDATE submission_import SET outcome = 'refused' WHERE outcome IN ('running', 'abandoned')")
    with op.batch_alter_table("submission_import") as batch_op:
        batch_op.drop_constraint(_NAME, type_="check")
        batch_op.create_check_constraint(_NAME, sa.text(_BEFORE))
