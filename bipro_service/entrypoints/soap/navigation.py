"""External navigation (BiPRO 440): ``getLinks`` issues DeepLinks into the portal.

A link opens the portal page of one contract or customer of the caller's firm; it is
short-lived, single-use and bound to firm, user and target (``service_layer/deeplinks.py``,
docs/deeplinks.md). Unknown and not-the-firm's objects answer alike: NOK with 01101. The
request and answer shapes are those the field sends (``navigation_messages``).
"""

from __future__ import annotations

from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import BiproError, Meldung, MeldungArt, MeldungID, NotFound
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.navigation_messages import (
    VERSION_440,
    CT_GetLinksRequest,
    CT_GetLinksResponse,
    CT_Link,
    CT_Links,
)
from bipro_service.service_layer import deeplinks, portfolio
from bipro_service.service_layer.deeplink_views import TargetKind

#: ``dt:ST_ExtranetZielID``.
ZIEL_VERTRAG = "004"
"""Verträge: the contract's page."""
ZIEL_PARTNER = "002"
"""Stammdaten: the customer's page."""
CONTRACT_SOURCE = "Extranetsuche/Vertragsuche/Versicherungsscheinnummer"


class AmbiguousSearch(BiproError):
    meldung_id = MeldungID.INCOMPLETE_DATA

    def __init__(self) -> None:
        super().__init__(
            "Extranetsuche muss genau eine Vertragsuche oder eine Partnersuche enthalten; "
            "eine Partnersuche nennt PartnernummerVu oder Name.",
            quelle="Extranetsuche",
        )


class NavigationService(BiproService):
    """DeepLinks to the portal pages of the contracts and customers the firm serves today."""

    @bipro_operation(CT_GetLinksRequest, CT_GetLinksResponse)
    def getLinks(ctx: Any, request: CT_GetLinksRequest) -> CT_GetLinksResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        search = request.Extranetsuche
        by_contract, by_partner = search.Vertragsuche, search.Partnersuche
        if (by_contract is None) == (by_partner is None):
            raise AmbiguousSearch()
        if by_partner is not None and not (by_partner.PartnernummerVu or by_partner.Name):
            raise AmbiguousSearch()
        settings = rc.runtime.settings
        lifetime = settings.deeplink_lifetime_seconds
        with rc.unit_of_work(principal) as uow:
            try:
                if by_contract is not None:
                    number = by_contract.Versicherungsscheinnummer
                    try:
                        contract = portfolio.get_contract(uow, number)
                    except (NotFound, deeplinks.TooManyMatches) as missing:
                        raise NotFound(missing.text, quelle=CONTRACT_SOURCE) from None
                    kind, target_id, ziel = TargetKind.CONTRACT, contract.id, ZIEL_VERTRAG
                    rc.touched("contract", contract.versicherungsscheinnummer)
                    rc.touched("customer", contract.customer.partnernummer)
                    text = f"Vertrag {contract.versicherungsscheinnummer} im Maklerportal"
                else:
                    assert by_partner is not None
                    customer = deeplinks.search_customer(
                        uow,
                        partnernummer=by_partner.PartnernummerVu,
                        name=by_partner.Name,
                        vorname=by_partner.Vorname,
                        postleitzahl=by_partner.Postleitzahl,
                        ort=by_partner.Ort,
                    )
                    kind, target_id, ziel = TargetKind.CUSTOMER, customer.id, ZIEL_PARTNER
                    rc.touched("customer", customer.partnernummer)
                    text = f"Kunde {customer.partnernummer} im Maklerportal"
            except (NotFound, deeplinks.TooManyMatches) as missing:
                return CT_GetLinksResponse(
                    Version=VERSION_440,
                    BiPROVersion=rc.bipro_version,
                    Status=make_status(rc, False, [missing.meldung]),
                )
            link = deeplinks.issue_link(uow.session, settings, principal, kind, target_id, utcnow())
            rc.touched("deeplink", str(link.link_id))
            delivered = Meldung(
                MeldungArt.HINWEIS, MeldungID.INFORMATION_DELIVERED, "1 Link geliefert."
            )
            answer = CT_GetLinksResponse(
                Version=VERSION_440,
                BiPROVersion=rc.bipro_version,
                Status=make_status(rc, True, [delivered]),
                Links=CT_Links(
                    Link=[
                        CT_Link(
                            URL=link.url,
                            ZielID=ziel,
                            Beschreibung=(
                                f"{text} (einmal verwendbar, {lifetime} Sekunden gültig)"
                            ),
                        )
                    ]
                ),
            )
            # The link and this call's audit record commit together.
            uow.commit()
        return answer
