"""the day and the week before the data date: kpi_comparison

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:18:26.181457
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Stores refreshed before this revision have no rows here: their readers get "no comparison".
    op.create_table(
        "kpi_comparison",
        sa.Column("refresh_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("province63", sa.String(length=2), nullable=False),
        sa.Column("inst_type", sa.String(length=20), nullable=False),
        sa.Column("ownership", sa.String(length=20), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["refresh_id"], ["refresh_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("refresh_id", "series", "as_of", "province63", "inst_type", "ownership"),
    )


def downgrade() -> None:
    op.drop_table("kpi_comparison")
