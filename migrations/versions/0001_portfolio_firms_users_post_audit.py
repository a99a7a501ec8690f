"""portfolio, firms, users, post, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 13:28:19.440707
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('prozess_id', sa.String(length=40), nullable=False),
    sa.Column('vermittlernummer', sa.String(length=20), nullable=True),
    sa.Column('user_login', sa.String(length=64), nullable=True),
    sa.Column('consumer_id', sa.String(length=100), nullable=True),
    sa.Column('auth_method', sa.String(length=20), nullable=True),
    sa.Column('service', sa.String(length=60), nullable=False),
    sa.Column('operation', sa.String(length=60), nullable=False),
    sa.Column('objects', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('meldung_id', sa.String(length=5), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('source_address', sa.String(length=64), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index('ix_audit_firm_time', ['vermittlernummer', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_audit_user_time', ['user_login', 'occurred_at'], unique=False)

    op.create_table('broker_firms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vermittlernummer', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_test_access', sa.Boolean(), nullable=False),
    sa.Column('agency_ended_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broker_firms')),
    sa.UniqueConstraint('vermittlernummer', name=op.f('uq_broker_firms_vermittlernummer'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnernummer', sa.String(length=20), nullable=False),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('blocked_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('partnernummer', name=op.f('uq_customers_partnernummer'))
    )
    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versicherungsscheinnummer', sa.String(length=30), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=40), nullable=False),
    sa.Column('tariff_version', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('begin', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('sum_insured', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('annual_premium', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('payment_mode', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contracts_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('versicherungsscheinnummer', name=op.f('uq_contracts_versicherungsscheinnummer'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_updated_at'), ['updated_at'], unique=False)

    op.create_table('servicing_relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_servicing_relationships_valid_period')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_servicing_relationships_customer_id_customers')),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_servicing_relationships_firm_id_broker_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_servicing_relationships'))
    )
    with op.batch_alter_table('servicing_relationships', schema=None) as batch_op:
        batch_op.create_index('ix_servicing_firm_customer', ['firm_id', 'customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_servicing_relationships_customer_id'), ['customer_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('portfolio_rights', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('invited', 'active', 'locked', 'revoked', name='user_state', native_enum=False, length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('initial_password_hash', sa.String(length=255), nullable=True),
    sa.Column('password_changed_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_users_firm_id_broker_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_firm_id'), ['firm_id'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=9), nullable=False),
    sa.Column('art', sa.String(length=40), nullable=False),
    sa.Column('only_data', sa.Boolean(), nullable=False),
    sa.Column('periodic', sa.Boolean(), nullable=False),
    sa.Column('sparte', sa.String(length=10), nullable=True),
    sa.Column('created_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('available_until', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_user_id', sa.Integer(), nullable=True),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_user_id'], ['users.id'], name=op.f('fk_shipments_acknowledged_by_user_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_shipments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_shipments_customer_id_customers')),
    sa.ForeignKeyConstraint(['firm_id'], ['broker_firms.id'], name=op.f('fk_shipments_firm_id_broker_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('public_id', name=op.f('uq_shipments_public_id'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_shipments_firm_open', ['firm_id', 'acknowledged_at'], unique=False)

    op.create_table('shipment_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('dokumentart_id', sa.String(length=20), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_shipment_documents_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_documents'))
    )
    with op.batch_alter_table('shipment_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_documents_shipment_id'), ['shipment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('shipment_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_documents_shipment_id'))

    op.drop_table('shipment_documents')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index('ix_shipments_firm_open')
        batch_op.drop_index(batch_op.f('ix_shipments_customer_id'))

    op.drop_table('shipments')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_firm_id'))

    op.drop_table('users')
    with op.batch_alter_table('servicing_relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicing_relationships_customer_id'))
        batch_op.drop_index('ix_servicing_firm_customer')

    op.drop_table('servicing_relationships')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_updated_at'))
        batch_op.drop_index(batch_op.f('ix_contracts_customer_id'))

    op.drop_table('contracts')
    op.drop_table('customers')
    op.drop_table('broker_firms')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_user_time')
        batch_op.drop_index(batch_op.f('ix_audit_records_occurred_at'))
        batch_op.drop_index('ix_audit_firm_time')

    op.drop_table('audit_records')
