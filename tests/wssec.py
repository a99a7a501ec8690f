"""Building signed (and maliciously altered) SOAP requests with an independent signer (xmlsec)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import xmlsec
from bipro_clients.signing import security_header
from lxml import etree
from zeep.wsse.signature import BinarySignature

from bipro_service.namespaces import DS, SOAP11_ENV, WSU
from tests.support import token_header

TRANSFORMS: Any = getattr(xmlsec, "Transform")  # noqa: B009


@dataclass(frozen=True)
class Signer:
    key_file: Path
    cert_file: Path


def unsigned_envelope(body: str, token: str | None = None) -> etree._Element:
    header = token_header(token) if token else ""
    return etree.fromstring(
        f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Header>{header}</s:Header>'
        f"<s:Body>{body}</s:Body></s:Envelope>"
    )


def add_timestamp(envelope: etree._Element, created: datetime, expires: datetime) -> None:
    security = security_header(envelope)
    timestamp = etree.Element(f"{{{WSU}}}Timestamp", nsmap={"wsu": WSU})
    etree.SubElement(timestamp, f"{{{WSU}}}Created").text = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    etree.SubElement(timestamp, f"{{{WSU}}}Expires").text = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    security.insert(0, timestamp)


def sign(
    envelope: etree._Element,
    signer: Signer,
    *,
    timestamp: bool = True,
    created: datetime | None = None,
    ttl: timedelta = timedelta(minutes=5),
    sha1: bool = False,
) -> etree._Element:
    """Sign like a zeep client with xmlsec: Body (and Timestamp) with a BinarySecurityToken."""
    envelope = copy.deepcopy(envelope)
    if timestamp:
        start = created or datetime.now(UTC)
        add_timestamp(envelope, start, start + ttl)
    signature = BinarySignature(
        str(signer.key_file),
        str(signer.cert_file),
        signature_method=TRANSFORMS.RSA_SHA1 if sha1 else TRANSFORMS.RSA_SHA256,
        digest_method=TRANSFORMS.SHA1 if sha1 else TRANSFORMS.SHA256,
    )
    signed, _ = signature.apply(envelope, {})
    # Re-parsed: nodes xmlsec created are not found by lxml's tag matching (names outside the
    # document's dictionary), which would make the tampering tests silently miss them.
    return etree.fromstring(etree.tostring(signed))


def to_bytes(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope)


def body_of(envelope: etree._Element) -> etree._Element:
    body = envelope.find(f"{{{SOAP11_ENV}}}Body")
    assert body is not None
    return body


def signature_of(envelope: etree._Element) -> etree._Element:
    signature = envelope.find(f".//{{{DS}}}Signature")
    assert signature is not None
    return signature
