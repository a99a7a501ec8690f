"""Reading tariff files: strict TOML → :class:`Tariff`, and the catalogue of versions.

Unknown keys, floats for money, negative rates and gaps in the limits are refused when the
file is read, so a typo in a tariff never turns into a wrong premium.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, TypeVar

from bipro_service.domain.tariff.model import (
    AVB_IMAGINARY_PROFIT_CAP,
    DeclarationPeriod,
    Inclusion,
    Tariff,
)
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass

E = TypeVar("E", bound=str)
PACKAGE = "bipro_service.domain.tariff"


class TariffError(ValueError):
    """A tariff file that does not describe a usable tariff."""


class UnknownTariff(LookupError):
    """No tariff with this version, or none valid on a day."""


class _Table:
    """A TOML table read key by key; ``done()`` refuses keys nobody asked for."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        if not isinstance(data, Mapping):
            raise TariffError(f"{path}: a table is expected")
        self.data, self.path, self.seen = data, path, set[str]()

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise TariffError(f"{self.path}.{key} is missing")
        self.seen.add(key)
        return self.data[key]

    def table(self, key: str) -> _Table:
        return _Table(self.raw(key), f"{self.path}.{key}")

    def decimal(self, key: str, *, at_most: Decimal | None = None) -> Decimal:
        value = self.raw(key)
        if not isinstance(value, str):  # floats would lose exactness before we see them
            raise TariffError(f'{self.path}.{key}: write decimals as strings, e.g. "1.20"')
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise TariffError(f"{self.path}.{key}: {value!r} is not a decimal") from None
        if not number.is_finite() or number < 0:
            raise TariffError(f"{self.path}.{key}: must be a non-negative decimal")
        if at_most is not None and number > at_most:
            raise TariffError(f"{self.path}.{key}: must not exceed {at_most}")
        return number

    def typed(self, key: str, kind: type[Any]) -> Any:
        value = self.raw(key)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise TariffError(f"{self.path}.{key}: {kind.__name__} expected")
        return value

    def names(self) -> list[str]:
        self.seen.update(self.data)
        return list(self.data)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise TariffError(f"{self.path}: unknown keys {', '.join(unknown)}")


def _member(enum: type[E], value: object, path: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m) for m in enum)  # type: ignore[attr-defined]
        raise TariffError(f"{path}: {value!r} is not one of {allowed}") from None


def _members(enum: type[E], values: object, path: str) -> frozenset[E]:
    if not isinstance(values, list):
        raise TariffError(f"{path}: a list is expected")
    return frozenset(_member(enum, v, path) for v in values)


def parse_tariff(text: str, source: str = "<tariff>") -> Tariff:
    """Parse and check one tariff file's text."""
    try:
        root = _Table(tomllib.loads(text), source)
    except tomllib.TOMLDecodeError as error:
        raise TariffError(f"{source}: {error}") from None
    head = root.table("tariff")
    version = head.typed("version", str)
    if head.typed("product", str) != "VALOREN":
        raise TariffError(f"{source}: only the VALOREN product is supported")
    valid_from = head.typed("valid_from", date)
    example = head.typed("example", bool)
    notice = head.typed("notice", str)
    head.done()
    tariff = Tariff(
        version=version,
        valid_from=valid_from,
        example=example,
        notice=notice,
        rates=_rates(root.table("rates_per_mille")),
        maxima=_per_kind(root.table("maxima_per_shipment")),
        minimum_single=(minimum := root.table("minimum_premium")).decimal("single_transport"),
        minimum_annual=minimum.decimal("open_cover_annual"),
        clause_rates=_clauses(root.table("clauses_per_mille")),
        inclusion_classes=_inclusions(inclusions := root.table("inclusions")),
        imaginary_profit_cap=inclusions.decimal(
            "imaginary_profit_cap", at_most=AVB_IMAGINARY_PROFIT_CAP
        ),
        instalment_surcharges=_surcharges(instalments := root.table("instalments")),
        monthly_requires_sepa=instalments.typed("monthly_requires_sepa", bool),
        monthly_fallback=_member(
            PaymentMode, instalments.raw("monthly_fallback"), "instalments.monthly_fallback"
        ),
        tax_rate=(tax := root.table("insurance_tax")).decimal("rate", at_most=Decimal(1)),
        cross_border_tax_exempt=tax.typed("cross_border_exempt", bool),
        declaration_periods=_members(
            DeclarationPeriod,
            (open_cover := root.table("open_cover")).raw("declaration_periods"),
            "open_cover.declaration_periods",
        ),
    )
    for table in (minimum, inclusions, instalments, tax, open_cover, root):
        table.done()
    if tariff.monthly_fallback is PaymentMode.MONTHLY:
        raise TariffError(f"{source}: the fallback for monthly payment cannot be monthly")
    return tariff


def _rates(table: _Table) -> dict[tuple[TransportKind, ValuablesClass], Decimal]:
    rates: dict[tuple[TransportKind, ValuablesClass], Decimal] = {}
    for kind_name in table.names():
        kind = _member(TransportKind, kind_name, f"{table.path}.{kind_name}")
        per_class = table.table(kind_name)
        for class_name in per_class.names():
            valuables = _member(ValuablesClass, class_name, f"{per_class.path}.{class_name}")
            rates[(kind, valuables)] = per_class.decimal(class_name)
            if rates[(kind, valuables)] == 0:
                raise TariffError(f"{per_class.path}.{class_name}: leave it out instead of 0")
    if not rates:
        raise TariffError(f"{table.path}: no rates")
    return rates


def _per_kind(table: _Table) -> dict[TransportKind, Decimal]:
    maxima = {_member(TransportKind, k, table.path): table.decimal(k) for k in table.names()}
    missing = set(TransportKind) - set(maxima)
    if missing:
        raise TariffError(f"{table.path}: no maximum for {', '.join(sorted(missing))}")
    return maxima


def _clauses(table: _Table) -> dict[Clause, Decimal]:
    rates = {_member(Clause, k, table.path): table.decimal(k) for k in table.names()}
    missing = set(Clause) - set(rates)
    if missing:
        raise TariffError(f"{table.path}: no rate for {', '.join(sorted(missing))}")
    return rates


def _inclusions(table: _Table) -> dict[Inclusion, frozenset[ValuablesClass]]:
    classes = table.table("classes")
    result = {
        _member(Inclusion, name, classes.path): _members(
            ValuablesClass, classes.raw(name), f"{classes.path}.{name}"
        )
        for name in classes.names()
    }
    classes.done()
    return result


def _surcharges(table: _Table) -> dict[PaymentMode, Decimal]:
    surcharges = table.table("surcharges")
    result = {
        _member(PaymentMode, k, surcharges.path): surcharges.decimal(k, at_most=Decimal(1))
        for k in surcharges.names()
    }
    missing = set(PaymentMode) - set(result)
    if missing:
        raise TariffError(f"{surcharges.path}: no surcharge for {', '.join(sorted(missing))}")
    if result[PaymentMode.ANNUAL] != 0:
        raise TariffError(f"{surcharges.path}.annual: annual payment carries no surcharge")
    return result


@dataclass(frozen=True)
class TariffCatalogue:
    """Every tariff version; quotes use the one valid on the day, offers keep theirs."""

    tariffs: tuple[Tariff, ...]

    def __post_init__(self) -> None:
        versions = [t.version for t in self.tariffs]
        if len(set(versions)) != len(versions):
            raise TariffError(f"duplicate tariff versions in {versions}")

    def get(self, version: str) -> Tariff:
        for tariff in self.tariffs:
            if tariff.version == version:
                return tariff
        raise UnknownTariff(f"Tarifversion {version} ist unbekannt.")

    def current(self, day: date) -> Tariff:
        """The tariff with the latest ``valid_from`` on or before ``day``."""
        valid = [t for t in self.tariffs if t.valid_from <= day]
        if not valid:
            raise UnknownTariff(f"Am {day:%d.%m.%Y} gilt kein Tarif.")
        return max(valid, key=lambda t: t.valid_from)

    def with_tariffs(self, extra: Iterable[Tariff]) -> TariffCatalogue:
        return TariffCatalogue(self.tariffs + tuple(extra))


@functools.cache
def packaged_catalogue() -> TariffCatalogue:
    """The tariff files shipped in this package (``valoren_*.toml``), read once."""
    folder = resources.files(PACKAGE)
    tariffs = [
        parse_tariff(entry.read_text(encoding="utf-8"), entry.name)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.startswith("valoren_") and entry.name.endswith(".toml")
    ]
    return TariffCatalogue(tuple(tariffs))
