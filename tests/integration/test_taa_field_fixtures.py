"""420 requests in the shape a client generated from the official schemas sends them
(``tests/fixtures/field/taa_*.xml``, our own examples): each is itself valid against the official
XSDs, and the service answers it with the business result of docs/tariff.md / docs/taa.md."""

from __future__ import annotations

from pathlib import Path
from string import Template

import pytest
from lxml import etree
from sqlalchemy import select

from bipro_service.adapters.db.models import Contract, TaaOffer
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.taa_helpers import (
    CALCULATED,
    OFFER_CREATED,
    ORDER_ACCEPTED,
    TAA_PATH,
    beitrag,
    findings,
    offer_number,
    taa_text,
)
from tests.official import require_schemas
from tests.support import Answer, call

FIELD = Path(__file__).resolve().parent.parent / "fixtures" / "field"


def fixture(name: str, **values: str) -> bytes:
    return Template((FIELD / name).read_text(encoding="utf-8")).substitute(values).encode()


def send(app: BiproApplication, body: bytes) -> Answer:
    return call(app, TAA_PATH, body, headers={"SOAPAction": '""'})


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    return token(app, "anna")


@pytest.mark.parametrize("name", ["taa_getQuote.xml", "taa_getOffer.xml", "taa_setOrder.xml"])
def test_the_field_requests_are_official(name: str) -> None:
    body = fixture(name, TOKEN="bipro:x", BEGINN="2027-01-04", ANGEBOTSNUMMER="ANG-0123456789")
    assert require_schemas().errors(etree.fromstring(body)) == []


def test_quote_offer_order_from_field_requests(app: BiproApplication, anna: str) -> None:
    quote = send(app, fixture("taa_getQuote.xml", TOKEN=anna))
    assert quote.text(".//nachr:StatusID") == "OK", quote.body
    assert findings(quote)[0] == CALCULATED and beitrag(quote, "01") == "474.22"

    begin = app.runtime.business_day().isoformat()
    offered = send(app, fixture("taa_getOffer.xml", TOKEN=anna, BEGINN=begin))
    assert offered.text(".//nachr:StatusID") == "OK", offered.body
    assert findings(offered)[0] == OFFER_CREATED and beitrag(offered, "01") == "474.22"
    number = offer_number(offered)
    assert taa_text(offered, "tar:Angebot/tar:Partner/par:Name") == "Juwelier Feldtest GmbH"
    with app.runtime.uow() as uow:
        offer = uow.session.scalars(select(TaaOffer)).one()
        assert offer.applicant["company_name"] == "Juwelier Feldtest GmbH"
        assert offer.applicant["email"] == "einkauf@juwelier-feldtest.example"

    ordered = send(app, fixture("taa_setOrder.xml", TOKEN=anna, ANGEBOTSNUMMER=number))
    assert ordered.text(".//nachr:StatusID") == "OK", ordered.body
    assert findings(ordered) == [ORDER_ACCEPTED]
    vsnr = taa_text(ordered, "tar:Antrag/tar:Vertragsnummer/allg:Versicherungsscheinnummer")
    with app.runtime.uow() as uow:
        contract = uow.session.scalars(
            select(Contract).where(Contract.versicherungsscheinnummer == vsnr)
        ).one()
        assert str(contract.annual_premium) == "474.22"
