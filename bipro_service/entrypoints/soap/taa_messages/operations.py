"""The 420 process messages of ``…/versicherung/tarifierung`` (bipro-versicherung-tarifierung):
``CT_Tarifierung``, ``CT_Angebot``, ``CT_Antrag`` and the requests and answers around them."""

from __future__ import annotations

from spyne import ComplexModel, Unicode

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    datum_type,
    optional,
    required,
    zeitstempel_type,
)
from bipro_service.entrypoints.soap.taa_messages.official import (
    CT_Datei,
    CT_Gegenstand,
    CT_Partner,
    CT_Verkaufsprodukt,
    CT_Vertragsnummer,
    CT_Vertragspartner,
    codes,
    many,
)
from bipro_service.namespaces import GEVO, TAA


class CT_Geschaeftsvorgang(ComplexModel):
    """``gevo:CT_Geschaeftsvorgang`` (abstract): the process number and the documents."""

    __namespace__ = GEVO
    __type_name__ = "CT_Geschaeftsvorgang"
    _type_info = [
        ("Vorgangsnummer", optional(Unicode, max_len=35)),
        ("VorgangsnummerVM", optional(Unicode, max_len=35)),
        ("Erstelldatum", zeitstempel_type(mandatory=False)),
        ("Datei", many(CT_Datei)),
    ]


class CT_TAA(CT_Geschaeftsvorgang):
    """``tar:CT_TAA`` (abstract base of Tarifierung, Angebot, Antrag)."""

    __namespace__ = TAA
    __type_name__ = "CT_TAA"
    _type_info = [
        # ST_Zahlungsart: 1 = Lastschrift (a SEPA mandate is given), 2 = Rechnung.
        ("Zahlungsart", codes(["1", "2"])),
        ("Partner", many(CT_Partner)),
        ("Versicherungsnehmer", optional(CT_Vertragspartner)),
        ("Verkaufsprodukt", many(CT_Verkaufsprodukt, min_occurs=1)),
        ("Gegenstand", many(CT_Gegenstand)),
    ]


class CT_Tarifierung(CT_TAA):
    __namespace__ = TAA
    __type_name__ = "CT_Tarifierung"
    _type_info: list[tuple[str, type]] = []


class CT_Angebot(CT_TAA):
    __namespace__ = TAA
    __type_name__ = "CT_Angebot"
    _type_info: list[tuple[str, type]] = []


class CT_Antrag(CT_TAA):
    __namespace__ = TAA
    __type_name__ = "CT_Antrag"
    _type_info = [
        ("Antragsdatum", datum_type(mandatory=False)),
        ("Vertragsnummer", optional(CT_Vertragsnummer)),
    ]


class CT_QuoteRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_QuoteRequest"
    _type_info = [("Tarifierung", required(CT_Tarifierung))]


class CT_QuoteResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_QuoteResponse"
    _type_info = [("Tarifierung", optional(CT_Tarifierung))]


class CT_OfferRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_OfferRequest"
    _type_info = [("Angebot", required(CT_Angebot))]


class CT_OfferResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_OfferResponse"
    _type_info = [("Angebot", optional(CT_Angebot))]


class CT_OrderRequest(CT_Request):
    __namespace__ = TAA
    __type_name__ = "CT_OrderRequest"
    _type_info = [("Antrag", required(CT_Antrag))]


class CT_OrderResponse(CT_Response):
    __namespace__ = TAA
    __type_name__ = "CT_OrderResponse"
    _type_info = [("Antrag", optional(CT_Antrag))]
