"""taa offers and orders (BiPRO 420)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "taa_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_number", sa.String(length=20), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("tariff_version", sa.String(length=40), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("quote", sa.JSON(), nullable=False),
        sa.Column("begin", sa.Date(), nullable=False),
        sa.Column("sum_insured", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("gross_premium", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_mode", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column(
            "updated_at", bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_taa_offers_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["broker_firms.id"], name=op.f("fk_taa_offers_firm_id_broker_firms")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_taa_offers_shipment_id_shipments")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_taa_offers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taa_offers")),
        sa.UniqueConstraint("offer_number", name=op.f("uq_taa_offers_offer_number")),
    )
    with op.batch_alter_table("taa_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taa_offers_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "taa_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column(
            "ordered_at", bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("withdrawal_until", sa.Date(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_taa_orders_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_taa_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["broker_firms.id"], name=op.f("fk_taa_orders_firm_id_broker_firms")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["taa_offers.id"], name=op.f("fk_taa_orders_offer_id_taa_offers")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_taa_orders_shipment_id_shipments")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_taa_orders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taa_orders")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_taa_orders_contract_id")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_taa_orders_offer_id")),
    )
    with op.batch_alter_table("taa_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taa_orders_firm_id"), ["firm_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("taa_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taa_orders_firm_id"))
    op.drop_table("taa_orders")
    with op.batch_alter_table("taa_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taa_offers_firm_id"))
    op.drop_table("taa_offers")
