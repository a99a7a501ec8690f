"""A real server: the catalogue, every WSDL in a plain zeep client, hardened-entry faults."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest
import requests
import zeep
from lxml import etree

from bipro_service.config import Settings
from bipro_service.namespaces import NACHRICHTEN
from tests.e2e.server import running_server
from tests.support import STS_PATH, login_request


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[str]:
    from tests.conftest import fresh_database_url

    url = fresh_database_url(database_template, tmp_path_factory.mktemp("serving"))
    with running_server(url, workers=2) as base:
        yield base


def meldung_id(response: requests.Response) -> str | None:
    return etree.fromstring(response.content).findtext(f".//{{{NACHRICHTEN}}}MeldungID")


def test_catalogue_and_wsdls_load_in_plain_zeep(server: str) -> None:
    services = requests.get(server + "/bipro/services.json", timeout=10).json()["services"]
    assert len(services) >= 3
    for service in services:
        client = zeep.Client(service["wsdl"])
        addresses = [
            port.binding_options["address"]
            for s in client.wsdl.services.values()
            for port in s.ports.values()
        ]
        assert addresses == [service["url"]]


def post(server: str, body: bytes, **headers: str) -> requests.Response:
    return requests.post(
        server + STS_PATH,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", **headers},
        timeout=30,
    )


def test_doctype_is_a_bipro_fault(server: str) -> None:
    answer = post(server, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    assert answer.status_code == 500 and meldung_id(answer) == "00001"


def test_oversize_body_is_a_bipro_fault(server: str) -> None:
    size = Settings().max_body_bytes + 1
    answer = post(server, b" " * size)
    assert answer.status_code == 500 and meldung_id(answer) == "00001"
    bomb = gzip.compress(login_request("x", "y") + b" " * size)
    answer = post(server, bomb, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 500 and meldung_id(answer) == "00001"


def test_unknown_version_is_a_bipro_fault(server: str) -> None:
    answer = post(server, login_request("nobody", "whatever", version="9.0.1.1.0"))
    assert answer.status_code == 500 and meldung_id(answer) == "00001"
    assert "9.0.1.1.0" in answer.text
