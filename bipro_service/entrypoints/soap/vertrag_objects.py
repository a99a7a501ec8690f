"""The official business objects a 502 answer carries (release 2.6), as Spyne types.

Each type lives in the namespace the official schemas give it: ``allg:CT_Vertragsnummer``,
``par:CT_Person``/``par:CT_JuristischePerson`` (``xsi:type`` of the abstract ``par:CT_Partner``),
``pm:CT_Verkaufsprodukt``/``pm:CT_Produkt``/``pm:CT_Beitrag`` and ``vtrg:CT_Vertrag``. Only the
elements we fill are modelled, in the official order; docs/wire-format.md maps our data onto them.
"""

from __future__ import annotations

from spyne import Array, ComplexModel, Decimal, Unicode

from bipro_service.entrypoints.soap.messages import datum_type, many, optional, required, text
from bipro_service.namespaces import ALLGEMEIN, PARTNER, PRODUKTMODELL, VERTRAG_OBJEKTE


class CT_Vertragsnummer(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Vertragsnummer"
    _type_info = [
        (
            "Versicherungsscheinnummer",
            optional(Unicode, max_len=17, type_name="ST_Versicherungsscheinnummer"),
        ),
    ]


class CT_Unternehmen(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Unternehmen"
    _type_info = [
        ("Nummer", optional(Unicode, max_len=17, type_name="ST_Unternehmensnummer")),
        ("Name", text(60)),
        ("Ort", text(30)),
        ("Geschaeftsstelle", optional(Unicode)),
        (
            "Nummernart",
            optional(
                Unicode,
                values=["AGIK", "BaFin", "AnbNr", "IHK"],
                type_name="ST_Unternehmensnummernart",
            ),
        ),
        ("PartnerID", optional(Unicode)),
    ]


class CT_Betrag(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Betrag"
    _type_info = [
        ("Betrag", optional(Decimal(total_digits=12, fraction_digits=2))),
        ("Waehrung", optional(Unicode)),
    ]


class CT_Adresse(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Adresse"
    _type_info = [
        ("Strasse", text(50)),
        ("Postleitzahl", optional(Unicode)),
        ("Ort", text(50)),
        ("Land", optional(Unicode)),
    ]


class CT_Partneranschrift(CT_Adresse):
    __namespace__ = PARTNER
    __type_name__ = "CT_Partneranschrift"
    _type_info: list[tuple[str, type]] = []


class CT_Partner(ComplexModel):
    """Abstract in the norm: an answer names ``par:CT_Person`` or ``par:CT_JuristischePerson``."""

    __namespace__ = PARTNER
    __type_name__ = "CT_Partner"
    _type_info = [
        ("Name", text(50)),
        ("Partnernummer", text(30)),
        ("Anschrift", many(CT_Partneranschrift)),
    ]


class CT_Person(CT_Partner):
    __namespace__ = PARTNER
    __type_name__ = "CT_Person"
    _type_info = [("Vorname", text(50)), ("Geburtsdatum", datum_type(mandatory=False))]


class CT_JuristischePerson(CT_Partner):
    __namespace__ = PARTNER
    __type_name__ = "CT_JuristischePerson"
    _type_info: list[tuple[str, type]] = []


class CT_Beitrag(ComplexModel):
    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Beitrag"
    _type_info = [
        ("Betrag", optional(CT_Betrag)),
        ("Zahlungsweise", optional(Unicode)),
    ]


class CT_Produkt(ComplexModel):
    """``pm:CT_Produkt``: the insurance product (Sparte 190 Transport for Valoren)."""

    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Produkt"
    _type_info = [
        ("Bezeichnung", text(255)),
        ("Kurzbeschreibung", text(1000)),
        ("Beitrag", many(CT_Beitrag)),
        ("Sparte", optional(Unicode)),
    ]


class CT_Verkaufsprodukt(ComplexModel):
    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Verkaufsprodukt"
    _type_info = [
        ("Bezeichnung", text(255)),
        ("Kurzbeschreibung", text(1000)),
        ("Beitrag", many(CT_Beitrag)),
        ("Produkt", Array(CT_Produkt, wrapped=False).customize(min_occurs=1, nillable=False)),
    ]


class CT_Vertrag(ComplexModel):
    """``vtrg:CT_Vertrag`` with the elements we fill, in the official order."""

    __namespace__ = VERTRAG_OBJEKTE
    __type_name__ = "CT_Vertrag"
    _type_info = [
        ("Abgangsdatum", datum_type(mandatory=False)),
        ("GueltigAbDatum", datum_type(mandatory=False)),
        ("GueltigBisDatum", datum_type(mandatory=False)),
        ("Vertragsbeginn", datum_type(mandatory=False)),
        ("Vertragsstatus", optional(Unicode)),
        ("Zahlungsweise", optional(Unicode)),
        (
            "Verkaufsprodukt",
            Array(CT_Verkaufsprodukt, wrapped=False).customize(min_occurs=1, nillable=False),
        ),
        ("Partner", many(CT_Partner)),
        ("Vertragsnummer", required(CT_Vertragsnummer)),
        ("Aenderungsdatum", datum_type(mandatory=False)),
    ]
