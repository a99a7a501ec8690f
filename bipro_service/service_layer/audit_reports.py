"""Reports on the audit trail for the insurer and on a firm's request (T IV.2e)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, or_, select

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.models import BrokerFirm, SecurityToken, User
from bipro_service.service_layer.unit_of_work import UnitOfWork

CALL_COLUMNS = (
    "seq",
    "occurred_at",
    "vermittlernummer",
    "user_login",
    "consumer_id",
    "auth_method",
    "service",
    "operation",
    "objects",
    "outcome",
    "meldung_id",
    "duration_ms",
    "source_address",
    "prozess_id",
)
SESSION_COLUMNS = (
    "vermittlernummer",
    "user_login",
    "auth_method",
    "logged_in_at",
    "expires_at",
    "source_address",
)


def logged_in_at(uow: UnitOfWork, moment: datetime, idle_seconds: int) -> list[dict[str, Any]]:
    """Who was logged in at ``moment``: tokens issued before it and neither expired, revoked nor
    (by their last use) idle then."""
    rows = uow.session.execute(
        select(SecurityToken, BrokerFirm.vermittlernummer, User.login)
        .join(BrokerFirm, BrokerFirm.id == SecurityToken.firm_id)
        .outerjoin(User, User.id == SecurityToken.user_id)
        .where(
            SecurityToken.created_at <= moment,
            SecurityToken.expires_at > moment,
            or_(SecurityToken.revoked_at.is_(None), SecurityToken.revoked_at > moment),
        )
        .order_by(SecurityToken.created_at)
    ).all()
    result = []
    for token, firm, login in rows:
        if (
            token.last_used_at < moment
            and (moment - token.last_used_at).total_seconds() >= idle_seconds
        ):
            continue
        result.append(
            {
                "vermittlernummer": firm,
                "user_login": login,
                "auth_method": token.auth_method,
                "logged_in_at": token.created_at,
                "expires_at": token.expires_at,
                "source_address": token.source_address,
            }
        )
    return result


def calls(
    uow: UnitOfWork,
    *,
    start: datetime,
    end: datetime,
    user: str | None = None,
    firm: str | None = None,
    contract: str | None = None,
    customer: str | None = None,
) -> list[dict[str, Any]]:
    """Audit records in ``[start, end)``, filtered by user, firm, or an object touched."""
    query = select(AuditRecord).where(
        AuditRecord.occurred_at >= start, AuditRecord.occurred_at < end
    )
    if user:
        query = query.where(AuditRecord.user_login == user)
    if firm:
        query = query.where(AuditRecord.vermittlernummer == firm)
    wanted: list[tuple[str, str]] = []
    if contract:
        wanted.append(("contract", contract))
    if customer:
        wanted.append(("customer", customer))
    for _, value in wanted:
        # A coarse text match in the database, made exact below.
        query = query.where(cast(AuditRecord.objects, String).contains(value))
    records: Iterable[AuditRecord] = uow.session.scalars(query.order_by(AuditRecord.seq))
    return [
        _row(r)
        for r in records
        if all(value in (r.objects or {}).get(kind, []) for kind, value in wanted)
    ]


def _row(record: AuditRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in CALL_COLUMNS}
