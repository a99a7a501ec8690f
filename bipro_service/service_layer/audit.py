"""The one place that writes the audit trail (T IV.2e: every login and every call)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.models import AuditRecord


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What the audit trail keeps of one request or login attempt."""

    occurred_at: datetime
    prozess_id: str
    service: str
    operation: str
    outcome: str
    duration_ms: int
    vermittlernummer: str | None = None
    user_login: str | None = None
    consumer_id: str | None = None
    auth_method: str | None = None
    objects: dict[str, Any] = field(default_factory=dict)
    meldung_id: str | None = None
    source_address: str | None = None
    request_hash: str | None = None
    detail: str | None = None


def add_audit(session: Session, entry: AuditEntry) -> AuditRecord:
    """Add the record to ``session``: it commits with the business write it belongs to."""
    record = AuditRecord(
        occurred_at=entry.occurred_at,
        prozess_id=entry.prozess_id,
        vermittlernummer=entry.vermittlernummer,
        user_login=entry.user_login,
        consumer_id=entry.consumer_id,
        auth_method=entry.auth_method,
        service=entry.service,
        operation=entry.operation,
        objects=entry.objects,
        outcome=entry.outcome,
        meldung_id=entry.meldung_id,
        duration_ms=entry.duration_ms,
        source_address=entry.source_address,
        request_hash=entry.request_hash,
        detail=entry.detail,
    )
    session.add(record)
    return record


def write_audit(session_factory: sessionmaker[Session], entry: AuditEntry) -> None:
    """Write the record in its own transaction (reads and rejected requests)."""
    with session_factory() as session, session.begin():
        add_audit(session, entry)
