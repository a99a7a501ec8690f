"""Building claim notifications (raw SOAP) and Valoren contracts for the claims tests."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bipro_service.adapters.db.models import AuditRecord, Claim, Contract, Shipment
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.claims import ACKNOWLEDGEMENT_CATEGORY
from tests.integration.portfolio_helpers import PDF, make_customer
from tests.support import Answer, call, envelope, request_body, token_header

SCHADEN_PATH = "/bipro/SchadenService_2.6.1.1.0"
S = "http://www.bipro.net/namespace/schaden"
N = "http://www.bipro.net/namespace/nachrichten"

ALL_KINDS = ["post", "courier", "air_freight", "accompanied"]
ALL_CLAUSES = {"war": True, "strike_riot": True, "confiscation": True}


def make_contract(
    runtime: Runtime,
    number: str,
    customer: str,
    firm: str | None = None,
    *,
    is_test: bool = True,
    begin: date = date(2024, 1, 1),
    end: date | None = None,
    sum_insured: str = "100000.00",
    transport_kinds: list[str] | None = None,
    clauses: dict[str, bool] | None = None,
) -> None:
    """A Valoren contract of ``customer``; with ``firm``, the customer is created (or given a
    further servicing relationship) with that firm as broker since 2020."""
    if firm is not None:
        make_customer(runtime, customer, firm, is_test=is_test)
    with runtime.uow() as uow:
        row = uow.repos.customer_by_number(customer)
        assert row is not None
        uow.session.add(
            Contract(
                versicherungsscheinnummer=number,
                customer_id=row.id,
                product="VALOREN",
                status="aktiv",
                begin=begin,
                end=end,
                sum_insured=Decimal(sum_insured),
                annual_premium=Decimal("1000.00"),
                payment_mode="annual",
                details={
                    "transport_kinds": ALL_KINDS if transport_kinds is None else transport_kinds,
                    "valuables_classes": ["securities", "precious_metals"],
                    "clauses": {} if clauses is None else clauses,
                },
                is_test=is_test,
            )
        )
        uow.commit()


@dataclass
class Meldung:
    """A claim notification to send; defaults make a covered carrier loss."""

    contract: str = "VAL-1"
    loss_date: str = "2025-03-01"
    place: str = "Frankfurt am Main"
    kind: str = "post"
    peril: str = "other"
    description: str = "Sendung beschädigt angekommen."
    loss: str = "1500.00"
    value: str = "10000.00"
    costs: str | None = None
    police: str | None = None
    items: list[tuple[str, str, str, str]] = field(
        default_factory=lambda: [("Goldbarren 100 g", "precious_metals", "1500.00", "damaged")]
    )
    documents: list[tuple[str, str, str, bytes]] = field(
        default_factory=lambda: [("rechnung.pdf", "application/pdf", "invoice", PDF)]
    )

    def xml(self) -> str:
        costs = f"<s:Schadenminderungskosten>{self.costs}</s:Schadenminderungskosten>"
        police = f"<s:Polizeiaktenzeichen>{self.police}</s:Polizeiaktenzeichen>"
        items = "".join(
            f"<s:Gegenstand><s:Bezeichnung>{d}</s:Bezeichnung><s:Wertsachenart>{c}"
            f"</s:Wertsachenart><s:Wert>{v}</s:Wert><s:Schadenart>{a}</s:Schadenart>"
            "</s:Gegenstand>"
            for d, c, v, a in self.items
        )
        docs = "".join(
            f"<s:Dokument><s:Dateiname>{n}</s:Dateiname><s:Dateityp>{t}</s:Dateityp>"
            f"<s:Dokumentart>{k}</s:Dokumentart>"
            f"<s:Daten>{base64.b64encode(data).decode()}</s:Daten></s:Dokument>"
            for n, t, k, data in self.documents
        )
        return (
            f"<s:Schadenmeldung><s:Versicherungsscheinnummer>{self.contract}"
            f"</s:Versicherungsscheinnummer><s:Schadendatum>{self.loss_date}</s:Schadendatum>"
            f"<s:Schadenort>{self.place}</s:Schadenort><s:Transportart>{self.kind}"
            f"</s:Transportart><s:Ereignis>{self.peril}</s:Ereignis>"
            f"<s:Schadenbeschreibung>{self.description}</s:Schadenbeschreibung>"
            f"<s:Schadenhoehe>{self.loss}</s:Schadenhoehe>"
            f"<s:Versicherungswert>{self.value}</s:Versicherungswert>"
            f"{costs if self.costs else ''}{police if self.police else ''}{items}{docs}"
            "</s:Schadenmeldung>"
        )


def new_key() -> str:
    return uuid.uuid4().hex


def _request(operation: str, inner: str) -> str:
    return request_body(S, operation, inner, "s")


def notify_body(tok: str, meldung: Meldung, key: str) -> bytes:
    inner = f"<s:Idempotenzschluessel>{key}</s:Idempotenzschluessel>{meldung.xml()}"
    return envelope(_request("notifyClaim", inner), token_header(tok))


def notify(app: Any, tok: str, meldung: Meldung, key: str | None = None) -> Answer:
    return call(app, SCHADEN_PATH, notify_body(tok, meldung, key or new_key()))


def get_data(app: Any, tok: str, number: str) -> Answer:
    inner = f"<s:Schadenauskunft><s:Schadennummer>{number}</s:Schadennummer></s:Schadenauskunft>"
    return call(app, SCHADEN_PATH, envelope(_request("getData", inner), token_header(tok)))


def schadennummer(answer: Answer) -> str | None:
    return answer.xml.findtext(f".//{{{S}}}Schadennummer")


def bewertung(answer: Answer, name: str) -> str | None:
    return answer.xml.findtext(f".//{{{S}}}Erstbewertung/{{{S}}}{name}")


def ids(answer: Answer) -> list[str]:
    """The ``Identifikationsnummer`` (AVB rule) of every ``Meldung``."""
    return [
        e.text or "" for e in answer.xml.iterfind(f".//{{{N}}}Meldung/{{{N}}}Identifikationsnummer")
    ]


def stored_claims(runtime: Runtime) -> list[Claim]:
    """Every stored claim (unscoped, oldest first) with items and documents, detached."""
    with runtime.session_factory() as session:
        return list(
            session.scalars(
                select(Claim)
                .options(selectinload(Claim.items), selectinload(Claim.documents))
                .order_by(Claim.id)
            )
        )


def acknowledgements(runtime: Runtime) -> list[Shipment]:
    """Every acknowledgement letter in any firm's post, with its documents, detached."""
    with runtime.session_factory() as session:
        return list(
            session.scalars(
                select(Shipment)
                .options(selectinload(Shipment.documents))
                .where(Shipment.category == ACKNOWLEDGEMENT_CATEGORY)
                .order_by(Shipment.id)
            )
        )


def audit_records(runtime: Runtime, **equal: str) -> list[AuditRecord]:
    """Audit records whose columns equal the given values, detached."""
    with runtime.session_factory() as session:
        query = select(AuditRecord).order_by(AuditRecord.seq)
        for name, value in equal.items():
            query = query.where(getattr(AuditRecord, name) == value)
        return list(session.scalars(query))
