"""Transfer service (BiPRO 430) message types, namespace ``…/namespace/transfer``."""

from __future__ import annotations

from spyne import Array, Boolean, ByteArray, ComplexModel, Integer, Unicode

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    optional,
    required,
    utc_datetime,
)
from bipro_service.namespaces import TRANSFER

Kategorie = {"pattern": r"\d{9}", "type_name": "ST_Kategorie", "__namespace__": TRANSFER}


class CT_Datei(ComplexModel):
    __namespace__ = TRANSFER
    __type_name__ = "CT_Datei"
    _type_info = [
        ("Dateiname", required(Unicode)),
        ("Dateityp", required(Unicode)),
        ("Daten", required(ByteArray)),
        ("Komprimierungstyp", optional(Unicode)),
        ("DokumentartID", optional(Unicode)),
        ("Pruefsumme", optional(Unicode)),
    ]


class CT_Transfer(ComplexModel):
    __namespace__ = TRANSFER
    __type_name__ = "CT_Transfer"
    _type_info = [("Datei", Array(CT_Datei, wrapped=False).customize(min_occurs=0, nillable=False))]


class CT_Lieferung(ComplexModel):
    __namespace__ = TRANSFER
    __type_name__ = "CT_Lieferung"
    _type_info = [
        ("ID", required(Unicode)),
        ("Einstellzeitpunkt", utc_datetime()),
        ("Kategorie", required(Unicode, **Kategorie)),
        ("VerfuegbarBis", utc_datetime()),
        ("ArtDerLieferung", required(Unicode)),
        ("EnthaeltNurDaten", required(Boolean)),
        ("PeriodischeLieferung", optional(Boolean)),
        ("Sparte", optional(Unicode)),
        ("AnzahlTransfers", required(Integer)),
        ("Transfer", Array(CT_Transfer, wrapped=False).customize(min_occurs=0, nillable=False)),
    ]


class CT_ListShipmentsRequest(CT_Request):
    __namespace__ = TRANSFER
    __type_name__ = "CT_ListShipmentsRequest"
    _type_info = [
        (
            "KategorieDerLieferung",
            optional(Unicode, max_len=20, type_name="ST_KategorieFilter", __namespace__=TRANSFER),
        ),
        ("BestaetigeLieferungen", optional(Boolean)),
    ]


class CT_ListShipmentsResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_ListShipmentsResponse"
    _type_info = [
        ("Lieferung", Array(CT_Lieferung, wrapped=False).customize(min_occurs=0, nillable=False))
    ]


class CT_ShipmentRequest(CT_Request):
    """``getShipment`` and ``acknowledgeShipment``: the shipment's ``ID``."""

    __namespace__ = TRANSFER
    __type_name__ = "CT_ShipmentRequest"
    _type_info = [
        ("ID", required(Unicode, max_len=100, type_name="ST_LieferungsID", __namespace__=TRANSFER))
    ]


class CT_GetShipmentResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_GetShipmentResponse"
    _type_info = [("Lieferung", optional(CT_Lieferung))]


class CT_AcknowledgeShipmentResponse(CT_Response):
    __namespace__ = TRANSFER
    __type_name__ = "CT_AcknowledgeShipmentResponse"
    _type_info: list[tuple[str, type]] = []
