"""Contract information (BiPRO 502): ``getData`` and the ``listContracts`` extension."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bipro_service.adapters.db.models import Contract
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID, NotFound
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.vertrag_messages import (
    CT_Anschrift,
    CT_GetDataRequest,
    CT_GetDataResponse,
    CT_Klausel,
    CT_ListContractsRequest,
    CT_ListContractsResponse,
    CT_Partner,
    CT_Produktdaten,
    CT_Vertrag,
    CT_Vertragsauskunft,
)
from bipro_service.service_layer import portfolio

DEFAULT_PAGE = 100


def vertrag(contract: Contract) -> CT_Vertrag:
    """The wire form of a contract with its customer."""
    customer = contract.customer
    details = contract.details or {}
    clauses = details.get("clauses") or {}
    return CT_Vertrag(
        Versicherungsscheinnummer=contract.versicherungsscheinnummer,
        Produkt=contract.product,
        Tarifversion=contract.tariff_version,
        Status=contract.status,
        Beginn=contract.begin,
        Ende=contract.end,
        Versicherungssumme=contract.sum_insured,
        Jahresbeitrag=contract.annual_premium,
        Zahlweise=contract.payment_mode,
        Aenderungszeitpunkt=contract.updated_at,
        Partner=CT_Partner(
            Partnernummer=customer.partnernummer,
            Firmenname=customer.company_name,
            Vorname=customer.first_name,
            Name=customer.last_name,
            Geburtsdatum=customer.birth_date,
            Anschrift=CT_Anschrift(
                Strasse=customer.street, Postleitzahl=customer.postal_code, Ort=customer.city
            ),
        ),
        Produktdaten=CT_Produktdaten(
            Transportart=list(details.get("transport_kinds") or []),
            Wertsachenart=list(details.get("valuables_classes") or []),
            Klausel=[
                CT_Klausel(Name=name, Eingeschlossen=bool(on))
                for name, on in sorted(clauses.items())
            ],
        ),
    )


def _touch(rc: RequestContext, contract: Contract) -> None:
    rc.touched("contract", contract.versicherungsscheinnummer)
    rc.touched("customer", contract.customer.partnernummer)


class VertragsService(BiproService):
    """Portfolio data of the customers the caller's firm serves today."""

    @bipro_operation(CT_GetDataRequest, CT_GetDataResponse)
    def getData(ctx: Any, request: CT_GetDataRequest) -> CT_GetDataResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        number = request.Vertragsauskunft.Vertragsnummer.Versicherungsscheinnummer
        with rc.runtime.uow(principal) as uow:
            try:
                contract = portfolio.get_contract(uow, number)
            except NotFound as missing:
                return CT_GetDataResponse(
                    BiPROVersion=rc.bipro_version, Status=make_status(rc, False, [missing.meldung])
                )
            _touch(rc, contract)
            answer = CT_Vertragsauskunft(Vertrag=vertrag(contract))
        delivered = Meldung(
            MeldungArt.HINWEIS, MeldungID.INFORMATION_DELIVERED, "Vertragsauskunft geliefert."
        )
        return CT_GetDataResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, [delivered]),
            Vertragsauskunft=answer,
        )

    @bipro_operation(CT_ListContractsRequest, CT_ListContractsResponse)
    def listContracts(ctx: Any, request: CT_ListContractsRequest) -> CT_ListContractsResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        since = request.GeaendertSeit
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        with rc.runtime.uow(principal) as uow:
            page = portfolio.list_contracts(
                uow,
                changed_since=since,
                cursor=request.Cursor,
                page_size=request.Seitengroesse or DEFAULT_PAGE,
            )
            for contract in page.contracts:
                _touch(rc, contract)
            contracts = [vertrag(c) for c in page.contracts]
        delivered = Meldung(
            MeldungArt.HINWEIS,
            MeldungID.INFORMATION_DELIVERED,
            f"{len(contracts)} Vertrag/Verträge geliefert.",
        )
        return CT_ListContractsResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, [delivered]),
            Vertrag=contracts,
            NaechsterCursor=page.next_cursor,
        )
