"""The premium calculation of the Valoren tariff: pure, Decimal, every step a visible line.

Order of the calculation (docs/tariff.md, "Calculation"):

1. insured value = base + costs + agreed AVB 6.3 inclusions (AVB 6.2, 6.3); sum insured =
   the insured value unless another sum is asked for (AVB 6.1);
2. basis = the sum insured (single transport) or the estimated annual turnover (open cover,
   LV 4.2, 6);
3. base premium = basis × rate ‰, top-up to the minimum premium as its own line;
4. one line per requested clause = basis × clause rate ‰ (AVB 3.2, clauses);
5. net premium = 3 + 4; instalment surcharge = net × 3/5/7 % (customer information);
6. insurance tax = (net + instalment surcharge) × tax rate; gross = taxable + tax (AVB 10.1);
7. instalments split the gross amount, the last takes the remainder.

Each line is rounded half-up to cents on its own; sums of lines are exact.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

from bipro_service.domain.status import Meldung
from bipro_service.domain.tariff import rules
from bipro_service.domain.tariff.labels import CLAUSE_LABELS, PAYMENT_LABELS
from bipro_service.domain.tariff.model import CoverKind, Declaration, Tariff
from bipro_service.domain.tariff.money import ZERO, per_mille, share, split_instalments
from bipro_service.domain.tariff.request import QuoteRequest
from bipro_service.domain.valoren import Clause, PaymentMode


class LineKind(enum.StrEnum):
    BASE = "base"
    MINIMUM = "minimum"
    CLAUSE = "clause"
    INSTALMENT = "instalment"
    TAX = "tax"


class RateUnit(enum.StrEnum):
    PER_MILLE = "per_mille"
    FRACTION = "fraction"  # 0.05 = 5 %
    AMOUNT = "amount"  # a fixed amount (the minimum premium)


@dataclass(frozen=True, slots=True)
class PremiumLine:
    """One line of the premium: what it is, on which basis, at which rate, how much."""

    kind: LineKind
    code: str
    label: str
    basis: Decimal
    rate: Decimal
    unit: RateUnit
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced quote. ``gross`` is the one-off premium of a single transport, else the
    (advance or estimated) annual premium; ``instalments`` add up to it to the cent."""

    tariff_version: str
    example: bool
    cover: CoverKind
    insured_value: Decimal
    sum_insured: Decimal
    basis: Decimal
    lines: tuple[PremiumLine, ...]
    payment_mode: PaymentMode
    tax_rate: Decimal
    instalments: tuple[Decimal, ...]
    advance_premium: bool

    def _sum(self, *kinds: LineKind) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind in kinds), ZERO)

    @property
    def net(self) -> Decimal:
        """Net premium: base, minimum top-up and clause surcharges."""
        return self._sum(LineKind.BASE, LineKind.MINIMUM, LineKind.CLAUSE)

    @property
    def instalment_surcharge(self) -> Decimal:
        return self._sum(LineKind.INSTALMENT)

    @property
    def taxable(self) -> Decimal:
        return self.net + self.instalment_surcharge

    @property
    def tax(self) -> Decimal:
        return self._sum(LineKind.TAX)

    @property
    def gross(self) -> Decimal:
        return self.taxable + self.tax


@dataclass(frozen=True, slots=True)
class Assessment:
    """The answer to a :class:`QuoteRequest`: a quote, or none and the errors why."""

    quote: Quote | None
    meldungen: tuple[Meldung, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.quote is not None


def calculate(tariff: Tariff, request: QuoteRequest) -> Assessment:
    """Check ``request`` against ``tariff`` and price it."""
    errors = rules.input_errors(request)
    if not errors:
        errors = rules.acceptance_errors(tariff, request)
    if errors:
        return Assessment(None, tuple(errors))
    mode, payment_notices = rules.payment_terms(tariff, request)
    quote = price(tariff, request, mode)
    meldungen = rules.insurance_level(request) + payment_notices
    meldungen += rules.cover_notices(tariff, request)
    return Assessment(quote, tuple(meldungen))


def price(tariff: Tariff, request: QuoteRequest, mode: PaymentMode) -> Quote:
    """The premium lines of an accepted request (see the module docstring for the order)."""
    rate = tariff.rate(request.transport_kind, request.valuables_class)
    if rate is None:
        raise ValueError("combination not offered: check acceptance_errors first")
    single = request.cover is CoverKind.SINGLE
    terms = request.open_cover
    basis = request.effective_sum if single or terms is None else terms.annual_turnover
    base = per_mille(basis, rate)
    lines = [
        PremiumLine(LineKind.BASE, "base", "Grundbeitrag", basis, rate, RateUnit.PER_MILLE, base)
    ]
    minimum = tariff.minimum_single if single else tariff.minimum_annual
    if base < minimum:
        lines.append(
            PremiumLine(
                LineKind.MINIMUM,
                "minimum",
                "Aufstockung auf den Mindestbeitrag",
                minimum,
                minimum,
                RateUnit.AMOUNT,
                minimum - base,
            )
        )
    for clause in Clause:  # enum order: stable line order
        if clause in request.clauses:
            clause_rate = tariff.clause_rates[clause]
            lines.append(
                PremiumLine(
                    LineKind.CLAUSE,
                    clause.value,
                    CLAUSE_LABELS[clause],
                    basis,
                    clause_rate,
                    RateUnit.PER_MILLE,
                    per_mille(basis, clause_rate),
                )
            )
    net = sum((line.amount for line in lines), ZERO)
    surcharge_rate = tariff.instalment_surcharge(mode)
    if surcharge_rate > 0:
        lines.append(
            PremiumLine(
                LineKind.INSTALMENT,
                mode.value,
                f"Ratenzuschlag ({PAYMENT_LABELS[mode]})",
                net,
                surcharge_rate,
                RateUnit.FRACTION,
                share(net, surcharge_rate),
            )
        )
    taxable = sum((line.amount for line in lines), ZERO)
    tax_rate = ZERO if request.cross_border and tariff.cross_border_tax_exempt else tariff.tax_rate
    lines.append(
        PremiumLine(
            LineKind.TAX,
            "insurance_tax",
            "Versicherungsteuer",
            taxable,
            tax_rate,
            RateUnit.FRACTION,
            share(taxable, tax_rate),
        )
    )
    gross = sum((line.amount for line in lines), ZERO)
    return Quote(
        tariff_version=tariff.version,
        example=tariff.example,
        cover=request.cover,
        insured_value=request.insured_value,
        sum_insured=request.effective_sum,
        basis=basis,
        lines=tuple(lines),
        payment_mode=mode,
        tax_rate=tax_rate,
        instalments=split_instalments(gross, mode.instalments),
        advance_premium=terms is not None and terms.declaration is Declaration.SUMMARY,
    )
