"""Claims service (BiPRO 503): ``notifyClaim`` (Schadenmeldung) and ``getData`` (Schadenauskunft).

Send every notification with an idempotency key of its own (``new_idempotency_key()``) and
keep it until the answer arrives: after a timeout or a lost connection, send the same
notification with the same key again; the answer then names the claim already stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bipro_clients.services import Answer, _answer, _TokenService

SCHADEN = "SchadenService_2.6.1.1.0"


def new_idempotency_key() -> str:
    """A fresh key for one notification (32 hex digits)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Gegenstand:
    """An affected item: ``valuables_class`` and ``damage`` are the ST_ codes of the WSDL."""

    description: str
    valuables_class: str
    value: Decimal
    damage: str


@dataclass(frozen=True)
class Dokument:
    filename: str
    content_type: str
    kind: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Schadenmeldung:
    """A claim notification (docs/claims.md lists the codes)."""

    contract: str
    loss_date: date
    place: str
    transport_kind: str
    peril: str
    description: str
    estimated_loss: Decimal
    insured_value: Decimal
    items: Sequence[Gegenstand]
    mitigation_costs: Decimal | None = None
    police_report: str | None = None
    documents: Sequence[Dokument] = ()


@dataclass(frozen=True)
class Erstbewertung:
    cover: str
    in_force: bool
    immediate_notice: bool
    limitation_notice: bool
    under_insurance_ratio: Decimal | None
    indemnity: Decimal
    costs: Decimal
    total: Decimal
    missing_documents: list[str]


@dataclass(frozen=True)
class Schaden:
    """A claim as ``notifyClaim`` and ``getData`` answer it; ``rules`` are the AVB sections
    of the assessment's ``Meldung``s (their ``Identifikationsnummer``)."""

    number: str
    assessment: Erstbewertung
    rules: list[str]
    contract: str | None = None
    partnernummer: str | None = None
    status: str | None = None
    notified_at: datetime | None = None
    loss_date: date | None = None
    transport_kind: str | None = None
    peril: str | None = None
    documents: int | None = None
    acknowledgement_id: str | None = None


def _request(meldung: Schadenmeldung) -> dict[str, Any]:
    return {
        "Versicherungsscheinnummer": meldung.contract,
        "Schadendatum": meldung.loss_date,
        "Schadenort": meldung.place,
        "Transportart": meldung.transport_kind,
        "Ereignis": meldung.peril,
        "Schadenbeschreibung": meldung.description,
        "Schadenhoehe": meldung.estimated_loss,
        "Versicherungswert": meldung.insured_value,
        "Schadenminderungskosten": meldung.mitigation_costs,
        "Polizeiaktenzeichen": meldung.police_report,
        "Gegenstand": [
            {
                "Bezeichnung": g.description,
                "Wertsachenart": g.valuables_class,
                "Wert": g.value,
                "Schadenart": g.damage,
            }
            for g in meldung.items
        ],
        "Dokument": [
            {
                "Dateiname": d.filename,
                "Dateityp": d.content_type,
                "Dokumentart": d.kind,
                "Daten": d.data,
            }
            for d in meldung.documents
        ],
    }


def _erstbewertung(value: Any) -> Erstbewertung:
    return Erstbewertung(
        cover=value.Deckung,
        in_force=value.VertragInKraft,
        immediate_notice=value.Sofortmeldung,
        limitation_notice=value.Verjaehrungshinweis,
        under_insurance_ratio=value.Unterversicherungsquote,
        indemnity=value.Entschaedigung,
        costs=value.Kosten,
        total=value.Gesamt,
        missing_documents=list(value.FehlendeUnterlage or []),
    )


def _rules(response: Any) -> list[str]:
    return [
        m.Identifikationsnummer for m in response.Status.Meldung or [] if m.Identifikationsnummer
    ]


class SchadenClient(_TokenService):
    """Claim notification and claim information (BiPRO 503)."""

    wsdl = SCHADEN
    path = "/bipro/SchadenService_2.6.1.1.0"

    def notify_claim(self, meldung: Schadenmeldung, idempotency_key: str) -> Answer:
        """Notify a claim; ``payload`` is the :class:`Schaden` (None when refused: NOK)."""
        response = self._call(
            "notifyClaim", Idempotenzschluessel=idempotency_key, Schadenmeldung=_request(meldung)
        )
        claim = None
        if response.Schadennummer:
            claim = Schaden(
                number=response.Schadennummer,
                assessment=_erstbewertung(response.Erstbewertung),
                rules=_rules(response),
            )
        return _answer(response, claim)

    def get_claim(self, schadennummer: str) -> Answer:
        """Status and first assessment of a claim; ``payload`` is the :class:`Schaden`."""
        response = self._call("getData", Schadenauskunft={"Schadennummer": schadennummer})
        claim = None
        if response.Schadenauskunft is not None:
            s = response.Schadenauskunft.Schaden
            claim = Schaden(
                number=s.Schadennummer,
                assessment=_erstbewertung(s.Erstbewertung),
                rules=_rules(response),
                contract=s.Versicherungsscheinnummer,
                partnernummer=s.Partnernummer,
                status=s.Status,
                notified_at=s.Meldezeitpunkt,
                loss_date=s.Schadendatum,
                transport_kind=s.Transportart,
                peril=s.Ereignis,
                documents=s.AnzahlDokumente,
                acknowledgement_id=s.Eingangsbestaetigung,
            )
        return _answer(response, claim)
