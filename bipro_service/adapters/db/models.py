"""ORM models of the portfolio, the broker firms and their users, the post and the audit trail."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from bipro_service.adapters.db.audit_models import AuditChainHead, AuditPurgePermit, AuditRecord
from bipro_service.adapters.db.base import Base, UTCDateTime, utcnow
from bipro_service.adapters.db.security_models import ReplayCacheEntry

__all__ = [
    "AuditChainHead",
    "AuditPurgePermit",
    "AuditRecord",
    "ReplayCacheEntry",
]  # re-exported; see audit_models

Money = Numeric(14, 2)


class UserState(enum.StrEnum):
    INVITED = "invited"  # has an initial password only
    ACTIVE = "active"
    LOCKED = "locked"  # three wrong entries (T I.5b); unlocked by admin or insurer
    REVOKED = "revoked"  # left the firm or right withdrawn (T I.3d, I.13b)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, values_callable=_values)


def _values(cls: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in cls]


class BrokerFirm(Base):
    """A Vertragspartner: a broker firm with an agency agreement."""

    __tablename__ = "broker_firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    vermittlernummer: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_test_access: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Every request of this firm must carry a valid WS-Security signature."""
    document_delivery: Mapped[str] = mapped_column(
        String(10), default="mtom", server_default="mtom"
    )
    """How getShipment delivers documents: ``mtom`` (XOP parts) or ``inline`` (base64)."""
    agency_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="firm")

    @property
    def is_active(self) -> bool:
        return self.agency_ended_at is None


class User(Base):
    """A Nutzer: a natural person working for a broker firm."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    portfolio_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[UserState] = mapped_column(_enum(UserState, "user_state"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    initial_password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    firm: Mapped[BrokerFirm] = relationship(back_populates="users")


class Customer(Base):
    """A Kunde (partner): the policyholder."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnernummer: Mapped[str] = mapped_column(String(20), unique=True)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    company_name: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contracts: Mapped[list[Contract]] = relationship(back_populates="customer")
    servicing: Mapped[list[ServicingRelationship]] = relationship(back_populates="customer")


class ServicingRelationship(Base):
    """Firm serves customer from ``valid_from`` (inclusive) until ``valid_to`` (exclusive)."""

    __tablename__ = "servicing_relationships"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_period"),
        Index("ix_servicing_firm_customer", "firm_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    customer: Mapped[Customer] = relationship(back_populates="servicing")
    firm: Mapped[BrokerFirm] = relationship()

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class Contract(Base):
    """A Vertrag, identified on the wire by its Versicherungsscheinnummer."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    versicherungsscheinnummer: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product: Mapped[str] = mapped_column(String(40))
    tariff_version: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    begin: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    sum_insured: Mapped[Decimal] = mapped_column(Money)
    annual_premium: Mapped[Decimal] = mapped_column(Money)
    payment_mode: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    customer: Mapped[Customer] = relationship(back_populates="contracts")


class Shipment(Base):
    """A Lieferung of the electronic broker post (Transfer service, norm 430)."""

    __tablename__ = "shipments"
    __table_args__ = (Index("ix_shipments_firm_open", "firm_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    category: Mapped[str] = mapped_column(String(9))
    art: Mapped[str] = mapped_column(String(40))
    only_data: Mapped[bool] = mapped_column(Boolean, default=False)
    periodic: Mapped[bool] = mapped_column(Boolean, default=False)
    sparte: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_until: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)

    documents: Mapped[list[ShipmentDocument]] = relationship(
        back_populates="shipment", order_by="ShipmentDocument.position"
    )


class ShipmentDocument(Base):
    """A Datei of a shipment's transfer."""

    __tablename__ = "shipment_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    dokumentart_id: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    shipment: Mapped[Shipment] = relationship(back_populates="documents")


class SecurityToken(Base):
    """An issued security context token; only the SHA-256 of its secret is stored."""

    __tablename__ = "security_tokens"
    __table_args__ = (Index("ix_security_tokens_user_open", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    auth_method: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_address: Mapped[str | None] = mapped_column(String(64))


class ActivationLink(Base):
    """A one-time link that lets an invited user set a personal password (T II.1)."""

    __tablename__ = "activation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FirmCertificate(Base):
    """An X.509 certificate that logs in as its broker firm (T II.4, e.g. a TGIC certificate)."""

    __tablename__ = "firm_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER, hex
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    serial_number: Mapped[str] = mapped_column(String(64))  # hex
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    firm: Mapped[BrokerFirm] = relationship()


from bipro_service.adapters.db.claims_models import Claim as Claim  # noqa: E402
from bipro_service.adapters.db.navigation_models import DeeplinkToken as DeeplinkToken  # noqa: E402
from bipro_service.adapters.db.taa_models import TaaOffer as TaaOffer  # noqa: E402
from bipro_service.adapters.db.taa_models import TaaOrder as TaaOrder  # noqa: E402
