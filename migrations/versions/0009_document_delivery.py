"""per-firm document delivery of getShipment (MTOM or inline base64)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broker_firms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "document_delivery", sa.String(length=10), server_default="mtom", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("broker_firms", schema=None) as batch_op:
        batch_op.drop_column("document_delivery")
