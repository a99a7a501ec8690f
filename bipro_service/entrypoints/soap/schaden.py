"""Claims service (BiPRO 503): ``setNotification`` (Schadenmeldung) and ``getData``
(Schadenauskunft), namespace ``…/prozesse/schaden``.

The notification, its assessment, the acknowledgement letter in the firm's post and the
request's audit record commit in one transaction; a retry with the same
``VorgangsnummerVM`` answers with the stored claim (docs/claims.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.claims_models import Claim
from bipro_service.domain.claims.assessment import Assessment
from bipro_service.domain.claims.findings import Cover
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID, NotFound, hinweis
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.schaden_messages import (
    CT_Schadenauskunft,
    CT_SchadenauskunftRequest,
    CT_SchadenauskunftResponse,
    CT_SchadenmeldungRequest,
    CT_SchadenmeldungResponse,
    CT_Schadennummer,
)
from bipro_service.entrypoints.soap.schaden_wire import (
    ereignis,
    idempotency_key,
    notification,
    schadenmeldung,
    stamp_types,
    transport,
)
from bipro_service.service_layer import claims, portfolio
from bipro_service.service_layer.claims import Disposition

COVER_TEXT = {
    Cover.COVERED: "gedeckt",
    Cover.TO_BE_CHECKED: "Deckung zu prüfen",
    Cover.NOT_COVERED: "nicht gedeckt",
}


def verdict(assessment: Assessment) -> Meldung:
    """The coverage verdict as a ``Meldung`` (``Identifikationsnummer`` ``Deckung:<code>``)."""
    cover = assessment.cover
    return Meldung(
        MeldungArt.HINWEIS,
        MeldungID.OTHER,
        f"Erstbewertung: {COVER_TEXT[cover]}.",
        identifikationsnummer=f"Deckung:{cover.value}",
    )


def _touch(rc: RequestContext, claim: Claim) -> None:
    rc.touched("claim", claim.schadennummer)
    rc.touched("contract", claim.contract.versicherungsscheinnummer)
    rc.touched("customer", claim.contract.customer.partnernummer)


def _meldungen(meldungen: Sequence[Meldung], assessment: Assessment | None) -> list[Meldung]:
    if assessment is None:
        return list(meldungen)
    return [meldungen[0], verdict(assessment), *meldungen[1:]]


class SchadenService(BiproService):
    """Claim notifications and claim information for the contracts the firm serves today."""

    @bipro_operation(CT_SchadenmeldungRequest, CT_SchadenmeldungResponse)
    def setNotification(ctx: Any, request: CT_SchadenmeldungRequest) -> CT_SchadenmeldungResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)  # a claim concerns a contract (T I.3c)
        key = idempotency_key(request.Schadenmeldung)
        content = notification(request.Schadenmeldung)
        with rc.unit_of_work(principal) as uow:
            result = claims.submit(
                uow, principal, key, content, now=utcnow(), business_day=uow.business_day
            )
            claim = result.claim
            assessment = claims.assessment_of(claim) if claim is not None else None
            if claim is not None:
                _touch(rc, claim)
                if claim.acknowledgement_id and result.disposition is Disposition.CREATED:
                    rc.touched("shipment", claim.acknowledgement_id)
            status = make_status(rc, result.ok, _meldungen(result.meldungen, assessment))
            answer = CT_SchadenmeldungResponse(
                BiPROVersion=rc.bipro_version,
                Status=status,
                Schadenmeldung=schadenmeldung(key, claim, assessment),
            )
            if result.disposition is Disposition.CREATED:
                uow.commit()
        return answer

    @bipro_operation(CT_SchadenauskunftRequest, CT_SchadenauskunftResponse)
    def getData(ctx: Any, request: CT_SchadenauskunftRequest) -> CT_SchadenauskunftResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        asked = request.Schadenauskunft.Schadennummer
        number = (asked.Nummer or "").strip() if asked is not None else ""
        with rc.runtime.uow(principal) as uow:
            try:
                claim = claims.get_claim(uow, number)
            except NotFound as missing:
                return CT_SchadenauskunftResponse(
                    BiPROVersion=rc.bipro_version,
                    Status=make_status(rc, False, [missing.meldung]),
                    Schadenauskunft=CT_Schadenauskunft(
                        Schadennummer=CT_Schadennummer(Nummer=number[:25]) if number else None
                    ),
                )
            _touch(rc, claim)
            assessment = claims.assessment_of(claim)  # decoded once: answer and Status
            answer = CT_Schadenauskunft(
                Schadennummer=CT_Schadennummer(Nummer=claim.schadennummer),
                Ereignis=ereignis(claim, assessment),
                Gegenstand=[transport(claim)],
            )
            stored: Sequence[Meldung] = assessment.meldungen
        delivered = hinweis(MeldungID.INFORMATION_DELIVERED, "Schadenauskunft geliefert.")
        return CT_SchadenauskunftResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, [delivered, verdict(assessment), *stored]),
            Schadenauskunft=answer,
        )


SchadenService.event_manager.add_listener("method_return_document", stamp_types)
