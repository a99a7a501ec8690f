"""Contract information (BiPRO 502) message types, namespace ``…/namespace/vertrag``."""

from __future__ import annotations

from spyne import Array, Boolean, ComplexModel, Date, Decimal, Integer, Unicode

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    optional,
    required,
    utc_datetime,
)
from bipro_service.namespaces import VERTRAG


def _many(model: type) -> type:
    return Array(model, wrapped=False).customize(min_occurs=0, nillable=False)  # type: ignore[no-any-return]


class CT_Vertragsnummer(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Vertragsnummer"
    _type_info = [
        (
            "Versicherungsscheinnummer",
            required(Unicode, max_len=30, type_name="ST_VSNR", __namespace__=VERTRAG),
        )
    ]


class CT_Unternehmen(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Unternehmen"
    _type_info = [("Nummer", optional(Unicode))]


class CT_VertragsauskunftAnfrage(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_VertragsauskunftAnfrage"
    _type_info = [
        ("Vertragsnummer", required(CT_Vertragsnummer)),
        ("Unternehmen", optional(CT_Unternehmen)),
    ]


class CT_Anschrift(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Anschrift"
    _type_info = [
        ("Strasse", required(Unicode)),
        ("Postleitzahl", required(Unicode)),
        ("Ort", required(Unicode)),
    ]


class CT_Partner(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Partner"
    _type_info = [
        ("Partnernummer", required(Unicode)),
        ("Firmenname", optional(Unicode)),
        ("Vorname", optional(Unicode)),
        ("Name", optional(Unicode)),
        ("Geburtsdatum", optional(Date)),
        ("Anschrift", required(CT_Anschrift)),
    ]


class CT_Klausel(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Klausel"
    _type_info = [("Name", required(Unicode)), ("Eingeschlossen", required(Boolean))]


class CT_Produktdaten(ComplexModel):
    """Valoren specifics: transport kinds, valuables classes, clauses (AVB Valoren 1, 2)."""

    __namespace__ = VERTRAG
    __type_name__ = "CT_Produktdaten"
    _type_info = [
        ("Transportart", _many(Unicode)),
        ("Wertsachenart", _many(Unicode)),
        ("Klausel", _many(CT_Klausel)),
    ]


class CT_Vertrag(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Vertrag"
    _type_info = [
        ("Versicherungsscheinnummer", required(Unicode)),
        ("Produkt", required(Unicode)),
        ("Tarifversion", optional(Unicode)),
        ("Status", required(Unicode)),
        ("Beginn", required(Date)),
        ("Ende", optional(Date)),
        ("Versicherungssumme", required(Decimal)),
        ("Jahresbeitrag", required(Decimal)),
        ("Zahlweise", required(Unicode)),
        ("Aenderungszeitpunkt", utc_datetime()),
        ("Partner", required(CT_Partner)),
        ("Produktdaten", optional(CT_Produktdaten)),
    ]


class CT_Vertragsauskunft(ComplexModel):
    __namespace__ = VERTRAG
    __type_name__ = "CT_Vertragsauskunft"
    _type_info = [("Vertrag", required(CT_Vertrag))]


class CT_GetDataRequest(CT_Request):
    __namespace__ = VERTRAG
    __type_name__ = "CT_GetDataRequest"
    _type_info = [("Vertragsauskunft", required(CT_VertragsauskunftAnfrage))]


class CT_GetDataResponse(CT_Response):
    __namespace__ = VERTRAG
    __type_name__ = "CT_GetDataResponse"
    _type_info = [("Vertragsauskunft", optional(CT_Vertragsauskunft))]


class CT_ListContractsRequest(CT_Request):
    """Our extension for MVP synchronisation (docs/portfolio.md)."""

    __namespace__ = VERTRAG
    __type_name__ = "CT_ListContractsRequest"
    _type_info = [
        ("GeaendertSeit", utc_datetime(mandatory=False)),
        ("Cursor", optional(Unicode, max_len=200, type_name="ST_Cursor", __namespace__=VERTRAG)),
        ("Seitengroesse", optional(Integer)),
    ]


class CT_ListContractsResponse(CT_Response):
    __namespace__ = VERTRAG
    __type_name__ = "CT_ListContractsResponse"
    _type_info = [("Vertrag", _many(CT_Vertrag)), ("NaechsterCursor", optional(Unicode))]
