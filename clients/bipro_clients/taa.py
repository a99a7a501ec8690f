"""Tariff calculation, offer and application (BiPRO 420) for the Valoren insurance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bipro_clients.services import Answer, _answer, _bytes, _TokenService

TAA = "TAAService_2.6.1.1.0"


@dataclass(frozen=True)
class Tarifierung:
    """What to price; codes as in the WSDL (``single``/``open``, ``courier``, ``jewellery``…)."""

    cover: str
    transport_kind: str
    valuables_class: str
    base_value: Decimal
    costs: Decimal | None = None
    accrued_interest: Decimal | None = None
    price_increase: Decimal | None = None
    imaginary_profit: Decimal | None = None
    customs_duties: Decimal | None = None
    sum_insured: Decimal | None = None
    annual_turnover: Decimal | None = None
    declaration: str | None = None
    declaration_period: str | None = None
    clauses: list[str] = field(default_factory=list)
    payment_mode: str | None = None
    sepa_mandate: bool | None = None
    cross_border: bool | None = None

    def wire(self) -> dict[str, Any]:
        terms = None
        if self.annual_turnover is not None:
            terms = {
                "Jahresumsatz": self.annual_turnover,
                "Anmeldeverfahren": self.declaration,
                "Anmeldezeitraum": self.declaration_period,
            }
        return {
            "Deckungsform": self.cover,
            "Transportart": self.transport_kind,
            "Wertsachenart": self.valuables_class,
            "Versicherungswert": {
                "Grundwert": self.base_value,
                "Kosten": self.costs,
                "Stueckzinsen": self.accrued_interest,
                "Kurssteigerung": self.price_increase,
                "ImaginaererGewinn": self.imaginary_profit,
                "Zoelle": self.customs_duties,
            },
            "Versicherungssumme": self.sum_insured,
            "LaufendeVersicherung": terms,
            "Klausel": list(self.clauses),
            "Zahlweise": self.payment_mode,
            "SEPALastschriftmandat": self.sepa_mandate,
            "Grenzueberschreitend": self.cross_border,
        }


@dataclass(frozen=True)
class Antragsteller:
    """One of the firm's customers (``partnernummer``) or a new applicant."""

    partnernummer: str | None = None
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None

    def wire(self) -> dict[str, Any]:
        address = None
        if self.street or self.postal_code or self.city:
            address = {"Strasse": self.street, "Postleitzahl": self.postal_code, "Ort": self.city}
        return {
            "Partnernummer": self.partnernummer,
            "Firmenname": self.company_name,
            "Vorname": self.first_name,
            "Name": self.last_name,
            "Anschrift": address,
            "Email": self.email,
        }


@dataclass(frozen=True)
class Angebot:
    number: str
    valid_until: date
    gross: Decimal
    document: bytes
    shipment_id: str | None
    calculation: Any


@dataclass(frozen=True)
class Vertragsabschluss:
    versicherungsscheinnummer: str
    partnernummer: str
    offer_number: str
    tariff_version: str
    begin: date
    gross: Decimal
    withdrawal_until: date
    document: bytes | None
    shipment_id: str | None


class TaaClient(_TokenService):
    """``getQuote``, ``getOffer``, ``setOrder``; each returns an :class:`Answer`."""

    wsdl = TAA
    path = "/bipro/TAAService_2.6.1.1.0"

    def get_quote(self, tarifierung: Tarifierung) -> Answer:
        """Payload: the ``Berechnung`` (zeep object) or None when NOK."""
        response = self._call("getQuote", Tarifierung=tarifierung.wire())
        return _answer(response, response.Berechnung)

    def get_offer(
        self, tarifierung: Tarifierung, antragsteller: Antragsteller, begin: date
    ) -> Answer:
        """Payload: an :class:`Angebot` or None when NOK."""
        response = self._call(
            "getOffer",
            Tarifierung=tarifierung.wire(),
            Antragsteller=antragsteller.wire(),
            Versicherungsbeginn=begin,
        )
        offer = response.Angebot
        payload = None
        if offer is not None:
            payload = Angebot(
                number=offer.Angebotsnummer,
                valid_until=offer.GueltigBis,
                gross=offer.Berechnung.Gesamtbeitrag,
                document=_bytes(offer.Dokument.Daten),
                shipment_id=offer.LieferungID,
                calculation=offer.Berechnung,
            )
        return _answer(response, payload)

    def set_order(self, offer_number: str) -> Answer:
        """Payload: a :class:`Vertragsabschluss` (also for a repeated order) or None."""
        response = self._call("setOrder", Angebotsnummer=offer_number)
        contract = response.Vertrag
        payload = None
        if contract is not None:
            payload = Vertragsabschluss(
                versicherungsscheinnummer=contract.Versicherungsscheinnummer,
                partnernummer=contract.Partnernummer,
                offer_number=contract.Angebotsnummer,
                tariff_version=contract.Tarifversion,
                begin=contract.Beginn,
                gross=contract.Gesamtbeitrag,
                withdrawal_until=contract.WiderrufsfristBis,
                document=_bytes(contract.Dokument.Daten) if contract.Dokument else None,
                shipment_id=contract.LieferungID,
            )
        return _answer(response, payload)
