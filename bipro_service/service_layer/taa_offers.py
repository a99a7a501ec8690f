"""``getOffer``: a binding offer, stored with its quote, its PDF posted to the firm.

The offer, its shipment and the request's audit record commit together (the entry point's
unit of work). Users without portfolio rights may make offers (T I.3c: the tariff is no
portfolio data) but only for new applicants: the firm's customers are invisible to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bipro_service.adapters.db.models import Customer, TaaOffer
from bipro_service.domain import offer as offer_rules
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID, fehler
from bipro_service.domain.tariff import Quote, QuoteRequest, calculate
from bipro_service.domain.tariff.snapshot import quote_to_dict, request_to_dict
from bipro_service.service_layer.post import PostedFile, post_shipment
from bipro_service.service_layer.principal import Principal
from bipro_service.service_layer.taa import OFFER_CATEGORY, Applicant, tariffs
from bipro_service.service_layer.taa_documents import offer_pdf
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass
class OfferOutcome:
    """An offer made (``offer`` set) or refused (``meldungen`` say why)."""

    meldungen: list[Meldung] = field(default_factory=list)
    offer: TaaOffer | None = None
    quote: Quote | None = None
    document: bytes | None = None
    document_name: str | None = None
    shipment_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.offer is not None


def offer_of_firm(uow: UnitOfWork, principal: Principal, number: str) -> TaaOffer | None:
    """The firm's offer with this number; another firm's is as unknown as a missing one."""
    query = select(TaaOffer).where(
        TaaOffer.offer_number == number[:20], TaaOffer.firm_id == principal.firm_id
    )
    if principal.test_access:  # a test access sees test data only (T I.3a)
        query = query.where(TaaOffer.is_test.is_(True))
    return uow.session.scalar(query)


def _begin_errors(begin: date, today: date) -> list[Meldung]:
    if begin < today:
        text = "Der Versicherungsbeginn darf nicht in der Vergangenheit liegen."
    elif begin > today + timedelta(days=offer_rules.LATEST_BEGIN_DAYS):
        text = "Der Versicherungsbeginn darf höchstens ein Jahr in der Zukunft liegen."
    else:
        return []
    return [fehler(MeldungID.INCOMPLETE_DATA, text, "Versicherungsbeginn")]


def _customer(
    uow: UnitOfWork, principal: Principal, applicant: Applicant
) -> tuple[Customer | None, list[Meldung]]:
    if not applicant.partnernummer:
        return None, []
    # Scoped: only customers the firm serves today, none for users without portfolio rights.
    customer = uow.repos.customer_by_number(applicant.partnernummer[:20])
    if customer is not None:
        return customer, []
    text = f"Kunde {applicant.partnernummer[:20]} nicht gefunden."
    if not principal.portfolio_rights:
        text += " Ohne Bestandsrechte sind nur Angebote für neue Antragsteller möglich."
    return None, [fehler(MeldungID.OBJECT_NOT_FOUND, text, "Antragsteller/Partnernummer")]


def create_offer(
    uow: UnitOfWork,
    principal: Principal,
    request: QuoteRequest,
    applicant: Applicant,
    begin: date,
    *,
    now: datetime,
    today: date,
) -> OfferOutcome:
    """Price ``request`` with today's tariff and store it as an offer valid three months."""
    errors = applicant.errors() + _begin_errors(begin, today)
    customer, missing = _customer(uow, principal, applicant) if not errors else (None, [])
    tariff = tariffs().current(today)
    assessment = calculate(tariff, request)
    errors += missing + [m for m in assessment.meldungen if m.art is MeldungArt.FEHLER]
    if errors or assessment.quote is None:
        return OfferOutcome(errors)
    quote = assessment.quote
    holder = Applicant.of_customer(customer) if customer is not None else applicant
    is_test = principal.test_access or (customer is not None and customer.is_test)
    offer = TaaOffer(
        offer_number=offer_rules.new_offer_number(),
        firm_id=principal.firm_id,
        user_id=principal.user_id,
        customer_id=customer.id if customer is not None else None,
        applicant=holder.to_dict(),
        tariff_version=tariff.version,
        request=request_to_dict(request),
        quote=quote_to_dict(quote),
        begin=begin,
        sum_insured=quote.sum_insured,
        gross_premium=quote.gross,
        payment_mode=quote.payment_mode.value,
        created_at=now,
        valid_until=offer_rules.offer_valid_until(today),
        updated_at=now,
        is_test=is_test,
    )
    uow.session.add(offer)
    uow.session.flush()
    document = offer_pdf(
        number=offer.offer_number,
        applicant=holder,
        request=request,
        quote=quote,
        tariff=tariff,
        meldungen=assessment.meldungen,
        begin=begin,
        valid_until=offer.valid_until,
        today=today,
        is_test=is_test,
    )
    name = f"Angebot_{offer.offer_number}.pdf"
    shipment = post_shipment(
        uow,
        vermittlernummer=principal.vermittlernummer,
        category=OFFER_CATEGORY,
        files=[PostedFile(name, document)],
        now=now,
        business_day=today,
        customer_partnernummer=customer.partnernummer if customer is not None else None,
        is_test=is_test,
    )
    offer.shipment_id = shipment.id
    return OfferOutcome(
        list(assessment.meldungen), offer, quote, document, name, shipment.public_id
    )
