"""replay cache, per-firm signature policy

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "replay_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_replay_cache")),
    )
    with op.batch_alter_table("replay_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replay_cache_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("broker_firms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signature_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("broker_firms", schema=None) as batch_op:
        batch_op.drop_column("signature_required")
    with op.batch_alter_table("replay_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replay_cache_expires_at"))
    op.drop_table("replay_cache")
