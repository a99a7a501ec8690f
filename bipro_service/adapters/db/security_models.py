"""Replay protection: fingerprints of signed messages and nonces already seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bipro_service.adapters.db.base import Base, UTCDateTime


class ReplayCacheEntry(Base):
    """A signature value or UsernameToken nonce seen until ``expires_at``; shared by every worker
    and kept across restarts because it lives in the database."""

    __tablename__ = "replay_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
