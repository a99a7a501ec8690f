"""The one place that writes the audit trail (T IV.2e: every login and every call).

Records form a hash chain in ``seq`` order: each append takes the single chain-head row with an
``UPDATE … RETURNING`` (a row lock on PostgreSQL, the write lock on SQLite), so the chain stays
linear however many workers append, and commits with the transaction it belongs to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.audit_models import AuditChainHead, AuditRecord

HEAD_ID = 1


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


#: The content fields of a record, in the order the digest and the chain check read them.
ENTRY_FIELDS = tuple(AuditEntry.__dataclass_fields__)


def record_digest(seq: int, prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 over the previous hash, the sequence number and the canonical content."""
    values = {name: content[name] for name in ENTRY_FIELDS}
    values["occurred_at"] = values["occurred_at"].isoformat()
    canonical = json.dumps(
        [seq, prev_hash, values], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


_HEAD = cast(Table, AuditChainHead.__table__)
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq + 1)
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=bindparam("digest"))
_INSERT_RECORD = insert(cast(Table, AuditRecord.__table__))


def add_audit(session: Session, entry: AuditEntry) -> int:
    """Append ``entry`` to the chain in ``session``'s transaction (it commits with it); returns
    its ``seq``.

    Core statements built once (no ORM object, no flush): this runs on every request."""
    # The business rows first, the chain head last: the head's row lock is then held only for
    # the end of the transaction, and every writer takes locks in the same order (business
    # rows, then head), so two writers cannot deadlock on them. ``session.connection()`` does
    # not autoflush by itself.
    session.flush()
    connection = session.connection()
    row = connection.execute(_ADVANCE_HEAD).one_or_none()
    if row is None:
        raise RuntimeError("audit chain head missing: run `bipro-service db upgrade`")
    seq, prev_hash = int(row[0]), str(row[1])
    content = asdict(entry)
    digest = record_digest(seq, prev_hash, content)
    connection.execute(
        _INSERT_RECORD, {"seq": seq, "prev_hash": prev_hash, "record_hash": digest, **content}
    )
    connection.execute(_SET_HEAD_HASH, {"digest": digest})
    return seq


def write_audit(session_factory: sessionmaker[Session], entry: AuditEntry) -> None:
    """Write the record in its own transaction (reads and rejected requests)."""
    with session_factory() as session, session.begin():
        add_audit(session, entry)
