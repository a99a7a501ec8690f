"""Who may notify and read claims: the firm serving the contract today, with portfolio rights;
a test access only on test contracts. Foreign and unknown answer alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bipro_service.adapters.db.models import Customer, ServicingRelationship
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.claims_helpers import (
    Meldung,
    acknowledgements,
    get_data,
    make_contract,
    notify,
    schadennummer,
    stored_claims,
)
from tests.integration.portfolio_helpers import make_customer


@pytest.fixture
def world(app: BiproApplication) -> None:
    rt = app.runtime
    today = rt.business_day()
    make_firm(rt, "V100", test_access=False)
    make_firm(rt, "V200", test_access=False)
    make_firm(rt, "T100", test_access=True)
    make_user(rt, "vera", "V100")
    make_user(rt, "bernd", "V200")
    make_user(rt, "tom", "T100")
    make_user(rt, "ohne", "V100", portfolio_rights=False)
    make_contract(rt, "VAL-1", "K1", "V100", is_test=False)
    make_contract(rt, "VAL-2", "K2", "V200", is_test=False)
    # K3 changed from V100 to V200 today; K4 is V100's from tomorrow; K5 ended yesterday.
    make_customer(rt, "K3", "V100", until=today, is_test=False)
    make_contract(rt, "VAL-3", "K3", "V200", is_test=False)
    make_customer(rt, "K4", "V100", since=today + timedelta(days=1), is_test=False)
    make_contract(rt, "VAL-4", "K4", is_test=False)
    make_customer(rt, "K5", "V100", until=today - timedelta(days=1), is_test=False)
    make_contract(rt, "VAL-5", "K5", is_test=False)
    # The test access serves a test customer and, wrongly, a real one.
    make_contract(rt, "VAL-T", "KT", "T100", is_test=True)
    make_contract(rt, "VAL-R", "KR", "T100", is_test=False)


@pytest.mark.parametrize("number", ["VAL-2", "VAL-3", "VAL-4", "VAL-5", "VAL-404"])
def test_foreign_contract_refused_like_unknown(
    app: BiproApplication, world: None, number: str
) -> None:
    tok = token(app, "vera")
    answer = notify(app, tok, Meldung(contract=number))
    reference = notify(app, tok, Meldung(contract="VAL-404"))
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "NOK"
    assert answer.meldung_ids == reference.meldung_ids == ["01101"]
    assert answer.text(".//nachr:Text") == (reference.text(".//nachr:Text") or "").replace(
        "VAL-404", number
    )
    assert answer.text(".//nachr:Quelle") == (
        "Schadenmeldung/Ereignis/Schaden/SchadenfallLeistungsfall/Vertrag/Vertragsnummer/"
        "Versicherungsscheinnummer"
    )
    assert schadennummer(answer) is None
    assert stored_claims(app.runtime) == [] and acknowledgements(app.runtime) == []


def test_new_broker_may_notify_at_once(app: BiproApplication, world: None) -> None:
    answer = notify(app, token(app, "bernd"), Meldung(contract="VAL-3"))
    assert answer.text(".//nachr:StatusID") == "OK"


def test_claim_information_only_for_the_firm_serving_the_contract_now(
    app: BiproApplication, world: None
) -> None:
    vera, bernd = token(app, "vera"), token(app, "bernd")
    number = schadennummer(notify(app, vera, Meldung(contract="VAL-1")))
    assert number
    assert get_data(app, vera, number).text(".//nachr:StatusID") == "OK"
    foreign = get_data(app, bernd, number)
    unknown = get_data(app, bernd, "S2000-UNKNOWN0")
    assert foreign.meldung_ids == unknown.meldung_ids == ["01101"]
    assert foreign.text(".//nachr:Text") == (unknown.text(".//nachr:Text") or "").replace(
        "S2000-UNKNOWN0", number
    )
    # The customer moves to V200 today: the claim moves with them, at once.
    rt = app.runtime
    today = rt.business_day()
    with rt.uow() as uow:
        customer = uow.repos.customer_by_number("K1")
        assert customer
        uow.session.execute(
            update(ServicingRelationship)
            .where(ServicingRelationship.customer_id == customer.id)
            .values(valid_to=today)
        )
        uow.commit()
    make_customer(rt, "K1", "V200", since=today, is_test=False)
    assert get_data(app, vera, number).meldung_ids == ["01101"]
    assert get_data(app, bernd, number).text(".//nachr:StatusID") == "OK"


def test_blocked_customer_hides_claims(app: BiproApplication, world: None) -> None:
    vera = token(app, "vera")
    number = schadennummer(notify(app, vera, Meldung(contract="VAL-1")))
    assert number
    with app.runtime.uow() as uow:
        uow.session.execute(
            update(Customer)
            .where(Customer.partnernummer == "K1")
            .values(blocked_at=Customer.created_at)
        )
        uow.commit()
    assert get_data(app, vera, number).meldung_ids == ["01101"]
    assert notify(app, vera, Meldung(contract="VAL-1")).meldung_ids == ["01101"]


@pytest.mark.parametrize("operation", ["notify", "get_data"])
def test_users_without_portfolio_rights_are_refused(
    app: BiproApplication, world: None, operation: str
) -> None:
    number = schadennummer(notify(app, token(app, "vera"), Meldung(contract="VAL-1")))
    assert number
    ohne = token(app, "ohne")
    answer = (
        notify(app, ohne, Meldung(contract="VAL-1"))
        if operation == "notify"
        else get_data(app, ohne, number)
    )
    assert answer.is_fault and answer.meldung_ids == ["99999"]
    assert "Bestandsrechte" in (answer.text(".//faultstring") or "")
    assert len(stored_claims(app.runtime)) == 1


def test_test_access_only_on_test_contracts(app: BiproApplication, world: None) -> None:
    tom = token(app, "tom")
    real = notify(app, tom, Meldung(contract="VAL-R"))
    assert real.meldung_ids == ["01101"]
    test = notify(app, tom, Meldung(contract="VAL-T"))
    assert test.text(".//nachr:StatusID") == "OK"
    [claim] = stored_claims(app.runtime)
    assert claim.is_test
    [letter] = acknowledgements(app.runtime)
    assert letter.is_test
    # A real firm's claim on a real contract stays invisible to the test access.
    number = schadennummer(notify(app, token(app, "vera"), Meldung(contract="VAL-1")))
    assert number and get_data(app, tom, number).meldung_ids == ["01101"]
