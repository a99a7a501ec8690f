"""claims (BiPRO 503): claims, claim items, claim documents

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bipro_service.adapters.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schadennummer", sa.String(length=20), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notified_at", bipro_service.adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loss_date", sa.Date(), nullable=False),
        sa.Column("loss_place", sa.String(length=200), nullable=False),
        sa.Column("transport_kind", sa.String(length=20), nullable=False),
        sa.Column("peril", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("estimated_loss", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("insured_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("mitigation_costs", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("police_report", sa.String(length=100), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("immediate_notice", sa.Boolean(), nullable=False),
        sa.Column("acknowledgement_id", sa.String(length=40), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_claims_contract_id_contracts")),
        sa.ForeignKeyConstraint(["firm_id"], ["broker_firms.id"], name=op.f("fk_claims_firm_id_broker_firms")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_claims_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("firm_id", "idempotency_key", name="uq_claims_firm_idempotency_key"),
        sa.UniqueConstraint("schadennummer", name=op.f("uq_claims_schadennummer")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "claim_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("valuables_class", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("damage", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_items_claim_id_claims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_items")),
    )
    with op.batch_alter_table("claim_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_items_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "claim_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_documents_claim_id_claims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_documents")),
    )
    with op.batch_alter_table("claim_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_documents_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_documents_claim_id"))
    op.drop_table("claim_documents")
    with op.batch_alter_table("claim_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_items_claim_id"))
    op.drop_table("claim_items")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_contract_id"))
    op.drop_table("claims")
