"""Verifying the audit hash chain and purging records past retention (HGB § 257(4))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update

from bipro_service.adapters.db.audit_models import AuditChainHead, AuditPurgePermit, AuditRecord
from bipro_service.domain.status import AdminError
from bipro_service.service_layer.audit import (
    ENTRY_FIELDS,
    HEAD_ID,
    AuditEntry,
    add_audit,
    record_digest,
)
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "deleted", "reordered", "truncated"
    message: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    first_seq: int
    last_seq: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _content(record: AuditRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in ENTRY_FIELDS}


def verify_chain(uow: UnitOfWork, batch: int = 2000) -> VerifyResult:
    """Walk the chain in ``seq`` order and name the first altered, deleted or reordered record."""
    head = uow.session.get(AuditChainHead, HEAD_ID)
    if head is None:
        return VerifyResult(0, 0, 0, ChainProblem(0, "truncated", "Kettenkopf fehlt."))
    expected_seq = head.purged_through_seq + 1
    expected_prev = head.purged_anchor_hash
    checked = 0
    query = select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=batch)
    for record in uow.session.scalars(query):
        problem = _check(record, expected_seq, expected_prev)
        if problem is not None:
            return VerifyResult(checked, head.purged_through_seq + 1, record.seq, problem)
        checked += 1
        expected_seq = record.seq + 1
        expected_prev = record.record_hash
    if expected_seq - 1 != head.last_seq or expected_prev != head.last_hash:
        problem = ChainProblem(
            expected_seq,
            "deleted",
            f"Datensätze ab Nummer {expected_seq} fehlen (Kette endet zu früh).",
        )
        return VerifyResult(checked, head.purged_through_seq + 1, expected_seq - 1, problem)
    return VerifyResult(checked, head.purged_through_seq + 1, head.last_seq, None)


def _check(record: AuditRecord, expected_seq: int, expected_prev: str) -> ChainProblem | None:
    if record.seq > expected_seq:
        return ChainProblem(
            expected_seq,
            "deleted",
            f"Datensatz {expected_seq} bis {record.seq - 1} fehlt (gelöscht).",
        )
    if record.seq < expected_seq:
        return ChainProblem(
            record.seq, "reordered", f"Datensatz {record.seq} steht doppelt oder vertauscht."
        )
    if record.prev_hash != expected_prev:
        return ChainProblem(
            record.seq,
            "reordered",
            f"Datensatz {record.seq} ist nicht mit seinem Vorgänger verkettet.",
        )
    if record_digest(record.seq, record.prev_hash, _content(record)) != record.record_hash:
        return ChainProblem(record.seq, "altered", f"Datensatz {record.seq} wurde verändert.")
    return None


def retention_cutoff(now: datetime, years: int, zone: str) -> datetime:
    """Records before this instant are past retention: kept ``years`` full years after the end of
    the calendar year (local time) they were made in."""
    local_year = now.astimezone(ZoneInfo(zone)).year
    return datetime.combine(date(local_year - years, 1, 1), time(0), ZoneInfo(zone))


@dataclass(frozen=True, slots=True)
class PurgeResult:
    deleted: int
    purged_through_seq: int


def purge(
    uow: UnitOfWork, now: datetime, *, years: int, zone: str, before: datetime | None = None
) -> PurgeResult:
    """Delete the oldest records up to ``before`` (default: the retention cutoff); refuse younger.

    Only a prefix of the chain is removed; the last removed hash becomes the anchor, so the rest
    still verifies. The purge itself is audited.
    """
    cutoff = retention_cutoff(now, years, zone)
    limit = before or cutoff
    if limit > cutoff:
        raise AdminError(
            f"Aufbewahrungsfrist: nur Datensätze vor {cutoff.date().isoformat()} "
            "dürfen gelöscht werden."
        )
    head = uow.session.get(AuditChainHead, HEAD_ID, with_for_update=True)
    if head is None:
        raise AdminError("Kettenkopf fehlt.")
    first_young = uow.session.scalar(
        select(func.min(AuditRecord.seq)).where(AuditRecord.occurred_at >= limit)
    )
    through = (first_young - 1) if first_young is not None else head.last_seq
    if through <= head.purged_through_seq:
        return PurgeResult(0, head.purged_through_seq)
    anchor = uow.session.scalar(select(AuditRecord.record_hash).where(AuditRecord.seq == through))
    if anchor is None:
        raise AdminError(f"Datensatz {through} fehlt: erst `audit verify` klären.")
    uow.session.add(AuditPurgePermit(id=1, granted_at=now))
    uow.session.flush()
    deleted = uow.session.execute(delete(AuditRecord).where(AuditRecord.seq <= through)).rowcount  # type: ignore[attr-defined]
    uow.session.execute(delete(AuditPurgePermit))
    uow.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(purged_through_seq=through, purged_anchor_hash=anchor)
    )
    add_audit(
        uow.session,
        AuditEntry(
            occurred_at=now,
            prozess_id=f"purge-{through}",
            service="Administration",
            operation="auditPurge",
            outcome="OK",
            duration_ms=0,
            user_login="insurer",
            auth_method="admin",
            objects={"purged_through_seq": [str(through)]},
            detail=f"{deleted} records before {limit.isoformat()}",
        ),
    )
    uow.commit()
    return PurgeResult(int(deleted), through)
