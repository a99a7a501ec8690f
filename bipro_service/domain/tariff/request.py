"""What a broker asks the tariff calculator: the risk, its value and the wanted terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from bipro_service.domain.tariff.model import (
    CoverKind,
    Declaration,
    DeclarationPeriod,
    Inclusion,
)
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass


@dataclass(frozen=True, slots=True)
class ValueComponents:
    """The insured value of one shipment from its parts (AVB 6.2, 6.3).

    ``base``: for securities their market value at the place of dispatch (6.2.1), for other
    valuables the invoice value, market price or common value (6.2.2). ``costs``: insurance and
    carriage costs and bank charges, always added (6.2). ``inclusions``: the amounts of the
    optional AVB 6.3 items that were specially agreed.
    """

    base: Decimal
    costs: Decimal = Decimal("0.00")
    inclusions: Mapping[Inclusion, Decimal] = field(default_factory=dict)

    def inclusion(self, item: Inclusion) -> Decimal:
        return self.inclusions.get(item, Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        """The insured value: base + costs + agreed inclusions (exact, all in cents)."""
        return self.base + self.costs + sum(self.inclusions.values(), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class OpenCoverTerms:
    """An open cover: estimated annual turnover and how shipments are declared (LV 4, 6)."""

    annual_turnover: Decimal
    declaration: Declaration
    period: DeclarationPeriod | None = None
    """LV 4.2: the declaration period of a summary declaration."""


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """One calculation.

    For a single transport ``value`` describes the shipment and ``sum_insured`` its sum. For an
    open cover ``value`` describes the largest expected shipment and ``sum_insured`` the
    agreed maximum per shipment; the premium is on the annual turnover.
    """

    cover: CoverKind
    transport_kind: TransportKind
    valuables_class: ValuablesClass
    value: ValueComponents
    sum_insured: Decimal | None = None
    """None: the sum equals the insured value, as AVB 6.1 wants it."""
    clauses: frozenset[Clause] = frozenset()
    payment_mode: PaymentMode = PaymentMode.ANNUAL
    sepa_mandate: bool = False
    cross_border: bool = False
    """Carried exclusively abroad or across the border (§ 4 Abs. 1 Nr. 10 VersStG)."""
    open_cover: OpenCoverTerms | None = None

    @property
    def insured_value(self) -> Decimal:
        return self.value.total

    @property
    def effective_sum(self) -> Decimal:
        return self.insured_value if self.sum_insured is None else self.sum_insured
