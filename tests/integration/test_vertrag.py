"""Contract information (BiPRO 502) and the listing extension, scoped to the caller's firm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import Contract
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import token
from tests.integration.portfolio_calls import VO, A, V, X, get_data, list_contracts
from tests.integration.portfolio_helpers import make_customer, two_firms
from tests.support import Answer

PM = "http://www.bipro.net/namespace/produktmodell"
PAR = "http://www.bipro.net/namespace/partner"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NUMBER = f"{{{VO}}}Vertragsnummer/{{{A}}}Versicherungsscheinnummer"


def numbers(answer: Answer) -> list[str]:
    return [e.text or "" for e in answer.xml.iterfind(f".//{{{X}}}Vertrag/{NUMBER}")]


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
    auskunft = answer.xml.find(f".//{{{V}}}Vertragsauskunft")
    assert auskunft is not None
    assert auskunft.findtext(f"{{{V}}}Vertragsnummer/{{{A}}}Versicherungsscheinnummer") == "VAL-1"
    contract = auskunft.find(f"{{{V}}}Vertrag")
    assert contract is not None
    assert contract.findtext(NUMBER) == "VAL-1"
    assert contract.findtext(f"{{{VO}}}Vertragsstatus") == "1"
    product = contract.find(f"{{{VO}}}Verkaufsprodukt")
    assert product is not None
    assert product.findtext(f"{{{PM}}}Produkt/{{{PM}}}Sparte") == "190"
    details = product.findtext(f"{{{PM}}}Kurzbeschreibung") or ""
    assert "Versicherungssumme 250000.00 EUR" in details and "Transportarten: post" in details
    holder = contract.find(f"{{{VO}}}Partner")
    assert holder is not None and holder.get(XSI_TYPE) in (
        "par:CT_Person",
        "par:CT_JuristischePerson",
    )
    assert holder.findtext(f"{{{PAR}}}Partnernummer") == "K1"


def test_get_data_unsupported_informationsart_warns(app: BiproApplication, world: None) -> None:
    extra = "<v:Informationsart>01</v:Informationsart><v:Informationsart>03</v:Informationsart>"
    answer = get_data(app, token(app, "anna"), "VAL-1", extra)
    assert answer.text(".//nachr:StatusID") == "OK"
    assert answer.meldung_ids == ["01100", "01113"]


def test_get_data_with_unternehmen_as_the_field_sends_it(
    app: BiproApplication, world: None
) -> None:
    extra = (
        "<v:Unternehmen><a:Nummer>9999</a:Nummer><a:Nummernart>BaFin</a:Nummernart></v:Unternehmen>"
    )
    answer = get_data(app, token(app, "anna"), "VAL-1", extra)
    assert answer.text(".//nachr:StatusID") == "OK"
    assert answer.xml.findtext(f".//{{{V}}}Unternehmen/{{{A}}}Nummer") == "9999"


def test_get_data_past_state_not_offered(app: BiproApplication, world: None) -> None:
    past = (app.runtime.business_day() - timedelta(days=30)).isoformat()
    answer = get_data_with_date(app, "VAL-1", f"<v:GueltigAm>{past}</v:GueltigAm>")
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01102"]
    assert answer.find(f".//{{{V}}}Vertrag") is None
    today = app.runtime.business_day().isoformat()
    current = get_data_with_date(app, "VAL-1", f"<v:GueltigAm>{today}</v:GueltigAm>")
    assert current.text(".//nachr:StatusID") == "OK"


def get_data_with_date(app: BiproApplication, number: str, gueltig_am: str) -> Answer:
    from tests.integration.portfolio_calls import VERTRAG_PATH
    from tests.support import call, envelope, request_body, token_header

    inner = (
        f'<v:Vertragsauskunft xmlns:a="{A}">{gueltig_am}<v:Vertragsnummer>'
        f"<a:Versicherungsscheinnummer>{number}</a:Versicherungsscheinnummer>"
        "</v:Vertragsnummer></v:Vertragsauskunft>"
    )
    body = envelope(request_body(V, "getData", inner, "v"), token_header(token(app, "anna")))
    return call(app, VERTRAG_PATH, body)


@pytest.mark.parametrize("number", ["VAL-2", "VAL-3", "VAL-4", "VAL-5", "VAL-404"])
def test_not_yours_and_unknown_answer_alike(
    app: BiproApplication, world: None, number: str
) -> None:
    answer = get_data(app, token(app, "anna"), number)
    reference = get_data(app, token(app, "anna"), "VAL-404")
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "NOK"
    assert answer.meldung_ids == ["01101"]
    assert answer.find(f".//{{{V}}}Vertrag") is None
    echoed = answer.xml.findtext(f".//{{{V}}}Vertragsnummer/{{{A}}}Versicherungsscheinnummer")
    assert echoed == number  # the norm's answer always carries the asked Vertragsauskunft
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
            f"<x:Cursor>{cursor}</x:Cursor>" if cursor else ""
        ) + "<x:Seitengroesse>2</x:Seitengroesse>"
        answer = list_contracts(app, tok, inner)
        assert answer.code == 200, answer.body
        seen += numbers(answer)
        pages += 1
        cursor = answer.xml.findtext(f".//{{{X}}}NaechsterCursor")
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
    answer = list_contracts(app, token(app, "anna"), f"<x:GeaendertSeit>{stamp}</x:GeaendertSeit>")
    assert numbers(answer) == ["VAL-1"]


def test_bad_cursor(app: BiproApplication, world: None) -> None:
    answer = list_contracts(app, token(app, "anna"), "<x:Cursor>!!notacursor</x:Cursor>")
    assert answer.is_fault and answer.meldung_ids == ["00001"]
