"""The demo data behind a real gunicorn server, through the real clients, for both demo firms:
every portfolio user sees exactly the sheet's contracts and post, nothing of the other firm,
the change of broker, and a user without portfolio rights sees no portfolio data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bipro_clients import BiproFault, StsClient, TransferClient, VertragClient
from sqlalchemy import select

from bipro_service.adapters.db.models import Contract, Customer, Shipment
from tests.e2e.demo import demo_database
from tests.e2e.server import running_server

FIRMS = ("T100001", "T200002")


@dataclass(frozen=True)
class Demo:
    base_url: str
    sheet: dict[str, Any]
    firms: dict[str, dict[str, Any]]
    general: dict[str, set[str]]
    """Per firm: the sheet's shipments about no customer."""
    changed_contracts: set[str]
    """The contracts of the customer who changed broker."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Demo]:
    """One loaded demo database and one server for the module (the tests only read)."""
    settings, runtime, sheet = demo_database(tmp_path_factory.mktemp("demo-e2e"), database_template)
    try:
        firms = {firm["vermittlernummer"]: firm for firm in sheet["firms"]}
        assert tuple(firms) == FIRMS
        changed = firms[FIRMS[0]]["changed_customer"]["partnernummer"]
        with runtime.uow() as uow:
            general = {
                number: set(
                    uow.session.scalars(
                        select(Shipment.public_id).where(
                            Shipment.public_id.in_([s["id"] for s in entry["shipments"]]),
                            Shipment.customer_id.is_(None),
                        )
                    )
                )
                for number, entry in firms.items()
            }
            changed_contracts = set(
                uow.session.scalars(
                    select(Contract.versicherungsscheinnummer)
                    .join(Customer, Customer.id == Contract.customer_id)
                    .where(Customer.partnernummer == changed)
                )
            )
    finally:
        runtime.engine.dispose()
    assert changed_contracts, "the changed customer has no contracts"
    with running_server(
        settings.database_url, workers=2, BIPRO_VAR_DIR=str(settings.var_dir)
    ) as base_url:
        yield Demo(base_url, sheet, firms, general, changed_contracts)


def _other(number: str) -> str:
    (other,) = (n for n in FIRMS if n != number)
    return other


def _contracts(entry: dict[str, Any]) -> set[str]:
    return {c["versicherungsscheinnummer"] for c in entry["contracts"]}


def _shipments(entry: dict[str, Any]) -> set[str]:
    return {s["id"] for s in entry["shipments"]}


def _users(entry: dict[str, Any], portfolio_rights: bool) -> list[dict[str, Any]]:
    users = [u for u in entry["users"] if u["portfolio_rights"] is portfolio_rights]
    assert users, f"{entry['vermittlernummer']}: no user with portfolio_rights={portfolio_rights}"
    return users


def _listed(transfer: TransferClient) -> list[str]:
    answer = transfer.list_shipments()
    return [lieferung.id for lieferung in answer.payload]


@pytest.mark.parametrize("number", FIRMS)
def test_portfolio_users_see_exactly_their_firms_data(demo: Demo, number: str) -> None:
    own, other = demo.firms[number], demo.firms[_other(number)]
    assert _contracts(own) and _shipments(own)
    assert not _contracts(own) & _contracts(other)
    for user in _users(own, portfolio_rights=True):
        token = StsClient(demo.base_url).login(user["login"], user["password"])
        vertrag = VertragClient(demo.base_url, token)
        transfer = TransferClient(demo.base_url, token)

        listed = [c.Vertragsnummer.Versicherungsscheinnummer for c in vertrag.all_contracts()]
        assert sorted(listed) == sorted(_contracts(own)), user["login"]
        for number_other in sorted(_contracts(other)):
            answer = vertrag.get_contract(number_other)
            assert (answer.ok, answer.meldung_ids, answer.payload) == (False, ["01101"], None), (
                user["login"],
                number_other,
            )

        shipments = _listed(transfer)
        assert len(shipments) == len(set(shipments))
        assert set(shipments) == _shipments(own), user["login"]
        for shipment_id in sorted(_shipments(other)):
            answer = transfer.get_shipment(shipment_id)
            assert (answer.ok, answer.meldung_ids, answer.payload) == (False, ["04003"], None), (
                user["login"],
                shipment_id,
            )


def test_own_contracts_and_letters_are_delivered(demo: Demo) -> None:
    for number in FIRMS:
        entry = demo.firms[number]
        user = _users(entry, portfolio_rights=True)[0]
        token = StsClient(demo.base_url).login(user["login"], user["password"])
        vertrag = VertragClient(demo.base_url, token)
        for contract in sorted(_contracts(entry)):
            answer = vertrag.get_contract(contract)
            assert answer.ok and answer.payload.Vertragsnummer.Versicherungsscheinnummer == contract
        transfer = TransferClient(demo.base_url, token)
        for shipment_id in sorted(_shipments(entry)):
            answer = transfer.get_shipment(shipment_id)
            assert answer.ok and answer.payload.id == shipment_id
            assert answer.payload.files and answer.payload.files[0].data.startswith(b"%PDF-")


def test_the_changed_customer_is_visible_to_the_new_firm_only(demo: Demo) -> None:
    previous_entry, current_entry = (demo.firms[n] for n in FIRMS)
    previous, current = previous_entry["changed_customer"], current_entry["changed_customer"]
    assert (previous["role"], current["role"]) == ("previous", "current")
    assert previous["partnernummer"] == current["partnernummer"]
    partner = previous["partnernummer"]
    (old_letter,) = previous["shipments"]
    assert current["shipments"]

    old_user = _users(previous_entry, portfolio_rights=True)[0]
    old_token = StsClient(demo.base_url).login(old_user["login"], old_user["password"])
    old_vertrag = VertragClient(demo.base_url, old_token)
    assert not {c.Partner[0].Partnernummer for c in old_vertrag.all_contracts()} & {partner}
    for contract in sorted(demo.changed_contracts):
        assert old_vertrag.get_contract(contract).meldung_ids == ["01101"]
    old_transfer = TransferClient(demo.base_url, old_token)
    assert old_letter not in _listed(old_transfer)
    answer = old_transfer.get_shipment(old_letter)
    assert (answer.ok, answer.meldung_ids) == (False, ["04003"])

    new_user = _users(current_entry, portfolio_rights=True)[0]
    new_token = StsClient(demo.base_url).login(new_user["login"], new_user["password"])
    new_vertrag = VertragClient(demo.base_url, new_token)
    theirs = {
        c.Vertragsnummer.Versicherungsscheinnummer
        for c in new_vertrag.all_contracts()
        if c.Partner[0].Partnernummer == partner
    }
    assert theirs == demo.changed_contracts
    for contract in sorted(demo.changed_contracts):
        answer = new_vertrag.get_contract(contract)
        assert answer.ok and answer.payload.Partner[0].Partnernummer == partner
    new_transfer = TransferClient(demo.base_url, new_token)
    assert set(current["shipments"]) <= set(_listed(new_transfer))
    for letter in current["shipments"]:
        assert new_transfer.get_shipment(letter).ok
    # The old firm's letter stays the old firm's: the new firm cannot fetch it either.
    assert new_transfer.get_shipment(old_letter).meldung_ids == ["04003"]


@pytest.mark.parametrize("number", FIRMS)
def test_a_user_without_portfolio_rights_sees_no_portfolio_data(demo: Demo, number: str) -> None:
    entry = demo.firms[number]
    for user in _users(entry, portfolio_rights=False):
        token = StsClient(demo.base_url).login(user["login"], user["password"])
        vertrag = VertragClient(demo.base_url, token)
        for contract in sorted(_contracts(entry))[:2]:
            with pytest.raises(BiproFault) as fault:
                vertrag.get_contract(contract)
            assert fault.value.meldung_id == "99999", user["login"]
        with pytest.raises(BiproFault) as fault:
            vertrag.all_contracts()
        assert fault.value.meldung_id == "99999"

        transfer = TransferClient(demo.base_url, token)
        shipments = set(_listed(transfer))
        assert shipments == demo.general[number], user["login"]
        assert shipments < _shipments(entry)  # the letters about customers are withheld
        for shipment_id in sorted(_shipments(entry) - shipments):
            assert transfer.get_shipment(shipment_id).meldung_ids == ["04003"]
