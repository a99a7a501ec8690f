"""Building notifications and contract terms for the claim assessment tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bipro_service.domain.claims.coverage import ContractTerms
from bipro_service.domain.claims.notification import (
    AffectedItem,
    Attachment,
    ClaimNotification,
    DocumentKind,
    ItemDamage,
)
from bipro_service.domain.valoren import Clause, Peril, TransportKind, ValuablesClass

LOSS_DATE = date(2025, 3, 1)
NOTIFIED = date(2025, 3, 5)
PDF = b"%PDF-1.4 test"


def terms(**overrides: Any) -> ContractTerms:
    values: dict[str, Any] = {
        "begin": date(2024, 1, 1),
        "end": None,
        "sum_insured": Decimal("100000.00"),
        "transport_kinds": frozenset(TransportKind),
        "clauses": frozenset(),
    }
    values.update(overrides)
    return ContractTerms(**values)


def item(
    value: str = "1500.00",
    cls: ValuablesClass = ValuablesClass.PRECIOUS_METALS,
    damage: ItemDamage = ItemDamage.DAMAGED,
    description: str = "Goldbarren",
) -> AffectedItem:
    return AffectedItem(description, cls, Decimal(value), damage)


def doc(kind: DocumentKind, name: str | None = None, data: bytes = PDF) -> Attachment:
    return Attachment(name or f"{kind.value}.pdf", "application/pdf", kind, data)


def notification(**overrides: Any) -> ClaimNotification:
    values: dict[str, Any] = {
        "contract_number": "VAL-1",
        "loss_date": LOSS_DATE,
        "loss_place": "Frankfurt am Main",
        "transport_kind": TransportKind.POST,
        "peril": Peril.OTHER,
        "description": "Sendung beschädigt.",
        "estimated_loss": Decimal("1500.00"),
        "insured_value": Decimal("10000.00"),
        "items": (item(),),
    }
    values.update(overrides)
    return ClaimNotification(**values)


ALL_CLAUSE_SETS = [
    frozenset(c for c, on in zip(Clause, bits, strict=True) if on)
    for bits in [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)]
]
