"""Tariff calculation, offer and application (BiPRO 420) for the Valoren insurance, in the
official shapes of ``…/versicherung/tarifierung``: the product as ``kom:CT_SUHVersicherung``,
the transport as ``sachen:CT_Transport``, the applicant as ``partner:CT_Person`` /
``partner:CT_JuristischePerson`` (the service's docs/wire-format.md, 420)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bipro_clients.services import Answer, _answer, _bytes, _TokenService

TAA = "TAAService_2.6.1.1.0"
KOM = "http://www.bipro.net/namespace/versicherung/produktmodell/komposit"
SACHEN = "http://www.bipro.net/namespace/sachen"
PARTNER = "http://www.bipro.net/namespace/partner"
PAYMENT = {"annual": "1", "semi_annual": "2", "quarterly": "4", "monthly": "8"}
TURNUS = {"monthly": "03", "quarterly": "04", "semi_annual": "05", "annual": "06"}
KEY = {"post": "10", "courier": "12", "air_freight": "08", "accompanied": "12"}


@dataclass(frozen=True)
class Tarifierung:
    """What to price; our codes (``single``/``open``, ``courier``, ``jewellery``…)."""

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

    def amounts(self) -> list[tuple[str, Decimal]]:
        named = [
            ("Grundwert", self.base_value),
            ("Kosten", self.costs),
            ("Stueckzinsen", self.accrued_interest),
            ("Kurssteigerung", self.price_increase),
            ("ImaginaererGewinn", self.imaginary_profit),
            ("Zoelle", self.customs_duties),
            ("Jahresumsatz", self.annual_turnover),
        ]
        return [(name, value) for name, value in named if value is not None]

    def turnus(self) -> str | None:
        if self.declaration == "individual":
            return "01"
        if self.declaration == "summary" and self.declaration_period:
            return TURNUS[self.declaration_period]
        return None


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


@dataclass(frozen=True)
class Berechnung:
    """The priced quote as read from the answer's product."""

    tariff_version: str | None
    gross: Decimal | None
    net: Decimal | None
    tax: Decimal | None
    payment_code: str | None
    lines: dict[str, Decimal]
    instalments: list[Decimal]


@dataclass(frozen=True)
class Angebot:
    number: str
    valid_until: date | None
    gross: Decimal | None
    document: bytes
    shipment_id: str | None
    calculation: Berechnung


@dataclass(frozen=True)
class Vertragsabschluss:
    versicherungsscheinnummer: str
    partnernummer: str | None
    offer_number: str
    tariff_version: str | None
    begin: date | None
    gross: Decimal | None
    document: bytes | None
    shipment_id: str | None


def _shipment(response: Any) -> str | None:
    for meldung in response.Status.Meldung or []:
        match = re.search(r"Lieferung (\S+?)\.", meldung.Text or "")
        if match:
            return match.group(1)
    return None


def _product(process: Any) -> Any:
    return process.Verkaufsprodukt[0].Produkt[0]


def _berechnung(process: Any) -> Berechnung:
    product = _product(process)
    premiums = {str(b.ArtID): b for b in product.Beitrag or []}
    gross = premiums.get("01")
    lines = {
        k.Bezeichnung: Decimal(k.Wert)
        for k in product.Kondition or []
        if k.Bezeichnung and ":" in k.Bezeichnung and not k.Bezeichnung.startswith("Rate:")
    }
    instalments = [
        Decimal(k.Wert)
        for k in product.Kondition or []
        if (k.Bezeichnung or "").startswith("Rate:")
    ]
    tax = gross.Steuer[0].Betrag.Betrag if gross is not None and gross.Steuer else None
    kennung = process.Verkaufsprodukt[0].Kennung or ""
    return Berechnung(
        tariff_version=kennung.removeprefix("VALOREN-") or None,
        gross=gross.Betrag.Betrag if gross is not None else None,
        net=premiums["02"].Betrag.Betrag if "02" in premiums else None,
        tax=tax,
        payment_code=gross.Zahlungsweise if gross is not None else None,
        lines=lines,
        instalments=instalments,
    )


def _begin(process: Any) -> date | None:
    duration = _product(process).Versicherungsdauer
    return date.fromisoformat(duration.Beginn[:10]) if duration and duration.Beginn else None


class TaaClient(_TokenService):
    """``getQuote``, ``getOffer``, ``setOrder``; each returns an :class:`Answer`."""

    wsdl = TAA
    path = "/bipro/TAAService_2.6.1.1.0"

    def _type(self, namespace: str, name: str) -> Any:
        return self.service._client.get_type(f"{{{namespace}}}{name}")

    def _process(
        self,
        wanted: Tarifierung,
        *,
        applicant: Antragsteller | None = None,
        begin: date | None = None,
        number: str | None = None,
    ) -> dict[str, Any]:
        """``Tarifierung`` / ``Angebot`` / ``Antrag`` content in the official order."""
        product = self._type(KOM, "CT_SUHVersicherung")(
            GewuenschteZahlungsweise=PAYMENT.get(wanted.payment_mode or "annual"),
            Kondition=[
                {"Wert": value, "Werteinheit": "20", "Waehrung": "EUR", "Bezeichnung": name}
                for name, value in wanted.amounts()
            ],
            Versicherungsdauer={"Beginn": f"{begin.isoformat()}T00:00"} if begin else None,
            Sparte="193",
            VersicherungssummeOderLeistung=[
                {"Wert": wanted.sum_insured, "Werteinheit": "20", "Waehrung": "EUR"}
            ]
            if wanted.sum_insured is not None
            else [],
            Klausel=[{"ArtID": clause} for clause in wanted.clauses],
            Meldeverfahren=True if wanted.cover == "open" else None,
            Meldeturnus=wanted.turnus(),
        )
        transport = self._type(SACHEN, "CT_Transport")(
            GegenstandID="1",
            TransportmittelSchluessel=KEY.get(wanted.transport_kind, "99"),
            Transportmittel=wanted.transport_kind,
            Route="grenzueberschreitend" if wanted.cross_border else "inland",
            Warenbezeichnung=wanted.valuables_class,
        )
        process: dict[str, Any] = {
            "Vorgangsnummer": number,
            "Zahlungsart": "1" if wanted.sepa_mandate else None,
            "Verkaufsprodukt": [{"Bezeichnung": "Valorenversicherung", "Produkt": [product]}],
            "Gegenstand": [transport],
        }
        if applicant is not None:
            process["Partner"] = [self._partner(applicant)]
            process["Versicherungsnehmer"] = {"PartnerID": "VN"}
        return process

    def _partner(self, applicant: Antragsteller) -> Any:
        person = applicant.company_name is None and applicant.last_name is not None
        fields: dict[str, Any] = {
            "Name": applicant.last_name if person else applicant.company_name,
            "Partnernummer": applicant.partnernummer,
            "PartnerID": "VN",
        }
        if applicant.street or applicant.postal_code or applicant.city:
            fields["Anschrift"] = [
                {
                    "Strasse": applicant.street,
                    "Postleitzahl": applicant.postal_code,
                    "Ort": applicant.city,
                }
            ]
        if applicant.email:
            fields["Kommunikationsverbindung"] = [
                {"ArtID": "50", "Kommunikationsadresse": applicant.email}
            ]
        if person:
            return self._type(PARTNER, "CT_Person")(Vorname=applicant.first_name, **fields)
        return self._type(PARTNER, "CT_JuristischePerson")(**fields)

    def get_quote(self, tarifierung: Tarifierung) -> Answer:
        """Payload: a :class:`Berechnung` or None when NOK."""
        response = self._call("getQuote", Tarifierung=self._process(tarifierung))
        answer = response.Tarifierung
        return _answer(response, _berechnung(answer) if answer is not None else None)

    def get_offer(
        self, tarifierung: Tarifierung, antragsteller: Antragsteller, begin: date
    ) -> Answer:
        """Payload: an :class:`Angebot` or None when NOK."""
        angebot = self._process(tarifierung, applicant=antragsteller, begin=begin)
        response = self._call("getOffer", Angebot=angebot)
        offer = response.Angebot
        payload = None
        if offer is not None:
            calculation = _berechnung(offer)
            until = response.Status.Gueltigkeitsende
            payload = Angebot(
                number=offer.Vorgangsnummer,
                valid_until=date.fromisoformat(until[:10]) if until else None,
                gross=calculation.gross,
                document=_bytes(offer.Datei[0].Daten),
                shipment_id=_shipment(response),
                calculation=calculation,
            )
        return _answer(response, payload)

    def set_order(self, offer_number: str, tarifierung: Tarifierung | None = None) -> Answer:
        """Payload: a :class:`Vertragsabschluss` (also for a repeated order) or None.

        The norm's ``Antrag`` carries a sales product; the stored offer decides what is
        ordered, ``tarifierung`` (default: a minimal one) is only repeated."""
        wanted = tarifierung or Tarifierung("single", "post", "documents", Decimal("0.00"))
        response = self._call("setOrder", Antrag=self._process(wanted, number=offer_number))
        antrag = response.Antrag
        payload = None
        if antrag is not None:
            partner = antrag.Partner[0] if antrag.Partner else None
            payload = Vertragsabschluss(
                versicherungsscheinnummer=antrag.Vertragsnummer.Versicherungsscheinnummer,
                partnernummer=partner.Partnernummer if partner is not None else None,
                offer_number=antrag.Vorgangsnummer,
                tariff_version=_berechnung(antrag).tariff_version,
                begin=_begin(antrag),
                gross=_berechnung(antrag).gross,
                document=_bytes(antrag.Datei[0].Daten) if antrag.Datei else None,
                shipment_id=_shipment(response),
            )
        return _answer(response, payload)
