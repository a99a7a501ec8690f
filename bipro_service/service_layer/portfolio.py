"""Portfolio queries (BiPRO 502 Vertragsauskunft and our listing extension for MVP sync).

Queries run in a unit of work scoped to the caller (``adapters/db/scoping.py``), so a contract
of a customer the firm does not serve today is indistinguishable from an unknown one.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from bipro_service.adapters.db.models import Contract
from bipro_service.domain.status import AccessDenied, BiproError, MeldungID, NotFound
from bipro_service.service_layer.principal import Principal
from bipro_service.service_layer.unit_of_work import UnitOfWork

MAX_PAGE = 500


def require_portfolio_rights(principal: Principal) -> None:
    """Users without portfolio rights may not see portfolio data (T I.3c)."""
    if not principal.portfolio_rights:
        raise AccessDenied(
            "Der Nutzer hat keine Bestandsrechte; Vertrags- und Kundendaten werden nicht geliefert."
        )


def find_contract(uow: UnitOfWork, versicherungsscheinnummer: str) -> Contract | None:
    """The contract with its customer; None when unknown *or* not served by the caller's firm."""
    return uow.session.scalar(
        select(Contract)
        .options(joinedload(Contract.customer))
        .where(Contract.versicherungsscheinnummer == versicherungsscheinnummer[:30])
    )


def get_contract(uow: UnitOfWork, versicherungsscheinnummer: str) -> Contract:
    """The contract with its customer; 01101 when unknown *or* not served by the caller's firm."""
    contract = find_contract(uow, versicherungsscheinnummer)
    if contract is None:
        raise NotFound(
            f"Vertrag {versicherungsscheinnummer[:30]} nicht gefunden.",
            quelle="Vertragsauskunft/Vertragsnummer/Versicherungsscheinnummer",
        )
    return contract


@dataclass(frozen=True, slots=True)
class Page:
    contracts: list[Contract]
    next_cursor: str | None


class InvalidCursor(BiproError):
    meldung_id = MeldungID.INCOMPLETE_DATA


def _encode(updated_at: datetime, contract_id: int) -> str:
    raw = json.dumps([updated_at.isoformat(), contract_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, contract_id = json.loads(raw)
        return datetime.fromisoformat(stamp), int(contract_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InvalidCursor("Ungültiger Cursor.", quelle="Cursor") from None


def list_contracts(
    uow: UnitOfWork, *, changed_since: datetime | None, cursor: str | None, page_size: int
) -> Page:
    """The firm's current contracts ordered by (last change, id): a stable keyset cursor.

    A contract changed while a client pages moves behind the cursor and is delivered again
    later, never skipped.
    """
    size = max(1, min(page_size, MAX_PAGE))
    query = select(Contract).options(joinedload(Contract.customer))
    if changed_since is not None:
        query = query.where(Contract.updated_at >= changed_since)
    if cursor:
        stamp, last_id = _decode(cursor)
        query = query.where(
            or_(
                Contract.updated_at > stamp,
                and_(Contract.updated_at == stamp, Contract.id > last_id),
            )
        )
    rows = list(
        uow.session.scalars(query.order_by(Contract.updated_at, Contract.id).limit(size + 1))
    )
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode(rows[-1].updated_at, rows[-1].id) if more and rows else None
    return Page(rows, next_cursor)
