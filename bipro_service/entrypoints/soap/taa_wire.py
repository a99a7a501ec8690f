"""Translation between the TAA wire types and the domain (no rules here)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from bipro_service.domain.tariff import (
    CoverKind,
    Declaration,
    DeclarationPeriod,
    OpenCoverTerms,
    Quote,
    QuoteRequest,
    ValueComponents,
)
from bipro_service.domain.tariff.labels import INCLUSION_FIELDS
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass
from bipro_service.entrypoints.soap.taa_messages import (
    CT_Antragsteller,
    CT_Beitragszeile,
    CT_Berechnung,
    CT_Dokument,
    CT_Rate,
    CT_Tarifierung,
    CT_Wertangaben,
)
from bipro_service.service_layer.taa import Applicant


def _value(wire: CT_Wertangaben) -> ValueComponents:
    inclusions = {
        item: Decimal(getattr(wire, name))
        for item, name in INCLUSION_FIELDS.items()
        if getattr(wire, name) is not None
    }
    costs = Decimal("0.00") if wire.Kosten is None else Decimal(wire.Kosten)
    return ValueComponents(Decimal(wire.Grundwert), costs, inclusions)


def quote_request(wire: CT_Tarifierung) -> QuoteRequest:
    """The calculation asked for; codes were checked by the schema."""
    terms = wire.LaufendeVersicherung
    return QuoteRequest(
        cover=CoverKind(wire.Deckungsform),
        transport_kind=TransportKind(wire.Transportart),
        valuables_class=ValuablesClass(wire.Wertsachenart),
        value=_value(wire.Versicherungswert),
        sum_insured=None if wire.Versicherungssumme is None else Decimal(wire.Versicherungssumme),
        clauses=frozenset(Clause(code) for code in wire.Klausel or []),
        payment_mode=PaymentMode(wire.Zahlweise or PaymentMode.ANNUAL),
        sepa_mandate=bool(wire.SEPALastschriftmandat),
        cross_border=bool(wire.Grenzueberschreitend),
        open_cover=None
        if terms is None
        else OpenCoverTerms(
            annual_turnover=Decimal(terms.Jahresumsatz),
            declaration=Declaration(terms.Anmeldeverfahren),
            period=DeclarationPeriod(terms.Anmeldezeitraum) if terms.Anmeldezeitraum else None,
        ),
    )


def applicant(wire: CT_Antragsteller) -> Applicant:
    address = wire.Anschrift
    return Applicant(
        partnernummer=wire.Partnernummer,
        company_name=wire.Firmenname,
        first_name=wire.Vorname,
        last_name=wire.Name,
        birth_date=wire.Geburtsdatum,
        street=address.Strasse if address else None,
        postal_code=address.Postleitzahl if address else None,
        city=address.Ort if address else None,
        email=wire.Email,
    )


def berechnung(quote: Quote) -> CT_Berechnung:
    return CT_Berechnung(
        Tarifversion=quote.tariff_version,
        Beispieltarif=quote.example,
        Deckungsform=quote.cover.value,
        Versicherungswert=quote.insured_value,
        Versicherungssumme=quote.sum_insured,
        Bemessungsgrundlage=quote.basis,
        Beitragszeile=[
            CT_Beitragszeile(
                Art=line.kind.value,
                Code=line.code,
                Bezeichnung=line.label,
                Bemessungsgrundlage=line.basis,
                Satz=line.rate,
                Einheit=line.unit.value,
                Betrag=line.amount,
            )
            for line in quote.lines
        ],
        Nettobeitrag=quote.net,
        Ratenzuschlag=quote.instalment_surcharge,
        Versicherungsteuer=quote.tax,
        Gesamtbeitrag=quote.gross,
        Zahlweise=quote.payment_mode.value,
        Vorausbeitrag=quote.advance_premium,
        Rate=[
            CT_Rate(Nummer=number, Betrag=amount)
            for number, amount in enumerate(quote.instalments, start=1)
        ],
    )


def dokument(name: str, data: bytes) -> CT_Dokument:
    return CT_Dokument(
        Dateiname=name,
        Dateityp="application/pdf",
        Daten=[data],
        Pruefsumme=hashlib.sha256(data).hexdigest(),
    )
