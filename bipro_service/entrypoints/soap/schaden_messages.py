"""Claims service (BiPRO 503) message types, namespace ``…/namespace/schaden``."""

from __future__ import annotations

from spyne import Array, Boolean, ByteArray, ComplexModel, Date, Decimal, Integer, Unicode

from bipro_service.domain.claims.findings import Cover
from bipro_service.domain.claims.notification import DocumentKind, ItemDamage
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    optional,
    required,
    utc_datetime,
)
from bipro_service.namespaces import SCHADEN


def _st(name: str, **restrictions: object) -> dict[str, object]:
    return {"type_name": name, "__namespace__": SCHADEN, **restrictions}


def _codes(name: str, values: type) -> dict[str, object]:
    return _st(name, values=[member.value for member in values])  # type: ignore[attr-defined]


def _many(model: type, least: int = 0, most: int | str = "unbounded") -> type:
    return Array(model, wrapped=False).customize(  # type: ignore[no-any-return]
        min_occurs=least, max_occurs=most, nillable=False
    )


BETRAG = _st("ST_Betrag", ge=0, total_digits=14, fraction_digits=2)
VSNR = _st("ST_VSNR", min_len=1, max_len=30)
SCHADENNUMMER = _st("ST_Schadennummer", min_len=1, max_len=20)


class CT_Gegenstand(ComplexModel):
    """An affected item: what it is, its value and what happened to it (AVB 7.1)."""

    __namespace__ = SCHADEN
    __type_name__ = "CT_Gegenstand"
    _type_info = [
        ("Bezeichnung", required(Unicode, **_st("ST_Bezeichnung", min_len=1, max_len=200))),
        ("Wertsachenart", required(Unicode, **_codes("ST_Wertsachenart", ValuablesClass))),
        ("Wert", required(Decimal, **BETRAG)),
        ("Schadenart", required(Unicode, **_codes("ST_Schadenart", ItemDamage))),
    ]


class CT_Dokument(ComplexModel):
    """An attached document, base64 (size limits: docs/claims.md)."""

    __namespace__ = SCHADEN
    __type_name__ = "CT_Dokument"
    _type_info = [
        ("Dateiname", required(Unicode, **_st("ST_Dateiname", min_len=1, max_len=200))),
        ("Dateityp", required(Unicode, **_st("ST_Dateityp", min_len=3, max_len=127))),
        ("Dokumentart", required(Unicode, **_codes("ST_Dokumentart", DocumentKind))),
        ("Daten", required(ByteArray)),
    ]


class CT_Schadenmeldung(ComplexModel):
    __namespace__ = SCHADEN
    __type_name__ = "CT_Schadenmeldung"
    _type_info = [
        ("Versicherungsscheinnummer", required(Unicode, **VSNR)),
        ("Schadendatum", required(Date)),
        ("Schadenort", required(Unicode, **_st("ST_Schadenort", min_len=1, max_len=200))),
        ("Transportart", required(Unicode, **_codes("ST_Transportart", TransportKind))),
        ("Ereignis", required(Unicode, **_codes("ST_Ereignis", Peril))),
        (
            "Schadenbeschreibung",
            required(Unicode, **_st("ST_Schadenbeschreibung", min_len=1, max_len=4000)),
        ),
        ("Schadenhoehe", required(Decimal, **BETRAG)),
        ("Versicherungswert", required(Decimal, **BETRAG)),
        ("Schadenminderungskosten", optional(Decimal, **BETRAG)),
        (
            "Polizeiaktenzeichen",
            optional(Unicode, **_st("ST_Polizeiaktenzeichen", max_len=100)),
        ),
        ("Gegenstand", _many(CT_Gegenstand, 1, 100)),
        ("Dokument", _many(CT_Dokument, 0, 20)),
    ]


class CT_Erstbewertung(ComplexModel):
    """The first assessment under the AVB Valoren 2008 (details in the ``Meldung``s)."""

    __namespace__ = SCHADEN
    __type_name__ = "CT_Erstbewertung"
    _type_info = [
        ("Deckung", required(Unicode, **_codes("ST_Deckung", Cover))),
        ("VertragInKraft", required(Boolean)),
        ("Sofortmeldung", required(Boolean)),
        ("Verjaehrungshinweis", required(Boolean)),
        ("Unterversicherungsquote", optional(Decimal)),
        ("Entschaedigung", required(Decimal)),
        ("Kosten", required(Decimal)),
        ("Gesamt", required(Decimal)),
        ("FehlendeUnterlage", _many(Unicode)),  # ST_Dokumentart codes
    ]


class CT_NotifyClaimRequest(CT_Request):
    __namespace__ = SCHADEN
    __type_name__ = "CT_NotifyClaimRequest"
    _type_info = [
        (
            "Idempotenzschluessel",
            required(Unicode, **_st("ST_Idempotenzschluessel", pattern=r"[A-Za-z0-9._:\-]{8,100}")),
        ),
        ("Schadenmeldung", required(CT_Schadenmeldung)),
    ]


class CT_NotifyClaimResponse(CT_Response):
    __namespace__ = SCHADEN
    __type_name__ = "CT_NotifyClaimResponse"
    _type_info = [
        ("Schadennummer", optional(Unicode)),
        ("Erstbewertung", optional(CT_Erstbewertung)),
    ]


class CT_SchadenauskunftAnfrage(ComplexModel):
    __namespace__ = SCHADEN
    __type_name__ = "CT_SchadenauskunftAnfrage"
    _type_info = [("Schadennummer", required(Unicode, **SCHADENNUMMER))]


class CT_Schaden(ComplexModel):
    __namespace__ = SCHADEN
    __type_name__ = "CT_Schaden"
    _type_info = [
        ("Schadennummer", required(Unicode)),
        ("Versicherungsscheinnummer", required(Unicode)),
        ("Partnernummer", required(Unicode)),
        ("Status", required(Unicode)),
        ("Meldezeitpunkt", utc_datetime()),
        ("Schadendatum", required(Date)),
        ("Schadenort", required(Unicode)),
        ("Transportart", required(Unicode)),
        ("Ereignis", required(Unicode)),
        ("Schadenhoehe", required(Decimal)),
        ("Versicherungswert", required(Decimal)),
        ("Gegenstand", _many(CT_Gegenstand)),
        ("AnzahlDokumente", required(Integer)),
        ("Eingangsbestaetigung", optional(Unicode)),
        ("Erstbewertung", required(CT_Erstbewertung)),
    ]


class CT_Schadenauskunft(ComplexModel):
    __namespace__ = SCHADEN
    __type_name__ = "CT_Schadenauskunft"
    _type_info = [("Schaden", required(CT_Schaden))]


class CT_GetDataRequest(CT_Request):
    __namespace__ = SCHADEN
    __type_name__ = "CT_GetDataRequest"
    _type_info = [("Schadenauskunft", required(CT_SchadenauskunftAnfrage))]


class CT_GetDataResponse(CT_Response):
    __namespace__ = SCHADEN
    __type_name__ = "CT_GetDataResponse"
    _type_info = [("Schadenauskunft", optional(CT_Schadenauskunft))]
