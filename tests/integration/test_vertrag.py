"""Contract information (BiPRO 502) and the listing extension, scoped to the caller's firm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import Contract
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import token
from tests.integration.portfolio_calls import V, get_data, list_contracts
from tests.integration.portfolio_helpers import make_customer, two_firms
from tests.support import Answer


def numbers(answer: Answer) -> list[str]:
    return [
        e.text or ""
        for e in answer.xml.iterfind(f".//{{{V}}}Vertrag/{{{V}}}Versicherungsscheinnummer")
    ]


@pytest.fixture
def world(app: BiproApplication) -> None:
    rt = app.runtime
    two_firms(rt)
    today = rt.business_day()
    make_customer(
        rt, "K4", "T100", since=today + timedelta(days=1), contract="VAL-4"
    )  # starts tomorrow
    make_customer(
        rt, "K5", "T100", until=today - timedelta(days=1), contract="VAL-5"
    )  # ended yesterday


def test_get_data_returns_contract_with_partner(app: BiproApplication, world: None) -> None:
    answer = get_data(app, token(app, "anna"), "VAL-1")
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK"
    assert answer.meldung_ids == ["01100"]
    contract = answer.xml.find(f".//{{{V}}}Vertragsauskunft/{{{V}}}Vertrag")
    assert contract is not None
    assert contract.findtext(f"{{{V}}}Versicherungsscheinnummer") == "VAL-1"
    assert contract.findtext(f"{{{V}}}Versicherungssumme") == "250000.00"
    assert contract.findtext(f"{{{V}}}Partner/{{{V}}}Partnernummer") == "K1"
    assert contract.findtext(f"{{{V}}}Produktdaten/{{{V}}}Transportart") == "post"


@pytest.mark.parametrize("number", ["VAL-2", "VAL-3", "VAL-4", "VAL-5", "VAL-404"])
def test_not_yours_and_unknown_answer_alike(
    app: BiproApplication, world: None, number: str
) -> None:
    answer = get_data(app, token(app, "anna"), number)
    reference = get_data(app, token(app, "anna"), "VAL-404")
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "NOK"
    assert answer.meldung_ids == ["01101"]
    assert answer.find(f".//{{{V}}}Vertrag") is None
    assert answer.text(".//nachr:Text") == reference.text(".//nachr:Text").replace(
        "VAL-404", number
    )  # type: ignore[union-attr]


def test_changed_customer_visible_to_new_firm(app: BiproApplication, world: None) -> None:
    assert get_data(app, token(app, "bernd"), "VAL-3").text(".//nachr:StatusID") == "OK"


def test_no_portfolio_rights_refused(app: BiproApplication, world: None) -> None:
    answer = get_data(app, token(app, "ohne"), "VAL-1")
    assert answer.is_fault and answer.meldung_ids == ["99999"]
    assert "Bestandsrechte" in (answer.text(".//faultstring") or "")


def test_listing_pages_with_stable_cursor(app: BiproApplication, world: None) -> None:
    rt = app.runtime
    for i in range(6, 11):
        make_customer(rt, f"K{i}", "T100", contract=f"VAL-{i}")
    tok = token(app, "anna")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        inner = (
            f"<v:Cursor>{cursor}</v:Cursor>" if cursor else ""
        ) + "<v:Seitengroesse>2</v:Seitengroesse>"
        answer = list_contracts(app, tok, inner)
        assert answer.code == 200, answer.body
        seen += numbers(answer)
        pages += 1
        cursor = answer.xml.findtext(f".//{{{V}}}NaechsterCursor")
        if not cursor:
            break
    assert sorted(seen) == sorted(["VAL-1"] + [f"VAL-{i}" for i in range(6, 11)])
    assert len(seen) == len(set(seen)) and pages == 3


def test_listing_changed_since(app: BiproApplication, world: None) -> None:
    later = utcnow() + timedelta(hours=1)
    with app.runtime.uow() as uow:
        uow.session.execute(
            update(Contract)
            .where(Contract.versicherungsscheinnummer == "VAL-1")
            .values(updated_at=later)
        )
        uow.commit()
    stamp = (later - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = list_contracts(app, token(app, "anna"), f"<v:GeaendertSeit>{stamp}</v:GeaendertSeit>")
    assert numbers(answer) == ["VAL-1"]


def test_bad_cursor(app: BiproApplication, world: None) -> None:
    answer = list_contracts(app, token(app, "anna"), "<v:Cursor>!!notacursor</v:Cursor>")
    assert answer.is_fault and answer.meldung_ids == ["00001"]
