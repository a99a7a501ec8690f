"""The policyholder's obligations after a loss (AVB 9.2) and the limitation notice (AVB 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bipro_service.domain.claims import labels
from bipro_service.domain.claims.findings import Finding, Rule, eur, note, warning
from bipro_service.domain.claims.notification import ClaimNotification, DocumentKind, ItemDamage
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass

#: AVB 9.2.1.1: losses likely above this are reported additionally by phone or electronically.
IMMEDIATE_NOTICE_THRESHOLD = Decimal("2000.00")
#: AVB 9.2.1.3: the evidence to submit for a shipment through a carrier.
CARRIER_EVIDENCE = (
    DocumentKind.CARRIER_CERTIFICATE,
    DocumentKind.TRANSPORT_PAPERS,
    DocumentKind.INVOICE,
    DocumentKind.LOSS_CALCULATION,
    DocumentKind.ASSIGNMENT_DECLARATION,
)
#: Accompanied transports have no carrier and no contract of carriage: invoice and
#: loss calculation remain of 9.2.1.3.
ACCOMPANIED_EVIDENCE = (DocumentKind.INVOICE, DocumentKind.LOSS_CALCULATION)
#: AVB 9.2.1.4: criminal acts on accompanied transports go to the police.
CRIMINAL_PERILS = frozenset({Peril.THEFT, Peril.ROBBERY})
#: AVB 9.2.1.5: securities and other papers of monetary value (7.3: bills, cheques, deeds).
PAPERS_OF_VALUE = frozenset({ValuablesClass.SECURITIES, ValuablesClass.DOCUMENTS})
#: AVB 14.1: claims expire three years after the end of the year they could be demanded in.
LIMITATION_YEARS = 3


def immediate_notice(n: ClaimNotification) -> list[Finding]:
    """AVB 9.2.1.1: a loss likely over 2,000 EUR is flagged for immediate handling."""
    if n.estimated_loss <= IMMEDIATE_NOTICE_THRESHOLD:
        return []
    return [
        note(
            Rule.IMMEDIATE_NOTICE,
            f"Schaden voraussichtlich über {eur(IMMEDIATE_NOTICE_THRESHOLD)} "
            f"({eur(n.estimated_loss)}): als Sofortmeldung zur unverzüglichen Bearbeitung "
            "markiert. Über solche Schäden ist der Versicherer zusätzlich zur schriftlichen "
            "Anzeige unverzüglich elektronisch oder telefonisch zu unterrichten "
            "(AVB Valoren 2008 Ziffer 9.2.1.1).",
            "Schadenmeldung/Ereignis/Schaden/Schadenhoehe",
        )
    ]


def police_report_needed(n: ClaimNotification) -> bool:
    return n.transport_kind is TransportKind.ACCOMPANIED and n.peril in CRIMINAL_PERILS


def police_report(n: ClaimNotification) -> list[Finding]:
    """AVB 9.2.1.4: theft or robbery on an accompanied transport must be reported to the police."""
    if not police_report_needed(n) or n.police_report:
        return []
    return [
        warning(
            Rule.POLICE_REPORT,
            f"{labels.PERIL[n.peril]} bei einem Begleittransport: Anzeige bei der zuständigen "
            "Polizeidienststelle mit einer Liste aller abhanden gekommenen Valoren ist "
            "erforderlich; bitte das Aktenzeichen nachreichen (AVB Valoren 2008 Ziffer 9.2.1.4).",
            "Schadenmeldung/Ereignis/Polizeibericht/Tagebuchnummer",
        )
    ]


def required_documents(n: ClaimNotification) -> tuple[DocumentKind, ...]:
    """The evidence AVB 9.2.1.3 (and 9.2.1.4 for the police certificate) asks for."""
    kinds = CARRIER_EVIDENCE if n.transport_kind.by_carrier else ACCOMPANIED_EVIDENCE
    if police_report_needed(n):
        kinds = (*kinds, DocumentKind.POLICE_CERTIFICATE)
    return kinds


def missing_documents(n: ClaimNotification) -> tuple[DocumentKind, ...]:
    attached = n.document_kinds
    return tuple(kind for kind in required_documents(n) if kind not in attached)


def documents(n: ClaimNotification) -> list[Finding]:
    """One finding per document still needed (AVB 9.2.1.3, police certificate 9.2.1.4)."""
    return [
        note(
            Rule.POLICE_REPORT if kind is DocumentKind.POLICE_CERTIFICATE else Rule.DOCUMENT_NEEDED,
            f"Bitte noch einreichen: {labels.DOCUMENT[kind]} (AVB Valoren 2008 Ziffer "
            f"{'9.2.1.4' if kind is DocumentKind.POLICE_CERTIFICATE else '9.2.1.3'}).",
            "Schadenmeldung/Datei",
        )
        for kind in missing_documents(n)
    ]


def cancellation_proceedings(n: ClaimNotification) -> list[Finding]:
    """AVB 9.2.1.5: lost securities are blocked and declared void (Aufgebotsverfahren)."""
    lost = [
        i for i in n.items if i.valuables_class in PAPERS_OF_VALUE and i.damage is ItemDamage.LOST
    ]
    if not lost:
        return []
    names = ", ".join(i.description for i in lost[:5]) + (" …" if len(lost) > 5 else "")
    return [
        warning(
            Rule.CANCELLATION_PROCEEDINGS,
            f"Abhanden gekommene Wertpapiere bzw. geldwerte Papiere ({names}): bitte alle "
            "notwendigen Maßnahmen zur Sperrung und zur Einleitung des Aufgebotsverfahrens zur "
            "Kraftloserklärung ergreifen oder dem Versicherer die dafür erforderlichen Unterlagen "
            "einreichen; die Kosten trägt der Versicherer (AVB Valoren 2008 Ziffer 9.2.1.5).",
            "Schadenmeldung/Ereignis/Schaden/Schadenobjekt",
        )
    ]


def limitation_ends(loss_date: date) -> date:
    """Last day before claims of a loss on ``loss_date`` expire (AVB 14.1)."""
    return date(loss_date.year + LIMITATION_YEARS, 12, 31)


def limitation(n: ClaimNotification, notified_on: date) -> list[Finding]:
    """AVB 14: notified more than three years after the end of the claim year."""
    ends = limitation_ends(n.loss_date)
    if notified_on <= ends:
        return []
    return [
        warning(
            Rule.LIMITATION,
            f"Ansprüche aus dem Versicherungsvertrag verjähren in drei Jahren ab dem Schluss des "
            f"Jahres, in dem die Leistung verlangt werden kann (AVB Valoren 2008 Ziffer 14.1); "
            f"für einen Schaden vom {n.loss_date:%d.%m.%Y} endete die Frist am {ends:%d.%m.%Y}. "
            "Der Versicherer behält sich die Einrede der Verjährung vor.",
            "Schadenmeldung/Ereignis/Schadendatum",
        )
    ]
