"""Per-request state shared by the WSGI pipeline, the services and the audit trail."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.xml.mtom import Attachments
from bipro_service.domain.status import BiproError, Meldung, MeldungArt
from bipro_service.service_layer.audit import AuditEntry, add_audit
from bipro_service.service_layer.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bipro_service.entrypoints.runtime import Runtime
    from bipro_service.service_layer.principal import Principal

#: Key of the :class:`RequestContext` in the WSGI environ.
ENVIRON_KEY = "bipro.request"
#: Key of the already parsed envelope in the WSGI environ (Spyne does not parse again).
ENVELOPE_KEY = "bipro.envelope"
#: Default ``BiPROVersion`` of our answers when the request named none.
DEFAULT_VERSION = "2.6.1.1.0"


@dataclass
class RequestContext:
    """Everything known about one SOAP request, filled in as it passes the pipeline."""

    runtime: Runtime
    service: str
    source_address: str | None
    prozess_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    received_at: datetime = field(default_factory=utcnow)
    started: float = field(default_factory=time.perf_counter)
    operation: str = "-"
    bipro_version: str = DEFAULT_VERSION
    consumer_id: str | None = None
    request_hash: str | None = None
    principal: Principal | None = None
    login: str | None = None
    vermittlernummer: str | None = None
    auth_method: str | None = None
    objects: dict[str, list[str]] = field(default_factory=dict)
    outcome: str = "OK"
    meldung_id: str | None = None
    detail: str | None = None
    audited: bool = False
    signed: bool = False
    caller_certificate: Any = None
    attachments: Attachments | None = None
    """MTOM parts of this answer (set when the answer may carry documents as XOP parts)."""
    """The client certificate (signature or TLS) with its firm, see ``message_security``."""
    extra: dict[str, Any] = field(default_factory=dict)

    def touched(self, kind: str, identifier: str) -> None:
        """Record that the call read or wrote a business object (for the audit trail)."""
        bucket = self.objects.setdefault(kind, [])
        if identifier not in bucket:
            bucket.append(identifier)

    def answered(self, ok: bool, meldungen: list[Meldung]) -> None:
        """Record a normal answer's outcome."""
        self.outcome = "OK" if ok else "NOK"
        errors = [m for m in meldungen if m.art is MeldungArt.FEHLER]
        first = errors[0] if errors else (meldungen[0] if meldungen else None)
        self.meldung_id = first.meldung_id.value if first else None

    def failed(self, error: BiproError, detail: str | None = None) -> None:
        """Record a fault."""
        self.outcome = "FAULT"
        self.meldung_id = error.meldung_id.value
        # ``reason``: why a signature, certificate or credential was refused (audit only).
        reason = getattr(error, "reason", None)
        self.detail = (
            detail or (str(reason) if reason else None) or self.detail or type(error).__name__
        )

    def elapsed_ms(self) -> int:
        return int((time.perf_counter() - self.started) * 1000)

    def audit_entry(self) -> AuditEntry:
        """The audit record of this request as known now."""
        return AuditEntry(
            occurred_at=self.received_at,
            prozess_id=self.prozess_id,
            service=self.service,
            operation=self.operation,
            outcome=self.outcome,
            duration_ms=self.elapsed_ms(),
            vermittlernummer=self.vermittlernummer,
            user_login=self.login,
            consumer_id=self.consumer_id,
            auth_method=self.auth_method,
            objects={kind: sorted(ids) for kind, ids in self.objects.items()},
            meldung_id=self.meldung_id,
            source_address=self.source_address,
            request_hash=self.request_hash,
            detail=self.detail,
        )

    def unit_of_work(self, principal: Principal | None = None) -> UnitOfWork:
        """A unit of work whose commit carries this request's audit record (a business write
        and its record are never separated); scoped to ``principal`` when given."""
        runtime = self.runtime

        def before_commit(session: Session) -> None:
            if not self.audited:
                add_audit(session, self.audit_entry())

        def after_commit() -> None:
            self.audited = True

        return UnitOfWork(
            runtime.session_factory,
            principal,
            runtime.business_day() if principal is not None else None,
            before_commit=before_commit,
            after_commit=after_commit,
        )
