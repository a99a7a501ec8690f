"""Blocking instead of deleting (Code of Conduct Art. 24(4))."""

from __future__ import annotations

from datetime import datetime

from bipro_service.domain.status import AdminError
from bipro_service.service_layer.admin import INSURER, audit_admin_action
from bipro_service.service_layer.unit_of_work import UnitOfWork


def block_customer(uow: UnitOfWork, partnernummer: str, reason: str, now: datetime) -> None:
    """Take a customer out of every business answer; their records stay for the retention period."""
    customer = uow.repos.customer_by_number(partnernummer)
    if customer is None:
        raise AdminError(f"Unbekannte Partnernummer {partnernummer}.")
    if customer.blocked_at is not None:
        raise AdminError(f"Kunde {partnernummer} ist bereits gesperrt.")
    customer.blocked_at = now
    audit_admin_action(
        uow, INSURER, "blockCustomer", now, customer=partnernummer, reason=reason[:200]
    )
    uow.commit()
