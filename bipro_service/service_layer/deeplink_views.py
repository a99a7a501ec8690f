"""What a followed DeepLink shows: plain values, no ORM objects leave the session."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bipro_service.adapters.db.models import Contract, Customer
from bipro_service.service_layer.unit_of_work import UnitOfWork


class TargetKind(enum.StrEnum):
    CONTRACT = "contract"
    CUSTOMER = "customer"

    @property
    def code(self) -> str:
        return "c" if self is TargetKind.CONTRACT else "p"

    @classmethod
    def from_code(cls, code: str) -> TargetKind:
        return cls.CONTRACT if code == "c" else cls.CUSTOMER


@dataclass(frozen=True, slots=True)
class ContractSummary:
    number: str
    product: str
    status: str
    begin: date
    end: date | None


@dataclass(frozen=True, slots=True)
class CustomerView:
    partnernummer: str
    name: str
    street: str
    postal_code: str
    city: str
    contracts: list[ContractSummary] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ContractView:
    number: str
    product: str
    tariff_version: str | None
    status: str
    begin: date
    end: date | None
    sum_insured: Decimal
    annual_premium: Decimal
    payment_mode: str
    transport_kinds: list[str]
    valuables: list[str]
    clauses: list[tuple[str, bool]]
    customer: CustomerView


def customer_name(customer: Customer) -> str:
    if customer.company_name:
        return customer.company_name
    return " ".join(part for part in (customer.first_name, customer.last_name) if part)


def _customer_view(customer: Customer, contracts: list[Contract] | None = None) -> CustomerView:
    return CustomerView(
        partnernummer=customer.partnernummer,
        name=customer_name(customer),
        street=customer.street,
        postal_code=customer.postal_code,
        city=customer.city,
        contracts=[
            ContractSummary(c.versicherungsscheinnummer, c.product, c.status, c.begin, c.end)
            for c in contracts or []
        ],
    )


def _clauses(details: dict[str, Any]) -> list[tuple[str, bool]]:
    clauses = details.get("clauses") or {}
    if isinstance(clauses, dict):
        return [(str(name), bool(on)) for name, on in sorted(clauses.items())]
    return [(str(name), True) for name in clauses]


def _contract_view(contract: Contract) -> ContractView:
    details = contract.details or {}
    return ContractView(
        number=contract.versicherungsscheinnummer,
        product=contract.product,
        tariff_version=contract.tariff_version,
        status=contract.status,
        begin=contract.begin,
        end=contract.end,
        sum_insured=contract.sum_insured,
        annual_premium=contract.annual_premium,
        payment_mode=contract.payment_mode,
        transport_kinds=[str(k) for k in details.get("transport_kinds") or []],
        valuables=[
            str(v) for v in details.get("valuables_classes") or details.get("valuables") or []
        ],
        clauses=_clauses(details),
        customer=_customer_view(contract.customer),
    )


def _load_view(
    uow: UnitOfWork, kind: TargetKind, target_id: int
) -> tuple[ContractView | CustomerView, dict[str, list[str]]] | None:
    """The target as ``uow``'s principal may see it now, with the objects it shows."""
    if kind is TargetKind.CONTRACT:
        contract = uow.session.scalar(
            select(Contract).options(joinedload(Contract.customer)).where(Contract.id == target_id)
        )
        if contract is None:
            return None
        touched = {
            "contract": [contract.versicherungsscheinnummer],
            "customer": [contract.customer.partnernummer],
        }
        return _contract_view(contract), touched
    customer = uow.session.scalar(select(Customer).where(Customer.id == target_id))
    if customer is None:
        return None
    contracts = list(
        uow.session.scalars(
            select(Contract)
            .where(Contract.customer_id == customer.id)
            .order_by(Contract.begin, Contract.versicherungsscheinnummer)
        )
    )
    touched = {
        "customer": [customer.partnernummer],
        "contract": sorted(c.versicherungsscheinnummer for c in contracts),
    }
    return _customer_view(customer, contracts), touched
