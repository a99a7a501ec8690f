"""Demo broker post: letters as real PDFs in several categories, posted through the post service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bipro_service.adapters.db.models import BrokerFirm, Contract, Customer, Shipment
from bipro_service.adapters.db.models import ShipmentDocument as Doc
from bipro_service.adapters.pdf import Document, render_document
from bipro_service.demo.portfolio import ChangedCustomer, FirmPortfolio
from bipro_service.domain.tariff.labels import PAYMENT_LABELS
from bipro_service.service_layer.post import DEFAULT_AVAILABLE_DAYS, PostedFile, post_shipment
from bipro_service.service_layer.unit_of_work import UnitOfWork

INSURER = ("Valoren Versicherung AG (Demo)", "Vermittlerservice", "Musterstraße 1, 50667 Köln")
#: Keyed by the stored text of the payment mode.
_PAYMENT = {mode.value: label for mode, label in PAYMENT_LABELS.items()}


@dataclass(frozen=True, slots=True)
class DemoShipment:
    """One demo letter; (firm, category, filename) identifies it across re-runs."""

    firm: BrokerFirm
    category: str
    filename: str
    document: Document
    at: datetime
    customer: Customer | None = None
    contract: Contract | None = None


def ensure_shipments(
    uow: UnitOfWork,
    portfolios: list[FirmPortfolio],
    changed: ChangedCustomer,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Post the missing demo letters and reopen the existing ones (not committed).

    ``zone`` is the insurer's time zone: it gives each letter's business day.
    """
    for demo in _demo_shipments(portfolios, changed, now):
        existing = uow.session.scalar(
            select(Shipment)
            .join(Doc)
            .where(
                Shipment.firm_id == demo.firm.id,
                Shipment.category == demo.category,
                Doc.filename == demo.filename,
            )
        )
        if existing is not None:
            # A reload resets the test access: acknowledged or expired letters are open again.
            existing.acknowledged_at = existing.acknowledged_by_user_id = None
            if existing.available_until <= now:
                existing.available_until = now + timedelta(days=DEFAULT_AVAILABLE_DAYS)
            continue
        post_shipment(
            uow,
            vermittlernummer=demo.firm.vermittlernummer,
            category=demo.category,
            files=[PostedFile(demo.filename, render_document(demo.document))],
            now=demo.at,
            business_day=demo.at.astimezone(zone).date(),
            customer_partnernummer=demo.customer.partnernummer if demo.customer else None,
            contract_number=demo.contract.versicherungsscheinnummer if demo.contract else None,
        )


def _demo_shipments(
    portfolios: list[FirmPortfolio], changed: ChangedCustomer, now: datetime
) -> list[DemoShipment]:
    shipments = []
    for portfolio in portfolios:
        firm = portfolio.firm
        own = [c for c in portfolio.customers if c is not changed.customer]
        shipments += [
            _amendment(firm, own[0], now - timedelta(days=3)),
            _premium_invoice(firm, own[1], now - timedelta(days=2)),
            _address_change(firm, own[2], now - timedelta(days=1)),
            _statement(firm, own, now - timedelta(days=1)),
            _clause_notice(firm, now),
        ]
    # Posted to the previous broker a week before the change: that broker may no longer see it.
    before = datetime.combine(changed.day - timedelta(days=7), time(9), tzinfo=UTC)
    shipments.append(_amendment(changed.previous, changed.customer, before))
    on_change = datetime.combine(changed.day, time(9), tzinfo=UTC)
    shipments.append(_broker_change(changed.current, changed.customer, on_change))
    return shipments


def _amendment(firm: BrokerFirm, customer: Customer, at: datetime) -> DemoShipment:
    contract = _contracts(customer)[0]
    vsnr = contract.versicherungsscheinnummer
    text = [
        "Sehr geehrte Damen und Herren,",
        f"zum Versicherungsschein {vsnr} Ihres Kunden haben wir den folgenden Nachtrag "
        "ausgefertigt. Die Änderung gilt ab dem unten genannten Datum; alle übrigen "
        "Vereinbarungen bleiben unverändert.",
        "Die Versicherungssumme soll dem Versicherungswert entsprechen (AVB Valoren 6). "
        "Bitte weisen Sie Ihren Kunden auf eine mögliche Unterversicherung hin.",
    ]
    rows = [*_contract_rows(customer, contract), ("Gültig ab", _day(at.date()))]
    document = _letter(firm, f"Nachtrag zum Versicherungsschein {vsnr}", text, rows, at)
    return DemoShipment(firm, "120010000", f"Nachtrag_{vsnr}.pdf", document, at, customer, contract)


def _premium_invoice(firm: BrokerFirm, customer: Customer, at: datetime) -> DemoShipment:
    contract = _contracts(customer)[0]
    vsnr = contract.versicherungsscheinnummer
    text = [
        "Sehr geehrte Damen und Herren,",
        f"für den Versicherungsschein {vsnr} stellen wir den folgenden Beitrag in Rechnung. "
        "Bei Ratenzahlung gelten die Zuschläge der Kundeninformation "
        "(halbjährlich 3 %, vierteljährlich 5 %, monatlich 7 %).",
    ]
    rows = [*_contract_rows(customer, contract), ("Fällig am", _day(at.date() + timedelta(14)))]
    document = _letter(firm, f"Beitragsrechnung {vsnr}", text, rows, at)
    name = f"Beitragsrechnung_{vsnr}.pdf"
    return DemoShipment(firm, "140010000", name, document, at, customer, contract)


def _address_change(firm: BrokerFirm, customer: Customer, at: datetime) -> DemoShipment:
    text = [
        "Sehr geehrte Damen und Herren,",
        "wir haben die Anschrift Ihres Kunden wie folgt in unseren Bestand übernommen.",
    ]
    rows = [
        ("Partnernummer", customer.partnernummer),
        ("Name", _name(customer)),
        ("Anschrift", f"{customer.street}, {customer.postal_code} {customer.city}"),
    ]
    document = _letter(firm, "Bestätigung der Adressänderung", text, rows, at)
    name = f"Adressaenderung_{customer.partnernummer}.pdf"
    return DemoShipment(firm, "110010000", name, document, at, customer)


def _statement(firm: BrokerFirm, customers: list[Customer], at: datetime) -> DemoShipment:
    # Example commission of 10 % of the annual premium: demo values, not an agreement.
    rows = [
        (c.versicherungsscheinnummer, _eur(c.annual_premium * Decimal("0.10")))
        for customer in customers
        for c in _contracts(customer)
    ]
    text = [
        "Sehr geehrte Damen und Herren,",
        "anbei Ihre Courtageabrechnung. Die Beträge sind Beispielwerte des Testzugangs.",
    ]
    title = f"Courtageabrechnung {at:%m/%Y}"
    document = _letter(firm, title, text, rows, at)
    return DemoShipment(firm, "210010000", "Courtageabrechnung.pdf", document, at)


def _clause_notice(firm: BrokerFirm, at: datetime) -> DemoShipment:
    text = [
        "Sehr geehrte Damen und Herren,",
        "Krieg, Streik und Aufruhr sowie Beschlagnahme sind in der Valoren-Versicherung nur "
        "versichert, wenn die jeweilige Klausel beantragt und bestätigt wurde.",
        "Wir können jede dieser Klauseln mit kurzer Frist kündigen: Streik, Aufruhr und "
        "Beschlagnahme zwei Tage vor Beginn des Transports, Krieg eine Woche vorher.",
    ]
    document = _letter(firm, "Hinweis zu den Klauseln der Valoren-Versicherung", text, [], at)
    return DemoShipment(firm, "899001000", "Hinweis_Klauseln.pdf", document, at)


def _broker_change(firm: BrokerFirm, customer: Customer, at: datetime) -> DemoShipment:
    text = [
        "Sehr geehrte Damen und Herren,",
        f"auf Wunsch des Kunden sind Sie ab dem {_day(at.date())} als betreuender Vermittler "
        "für die folgenden Verträge eingetragen.",
    ]
    rows = [("Partnernummer", customer.partnernummer), ("Name", _name(customer))]
    rows += [("Versicherungsschein", c.versicherungsscheinnummer) for c in _contracts(customer)]
    document = _letter(firm, "Bestätigung des Betreuerwechsels", text, rows, at)
    name = f"Betreuerwechsel_{customer.partnernummer}.pdf"
    return DemoShipment(firm, "130010000", name, document, at, customer)


def _letter(
    firm: BrokerFirm, title: str, text: list[str], rows: list[tuple[str, str]], at: datetime
) -> Document:
    recipient = (firm.name, f"Vermittlernummer {firm.vermittlernummer}")
    closing = ["Mit freundlichen Grüßen", "Ihr Vermittlerservice"]
    return Document(title, recipient, [*text, *closing], rows, INSURER, at.date(), is_test=True)


def _contract_rows(customer: Customer, contract: Contract) -> list[tuple[str, str]]:
    return [
        ("Versicherungsschein", contract.versicherungsscheinnummer),
        ("Versicherungsnehmer", _name(customer)),
        ("Versicherungssumme", _eur(contract.sum_insured)),
        ("Jahresbeitrag", _eur(contract.annual_premium)),
        ("Zahlungsweise", _PAYMENT.get(contract.payment_mode, contract.payment_mode)),
    ]


def _contracts(customer: Customer) -> list[Contract]:
    # Sorted: the collection's order is the database's, and file names must not change.
    return sorted(customer.contracts, key=lambda c: c.versicherungsscheinnummer)


def _name(customer: Customer) -> str:
    return customer.company_name or f"{customer.first_name} {customer.last_name}"


def _day(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _eur(amount: Decimal) -> str:
    """German money format: 1.234,56 EUR."""
    text = f"{amount.quantize(Decimal('0.01')):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " EUR"
