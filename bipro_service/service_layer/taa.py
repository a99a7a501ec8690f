"""Tariff calculation, offer and application (BiPRO 420): what the three use cases share.

``getQuote`` needs no database: it is :func:`quote`. Offers and orders are in
``taa_offers.py`` and ``taa_orders.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bipro_service.adapters.db.models import Customer
from bipro_service.domain.status import Meldung, MeldungID, fehler
from bipro_service.domain.tariff import Assessment, QuoteRequest, TariffCatalogue, calculate
from bipro_service.domain.tariff.loader import packaged_catalogue

#: Post categories (docs/post.md): offers and policies are in the application range 100.
OFFER_CATEGORY = "100010000"
POLICY_CATEGORY = "100020000"
PRODUCT = "VALOREN"

_catalogue: TariffCatalogue | None = None


def tariffs() -> TariffCatalogue:
    """The tariff versions in force (the packaged files unless :func:`use_tariffs` was called)."""
    return _catalogue or packaged_catalogue()


def use_tariffs(catalogue: TariffCatalogue | None) -> None:
    """Replace the catalogue (tests, and a deployment that adds a version); None: packaged."""
    global _catalogue
    _catalogue = catalogue


def quote(request: QuoteRequest, today: date) -> Assessment:
    """``request`` priced with the tariff valid on ``today``."""
    return calculate(tariffs().current(today), request)


_LIMITS = {
    "company_name": 200,
    "first_name": 100,
    "last_name": 100,
    "street": 200,
    "postal_code": 10,
    "city": 100,
    "email": 200,
}


@dataclass(frozen=True, slots=True)
class Applicant:
    """Who the offer is for: one of the firm's customers, or a new applicant's details."""

    partnernummer: str | None = None
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None

    def errors(self) -> list[Meldung]:
        """Either a Partnernummer or a name and an address, never both."""
        details = {k: v for k, v in asdict(self).items() if k != "partnernummer" and v}
        if self.partnernummer:
            if details:
                return [
                    fehler(
                        MeldungID.INCOMPLETE_DATA,
                        "Antragsteller: entweder Partnernummer oder Name und Anschrift angeben.",
                        "Antragsteller",
                    )
                ]
            return []
        problems = []
        if not (self.company_name or self.last_name):
            problems.append("Firmenname oder Name")
        for key, label in (("street", "Straße"), ("postal_code", "Postleitzahl"), ("city", "Ort")):
            if not getattr(self, key):
                problems.append(label)
        too_long = [k for k, limit in _LIMITS.items() if len(getattr(self, k) or "") > limit]
        if problems or too_long:
            text = "Antragsteller: " + "; ".join(
                ([f"es fehlen {', '.join(problems)}"] if problems else [])
                + ([f"zu lang: {', '.join(too_long)}"] if too_long else [])
            )
            return [fehler(MeldungID.INCOMPLETE_DATA, text + ".", "Antragsteller")]
        return []

    @property
    def name(self) -> str:
        person = " ".join(p for p in (self.first_name, self.last_name) if p)
        return self.company_name or person

    def address_lines(self) -> tuple[str, ...]:
        return (self.name, self.street or "", f"{self.postal_code or ''} {self.city or ''}".strip())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Applicant:
        born = data.get("birth_date")
        return cls(**{**data, "birth_date": date.fromisoformat(born) if born else None})

    @classmethod
    def of_customer(cls, customer: Customer) -> Applicant:
        return cls(
            partnernummer=customer.partnernummer,
            company_name=customer.company_name,
            first_name=customer.first_name,
            last_name=customer.last_name,
            birth_date=customer.birth_date,
            street=customer.street,
            postal_code=customer.postal_code,
            city=customer.city,
            email=customer.email,
        )

    def new_customer(self, partnernummer: str, is_test: bool) -> Customer:
        return Customer(
            partnernummer=partnernummer,
            is_test=is_test,
            company_name=self.company_name,
            first_name=self.first_name,
            last_name=self.last_name,
            birth_date=self.birth_date,
            street=self.street or "",
            postal_code=self.postal_code or "",
            city=self.city or "",
            email=self.email,
        )
