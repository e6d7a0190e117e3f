"""wall display playlists: the playlist table, and a display token's optional playlist

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 04:18:19.967536
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("slides", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("playlist", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.drop_column("playlist")

    op.drop_table("playlist")
