"""Transfer service (BiPRO 430): ``listShipments``, ``getShipment``, ``acknowledgeShipment``."""

from __future__ import annotations

from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.transfer_messages import (
    CT_AcknowledgeShipmentResponse,
    CT_Datei,
    CT_GetShipmentResponse,
    CT_Lieferung,
    CT_ListShipmentsRequest,
    CT_ListShipmentsResponse,
    CT_ShipmentRequest,
    CT_Transfer,
)
from bipro_service.service_layer import transfer
from bipro_service.service_layer.transfer import ShipmentView

IGNORED_CONFIRM = Meldung(
    MeldungArt.HINWEIS,
    MeldungID.TRANSFER_OK,
    "BestaetigeLieferungen wird nicht ausgewertet: "
    "Lieferungen werden nur mit acknowledgeShipment quittiert.",
)


def _lieferung(view: ShipmentView) -> CT_Lieferung:
    transfers = []
    if view.documents:
        transfers = [
            CT_Transfer(
                Datei=[
                    CT_Datei(
                        Dateiname=d.filename,
                        Dateityp=d.content_type,
                        Daten=[d.data],
                        DokumentartID=d.dokumentart_id,
                        Pruefsumme=d.sha256,
                    )
                    for d in view.documents
                ]
            )
        ]
    return CT_Lieferung(
        ID=view.id,
        Einstellzeitpunkt=view.created_at,
        Kategorie=view.category,
        VerfuegbarBis=view.available_until,
        ArtDerLieferung=view.art,
        EnthaeltNurDaten=view.only_data,
        PeriodischeLieferung=view.periodic,
        Sparte=view.sparte,
        AnzahlTransfers=view.transfers,
        Transfer=transfers,
    )


def _touch(rc: RequestContext, view: ShipmentView) -> None:
    rc.touched("shipment", view.id)
    if view.partnernummer:
        rc.touched("customer", view.partnernummer)
    if view.versicherungsscheinnummer:
        rc.touched("contract", view.versicherungsscheinnummer)


class TransferService(BiproService):
    """Electronic broker post, scoped to the caller's firm and its current customers."""

    @bipro_operation(CT_ListShipmentsRequest, CT_ListShipmentsResponse)
    def listShipments(ctx: Any, request: CT_ListShipmentsRequest) -> CT_ListShipmentsResponse:
        rc = request_context(ctx)
        with rc.runtime.uow(principal_of(rc)) as uow:
            outcome, views = transfer.list_shipments(uow, utcnow(), request.KategorieDerLieferung)
        for view in views:
            _touch(rc, view)
        meldungen = list(outcome.meldungen)
        if request.BestaetigeLieferungen:
            meldungen.append(IGNORED_CONFIRM)
        return CT_ListShipmentsResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, outcome.ok, meldungen),
            Lieferung=[_lieferung(v) for v in views],
        )

    @bipro_operation(CT_ShipmentRequest, CT_GetShipmentResponse)
    def getShipment(ctx: Any, request: CT_ShipmentRequest) -> CT_GetShipmentResponse:
        rc = request_context(ctx)
        with rc.runtime.uow(principal_of(rc)) as uow:
            outcome, view = transfer.get_shipment(uow, request.ID, utcnow())
        if view is not None:
            _touch(rc, view)
        return CT_GetShipmentResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, outcome.ok, outcome.meldungen),
            Lieferung=_lieferung(view) if view is not None else None,
        )

    @bipro_operation(CT_ShipmentRequest, CT_AcknowledgeShipmentResponse)
    def acknowledgeShipment(
        ctx: Any, request: CT_ShipmentRequest
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
