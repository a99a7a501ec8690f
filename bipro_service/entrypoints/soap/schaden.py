"""Claims service (BiPRO 503): ``notifyClaim`` (Schadenmeldung) and ``getData`` (Schadenauskunft).

The notification, its assessment, the acknowledgement letter in the firm's post and the
request's audit record commit in one transaction; a retry with the same idempotency key
answers with the stored claim (docs/claims.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.claims_models import Claim
from bipro_service.domain.claims.assessment import Assessment
from bipro_service.domain.claims.notification import (
    AffectedItem,
    Attachment,
    ClaimNotification,
    DocumentKind,
    ItemDamage,
)
from bipro_service.domain.status import Meldung, MeldungID, NotFound, hinweis
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.schaden_messages import (
    CT_Erstbewertung,
    CT_Gegenstand,
    CT_GetDataRequest,
    CT_GetDataResponse,
    CT_NotifyClaimRequest,
    CT_NotifyClaimResponse,
    CT_Schaden,
    CT_Schadenauskunft,
)
from bipro_service.service_layer import claims, portfolio
from bipro_service.service_layer.claims import Disposition


def notification(request: CT_NotifyClaimRequest) -> ClaimNotification:
    """The domain notification of a schema-valid request."""
    m = request.Schadenmeldung
    return ClaimNotification(
        contract_number=m.Versicherungsscheinnummer,
        loss_date=m.Schadendatum,
        loss_place=m.Schadenort,
        transport_kind=TransportKind(m.Transportart),
        peril=Peril(m.Ereignis),
        description=m.Schadenbeschreibung,
        estimated_loss=m.Schadenhoehe,
        insured_value=m.Versicherungswert,
        mitigation_costs=m.Schadenminderungskosten or Decimal(0),
        police_report=m.Polizeiaktenzeichen,
        items=tuple(
            AffectedItem(
                g.Bezeichnung, ValuablesClass(g.Wertsachenart), g.Wert, ItemDamage(g.Schadenart)
            )
            for g in m.Gegenstand or []
        ),
        documents=tuple(
            Attachment(d.Dateiname, d.Dateityp, DocumentKind(d.Dokumentart), _bytes(d.Daten))
            for d in m.Dokument or []
        ),
    )


def _bytes(value: Any) -> bytes:
    # Spyne hands base64 content over as a list of chunks.
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return b"".join(value or [])


def erstbewertung(assessment: Assessment) -> CT_Erstbewertung:
    estimate = assessment.estimate
    return CT_Erstbewertung(
        Deckung=assessment.cover.value,
        VertragInKraft=assessment.in_force,
        Sofortmeldung=assessment.immediate_notice,
        Verjaehrungshinweis=assessment.limitation_notice,
        Unterversicherungsquote=None if estimate.ratio is None else round(estimate.ratio, 4),
        Entschaedigung=estimate.indemnity,
        Kosten=estimate.costs,
        Gesamt=estimate.total,
        FehlendeUnterlage=[k.value for k in assessment.missing_documents],
    )


def schaden(claim: Claim, assessment: Assessment) -> CT_Schaden:
    return CT_Schaden(
        Schadennummer=claim.schadennummer,
        Versicherungsscheinnummer=claim.contract.versicherungsscheinnummer,
        Partnernummer=claim.contract.customer.partnernummer,
        Status=claim.status,
        Meldezeitpunkt=claim.notified_at,
        Schadendatum=claim.loss_date,
        Schadenort=claim.loss_place,
        Transportart=claim.transport_kind,
        Ereignis=claim.peril,
        Schadenhoehe=claim.estimated_loss,
        Versicherungswert=claim.insured_value,
        Gegenstand=[
            CT_Gegenstand(
                Bezeichnung=i.description,
                Wertsachenart=i.valuables_class,
                Wert=i.value,
                Schadenart=i.damage,
            )
            for i in claim.items
        ],
        AnzahlDokumente=len(claim.documents),
        Eingangsbestaetigung=claim.acknowledgement_id,
        Erstbewertung=erstbewertung(assessment),
    )


def _touch(rc: RequestContext, claim: Claim) -> None:
    rc.touched("claim", claim.schadennummer)
    rc.touched("contract", claim.contract.versicherungsscheinnummer)
    rc.touched("customer", claim.contract.customer.partnernummer)


def notify_response(rc: RequestContext, status: Any, claim: Claim | None) -> CT_NotifyClaimResponse:
    return CT_NotifyClaimResponse(
        BiPROVersion=rc.bipro_version,
        Status=status,
        Schadennummer=claim.schadennummer if claim else None,
        Erstbewertung=erstbewertung(claims.assessment_of(claim)) if claim else None,
    )


class SchadenService(BiproService):
    """Claim notifications and claim information for the contracts the firm serves today."""

    @bipro_operation(CT_NotifyClaimRequest, CT_NotifyClaimResponse)
    def notifyClaim(ctx: Any, request: CT_NotifyClaimRequest) -> CT_NotifyClaimResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)  # a claim concerns a contract (T I.3c)
        content = notification(request)
        with rc.unit_of_work(principal) as uow:
            result = claims.submit(
                uow,
                principal,
                request.Idempotenzschluessel,
                content,
                now=utcnow(),
                business_day=uow.business_day,
            )
            if result.claim is not None:
                _touch(rc, result.claim)
                if result.claim.acknowledgement_id and result.disposition is Disposition.CREATED:
                    rc.touched("shipment", result.claim.acknowledgement_id)
            status = make_status(rc, result.ok, result.meldungen)
            answer = notify_response(rc, status, result.claim)
            if result.disposition is Disposition.CREATED:
                uow.commit()
        return answer

    @bipro_operation(CT_GetDataRequest, CT_GetDataResponse)
    def getData(ctx: Any, request: CT_GetDataRequest) -> CT_GetDataResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        with rc.runtime.uow(principal) as uow:
            try:
                claim = claims.get_claim(uow, request.Schadenauskunft.Schadennummer)
            except NotFound as missing:
                return CT_GetDataResponse(
                    BiPROVersion=rc.bipro_version, Status=make_status(rc, False, [missing.meldung])
                )
            _touch(rc, claim)
            assessment = claims.assessment_of(claim)  # decoded once: answer and Status
            answer = CT_Schadenauskunft(Schaden=schaden(claim, assessment))
            stored: Sequence[Meldung] = assessment.meldungen
        delivered = hinweis(MeldungID.INFORMATION_DELIVERED, "Schadenauskunft geliefert.")
        return CT_GetDataResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, [delivered, *stored]),
            Schadenauskunft=answer,
        )
