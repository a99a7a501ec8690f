"""Transfer service (BiPRO 430) message types in the official namespaces of release 2.6.

``bipro-transfer-2.6.0.xsd`` (``tran``) holds the operations and ``CT_Lieferung``; a
``Transfer`` is the abstract ``transfer:CT_Transfer`` written as the concrete
``trgevo:CT_GeVoTransfer`` (``xsi:type``); its files are ``gevo:Datei`` of type ``allg:CT_Datei``.
Only the optional elements we fill are declared; order and types follow the official schemas.
"""

from __future__ import annotations

from spyne import Boolean, ByteArray, ComplexModel, Integer, Unicode, XmlAttribute, XmlData

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    datum_type,
    many,
    optional,
    required,
    zeitstempel_type,
)
from bipro_service.namespaces import ALLGEMEIN, DATENTYPEN, GEVO, TRANSFER, TRANSFER_GEVO, XMIME
from bipro_service.service_layer.post import ART_DER_LIEFERUNG

#: ``ST_SuchGeVoArt``: a category of 3, 6 or 9 digits (``Kategorie``, ``KategorieDerLieferung``).
SUCH_GEVO_ART = r"(\d\d\d){1,3}"


def _st(model: type, name: str, **kwargs: object) -> type:
    """A named restriction (``ST_…``) in ``datentypen``, as in the official schemas."""
    return model.customize(type_name=name, __namespace__=DATENTYPEN, **kwargs)  # type: ignore[attr-defined, no-any-return]


def _suche(mandatory: bool) -> type:
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=SUCH_GEVO_ART, type_name="ST_SuchGeVoArt")


class CT_Daten(ComplexModel):
    """``xmime:base64Binary``: the file's bytes, their MIME type in ``xmime:contentType``."""

    __namespace__ = XMIME
    __type_name__ = "base64Binary"
    _type_info = [
        ("value", XmlData(ByteArray)),
        ("contentType", XmlAttribute(Unicode(min_len=3), ns=XMIME)),
    ]


class CT_Pruefsumme(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Pruefsumme"
    _type_info = [
        ("Typ", required(Unicode, values=["MD5", "SHA1"], type_name="ST_Pruefsummetyp")),
        ("Wert", required(Unicode, min_len=1, max_len=255, type_name="ST_Pruefsumme")),
    ]


class CT_Datei(ComplexModel):
    """``allg:CT_Datei`` (official order; ``Komprimierungstyp`` is mandatory)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Datei"
    _type_info = [
        ("Dateiname", optional(Unicode, max_len=255, type_name="ST_Text255")),
        (
            "Dateityp",
            optional(Unicode, values=["Dokument", "Nettodaten"], type_name="ST_Dateityp"),
        ),
        ("Daten", optional(CT_Daten)),
        (
            "Komprimierungstyp",
            required(Unicode, values=["ZIP", "KEINE"], type_name="ST_Komprimierungstyp"),
        ),
        ("Erstelldatum", zeitstempel_type(mandatory=False)),
        ("DokumentartID", many(_st(Unicode, "ST_DokumentartID"))),
        ("Kurzbeschreibung", optional(Unicode, max_len=255, type_name="ST_Text255")),
        ("Pruefsumme", optional(CT_Pruefsumme)),
    ]


class CT_Geschaeftsvorgang(ComplexModel):
    """``gevo:CT_Geschaeftsvorgang`` (abstract): the base of every transfer."""

    __namespace__ = GEVO
    __type_name__ = "CT_Geschaeftsvorgang"
    _type_info = [
        ("Erstelldatum", zeitstempel_type(mandatory=False)),
        ("Freitext", optional(Unicode, max_len=1000, type_name="ST_Text1000")),
        ("ArtID", optional(Unicode, pattern=r"\d{9}", type_name="ST_GeVoArt")),
        ("Datei", many(CT_Datei)),
    ]


class CT_Zuordnungsdaten(ComplexModel):
    """What a transfer is about: contract and partner numbers."""

    __namespace__ = TRANSFER
    __type_name__ = "CT_Zuordnungsdaten"
    _type_info = [
        (
            "Versicherungsscheinnummer",
            optional(Unicode, max_len=35, type_name="ST_Versicherungsscheinnummer"),
        ),
        ("Partnernummer", optional(Unicode, max_len=30, type_name="ST_Text030")),
    ]


class CT_Transfer(CT_Geschaeftsvorgang):
    """``transfer:CT_Transfer`` (abstract): written as :class:`CT_GeVoTransfer`."""

    __namespace__ = TRANSFER
    __type_name__ = "CT_Transfer"
    _type_info = [
        ("Sparte", optional(Unicode, pattern=r"\d{3}", type_name="ST_Sparte")),
        ("Zuordnungsdaten", many(CT_Zuordnungsdaten)),
    ]


class CT_GeVoTransfer(CT_Transfer):
    """``trgevo:CT_GeVoTransfer``: the universal transfer of business events."""

    __namespace__ = TRANSFER_GEVO
    __type_name__ = "CT_GeVoTransfer"
    _type_info: list[tuple[str, type]] = []


class CT_Lieferung(ComplexModel):
    """``transfer:CT_Lieferung`` in the official order."""

    __namespace__ = TRANSFER
    __type_name__ = "CT_Lieferung"
    _type_info = [
        ("ID", required(Unicode, min_len=1, max_len=25, type_name="ST_LieferungID")),
        ("Einstellzeitpunkt", zeitstempel_type(mandatory=False)),
        ("Bestaetigungszeitpunkt", zeitstempel_type(mandatory=False)),
        ("Kategorie", _suche(True)),
        ("VerfuegbarBis", datum_type(mandatory=False)),
        ("Transfer", many(CT_Transfer)),
        (
            "ArtDerLieferung",
            optional(Unicode, values=sorted(ART_DER_LIEFERUNG), type_name="ST_ArtDerLieferung"),
        ),
        ("EnthaeltNurDaten", optional(Boolean, type_name="ST_JaNein")),
        ("PeriodischeLieferung", optional(Boolean, type_name="ST_JaNein")),
        ("Sparte", many(_st(Unicode, "ST_Sparte", pattern=r"\d{3}"))),
        ("AnzahlTransfers", required(Integer, type_name="ST_Ganzzahl")),
    ]


class CT_ListShipments(CT_Request):
    __namespace__ = TRANSFER
    __type_name__ = "CT_ListShipments"
    _type_info = [
        ("KategorieDerLieferung", _suche(False)),
        ("BestaetigeLieferungen", optional(Boolean, type_name="ST_JaNein")),
    ]


def _shipment_id() -> type:
    return required(Unicode, min_len=1, max_len=25, type_name="ST_LieferungID")


class CT_GetShipment(CT_Request):
    __namespace__ = TRANSFER
    __type_name__ = "CT_GetShipment"
    _type_info = [("ID", _shipment_id())]


class CT_AcknowledgeShipment(CT_Request):
    __namespace__ = TRANSFER
    __type_name__ = "CT_AcknowledgeShipment"
    _type_info = [("ID", _shipment_id())]


class CT_ListShipmentsResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_ListShipmentsResponse"
    _type_info = [("Lieferung", many(CT_Lieferung))]


class CT_GetShipmentResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_GetShipmentResponse"
    _type_info = [("Lieferung", optional(CT_Lieferung))]


class CT_AcknowledgeShipmentResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_AcknowledgeShipmentResponse"
    _type_info: list[tuple[str, type]] = []
