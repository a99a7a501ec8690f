"""Claim notification and claim information (BiPRO 503): store, assess, acknowledge.

A notification is stored whenever it is well-formed and names a contract the caller's firm
serves today; its first assessment (``domain/claims``) is stored with it. The client's
idempotency key makes retries safe: the same key with the same content answers with the
stored claim, with other content it is refused, and the database's unique constraint on
(firm, key) decides between concurrent duplicates.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from bipro_service.adapters.db.claims_models import Claim, ClaimDocument, ClaimItem
from bipro_service.adapters.db.models import Contract, Customer
from bipro_service.domain.claims.assessment import Assessment, assess
from bipro_service.domain.claims.coverage import ContractTerms
from bipro_service.domain.claims.notification import (
    ClaimNotification,
    check,
    content_hash,
    normalised,
)
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID, NotFound
from bipro_service.service_layer.claim_letter import acknowledgement_pdf
from bipro_service.service_layer.deeplink_views import customer_name
from bipro_service.service_layer.portfolio import find_contract
from bipro_service.service_layer.post import PostedFile, post_shipment
from bipro_service.service_layer.principal import Principal
from bipro_service.service_layer.unit_of_work import UnitOfWork

#: Transfer category of the acknowledgement letter (range 150: claims and benefits).
ACKNOWLEDGEMENT_CATEGORY = "150010000"
NOTIFIED = "gemeldet"
#: Request fields the answers' ``Quelle`` names (official XPaths below ``Request``).
KEY = "Schadenmeldung/VorgangsnummerVM"
CONTRACT_NUMBER = (
    "Schadenmeldung/Ereignis/Schaden/SchadenfallLeistungsfall/Vertrag/Vertragsnummer/"
    "Versicherungsscheinnummer"
)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class Disposition(enum.StrEnum):
    CREATED = "created"
    REPEATED = "repeated"
    KEY_CONFLICT = "key_conflict"
    CONTRACT_NOT_FOUND = "contract_not_found"


@dataclass(frozen=True, slots=True)
class Submission:
    """What became of a notification, and the claim to answer with."""

    disposition: Disposition
    claim: Claim | None
    meldungen: list[Meldung]

    @property
    def ok(self) -> bool:
        return self.disposition in (Disposition.CREATED, Disposition.REPEATED)


def new_schadennummer(now: datetime) -> str:
    """``S2026-7K3M9Q2X``: the year and 40 random bits (unique in the table)."""
    return f"S{now.year}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def assessment_of(claim: Claim) -> Assessment:
    return Assessment.from_json(claim.assessment)


def submit(
    uow: UnitOfWork,
    principal: Principal,
    idempotency_key: str,
    notification: ClaimNotification,
    *,
    now: datetime,
    business_day: date,
) -> Submission:
    """Store and assess a notification in ``uow`` (the caller commits on ``CREATED``).

    Raises ``ClaimDataError`` for a notification that is not well-formed.
    """
    n = normalised(notification)
    check(n, business_day)
    digest = content_hash(n)
    existing = _by_key(uow, principal.firm_id, idempotency_key)
    if existing is not None:
        return _repeated(existing, digest)
    contract = find_contract(uow, n.contract_number)
    if contract is None:
        missing = NotFound(
            f"Vertrag {n.contract_number} nicht gefunden.",
            quelle=CONTRACT_NUMBER,
        )
        return Submission(Disposition.CONTRACT_NOT_FOUND, None, [missing.meldung])
    terms = ContractTerms.from_contract(
        contract.begin, contract.end, contract.sum_insured, contract.details
    )
    assessment = assess(n, terms, business_day)
    number = new_schadennummer(now)
    is_test = contract.is_test or principal.test_access
    firm = uow.repos.firm_by_number(principal.vermittlernummer)
    # Rendered before the first write: the write transaction stays short.
    letter = acknowledgement_pdf(
        schadennummer=number,
        firm_name=firm.name if firm else principal.vermittlernummer,
        vermittlernummer=principal.vermittlernummer,
        policyholder=_name(contract.customer),
        notification=n,
        assessment=assessment,
        dated=business_day,
        is_test=is_test,
    )
    claim = _claim(n, assessment, principal, contract, idempotency_key, digest, number, now)
    claim.is_test = is_test
    uow.session.add(claim)
    try:
        uow.session.flush()
    except IntegrityError:
        # A concurrent duplicate committed first: answer with what it stored.
        uow.rollback()
        existing = _by_key(uow, principal.firm_id, idempotency_key)
        if existing is not None:
            return _repeated(existing, digest)
        if _key_taken(uow, principal.firm_id, idempotency_key):
            return Submission(Disposition.KEY_CONFLICT, None, [_conflict()])
        raise
    shipment = post_shipment(
        uow,
        vermittlernummer=principal.vermittlernummer,
        category=ACKNOWLEDGEMENT_CATEGORY,
        files=[PostedFile(f"Schadenmeldung_{number}.pdf", letter, "application/pdf")],
        now=now,
        business_day=business_day,
        contract_number=contract.versicherungsscheinnummer,
        is_test=is_test,
    )
    claim.acknowledgement_id = shipment.public_id
    uow.session.flush()
    received = Meldung(
        MeldungArt.HINWEIS,
        MeldungID.RECORDED,
        f"Schadenmeldung erfasst: Schadennummer {number}.",
    )
    return Submission(Disposition.CREATED, claim, [received, *assessment.meldungen])


def get_claim(uow: UnitOfWork, schadennummer: str) -> Claim:
    """A claim on a contract the caller's firm serves today; 01101 when unknown *or* not."""
    claim = uow.session.scalar(_scoped().where(Claim.schadennummer == schadennummer[:20]))
    if claim is None:
        raise NotFound(
            f"Schaden {schadennummer[:20]} nicht gefunden.",
            quelle="Schadenauskunft/Schadennummer/Nummer",
        )
    return claim


def _scoped() -> Select[Claim]:
    # The join makes the Contract loader criteria (scoping.py) apply to claims.
    return (
        select(Claim)
        .join(Claim.contract)
        .options(
            contains_eager(Claim.contract).joinedload(Contract.customer),
            selectinload(Claim.items),
        )
    )


def _by_key(uow: UnitOfWork, firm_id: int, key: str) -> Claim | None:
    return uow.session.scalar(
        _scoped().where(Claim.firm_id == firm_id, Claim.idempotency_key == key)
    )


def _key_taken(uow: UnitOfWork, firm_id: int, key: str) -> bool:
    """Whether the firm used the key at all (also for a contract it no longer serves)."""
    found = uow.session.scalar(
        select(Claim.id).where(Claim.firm_id == firm_id, Claim.idempotency_key == key)
    )
    return found is not None


def _repeated(claim: Claim, digest: str) -> Submission:
    if claim.content_hash != digest:
        return Submission(Disposition.KEY_CONFLICT, None, [_conflict()])
    again = Meldung(
        MeldungArt.HINWEIS,
        MeldungID.RECORDED,
        f"Diese Schadenmeldung wurde bereits unter der Schadennummer {claim.schadennummer} "
        "erfasst; es wurde keine neue Meldung angelegt.",
        KEY,
    )
    return Submission(Disposition.REPEATED, claim, [again, *assessment_of(claim).meldungen])


def _conflict() -> Meldung:
    return Meldung(
        MeldungArt.FEHLER,
        MeldungID.STORED_DATA_DIFFER,
        "Die VorgangsnummerVM (Idempotenzschlüssel) wurde bereits für eine andere "
        "Schadenmeldung verwendet; nichts gespeichert. Für jede neue Schadenmeldung eine neue "
        "VorgangsnummerVM verwenden.",
        KEY,
    )


def _name(customer: Customer) -> str:
    return customer_name(customer) or customer.partnernummer


def _claim(
    n: ClaimNotification,
    assessment: Assessment,
    principal: Principal,
    contract: Contract,
    key: str,
    digest: str,
    number: str,
    now: datetime,
) -> Claim:
    return Claim(
        schadennummer=number,
        firm_id=principal.firm_id,
        user_id=principal.user_id,
        contract=contract,
        idempotency_key=key,
        content_hash=digest,
        status=NOTIFIED,
        notified_at=now,
        loss_date=n.loss_date,
        loss_place=n.loss_place,
        transport_kind=n.transport_kind.value,
        peril=n.peril.value,
        description=n.description,
        estimated_loss=n.estimated_loss,
        insured_value=n.insured_value,
        mitigation_costs=n.mitigation_costs,
        police_report=n.police_report,
        assessment=assessment.to_json(),
        immediate_notice=assessment.immediate_notice,
        items=[
            ClaimItem(
                position=position,
                description=i.description,
                valuables_class=i.valuables_class.value,
                value=i.value,
                damage=i.damage.value,
            )
            for position, i in enumerate(n.items, start=1)
        ],
        documents=[
            ClaimDocument(
                position=position,
                filename=d.filename,
                content_type=d.content_type,
                kind=d.kind.value,
                size=len(d.data),
                sha256=d.sha256,
                data=d.data,
            )
            for position, d in enumerate(n.documents, start=1)
        ],
    )
