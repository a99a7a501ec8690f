"""The tariff of the Valoren insurance as a value: rates, limits, surcharges, tax.

A :class:`Tariff` is what a versioned tariff file (``valoren_*.toml``) says, already checked by
``loader.py``. The rules that use it live in ``rules.py`` and ``calculation.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass

#: AVB 6.3.3: imaginary profit is insurable up to 10 % of the sum insured, never more.
AVB_IMAGINARY_PROFIT_CAP = Decimal("0.10")


class CoverKind(enum.StrEnum):
    """A single transport, or an open cover ("laufende Versicherung", special provisions)."""

    SINGLE = "single"
    OPEN = "open"


class Declaration(enum.StrEnum):
    """Open cover: every shipment declared (LV 4.1) or turnover declared in arrears (LV 4.2)."""

    INDIVIDUAL = "individual"
    SUMMARY = "summary"


class DeclarationPeriod(enum.StrEnum):
    """LV 4.2: turnover is declared monthly, quarterly, half-yearly or yearly in arrears."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUAL = "semi_annual"
    ANNUAL = "annual"


class Inclusion(enum.StrEnum):
    """AVB 6.3: part of the insured value only when specially agreed."""

    ACCRUED_INTEREST = "accrued_interest"  # 6.3.1 Stückzinsen bei Effekten
    PRICE_INCREASE = "price_increase"  # 6.3.2 Kurssteigerungen
    IMAGINARY_PROFIT = "imaginary_profit"  # 6.3.3 imaginärer Gewinn (≤ 10 % of the sum)
    CUSTOMS_DUTIES = "customs_duties"  # 6.3.4 Zoll und sonstige öffentliche Abgaben


@dataclass(frozen=True, slots=True)
class Tariff:
    """One version of the tariff. Rates are per mille; surcharges and tax are fractions."""

    version: str
    valid_from: date
    example: bool
    """True while the rates are examples (the product documents name none)."""
    notice: str
    rates: Mapping[tuple[TransportKind, ValuablesClass], Decimal]
    """Per mille of the sum insured (single) or turnover (open cover); absent: not offered."""
    maxima: Mapping[TransportKind, Decimal]
    """Highest sum insured per shipment ("Maxima- und Versandbestimmungen", LV 1.2, 5)."""
    minimum_single: Decimal
    minimum_annual: Decimal
    clause_rates: Mapping[Clause, Decimal]
    """Per mille of the same basis as the rate (AVB 3.2 and the clauses)."""
    inclusion_classes: Mapping[Inclusion, frozenset[ValuablesClass]]
    """For which valuables each AVB 6.3 inclusion may be agreed."""
    imaginary_profit_cap: Decimal
    instalment_surcharges: Mapping[PaymentMode, Decimal]
    monthly_requires_sepa: bool
    monthly_fallback: PaymentMode
    tax_rate: Decimal
    cross_border_tax_exempt: bool
    declaration_periods: frozenset[DeclarationPeriod]

    def rate(self, kind: TransportKind, valuables: ValuablesClass) -> Decimal | None:
        """The rate per mille, or None when the combination is not offered."""
        return self.rates.get((kind, valuables))

    def instalment_surcharge(self, mode: PaymentMode) -> Decimal:
        return self.instalment_surcharges.get(mode, Decimal(0))
