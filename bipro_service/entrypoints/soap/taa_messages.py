"""Tariff, offer, application (BiPRO 420) message types, namespace ``…/namespace/taa``.

Codes (transport kinds, valuables classes, clauses, payment modes) are the stable values of
``domain/valoren.py`` and ``domain/tariff/model.py``, as in the 502 ``Produktdaten``.
"""

from __future__ import annotations

from spyne import Array, Boolean, ByteArray, ComplexModel, Date, Decimal, Integer, Unicode

from bipro_service.domain.tariff import CoverKind, Declaration, DeclarationPeriod, LineKind
from bipro_service.domain.tariff.calculation import RateUnit
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.messages import CT_Request, CT_Response, optional, required
from bipro_service.namespaces import TAA


def _codes(name: str, enum: type) -> dict[str, object]:
    """Facets of a named enumeration of the codes of ``enum``, for ``required``/``optional``."""
    values = [member.value for member in enum]  # type: ignore[attr-defined]
    return {"values": values, "type_name": name, "__namespace__": TAA}


def _many(model: type, max_occurs: int | str = "unbounded") -> type:
    return Array(model, wrapped=False).customize(  # type: ignore[no-any-return]
        min_occurs=0, max_occurs=max_occurs, nillable=False
    )


Deckungsform = _codes("ST_Deckungsform", CoverKind)
Transportart = _codes("ST_Transportart", TransportKind)
Wertsachenart = _codes("ST_Wertsachenart", ValuablesClass)
Zahlweise = _codes("ST_Zahlweise", PaymentMode)
Anmeldeverfahren = _codes("ST_Anmeldeverfahren", Declaration)
Anmeldezeitraum = _codes("ST_Anmeldezeitraum", DeclarationPeriod)
Zeilenart = _codes("ST_Zeilenart", LineKind)
Satzeinheit = _codes("ST_Satzeinheit", RateUnit)
Klausel = _codes("ST_Klausel", Clause)
#: Amounts in a request: euros with at most two decimals, never negative.
Betrag: dict[str, object] = {
    "type_name": "ST_Betrag",
    "__namespace__": TAA,
    "fraction_digits": 2,
    "total_digits": 12,
    "ge": 0,
}


class CT_Wertangaben(ComplexModel):
    """The insured value's parts (AVB 6.2; the optional items of 6.3)."""

    __namespace__ = TAA
    __type_name__ = "CT_Wertangaben"
    _type_info = [
        ("Grundwert", required(Decimal, **Betrag)),
        ("Kosten", optional(Decimal, **Betrag)),
        ("Stueckzinsen", optional(Decimal, **Betrag)),
        ("Kurssteigerung", optional(Decimal, **Betrag)),
        ("ImaginaererGewinn", optional(Decimal, **Betrag)),
        ("Zoelle", optional(Decimal, **Betrag)),
    ]


class CT_LaufendeVersicherung(ComplexModel):
    """Open cover: estimated annual turnover and declaration procedure (LV 4, 6)."""

    __namespace__ = TAA
    __type_name__ = "CT_LaufendeVersicherung"
    _type_info = [
        ("Jahresumsatz", required(Decimal, **Betrag)),
        ("Anmeldeverfahren", required(Unicode, **Anmeldeverfahren)),
        ("Anmeldezeitraum", optional(Unicode, **Anmeldezeitraum)),
    ]


class CT_Tarifierung(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Tarifierung"
    _type_info = [
        ("Deckungsform", required(Unicode, **Deckungsform)),
        ("Transportart", required(Unicode, **Transportart)),
        ("Wertsachenart", required(Unicode, **Wertsachenart)),
        ("Versicherungswert", required(CT_Wertangaben)),
        ("Versicherungssumme", optional(Decimal, **Betrag)),
        ("LaufendeVersicherung", optional(CT_LaufendeVersicherung)),
        (
            "Klausel",
            Unicode.customize(min_occurs=0, max_occurs=len(Clause), nillable=False, **Klausel),
        ),
        ("Zahlweise", optional(Unicode, **Zahlweise)),
        ("SEPALastschriftmandat", optional(Boolean)),
        ("Grenzueberschreitend", optional(Boolean)),
    ]


class CT_Beitragszeile(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Beitragszeile"
    _type_info = [
        ("Art", required(Unicode, **Zeilenart)),
        ("Code", required(Unicode)),
        ("Bezeichnung", required(Unicode)),
        ("Bemessungsgrundlage", required(Decimal)),
        ("Satz", required(Decimal)),
        ("Einheit", required(Unicode, **Satzeinheit)),
        ("Betrag", required(Decimal)),
    ]


class CT_Rate(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Rate"
    _type_info = [("Nummer", required(Integer)), ("Betrag", required(Decimal))]


class CT_Berechnung(ComplexModel):
    """The priced quote, line by line (docs/tariff.md)."""

    __namespace__ = TAA
    __type_name__ = "CT_Berechnung"
    _type_info = [
        ("Tarifversion", required(Unicode)),
        ("Beispieltarif", required(Boolean)),
        ("Deckungsform", required(Unicode, **Deckungsform)),
        ("Versicherungswert", required(Decimal)),
        ("Versicherungssumme", required(Decimal)),
        ("Bemessungsgrundlage", required(Decimal)),
        ("Beitragszeile", _many(CT_Beitragszeile)),
        ("Nettobeitrag", required(Decimal)),
        ("Ratenzuschlag", required(Decimal)),
        ("Versicherungsteuer", required(Decimal)),
        ("Gesamtbeitrag", required(Decimal)),
        ("Zahlweise", required(Unicode, **Zahlweise)),
        ("Vorausbeitrag", required(Boolean)),
        ("Rate", _many(CT_Rate)),
    ]


class CT_Anschrift(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Anschrift"
    _type_info = [
        ("Strasse", required(Unicode, max_len=200)),
        ("Postleitzahl", required(Unicode, max_len=10)),
        ("Ort", required(Unicode, max_len=100)),
    ]


class CT_Antragsteller(ComplexModel):
    """One of the firm's customers by ``Partnernummer``, or a new applicant's details."""

    __namespace__ = TAA
    __type_name__ = "CT_Antragsteller"
    _type_info = [
        ("Partnernummer", optional(Unicode, max_len=20)),
        ("Firmenname", optional(Unicode, max_len=200)),
        ("Vorname", optional(Unicode, max_len=100)),
        ("Name", optional(Unicode, max_len=100)),
        ("Geburtsdatum", optional(Date)),
        ("Anschrift", optional(CT_Anschrift)),
        ("Email", optional(Unicode, max_len=200)),
    ]


class CT_Dokument(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Dokument"
    _type_info = [
        ("Dateiname", required(Unicode)),
        ("Dateityp", required(Unicode)),
        ("Daten", required(ByteArray)),
        ("Pruefsumme", required(Unicode)),
    ]


class CT_Angebot(ComplexModel):
    __namespace__ = TAA
    __type_name__ = "CT_Angebot"
    _type_info = [
        ("Angebotsnummer", required(Unicode)),
        ("GueltigBis", required(Date)),
        ("Versicherungsbeginn", required(Date)),
        ("Berechnung", required(CT_Berechnung)),
        ("Dokument", required(CT_Dokument)),
        ("LieferungID", optional(Unicode)),
    ]


class CT_Vertragsabschluss(ComplexModel):
    """The contract made from an offer."""

    __namespace__ = TAA
    __type_name__ = "CT_Vertragsabschluss"
    _type_info = [
        ("Versicherungsscheinnummer", required(Unicode)),
        ("Partnernummer", required(Unicode)),
        ("Angebotsnummer", required(Unicode)),
        ("Tarifversion", required(Unicode)),
        ("Beginn", required(Date)),
        ("Versicherungssumme", required(Decimal)),
        ("Gesamtbeitrag", required(Decimal)),
        ("Zahlweise", required(Unicode, **Zahlweise)),
        ("WiderrufsfristBis", required(Date)),
        ("Dokument", optional(CT_Dokument)),
        ("LieferungID", optional(Unicode)),
    ]


class CT_GetQuoteRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_GetQuoteRequest"
    _type_info = [("Tarifierung", required(CT_Tarifierung))]


class CT_GetQuoteResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_GetQuoteResponse"
    _type_info = [("Berechnung", optional(CT_Berechnung))]


class CT_GetOfferRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_GetOfferRequest"
    _type_info = [
        ("Tarifierung", required(CT_Tarifierung)),
        ("Antragsteller", required(CT_Antragsteller)),
        ("Versicherungsbeginn", required(Date)),
    ]


class CT_GetOfferResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_GetOfferResponse"
    _type_info = [("Angebot", optional(CT_Angebot))]


class CT_SetOrderRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_SetOrderRequest"
    _type_info = [
        (
            "Angebotsnummer",
            required(Unicode, max_len=20, type_name="ST_Angebotsnummer", __namespace__=TAA),
        )
    ]


class CT_SetOrderResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_SetOrderResponse"
    _type_info = [("Vertrag", optional(CT_Vertragsabschluss))]
