"""alerts and the statuses they compare

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:17:05.103885
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=60), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index("ix_alert_cleared_at", ["cleared_at"], unique=False)
        batch_op.create_index("ix_alert_rule_key", ["rule_id", "key"], unique=False)

    op.create_table(
        "alert_status",
        sa.Column("indicator", sa.String(length=4), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("refresh_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("previous", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("indicator", "unit"),
    )


def downgrade() -> None:
    op.drop_table("alert_status")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_rule_key")
        batch_op.drop_index("ix_alert_cleared_at")

    op.drop_table("alert")
