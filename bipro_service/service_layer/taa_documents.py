"""The offer with its customer information, and the policy: readable PDF letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bipro_service.adapters.pdf import Document, render_document
from bipro_service.domain.status import Meldung, MeldungArt
from bipro_service.domain.tariff import (
    CoverKind,
    Declaration,
    Quote,
    QuoteRequest,
    RateUnit,
    Tariff,
)
from bipro_service.domain.tariff.labels import (
    CLAUSE_LABELS,
    DECLARATION_PERIOD_LABELS,
    PAYMENT_LABELS,
    TRANSPORT_LABELS,
    VALUABLES_LABELS,
)
from bipro_service.domain.tariff.money import eur, percent
from bipro_service.domain.valoren import Clause, PaymentMode
from bipro_service.service_layer.taa import Applicant

SENDER = ("Valoren Versicherung AG (Demo)", "Vermittlerservice", "Musterstraße 1, 50667 Köln")


def cover_text(request: QuoteRequest) -> str:
    terms = request.open_cover
    if terms is None:
        return "Einzeltransport"
    if terms.declaration is Declaration.SUMMARY:
        period = DECLARATION_PERIOD_LABELS[terms.period] if terms.period else ""
        return f"Laufende Versicherung, summarische Anmeldung ({period} im Nachhinein)"
    return "Laufende Versicherung, Einzelanmeldung"


def quote_rows(request: QuoteRequest, quote: Quote) -> list[tuple[str, str]]:
    """The calculation as label/value rows, every premium line with its basis and rate."""
    single = quote.cover is CoverKind.SINGLE
    rows = [
        ("Tarifversion", quote.tariff_version + (" (Beispieltarif)" if quote.example else "")),
        ("Deckungsform", cover_text(request)),
        ("Transportart", TRANSPORT_LABELS[request.transport_kind.value]),
        ("Wertsachenart", VALUABLES_LABELS[request.valuables_class.value]),
        ("Versicherungswert" + ("" if single else " (größte Sendung)"), eur(quote.insured_value)),
        ("Versicherungssumme" if single else "Maximum je Sendung", eur(quote.sum_insured)),
    ]
    if request.open_cover is not None:
        rows.append(("Geschätzter Jahresumsatz", eur(request.open_cover.annual_turnover)))
    for line in quote.lines:
        if line.unit is RateUnit.PER_MILLE:
            how = f"{str(line.rate).replace('.', ',')} ‰ von {eur(line.basis)}"
        elif line.unit is RateUnit.FRACTION:
            how = f"{percent(line.rate)} von {eur(line.basis)}"
        else:
            how = f"Mindestbeitrag {eur(line.rate)}"
        rows.append((line.label, f"{eur(line.amount)} ({how})"))
    total = (
        "Einmalbeitrag"
        if single
        else "Vorausbeitrag"
        if quote.advance_premium
        else "Jahresbeitrag (voraussichtlich)"
    )
    rows.append(("Nettobeitrag", eur(quote.net)))
    rows.append((f"{total} inkl. Versicherungsteuer", eur(quote.gross)))
    rows.append(("Zahlweise", "einmalig" if single else PAYMENT_LABELS[quote.payment_mode]))
    if len(quote.instalments) > 1:
        first, last = quote.instalments[0], quote.instalments[-1]
        rows.append(
            ("Raten", f"{len(quote.instalments) - 1} × {eur(first)} und zuletzt {eur(last)}")
        )
    return rows


def _clauses(request: QuoteRequest) -> str:
    chosen = [CLAUSE_LABELS[c] for c in Clause if c in request.clauses]
    return f" einschließlich {', '.join(chosen)}" if chosen else ""


def _hints(meldungen: Sequence[Meldung]) -> list[str]:
    return [
        f"{'Warnung' if m.art is MeldungArt.WARNUNG else 'Hinweis'}: {m.text}" for m in meldungen
    ]


def customer_information(tariff: Tariff) -> list[str]:
    """The customer information of the product on premium, instalments, validity, withdrawal."""
    s = tariff.instalment_surcharges
    return [
        "Kundeninformationen",
        "Beitrag: Der Beitrag einschließlich Nebenkosten und Versicherungsteuer wird sofort nach "
        "Abschluss des Vertrages fällig (AVB 10.1). Ist die Zahlung des Jahresbeitrages in Raten "
        "vereinbart, gilt als erster Beitrag nur die erste Rate; die weiteren Raten sind bis zu "
        "ihren Zahlungsterminen gestundet.",
        f"Ratenzuschläge: halbjährlich {percent(s[PaymentMode.SEMI_ANNUAL])}, vierteljährlich "
        f"{percent(s[PaymentMode.QUARTERLY])}, monatlich {percent(s[PaymentMode.MONTHLY])}. "
        "Monatliche Zahlung setzt ein SEPA-Lastschriftmandat zu unseren Gunsten voraus; entfällt "
        "es, gilt vierteljährliche Zahlweise.",
        "Gültigkeit: Dieses Angebot und die darin genannten Beiträge gelten drei Monate nach "
        "Aushändigung.",
        "Zustandekommen: Der Vertrag kommt durch Ihren Antrag und den Zugang des "
        "Versicherungsscheins zustande. Als Antragsteller sind Sie einen Monat an den Antrag "
        "gebunden; Ihr Widerrufsrecht bleibt davon unberührt.",
        "Widerrufsrecht: Sie können Ihre Vertragserklärung ohne Angabe von Gründen innerhalb von "
        "14 Tagen in Textform (z. B. Brief, Fax, E-Mail) widerrufen.",
    ]


def offer_pdf(
    *,
    number: str,
    applicant: Applicant,
    request: QuoteRequest,
    quote: Quote,
    tariff: Tariff,
    meldungen: Sequence[Meldung],
    begin: date,
    valid_until: date,
    today: date,
    is_test: bool,
) -> bytes:
    """The binding offer with the customer information."""
    paragraphs = [
        "Sehr geehrte Damen und Herren,",
        "wir bieten Ihnen verbindlich Versicherungsschutz für Valoren-Transporte nach den "
        "Valoren-Transportversicherungsbedingungen 2008 (AVB Valoren 2008)"
        + (
            ""
            if request.open_cover is None
            else " und ihren Bestimmungen für die laufende Versicherung"
        )
        + f"{_clauses(request)} ab dem {begin:%d.%m.%Y} an. Das Angebot gilt bis zum "
        f"{valid_until:%d.%m.%Y}.",
        *([tariff.notice] if tariff.example else []),
        *_hints(meldungen),
        *customer_information(tariff),
    ]
    return render_document(
        Document(
            title=f"Angebot zur Valoren-Versicherung Nr. {number}",
            recipient=applicant.address_lines(),
            paragraphs=paragraphs,
            table=[("Angebotsnummer", number), *quote_rows(request, quote)],
            sender=SENDER,
            dated=today,
            is_test=is_test,
        )
    )


def policy_pdf(
    *,
    policy_number: str,
    partnernummer: str,
    offer_number: str,
    applicant: Applicant,
    request: QuoteRequest,
    quote: Quote,
    begin: date,
    withdrawal_until: date,
    today: date,
    is_test: bool,
) -> bytes:
    """The Versicherungsschein with the withdrawal notice."""
    paragraphs = [
        f"Versicherungsnehmer: {applicant.name} (Partnernummer {partnernummer}).",
        "Es gelten die Valoren-Transportversicherungsbedingungen 2008 (AVB Valoren 2008)"
        + (
            ""
            if request.open_cover is None
            else " mit den Bestimmungen für die laufende Versicherung"
        )
        + f"{_clauses(request)}. Versicherungsschutz besteht von Haus zu Haus (AVB 5) ab dem "
        f"{begin:%d.%m.%Y}.",
        f"Grundlage ist unser Angebot {offer_number} und Ihr Antrag vom {today:%d.%m.%Y}. Der "
        "Beitrag ist sofort nach Abschluss des Vertrages fällig (AVB 10.1).",
        f"Widerrufsrecht: Sie können Ihre Vertragserklärung bis zum {withdrawal_until:%d.%m.%Y} "
        "(14 Tage) ohne Angabe von Gründen in Textform (z. B. Brief, Fax, E-Mail) widerrufen.",
    ]
    return render_document(
        Document(
            title=f"Versicherungsschein Nr. {policy_number}",
            recipient=applicant.address_lines(),
            paragraphs=paragraphs,
            table=[
                ("Versicherungsscheinnummer", policy_number),
                ("Versicherungsbeginn", f"{begin:%d.%m.%Y}"),
                *quote_rows(request, quote),
                ("Widerrufsfrist bis", f"{withdrawal_until:%d.%m.%Y}"),
            ],
            sender=SENDER,
            dated=today,
            is_test=is_test,
        )
    )
