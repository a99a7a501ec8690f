"""Signing our responses (faults included) the way the request was signed: WS-Security with a
``wsu:Timestamp``, a ``wsse:BinarySecurityToken`` and a detached signature over Body and
Timestamp (exclusive c14n, RSA/ECDSA-SHA256). The key is loaded once."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.signer import XMLSigner

from bipro_service.adapters.xml.wssig import BASE64, X509V3
from bipro_service.namespaces import DS, SOAP11_ENV, WSSE, WSU

RESPONSE_LIFETIME = timedelta(minutes=5)
#: Parser for answers we built ourselves (never for requests: those go through ``hardened``).
_OWN_OUTPUT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def wsu_time(moment: datetime) -> str:
    """``wsu:Created``/``wsu:Expires``: UTC with ``Z`` (clients have time-zone bugs otherwise)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ResponseSigner:
    """Signs outgoing envelopes with the service's key and certificate."""

    def __init__(
        self, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ):
        self.key = key
        self.certificate = certificate
        self._token = base64.b64encode(
            certificate.public_bytes(serialization.Encoding.DER)
        ).decode()
        method = (
            SignatureMethod.RSA_SHA256
            if isinstance(key, rsa.RSAPrivateKey)
            else SignatureMethod.ECDSA_SHA256
        )
        self._signer = XMLSigner(
            method=SignatureConstructionMethod.detached,
            signature_algorithm=method,
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        )
        self._signer.namespaces = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
        # Our own output: base64 documents of the post exceed libxml2's 10 MB text-node limit.
        self._signer._parser = _OWN_OUTPUT  # type: ignore[assignment]

    @classmethod
    def from_files(cls, key_path: Path, cert_path: Path) -> ResponseSigner:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("the signing key must be RSA or EC")
        return cls(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))

    def sign(self, envelope: bytes, now: datetime) -> bytes:
        """The envelope with a ``wsse:Security`` header signing its Body and a fresh Timestamp."""
        root = etree.fromstring(envelope, _OWN_OUTPUT)
        body = root.find(f"{{{SOAP11_ENV}}}Body")
        if body is None:
            raise ValueError("no SOAP Body to sign")
        header = root.find(f"{{{SOAP11_ENV}}}Header")
        if header is None:
            header = etree.Element(f"{{{SOAP11_ENV}}}Header")
            root.insert(0, header)
        suffix = uuid.uuid4().hex
        body_id, ts_id, token_id = f"Body-{suffix}", f"TS-{suffix}", f"X509-{suffix}"
        body.set(f"{{{WSU}}}Id", body_id)
        security = etree.SubElement(header, f"{{{WSSE}}}Security", nsmap={"wsse": WSSE, "wsu": WSU})
        timestamp = etree.SubElement(security, f"{{{WSU}}}Timestamp", {f"{{{WSU}}}Id": ts_id})
        etree.SubElement(timestamp, f"{{{WSU}}}Created").text = wsu_time(now)
        etree.SubElement(timestamp, f"{{{WSU}}}Expires").text = wsu_time(now + RESPONSE_LIFETIME)
        token = etree.SubElement(
            security,
            f"{{{WSSE}}}BinarySecurityToken",
            {"ValueType": X509V3, "EncodingType": BASE64, f"{{{WSU}}}Id": token_id},
        )
        token.text = self._token
        key_info = etree.Element("{http://www.w3.org/2000/09/xmldsig#}KeyInfo")
        reference = etree.SubElement(
            etree.SubElement(key_info, f"{{{WSSE}}}SecurityTokenReference"), f"{{{WSSE}}}Reference"
        )
        reference.set("URI", f"#{token_id}")
        reference.set("ValueType", X509V3)
        # The one prefix map: wsu/wsse/ds declared on the Envelope before signing, never as
        # ``ns0`` on the Body (exclusive c14n keeps prefixes, so this must precede the digest).
        etree.cleanup_namespaces(
            root,
            top_nsmap={"wsse": WSSE, "wsu": WSU, "ds": DS},
            keep_ns_prefixes=[p for p in root.nsmap if p],  # xsi:type values name trgevo:, …
        )
        signature = self._signer.sign(
            root,
            key=self.key,
            reference_uri=[f"#{body_id}", f"#{ts_id}"],
            key_info=key_info,
            id_attribute="Id",
        )
        security.append(signature)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
