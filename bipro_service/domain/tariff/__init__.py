"""The Valoren tariff: versioned data (``valoren_*.toml``) and the premium calculation.

Rules and rounding: docs/tariff.md. Rates in the shipped files are examples.
"""

from bipro_service.domain.tariff.calculation import (
    Assessment,
    LineKind,
    PremiumLine,
    Quote,
    RateUnit,
    calculate,
    price,
)
from bipro_service.domain.tariff.loader import (
    TariffCatalogue,
    TariffError,
    UnknownTariff,
    packaged_catalogue,
    parse_tariff,
)
from bipro_service.domain.tariff.model import (
    CoverKind,
    Declaration,
    DeclarationPeriod,
    Inclusion,
    Tariff,
)
from bipro_service.domain.tariff.request import OpenCoverTerms, QuoteRequest, ValueComponents

__all__ = [
    "Assessment",
    "CoverKind",
    "Declaration",
    "DeclarationPeriod",
    "Inclusion",
    "LineKind",
    "OpenCoverTerms",
    "PremiumLine",
    "Quote",
    "QuoteRequest",
    "RateUnit",
    "Tariff",
    "TariffCatalogue",
    "TariffError",
    "UnknownTariff",
    "ValueComponents",
    "calculate",
    "packaged_catalogue",
    "parse_tariff",
    "price",
]
