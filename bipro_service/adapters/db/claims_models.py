"""Claim notifications (BiPRO 503): the claim, its affected items and its attached documents.

Claims are scoped through their contract: every query of a principal joins ``Contract``,
whose loader criteria (``scoping.py``) then hide the claims of customers the firm does not
serve today. ``(firm_id, idempotency_key)`` is unique: concurrent duplicates of a submission
create exactly one claim.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bipro_service.adapters.db.base import Base, UTCDateTime

if TYPE_CHECKING:
    from bipro_service.adapters.db.models import Contract

_MONEY = Numeric(14, 2)


class Claim(Base):
    """A Schaden: one accepted notification with its first assessment."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("firm_id", "idempotency_key", name="uq_claims_firm_idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schadennummer: Mapped[str] = mapped_column(String(20), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"))
    """The notifying firm (whose idempotency key this is)."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    loss_date: Mapped[date] = mapped_column(Date)
    loss_place: Mapped[str] = mapped_column(String(200))
    transport_kind: Mapped[str] = mapped_column(String(20))
    peril: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    estimated_loss: Mapped[Decimal] = mapped_column(_MONEY)
    insured_value: Mapped[Decimal] = mapped_column(_MONEY)
    mitigation_costs: Mapped[Decimal] = mapped_column(_MONEY)
    police_report: Mapped[str | None] = mapped_column(String(100))
    assessment: Mapped[dict[str, Any]] = mapped_column(JSON)
    immediate_notice: Mapped[bool] = mapped_column(Boolean)
    """AVB 9.2.1.1: likely over 2,000 EUR, flagged for immediate handling."""
    acknowledgement_id: Mapped[str | None] = mapped_column(String(40))
    """``Lieferung/ID`` of the acknowledgement letter in the firm's post."""
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)

    contract: Mapped[Contract] = relationship()
    items: Mapped[list[ClaimItem]] = relationship(
        back_populates="claim", order_by="ClaimItem.position"
    )
    documents: Mapped[list[ClaimDocument]] = relationship(
        back_populates="claim", order_by="ClaimDocument.position"
    )


class ClaimItem(Base):
    """One affected item (Gegenstand) of a claim."""

    __tablename__ = "claim_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    valuables_class: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(_MONEY)
    damage: Mapped[str] = mapped_column(String(20))

    claim: Mapped[Claim] = relationship(back_populates="items")


class ClaimDocument(Base):
    """One document attached to a claim notification."""

    __tablename__ = "claim_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(127))
    kind: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    claim: Mapped[Claim] = relationship(back_populates="documents")
