"""Tables of the TAA service (BiPRO 420): binding offers and the orders made from them.

These rows hold firm data but are not covered by the loader criteria of ``scoping.py``: every
query of ``service_layer/taa_offers.py`` and ``taa_orders.py`` filters by the caller's
``firm_id`` itself (one helper, ``offer_of_firm``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from bipro_service.adapters.db.base import Base, UTCDateTime


class TaaOffer(Base):
    """A binding offer (Angebot): the request and the quote as priced, valid three months."""

    __tablename__ = "taa_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_number: Mapped[str] = mapped_column(String(20), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    """An existing customer of the firm the offer is for; None: a new applicant."""
    applicant: Mapped[dict[str, Any]] = mapped_column(JSON)
    tariff_version: Mapped[str] = mapped_column(String(40))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    quote: Mapped[dict[str, Any]] = mapped_column(JSON)
    begin: Mapped[date] = mapped_column(Date)
    sum_insured: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    gross_premium: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    payment_mode: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date] = mapped_column(Date)
    """Last business day (inclusive) on which it can be ordered."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """Touched by every order attempt: the write that serialises concurrent orders."""
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)


class TaaOrder(Base):
    """The application (Antrag) made from an offer: at most one per offer and per contract."""

    __tablename__ = "taa_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("taa_offers.id"), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawal_until: Mapped[date] = mapped_column(Date)
    """Last day of the 14-day withdrawal period (customer information, "Widerrufsrecht")."""
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
