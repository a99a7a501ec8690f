"""Requests and quotes as plain JSON data, so an offer keeps exactly what it promised.

Decimals are written as strings; reading a snapshot back gives equal values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bipro_service.domain.tariff.calculation import LineKind, PremiumLine, Quote, RateUnit
from bipro_service.domain.tariff.model import CoverKind, Declaration, DeclarationPeriod, Inclusion
from bipro_service.domain.tariff.request import OpenCoverTerms, QuoteRequest, ValueComponents
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass


def request_to_dict(request: QuoteRequest) -> dict[str, Any]:
    terms = request.open_cover
    return {
        "cover": request.cover.value,
        "transport_kind": request.transport_kind.value,
        "valuables_class": request.valuables_class.value,
        "value": {
            "base": str(request.value.base),
            "costs": str(request.value.costs),
            "inclusions": {k.value: str(v) for k, v in sorted(request.value.inclusions.items())},
        },
        "sum_insured": None if request.sum_insured is None else str(request.sum_insured),
        "clauses": [c.value for c in Clause if c in request.clauses],
        "payment_mode": request.payment_mode.value,
        "sepa_mandate": request.sepa_mandate,
        "cross_border": request.cross_border,
        "open_cover": None
        if terms is None
        else {
            "annual_turnover": str(terms.annual_turnover),
            "declaration": terms.declaration.value,
            "period": None if terms.period is None else terms.period.value,
        },
    }


def request_from_dict(data: dict[str, Any]) -> QuoteRequest:
    value = data["value"]
    terms = data["open_cover"]
    return QuoteRequest(
        cover=CoverKind(data["cover"]),
        transport_kind=TransportKind(data["transport_kind"]),
        valuables_class=ValuablesClass(data["valuables_class"]),
        value=ValueComponents(
            base=Decimal(value["base"]),
            costs=Decimal(value["costs"]),
            inclusions={Inclusion(k): Decimal(v) for k, v in value["inclusions"].items()},
        ),
        sum_insured=None if data["sum_insured"] is None else Decimal(data["sum_insured"]),
        clauses=frozenset(Clause(c) for c in data["clauses"]),
        payment_mode=PaymentMode(data["payment_mode"]),
        sepa_mandate=bool(data["sepa_mandate"]),
        cross_border=bool(data["cross_border"]),
        open_cover=None
        if terms is None
        else OpenCoverTerms(
            annual_turnover=Decimal(terms["annual_turnover"]),
            declaration=Declaration(terms["declaration"]),
            period=None if terms["period"] is None else DeclarationPeriod(terms["period"]),
        ),
    )


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "tariff_version": quote.tariff_version,
        "example": quote.example,
        "cover": quote.cover.value,
        "insured_value": str(quote.insured_value),
        "sum_insured": str(quote.sum_insured),
        "basis": str(quote.basis),
        "lines": [
            {
                "kind": line.kind.value,
                "code": line.code,
                "label": line.label,
                "basis": str(line.basis),
                "rate": str(line.rate),
                "unit": line.unit.value,
                "amount": str(line.amount),
            }
            for line in quote.lines
        ],
        "payment_mode": quote.payment_mode.value,
        "tax_rate": str(quote.tax_rate),
        "instalments": [str(amount) for amount in quote.instalments],
        "advance_premium": quote.advance_premium,
        "gross": str(quote.gross),  # for people reading the row; recomputed from the lines
    }


def quote_from_dict(data: dict[str, Any]) -> Quote:
    return Quote(
        tariff_version=data["tariff_version"],
        example=bool(data["example"]),
        cover=CoverKind(data["cover"]),
        insured_value=Decimal(data["insured_value"]),
        sum_insured=Decimal(data["sum_insured"]),
        basis=Decimal(data["basis"]),
        lines=tuple(
            PremiumLine(
                kind=LineKind(line["kind"]),
                code=line["code"],
                label=line["label"],
                basis=Decimal(line["basis"]),
                rate=Decimal(line["rate"]),
                unit=RateUnit(line["unit"]),
                amount=Decimal(line["amount"]),
            )
            for line in data["lines"]
        ),
        payment_mode=PaymentMode(data["payment_mode"]),
        tax_rate=Decimal(data["tax_rate"]),
        instalments=tuple(Decimal(amount) for amount in data["instalments"]),
        advance_premium=bool(data["advance_premium"]),
    )
