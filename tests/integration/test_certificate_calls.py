"""Certificate-only service calls: the firm's TLS client certificate through the trusted proxy
and an empty SOAP header (no STS), as MVPs with "certificate login" call the Transfer service."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from lxml import etree
from sqlalchemy import select

from bipro_service.adapters.db.models import AuditRecord
from bipro_service.adapters.x509.pki import DevPki
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication, create_app
from bipro_service.namespaces import SOAP11_ENV, TRANSFER
from tests.e2e.pki_world import firm_with_certificate
from tests.support import Answer, call, request_body
from tests.wssec import Signer, sign, to_bytes, unsigned_envelope

TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
LIST = request_body(TRANSFER, "listShipments")
# As ATLAS sends it with a certificate: an empty header, authentication by TLS alone.
EMPTY_HEADER = (
    f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}"><soapenv:Header/>'
    f"<soapenv:Body>{LIST}</soapenv:Body></soapenv:Envelope>"
).encode()


@pytest.fixture
def pki(settings: Settings, runtime: Runtime) -> DevPki:
    return firm_with_certificate(settings, runtime)


@pytest.fixture
def proxied(settings: Settings, pki: DevPki) -> Iterator[BiproApplication]:
    application = create_app(settings.model_copy(update={"trusted_proxies": ("127.0.0.1",)}))
    yield application
    application.runtime.engine.dispose()


def pem_header(pki: DevPki) -> dict[str, str]:
    return {"X-SSL-Client-Cert": quote(pki.firms["T100"].pem.decode())}


def shipments(answer: Answer) -> int:
    return sum(
        1
        for e in answer.xml.iter()
        if isinstance(e.tag, str) and etree.QName(e).localname == "Lieferung"
    )


def last_record(app: BiproApplication) -> AuditRecord:
    with app.runtime.uow() as uow:
        record = uow.session.scalar(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))
        assert record is not None
        uow.session.expunge(record)
        return record


def test_tls_certificate_through_the_trusted_proxy_is_the_firm(
    proxied: BiproApplication, pki: DevPki
) -> None:
    # Transfer answers are held to the official XSDs in test_transfer.py.
    answer = call(
        proxied, TRANSFER_PATH, EMPTY_HEADER, headers=pem_header(pki), check_official=False
    )
    assert answer.code == 200, answer.body[:600]
    assert answer.text(".//nachr:StatusID") == "OK" and shipments(answer) == 1
    record = last_record(proxied)
    assert (record.auth_method, record.vermittlernummer, record.user_login, record.outcome) == (
        "x509-direct",
        "T100",
        None,
        "OK",
    )
    # Also with an empty wsse:Security header.
    header = '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>'
    body = EMPTY_HEADER.replace(
        b"<soapenv:Header/>", f"<soapenv:Header>{header}</soapenv:Header>".encode()
    )
    assert (
        call(proxied, TRANSFER_PATH, body, headers=pem_header(pki), check_official=False).code
        == 200
    )


def test_certificate_header_from_anyone_else_is_refused(
    app: BiproApplication, proxied: BiproApplication, pki: DevPki
) -> None:
    # No trusted proxy configured at all.
    answer = call(app, TRANSFER_PATH, EMPTY_HEADER, headers=pem_header(pki))
    assert answer.is_fault and answer.meldung_ids == ["00960"] and shipments(answer) == 0
    # Proxy configured, but the request comes from another peer.
    answer = call(proxied, TRANSFER_PATH, EMPTY_HEADER, headers=pem_header(pki), remote="10.0.0.9")
    assert answer.is_fault and answer.meldung_ids == ["00960"] and shipments(answer) == 0
    record = last_record(proxied)
    assert record.outcome == "FAULT" and record.detail == "untrusted"


def test_without_certificate_or_with_a_signature_only_a_token_will_do(
    proxied: BiproApplication, pki: DevPki
) -> None:
    assert call(proxied, TRANSFER_PATH, EMPTY_HEADER).meldung_ids == ["00905"]
    firm = pki.firms["T100"]
    signed = sign(unsigned_envelope(LIST), Signer(firm.key_path, firm.cert_path))  # type: ignore[arg-type]
    # A signed request gets a signed answer; its prefixes are message security's matter
    # (test_message_security.py), here only the refusal counts.
    answer = call(proxied, TRANSFER_PATH, to_bytes(signed), check_official=False)
    assert answer.is_fault and answer.meldung_ids == ["00909"] and shipments(answer) == 0
