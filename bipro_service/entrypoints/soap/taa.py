"""Tariff calculation, offer, application (BiPRO 420): ``getQuote``, ``getOffer``, ``setOrder``
in the official shapes of ``…/versicherung/tarifierung``; the other operations of the norm are
answered as not offered (00009)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from spyne import AnyXml

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import (
    BiproError,
    MeldungID,
    NotImplementedOperation,
    TaaFinding,
    finding,
)
from bipro_service.domain.tariff import Quote
from bipro_service.domain.tariff.snapshot import quote_from_dict, request_from_dict
from bipro_service.entrypoints.soap import taa_answers, taa_wire
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
    CT_Antrag,
    CT_OfferRequest,
    CT_OfferResponse,
    CT_OrderRequest,
    CT_OrderResponse,
    CT_QuoteRequest,
    CT_QuoteResponse,
    CT_Tarifierung,
    CT_Vertragsnummer,
    CT_Vertragspartner,
)
from bipro_service.entrypoints.soap.taa_messages.official import (
    CT_JuristischePerson,
    CT_Person,
    CT_SUHVersicherung,
    CT_Transport,
)
from bipro_service.service_layer import portfolio, taa, taa_offers, taa_orders
from bipro_service.service_layer.taa_orders import OrderOutcome

QUOTE_ROOT = "tar:getQuote/tar:Request/tar:Tarifierung"
OFFER_ROOT = "tar:getOffer/tar:Request/tar:Angebot"
ORDER_ROOT = "tar:setOrder/tar:Request/tar:Antrag"
T = TypeVar("T")


@contextmanager
def _reading(root: str) -> Iterator[None]:
    """A request field the tariff cannot do without is missing: its XPath below ``root``."""
    try:
        yield
    except BiproError as error:
        if error.quelle is not None and not error.quelle.startswith("tar:get"):
            error.quelle = f"{root}/{error.quelle}"
        raise


def _read(root: str, read: Callable[[], T]) -> T:
    with _reading(root):
        return read()


def _calculated(quote: Quote) -> str:
    text = f"Beitrag nach Tarif {quote.tariff_version} berechnet."
    if quote.example:
        text += " Beispieltarif: die Beitragssätze sind Beispielwerte."
    return text


def _antrag(outcome: OrderOutcome, today: Any) -> CT_Antrag | None:
    contract, order, offer = outcome.contract, outcome.order, outcome.offer
    if contract is None or order is None or offer is None:
        return None
    files = None
    if outcome.document is not None and outcome.document_name is not None:
        files = [taa_answers.datei(outcome.document_name, outcome.document, "Versicherungsschein")]
    fields = taa_answers.taa_fields(
        request_from_dict(offer.request), quote_from_dict(offer.quote), contract.begin
    )
    return CT_Antrag(
        Vorgangsnummer=offer.offer_number,
        Datei=files,
        Partner=[
            CT_JuristischePerson(Partnernummer=contract.customer.partnernummer, PartnerID="VN")
        ],
        Versicherungsnehmer=CT_Vertragspartner(PartnerID="VN"),
        Antragsdatum=today.isoformat(),
        Vertragsnummer=CT_Vertragsnummer(
            Versicherungsscheinnummer=contract.versicherungsscheinnummer
        ),
        **fields,
    )


def _touch_order(rc: RequestContext, outcome: OrderOutcome) -> None:
    if outcome.offer is not None:
        rc.touched("offer", outcome.offer.offer_number)
    if outcome.contract is not None:
        rc.touched("contract", outcome.contract.versicherungsscheinnummer)
        rc.touched("customer", outcome.contract.customer.partnernummer)
    if outcome.created and outcome.shipment_id:
        rc.touched("shipment", outcome.shipment_id)


def _not_offered(operation: str) -> NotImplementedOperation:
    return NotImplementedOperation(
        f"Die Operation {operation} der Norm 420 wird von diesem Service nicht angeboten; "
        "angeboten werden getQuote, getOffer und setOrder."
    )


class TAAService(BiproService):
    """Quotes for everyone of the firm; offers too; orders with portfolio rights only."""

    wire_subtypes = (CT_SUHVersicherung, CT_Transport, CT_Person, CT_JuristischePerson)

    @bipro_operation(CT_QuoteRequest, CT_QuoteResponse)
    def getQuote(ctx: Any, request: CT_QuoteRequest) -> CT_QuoteResponse:
        rc = request_context(ctx)
        principal_of(rc)  # authenticated; the tariff is no portfolio data (T I.3c)
        wanted = _read(QUOTE_ROOT, lambda: taa_wire.quote_request(request.Tarifierung))
        assessment = taa.quote(wanted, rc.runtime.business_day())
        meldungen = taa_wire.quellen(assessment.meldungen, QUOTE_ROOT)
        if assessment.quote is not None:
            calculated = finding(TaaFinding.QUOTE_CALCULATED, _calculated(assessment.quote))
            meldungen.insert(0, calculated)
        answer = None
        if assessment.quote is not None:
            answer = CT_Tarifierung(**taa_answers.taa_fields(wanted, assessment.quote))
        return CT_QuoteResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, assessment.ok, meldungen),
            Tarifierung=answer,
        )

    @bipro_operation(CT_OfferRequest, CT_OfferResponse)
    def getOffer(ctx: Any, request: CT_OfferRequest) -> CT_OfferResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        wire = request.Angebot
        with _reading(OFFER_ROOT):
            wanted = taa_wire.quote_request(wire)
            applicant = taa_wire.applicant(wire)
            begin = taa_wire.begin(wire)
        with rc.unit_of_work(principal) as uow:
            outcome = taa_offers.create_offer(
                uow, principal, wanted, applicant, begin, now=utcnow(), today=uow.business_day
            )
            offer, quote = outcome.offer, outcome.quote
            meldungen = taa_wire.quellen(outcome.meldungen, OFFER_ROOT)
            if offer is None or quote is None or outcome.document is None:
                status = make_status(rc, False, meldungen)
                return CT_OfferResponse(BiPROVersion=rc.bipro_version, Status=status)
            rc.touched("offer", offer.offer_number)
            if offer.applicant.get("partnernummer"):
                rc.touched("customer", offer.applicant["partnernummer"])
            if outcome.shipment_id:
                rc.touched("shipment", outcome.shipment_id)
            shipment = f" Lieferung {outcome.shipment_id}." if outcome.shipment_id else ""
            created = finding(
                TaaFinding.OFFER_CREATED,
                f"Angebot {offer.offer_number} erstellt, gültig bis {offer.valid_until:%d.%m.%Y}. "
                + _calculated(quote)
                + shipment,
            )
            status = make_status(rc, True, [created, *meldungen])
            status.Gueltigkeitsende = f"{offer.valid_until.isoformat()}T23:59:59"
            answer = CT_Angebot(
                Vorgangsnummer=offer.offer_number,
                Datei=[
                    taa_answers.datei(
                        outcome.document_name or "Angebot.pdf", outcome.document, "Angebot"
                    )
                ],
                Partner=wire.Partner,
                Versicherungsnehmer=wire.Versicherungsnehmer,
                **taa_answers.taa_fields(wanted, quote, offer.begin),
            )
            # The offer, its post shipment and this request's audit record commit together.
            uow.commit()
        return CT_OfferResponse(BiPROVersion=rc.bipro_version, Status=status, Angebot=answer)

    @bipro_operation(CT_OrderRequest, CT_OrderResponse)
    def setOrder(ctx: Any, request: CT_OrderRequest) -> CT_OrderResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        # An order creates and answers with portfolio data (customer, contract): T I.3c.
        portfolio.require_portfolio_rights(principal)
        number = (request.Antrag.Vorgangsnummer or "").strip()
        if not number:
            raise BiproError(
                "Die Angebotsnummer fehlt (gevo:Vorgangsnummer des Antrags).",
                meldung_id=MeldungID.INCOMPLETE_DATA,
                quelle=f"{ORDER_ROOT}/gevo:Vorgangsnummer",
            )
        with rc.unit_of_work(principal) as uow:
            outcome = taa_orders.place_order(
                uow, principal, number, now=utcnow(), today=uow.business_day
            )
            _touch_order(rc, outcome)
            meldungen = taa_wire.quellen(outcome.meldungen, ORDER_ROOT)
            if outcome.ok and outcome.shipment_id and meldungen:
                first = meldungen[0]
                text = f"{first.text} Lieferung {outcome.shipment_id}."
                meldungen[0] = dataclasses.replace(first, text=text)
            status = make_status(rc, outcome.ok, meldungen)
            answer = _antrag(outcome, uow.business_day)
            if outcome.created:
                # Customer, contract, order, policy shipment and audit record: one transaction.
                uow.commit()
        return CT_OrderResponse(BiPROVersion=rc.bipro_version, Status=status, Antrag=answer)

    # The other operations of bipro-versicherung-tarifierung: not offered (00009).

    @bipro_operation(AnyXml, CT_QuoteResponse)
    def getQuoteQuestions(ctx: Any, request: Any) -> CT_QuoteResponse:
        raise _not_offered("getQuoteQuestions")

    @bipro_operation(AnyXml, CT_OfferResponse)
    def getOfferQuestions(ctx: Any, request: Any) -> CT_OfferResponse:
        raise _not_offered("getOfferQuestions")

    @bipro_operation(AnyXml, CT_OrderResponse)
    def getOrderQuestions(ctx: Any, request: Any) -> CT_OrderResponse:
        raise _not_offered("getOrderQuestions")

    @bipro_operation(AnyXml, CT_OrderResponse)
    def getOrder(ctx: Any, request: Any) -> CT_OrderResponse:
        raise _not_offered("getOrder")

    @bipro_operation(AnyXml, CT_OrderResponse)
    def setOrderQualified(ctx: Any, request: Any) -> CT_OrderResponse:
        raise _not_offered("setOrderQualified")

    @bipro_operation(AnyXml, CT_OrderResponse)
    def getOrderQualified(ctx: Any, request: Any) -> CT_OrderResponse:
        raise _not_offered("getOrderQualified")


TAAService.event_manager.add_listener("method_return_document", taa_answers.add_ste_types)
