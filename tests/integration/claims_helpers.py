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
from bipro_service.namespaces import (
    ALLGEMEIN,
    DATENTYPEN,
    GEVO,
    NACHRICHTEN,
    PRODUKTMODELL,
    SACHEN,
    SCHADEN,
    SCHADEN_LEISTUNG,
    VERTRAG_OBJEKTE,
    XMIME,
    XSI,
)
from bipro_service.service_layer.claims import ACKNOWLEDGEMENT_CATEGORY
from tests.integration.portfolio_helpers import PDF, make_customer
from tests.support import Answer, call, envelope, request_body, token_header

SCHADEN_PATH = "/bipro/SchadenService_2.6.1.1.0"
S = SCHADEN
N = NACHRICHTEN

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
        """The ``sch:Schadenmeldung`` as a client generated from the official schemas sends it
        (prefixes as in the official XSDs; the key goes separately, see :func:`notify_body`)."""
        costs = _height("99", self.costs) if self.costs else ""
        police = (
            f"<sl:Polizeibericht><sl:Tagebuchnummer>{self.police}</sl:Tagebuchnummer>"
            "</sl:Polizeibericht>"
            if self.police
            else ""
        )
        items = "".join(
            f"<sl:Schadenobjekt><allg:GegenstandID>T1</allg:GegenstandID>"
            f"<sl:Bezeichnung>{d}</sl:Bezeichnung><sl:Vertragsposition>{c}</sl:Vertragsposition>"
            f"<sl:Zustand>{ZUSTAND[a]}</sl:Zustand>{_height('11', v)}</sl:Schadenobjekt>"
            for d, c, v, a in self.items
        )
        docs = "".join(
            f"<gevo:Datei><allg:Dateiname>{n}</allg:Dateiname><allg:Dateityp>Dokument"
            f'</allg:Dateityp><allg:Daten xmime:contentType="{t}">'
            f"{base64.b64encode(data).decode()}</allg:Daten>"
            "<allg:Komprimierungstyp>KEINE</allg:Komprimierungstyp>"
            f"<allg:DokumentartID>{DOKUMENTART[k]}</allg:DokumentartID></gevo:Datei>"
            for n, t, k, data in self.documents
        )
        return (
            f"{docs}<s:Ereignis><sl:Schadendatum>{self.loss_date}</sl:Schadendatum>"
            f"<sl:PolizeilichGemeldet>{'true' if self.police else 'false'}"
            "</sl:PolizeilichGemeldet>"
            f"<sl:Schadenhergang><sl:Beschreibung>{self.description}</sl:Beschreibung>"
            "</sl:Schadenhergang>"
            f"<sl:Schaden><sl:ArtID>2</sl:ArtID>{_height('01', self.loss)}"
            f"{_height('11', self.value)}{costs}"
            "<sl:SchadenfallLeistungsfall>"
            f"<sl:Beschreibung>{self.peril}</sl:Beschreibung>"
            "<sl:Vertrag><vtrg:Verkaufsprodukt><pm:Produkt/></vtrg:Verkaufsprodukt>"
            "<vtrg:Vertragsnummer><allg:Versicherungsscheinnummer>"
            f"{self.contract}</allg:Versicherungsscheinnummer></vtrg:Vertragsnummer></sl:Vertrag>"
            f"</sl:SchadenfallLeistungsfall>{items}</sl:Schaden>"
            f"<sl:Schadenanschrift><sl:Schadenort>{self.place}</sl:Schadenort>"
            f"</sl:Schadenanschrift>{police}</s:Ereignis>"
            '<s:Gegenstand xsi:type="sachen:CT_Transport"><allg:GegenstandID>T1'
            "</allg:GegenstandID><sachen:TransportmittelSchluessel>"
            f"{TRANSPORTMITTEL.get(self.kind, '99')}"
            f"</sachen:TransportmittelSchluessel><sachen:Transportmittel>{self.kind}"
            "</sachen:Transportmittel></s:Gegenstand>"
        )


def _height(art: str, amount: str) -> str:
    return (
        f"<sl:Schadenhoehe><allg:Betrag>{amount}</allg:Betrag><allg:Waehrung>EUR</allg:Waehrung>"
        f'<sl:ArtID xsi:type="dt:STE_ArtDerSchadenhoeheBasis">{art}</sl:ArtID></sl:Schadenhoehe>'
    )


#: The namespaces of a claim request, with the prefixes of the official XSDs.
DECLARATIONS = " ".join(
    f'xmlns:{p}="{u}"'
    for p, u in {
        "sl": SCHADEN_LEISTUNG,
        "allg": ALLGEMEIN,
        "gevo": GEVO,
        "vtrg": VERTRAG_OBJEKTE,
        "pm": PRODUKTMODELL,
        "sachen": SACHEN,
        "dt": DATENTYPEN,
        "xsi": XSI,
        "xmime": XMIME,
    }.items()
)
ZUSTAND = {"lost": "1", "damaged": "2", "destroyed": "3"}
TRANSPORTMITTEL = {"post": "10", "courier": "99", "air_freight": "08", "accompanied": "12"}
DOKUMENTART = {
    "carrier_certificate": "Verlustbescheinigung",
    "transport_papers": "Auftrag",
    "invoice": "Rechnung",
    "loss_calculation": "UnterlagenZurSchadenhoehe",
    "assignment_declaration": "Abtretungserklaerung",
    "police_certificate": "Ermittlungsakte",
    "photo": "Foto",
    "other": "SonstigesDokument",
}


def new_key() -> str:
    return uuid.uuid4().hex


def _request(operation: str, inner: str) -> str:
    body = request_body(S, operation, inner, "s")
    return body.replace(f'xmlns:s="{S}"', f'xmlns:s="{S}" {DECLARATIONS}', 1)


def notify_body(tok: str, meldung: Meldung, key: str) -> bytes:
    inner = (
        f"<s:Schadenmeldung><gevo:VorgangsnummerVM>{key}</gevo:VorgangsnummerVM>"
        f"{meldung.xml()}</s:Schadenmeldung>"
    )
    return envelope(_request("setNotification", inner), token_header(tok))


def notify(app: Any, tok: str, meldung: Meldung, key: str | None = None) -> Answer:
    return call(app, SCHADEN_PATH, notify_body(tok, meldung, key or new_key()))


def get_data(app: Any, tok: str, number: str) -> Answer:
    inner = (
        "<s:Schadenauskunft><s:Schadennummer>"
        f"<allg:Nummer>{number}</allg:Nummer></s:Schadennummer></s:Schadenauskunft>"
    )
    return call(app, SCHADEN_PATH, envelope(_request("getData", inner), token_header(tok)))


def schadennummer(answer: Answer) -> str | None:
    """The claim number of a ``setNotification`` or ``getData`` answer (None on NOK)."""
    return answer.xml.findtext(
        f".//{{{SCHADEN_LEISTUNG}}}SchadenfallLeistungsfall/{{{SCHADEN_LEISTUNG}}}Schadennummer/"
        f"{{{ALLGEMEIN}}}Nummer"
    )


def deckung(answer: Answer) -> str | None:
    """The coverage verdict (``Identifikationsnummer`` ``Deckung:<code>``)."""
    for e in answer.xml.iterfind(f".//{{{N}}}Meldung/{{{N}}}Identifikationsnummer"):
        found = e.text or ""
        if found.startswith("Deckung:"):
            return found.split(":", 1)[1]
    return None


def betrag(answer: Answer, path: str) -> str | None:
    """An amount below ``SchadenfallLeistungsfall`` (``Entschaedigungsbetrag``,
    ``Regulierung/Entschaedigungsbetrag``, ``Regulierung/ExterneBearbeitungskosten``)."""
    steps = "/".join(f"{{{SCHADEN_LEISTUNG}}}{p}" for p in path.split("/"))
    return answer.xml.findtext(
        f".//{{{SCHADEN_LEISTUNG}}}SchadenfallLeistungsfall/{steps}/{{{ALLGEMEIN}}}Betrag"
    )


def angefordert(answer: Answer) -> list[str]:
    """The documents a ``setNotification`` answer asks for (``gevo:Dokumentanforderung``)."""
    return [e.text or "" for e in answer.xml.iterfind(f".//{{{GEVO}}}Dokumentanforderung/*")]


def ids(answer: Answer) -> list[str]:
    """The ``Identifikationsnummer`` (AVB rule) of every finding's ``Meldung`` (not the
    verdict's ``Deckung:…``, see :func:`deckung`)."""
    found = [
        e.text or "" for e in answer.xml.iterfind(f".//{{{N}}}Meldung/{{{N}}}Identifikationsnummer")
    ]
    return [f for f in found if not f.startswith("Deckung:")]


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
