"""503 requests in the shape a client generated from the official BiPRO 2.6 schemas sends
(``tests/fixtures/field/schaden_*.xml``): the request validates against the official XSDs,
and the business result is what the notification says."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from lxml import etree

from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, SACHEN, SCHADEN, SCHADEN_LEISTUNG, SOAP11_ENV
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.claims_helpers import (
    SCHADEN_PATH,
    angefordert,
    audit_records,
    betrag,
    deckung,
    ids,
    make_contract,
    new_key,
    schadennummer,
    stored_claims,
)
from tests.integration.portfolio_helpers import PDF
from tests.official import require_schemas
from tests.support import call

FIELD = Path(__file__).resolve().parent.parent / "fixtures" / "field"
SL = SCHADEN_LEISTUNG


def fixture(name: str, **values: str) -> bytes:
    text = (FIELD / name).read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace("{{" + placeholder + "}}", value)
    return text.encode()


@pytest.fixture
def tok(app: BiproApplication) -> str:
    rt = app.runtime
    make_firm(rt, "V100", test_access=False)
    make_user(rt, "vera", "V100")
    make_contract(rt, "VAL-1", "K1", "V100", is_test=False)
    return token(app, "vera")


@pytest.mark.parametrize("name", ["schaden_setNotification.xml", "schaden_getData.xml"])
def test_field_requests_are_official(name: str) -> None:
    body = fixture(name, TOKEN="bipro:x", KEY=new_key(), PDF="JVBERg==", SCHADENNUMMER="S2025-1")
    operation = etree.fromstring(body).find(f"{{{SOAP11_ENV}}}Body")[0]  # type: ignore[index]
    assert require_schemas().errors_of_element(operation) == []


def test_field_notification_and_information(app: BiproApplication, tok: str) -> None:
    key = new_key()
    pdf = base64.b64encode(PDF).decode()
    answer = call(
        app, SCHADEN_PATH, fixture("schaden_setNotification.xml", TOKEN=tok, KEY=key, PDF=pdf)
    )
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body[:2000]
    assert answer.meldung_ids[0] == "00105"
    number = schadennummer(answer)
    assert number
    [claim] = stored_claims(app.runtime)
    assert claim.schadennummer == number and claim.idempotency_key == key
    assert (claim.transport_kind, claim.peril) == ("courier", "theft")
    assert str(claim.loss_date) == "2025-03-03" and claim.loss_place == "Hamburg, Jungfernstieg"
    assert (claim.estimated_loss, claim.insured_value, claim.mitigation_costs) == (4200, 8000, 150)
    assert claim.police_report == "HH-2025-0815"
    assert [(i.description, i.valuables_class, i.value, i.damage) for i in claim.items] == [
        ("Brillantring 1,2 ct", "jewellery", 4200, "lost")
    ]
    assert [(d.filename, d.content_type, d.kind, d.data) for d in claim.documents] == [
        ("Verlustbescheinigung_Kurier.pdf", "application/pdf", "carrier_certificate", PDF)
    ]
    # Carrier loss in its custody: covered; 4,200 below the value: paid in full, plus costs.
    assert deckung(answer) == "gedeckt"
    assert betrag(answer, "Entschaedigungsbetrag") == "4350.00"
    assert "Verlustbescheinigung" not in angefordert(answer)
    assert answer.xml.findtext(f".//{{{SCHADEN}}}Schadenmeldung/*") is not None
    [record] = audit_records(app.runtime, operation="setNotification")
    assert record.consumer_id == "MVP-Feldtest"

    info = call(app, SCHADEN_PATH, fixture("schaden_getData.xml", TOKEN=tok, SCHADENNUMMER=number))
    assert info.text(".//nachr:StatusID") == "OK" and info.meldung_ids[0] == "01100"
    assert schadennummer(info) == number and ids(info) == ids(answer)
    auskunft = info.xml.find(f".//{{{SCHADEN}}}Schadenauskunft")
    assert auskunft is not None
    assert auskunft.findtext(f"{{{SCHADEN}}}Schadennummer/{{{ALLGEMEIN}}}Nummer") == number
    assert auskunft.findtext(f".//{{{SACHEN}}}Transportmittel") == "courier"
    assert auskunft.findtext(f".//{{{SL}}}Schadenobjekt/{{{SL}}}Zustand") == "1"  # abhanden
