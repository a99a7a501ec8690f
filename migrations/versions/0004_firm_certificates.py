"""firm certificates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 13:49:48.210785
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('firm_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('serial_number', sa.String(length=64), nullable=False),
    sa.Column('not_before', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('not_after', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_firm_certificates_firm_id_broker_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_certificates')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_firm_certificates_fingerprint'))
    )
    with op.batch_alter_table('firm_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_certificates_firm_id'), ['firm_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('firm_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_certificates_firm_id'))

    op.drop_table('firm_certificates')
