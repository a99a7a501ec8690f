"""The audit trail's tables: records forming a hash chain, its head, and the purge permit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bipro_service.adapters.db.base import Base, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditRecord(Base):
    """One login attempt or one call, kept six years (T IV.2e, HGB § 257(4)).

    ``record_hash`` = SHA-256 over ``prev_hash`` and the record's canonical content, so the
    records form one chain in ``seq`` order (``service_layer/audit_chain.py``).
    """

    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_firm_time", "vermittlernummer", "occurred_at"),
        Index("ix_audit_user_time", "user_login", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    prozess_id: Mapped[str] = mapped_column(String(40))
    vermittlernummer: Mapped[str | None] = mapped_column(String(20))
    user_login: Mapped[str | None] = mapped_column(String(64))
    consumer_id: Mapped[str | None] = mapped_column(String(100))
    auth_method: Mapped[str | None] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(60))
    operation: Mapped[str] = mapped_column(String(60))
    objects: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(20))
    meldung_id: Mapped[str | None] = mapped_column(String(5))
    duration_ms: Mapped[int] = mapped_column(Integer)
    source_address: Mapped[str | None] = mapped_column(String(64))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The single row every append locks: last ``seq`` and hash, and the purge anchor."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    purged_through_seq: Mapped[int] = mapped_column(BigInteger)
    purged_anchor_hash: Mapped[str] = mapped_column(String(64))


class AuditPurgePermit(Base):
    """Present only inside a retention purge's transaction: the append-only trigger lets that
    transaction delete records past the retention period, and nothing else."""

    __tablename__ = "audit_purge_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
