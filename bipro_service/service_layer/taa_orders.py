"""``setOrder``: the application from an offer becomes customer, contract and policy.

At most one contract per offer, however often and however concurrently it is ordered:

- the first statement is an UPDATE of the offer row: concurrent orders of the same offer
  queue behind it (a row lock on PostgreSQL, the write lock on SQLite) and then see the
  order the first one committed;
- should two get past that anyway, the unique ``taa_orders.offer_id`` and the contract number
  derived from the offer make the second flush fail; it rolls back and answers like a retry.

A retry is answered OK with the same contract and a notice, and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bipro_service.adapters.db.models import (
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    TaaOffer,
    TaaOrder,
)
from bipro_service.domain import offer as offer_rules
from bipro_service.domain.status import Meldung, MeldungID, TaaFinding, fehler, finding
from bipro_service.domain.tariff import Quote, QuoteRequest
from bipro_service.domain.tariff.snapshot import quote_from_dict, request_from_dict
from bipro_service.domain.valoren import Clause
from bipro_service.service_layer.post import PostedFile, post_shipment
from bipro_service.service_layer.principal import Principal
from bipro_service.service_layer.taa import (
    POLICY_CATEGORY,
    PRODUCT,
    Applicant,
)
from bipro_service.service_layer.taa_documents import policy_pdf
from bipro_service.service_layer.taa_offers import offer_of_firm
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass
class OrderOutcome:
    """A contract (new when ``created``), or none and the ``meldungen`` why."""

    meldungen: list[Meldung] = field(default_factory=list)
    offer: TaaOffer | None = None
    order: TaaOrder | None = None
    contract: Contract | None = None
    created: bool = False
    document: bytes | None = None
    document_name: str | None = None
    shipment_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.contract is not None


def place_order(
    uow: UnitOfWork, principal: Principal, number: str, *, now: datetime, today: date
) -> OrderOutcome:
    """Order the firm's offer ``number``; the caller commits when ``created``."""
    _claim(uow, principal, number, now)
    offer = offer_of_firm(uow, principal, number)
    if offer is None:
        return OrderOutcome(
            [
                fehler(
                    MeldungID.OBJECT_NOT_FOUND,
                    f"Angebot {number[:20]} nicht gefunden.",
                    "Angebotsnummer",
                )
            ]
        )
    existing = _order_of(uow, offer)
    if existing is not None:
        return _repeated(uow, offer, existing)
    if offer_rules.is_expired(offer.valid_until, today):
        return OrderOutcome(
            [
                finding(
                    TaaFinding.OFFER_EXPIRED,
                    f"Angebot {offer.offer_number} war bis {offer.valid_until:%d.%m.%Y} gültig; "
                    "bitte ein neues Angebot einholen.",
                    "Angebotsnummer",
                )
            ],
            offer,
        )
    try:
        return _order(uow, principal, offer, now, today)
    except IntegrityError:
        # A concurrent order of the same offer committed first: answer as its retry.
        uow.session.rollback()
        offer = offer_of_firm(uow, principal, number)
        existing = _order_of(uow, offer) if offer is not None else None
        if offer is None or existing is None:
            raise
        return _repeated(uow, offer, existing)


def _claim(uow: UnitOfWork, principal: Principal, number: str, now: datetime) -> None:
    # A write first, so that concurrent orders of one offer run one after the other.
    uow.session.execute(
        update(TaaOffer)
        .where(TaaOffer.offer_number == number[:20], TaaOffer.firm_id == principal.firm_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _order_of(uow: UnitOfWork, offer: TaaOffer) -> TaaOrder | None:
    return uow.session.scalar(select(TaaOrder).where(TaaOrder.offer_id == offer.id))


def _repeated(uow: UnitOfWork, offer: TaaOffer, order: TaaOrder) -> OrderOutcome:
    # Scoped: a contract whose customer the firm no longer serves is not shown again.
    contract = uow.session.scalar(select(Contract).where(Contract.id == order.contract_id))
    if contract is None:
        return OrderOutcome(
            [
                finding(
                    TaaFinding.OFFER_ALREADY_ORDERED,
                    f"Angebot {offer.offer_number} wurde bereits beantragt.",
                    "Angebotsnummer",
                )
            ],
            offer,
        )
    shipment = uow.session.get(Shipment, order.shipment_id) if order.shipment_id else None
    text = (
        f"Angebot {offer.offer_number} wurde bereits am {order.ordered_at:%d.%m.%Y} beantragt: "
        f"Vertrag {contract.versicherungsscheinnummer}; es wurde kein weiterer Vertrag angelegt."
    )
    return OrderOutcome(
        [finding(TaaFinding.ORDER_REPEATED, text)],
        offer,
        order,
        contract,
        shipment_id=shipment.public_id if shipment is not None else None,
    )


def _order(
    uow: UnitOfWork, principal: Principal, offer: TaaOffer, now: datetime, today: date
) -> OrderOutcome:
    request, quote = request_from_dict(offer.request), quote_from_dict(offer.quote)
    applicant = Applicant.from_dict(offer.applicant)
    if offer.customer_id is not None:
        customer = uow.session.scalar(select(Customer).where(Customer.id == offer.customer_id))
        if customer is None:  # changed broker or blocked since the offer (scoped away)
            return OrderOutcome(
                [
                    fehler(
                        MeldungID.OBJECT_NOT_FOUND,
                        f"Kunde {applicant.partnernummer} wird von Ihnen nicht mehr betreut.",
                        "Angebotsnummer",
                    )
                ],
                offer,
            )
    else:
        customer = applicant.new_customer(offer_rules.partner_number(offer.id), offer.is_test)
        uow.session.add(customer)
        uow.session.flush()
        # Visible to the firm at once: valid_from is inclusive (scoping.served_customers).
        uow.session.add(
            ServicingRelationship(
                firm_id=principal.firm_id, customer_id=customer.id, valid_from=today
            )
        )
    meldungen: list[Meldung] = []
    begin = offer.begin
    if begin < today:
        begin = today
        meldungen.append(
            finding(
                TaaFinding.START_MOVED,
                f"Der angebotene Versicherungsbeginn {offer.begin:%d.%m.%Y} ist vorbei; "
                f"Versicherungsschutz besteht ab heute, {today:%d.%m.%Y}.",
            )
        )
    withdrawal = offer_rules.withdrawal_until(today)
    is_test = offer.is_test or customer.is_test
    contract = Contract(
        versicherungsscheinnummer=offer_rules.policy_number(offer.id),
        customer_id=customer.id,
        product=PRODUCT,
        tariff_version=offer.tariff_version,
        status="aktiv",
        begin=begin,
        end=None,  # single transport: house to house (AVB 5); open cover renews yearly (LV 8.1)
        sum_insured=quote.sum_insured,
        annual_premium=quote.gross,
        payment_mode=quote.payment_mode.value,
        details=contract_details(request, quote, offer.offer_number, withdrawal),
        is_test=is_test,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(contract)
    uow.session.flush()  # the contract number is unique: a concurrent twin fails here
    order = TaaOrder(
        offer_id=offer.id,
        firm_id=principal.firm_id,
        user_id=principal.user_id,
        customer_id=customer.id,
        contract_id=contract.id,
        ordered_at=now,
        withdrawal_until=withdrawal,
        is_test=is_test,
    )
    uow.session.add(order)
    uow.session.flush()  # and the offer's single order here
    document = policy_pdf(
        policy_number=contract.versicherungsscheinnummer,
        partnernummer=customer.partnernummer,
        offer_number=offer.offer_number,
        applicant=Applicant.of_customer(customer),
        request=request,
        quote=quote,
        begin=begin,
        withdrawal_until=withdrawal,
        today=today,
        is_test=is_test,
    )
    name = f"Versicherungsschein_{contract.versicherungsscheinnummer}.pdf"
    shipment = post_shipment(
        uow,
        vermittlernummer=principal.vermittlernummer,
        category=POLICY_CATEGORY,
        files=[PostedFile(name, document)],
        now=now,
        business_day=today,
        customer_partnernummer=customer.partnernummer,
        contract_number=contract.versicherungsscheinnummer,
        is_test=is_test,
    )
    order.shipment_id = shipment.id
    accepted = finding(
        TaaFinding.ORDER_ACCEPTED,
        f"Antrag angenommen: Vertrag {contract.versicherungsscheinnummer}, Widerrufsfrist bis "
        f"{withdrawal:%d.%m.%Y}.",
    )
    return OrderOutcome(
        [accepted, *meldungen], offer, order, contract, True, document, name, shipment.public_id
    )


def contract_details(
    request: QuoteRequest, quote: Quote, offer_number: str, withdrawal: date
) -> dict[str, Any]:
    """``Contract.details`` in the keys every Valoren contract has, plus the TAA origin."""
    terms = request.open_cover
    return {
        "transport_kinds": [request.transport_kind.value],
        "valuables_classes": [request.valuables_class.value],
        "clauses": {clause.value: clause in request.clauses for clause in Clause},
        "taa": {
            "offer_number": offer_number,
            "cover": quote.cover.value,
            "declaration": terms.declaration.value if terms else None,
            "declaration_period": terms.period.value if terms and terms.period else None,
            "annual_turnover": str(terms.annual_turnover) if terms else None,
            "insured_value": str(quote.insured_value),
            "instalments": [str(amount) for amount in quote.instalments],
            "withdrawal_until": withdrawal.isoformat(),
        },
    }
