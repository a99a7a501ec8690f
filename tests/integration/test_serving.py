"""The catalogue, WSDL serving and the generic fault for unexpected errors."""

from __future__ import annotations

import json

import pytest

from bipro_service.entrypoints.soap.catalogue import SERVICES
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import transfer
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.support import call, envelope, request_body, token_header


def test_services_json_lists_every_service(app: BiproApplication) -> None:
    answer = call(app, "/bipro/services.json", method="GET")
    assert answer.code == 200
    listed = json.loads(answer.body)["services"]
    paths = {p for d in SERVICES for p in (d.path, *d.alias_paths)}
    assert {s["url"] for s in listed} == {"http://127.0.0.1:8000" + p for p in paths}
    assert {s["norm"] for s in listed} >= {"410", "430", "502"}
    for service in listed:
        assert service["wsdl"] == service["url"] + "?wsdl"


def test_each_service_serves_its_wsdl(app: BiproApplication) -> None:
    for definition in SERVICES:
        answer = call(app, definition.path, method="GET", query="wsdl")
        assert answer.code == 200 and answer.body.startswith(b"<?xml")
        assert f'location="http://127.0.0.1:8000{definition.path}"'.encode() in answer.body


def test_unknown_path_and_method(app: BiproApplication) -> None:
    assert call(app, "/bipro/NoSuchService_1.0.0.0.0", method="GET").code == 404
    assert call(app, SERVICES[0].path, method="PUT").code == 405


def test_unexpected_error_gives_generic_fault(
    app: BiproApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_firm(app.runtime)
    make_user(app.runtime, "anna")
    tok = token(app, "anna")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail /srv/db password=hunter2")

    monkeypatch.setattr(transfer, "list_shipments", explode)
    body = request_body("http://www.bipro.net/namespace/transfer", "listShipments")
    answer = call(app, "/bipro/TransferService_2.6.1.1.0", envelope(body, token_header(tok)))
    assert answer.code == 500 and answer.is_fault and answer.meldung_ids == ["99999"]
    for leak in (b"secret", b"RuntimeError", b"Traceback", b"hunter2", b".py"):
        assert leak not in answer.body
    prozess_id = answer.text(".//nachr:ProzessID")
    assert prozess_id and prozess_id.encode() in answer.body


def test_health(app: BiproApplication) -> None:
    answer = call(app, "/health", method="GET")
    assert answer.code == 200 and json.loads(answer.body) == {"database": "ok"}
