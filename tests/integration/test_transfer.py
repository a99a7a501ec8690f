"""Transfer service (BiPRO 430) through the WSGI app: flow, scoping, raw client shapes."""

from __future__ import annotations

import base64
import hashlib

import pytest
from sqlalchemy import func, select

from bipro_service.adapters.db.models import AuditRecord
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import token
from tests.integration.portfolio_calls import TRANSFER_PATH, T, ids, transfer
from tests.integration.portfolio_helpers import PDF, make_shipment, two_firms
from tests.support import call, envelope, request_body, token_header


@pytest.fixture
def world(app: BiproApplication) -> dict[str, str]:
    rt = app.runtime
    two_firms(rt)
    shipments = {
        "a_k1": make_shipment(rt, "T100", customer="K1"),
        "a_general": make_shipment(rt, "T100", category="210000000"),
        "b_k2": make_shipment(rt, "T200", customer="K2"),
        "a_k3_before_change": make_shipment(rt, "T100", customer="K3"),
        "b_k3": make_shipment(rt, "T200", customer="K3", category="130000000"),
    }
    return shipments


def test_list_get_acknowledge_flow(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    listed = transfer(app, tok, "listShipments")
    assert listed.code == 200 and listed.text(".//nachr:StatusID") == "OK"
    assert sorted(ids(listed)) == sorted([world["a_k1"], world["a_general"]])
    got = transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert got.text(".//nachr:StatusID") == "OK"
    data = base64.b64decode(got.xml.findtext(f".//{{{T}}}Datei/{{{T}}}Daten") or "")
    assert data == PDF
    assert got.xml.findtext(f".//{{{T}}}Pruefsumme") == hashlib.sha256(PDF).hexdigest()
    acked = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert acked.text(".//nachr:StatusID") == "OK" and acked.meldung_ids == ["04000"]
    again = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert again.text(".//nachr:StatusID") == "OK" and again.meldung_ids == ["04002"]
    after = transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert after.text(".//nachr:StatusID") == "NOK" and after.meldung_ids == ["04002"]
    assert world["a_k1"] not in ids(transfer(app, tok, "listShipments"))


def test_foreign_and_unknown_shipments_answer_alike(
    app: BiproApplication, world: dict[str, str]
) -> None:
    tok = token(app, "anna")
    foreign = transfer(app, tok, "getShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    unknown = transfer(app, tok, "getShipment", "<t:ID>does-not-exist</t:ID>")
    assert foreign.meldung_ids == unknown.meldung_ids == ["04003"]
    assert foreign.find(f".//{{{T}}}Lieferung") is None
    ack = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    assert ack.meldung_ids == ["04003"]
    b_tok = token(app, "bernd")
    assert world["b_k2"] in ids(transfer(app, b_tok, "listShipments"))  # still open for B


def test_changed_customer_only_visible_to_new_firm(
    app: BiproApplication, world: dict[str, str]
) -> None:
    a_ids = ids(transfer(app, token(app, "anna"), "listShipments"))
    b_ids = ids(transfer(app, token(app, "bernd"), "listShipments"))
    assert world["a_k3_before_change"] not in a_ids
    assert world["b_k3"] in b_ids and world["a_k3_before_change"] not in b_ids
    got = transfer(
        app, token(app, "anna"), "getShipment", f"<t:ID>{world['a_k3_before_change']}</t:ID>"
    )
    assert got.meldung_ids == ["04003"]


def test_user_without_portfolio_rights_sees_only_general_post(
    app: BiproApplication, world: dict[str, str]
) -> None:
    assert ids(transfer(app, token(app, "ohne"), "listShipments")) == [world["a_general"]]


def test_test_access_never_sees_real_data(app: BiproApplication, world: dict[str, str]) -> None:
    real = make_shipment(app.runtime, "T100", is_test=False)
    assert real not in ids(transfer(app, token(app, "anna"), "listShipments"))


def test_category_filter_and_bad_category(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    only = transfer(
        app, tok, "listShipments", "<t:KategorieDerLieferung>210000000</t:KategorieDerLieferung>"
    )
    assert ids(only) == [world["a_general"]]
    none = transfer(
        app, tok, "listShipments", "<t:KategorieDerLieferung>999010010</t:KategorieDerLieferung>"
    )
    assert none.meldung_ids == ["04001"] and none.text(".//nachr:StatusID") == "OK"
    bad = transfer(
        app, tok, "listShipments", "<t:KategorieDerLieferung>1</t:KategorieDerLieferung>"
    )
    assert bad.meldung_ids == ["04005"] and bad.text(".//nachr:StatusID") == "NOK"


def test_expired_shipment(app: BiproApplication, world: dict[str, str]) -> None:
    old = make_shipment(app.runtime, "T100", available_days=-1)
    tok = token(app, "anna")
    assert old not in ids(transfer(app, tok, "listShipments"))
    assert transfer(app, tok, "getShipment", f"<t:ID>{old}</t:ID>").meldung_ids == ["04006"]


def test_confirm_flag_is_accepted_and_ignored(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    answer = transfer(
        app, tok, "listShipments", "<t:BestaetigeLieferungen>true</t:BestaetigeLieferungen>"
    )
    assert answer.text(".//nachr:StatusID") == "OK" and len(ids(answer)) == 2
    assert len(ids(transfer(app, tok, "listShipments"))) == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "00905"),
        (
            '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>',
            "00909",
        ),
    ],
)
def test_missing_token(
    app: BiproApplication, world: dict[str, str], header: str, message: str
) -> None:
    answer = call(app, TRANSFER_PATH, envelope(request_body(T, "listShipments"), header))
    assert answer.is_fault and answer.meldung_ids == [message]


def test_invalid_token(app: BiproApplication, world: dict[str, str]) -> None:
    answer = transfer(app, "bipro:forged", "listShipments")
    assert answer.is_fault and answer.meldung_ids == ["00962"]


def test_raw_client_shapes(app: BiproApplication, world: dict[str, str]) -> None:
    """Prefixes, empty SOAPAction, BiPROVersion in the 2.1 namespace, default namespaces."""
    tok = token(app, "anna")
    raw = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        f"<SOAP-ENV:Header>{token_header(tok)}</SOAP-ENV:Header><SOAP-ENV:Body>"
        f'<listShipments xmlns="{T}"><Request>'
        '<BiPROVersion xmlns="http://www.bipro.net/namespace/allgemein">2.1.4.1.1</BiPROVersion>'
        "</Request></listShipments></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()
    for action in ('""', "urn:listShipments", None):
        answer = call(app, TRANSFER_PATH, raw, headers={"SOAPAction": action} if action else None)
        assert answer.code == 200, answer.body
        assert len(ids(answer)) == 2
    wrong = call(app, TRANSFER_PATH, raw, headers={"SOAPAction": "urn:getShipment"})
    assert wrong.is_fault


def test_every_call_is_audited_with_objects(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    transfer(app, tok, "getShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    with app.runtime.uow() as uow:
        rows = uow.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.operation == "getShipment")
            .order_by(AuditRecord.id)
        ).all()
        got = [(r.user_login, r.vermittlernummer, r.outcome, r.meldung_id, r.objects) for r in rows]
        count = uow.session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.service != "Administration")
        )
    assert got[0][:4] == ("anna", "T100", "OK", "04000")
    assert got[0][4] == {"shipment": [world["a_k1"]], "customer": ["K1"]}
    assert got[1][:4] == ("anna", "T100", "NOK", "04003") and got[1][4] == {}
    assert count == 3  # one login, two calls: exactly one record each
