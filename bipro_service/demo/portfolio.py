"""Demo portfolio: seeded Faker (de_DE) test customers with Valoren contracts and their brokers.

Keys (Partnernummer, Versicherungsscheinnummer) depend on positions only, never on Faker's
output, so a re-run with another Faker version still finds what the first run created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from faker import Faker
from sqlalchemy import select

from bipro_service.adapters.db.models import BrokerFirm, Contract, Customer, ServicingRelationship
from bipro_service.domain.status import AdminError
from bipro_service.service_layer.unit_of_work import UnitOfWork

SEED = 2008  # the year of the AVB Valoren; any constant keeps the data reproducible
CUSTOMERS_PER_FIRM = 6
CHANGE_DAYS_AGO = 14  # the changed customer moved from the first to the second firm then

TRANSPORT_KINDS = ("post", "courier", "air_freight", "accompanied")
VALUABLES_CLASSES = ("securities", "precious_metals", "jewellery", "cash", "documents")
CLAUSES = ("war", "strike_riot", "confiscation")
PAYMENT_MODES = ("annual", "semi_annual", "quarterly", "monthly")
_SUMS = ("100000", "250000", "500000", "1000000", "2500000")
# Example rates per mille of the sum insured: demo values, not a tariff.
_EXAMPLE_RATES = ("0.80", "1.20", "1.60", "2.10")
_CENT = Decimal("0.01")
_TRADES = ("Juwelier", "Bankhaus", "Edelmetallhandel", "Münzhandel", "Auktionshaus", "Goldschmiede")


@dataclass(frozen=True, slots=True)
class FirmPortfolio:
    """A demo firm with the demo customers it was given (served now or earlier)."""

    firm: BrokerFirm
    customers: list[Customer]


@dataclass(frozen=True, slots=True)
class ChangedCustomer:
    """The customer who changed broker from ``previous`` to ``current`` on ``day``."""

    customer: Customer
    previous: BrokerFirm
    current: BrokerFirm
    day: date


def ensure_portfolio(
    uow: UnitOfWork, firms: list[BrokerFirm], now: datetime, today: date
) -> tuple[list[FirmPortfolio], ChangedCustomer]:
    """Create what is missing of the demo portfolio in ``uow`` (not committed).

    ``today`` is the insurer's business day of ``now``; the change of broker lies before it.
    """
    portfolios = []
    for number, firm in enumerate(firms, start=1):
        fake = Faker("de_DE")
        fake.seed_instance(SEED + number)
        customers = [
            _ensure_customer(uow, fake, f"DEMO{number}{index:03d}", now, today)
            for index in range(1, CUSTOMERS_PER_FIRM + 1)
        ]
        portfolios.append(FirmPortfolio(firm, customers))
    # The first firm's last customer moved to the second firm: only the second serves them now.
    previous, current = firms[0], firms[1]
    moved = portfolios[0].customers[-1]
    change_day = today - timedelta(days=CHANGE_DAYS_AGO)
    for portfolio in portfolios:
        for customer in portfolio.customers:
            since = min(contract.begin for contract in customer.contracts)
            until = change_day if customer is moved else None
            _ensure_servicing(uow, portfolio.firm, customer, since, until)
    _ensure_servicing(uow, current, moved, change_day, None)
    previous_period = _servicing(uow, previous, moved)
    assert previous_period is not None and previous_period.valid_to is not None
    portfolios[1].customers.append(moved)
    return portfolios, ChangedCustomer(moved, previous, current, previous_period.valid_to)


def _ensure_customer(
    uow: UnitOfWork, fake: Faker, partnernummer: str, now: datetime, today: date
) -> Customer:
    # Everything is drawn before looking up, so each customer sees the same random sequence.
    is_company = fake.boolean(chance_of_getting_true=70)
    customer = Customer(
        partnernummer=partnernummer,
        is_test=True,
        company_name=_company(fake) if is_company else None,
        first_name=None if is_company else fake.first_name(),
        last_name=None if is_company else fake.last_name(),
        birth_date=None
        if is_company
        else fake.date_between_dates(date(1945, 1, 1), date(1998, 12, 31)),
        street=fake.street_address(),
        postal_code=fake.postcode(),
        city=fake.city(),
        email=fake.safe_email(),
        created_at=now,
        updated_at=now,
    )
    contracts = [
        _contract(fake, f"VAL-{partnernummer[4:]}{k:03d}", now, today)
        for k in range(1, fake.random_int(1, 2) + 1)
    ]
    existing = uow.repos.customer_by_number(partnernummer)
    if existing is not None and not existing.is_test:
        raise AdminError(f"Partnernummer {partnernummer} gehört echten Kundendaten.")
    if existing is None:
        uow.session.add(customer)
    else:
        customer = existing
    for contract in contracts:
        if uow.repos.contract_by_number(contract.versicherungsscheinnummer) is None:
            contract.customer = customer
            uow.session.add(contract)
    uow.session.flush()
    return customer


def _company(fake: Faker) -> str:
    # Firms that ship valuables; Faker's own company() often yields a bare surname.
    return f"{fake.random_element(_TRADES)} {fake.last_name()} {fake.company_suffix()}"


def _contract(fake: Faker, number: str, now: datetime, today: date) -> Contract:
    start = today - timedelta(days=fake.random_int(60, 900))
    begin = start.replace(day=1)
    sum_insured = Decimal(fake.random_element(_SUMS))
    rate = Decimal(fake.random_element(_EXAMPLE_RATES))
    return Contract(
        versicherungsscheinnummer=number,
        product="VALOREN",
        status="aktiv",
        begin=begin,
        end=begin.replace(year=begin.year + 3),
        sum_insured=sum_insured,
        annual_premium=(sum_insured * rate / 1000).quantize(_CENT, ROUND_HALF_UP),
        payment_mode=fake.random_element(PAYMENT_MODES),
        details=_details(fake),
        is_test=True,
        created_at=now,
        updated_at=now,
    )


def _details(fake: Faker) -> dict[str, Any]:
    return {
        "transport_kinds": _some(fake, TRANSPORT_KINDS),
        "valuables_classes": _some(fake, VALUABLES_CLASSES),
        "clauses": {clause: fake.boolean(chance_of_getting_true=30) for clause in CLAUSES},
    }


def _some(fake: Faker, choices: tuple[str, ...]) -> list[str]:
    chosen = set(fake.random_sample(choices, length=fake.random_int(1, len(choices))))
    return [choice for choice in choices if choice in chosen]  # canonical order


def _servicing(
    uow: UnitOfWork, firm: BrokerFirm, customer: Customer
) -> ServicingRelationship | None:
    return uow.session.scalar(
        select(ServicingRelationship).where(
            ServicingRelationship.firm_id == firm.id,
            ServicingRelationship.customer_id == customer.id,
        )
    )


def _ensure_servicing(
    uow: UnitOfWork, firm: BrokerFirm, customer: Customer, since: date, until: date | None
) -> None:
    if _servicing(uow, firm, customer) is None:
        uow.session.add(
            ServicingRelationship(
                firm_id=firm.id, customer_id=customer.id, valid_from=since, valid_to=until
            )
        )
        uow.session.flush()
