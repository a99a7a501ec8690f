"""Claims service (BiPRO 503, ``…/prozesse/schaden``): ``setNotification`` (Schadenmeldung)
and ``getData`` (Schadenauskunft) in the official shapes (docs/wire-format.md).

Send every notification with a key of its own (``new_idempotency_key()``, sent as
``gevo:VorgangsnummerVM``) and keep it until the answer arrives: after a timeout or a lost
connection, send the same notification with the same key again; the answer then names the
claim already stored.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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
    """The first assessment: the verdict (``Meldung`` ``Deckung:<code>``), the estimate from
    ``SchadenfallLeistungsfall`` and the documents still needed (official Dokumentart codes;
    ``setNotification`` only)."""

    cover: str | None
    indemnity: Decimal | None
    costs: Decimal | None
    total: Decimal | None
    missing_documents: list[str]


@dataclass(frozen=True)
class Schaden:
    """A claim as ``setNotification`` and ``getData`` answer it; ``rules`` are the AVB
    sections of the assessment's ``Meldung``s (their ``Identifikationsnummer``)."""

    number: str
    assessment: Erstbewertung
    rules: list[str]
    contract: str | None = None
    status: str | None = None
    """``Schadenstatus``: ``01`` offen, ``02`` geschlossen."""
    notified_at: str | None = None
    loss_date: str | None = None
    transport_kind: str | None = None
    peril: str | None = None


#: Our document kinds as official ``ST_DokumentartID`` codes (docs/claims.md).
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
ZUSTAND = {"lost": "1", "damaged": "2", "destroyed": "3"}
TRANSPORTMITTEL = {"post": "10", "courier": "99", "air_freight": "08", "accompanied": "12"}


def _height(art: str, amount: Decimal) -> dict[str, Any]:
    return {"Betrag": amount, "Waehrung": "EUR", "ArtID": art}


def _request(meldung: Schadenmeldung, key: str) -> dict[str, Any]:
    """The official ``sch:Schadenmeldung`` (Valoren codes where docs/wire-format.md says)."""
    heights = [_height("01", meldung.estimated_loss), _height("11", meldung.insured_value)]
    if meldung.mitigation_costs is not None:
        heights.append(_height("99", meldung.mitigation_costs))
    return {
        "VorgangsnummerVM": key,
        "Datei": [
            {
                "Dateiname": d.filename,
                "Dateityp": "Dokument",
                "Daten": {"_value_1": d.data, "contentType": d.content_type},
                "Komprimierungstyp": "KEINE",
                "DokumentartID": [DOKUMENTART.get(d.kind, "SonstigesDokument")],
            }
            for d in meldung.documents
        ],
        "Ereignis": {
            "Schadendatum": meldung.loss_date.isoformat(),
            "PolizeilichGemeldet": meldung.police_report is not None,
            "Schadenhergang": [{"Beschreibung": meldung.description}],
            "Schaden": [
                {
                    "ArtID": ["2"],
                    "Schadenhoehe": heights,
                    "SchadenfallLeistungsfall": [
                        {
                            "Beschreibung": meldung.peril,
                            "Vertrag": {
                                "Verkaufsprodukt": {"Produkt": {}},
                                "Vertragsnummer": {"Versicherungsscheinnummer": meldung.contract},
                            },
                        }
                    ],
                    "Schadenobjekt": [
                        {
                            "GegenstandID": "T1",
                            "Bezeichnung": g.description,
                            "Vertragsposition": g.valuables_class,
                            "Zustand": ZUSTAND.get(g.damage, g.damage),
                            "Schadenhoehe": [_height("11", g.value)],
                        }
                        for g in meldung.items
                    ],
                }
            ],
            "Schadenanschrift": {"Schadenort": meldung.place},
            "Polizeibericht": (
                [{"Tagebuchnummer": meldung.police_report}] if meldung.police_report else []
            ),
        },
        "Gegenstand": [
            {
                "GegenstandID": "T1",
                "TransportmittelSchluessel": [TRANSPORTMITTEL.get(meldung.transport_kind, "99")],
                "Transportmittel": meldung.transport_kind,
            }
        ],
    }


def _betrag(value: Any) -> Decimal | None:
    return value.Betrag if value is not None else None


def _fall(ereignis: Any) -> Any:
    for schaden in (ereignis.Schaden or []) if ereignis is not None else []:
        for fall in schaden.SchadenfallLeistungsfall or []:
            return fall
    return None


def _meldungen(response: Any) -> list[Any]:
    return list(response.Status.Meldung or [])


def _rules(response: Any) -> list[str]:
    return [
        m.Identifikationsnummer
        for m in _meldungen(response)
        if m.Identifikationsnummer and not m.Identifikationsnummer.startswith("Deckung:")
    ]


def _cover(response: Any) -> str | None:
    for m in _meldungen(response):
        if (m.Identifikationsnummer or "").startswith("Deckung:"):
            return str(m.Identifikationsnummer.split(":", 1)[1])
    return None


def _schaden(response: Any, ereignis: Any, requests: Sequence[Any] = ()) -> Schaden | None:
    fall = _fall(ereignis)
    if fall is None or fall.Schadennummer is None:
        return None
    regulierung = fall.Regulierung
    vertrag = fall.Vertrag
    return Schaden(
        number=fall.Schadennummer.Nummer,
        assessment=Erstbewertung(
            cover=_cover(response),
            indemnity=_betrag(regulierung.Entschaedigungsbetrag) if regulierung else None,
            costs=_betrag(regulierung.ExterneBearbeitungskosten) if regulierung else None,
            total=_betrag(fall.Entschaedigungsbetrag),
            missing_documents=[art for r in requests for art in r.ArtID or []],
        ),
        rules=_rules(response),
        contract=vertrag.Vertragsnummer.Versicherungsscheinnummer if vertrag else None,
        status=fall.Schadenstatus,
        notified_at=fall.Schadenmeldedatum,
        loss_date=ereignis.Schadendatum,
        peril=fall.Beschreibung,
    )


def _transport(value: Any) -> str | None:
    for gegenstand in value.Gegenstand or []:
        return str(gegenstand.Transportmittel) if gegenstand.Transportmittel else None
    return None


class SchadenClient(_TokenService):
    """Claim notification and claim information (BiPRO 503)."""

    wsdl = SCHADEN
    path = "/bipro/SchadenService_2.6.1.1.0"

    def notify_claim(self, meldung: Schadenmeldung, idempotency_key: str) -> Answer:
        """``setNotification``; ``payload`` is the :class:`Schaden` (None when refused: NOK).
        The key travels as ``gevo:VorgangsnummerVM`` (8 to 35 characters)."""
        response = self._call("setNotification", Schadenmeldung=_request(meldung, idempotency_key))
        value = response.Schadenmeldung
        claim = _schaden(response, value.Ereignis, value.Dokumentanforderung or [])
        if claim is not None:
            claim = _with_transport(claim, value)
        return _answer(response, claim)

    def get_claim(self, schadennummer: str) -> Answer:
        """``getData`` (Schadenauskunft); ``payload`` is the :class:`Schaden`."""
        response = self._call(
            "getData", Schadenauskunft={"Schadennummer": {"Nummer": schadennummer}}
        )
        value = response.Schadenauskunft
        claim = _schaden(response, value.Ereignis) if value is not None else None
        if claim is not None:
            claim = _with_transport(claim, value)
        return _answer(response, claim)


def _with_transport(claim: Schaden, value: Any) -> Schaden:
    return dataclasses.replace(claim, transport_kind=_transport(value))
