"""The 503 wire shapes: official request elements to our domain notification, stored claims
back to official answer elements (docs/wire-format.md, "Claims service (503)").

Valoren data travels in official elements: the transport as ``sachen:CT_Transport``
(``TransportmittelSchluessel`` plus our code in ``Transportmittel``), the event code in
``SchadenfallLeistungsfall/Beschreibung``, the valuables class in ``Schadenobjekt/
Vertragsposition``, amounts as ``Schadenhoehe`` with an official ``ArtID``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from bipro_service.adapters.db.claims_models import Claim
from bipro_service.adapters.xml.envelope import finish
from bipro_service.domain.claims.assessment import Assessment
from bipro_service.domain.claims.notification import (
    AffectedItem,
    Attachment,
    ClaimDataError,
    ClaimNotification,
    DocumentKind,
    ItemDamage,
)
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.schaden_messages import (
    KEY_PATTERN,
    CT_Dokumentanforderung,
    CT_Entschaedigungsbetrag,
    CT_Ereignis,
    CT_ExterneBearbeitungskosten,
    CT_Polizeibericht,
    CT_Produkt,
    CT_Regulierung,
    CT_Schaden,
    CT_Schadenanschrift,
    CT_SchadenfallLeistungsfall,
    CT_Schadenhergang,
    CT_Schadenhoehe,
    CT_Schadenmeldung,
    CT_Schadennummer,
    CT_Schadenobjekt,
    CT_Transport,
    CT_Verkaufsprodukt,
    CT_Vertrag,
)
from bipro_service.entrypoints.soap.vertrag_objects import CT_Vertragsnummer
from bipro_service.namespaces import SCHADEN, SCHADEN_LEISTUNG, XSI

EUR = "EUR"
#: ``Schadenhoehe/ArtID`` (``STE_ArtDerSchadenhoeheBasis``) of our amounts.
LOSS, INDEMNITY, INSURED_VALUE, MITIGATION = "01", "06", "11", "99"
#: AVB damage ↔ ``ST_ZustandSchadenobjekt`` (1 abhanden, 2 beschädigt, 3 zerstört).
ZUSTAND = {ItemDamage.LOST: "1", ItemDamage.DAMAGED: "2", ItemDamage.DESTROYED: "3"}
DAMAGE = {v: k for k, v in ZUSTAND.items()} | {"4": ItemDamage.DESTROYED}
#: Our transport kinds ↔ GDV ``ST_TransportmittelSchluessel`` (10 Post, 08 Flugzeuge,
#: 12 Träger/Bote/Mensch, 99 Sonstige: the courier has no code of its own).
TRANSPORTMITTEL = {
    TransportKind.POST: "10",
    TransportKind.COURIER: "99",
    TransportKind.AIR_FREIGHT: "08",
    TransportKind.ACCOMPANIED: "12",
}
_KIND_OF_CODE = {"10": TransportKind.POST, "08": TransportKind.AIR_FREIGHT}
#: Our document kinds ↔ official ``ST_DokumentartID`` (one to one).
DOKUMENTART = {
    DocumentKind.CARRIER_CERTIFICATE: "Verlustbescheinigung",
    DocumentKind.TRANSPORT_PAPERS: "Auftrag",
    DocumentKind.INVOICE: "Rechnung",
    DocumentKind.LOSS_CALCULATION: "UnterlagenZurSchadenhoehe",
    DocumentKind.ASSIGNMENT_DECLARATION: "Abtretungserklaerung",
    DocumentKind.POLICE_CERTIFICATE: "Ermittlungsakte",
    DocumentKind.PHOTO: "Foto",
    DocumentKind.OTHER: "SonstigesDokument",
}
_KIND_OF_ART = {v: k for k, v in DOKUMENTART.items()}
TRANSPORT_ID = "T1"
_KEY = re.compile(KEY_PATTERN + r"\Z")
_XSI_TYPE = f"{{{XSI}}}type"
_ART_ID = f"{{{SCHADEN_LEISTUNG}}}ArtID"

M = "Schadenmeldung"
E = f"{M}/Ereignis"
S = f"{E}/Schaden"
F = f"{S}/SchadenfallLeistungsfall"


def _missing(path: str, what: str) -> ClaimDataError:
    return ClaimDataError(f"{what} fehlt.", quelle=path)


def _first(values: Sequence[Any] | None) -> Any:
    return values[0] if values else None


def _code(kind: type, value: str | None, path: str, what: str) -> Any:
    text = (value or "").strip()
    if not text:
        raise _missing(path, what)
    try:
        return kind(text)
    except ValueError:
        raise ClaimDataError(f"{what} {text[:40]!r} ist unbekannt.", quelle=path) from None


def idempotency_key(meldung: CT_Schadenmeldung) -> str:
    """``gevo:VorgangsnummerVM``: the broker's number of this notification, our retry key."""
    key = (meldung.VorgangsnummerVM or "").strip()
    if not _KEY.match(key):
        raise ClaimDataError(
            "VorgangsnummerVM (8–35 Zeichen A-Z a-z 0-9 . _ : -) fehlt oder ist ungültig: "
            "sie macht Wiederholungen der Meldung sicher.",
            quelle=f"{M}/VorgangsnummerVM",
        )
    return key


def _amounts(heights: Iterable[CT_Schadenhoehe] | None) -> dict[str, Decimal]:
    return {h.ArtID: h.Betrag for h in heights or [] if h.Betrag is not None}


def _loss_date(text: str | None) -> date:
    if not text:
        raise _missing(f"{E}/Schadendatum", "Schadendatum")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ClaimDataError("Ungültiges Schadendatum.", quelle=f"{E}/Schadendatum") from None


def _transport(meldung: CT_Schadenmeldung) -> TransportKind:
    path = f"{M}/Gegenstand/Transportmittel"
    transport = _first(meldung.Gegenstand)
    if transport is None:
        raise _missing(f"{M}/Gegenstand", "Der Transport (Gegenstand)")
    if transport.Transportmittel:
        return _code(TransportKind, transport.Transportmittel, path, "Transportart")  # type: ignore[no-any-return]
    code = _KIND_OF_CODE.get(_first(transport.TransportmittelSchluessel) or "")
    if code is None:
        raise _missing(path, "Transportart")
    return code


def notification(meldung: CT_Schadenmeldung) -> ClaimNotification:
    """The domain notification of a schema-valid ``Schadenmeldung``."""
    event = meldung.Ereignis
    if event is None:
        raise _missing(E, "Ereignis")
    damage = _first(event.Schaden)
    if damage is None:
        raise _missing(S, "Schaden")
    case = _first(damage.SchadenfallLeistungsfall)
    if case is None:
        raise _missing(F, "SchadenfallLeistungsfall")
    contract = case.Vertrag.Vertragsnummer.Versicherungsscheinnummer if case.Vertrag else None
    amounts = _amounts(damage.Schadenhoehe)
    for art, name in ((LOSS, "Schadenhöhe (ArtID 01)"), (INSURED_VALUE, "Versicherungswert (11)")):
        if art not in amounts:
            raise _missing(f"{S}/Schadenhoehe", name)
    place = event.Schadenanschrift.Schadenort if event.Schadenanschrift else None
    police = _first(event.Polizeibericht)
    return ClaimNotification(
        contract_number=contract or "",
        loss_date=_loss_date(event.Schadendatum),
        loss_place=place or "",
        transport_kind=_transport(meldung),
        peril=_code(Peril, case.Beschreibung, f"{F}/Beschreibung", "Ereignis"),
        description=" ".join(h.Beschreibung for h in event.Schadenhergang or [] if h.Beschreibung),
        estimated_loss=amounts[LOSS],
        insured_value=amounts[INSURED_VALUE],
        mitigation_costs=amounts.get(MITIGATION, Decimal(0)),
        police_report=police.Tagebuchnummer if police else None,
        items=tuple(_item(o, n) for n, o in enumerate(damage.Schadenobjekt or [], start=1)),
        documents=tuple(_document(d, n) for n, d in enumerate(meldung.Datei or [], start=1)),
    )


def _item(o: CT_Schadenobjekt, position: int) -> AffectedItem:
    path = f"{S}/Schadenobjekt[{position}]"
    value = _amounts(o.Schadenhoehe)
    worth = value.get(INSURED_VALUE, _first(list(value.values())))
    if worth is None:
        raise _missing(f"{path}/Schadenhoehe", "Wert")
    damage = DAMAGE.get(o.Zustand or "")
    if damage is None:
        raise _missing(f"{path}/Zustand", "Zustand")
    return AffectedItem(
        o.Bezeichnung or "",
        _code(ValuablesClass, o.Vertragsposition, f"{path}/Vertragsposition", "Wertsachenart"),
        worth,
        damage,
    )


def _document(d: Any, position: int) -> Attachment:
    path = f"{M}/Datei[{position}]"
    if d.Komprimierungstyp != "KEINE":
        raise ClaimDataError(
            "Nur unkomprimierte Dateien (Komprimierungstyp KEINE).",
            quelle=f"{path}/Komprimierungstyp",
        )
    art = _first(d.DokumentartID)
    kind = _KIND_OF_ART.get(art or "", DocumentKind.OTHER)
    data = d.Daten
    content_type = (data.contentType if data is not None else None) or ""
    return Attachment(d.Dateiname or "", content_type, kind, _bytes(data.value if data else b""))


def _bytes(value: Any) -> bytes:
    # Spyne hands base64 content over as a list of chunks.
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return b"".join(value or [])


def _money(model: type, amount: Decimal) -> Any:
    return model(Betrag=amount, Waehrung=EUR)


def _height(art: str, amount: Decimal) -> CT_Schadenhoehe:
    return CT_Schadenhoehe(Betrag=amount, Waehrung=EUR, ArtID=art)


def zeitpunkt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ereignis(claim: Claim, assessment: Assessment) -> CT_Ereignis:
    """The stored claim as ``schdlstg:CT_Ereignis``, with the first assessment's estimate."""
    estimate = assessment.estimate
    heights = [
        _height(LOSS, claim.estimated_loss),
        _height(INSURED_VALUE, claim.insured_value),
    ]
    if claim.mitigation_costs:
        heights.append(_height(MITIGATION, claim.mitigation_costs))
    case = CT_SchadenfallLeistungsfall(
        Schadenstatus="01",
        Schadenmeldedatum=zeitpunkt(claim.notified_at),
        Beschreibung=claim.peril,
        Entschaedigungsbetrag=_money(CT_Entschaedigungsbetrag, estimate.total),
        Schadennummer=CT_Schadennummer(Nummer=claim.schadennummer),
        Vertrag=CT_Vertrag(
            Verkaufsprodukt=CT_Verkaufsprodukt(Produkt=CT_Produkt(Bezeichnung="Valoren")),
            Vertragsnummer=CT_Vertragsnummer(
                Versicherungsscheinnummer=claim.contract.versicherungsscheinnummer
            ),
        ),
        Regulierung=CT_Regulierung(
            Entschaedigungsbetrag=_money(CT_Entschaedigungsbetrag, estimate.indemnity),
            ExterneBearbeitungskosten=_money(CT_ExterneBearbeitungskosten, estimate.costs),
        ),
    )
    objects = [
        CT_Schadenobjekt(
            GegenstandID=TRANSPORT_ID,
            Bezeichnung=i.description,
            Vertragsposition=i.valuables_class,
            Zustand=ZUSTAND[ItemDamage(i.damage)],
            Schadenhoehe=[_height(INSURED_VALUE, i.value)],
        )
        for i in claim.items
    ]
    return CT_Ereignis(
        Schadendatum=claim.loss_date.isoformat(),
        PolizeilichGemeldet=bool(claim.police_report),
        Schadenhergang=[CT_Schadenhergang(Beschreibung=claim.description)],
        Schaden=[
            CT_Schaden(
                ArtID=["2"],
                Schadenhoehe=heights,
                SchadenfallLeistungsfall=[case],
                Schadenobjekt=objects,
            )
        ],
        Schadenanschrift=CT_Schadenanschrift(Schadenort=claim.loss_place),
        Polizeibericht=(
            [CT_Polizeibericht(Tagebuchnummer=claim.police_report)] if claim.police_report else []
        ),
    )


def transport(claim: Claim) -> CT_Transport:
    kind = TransportKind(claim.transport_kind)
    return CT_Transport(
        GegenstandID=TRANSPORT_ID,
        TransportmittelSchluessel=[TRANSPORTMITTEL[kind]],
        Transportmittel=kind.value,
    )


def schadenmeldung(
    key: str | None, claim: Claim | None, assessment: Assessment | None
) -> CT_Schadenmeldung:
    """The ``Schadenmeldung`` of a ``setNotification`` answer (bare on NOK: it is mandatory)."""
    if claim is None or assessment is None:
        return CT_Schadenmeldung(VorgangsnummerVM=key)
    return CT_Schadenmeldung(
        Vorgangsnummer=claim.schadennummer,
        VorgangsnummerVM=key,
        Erstelldatum=claim.notified_at.strftime("%Y-%m-%dT%H:%M:%S"),
        Dokumentanforderung=[
            CT_Dokumentanforderung(ArtID=[DOKUMENTART[k] for k in assessment.missing_documents])
        ]
        if assessment.missing_documents
        else [],
        Ereignis=ereignis(claim, assessment),
        Gegenstand=[transport(claim)],
    )


def stamp_types(ctx: Any) -> None:
    """Write the ``xsi:type`` of the official abstract types we declare concretely (Spyne
    cannot derive simple-content types): ``Schadenhoehe/ArtID`` and ``sch:Gegenstand``."""
    document = getattr(ctx, "out_document", None)
    if not isinstance(document, etree._Element):
        return
    for height in document.iter(f"{{{SCHADEN_LEISTUNG}}}Schadenhoehe"):
        art = height.find(_ART_ID)
        if art is not None:
            art.set(_XSI_TYPE, "dt:STE_ArtDerSchadenhoeheBasis")
    for thing in document.iter(f"{{{SCHADEN}}}Gegenstand"):
        thing.set(_XSI_TYPE, "sachen:CT_Transport")
    finish(document)
