"""The table of issued DeepLinks (BiPRO 440): one row per link, only the hash of its secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bipro_service.adapters.db.base import Base, UTCDateTime


class DeeplinkToken(Base):
    """A short-lived, single-use link into the portal at one contract or customer.

    Bound to the firm and user it was issued to and to its target; ``used_at`` is set by the
    one request that claims it (``service_layer/deeplinks.py``). The random id itself is never
    stored, only its SHA-256.
    """

    __tablename__ = "deeplink_tokens"
    __table_args__ = (Index("ix_deeplink_tokens_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("broker_firms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    target_kind: Mapped[str] = mapped_column(String(16))  # "contract" or "customer"
    target_id: Mapped[int] = mapped_column(Integer)  # contracts.id or customers.id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
