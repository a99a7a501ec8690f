"""WS-Security on every service: valid signatures accepted, every attack refused and audited."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select, update
from zeep.wsse.signature import verify_envelope

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import BrokerFirm, Shipment
from bipro_service.adapters.x509.issue import Issued, issue_certificate, name
from bipro_service.adapters.x509.pki import DevPki, init_dev_pki
from bipro_service.adapters.x509.trust import TrustStore
from bipro_service.config import Settings
from bipro_service.entrypoints.wsgi import BiproApplication, create_app
from bipro_service.namespaces import NACHRICHTEN, SOAP11_ENV, TRANSFER, WSSE, WSU
from bipro_service.service_layer.admin import INSURER
from bipro_service.service_layer.certificates import register_certificate
from tests.integration import accounts_helpers
from tests.integration.accounts_helpers import make_firm, make_user
from tests.integration.portfolio_helpers import make_customer, make_shipment
from tests.support import Answer, call, envelope, request_body, rst
from tests.wssec import Signer, body_of, sign, signature_of, to_bytes, unsigned_envelope

TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
X509_STS = "/bipro/STS/X509Login_2.6.1.1.0"
#: ``ACK.format(id=...)``: the namespaces hold no braces.
ACK = request_body(TRANSFER, "acknowledgeShipment", "<t:ID>{id}</t:ID>")
LIST = request_body(TRANSFER, "listShipments")


@dataclass
class World:
    app: BiproApplication
    pki: DevPki
    token: str
    shipment: str
    a: Signer
    b: Signer
    tmp: Path

    def signer_for(self, issued: Issued, label: str) -> Signer:
        from cryptography.hazmat.primitives import serialization

        key = self.tmp / f"{label}.key"
        cert = self.tmp / f"{label}.pem"
        key.write_bytes(
            issued.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert.write_bytes(issued.pem)
        return Signer(key, cert)


FIRMS = [("T100", "Firma T100"), ("T200", "Firma T200")]


@pytest.fixture(scope="session")
def pki_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generating RSA keys is slow: one dev PKI for the session, copied into each test."""
    var = tmp_path_factory.mktemp("pki-template")
    init_dev_pki(var, FIRMS, utcnow())
    return var / "pki"


@pytest.fixture
def world(settings: Settings, tmp_path: Path, pki_template: Path) -> Iterator[World]:
    now = utcnow()
    shutil.copytree(pki_template, settings.var_dir / "pki")
    pki = init_dev_pki(settings.var_dir, FIRMS, now)
    app = create_app(settings)
    rt = app.runtime
    make_firm(rt, "T100")
    make_firm(rt, "T200")
    make_user(rt, "anna", "T100")
    trust = TrustStore.from_settings(settings)
    for number in ("T100", "T200"):
        with rt.uow() as uow:
            register_certificate(uow, trust, INSURER, number, pki.firms[number].pem, now)
    make_customer(rt, "K1", "T100", contract="VAL-1")
    shipment = make_shipment(rt, "T100", customer="K1")
    token = accounts_helpers.token(app, "anna")
    firms = {n: Signer(pki.firms[n].key_path, pki.firms[n].cert_path) for n in ("T100", "T200")}  # type: ignore[arg-type]
    yield World(app, pki, token, shipment, firms["T100"], firms["T200"], tmp_path)
    app.runtime.engine.dispose()


def send(
    world: World, message: etree._Element | bytes, path: str = TRANSFER_PATH, **headers: str
) -> Answer:
    data = message if isinstance(message, bytes) else to_bytes(message)
    return call(world.app, path, data, headers=headers or None)


def refused(world: World, answer: Answer, code: str = "00961") -> None:
    assert answer.code == 500 and answer.is_fault, answer.body[:300]
    assert answer.meldung_ids == [code], answer.body[:600]
    with world.app.runtime.uow() as uow:
        last = uow.session.scalar(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))
        assert last is not None and last.outcome == "FAULT" and last.meldung_id == code
        acknowledged = uow.session.scalar(
            select(func.count()).select_from(Shipment).where(Shipment.acknowledged_at.is_not(None))
        )
    assert acknowledged == 0  # nothing persisted


def signed_ack(world: World, **kw: object) -> etree._Element:
    return sign(unsigned_envelope(ACK.format(id=world.shipment), world.token), world.a, **kw)  # type: ignore[arg-type]


def test_valid_signed_request_is_processed_and_answer_signed(world: World) -> None:
    answer = send(world, signed_ack(world))
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body[:500]
    verify_envelope(answer.xml, str(world.pki.signing.cert_path))


def test_signed_fault_answers_are_signed_too(world: World) -> None:
    bad = unsigned_envelope(ACK.format(id=world.shipment), "bipro:unknown-token")
    answer = send(world, sign(bad, world.a))
    assert answer.is_fault and answer.meldung_ids == ["00962"]
    verify_envelope(answer.xml, str(world.pki.signing.cert_path))


def test_certificate_login(world: World) -> None:
    request = sign(etree.fromstring(envelope(rst())), world.b)
    answer = send(world, request, X509_STS)
    token = answer.text(".//wsc:Identifier")
    assert answer.code == 200 and token, answer.body[:500]
    listed = send(world, unsigned_envelope(LIST, token))
    assert listed.code == 200 and listed.text(".//nachr:StatusID") == "OK"
    with world.app.runtime.uow() as uow:
        record = uow.session.scalar(
            select(AuditRecord).where(
                AuditRecord.operation == "RequestSecurityToken",
                AuditRecord.auth_method == "certificate",
            )
        )
        assert record is not None and record.vermittlernummer == "T200"


def test_certificate_login_without_certificate(world: World) -> None:
    answer = send(world, envelope(rst()), X509_STS)
    assert answer.is_fault and answer.meldung_ids == ["00905"]


def test_replay_refused(world: World) -> None:
    message = to_bytes(signed_ack(world))
    assert send(world, message).code == 200
    with world.app.runtime.uow() as uow:
        uow.session.execute(update(Shipment).values(acknowledged_at=None))
        uow.commit()
    refused(world, send(world, message))


def test_replay_refused_after_restart(world: World) -> None:
    message = to_bytes(signed_ack(world))
    assert send(world, message).code == 200
    with world.app.runtime.uow() as uow:
        uow.session.execute(update(Shipment).values(acknowledged_at=None))
        uow.commit()
    world.app = create_app(world.app.runtime.settings)
    refused(world, send(world, message))


@pytest.mark.parametrize(
    ("created", "ttl"),
    [
        (timedelta(seconds=-301), timedelta(minutes=10)),  # too old
        (timedelta(seconds=120), timedelta(minutes=5)),  # too far ahead
        (timedelta(seconds=-200), timedelta(seconds=100)),  # expired
        (timedelta(0), timedelta(seconds=-1)),  # Expires before Created
    ],
)
def test_timestamp_rules(world: World, created: timedelta, ttl: timedelta) -> None:
    refused(world, send(world, signed_ack(world, created=datetime.now(UTC) + created, ttl=ttl)))


def test_missing_timestamp_refused(world: World) -> None:
    refused(world, send(world, signed_ack(world, timestamp=False)))


def test_unsigned_timestamp_refused(world: World) -> None:
    message = signed_ack(world, timestamp=False)
    from tests.wssec import add_timestamp

    add_timestamp(message, datetime.now(UTC), datetime.now(UTC) + timedelta(minutes=5))
    refused(world, send(world, message))


def test_sha1_refused(world: World) -> None:
    refused(world, send(world, signed_ack(world, sha1=True)))


def test_signature_wrapping_refused(world: World) -> None:
    """The signed Body moved into a header wrapper, a new Body with other content."""
    message = signed_ack(world)
    body = body_of(message)
    header = message.find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None
    wrapper = etree.SubElement(header, "{urn:attacker}Wrapper")
    wrapper.append(copy.deepcopy(body))
    body.attrib.pop(f"{{{WSU}}}Id")
    body[0].find(f".//{{{TRANSFER}}}ID").text = "other-shipment"  # type: ignore[union-attr]
    refused(world, send(world, message))


def test_duplicate_id_refused(world: World) -> None:
    message = signed_ack(world)
    body_id = body_of(message).get(f"{{{WSU}}}Id")
    header = message.find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None
    etree.SubElement(header, "{urn:attacker}Decoy", {f"{{{WSU}}}Id": body_id or ""})
    refused(world, send(world, message))


def test_tampered_body_refused(world: World) -> None:
    message = signed_ack(world)
    body_of(message)[0].find(f".//{{{NACHRICHTEN}}}BiPROVersion").text = "2.6.1.1.1"  # type: ignore[union-attr]
    refused(world, send(world, message))


def test_signature_outside_security_refused(world: World) -> None:
    message = signed_ack(world)
    signature = signature_of(message)
    header = message.find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None
    header.append(signature)
    refused(world, send(world, message))


def test_two_signatures_refused(world: World) -> None:
    message = signed_ack(world)
    security = message.find(f".//{{{WSSE}}}Security")
    assert security is not None
    security.append(copy.deepcopy(signature_of(message)))
    refused(world, send(world, message))


def test_untrusted_certificates_refused(world: World) -> None:
    now = utcnow()
    self_signed = issue_certificate(
        name("T100", "Firma T100"),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
    )
    expired = issue_certificate(
        name("T100", "Firma T100"),
        not_before=now - timedelta(days=60),
        not_after=now - timedelta(days=1),
        issuer=world.pki.ca,
    )
    weak = issue_certificate(
        name("T100", "Firma T100"),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        issuer=world.pki.ca,
        key_spec="rsa1024",
    )
    for label, issued in (("self", self_signed), ("expired", expired), ("weak", weak)):
        message = sign(
            unsigned_envelope(ACK.format(id=world.shipment), world.token),
            world.signer_for(issued, label),
        )
        refused(world, send(world, message), "00960")


def test_unregistered_certificate_refused(world: World) -> None:
    now = utcnow()
    stranger = issue_certificate(
        name("T999", "Fremd"),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        issuer=world.pki.ca,
    )
    message = sign(
        unsigned_envelope(ACK.format(id=world.shipment), world.token),
        world.signer_for(stranger, "stranger"),
    )
    refused(world, send(world, message), "00960")


def test_revoked_certificate_refused(world: World) -> None:
    world.pki.revoke(world.pki.firms["T100"].certificate, utcnow())
    refused(world, send(world, signed_ack(world)), "00960")


def test_certificate_of_another_firm_than_the_token(world: World) -> None:
    message = sign(unsigned_envelope(ACK.format(id=world.shipment), world.token), world.b)
    refused(world, send(world, message))


def test_firm_requiring_signatures_refuses_unsigned(world: World) -> None:
    with world.app.runtime.uow() as uow:
        uow.session.execute(
            update(BrokerFirm)
            .where(BrokerFirm.vermittlernummer == "T100")
            .values(signature_required=True)
        )
        uow.commit()
    refused(world, send(world, unsigned_envelope(ACK.format(id=world.shipment), world.token)))
    assert send(world, signed_ack(world)).code == 200


def test_client_certificate_header_from_untrusted_peer(world: World) -> None:
    from urllib.parse import quote

    pem = quote(world.pki.firms["T100"].pem.decode())
    answer = send(world, envelope(rst()), X509_STS, **{"X-SSL-Client-Cert": pem})
    assert answer.is_fault and answer.meldung_ids == ["00960"]


def test_client_certificate_from_trusted_proxy(world: World, settings: Settings) -> None:
    from urllib.parse import quote

    proxied = create_app(settings.model_copy(update={"trusted_proxies": ("127.0.0.1",)}))
    pem = quote(world.pki.firms["T200"].pem.decode())
    answer = call(proxied, X509_STS, envelope(rst()), headers={"X-SSL-Client-Cert": pem})
    assert answer.code == 200 and answer.text(".//wsc:Identifier"), answer.body[:400]
    mismatched = sign(etree.fromstring(envelope(rst())), world.a)
    answer = call(proxied, X509_STS, to_bytes(mismatched), headers={"X-SSL-Client-Cert": pem})
    assert answer.is_fault and answer.meldung_ids == ["00961"]
    proxied.runtime.engine.dispose()


def _detail_of_last(world: World) -> str:
    with world.app.runtime.uow() as uow:
        last = uow.session.scalar(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))
        assert last is not None
        return last.detail or ""


DSIG = "http://www.w3.org/2000/09/xmldsig#"


def _set(message: etree._Element, path: str, attribute: str, value: str) -> None:
    for element in message.iterfind(path, {"ds": DSIG}):
        element.set(attribute, value)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (
            lambda m: _set(
                m,
                ".//ds:SignatureMethod",
                "Algorithm",
                "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
            ),
            "signature method not allowed",
        ),
        (
            lambda m: _set(
                m,
                ".//ds:SignatureMethod",
                "Algorithm",
                "http://www.w3.org/2009/xmldsig11#dsa-sha256",
            ),
            "signature method not allowed",
        ),
        (
            lambda m: _set(
                m,
                ".//ds:SignatureMethod",
                "Algorithm",
                "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
            ),
            "signature method not allowed",
        ),
        (
            lambda m: _set(
                m, ".//ds:DigestMethod", "Algorithm", "http://www.w3.org/2001/04/xmldsig-more#md5"
            ),
            "digest not allowed",
        ),
        (
            lambda m: _set(
                m, ".//ds:Transform", "Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116"
            ),
            "transform other than exclusive c14n",
        ),
        (
            lambda m: _set(
                m, ".//ds:Transform", "Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116"
            ),
            "transform other than exclusive c14n",
        ),
        (
            lambda m: _set(
                m,
                ".//ds:CanonicalizationMethod",
                "Algorithm",
                "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            ),
            "canonicalization other than exclusive c14n",
        ),
        (
            lambda m: _set(m, ".//ds:Reference[1]", "URI", "http://attacker.example/payload"),
            "reference URI not a same-document Id",
        ),
        (
            lambda m: _set(m, ".//ds:Reference[1]", "URI", "#xpointer(/)"),
            "reference URI not a same-document Id",
        ),
    ],
)
def test_disallowed_algorithms_and_references(world: World, mutate: object, reason: str) -> None:
    message = signed_ack(world)
    mutate(message)  # type: ignore[operator]
    refused(world, send(world, message))
    assert _detail_of_last(world).startswith(reason)


def test_too_many_references(world: World) -> None:
    message = signed_ack(world)
    signed_info = message.find(f".//{{{DSIG}}}SignedInfo")
    assert signed_info is not None
    reference = signed_info.find(f"{{{DSIG}}}Reference")
    for _ in range(9):
        signed_info.append(copy.deepcopy(reference))
    refused(world, send(world, message))
    assert "references" in _detail_of_last(world)


def test_key_value_in_key_info_refused(world: World) -> None:
    message = signed_ack(world)
    key_info = message.find(f".//{{{DSIG}}}KeyInfo")
    assert key_info is not None
    etree.SubElement(key_info, f"{{{DSIG}}}KeyValue")
    refused(world, send(world, message))
    assert _detail_of_last(world).startswith("KeyInfo must be one SecurityTokenReference")


def test_duplicated_timestamp_refused(world: World) -> None:
    message = signed_ack(world)
    security = message.find(f".//{{{WSSE}}}Security")
    timestamp = message.find(f".//{{{WSU}}}Timestamp")
    assert security is not None and timestamp is not None
    twin = copy.deepcopy(timestamp)
    twin.attrib.pop(f"{{{WSU}}}Id", None)
    security.append(twin)
    refused(world, send(world, message))
    assert "wsu:Timestamp" in _detail_of_last(world)


def test_body_not_signed_refused(world: World) -> None:
    """Only the Timestamp referenced: the Body is free for the attacker."""
    message = signed_ack(world)
    body_id = body_of(message).get(f"{{{WSU}}}Id")
    for reference in message.iterfind(f".//{{{DSIG}}}Reference"):
        if reference.get("URI") == f"#{body_id}":
            reference.getparent().remove(reference)  # type: ignore[union-attr]
    refused(world, send(world, message))
    assert _detail_of_last(world) == "Body and Timestamp must both be signed"


def test_username_token_and_signature_audited_reason(world: World) -> None:
    message = signed_ack(world, sha1=True)
    refused(world, send(world, message))
    assert "not allowed" in _detail_of_last(world)


def test_signed_answer_with_a_large_document(world: World) -> None:
    """Answers above libxml2's 10 MB text-node limit are signed too (12 MiB file)."""
    import os

    data = b"%PDF-1.4\n" + os.urandom(12 * 1024 * 1024)
    big = make_shipment(world.app.runtime, "T100", customer="K1", data=data)
    body = request_body(TRANSFER, "getShipment", f"<t:ID>{big}</t:ID>")
    answer = send(world, sign(unsigned_envelope(body, world.token), world.a))
    assert answer.code == 200, answer.body[:400]
    parsed = etree.fromstring(answer.body, etree.XMLParser(huge_tree=True))
    verify_envelope(parsed, str(world.pki.signing.cert_path))


def test_removing_a_certificate_ends_its_sessions(world: World) -> None:
    from bipro_service.adapters.x509.trust import fingerprint
    from bipro_service.service_layer.certificates import unregister_certificate

    login = send(world, sign(etree.fromstring(envelope(rst())), world.b), X509_STS)
    token = login.text(".//wsc:Identifier")
    assert token
    assert send(world, unsigned_envelope(LIST, token)).code == 200
    with world.app.runtime.uow() as uow:
        unregister_certificate(
            uow, INSURER, fingerprint(world.pki.firms["T200"].certificate), utcnow()
        )
    assert send(world, unsigned_envelope(LIST, token)).meldung_ids == ["00962"]
    assert send(world, sign(etree.fromstring(envelope(rst())), world.b), X509_STS).meldung_ids == [
        "00960"
    ]
