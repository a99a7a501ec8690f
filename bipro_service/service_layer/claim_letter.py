"""The claim acknowledgement letter (Eingangsbestätigung) delivered to the firm's post."""

from __future__ import annotations

from datetime import date

from bipro_service.adapters.pdf import Document, render_document
from bipro_service.domain.claims import labels
from bipro_service.domain.claims.assessment import Assessment
from bipro_service.domain.claims.findings import Cover, eur
from bipro_service.domain.claims.notification import ClaimNotification

SENDER = ("Valoren-Versicherung", "Schadenabteilung Transport")
_COVER = {
    Cover.COVERED: "nach erster Prüfung gedeckt",
    Cover.TO_BE_CHECKED: "wird geprüft",
    Cover.NOT_COVERED: "nach erster Prüfung nicht gedeckt",
}


def acknowledgement_pdf(
    *,
    schadennummer: str,
    firm_name: str,
    vermittlernummer: str,
    policyholder: str,
    notification: ClaimNotification,
    assessment: Assessment,
    dated: date,
    is_test: bool,
) -> bytes:
    """The letter confirming receipt, with the first assessment, as a PDF."""
    n = notification
    table = [
        ("Schadennummer", schadennummer),
        ("Versicherungsscheinnummer", n.contract_number),
        ("Versicherungsnehmer", policyholder),
        ("Schadentag", f"{n.loss_date:%d.%m.%Y}"),
        ("Schadenort", n.loss_place),
        ("Transportart", labels.TRANSPORT_KIND[n.transport_kind]),
        ("Ereignis", labels.PERIL[n.peril]),
        ("Geschätzter Schaden", eur(n.estimated_loss)),
        ("Versicherungswert", eur(n.insured_value)),
        ("Betroffene Valoren", _items(n)),
        ("Polizeiaktenzeichen", n.police_report or "–"),
        ("Eingereichte Dokumente", ", ".join(d.filename for d in n.documents) or "keine"),
        ("Deckung", _COVER[assessment.cover]),
        ("Erste Schätzung", eur(assessment.estimate.total)),
        ("Sofortmeldung (über 2.000 EUR)", "ja" if assessment.immediate_notice else "nein"),
    ]
    paragraphs = [
        "Sehr geehrte Damen und Herren,",
        f"wir bestätigen den Eingang der Schadenmeldung zum Vertrag {n.contract_number}. "
        f"Bitte geben Sie bei allen Rückfragen die Schadennummer {schadennummer} an.",
        "Unsere erste Einschätzung nach den AVB Valoren 2008 (unverbindlich, die endgültige "
        "Entscheidung folgt nach Prüfung); die Angaben der Meldung folgen in der Übersicht:",
        *(f"– {finding.text}" for finding in assessment.findings),
    ]
    return render_document(
        Document(
            title=f"Eingangsbestätigung Schadenmeldung {schadennummer}",
            recipient=(firm_name, f"Vermittlernummer {vermittlernummer}"),
            paragraphs=paragraphs,
            table=table,
            sender=SENDER,
            dated=dated,
            is_test=is_test,
        )
    )


def _items(n: ClaimNotification) -> str:
    shown = [
        f"{i.description} ({labels.VALUABLES[i.valuables_class]}, {labels.DAMAGE[i.damage]}, "
        f"{eur(i.value)})"
        for i in n.items[:10]
    ]
    more = len(n.items) - len(shown)
    return "; ".join(shown) + (f"; und {more} weitere" if more else "")
