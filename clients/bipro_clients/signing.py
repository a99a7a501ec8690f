"""WS-Security signing plug-in for zeep: Timestamp + BinarySecurityToken + RSA-SHA256 signature
over Body and Timestamp (xmlsec), and verification of the service's signed answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from bipro_clients.namespaces import SOAP11_ENV, WSSE, WSU


def security_header(envelope: etree._Element) -> etree._Element:
    """The envelope's ``wsse:Security`` header, created when missing (never a second one)."""
    header = envelope.find(f"{{{SOAP11_ENV}}}Header")
    if header is None:
        header = etree.Element(f"{{{SOAP11_ENV}}}Header")
        envelope.insert(0, header)
    security = header.find(f"{{{WSSE}}}Security")
    if security is None:
        security = etree.SubElement(header, f"{{{WSSE}}}Security", nsmap={"wsse": WSSE})
    return security


class SignedRequests:
    """Sign every request; optionally verify every answer against the service's certificate.

    Use it after the token plug-in: ``wsse=[SecurityContextToken(id), SignedRequests(key, cert)]``.
    Needs the ``xmlsec`` package (``pip install 'bipro-clients[signing]'``).
    """

    def __init__(
        self,
        key_file: str,
        cert_file: str,
        *,
        service_cert_file: str | None = None,
        ttl: timedelta = timedelta(minutes=5),
        password: str | None = None,
    ) -> None:
        import xmlsec
        from zeep.wsse.signature import BinarySignature

        transforms: Any = getattr(xmlsec, "Transform")  # noqa: B009 (the stubs lack it)
        self._signature = BinarySignature(
            key_file,
            cert_file,
            password,
            signature_method=transforms.RSA_SHA256,
            digest_method=transforms.SHA256,
        )
        self.service_cert_file = service_cert_file
        self.ttl = ttl

    def apply(
        self, envelope: etree._Element, headers: dict[str, str]
    ) -> tuple[etree._Element, dict[str, str]]:
        security = security_header(envelope)
        for old in security.findall(f"{{{WSU}}}Timestamp"):
            security.remove(old)
        now = datetime.now(UTC)
        timestamp = etree.Element(f"{{{WSU}}}Timestamp", nsmap={"wsu": WSU})
        etree.SubElement(timestamp, f"{{{WSU}}}Created").text = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        etree.SubElement(timestamp, f"{{{WSU}}}Expires").text = (now + self.ttl).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        security.insert(0, timestamp)
        result: tuple[etree._Element, dict[str, str]] = self._signature.apply(envelope, headers)
        return result

    def verify(self, envelope: etree._Element) -> Any:
        """Check the answer's signature when the service certificate is configured."""
        if self.service_cert_file is None:
            return envelope
        from zeep.wsse.signature import verify_envelope

        verify_envelope(envelope, self.service_cert_file)
        return envelope


class WsseChain:
    """Several ``wsse`` plug-ins in order; zeep applies a plain list but never verifies one."""

    def __init__(self, *plugins: Any) -> None:
        self.plugins = plugins

    def apply(
        self, envelope: etree._Element, headers: dict[str, str]
    ) -> tuple[etree._Element, dict[str, str]]:
        for plugin in self.plugins:
            envelope, headers = plugin.apply(envelope, headers)
        return envelope, headers

    def verify(self, envelope: etree._Element) -> Any:
        for plugin in self.plugins:
            envelope = plugin.verify(envelope)
        return envelope
