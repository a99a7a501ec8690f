"""Demo / test-access data: firms, users, portfolio, broker post; idempotent; logins work."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from sqlalchemy import func, select

from bipro_service.adapters.db.base import Base, utcnow
from bipro_service.adapters.db.models import (
    BrokerFirm,
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    User,
    UserState,
)
from bipro_service.demo.loader import load_demo_data
from bipro_service.domain.status import AdminError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import transfer
from bipro_service.service_layer.admin import create_firm
from bipro_service.service_layer.post import serves
from bipro_service.service_layer.principal import AuthMethod, Principal
from tests.support import STS_PATH, call, login_request

FIRMS = ["T100001", "T200002"]
KINDS = {(True, False), (False, False), (True, True)}  # (portfolio_rights, admin)


def _counts(runtime: Runtime) -> dict[str, int]:
    with runtime.uow() as uow:
        return {
            table.name: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _business_day(runtime: Runtime, now: datetime) -> date:
    return now.astimezone(ZoneInfo(runtime.settings.business_timezone)).date()


def _without_passwords(sheet: dict[str, Any]) -> dict[str, Any]:
    return {
        "firms": [
            firm
            | {"users": [{k: v for k, v in u.items() if k != "password"} for u in firm["users"]]}
            for firm in sheet["firms"]
        ]
    }


def _passwords(sheet: dict[str, Any]) -> dict[str, str]:
    return {u["login"]: u["password"] for firm in sheet["firms"] for u in firm["users"]}


def test_two_test_firms_with_every_kind_of_user(runtime: Runtime) -> None:
    sheet = load_demo_data(runtime, utcnow())
    assert [firm["vermittlernummer"] for firm in sheet["firms"]] == FIRMS
    with runtime.uow() as uow:
        for entry in sheet["firms"]:
            firm = uow.repos.firm_by_number(entry["vermittlernummer"])
            assert firm is not None and firm.is_test_access and firm.is_active
            assert entry["name"] == firm.name
            users = list(uow.session.scalars(select(User).where(User.firm_id == firm.id)))
            assert {(u.portfolio_rights, u.is_admin) for u in users} == KINDS
            assert all(u.state is UserState.ACTIVE and u.password_hash for u in users)
            assert all(u.initial_password_hash is None for u in users)
            assert sorted(
                (u["login"], u["portfolio_rights"], u["admin"]) for u in entry["users"]
            ) == sorted((u.login, u.portfolio_rights, u.is_admin) for u in users)
            assert all(len(u["password"]) >= 12 for u in entry["users"])


def test_each_firm_has_one_sacrificial_user_for_the_lockout_case(runtime: Runtime) -> None:
    """bipro-conformance --allow-lockout locks only the user the sheet marks lockout_test."""
    sheet = load_demo_data(runtime, utcnow())
    for entry, prefix in zip(sheet["firms"], ("muster", "beispiel"), strict=True):
        assert entry["test_access"] is True
        marked = [u for u in entry["users"] if u["lockout_test"]]
        assert [(u["login"], u["portfolio_rights"], u["admin"]) for u in marked] == [
            (f"{prefix}.sperrtest", False, False)
        ]


def test_customers_and_valoren_contracts_are_test_data(runtime: Runtime) -> None:
    now = utcnow()
    sheet = load_demo_data(runtime, now)
    with runtime.uow() as uow:
        assert all(c.is_test for c in uow.session.scalars(select(Customer)))
        for entry in sheet["firms"]:
            firm = uow.repos.firm_by_number(entry["vermittlernummer"])
            assert firm is not None
            periods = uow.session.scalars(
                select(ServicingRelationship).where(ServicingRelationship.firm_id == firm.id)
            ).all()
            served = [p.customer for p in periods if p.covers(_business_day(runtime, now))]
            assert 5 <= len(served) <= 8
            contracts = [c for customer in served for c in customer.contracts]
            assert sorted(c.versicherungsscheinnummer for c in contracts) == [
                c["versicherungsscheinnummer"] for c in entry["contracts"]
            ]
            for contract in contracts:
                _check_contract(contract)
        for customer in uow.session.scalars(select(Customer)):
            # Served from the contract begin (a later broker from the day of the change).
            first = min(period.valid_from for period in customer.servicing)
            assert first == min(contract.begin for contract in customer.contracts)


def _check_contract(contract: Contract) -> None:
    assert re.fullmatch(r"VAL-\d+", contract.versicherungsscheinnummer)
    assert (contract.product, contract.status, contract.is_test) == ("VALOREN", "aktiv", True)
    assert contract.end is not None and contract.begin < contract.end
    assert isinstance(contract.sum_insured, Decimal) and contract.sum_insured > 0
    assert isinstance(contract.annual_premium, Decimal) and contract.annual_premium > 0
    assert contract.payment_mode in ("annual", "semi_annual", "quarterly", "monthly")
    details = contract.details
    assert details["transport_kinds"]
    assert set(details["transport_kinds"]) <= {"post", "courier", "air_freight", "accompanied"}
    assert details["valuables_classes"]
    assert set(details["valuables_classes"]) <= {
        "securities",
        "precious_metals",
        "jewellery",
        "cash",
        "documents",
    }
    assert set(details["clauses"]) == {"war", "strike_riot", "confiscation"}
    assert all(isinstance(booked, bool) for booked in details["clauses"].values())


def test_a_second_run_adds_no_rows_and_renews_the_passwords(runtime: Runtime) -> None:
    first = load_demo_data(runtime, utcnow())
    after_first = _counts(runtime)
    second = load_demo_data(runtime, utcnow() + timedelta(days=1))
    assert _counts(runtime) == after_first
    assert after_first["shipments"] >= 10 and after_first["customers"] >= 10
    assert _without_passwords(second) == _without_passwords(first)
    old, new = _passwords(first), _passwords(second)
    assert old.keys() == new.keys()
    assert all(old[login] != new[login] for login in old)


def test_the_changed_customer_is_served_by_the_second_firm_only(runtime: Runtime) -> None:
    now = utcnow()
    sheet = load_demo_data(runtime, now)
    previous, current = (firm["changed_customer"] for firm in sheet["firms"])
    assert (previous["role"], current["role"]) == ("previous", "current")
    assert previous["partnernummer"] == current["partnernummer"]
    with runtime.uow() as uow:
        firm_a, firm_b = (uow.repos.firm_by_number(n) for n in FIRMS)
        customer = uow.repos.customer_by_number(previous["partnernummer"])
        assert firm_a is not None and firm_b is not None and customer is not None
        today = _business_day(runtime, now)
        assert not serves(uow.session, firm_a.id, customer.id, today)
        assert serves(uow.session, firm_b.id, customer.id, today)
        (period_a,) = (p for p in customer.servicing if p.firm_id == firm_a.id)
        (period_b,) = (p for p in customer.servicing if p.firm_id == firm_b.id)
        assert period_a.valid_to is not None
        assert today - timedelta(days=60) < period_a.valid_to <= today  # the recent past
        assert period_b.valid_from == period_a.valid_to and period_b.valid_to is None
        assert previous["change_date"] == period_a.valid_to.isoformat()
        # A's letter from before the change exists, is open, but is not on A's sheet.
        (letter_id,) = previous["shipments"]
        letter = uow.repos.shipment_by_public_id(letter_id)
        assert letter is not None and letter.firm_id == firm_a.id
        assert letter.customer_id == customer.id and letter.acknowledged_at is None
        assert letter.created_at.date() < period_a.valid_to
        numbers = {c.versicherungsscheinnummer for c in customer.contracts}
    firm_a_entry, firm_b_entry = sheet["firms"]
    assert letter_id not in {s["id"] for s in firm_a_entry["shipments"]}
    assert not numbers & {c["versicherungsscheinnummer"] for c in firm_a_entry["contracts"]}
    assert numbers <= {c["versicherungsscheinnummer"] for c in firm_b_entry["contracts"]}
    assert set(current["shipments"]) <= {s["id"] for s in firm_b_entry["shipments"]}


def test_the_shipments_are_open_test_letters_as_real_pdfs(runtime: Runtime) -> None:
    now = utcnow()
    sheet = load_demo_data(runtime, now)
    with runtime.uow() as uow:
        for entry in sheet["firms"]:
            firm = uow.repos.firm_by_number(entry["vermittlernummer"])
            assert firm is not None
            shipments = [uow.repos.shipment_by_public_id(s["id"]) for s in entry["shipments"]]
            assert len({s.category for s in shipments if s is not None}) >= 4
            for shipment in shipments:
                assert shipment is not None and shipment.firm_id == firm.id
                assert shipment.is_test and shipment.acknowledged_at is None
                assert shipment.available_until > now
                for document in shipment.documents:
                    _check_pdf(document.data, document.sha256, firm)
                    assert document.size == len(document.data)


def _check_pdf(data: bytes, sha256: str, firm: BrokerFirm) -> None:
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == sha256
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Testdaten" in text and firm.name in text


def test_a_reload_resets_the_test_access(runtime: Runtime) -> None:
    sheet = load_demo_data(runtime, utcnow())
    shipment_id = sheet["firms"][0]["shipments"][0]["id"]
    with runtime.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(shipment_id)
        user = uow.repos.user_by_login(sheet["firms"][0]["users"][0]["login"])
        assert shipment is not None and user is not None
        shipment.acknowledged_at = utcnow()
        user.state = UserState.LOCKED
        uow.commit()
    assert load_demo_data(runtime, utcnow()) is not None
    with runtime.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(shipment_id)
        user = uow.repos.user_by_login(sheet["firms"][0]["users"][0]["login"])
        assert shipment is not None and shipment.acknowledged_at is None
        assert user is not None and user.state is UserState.ACTIVE


def test_a_real_firm_is_never_turned_into_demo_data(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        create_firm(uow, FIRMS[0], "Echte Makler AG", False, utcnow())
    with pytest.raises(AdminError):
        load_demo_data(runtime, utcnow())
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(User)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Shipment)) == 0


def test_every_demo_user_can_log_in(app: BiproApplication) -> None:
    first = _passwords(load_demo_data(app.runtime, utcnow()))
    current = _passwords(load_demo_data(app.runtime, utcnow()))
    assert len(current) == 8
    for login, password in current.items():
        answer = call(app, STS_PATH, login_request(login, password))
        assert answer.code == 200, (login, answer.body)
        identifier = answer.text(".//wsc:Identifier")
        assert identifier is not None and identifier.startswith("bipro:")
    # The previous run's password is void.
    login = next(iter(first))
    refused = call(app, STS_PATH, login_request(login, first[login]))
    assert refused.text(".//wsc:Identifier") is None
    assert "00960" in refused.meldung_ids


def test_only_the_current_broker_can_fetch_letters_about_the_changed_customer(
    runtime: Runtime,
) -> None:
    now = utcnow()
    sheet = load_demo_data(runtime, now)
    firm_a, firm_b = sheet["firms"]
    (before_change,) = firm_a["changed_customer"]["shipments"]
    (after_change,) = firm_b["changed_customer"]["shipments"]
    fetched = {
        (entry["vermittlernummer"], shipment_id): _fetch(runtime, entry, shipment_id, now)
        for entry in (firm_a, firm_b)
        for shipment_id in (before_change, after_change, entry["shipments"][0]["id"])
    }
    assert fetched == {
        ("T100001", before_change): False,  # posted to A, but A no longer serves the customer
        ("T100001", after_change): False,
        ("T100001", firm_a["shipments"][0]["id"]): True,
        ("T200002", before_change): False,  # B never gets A's post
        ("T200002", after_change): True,
        ("T200002", firm_b["shipments"][0]["id"]): True,
    }


def _fetch(runtime: Runtime, entry: dict[str, Any], shipment_id: str, now: datetime) -> bool:
    with runtime.uow() as uow:
        firm = uow.repos.firm_by_number(entry["vermittlernummer"])
        assert firm is not None
        principal = Principal(
            firm.id, firm.vermittlernummer, True, True, AuthMethod.PASSWORD, login="test"
        )
    with runtime.uow(principal) as uow:
        outcome, view = transfer.get_shipment(uow, shipment_id, now)
    return outcome.ok and view is not None
