"""security tokens and activation links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 13:33:41.814129
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('activation_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activation_links_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activation_links_token_hash'))
    )
    with op.batch_alter_table('activation_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_links_user_id'), ['user_id'], unique=False)

    op.create_table('security_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('auth_method', sa.String(length=20), nullable=False),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source_address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_security_tokens_firm_id_broker_firms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_security_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_security_tokens_token_hash'))
    )
    with op.batch_alter_table('security_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_tokens_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index('ix_security_tokens_user_open', ['user_id', 'revoked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('security_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_security_tokens_user_open')
        batch_op.drop_index(batch_op.f('ix_security_tokens_firm_id'))

    op.drop_table('security_tokens')
    with op.batch_alter_table('activation_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_links_user_id'))

    op.drop_table('activation_links')
