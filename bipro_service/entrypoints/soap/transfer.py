"""Transfer service (BiPRO 430): ``listShipments``, ``getShipment``, ``acknowledgeShipment``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.xml.mtom import Attachments
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status, zeitstempel
from bipro_service.entrypoints.soap.transfer_messages import (
    CT_AcknowledgeShipment,
    CT_AcknowledgeShipmentResponse,
    CT_Datei,
    CT_Daten,
    CT_GetShipment,
    CT_GetShipmentResponse,
    CT_GeVoTransfer,
    CT_Lieferung,
    CT_ListShipments,
    CT_ListShipmentsResponse,
    CT_Pruefsumme,
    CT_Zuordnungsdaten,
)
from bipro_service.service_layer import transfer
from bipro_service.service_layer.post import DATA_CATEGORIES
from bipro_service.service_layer.transfer import DocumentView, ShipmentView


def verfuegbar_bis(until: datetime, zone: ZoneInfo) -> str:
    """``VerfuegbarBis`` (``ST_Datum``): the last day, in the insurer's time zone, on which the
    shipment is available all day (it goes at ``until``, possibly during the following day)."""
    return (until.astimezone(zone) - timedelta(days=1)).date().isoformat()


def _daten(rc: RequestContext, document: DocumentView) -> bytes:
    """The document itself (inline base64), or the placeholder of its MTOM part: MTOM unless the
    firm chose inline base64 or the request was signed (signed answers sign inline content,
    docs/adr/0003-mtom-answers-and-signatures.md)."""
    principal = rc.principal
    if rc.signed or principal is None or principal.inline_documents:
        return document.data
    if rc.attachments is None:
        rc.attachments = Attachments()
    return rc.attachments.placeholder(document.data, document.content_type)


def _datei(rc: RequestContext, document: DocumentView, *, data_file: bool) -> CT_Datei:
    """The one place a file becomes ``gevo:Datei``: inline base64 ``allg:Daten`` with its MIME
    type in ``xmime:contentType`` (an MTOM answer replaces that content by an ``xop:Include``)."""
    return CT_Datei(
        Dateiname=document.filename,
        Dateityp="Nettodaten" if data_file else "Dokument",
        Daten=CT_Daten(value=[_daten(rc, document)], contentType=document.content_type),
        Komprimierungstyp="ZIP" if document.content_type == "application/zip" else "KEINE",
        DokumentartID=[document.dokumentart_id] if document.dokumentart_id else [],
        Pruefsumme=CT_Pruefsumme(Typ="SHA1", Wert=document.sha1),
    )


def _transfer(rc: RequestContext, view: ShipmentView) -> CT_GeVoTransfer:
    """The shipment's one business event, with its files (``ArtID`` is mandatory for transfers)."""
    zuordnung = []
    if view.partnernummer or view.versicherungsscheinnummer:
        zuordnung = [
            CT_Zuordnungsdaten(
                Versicherungsscheinnummer=view.versicherungsscheinnummer,
                Partnernummer=view.partnernummer,
            )
        ]
    data_file = view.category in DATA_CATEGORIES
    return CT_GeVoTransfer(
        Erstelldatum=zeitstempel(view.created_at),
        ArtID=view.category,
        Datei=[_datei(rc, d, data_file=data_file) for d in view.documents],
        Sparte=view.sparte,
        Zuordnungsdaten=zuordnung,
    )


def _lieferung(rc: RequestContext, view: ShipmentView) -> CT_Lieferung:
    zone = ZoneInfo(rc.runtime.settings.business_timezone)
    return CT_Lieferung(
        ID=view.id,
        Einstellzeitpunkt=zeitstempel(view.created_at),
        Bestaetigungszeitpunkt=zeitstempel(view.acknowledged_at) if view.acknowledged_at else None,
        Kategorie=view.category,
        VerfuegbarBis=verfuegbar_bis(view.available_until, zone),
        Transfer=[_transfer(rc, view)] if view.documents else [],
        ArtDerLieferung=view.art,
        EnthaeltNurDaten=view.only_data,
        PeriodischeLieferung=view.periodic,
        Sparte=[view.sparte] if view.sparte else [],
        AnzahlTransfers=view.transfers,
    )


def _touch(rc: RequestContext, view: ShipmentView) -> None:
    rc.touched("shipment", view.id)
    if view.partnernummer:
        rc.touched("customer", view.partnernummer)
    if view.versicherungsscheinnummer:
        rc.touched("contract", view.versicherungsscheinnummer)


class TransferService(BiproService):
    """Electronic broker post, scoped to the caller's firm and its current customers."""

    @bipro_operation(CT_ListShipments, CT_ListShipmentsResponse)
    def listShipments(ctx: Any, request: CT_ListShipments) -> CT_ListShipmentsResponse:
        rc = request_context(ctx)
        with rc.runtime.uow(principal_of(rc)) as uow:
            outcome, views = transfer.list_shipments(
                uow,
                utcnow(),
                request.KategorieDerLieferung,
                acknowledged=bool(request.BestaetigeLieferungen),
            )
        for view in views:
            _touch(rc, view)
        return CT_ListShipmentsResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, outcome.ok, outcome.meldungen),
            Lieferung=[_lieferung(rc, v) for v in views],
        )

    @bipro_operation(CT_GetShipment, CT_GetShipmentResponse)
    def getShipment(ctx: Any, request: CT_GetShipment) -> CT_GetShipmentResponse:
        rc = request_context(ctx)
        with rc.runtime.uow(principal_of(rc)) as uow:
            outcome, view = transfer.get_shipment(uow, request.ID, utcnow())
        if view is not None:
            _touch(rc, view)
        return CT_GetShipmentResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, outcome.ok, outcome.meldungen),
            Lieferung=_lieferung(rc, view) if view is not None else None,
        )

    @bipro_operation(CT_AcknowledgeShipment, CT_AcknowledgeShipmentResponse)
    def acknowledgeShipment(
        ctx: Any, request: CT_AcknowledgeShipment
    ) -> CT_AcknowledgeShipmentResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        # The acknowledgement and its audit record commit together.
        with rc.unit_of_work(principal) as uow:
            outcome, view = transfer.acknowledge_shipment(
                uow, request.ID, principal.user_id, utcnow()
            )
            if view is not None:
                _touch(rc, view)
            status = make_status(rc, outcome.ok, outcome.meldungen)
            uow.commit()
        return CT_AcknowledgeShipmentResponse(BiPROVersion=rc.bipro_version, Status=status)
