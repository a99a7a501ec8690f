"""Demo and test-access data for software vendors: firms, users, portfolio, broker post.

Idempotent: firms, users, customers, contracts and letters are looked up by their keys and
created only when missing. Demo passwords are never stored in plain text or written in the
source: every run gives each demo user a new random password, activates and unlocks the
user, and returns the passwords in the test-access sheet (so a re-run invalidates the old ones).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from faker import Faker
from sqlalchemy import select, update

from bipro_service.adapters.db.models import (
    ActivationLink,
    BrokerFirm,
    Contract,
    Shipment,
    User,
    UserState,
)
from bipro_service.adapters.db.scoping import served_customers
from bipro_service.config import Settings
from bipro_service.demo.portfolio import SEED, ChangedCustomer, ensure_portfolio
from bipro_service.demo.shipments import ensure_shipments
from bipro_service.domain.accounts import PasswordPolicy
from bipro_service.domain.status import AdminError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.accounts import set_password
from bipro_service.service_layer.admin import INSURER, create_firm, create_user
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class DemoFirm:
    vermittlernummer: str
    name: str
    login_prefix: str


@dataclass(frozen=True, slots=True)
class UserKind:
    suffix: str
    portfolio_rights: bool
    admin: bool
    lockout_test: bool = False
    """A sacrificial user: the conformance kit's lockout case may lock it (docs/conformance.md)."""


DEMO_FIRMS = (
    DemoFirm("T100001", "Muster Makler GmbH", "muster"),
    DemoFirm("T200002", "Beispiel Finanz KG", "beispiel"),
)
USER_KINDS = (
    UserKind("bestand", portfolio_rights=True, admin=False),
    UserKind("tarif", portfolio_rights=False, admin=False),
    UserKind("admin", portfolio_rights=True, admin=True),
    UserKind("sperrtest", portfolio_rights=False, admin=False, lockout_test=True),
)
#: User key endings of the sacrificial users (``muster.sperrtest``), marked on the sheet.
LOCKOUT_TEST_SUFFIXES = tuple(f".{kind.suffix}" for kind in USER_KINDS if kind.lockout_test)


def load_demo_data(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """Create what is missing, reset the demo users' passwords, return the test-access sheet."""
    passwords: dict[str, str] = {}
    zone = ZoneInfo(runtime.settings.business_timezone)
    today = now.astimezone(zone).date()
    for number, spec in enumerate(DEMO_FIRMS, start=1):
        with runtime.uow() as uow:
            _ensure_firm(uow, spec, now)
        fake = Faker("de_DE")
        fake.seed_instance(SEED * 10 + number)
        for kind in USER_KINDS:
            login = f"{spec.login_prefix}.{kind.suffix}"
            with runtime.uow() as uow:
                passwords[login] = _ensure_user(uow, runtime.settings, spec, kind, login, fake, now)
    with runtime.uow() as uow:
        firms = [_firm(uow, spec.vermittlernummer) for spec in DEMO_FIRMS]
        portfolios, changed = ensure_portfolio(uow, firms, now, today)
        ensure_shipments(uow, portfolios, changed, now, zone)
        uow.commit()
        sheet = [_sheet(uow, firm, passwords, changed, now, today) for firm in firms]
        return {"firms": sheet}


def _firm(uow: UnitOfWork, vermittlernummer: str) -> BrokerFirm:
    firm = uow.repos.firm_by_number(vermittlernummer)
    assert firm is not None
    return firm


def _ensure_firm(uow: UnitOfWork, spec: DemoFirm, now: datetime) -> None:
    firm = uow.repos.firm_by_number(spec.vermittlernummer)
    if firm is None:
        create_firm(uow, spec.vermittlernummer, spec.name, True, now)
        return
    if not firm.is_test_access:
        raise AdminError(f"{spec.vermittlernummer} ist kein Testzugang: keine Demodaten dort.")
    if firm.agency_ended_at is not None:
        # The sheet promises working logins.
        firm.agency_ended_at = None
        uow.commit()


def _ensure_user(
    uow: UnitOfWork,
    settings: Settings,
    spec: DemoFirm,
    kind: UserKind,
    login: str,
    fake: Faker,
    now: datetime,
) -> str:
    """Create the user if missing; give it a new random password and make it active."""
    display_name = fake.name()  # drawn always, so the sequence does not depend on the database
    user = uow.repos.user_by_login(login)
    if user is None:
        create_user(
            uow,
            INSURER,
            spec.vermittlernummer,
            login,
            display_name,
            portfolio_rights=kind.portfolio_rights,
            admin=kind.admin,
            now=now,
        )
        user = uow.repos.user_by_login(login)
        assert user is not None
    elif user.firm.vermittlernummer != spec.vermittlernummer:
        raise AdminError(f"Benutzerkennung {login} gehört zu einer anderen Firma.")
    password = _new_password(settings, login)
    set_password(uow, settings, user, password, now)
    user.portfolio_rights, user.is_admin = kind.portfolio_rights, kind.admin
    user.state, user.locked_at = UserState.ACTIVE, None
    # The activation link of the generated initial password is void: the user is active.
    uow.session.execute(
        update(ActivationLink)
        .where(ActivationLink.user_id == user.id, ActivationLink.used_at.is_(None))
        .values(used_at=now)
    )
    uow.commit()
    return password


def _new_password(settings: Settings, login: str) -> str:
    policy = PasswordPolicy(settings.password_min_length)
    while True:
        password = secrets.token_urlsafe(max(15, settings.password_min_length))
        if not policy.problems(password, login, same_as_current=False):
            return password


def _sheet(
    uow: UnitOfWork,
    firm: BrokerFirm,
    passwords: dict[str, str],
    changed: ChangedCustomer,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    served = set(uow.session.scalars(served_customers(firm.id, today)))
    users = uow.session.scalars(select(User).where(User.firm_id == firm.id).order_by(User.login))
    contracts = uow.session.scalars(
        select(Contract)
        .where(Contract.customer_id.in_(served))
        .order_by(Contract.versicherungsscheinnummer)
    )
    shipments = uow.session.scalars(
        select(Shipment)
        .where(
            Shipment.firm_id == firm.id,
            Shipment.acknowledged_at.is_(None),
            Shipment.available_until > now,
        )
        .order_by(Shipment.created_at, Shipment.id)
    )
    entry: dict[str, Any] = {
        "vermittlernummer": firm.vermittlernummer,
        "name": firm.name,
        "test_access": firm.is_test_access,
        "users": [
            {
                "login": user.login,
                "password": passwords[user.login],
                "portfolio_rights": user.portfolio_rights,
                "admin": user.is_admin,
                "lockout_test": user.login.endswith(LOCKOUT_TEST_SUFFIXES),
            }
            for user in users
            if user.login in passwords
        ],
        "contracts": [
            {"versicherungsscheinnummer": c.versicherungsscheinnummer} for c in contracts
        ],
        # Only what the firm may fetch: letters about customers it no longer serves are left out.
        "shipments": [
            {"id": s.public_id, "category": s.category}
            for s in shipments
            if s.customer_id is None or s.customer_id in served
        ],
    }
    if firm.id in (changed.previous.id, changed.current.id):
        entry["changed_customer"] = _changed_entry(uow, firm, changed)
    return entry


def _changed_entry(uow: UnitOfWork, firm: BrokerFirm, changed: ChangedCustomer) -> dict[str, Any]:
    customer_id = changed.customer.id
    letters = uow.session.scalars(
        select(Shipment.public_id)
        .where(Shipment.firm_id == firm.id, Shipment.customer_id == customer_id)
        .order_by(Shipment.created_at)
    )
    return {
        "partnernummer": changed.customer.partnernummer,
        "role": "previous" if firm.id == changed.previous.id else "current",
        "change_date": changed.day.isoformat(),
        "shipments": list(letters),
    }
