"""Tariff files: the shipped one, what a broken one is refused for, and the version catalogue."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from bipro_service.domain.tariff import (
    DeclarationPeriod,
    Inclusion,
    TariffCatalogue,
    TariffError,
    UnknownTariff,
    packaged_catalogue,
    parse_tariff,
)
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass
from tests.unit.tariff_reference import TARIFF_FILE

TEXT = TARIFF_FILE.read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_tariff() -> None:
    tariff = packaged_catalogue().get("2026-01")
    assert tariff.valid_from == date(2026, 1, 1)
    assert tariff.example and "Beispiel" in tariff.notice
    assert set(tariff.maxima) == set(TransportKind)
    assert set(tariff.clause_rates) == set(Clause)
    assert tariff.rate(TransportKind.COURIER, ValuablesClass.JEWELLERY) == Decimal("1.60")
    assert tariff.rate(TransportKind.POST, ValuablesClass.CASH) is None  # not offered
    assert tariff.instalment_surcharges == {
        PaymentMode.ANNUAL: Decimal("0.00"),
        PaymentMode.SEMI_ANNUAL: Decimal("0.03"),
        PaymentMode.QUARTERLY: Decimal("0.05"),
        PaymentMode.MONTHLY: Decimal("0.07"),
    }
    assert tariff.monthly_requires_sepa and tariff.monthly_fallback is PaymentMode.QUARTERLY
    assert tariff.imaginary_profit_cap == Decimal("0.10")
    assert tariff.inclusion_classes[Inclusion.ACCRUED_INTEREST] == {ValuablesClass.SECURITIES}
    assert tariff.tax_rate == Decimal("0.19") and tariff.cross_border_tax_exempt
    assert tariff.declaration_periods == set(DeclarationPeriod)


def test_the_file_says_its_values_are_examples() -> None:
    head = TEXT.split("[tariff]")[0]
    assert "EXAMPLE VALUES" in head and "BEISPIELWERTE" in head


def test_tariff_files_are_package_data() -> None:
    assert any(
        e.name == TARIFF_FILE.name for e in resources.files("bipro_service.domain.tariff").iterdir()
    )
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert (
        "domain/tariff/*.toml" in pyproject["tool"]["setuptools"]["package-data"]["bipro_service"]
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('jewellery = "1.60"', "jewellery = 1.60", "as strings"),
        ('jewellery = "1.60"', 'jewellery = "-1.60"', "non-negative"),
        ('jewellery = "1.60"', 'jewellery = "abc"', "not a decimal"),
        ('jewellery = "1.60"', 'jewellery = "0"', "leave it out"),
        ('jewellery = "1.60"', 'jewelery = "1.60"', "is not one of"),
        ('post = "25000.00"\n', "", "no maximum for post"),
        ('war = "0.25"\n', "", "no rate for war"),
        ('imaginary_profit_cap = "0.10"', 'imaginary_profit_cap = "0.15"', "must not exceed"),
        ('annual = "0.00"', 'annual = "0.01"', "no surcharge"),
        ('monthly = "0.07"\n', "", "no surcharge for monthly"),
        ('monthly_fallback = "quarterly"', 'monthly_fallback = "monthly"', "cannot be monthly"),
        ('product = "VALOREN"', 'product = "HAUSRAT"', "VALOREN"),
        ("example = true", 'example = "yes"', "bool expected"),
        ("[open_cover]", "[open_cover]\nextra = 1", "unknown keys extra"),
        ("[tariff]", "[tariff", "<test>"),
        ('rate = "0.19"', 'rate = "1.19"', "must not exceed"),
    ],
)
def test_broken_tariff_files_are_refused(old: str, new: str, message: str) -> None:
    assert old in TEXT
    with pytest.raises(TariffError, match=message):
        parse_tariff(TEXT.replace(old, new, 1), "<test>")


def test_unknown_top_level_table_is_refused() -> None:
    with pytest.raises(TariffError, match="unknown keys discounts"):
        parse_tariff(TEXT + '\n[discounts]\nloyal = "0.1"\n', "<test>")


def test_catalogue_picks_the_version_valid_on_the_day() -> None:
    base = packaged_catalogue().get("2026-01")
    later = replace(base, version="2027-01", valid_from=date(2027, 1, 1))
    catalogue = TariffCatalogue((later, base))
    assert catalogue.current(date(2026, 12, 31)).version == "2026-01"
    assert catalogue.current(date(2027, 1, 1)).version == "2027-01"
    assert catalogue.get("2026-01") is base
    with pytest.raises(UnknownTariff):
        catalogue.current(date(2025, 12, 31))
    with pytest.raises(UnknownTariff):
        catalogue.get("1999-01")
    with pytest.raises(TariffError, match="duplicate"):
        catalogue.with_tariffs([base])
