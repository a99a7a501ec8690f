"""Writing quotes, offers and contracts in the official 420 shapes (docs/wire-format.md, 420).

The answer's ``Tarifierung`` / ``Angebot`` / ``Antrag`` repeats what was asked (the transport,
the value components, clauses, payment wish) and adds the result: the premium totals as
``pm:Beitrag`` (``ArtID`` 16 base, 19 minimum, 02 net incl. instalment surcharge, 01 gross with
the insurance tax), the calculation line by line and the instalments as ``pm:Kondition``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from bipro_service.adapters.xml.envelope import finish
from bipro_service.domain.tariff import CoverKind, Declaration, LineKind, Quote, QuoteRequest
from bipro_service.domain.tariff.labels import (
    CLAUSE_LABELS,
    INCLUSION_FIELDS,
    TRANSPORT_LABELS,
    VALUABLES_LABELS,
)
from bipro_service.entrypoints.soap.taa_messages import (
    CT_Beitrag,
    CT_Betrag,
    CT_Datei,
    CT_Klausel,
    CT_Kondition,
    CT_Pruefsumme,
    CT_Steuer,
    CT_SUHVersicherung,
    CT_Transport,
    CT_Verkaufsprodukt,
    CT_VersicherungssummeOderLeistung,
    CT_Zeitraum,
)
from bipro_service.entrypoints.soap.taa_wire import (
    CODE_OF_PAYMENT,
    CROSS_BORDER,
    INDIVIDUAL_TURNUS,
    KEY_OF_TRANSPORT,
    SEPA_DEBIT,
    TURNOVER,
    TURNUS_OF_PERIOD,
)
from bipro_service.namespaces import PRODUKTMODELL, XSI

PRODUCT = "VALOREN"
SPARTE = "193"
"""``ST_Sparte`` 193 Valorenversicherung (gewerblich)."""
ONE_OFF = "6"
"""``ST_Zahlungsweise`` 6 einmalig: the premium of a single transport (AVB 10.1)."""
EUR = "EUR"
CURRENCY_UNIT = "20"
PER_MILLE_UNIT = "11"


def _amount(name: str, value: Decimal, reason: str | None = None) -> CT_Kondition:
    return CT_Kondition(
        Wert=value, Werteinheit=CURRENCY_UNIT, Grund=reason, Waehrung=EUR, Bezeichnung=name
    )


def _betrag(value: Decimal) -> CT_Betrag:
    return CT_Betrag(Betrag=value, Waehrung=EUR)


def _inputs(request: QuoteRequest) -> list[CT_Kondition]:
    value = request.value
    items = [_amount("Grundwert", value.base), _amount("Kosten", value.costs)]
    items += [
        _amount(name, value.inclusions[item])
        for item, name in INCLUSION_FIELDS.items()
        if item in value.inclusions
    ]
    if request.open_cover is not None:
        items.append(_amount(TURNOVER, request.open_cover.annual_turnover))
    return items


def _line_text(line: Any) -> str:
    unit = {"per_mille": "‰", "fraction": "", "amount": "EUR"}[line.unit.value]
    return f"{line.label}: {line.basis} × {line.rate} {unit}".strip()


def _results(quote: Quote) -> list[CT_Kondition]:
    items = [
        _amount("Versicherungswert", quote.insured_value),
        _amount("Bemessungsgrundlage", quote.basis),
    ]
    items += [
        _amount(f"{line.kind.value}:{line.code}", line.amount, _line_text(line))
        for line in quote.lines
    ]
    items += [
        _amount(f"Rate:{number}", amount)
        for number, amount in enumerate(quote.instalments, start=1)
    ]
    return items


def _premiums(quote: Quote) -> list[CT_Beitrag]:
    mode = ONE_OFF if quote.cover is CoverKind.SINGLE else CODE_OF_PAYMENT[quote.payment_mode]
    by_kind: dict[LineKind, Decimal] = {}
    base_rate = None
    for line in quote.lines:
        by_kind[line.kind] = by_kind.get(line.kind, Decimal("0.00")) + line.amount
        if line.kind is LineKind.BASE:
            base_rate = line.rate / 10  # per mille → per cent
    premiums = [
        CT_Beitrag(
            ArtID="16",
            Betrag=_betrag(by_kind.get(LineKind.BASE, Decimal("0.00"))),
            Zahlungsweise=mode,
            Prozentsatz=base_rate,
        )
    ]
    if LineKind.MINIMUM in by_kind:
        minimum = by_kind[LineKind.BASE] + by_kind[LineKind.MINIMUM]
        premiums.append(CT_Beitrag(ArtID="19", Betrag=_betrag(minimum), Zahlungsweise=mode))
    premiums.append(
        CT_Beitrag(
            ArtID="02",
            Betrag=_betrag(quote.net + quote.instalment_surcharge),
            Zahlungsweise=mode,
        )
    )
    tax = CT_Steuer(ArtID="1", Satz=quote.tax_rate * 100, Betrag=_betrag(quote.tax))
    premiums.append(
        CT_Beitrag(ArtID="01", Betrag=_betrag(quote.gross), Zahlungsweise=mode, Steuer=[tax])
    )
    return premiums


def _produkt(request: QuoteRequest, quote: Quote | None, begin: date | None) -> CT_SUHVersicherung:
    terms = request.open_cover
    turnus = None
    if terms is not None:
        turnus = (
            INDIVIDUAL_TURNUS
            if terms.declaration is Declaration.INDIVIDUAL
            else TURNUS_OF_PERIOD.get(terms.period)  # type: ignore[arg-type]
        )
    total = quote.sum_insured if quote is not None else request.sum_insured
    return CT_SUHVersicherung(
        Bezeichnung="Valorenversicherung (AVB Valoren 2008)",
        GewuenschteZahlungsweise=CODE_OF_PAYMENT[request.payment_mode],
        Kondition=_inputs(request) + (_results(quote) if quote is not None else []),
        Beitrag=_premiums(quote) if quote is not None else None,
        Versicherungsdauer=None if begin is None else CT_Zeitraum(Beginn=f"{begin}T00:00"),
        Sparte=SPARTE,
        Kennung=PRODUCT,
        VersicherungssummeOderLeistung=None
        if total is None
        else [CT_VersicherungssummeOderLeistung(Wert=total, Werteinheit="20", Waehrung=EUR)],
        Klausel=[
            CT_Klausel(ArtID=clause.value, Klauseltext=CLAUSE_LABELS[clause])
            for clause in sorted(request.clauses)
        ]
        or None,
        Meldeverfahren=True if request.cover is CoverKind.OPEN else None,
        Meldeturnus=turnus,
    )


def taa_fields(
    request: QuoteRequest, quote: Quote | None, begin: date | None = None
) -> dict[str, Any]:
    """The ``CT_TAA`` part of an answer: payment, sales product, the transport."""
    sales = CT_Verkaufsprodukt(
        Bezeichnung="Valorenversicherung",
        Kurzbeschreibung=(
            f"Tarif {quote.tariff_version}"
            + (" (Beispieltarif: die Beitragssätze sind Beispielwerte)" if quote.example else "")
            if quote is not None
            else None
        ),
        Kennung=f"{PRODUCT}-{quote.tariff_version}" if quote is not None else None,
        Produkt=[_produkt(request, quote, begin)],
    )
    kind, valuables = request.transport_kind, request.valuables_class
    transport = CT_Transport(
        GegenstandID="1",
        Beschreibung=f"{VALUABLES_LABELS[valuables.value]} per {TRANSPORT_LABELS[kind.value]}",
        TransportmittelSchluessel=KEY_OF_TRANSPORT[kind],
        Transportmittel=kind.value,
        Route=CROSS_BORDER if request.cross_border else "inland",
        Warenbezeichnung=valuables.value,
    )
    return {
        "Zahlungsart": SEPA_DEBIT if request.sepa_mandate else None,
        "Verkaufsprodukt": [sales],
        "Gegenstand": [transport],
    }


def datei(name: str, data: bytes, description: str) -> CT_Datei:
    """A PDF as ``allg:CT_Datei`` (``Dateityp`` Dokument, not compressed, SHA-1 checksum)."""
    return CT_Datei(
        Dateiname=name,
        Dateityp="Dokument",
        Daten=[data],
        Komprimierungstyp="KEINE",
        Kurzbeschreibung=description,
        Pruefsumme=CT_Pruefsumme(Typ="SHA1", Wert=hashlib.sha1(data).hexdigest()),  # noqa: S324
    )


_ART_ID = f"{{{PRODUKTMODELL}}}ArtID"
_BEITRAG = f"{{{PRODUKTMODELL}}}Beitrag"


def add_ste_types(ctx: Any) -> None:
    """``pm:Beitrag/pm:ArtID`` is of the abstract ``dt:STE_Beitrag``: the official schema wants
    ``xsi:type="dt:STE_BeitragBasis"`` on it (Spyne writes no ``xsi:type`` on simple content)."""
    document = ctx.out_document
    if document is None or not isinstance(getattr(document, "tag", None), str):
        return
    found = False
    for element in document.iter(_ART_ID):
        parent = element.getparent()
        if parent is not None and parent.tag == _BEITRAG:
            element.set(f"{{{XSI}}}type", "dt:STE_BeitragBasis")
            found = True
    if found:
        finish(document)
