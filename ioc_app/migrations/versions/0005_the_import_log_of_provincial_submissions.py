"""the import log of provincial submissions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:20:39.215109
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("actor_province", sa.String(length=2), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_bytes", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('applied', 'unchanged', 'refused', 'checked')", name="ck_submission_import_outcome"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("submission_import", schema=None) as batch_op:
        batch_op.create_index("ix_submission_import_at", ["at"], unique=False)
        batch_op.create_index("ix_submission_import_sha256", ["file_sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("submission_import", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_import_sha256")
        batch_op.drop_index("ix_submission_import_at")

    op.drop_table("submission_import")
