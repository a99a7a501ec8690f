"""Claims service (BiPRO 503) message types in the official namespaces of release 2.6.

``bipro-prozesse-schaden-2.6.0.xsd`` (``sch``) holds ``setNotification`` and ``getData``; the
claim itself is ``schdlstg:CT_Ereignis`` (``bipro-schaden-leistung``), the transport a
``sachen:CT_Transport``, the contract a ``vtrg:CT_Vertrag``, attachments ``allg:CT_Datei``.
Only the optional elements we read or fill are declared; order and types follow the official
schemas. Where the official type is abstract we declare the concrete one we use and write its
``xsi:type`` (``schaden.ABSTRACT_TYPES``). The Valoren extensions: docs/wire-format.md.
"""

from __future__ import annotations

from typing import Any

from spyne import Boolean, ByteArray, ComplexModel, Decimal, Unicode, XmlAttribute, XmlData

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    many,
    optional,
    required,
    text,
    zeitstempel_type,
)
from bipro_service.entrypoints.soap.vertrag_objects import CT_Vertragsnummer
from bipro_service.namespaces import (
    ALLGEMEIN,
    GEVO,
    PRODUKTMODELL,
    SACHEN,
    SCHADEN,
    SCHADEN_LEISTUNG,
    VERTRAG_OBJEKTE,
    XMIME,
)

#: ``ST_Zeitpunkt``: a date with optional time and zone (we read the date).
ZEITPUNKT = (
    r"[0-9]{4}-[0-1][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9](:[0-5][0-9](.[0-9]{3})?)?)?"
    r"([+-][0-2][0-9]:[0-5][0-9]|Z)?"
)
#: ``STE_ArtDerSchadenhoeheBasis``: 01 Gesamt-Schadenhöhe, 06 Entschädigung, 11 Gesamtwert
#: des versicherten Gutes, 99 Sonstiges (… our mitigation costs, AVB 7.2).
ART_DER_SCHADENHOEHE = (
    ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    + [str(n) for n in range(10, 18)]
    + ["99"]
)
#: The idempotency key (``gevo:VorgangsnummerVM``, ``ST_Vorgangsnummer`` has 35 characters).
KEY_PATTERN = r"[A-Za-z0-9._:\-]{8,35}"


def _ja_nein() -> type:
    return optional(Boolean, type_name="ST_JaNein")


def _betrag() -> type:
    return optional(Decimal, total_digits=12, fraction_digits=2, type_name="ST_Betrag")


def _zeitpunkt(mandatory: bool = False) -> type:
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=ZEITPUNKT, type_name="ST_Zeitpunkt")


class CT_Daten(ComplexModel):
    """``xmime:base64Binary``: the file's bytes, their MIME type in ``xmime:contentType``
    (qualified: ``messages.qualify_xmime_attributes``)."""

    __namespace__ = XMIME
    __type_name__ = "base64Binary"
    _type_info = [
        ("value", XmlData(ByteArray)),
        ("contentType", XmlAttribute(Unicode(min_len=3, max_len=127), ns=XMIME)),
    ]


# Spyne reads attributes by local name; the request's is ``{xmime}contentType``.
_alt: Any = CT_Daten._type_info_alt
_alt[f"{{{XMIME}}}contentType"] = (
    CT_Daten.get_flat_type_info(CT_Daten)["contentType"],
    "contentType",
)


class CT_Datei(ComplexModel):
    """``allg:CT_Datei``: an attachment, inline base64 (MTOM parts arrive resolved)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Datei"
    _type_info = [
        ("Dateiname", text(255)),
        (
            "Dateityp",
            optional(Unicode, values=["Dokument", "Nettodaten"], type_name="ST_Dateityp"),
        ),
        ("Daten", optional(CT_Daten)),
        (
            "Komprimierungstyp",
            required(Unicode, values=["ZIP", "KEINE"], type_name="ST_Komprimierungstyp"),
        ),
        ("DokumentartID", many(Unicode.customize(type_name="ST_DokumentartID"))),
        ("Kurzbeschreibung", text(255)),
    ]


class CT_Dokumentanforderung(ComplexModel):
    """``gevo:CT_Dokumentanforderung``: a document still needed (AVB 9.2.1.3/9.2.1.4)."""

    __namespace__ = GEVO
    __type_name__ = "CT_Dokumentanforderung"
    _type_info = [("ArtID", many(Unicode.customize(type_name="ST_DokumentartID"), 1))]


class CT_Geschaeftsvorgang(ComplexModel):
    """``gevo:CT_Geschaeftsvorgang`` (abstract), the base of ``sch:CT_Schadenmeldung``."""

    __namespace__ = GEVO
    __type_name__ = "CT_Geschaeftsvorgang"
    _type_info = [
        ("Vorgangsnummer", optional(Unicode, max_len=35, type_name="ST_Vorgangsnummer")),
        ("VorgangsnummerVM", optional(Unicode, max_len=35, type_name="ST_Vorgangsnummer")),
        ("Erstelldatum", zeitstempel_type(mandatory=False)),
        ("Dokumentanforderung", many(CT_Dokumentanforderung)),
        ("Datei", many(CT_Datei)),
    ]


class CT_Schadennummer(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Schadennummer"
    _type_info = [("Nummer", required(Unicode, max_len=25, type_name="ST_Schadennummer"))]


class CT_Produkt(ComplexModel):
    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Produkt"
    _type_info = [("Bezeichnung", text(255))]


class CT_Verkaufsprodukt(ComplexModel):
    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Verkaufsprodukt"
    _type_info = [("Produkt", required(CT_Produkt))]


class CT_Vertrag(ComplexModel):
    """``vtrg:CT_Vertrag`` with what a claim needs: the policy number."""

    __namespace__ = VERTRAG_OBJEKTE
    __type_name__ = "CT_Vertrag"
    _type_info = [
        ("Verkaufsprodukt", required(CT_Verkaufsprodukt)),
        ("Vertragsnummer", required(CT_Vertragsnummer)),
    ]


class CT_Geldwert(ComplexModel):
    """``allg:CT_Geldwert`` (abstract): amount and currency."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Geldwert"
    _type_info = [
        ("Betrag", _betrag()),
        ("Waehrung", optional(Unicode, pattern="[A-Z]{3}", type_name="ST_Waehrungsschluessel")),
    ]


class CT_Entschaedigungsbetrag(CT_Geldwert):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Entschaedigungsbetrag"
    _type_info: list[tuple[str, type]] = []


class CT_ExterneBearbeitungskosten(CT_Geldwert):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_ExterneBearbeitungskosten"
    _type_info: list[tuple[str, type]] = []


class CT_Schadenhoehe(CT_Geldwert):
    """``schdlstg:CT_Schadenhoehe``; ``ArtID`` is written as ``dt:STE_ArtDerSchadenhoeheBasis``."""

    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Schadenhoehe"
    _type_info = [
        (
            "ArtID",
            required(Unicode, values=ART_DER_SCHADENHOEHE, type_name="STE_ArtDerSchadenhoeheBasis"),
        )
    ]


class CT_Regulierung(ComplexModel):
    """The first assessment's estimate: indemnity (AVB 7.1/7.5) and costs (AVB 7.2)."""

    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Regulierung"
    _type_info = [
        ("Entschaedigungsbetrag", optional(CT_Entschaedigungsbetrag)),
        ("ExterneBearbeitungskosten", optional(CT_ExterneBearbeitungskosten)),
    ]


class CT_SchadenfallLeistungsfall(ComplexModel):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_SchadenfallLeistungsfall"
    _type_info = [
        ("Schadenstatus", optional(Unicode, values=["01", "02"], type_name="ST_Schadenstatus")),
        ("Schadenmeldedatum", _zeitpunkt()),
        ("Beschreibung", text(100)),  # the Valoren event code (Ereignis), docs/wire-format.md
        ("Entschaedigungsbetrag", optional(CT_Entschaedigungsbetrag)),
        ("Schadennummer", optional(CT_Schadennummer)),
        ("Vertrag", optional(CT_Vertrag)),
        ("Regulierung", optional(CT_Regulierung)),
    ]


class CT_Gegenstandsrolle(ComplexModel):
    """``allg:CT_Gegenstandsrolle`` (abstract): refers to a ``Gegenstand`` by its ID."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Gegenstandsrolle"
    _type_info = [("GegenstandID", required(Unicode, min_len=1, type_name="ST_ID"))]


class CT_Gegenstand(ComplexModel):
    """``allg:CT_Gegenstand`` (abstract)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Gegenstand"
    _type_info = [("GegenstandID", required(Unicode, min_len=1, type_name="ST_ID"))]


class CT_Schadenobjekt(CT_Gegenstandsrolle):
    """``schdlstg:CT_Schadenobjekt``: one affected item of the transported goods."""

    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Schadenobjekt"
    _type_info = [
        ("Bezeichnung", text(255)),
        ("Vertragsposition", text(30)),  # the valuables class, docs/wire-format.md
        (
            "Zustand",
            optional(Unicode, values=["1", "2", "3", "4"], type_name="ST_ZustandSchadenobjekt"),
        ),
        ("Schadenhoehe", many(CT_Schadenhoehe)),
    ]


class CT_Schaden(ComplexModel):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Schaden"
    _type_info = [
        ("ArtID", many(Unicode.customize(values=["1", "2", "3"], type_name="ST_Schaden"))),
        ("Schadenhoehe", many(CT_Schadenhoehe)),
        ("SchadenfallLeistungsfall", many(CT_SchadenfallLeistungsfall)),
        ("Schadenobjekt", many(CT_Schadenobjekt)),
    ]


class CT_Schadenhergang(ComplexModel):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Schadenhergang"
    _type_info = [("Beschreibung", text(1000))]


class CT_Schadenanschrift(ComplexModel):
    """``schdlstg:CT_Schadenanschrift`` (an ``allg:CT_Adresse``): where the loss happened."""

    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Schadenanschrift"
    _type_info = [("Schadenort", text(80))]


class CT_Polizeibericht(ComplexModel):
    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Polizeibericht"
    _type_info = [("Tagebuchnummer", text(30))]


class CT_Ereignis(ComplexModel):
    """``schdlstg:CT_Ereignis``: the loss event with its damage, amounts and items."""

    __namespace__ = SCHADEN_LEISTUNG
    __type_name__ = "CT_Ereignis"
    _type_info = [
        ("Schadendatum", _zeitpunkt()),
        ("PolizeilichGemeldet", _ja_nein()),
        ("Schadenhergang", many(CT_Schadenhergang)),
        ("Schaden", many(CT_Schaden)),
        ("Schadenanschrift", optional(CT_Schadenanschrift)),
        ("Polizeibericht", many(CT_Polizeibericht)),
    ]


class CT_Transport(CT_Gegenstand):
    """``sachen:CT_Transport`` for the abstract ``allg:CT_Gegenstand``: the transport."""

    __namespace__ = SACHEN
    __type_name__ = "CT_Transport"
    _type_info = [
        (
            "TransportmittelSchluessel",
            many(Unicode.customize(pattern=r"\d\d", type_name="ST_TransportmittelSchluessel")),
        ),
        ("Transportmittel", text(100)),  # the Valoren transport kind, docs/wire-format.md
    ]


class CT_Schadenmeldung(CT_Geschaeftsvorgang):
    """``sch:CT_Schadenmeldung``: the notification (request) and its echo (response)."""

    __namespace__ = SCHADEN
    __type_name__ = "CT_Schadenmeldung"
    _type_info = [
        ("Ereignis", optional(CT_Ereignis)),
        ("Gegenstand", many(CT_Transport)),
    ]


class CT_Schadenauskunft(ComplexModel):
    """``sch:CT_Schadenauskunft``: the claim asked for (request) and delivered (response)."""

    __namespace__ = SCHADEN
    __type_name__ = "CT_Schadenauskunft"
    _type_info = [
        ("Schadennummer", optional(CT_Schadennummer)),
        ("Ereignis", optional(CT_Ereignis)),
        ("Gegenstand", many(CT_Transport)),
    ]


class CT_SchadenmeldungRequest(CT_Request):
    __namespace__ = SCHADEN
    __type_name__ = "CT_SchadenmeldungRequest"
    _type_info = [("Schadenmeldung", required(CT_Schadenmeldung))]


class CT_SchadenmeldungResponse(CT_Response):
    __namespace__ = SCHADEN
    __type_name__ = "CT_SchadenmeldungResponse"
    _type_info = [("Schadenmeldung", required(CT_Schadenmeldung))]


class CT_SchadenauskunftRequest(CT_Request):
    __namespace__ = SCHADEN
    __type_name__ = "CT_SchadenauskunftRequest"
    _type_info = [("Schadenauskunft", required(CT_Schadenauskunft))]


class CT_SchadenauskunftResponse(CT_Response):
    __namespace__ = SCHADEN
    __type_name__ = "CT_SchadenauskunftResponse"
    _type_info = [("Schadenauskunft", required(CT_Schadenauskunft))]
