"""Contract information (BiPRO 502): ``getData`` and the ``listContracts`` extension.

``getData`` follows ``bipro-prozesse-vertrag-2.6.0.xsd``: the answer always carries the
``Vertragsauskunft`` with the asked ``Vertragsnummer`` (the norm makes it mandatory), and the
``Vertrag`` when the contract is the firm's. docs/wire-format.md maps our data onto
``vtrg:CT_Vertrag``.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from spyne import rpc

from bipro_service.adapters.db.models import Contract
from bipro_service.domain.status import (
    Meldung,
    MeldungArt,
    MeldungID,
    NotFound,
    fehler,
    hinweis,
)
from bipro_service.entrypoints.soap.base import (
    BiproService,
    bipro_operation,
    principal_of,
    request_context,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.vertrag_messages import (
    CT_ListContractsRequest,
    CT_ListContractsResponse,
    CT_Vertragsauskunft,
    CT_VertragsauskunftRequest,
    CT_VertragsauskunftResponse,
)
from bipro_service.entrypoints.soap.vertrag_objects import (
    CT_Beitrag,
    CT_Betrag,
    CT_JuristischePerson,
    CT_Partner,
    CT_Partneranschrift,
    CT_Person,
    CT_Produkt,
    CT_Verkaufsprodukt,
    CT_Vertrag,
    CT_Vertragsnummer,
)
from bipro_service.namespaces import ERWEITERUNG
from bipro_service.service_layer import portfolio

DEFAULT_PAGE = 100
NUMBER_SOURCE = "Vertragsauskunft/Vertragsnummer/Versicherungsscheinnummer"
#: GDV Sparte (``dt:ST_Sparte``) of every Valoren contract.
SPARTE_TRANSPORT = "190"
GRUNDDATEN = "01"
#: ``dt:ST_Zahlungsweise``: 1 yearly, 2 half-yearly, 4 quarterly, 8 monthly, 6 single.
ZAHLUNGSWEISE = {"annual": "1", "semi_annual": "2", "quarterly": "4", "monthly": "8", "single": "6"}
#: ``dt:ST_Vertragsstatus``: 1 active, 4 cancelled, 9 other.
VERTRAGSSTATUS = {"aktiv": "1", "storniert": "4", "gekuendigt": "4", "gekündigt": "4"}


def _datum(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value else None


def valoren_details(contract: Contract) -> str:
    """The Valoren specifics in ``pm:Kurzbeschreibung`` (the norm has no elements for them)."""
    details = contract.details or {}
    clauses = details.get("clauses") or {}
    parts = [f"Versicherungssumme {contract.sum_insured:.2f} EUR"]
    if contract.tariff_version:
        parts.append(f"Tarifversion {contract.tariff_version}")
    if details.get("transport_kinds"):
        parts.append("Transportarten: " + ", ".join(details["transport_kinds"]))
    if details.get("valuables_classes"):
        parts.append("Wertsachenarten: " + ", ".join(details["valuables_classes"]))
    if clauses:
        parts.append(
            "Klauseln: "
            + ", ".join(
                f"{name} ({'eingeschlossen' if on else 'ausgeschlossen'})"
                for name, on in sorted(clauses.items())
            )
        )
    return "; ".join(parts)[:1000]


def partner(contract: Contract) -> CT_Partner:
    """The policyholder as ``par:CT_Person`` or, for a firm, ``par:CT_JuristischePerson``."""
    customer = contract.customer
    address = [
        CT_Partneranschrift(
            Strasse=_cut(customer.street, 50),
            Postleitzahl=customer.postal_code,
            Ort=_cut(customer.city, 50),
            Land="D",
        )
    ]
    if customer.company_name:
        return CT_JuristischePerson(
            Name=_cut(customer.company_name, 50),
            Partnernummer=customer.partnernummer,
            Anschrift=address,
        )
    return CT_Person(
        Name=_cut(customer.last_name, 50),
        Partnernummer=customer.partnernummer,
        Anschrift=address,
        Vorname=_cut(customer.first_name, 50),
        Geburtsdatum=_datum(customer.birth_date),
    )


def vertrag(contract: Contract) -> CT_Vertrag:
    """The wire form of a contract with its customer (``vtrg:CT_Vertrag``)."""
    zahlungsweise = ZAHLUNGSWEISE.get(contract.payment_mode, "5")
    beitrag = CT_Beitrag(
        Betrag=CT_Betrag(Betrag=contract.annual_premium, Waehrung="EUR"), Zahlungsweise="1"
    )
    return CT_Vertrag(
        GueltigAbDatum=_datum(contract.begin),
        GueltigBisDatum=_datum(contract.end),
        Vertragsbeginn=_datum(contract.begin),
        Vertragsstatus=VERTRAGSSTATUS.get(contract.status, "9"),
        Zahlungsweise=zahlungsweise,
        Verkaufsprodukt=[
            CT_Verkaufsprodukt(
                Bezeichnung=contract.product,
                Kurzbeschreibung=valoren_details(contract),
                Beitrag=[beitrag],
                Produkt=[CT_Produkt(Bezeichnung=contract.product, Sparte=SPARTE_TRANSPORT)],
            )
        ],
        Partner=[partner(contract)],
        Vertragsnummer=CT_Vertragsnummer(
            Versicherungsscheinnummer=contract.versicherungsscheinnummer
        ),
        Aenderungsdatum=_datum(contract.updated_at.date()),
    )


def _touch(rc: RequestContext, contract: Contract) -> None:
    rc.touched("contract", contract.versicherungsscheinnummer)
    rc.touched("customer", contract.customer.partnernummer)


def _question(asked: CT_Vertragsauskunft) -> CT_Vertragsauskunft:
    """The asked ``Vertragsauskunft`` as the answer echoes it (without a ``Vertrag``)."""
    number = asked.Vertragsnummer.Versicherungsscheinnummer
    return CT_Vertragsauskunft(
        GueltigAm=asked.GueltigAm,
        Vertragsnummer=CT_Vertragsnummer(Versicherungsscheinnummer=number),
        Unternehmen=asked.Unternehmen,
        Informationsart=asked.Informationsart or None,
    )


class VertragsService(BiproService):
    """Portfolio data of the customers the caller's firm serves today."""

    @bipro_operation(CT_VertragsauskunftRequest, CT_VertragsauskunftResponse)
    def getData(ctx: Any, request: CT_VertragsauskunftRequest) -> CT_VertragsauskunftResponse:
        rc = request_context(ctx)
        principal = principal_of(rc)
        portfolio.require_portfolio_rights(principal)
        asked = request.Vertragsauskunft
        answer = _question(asked)

        def nok(meldung: Meldung) -> CT_VertragsauskunftResponse:
            return CT_VertragsauskunftResponse(
                BiPROVersion=rc.bipro_version,
                Status=make_status(rc, False, [meldung]),
                Vertragsauskunft=answer,
            )

        number = asked.Vertragsnummer.Versicherungsscheinnummer
        if not number:
            return nok(
                fehler(
                    MeldungID.INCOMPLETE_DATA,
                    "Versicherungsscheinnummer fehlt.",
                    quelle=NUMBER_SOURCE,
                )
            )
        with rc.runtime.uow(principal) as uow:
            if asked.GueltigAm and asked.GueltigAm != uow.business_day.isoformat():
                return nok(
                    fehler(
                        MeldungID.CURRENT_STATE_ONLY,
                        "Nur der aktuelle Zustand des Vertrags kann geliefert werden.",
                        quelle="Vertragsauskunft/GueltigAm",
                    )
                )
            try:
                contract = portfolio.get_contract(uow, number)
            except NotFound as missing:
                return nok(missing.meldung)
            _touch(rc, contract)
            answer.Vertrag = vertrag(contract)
        meldungen = [hinweis(MeldungID.INFORMATION_DELIVERED, "Vertragsauskunft geliefert.")]
        for art in sorted(set(asked.Informationsart or []) - {GRUNDDATEN}):
            meldungen.append(
                Meldung(
                    MeldungArt.WARNUNG,
                    MeldungID.INFORMATIONSART_NOT_SUPPORTED,
                    f"Informationsart {art} wird nicht geliefert, nur 01 (GrunddatenVertrag).",
                    quelle="Vertragsauskunft/Informationsart",
                )
            )
        return CT_VertragsauskunftResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, meldungen),
            Vertragsauskunft=answer,
        )

    @rpc(
        CT_ListContractsRequest.customize(min_occurs=1, nillable=False),
        _in_variable_names={"request": "Request"},
        _returns=CT_ListContractsResponse,
        _out_variable_name="Response",
        _in_message_name=f"{{{ERWEITERUNG}}}listContracts",
        _out_message_name=f"{{{ERWEITERUNG}}}listContractsResponse",
    )
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
        delivered = hinweis(
            MeldungID.INFORMATION_DELIVERED, f"{len(contracts)} Vertrag/Verträge geliefert."
        )
        return CT_ListContractsResponse(
            BiPROVersion=rc.bipro_version,
            Status=make_status(rc, True, [delivered]),
            Vertrag=contracts,
            NaechsterCursor=page.next_cursor,
        )
