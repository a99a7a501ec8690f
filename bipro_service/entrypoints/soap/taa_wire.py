"""Reading the official 420 request shapes into the domain (no tariff rules here).

Where each Valoren input sits in ``CT_Tarifierung`` / ``CT_Angebot`` / ``CT_Antrag``:
docs/wire-format.md (420). Inputs the tariff cannot do without (the transport, the valuables,
the base value, for an offer the applicant and the start of cover) missing: fault 00001 with
the XPath in ``Quelle``; everything else is judged by the tariff rules (NOK with Meldungen).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from bipro_service.domain.status import BiproError, Meldung, MeldungID
from bipro_service.domain.tariff import (
    CoverKind,
    Declaration,
    DeclarationPeriod,
    OpenCoverTerms,
    QuoteRequest,
    ValueComponents,
)
from bipro_service.domain.tariff.labels import INCLUSION_FIELDS
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.taa_messages import (
    CT_JuristischePerson,
    CT_Kondition,
    CT_Partner,
    CT_Person,
    CT_SUHVersicherung,
    CT_Transport,
)
from bipro_service.entrypoints.soap.taa_messages.operations import CT_TAA
from bipro_service.service_layer.taa import Applicant

#: ``ST_Zahlungsweise`` → payment mode (6 ``einmalig``: the one-off premium, as annual).
PAYMENT_OF_CODE = {
    "1": PaymentMode.ANNUAL,
    "2": PaymentMode.SEMI_ANNUAL,
    "4": PaymentMode.QUARTERLY,
    "8": PaymentMode.MONTHLY,
    "6": PaymentMode.ANNUAL,
}
CODE_OF_PAYMENT = {
    PaymentMode.ANNUAL: "1",
    PaymentMode.SEMI_ANNUAL: "2",
    PaymentMode.QUARTERLY: "4",
    PaymentMode.MONTHLY: "8",
}
#: ``ST_Meldeturnus`` of an open cover: 01 = each transport before it starts (LV 4.1).
PERIOD_OF_TURNUS = {
    "03": DeclarationPeriod.MONTHLY,
    "04": DeclarationPeriod.QUARTERLY,
    "05": DeclarationPeriod.SEMI_ANNUAL,
    "06": DeclarationPeriod.ANNUAL,
}
TURNUS_OF_PERIOD = {period: code for code, period in PERIOD_OF_TURNUS.items()}
INDIVIDUAL_TURNUS = "01"
#: ``ST_TransportmittelSchluessel`` of our transport kinds (courier and accompanied: 12
#: "Träger, Bote, Mensch" — ``Transportmittel`` carries our code and decides).
KEY_OF_TRANSPORT = {
    TransportKind.POST: "10",
    TransportKind.COURIER: "12",
    TransportKind.AIR_FREIGHT: "08",
    TransportKind.ACCOMPANIED: "12",
}
_TRANSPORT_OF_KEY = {"10": TransportKind.POST, "08": TransportKind.AIR_FREIGHT}
CROSS_BORDER = "grenzueberschreitend"
SEPA_DEBIT = "1"
"""``ST_Zahlungsart`` 1 = Lastschrift: the SEPA direct debit mandate is given."""
TURNOVER = "Jahresumsatz"
VALUE_FIELDS = ("Grundwert", "Kosten", *INCLUSION_FIELDS.values())

PRODUKT = "tar:Verkaufsprodukt/pm:Produkt"
#: Domain field names (``Meldung.quelle``) → XPath below the process object.
_QUELLE = {
    "Versicherungssumme": f"{PRODUKT}/vspm:VersicherungssummeOderLeistung/vspm:Wert",
    "LaufendeVersicherung": f"{PRODUKT}/kom:Meldeverfahren",
    "LaufendeVersicherung/Anmeldezeitraum": f"{PRODUKT}/kom:Meldeturnus",
    "LaufendeVersicherung/Jahresumsatz": f"{PRODUKT}/pm:Kondition[pm:Bezeichnung='{TURNOVER}']",
    "Wertsachenart": "tar:Gegenstand/sachen:Warenbezeichnung",
    "Transportart": "tar:Gegenstand/sachen:Transportmittel",
    "Klausel": f"{PRODUKT}/vspm:Klausel",
    "Versicherungsbeginn": f"{PRODUKT}/pm:Versicherungsdauer/allg:Beginn",
    "Antragsteller": "tar:Partner",
    "Antragsteller/Partnernummer": "tar:Partner/par:Partnernummer",
    "Angebotsnummer": "gevo:Vorgangsnummer",
}
_QUELLE.update(
    {
        f"Versicherungswert/{name}": f"{PRODUKT}/pm:Kondition[pm:Bezeichnung='{name}']"
        for name in VALUE_FIELDS
    }
)


def quellen(meldungen: Iterable[Meldung], root: str) -> list[Meldung]:
    """The Meldungen with ``Quelle`` as the XPath of the field in the request (``root``: the
    process object, e.g. ``tar:getQuote/tar:Request/tar:Tarifierung``)."""
    result = []
    for meldung in meldungen:
        if meldung.quelle is not None:
            path = _QUELLE.get(meldung.quelle, meldung.quelle)
            meldung = dataclasses.replace(meldung, quelle=f"{root}/{path}")
        result.append(meldung)
    return result


def _missing(text: str, quelle: str) -> BiproError:
    return BiproError(text, meldung_id=MeldungID.INCOMPLETE_DATA, quelle=quelle)


def produkt(wire: CT_TAA) -> CT_SUHVersicherung:
    """The first product of the first sales product (a plain ``pm:CT_Produkt`` reads as an
    ``kom:CT_SUHVersicherung`` without open cover)."""
    found = wire.Verkaufsprodukt[0].Produkt[0]
    if isinstance(found, CT_SUHVersicherung):
        return found
    names = type(found).get_flat_type_info(type(found))
    return CT_SUHVersicherung(**{name: getattr(found, name, None) for name in names})


def _transport(wire: CT_TAA) -> CT_Transport:
    for item in wire.Gegenstand or []:
        if isinstance(item, CT_Transport):
            return item
    raise _missing(
        "Der Transport fehlt (tar:Gegenstand als sachen:CT_Transport).", "tar:Gegenstand"
    )


def _amounts(conditions: list[CT_Kondition] | None) -> dict[str, Decimal]:
    amounts: dict[str, Decimal] = {}
    for condition in conditions or []:
        name = condition.Bezeichnung or ""
        if name not in (*VALUE_FIELDS, TURNOVER):
            raise _missing(
                f"Kondition {name[:40]!r} ist kein Wertbestandteil des Valoren-Tarifs "
                f"({', '.join((*VALUE_FIELDS, TURNOVER))}).",
                f"{PRODUKT}/pm:Kondition/pm:Bezeichnung",
            )
        if condition.Wert is None:
            raise _missing(f"Kondition {name}: der Wert fehlt.", _QUELLE.get(name, PRODUKT))
        amounts[name] = Decimal(condition.Wert)
    return amounts


def _kind(transport: CT_Transport) -> TransportKind:
    if transport.Transportmittel:
        return TransportKind(transport.Transportmittel)
    kind = _TRANSPORT_OF_KEY.get(transport.TransportmittelSchluessel or "")
    if kind is None:
        raise _missing(
            "Transportmittel fehlt (post, courier, air_freight oder accompanied).",
            "tar:Gegenstand/sachen:Transportmittel",
        )
    return kind


def _open_cover(product: CT_SUHVersicherung, amounts: dict[str, Decimal]) -> OpenCoverTerms | None:
    turnover, turnus = amounts.get(TURNOVER), product.Meldeturnus
    if turnover is None or turnus is None:
        if product.Meldeverfahren or (turnover is None and turnus is None):
            return None  # open cover without its terms: the tariff rules say so (00001)
        turnover = turnover if turnover is not None else Decimal("0.00")
    if turnus == INDIVIDUAL_TURNUS:
        return OpenCoverTerms(turnover, Declaration.INDIVIDUAL)
    return OpenCoverTerms(turnover, Declaration.SUMMARY, PERIOD_OF_TURNUS.get(turnus or ""))


def quote_request(wire: CT_TAA) -> QuoteRequest:
    """The calculation asked for in a ``Tarifierung``, ``Angebot`` or ``Antrag``."""
    product = produkt(wire)
    transport = _transport(wire)
    if not transport.Warenbezeichnung:
        raise _missing(
            "Die Wertsachenart fehlt (sachen:Warenbezeichnung).", _QUELLE["Wertsachenart"]
        )
    amounts = _amounts(product.Kondition)
    if "Grundwert" not in amounts:
        raise _missing("Der Grundwert fehlt.", _QUELLE["Versicherungswert/Grundwert"])
    inclusions = {item: amounts[name] for item, name in INCLUSION_FIELDS.items() if name in amounts}
    sums = [s.Wert for s in product.VersicherungssummeOderLeistung or [] if s.Wert is not None]
    wish = product.GewuenschteZahlungsweise or wire.Verkaufsprodukt[0].GewuenschteZahlungsweise
    return QuoteRequest(
        cover=CoverKind.OPEN if product.Meldeverfahren else CoverKind.SINGLE,
        transport_kind=_kind(transport),
        valuables_class=ValuablesClass(transport.Warenbezeichnung),
        value=ValueComponents(
            amounts["Grundwert"], amounts.get("Kosten", Decimal("0.00")), inclusions
        ),
        sum_insured=Decimal(sums[0]) if sums else None,
        clauses=frozenset(Clause(k.ArtID) for k in product.Klausel or []),
        payment_mode=PAYMENT_OF_CODE.get(wish or "1", PaymentMode.ANNUAL),
        sepa_mandate=wire.Zahlungsart == SEPA_DEBIT,
        cross_border=transport.Route == CROSS_BORDER,
        open_cover=_open_cover(product, amounts),
    )


def begin(wire: CT_TAA) -> date:
    """The start of cover (``pm:Versicherungsdauer/allg:Beginn``, product or sales product)."""
    for part in (produkt(wire), wire.Verkaufsprodukt[0]):
        if part.Versicherungsdauer is not None and part.Versicherungsdauer.Beginn:
            return date.fromisoformat(part.Versicherungsdauer.Beginn[:10])
    raise _missing("Der Versicherungsbeginn fehlt.", _QUELLE["Versicherungsbeginn"])


def _policyholder(wire: CT_TAA) -> CT_Partner | None:
    partners = list(wire.Partner or [])
    wanted = wire.Versicherungsnehmer.PartnerID if wire.Versicherungsnehmer else None
    for partner in partners:
        if wanted is None or partner.PartnerID == wanted:
            return partner  # type: ignore[no-any-return]
    return None


def applicant(wire: CT_TAA) -> Applicant:
    """The policyholder: ``tar:Partner`` (named by ``tar:Versicherungsnehmer/par:PartnerID``)."""
    partner = _policyholder(wire)
    if partner is None:
        raise _missing("Der Antragsteller fehlt (tar:Partner).", "tar:Partner")
    address = (partner.Anschrift or [None])[0]
    email = next((k.Kommunikationsadresse for k in partner.Kommunikationsverbindung or []), None)
    person = partner if isinstance(partner, CT_Person) else None
    company = isinstance(partner, CT_JuristischePerson) or person is None
    birth = person.Geburtsdatum if person is not None else None
    return Applicant(
        partnernummer=partner.Partnernummer,
        company_name=partner.Name if company else None,
        first_name=person.Vorname if person is not None else None,
        last_name=partner.Name if not company else None,
        birth_date=date.fromisoformat(birth) if birth else None,
        street=address.Strasse if address is not None else None,
        postal_code=address.Postleitzahl if address is not None else None,
        city=address.Ort if address is not None else None,
        email=email,
    )
