"""The rules a quote is checked against, each answering with BiPRO ``Meldung``s.

Errors (``Fehler``) make the quote NOK; warnings and notices travel with an OK quote.
"""

from __future__ import annotations

from decimal import Decimal

from bipro_service.domain.status import Meldung, MeldungID, TaaFinding, fehler, finding
from bipro_service.domain.tariff.labels import (
    CLAUSE_LABELS,
    INCLUSION_FIELDS,
    INCLUSION_LABELS,
    PAYMENT_LABELS,
    TRANSPORT_LABELS,
    VALUABLES_LABELS,
)
from bipro_service.domain.tariff.model import CoverKind, Declaration, Inclusion, Tariff
from bipro_service.domain.tariff.money import MAX_AMOUNT, cents, eur, is_cents, percent
from bipro_service.domain.tariff.request import QuoteRequest
from bipro_service.domain.valoren import Clause, PaymentMode


def input_errors(request: QuoteRequest) -> list[Meldung]:
    """Amounts that are no amounts, and terms that do not fit the kind of cover."""
    errors: list[Meldung] = []
    amounts = {
        "Versicherungswert/Grundwert": request.value.base,
        "Versicherungswert/Kosten": request.value.costs,
    }
    for item, amount in request.value.inclusions.items():
        amounts[f"Versicherungswert/{INCLUSION_FIELDS[item]}"] = amount
    if request.sum_insured is not None:
        amounts["Versicherungssumme"] = request.sum_insured
    if request.open_cover is not None:
        amounts["LaufendeVersicherung/Jahresumsatz"] = request.open_cover.annual_turnover
    for quelle, amount in amounts.items():
        if not is_cents(amount) or amount < 0 or amount > MAX_AMOUNT:
            errors.append(
                fehler(
                    MeldungID.INCOMPLETE_DATA,
                    f"{quelle}: ein Betrag von 0 bis {eur(MAX_AMOUNT)} mit höchstens zwei "
                    "Nachkommastellen wird erwartet.",
                    quelle,
                )
            )
    if errors:
        return errors
    # Costs and inclusions may be 0 (none); these three carry the premium.
    for quelle in (
        "Versicherungswert/Grundwert",
        "Versicherungssumme",
        "LaufendeVersicherung/Jahresumsatz",
    ):
        if amounts.get(quelle) == 0:
            errors.append(
                fehler(MeldungID.INCOMPLETE_DATA, f"{quelle} muss größer als 0 sein.", quelle)
            )
    return errors + _cover_errors(request)


def _cover_errors(request: QuoteRequest) -> list[Meldung]:
    terms = request.open_cover
    if request.cover is CoverKind.SINGLE and terms is not None:
        return [
            fehler(
                MeldungID.INCOMPLETE_DATA,
                "Angaben zur laufenden Versicherung passen nicht zu einem Einzeltransport.",
                "LaufendeVersicherung",
            )
        ]
    if request.cover is CoverKind.OPEN and terms is None:
        return [
            fehler(
                MeldungID.INCOMPLETE_DATA,
                "Für eine laufende Versicherung fehlen Jahresumsatz und Anmeldeverfahren.",
                "LaufendeVersicherung",
            )
        ]
    if terms is not None and terms.declaration is Declaration.SUMMARY and terms.period is None:
        return [
            fehler(
                MeldungID.INCOMPLETE_DATA,
                "Bei summarischer Anmeldung fehlt der Anmeldezeitraum (LV 4.2).",
                "LaufendeVersicherung/Anmeldezeitraum",
            )
        ]
    return []


def acceptance_errors(tariff: Tariff, request: QuoteRequest) -> list[Meldung]:
    """What the tariff does not insure: combinations, inclusions, maxima, imaginary profit."""
    errors: list[Meldung] = []
    kind, valuables = request.transport_kind, request.valuables_class
    if tariff.rate(kind, valuables) is None:
        errors.append(
            finding(
                TaaFinding.NOT_OFFERED,
                f"Die Wertsachenart {VALUABLES_LABELS[valuables]} wird im Tarif "
                f"{tariff.version} für {TRANSPORT_LABELS[kind]} nicht versichert "
                "(Versandbestimmungen).",
                "Wertsachenart",
            )
        )
    for item, amount in sorted(request.value.inclusions.items()):
        if amount > 0 and valuables not in tariff.inclusion_classes.get(item, frozenset()):
            label, section = INCLUSION_LABELS[item]
            errors.append(
                finding(
                    TaaFinding.NOT_OFFERED,
                    f"{label} können für {VALUABLES_LABELS[valuables]} nicht mitversichert "
                    f"werden (AVB {section}, Tarif {tariff.version}).",
                    f"Versicherungswert/{INCLUSION_FIELDS[item]}",
                )
            )
    total = request.effective_sum
    maximum = tariff.maxima[kind]
    if total > maximum:
        what = "Versicherungssumme" if request.cover is CoverKind.SINGLE else "Maximum je Sendung"
        errors.append(
            finding(
                TaaFinding.MAXIMUM_EXCEEDED,
                f"{what} {eur(total)} übersteigt das Maximum je Sendung für "
                f"{TRANSPORT_LABELS[kind]} von {eur(maximum)} "
                "(Maxima- und Versandbestimmungen, LV 1.2 und 5).",
                "Versicherungssumme",
            )
        )
    profit = request.value.inclusion(Inclusion.IMAGINARY_PROFIT)
    limit = cents(total * tariff.imaginary_profit_cap)
    if profit > total * tariff.imaginary_profit_cap:
        errors.append(
            finding(
                TaaFinding.IMAGINARY_PROFIT_EXCEEDED,
                f"Imaginärer Gewinn {eur(profit)} übersteigt {percent(tariff.imaginary_profit_cap)}"
                f" der Versicherungssumme ({eur(limit)}); versicherbar nach AVB 6.3.3.",
                "Versicherungswert/ImaginaererGewinn",
            )
        )
    terms = request.open_cover
    if terms and terms.period is not None and terms.period not in tariff.declaration_periods:
        errors.append(
            finding(
                TaaFinding.NOT_OFFERED,
                f"Anmeldezeitraum {terms.period} ist im Tarif {tariff.version} nicht vorgesehen.",
                "LaufendeVersicherung/Anmeldezeitraum",
            )
        )
    return errors


def insurance_level(request: QuoteRequest) -> list[Meldung]:
    """Under-insurance (AVB 7.5) as a quantified warning; over-insurance as a notice."""
    value, total = request.insured_value, request.effective_sum
    if total < value:
        gap = value - total
        ratio = total / value
        return [
            finding(
                TaaFinding.UNDER_INSURANCE,
                f"Unterversicherung: Die Versicherungssumme {eur(total)} liegt um {eur(gap)} "
                f"({percent(_two_places(gap / value))}) unter dem Versicherungswert {eur(value)}. "
                f"Im Schadenfall wird nur im Verhältnis Versicherungssumme zu Versicherungswert "
                f"ersetzt, also {percent(_two_places(ratio))} des Schadens; bei einem Totalverlust "
                f"höchstens {eur(total)} (AVB 7.5).",
                "Versicherungssumme",
            )
        ]
    if total > value:
        return [
            finding(
                TaaFinding.TARIFF_NOTICE,
                f"Die Versicherungssumme übersteigt den Versicherungswert um {eur(total - value)}; "
                "ersetzt wird höchstens der Versicherungswert (AVB 6.1, 7.1), der Beitrag "
                "richtet sich nach der Versicherungssumme.",
            )
        ]
    return []


def _two_places(fraction: Decimal) -> Decimal:
    """A ratio for display as a percentage with two decimals (text only, not money)."""
    return (fraction * 100).quantize(Decimal("0.01")) / 100


def payment_terms(tariff: Tariff, request: QuoteRequest) -> tuple[PaymentMode, list[Meldung]]:
    """The payment mode that applies, with a notice wherever it differs from the wish."""
    wanted = request.payment_mode
    terms = request.open_cover
    if request.cover is CoverKind.SINGLE or (terms and terms.declaration is Declaration.INDIVIDUAL):
        if wanted is PaymentMode.ANNUAL:
            return wanted, []
        why = (
            "Einzeltransport: Der Beitrag ist einmalig und sofort nach Abschluss fällig (AVB 10.1)"
            if request.cover is CoverKind.SINGLE
            else "Einzelanmeldung: Die Beiträge werden je Anmeldung im Nachhinein berechnet "
            "(LV 6.1)"
        )
        return PaymentMode.ANNUAL, [
            finding(
                TaaFinding.PAYMENT_MODE_CHANGED,
                f"{why}; Ratenzahlung ({PAYMENT_LABELS[wanted]}) gibt es nur für den "
                "Vorausbeitrag einer laufenden Versicherung.",
            )
        ]
    if wanted is PaymentMode.MONTHLY and tariff.monthly_requires_sepa and not request.sepa_mandate:
        fallback = tariff.monthly_fallback
        return fallback, [
            finding(
                TaaFinding.PAYMENT_MODE_CHANGED,
                "Monatliche Zahlung setzt ein SEPA-Lastschriftmandat voraus; es gilt "
                f"{PAYMENT_LABELS[fallback]}e Zahlweise mit "
                f"{percent(tariff.instalment_surcharge(fallback))} Ratenzuschlag.",
            )
        ]
    return wanted, []


def cover_notices(tariff: Tariff, request: QuoteRequest) -> list[Meldung]:
    """What the broker should tell the customer about the cover chosen."""
    notices: list[Meldung] = []
    terms = request.open_cover
    if terms is not None and terms.declaration is Declaration.SUMMARY:
        notices.append(
            finding(
                TaaFinding.TARIFF_NOTICE,
                "Vorausbeitrag auf den geschätzten Jahresumsatz; nach Ablauf des "
                "Versicherungsjahres folgt die Endabrechnung nach den gemeldeten Umsätzen "
                "(LV 4.2, 6.2).",
            )
        )
    elif terms is not None:
        notices.append(
            finding(
                TaaFinding.TARIFF_NOTICE,
                "Ausgewiesen ist der voraussichtliche Jahresbeitrag auf den geschätzten "
                "Jahresumsatz; berechnet wird je angemeldetem Transport im Nachhinein "
                "(LV 4.1, 6.1).",
            )
        )
    if request.clauses:
        names = ", ".join(CLAUSE_LABELS[c] for c in Clause if c in request.clauses)
        war = (
            " Die Kriegsklausel deckt nur Lufttransporte einschließlich Post- und "
            "Kuriersendungen auf dem Luftweg (Kriegsklausel Ziffer 3, 6)."
            if Clause.WAR in request.clauses
            else ""
        )
        notices.append(
            finding(
                TaaFinding.TARIFF_NOTICE,
                f"Eingeschlossen auf Antrag: {names}. Der Versicherer kann jede Klausel mit einer "
                f"Frist von zwei Tagen kündigen.{war}",
            )
        )
    if request.cross_border and tariff.cross_border_tax_exempt:
        notices.append(
            finding(
                TaaFinding.TARIFF_NOTICE,
                "Grenzüberschreitender Transport: versicherungsteuerfrei nach "
                "§ 4 Abs. 1 Nr. 10 VersStG.",
            )
        )
    return notices
