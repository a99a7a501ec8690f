"""deeplink tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deeplink_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_deeplink_tokens_firm_id_broker_firms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deeplink_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deeplink_tokens')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_deeplink_tokens_id_hash'))
    )
    with op.batch_alter_table('deeplink_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_deeplink_tokens_expires_at', ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deeplink_tokens_firm_id'), ['firm_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deeplink_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deeplink_tokens_firm_id'))
        batch_op.drop_index('ix_deeplink_tokens_expires_at')

    op.drop_table('deeplink_tokens')
