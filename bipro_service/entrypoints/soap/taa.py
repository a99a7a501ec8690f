"""Tariff calculation, offer, application (BiPRO 420): ``getQuote``, ``getOffer``, ``setOrder``."""

from __future__ import annotations

from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import TaaFinding, finding
from bipro_service.domain.tariff import Quote
from bipro_service.entrypoints.soap import taa_wire
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.taa_messages import (
    CT_Angebot,
    CT_GetOfferRequest,
    CT_GetOfferResponse,
    CT_GetQuoteRequest,
    CT_GetQuoteResponse,
    CT_SetOrderRequest,
    CT_SetOrderResponse,
    CT_Vertragsabschluss,
)
from bipro_service.service_layer import portfolio, taa, taa_offers, taa_orders
from bipro_service.service_layer.taa_orders import OrderOutcome


def _calculated(quote: Quote) -> str:
    text = f"Beitrag nach Tarif {quote.tariff_version} berechnet."
    if quote.example:
        text += " Beispieltarif: die Beitragssätze sind Beispielwerte."
    return text


def _vertrag(outcome: OrderOutcome) -> CT_Vertragsabschluss | None:
    contract, order, offer = outcome.contract, outcome.order, outcome.offer
    if contract is None or order is None or offer is None:
        return None
    document = (
        taa_wire.dokument(outcome.document_name, outcome.document)
        if outcome.document is not None and outcome.document_name is not None
        else None
    )
    return CT_Vertragsabschluss(
        Versicherungsscheinnummer=contract.versicherungsscheinnummer,
        Partnernummer=contract.customer.partnernummer,
        Angebotsnummer=offer.offer_number,
        Tarifversion=contract.tariff_version,
        Beginn=contract.begin,
        Versicherungssumme=contract.sum_insured,
        Gesamtbeitrag=contract.annual_premium,
        Zahlweise=contract.payment_mode,
        WiderrufsfristBis=order.withdrawal_until,
        Dokument=document,
        LieferungID=outcome.shipment_id,
    )


def _touch_order(rc: RequestContext, outcome: OrderOutcome) -> None:
    if outcome.offer is not None:
        rc.touched("offer", outcome.offer.offer_number)
    if outcome.contract is not None:
        rc.touched("contract", outcome.contract.versicherungsscheinnummer)
        rc.touched("customer", outcome.contract.customer.partnernummer)
    if outcome.created and outcome.shipment_id:
        rc.touched("shipment", outcome.shipment_id)


class TAAService(BiproService):
    """Quotes for everyone of the firm; offers too; orders with portfolio rights only."""

    @bipro_operation(CT_GetQuoteRequest, CT_GetQuoteResponse)
    def getQuote(ctx: Any, request: CT_GetQuoteRequest) -> CT_GetQuoteResponse:
        rc = request_context(ctx)
        principal_of(rc)  # authenticated; the tariff is no portfolio data (T I.3c)
        assessment = taa.quote(
            taa_wire.quote_request(request.Tarifierung), rc.runtime.business_day()
        )
        meldungen = list(assessment.meldungen)
        if assessment.quote is not None:
            meldungen.insert(0, finding(TaaFinding.QUOTE_CALCULATED, _calculated(assessment.quote)))
        return CT_GetQuoteResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, assessment.ok, meldungen),
            Berechnung=taa_wire.berechnung(assessment.quote) if assessment.quote else None,
        )

    @bipro_operation(CT_GetOfferRequest, CT_GetOfferResponse)
    def getOffer(ctx: Any, request: CT_GetOfferRequest) -> CT_GetOfferResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        with rc.unit_of_work(principal) as uow:
            outcome = taa_offers.create_offer(
                uow,
                principal,
                taa_wire.quote_request(request.Tarifierung),
                taa_wire.applicant(request.Antragsteller),
                request.Versicherungsbeginn,
                now=utcnow(),
                today=uow.business_day,
            )
            offer, quote = outcome.offer, outcome.quote
            if offer is None or quote is None or outcome.document is None:
                status = make_status(rc, False, outcome.meldungen)
                return CT_GetOfferResponse(BiPROVersion=rc.bipro_version, Status=status)
            rc.touched("offer", offer.offer_number)
            if offer.applicant.get("partnernummer"):
                rc.touched("customer", offer.applicant["partnernummer"])
            if outcome.shipment_id:
                rc.touched("shipment", outcome.shipment_id)
            created = finding(
                TaaFinding.OFFER_CREATED,
                f"Angebot {offer.offer_number} erstellt, gültig bis {offer.valid_until:%d.%m.%Y}. "
                + _calculated(quote),
            )
            status = make_status(rc, True, [created, *outcome.meldungen])
            answer = CT_Angebot(
                Angebotsnummer=offer.offer_number,
                GueltigBis=offer.valid_until,
                Versicherungsbeginn=offer.begin,
                Berechnung=taa_wire.berechnung(quote),
                Dokument=taa_wire.dokument(
                    outcome.document_name or "Angebot.pdf", outcome.document
                ),
                LieferungID=outcome.shipment_id,
            )
            # The offer, its post shipment and this request's audit record commit together.
            uow.commit()
        return CT_GetOfferResponse(BiPROVersion=rc.bipro_version, Status=status, Angebot=answer)

    @bipro_operation(CT_SetOrderRequest, CT_SetOrderResponse)
    def setOrder(ctx: Any, request: CT_SetOrderRequest) -> CT_SetOrderResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        # An order creates and answers with portfolio data (customer, contract): T I.3c.
        portfolio.require_portfolio_rights(principal)
        with rc.unit_of_work(principal) as uow:
            outcome = taa_orders.place_order(
                uow,
                principal,
                request.Angebotsnummer,
                now=utcnow(),
                today=uow.business_day,
            )
            _touch_order(rc, outcome)
            status = make_status(rc, outcome.ok, outcome.meldungen)
            answer = _vertrag(outcome)
            if outcome.created:
                # Customer, contract, order, policy shipment and audit record: one transaction.
                uow.commit()
        return CT_SetOrderResponse(BiPROVersion=rc.bipro_version, Status=status, Vertrag=answer)
