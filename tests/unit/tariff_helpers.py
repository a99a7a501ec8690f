"""Building tariff requests from plain inputs and reading quotes back as named steps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bipro_service.domain.tariff import (
    CoverKind,
    Declaration,
    DeclarationPeriod,
    Inclusion,
    LineKind,
    OpenCoverTerms,
    Quote,
    QuoteRequest,
    Tariff,
    ValueComponents,
    packaged_catalogue,
)
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass

TARIFF: Tariff = packaged_catalogue().get("2026-01")
TODAY = date(2026, 11, 21)


def request_of(inputs: dict[str, Any]) -> QuoteRequest:
    """The inputs of a worked example (or a hypothesis draw) as a :class:`QuoteRequest`."""
    inclusions = {
        item: Decimal(str(inputs[item.value])) for item in Inclusion if inputs.get(item.value)
    }
    terms = None
    if inputs.get("annual_turnover"):
        period = inputs.get("declaration_period")
        terms = OpenCoverTerms(
            Decimal(str(inputs["annual_turnover"])),
            Declaration(inputs["declaration"]),
            DeclarationPeriod(period) if period else None,
        )
    return QuoteRequest(
        cover=CoverKind(inputs["cover"]),
        transport_kind=TransportKind(inputs["transport_kind"]),
        valuables_class=ValuablesClass(inputs["valuables_class"]),
        value=ValueComponents(
            Decimal(str(inputs["base"])), Decimal(str(inputs.get("costs", "0.00"))), inclusions
        ),
        sum_insured=Decimal(str(inputs["sum_insured"])) if inputs.get("sum_insured") else None,
        clauses=frozenset(Clause(c) for c in inputs.get("clauses", ())),
        payment_mode=PaymentMode(inputs.get("payment_mode", "annual")),
        sepa_mandate=bool(inputs.get("sepa_mandate")),
        cross_border=bool(inputs.get("cross_border")),
        open_cover=terms,
    )


def steps_of(quote: Quote) -> dict[str, Decimal]:
    """A quote in the step names of the worked examples."""
    steps = {
        "insured value": quote.insured_value,
        "sum insured": quote.sum_insured,
        "basis": quote.basis,
    }
    names = {
        LineKind.BASE: "base premium",
        LineKind.MINIMUM: "minimum top-up",
        LineKind.INSTALMENT: "instalment surcharge",
        LineKind.TAX: "insurance tax",
    }
    for line in quote.lines:
        name = f"clause {line.code}" if line.kind is LineKind.CLAUSE else names[line.kind]
        steps[name] = line.amount
    steps["net premium"] = quote.net
    steps["taxable premium"] = quote.taxable
    steps["gross premium"] = quote.gross
    for number, amount in enumerate(quote.instalments, start=1):
        steps[f"instalment {number}"] = amount
    return steps
