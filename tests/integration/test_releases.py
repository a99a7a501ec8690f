"""Releases 2.1–2.8 and the URLs clients have configured: versioned URL aliases, release-2.1
request shapes (php-soap) normalised before Spyne, the BiPROVersion echoed where they had it."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from sqlalchemy import select

from bipro_service.adapters.db.models import AuditRecord
from bipro_service.entrypoints.soap.catalogue import SERVICES, URL_ALIASES
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, NACHRICHTEN, TRANSFER
from tests.field import fixture
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user, token
from tests.integration.portfolio_helpers import make_shipment
from tests.official import official_errors
from tests.support import Answer, call, envelope, login_request, request_body, token_header

ALIAS_21 = "/bipro/TransferService_2.1.0.1.0"
CURRENT = "/bipro/TransferService_2.6.1.1.0"


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime)
    make_user(app.runtime, "anna")
    return token(app, "anna")


def test_services_json_lists_every_alias(app: BiproApplication) -> None:
    listed = json.loads(call(app, "/bipro/services.json", method="GET").body)["services"]
    by_url = {s["url"].removeprefix("http://127.0.0.1:8000"): s for s in listed}
    for definition in SERVICES:
        assert "alias_of" not in by_url[definition.path]
        for version, path in zip(definition.aliases, definition.alias_paths, strict=True):
            entry = by_url[path]
            assert entry["version"] == version and entry["name"] == definition.name
            assert entry["alias_of"] == "http://127.0.0.1:8000" + definition.path
            wsdl = call(app, path, method="GET", query="wsdl")
            assert f'location="http://127.0.0.1:8000{path}"'.encode() in wsdl.body
    assert set(URL_ALIASES["TransferService"]) >= {"2.4.2.1.1", "2.5.0.1.0"}
    assert set(URL_ALIASES["UserPasswordLogin"]) >= {"2.5.0.1.1", "2.1.0.1.0"}


@pytest.mark.parametrize("version", ["2.1.0.1.0", "2.5.0.1.1"])
def test_sts_alias_is_the_same_service(app: BiproApplication, version: str) -> None:
    make_firm(app.runtime)
    make_user(app.runtime, "anna")
    answer = call(app, f"/bipro/STS/UserPasswordLogin_{version}", login_request("anna", PASSWORD))
    assert answer.code == 200 and (answer.text(".//wsc:Identifier") or "").startswith("bipro:")


@pytest.mark.parametrize("release", ["2.1.4.1.1", "2.5.0.1.0", "2.7.0.1.0", "2.8.5.1.0"])
def test_releases_21_to_28_are_accepted_and_echoed(
    app: BiproApplication, anna: str, release: str
) -> None:
    body = request_body(TRANSFER, "listShipments").replace("2.6.1.1.0", release)
    answer = call(app, CURRENT, envelope(body, token_header(anna)), check_official=False)
    assert answer.code == 200 and answer.text(".//nachr:BiPROVersion") == release
    too_new = request_body(TRANSFER, "listShipments").replace("2.6.1.1.0", "3.0.0.1.0")
    refused = call(app, CURRENT, envelope(too_new, token_header(anna)))
    assert refused.is_fault and refused.meldung_ids == ["00001"]


def as_26(answer: Answer) -> bytes:
    """The answer with BiPROVersion back in nachrichten: what the 2.6 XSD defines."""
    root = answer.xml
    for element in list(root.iter(f"{{{ALLGEMEIN}}}BiPROVersion")):
        element.tag = f"{{{NACHRICHTEN}}}BiPROVersion"
    etree.cleanup_namespaces(root)
    return etree.tostring(root)


def assert_only_version_differs(answer: Answer, reference: Answer) -> None:
    """A 2.1 answer is official but for the namespace of BiPROVersion (docs/wire-format.md)."""
    assert answer.find(f".//{{{NACHRICHTEN}}}BiPROVersion") is None
    assert answer.xml.findtext(f".//{{{ALLGEMEIN}}}BiPROVersion") == "2.1.4.1.1"
    assert b"<all:BiPROVersion>2.1.4.1.1</all:BiPROVersion>" in answer.body
    strip = [e.replace("2.1.4.1.1", "2.6.1.1.0") for e in official_errors("", as_26(answer))]
    assert strip == official_errors("", reference.body)


def test_release_21_list_get_acknowledge(app: BiproApplication, anna: str) -> None:
    shipment = make_shipment(app.runtime, "T100")
    listed = call(
        app, ALIAS_21, fixture("release21/list_shipments.xml", TOKEN=anna), check_official=False
    )
    assert listed.code == 200 and listed.text(".//nachr:StatusID") == "OK", listed.body
    reference = call(
        app,
        CURRENT,
        envelope(request_body(TRANSFER, "listShipments"), token_header(anna)),
        check_official=False,
    )
    assert_only_version_differs(listed, reference)
    assert shipment.encode() in listed.body

    got = call(
        app,
        ALIAS_21,
        fixture("release21/get_shipment.xml", TOKEN=anna, ID=shipment, CONSUMER="MVP-21"),
        check_official=False,
    )
    assert got.code == 200 and got.text(".//nachr:StatusID") == "OK", got.body[:800]
    acked = call(
        app,
        ALIAS_21,
        fixture("release21/acknowledge_shipment.xml", TOKEN=anna, ID=shipment, CONSUMER="MVP-21"),
        check_official=False,
    )
    assert acked.code == 200 and acked.text(".//nachr:StatusID") == "OK", acked.body[:800]
    with app.runtime.uow() as uow:
        records = uow.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.service == "TransferService")
            .order_by(AuditRecord.seq)
        ).all()
        seen = [(r.operation, r.consumer_id) for r in records]
    assert ("getShipment", "MVP-21") in seen and ("acknowledgeShipment", "MVP-21") in seen
    assert ("listShipments", None) in seen


def test_release_21_fault_echoes_in_allgemein_and_stays_official(
    app: BiproApplication, anna: str
) -> None:
    answer = call(
        app,
        ALIAS_21,
        fixture("release21/list_shipments.xml", TOKEN="bipro:forged"),
    )
    assert answer.is_fault and answer.meldung_ids == ["00962"]
    exception = answer.find(".//nachr:BiproException")
    assert exception is not None
    assert exception.findtext(f"{{{ALLGEMEIN}}}BiPROVersion") == "2.1.4.1.1"
    assert official_errors("", as_26(answer)) == []


def test_release_21_leftover_with_another_meaning_is_refused(
    app: BiproApplication, anna: str
) -> None:
    body = fixture("release21/get_shipment.xml", TOKEN=anna, ID="x", CONSUMER="1").replace(
        b"<tr:BestaetigeLieferungen>false<", b"<tr:BestaetigeLieferungen>true<"
    )
    answer = call(app, ALIAS_21, body)
    assert answer.is_fault and answer.meldung_ids == ["00007"]
    assert official_errors("", as_26(answer)) == []
