"""WS-Security signature verification with a pinned policy around signxml.

signxml checks the cryptography; it does not know WS-Security. Everything that decides *what*
was signed is checked here first (SECURITY.md): exactly one ``ds:Signature``, located in
``Header/wsse:Security``; unique IDs; exactly one signed ``wsu:Timestamp`` within its age; the
Body and the Timestamp among the references and nothing outside the envelope; exclusive c14n;
allow-listed algorithms; the key only from a ``wsse:BinarySecurityToken`` of this header.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from bipro_service.adapters.xml.hardened import Envelope
from bipro_service.domain.status import AuthenticationError, MeldungID
from bipro_service.namespaces import DS, SOAP11_ENV, WSSE, WSU

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64 = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
SIGNATURE_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
_SIGNATURE_URIS = frozenset(m.value for m in SIGNATURE_METHODS)
_DIGEST_URIS = frozenset(d.value for d in DIGESTS)
MAX_REFERENCES = 8
_ID_NAMES = frozenset({"Id", "ID", "id"})


class SignatureRejected(AuthenticationError):
    """A signed request that may not be processed; ``reason`` is for the audit only."""

    meldung_id = MeldungID.INVALID_CREDENTIALS_ALT

    def __init__(self, reason: str) -> None:
        super().__init__("WS-Security-Signatur ungültig oder nicht zulässig.")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignaturePolicy:
    max_age: timedelta = timedelta(seconds=300)
    """Oldest acceptable ``wsu:Created`` (WSS4J's default)."""
    max_future: timedelta = timedelta(seconds=60)
    """Clock skew tolerated for ``wsu:Created`` in the future."""


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a valid signature proves: who signed, and a key for the replay cache."""

    certificate: x509.Certificate
    replay_key: str
    replay_until: datetime


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def _one(parent: etree._Element, tag: str, what: str) -> etree._Element:
    found = parent.findall(tag)
    if len(found) != 1:
        raise SignatureRejected(f"expected exactly one {what}, found {len(found)}")
    return found[0]


def _ids(root: etree._Element) -> dict[str, etree._Element]:
    """Every Id-like attribute value in the document; a duplicate is refused (XSW)."""
    seen: dict[str, etree._Element] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, raw in element.attrib.items():
            value = str(raw)
            if etree.QName(name).localname in _ID_NAMES:
                if value in seen:
                    raise SignatureRejected(f"duplicate Id {value!r}")
                seen[value] = element
    return seen


def _time(element: etree._Element, tag: str) -> datetime:
    text = (element.findtext(tag) or "").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SignatureRejected(f"bad {tag} in Timestamp") from None
    if moment.tzinfo is None:
        raise SignatureRejected("Timestamp without time zone")
    return moment


def _check_timestamp(
    security: etree._Element, now: datetime, policy: SignaturePolicy
) -> tuple[etree._Element, datetime]:
    timestamp = _one(security, _q(WSU, "Timestamp"), "wsu:Timestamp")
    created = _time(timestamp, _q(WSU, "Created"))
    expires = _time(timestamp, _q(WSU, "Expires"))
    if expires <= created:
        raise SignatureRejected("Timestamp Expires not after Created")
    if now - created > policy.max_age:
        raise SignatureRejected("Timestamp too old")
    if created - now > policy.max_future:
        raise SignatureRejected("Timestamp in the future")
    if now >= expires:
        raise SignatureRejected("Timestamp expired")
    return timestamp, max(expires, created + policy.max_age) + policy.max_future


def _check_signed_info(signature: etree._Element) -> list[str]:
    """Algorithms and references of SignedInfo; returns the referenced Ids."""
    signed_info = _one(signature, _q(DS, "SignedInfo"), "ds:SignedInfo")
    if _one(signed_info, _q(DS, "CanonicalizationMethod"), "c14n").get("Algorithm") != EXC_C14N:
        raise SignatureRejected("canonicalization other than exclusive c14n")
    method = _one(signed_info, _q(DS, "SignatureMethod"), "SignatureMethod").get("Algorithm")
    if method not in _SIGNATURE_URIS:
        raise SignatureRejected(f"signature method not allowed: {method}")
    if signature.find(_q(DS, "Object")) is not None:
        raise SignatureRejected("ds:Object not allowed")
    references = signed_info.findall(_q(DS, "Reference"))
    if not references or len(references) > MAX_REFERENCES:
        raise SignatureRejected(f"{len(references)} references")
    ids = []
    for reference in references:
        uri = reference.get("URI", "")
        if not uri.startswith("#") or len(uri) < 2 or "(" in uri:
            raise SignatureRejected(f"reference URI not a same-document Id: {uri[:80]!r}")
        transforms = reference.findall(f"{_q(DS, 'Transforms')}/{_q(DS, 'Transform')}")
        if len(transforms) > 1 or any(t.get("Algorithm") != EXC_C14N for t in transforms):
            raise SignatureRejected("transform other than exclusive c14n")
        digest = _one(reference, _q(DS, "DigestMethod"), "DigestMethod").get("Algorithm")
        if digest not in _DIGEST_URIS:
            raise SignatureRejected(f"digest not allowed: {digest}")
        ids.append(uri[1:])
    if len(set(ids)) != len(ids):
        raise SignatureRejected("the same element referenced twice")
    return ids


def _certificate(
    signature: etree._Element, security: etree._Element, ids: dict[str, etree._Element]
) -> x509.Certificate:
    key_info = _one(signature, _q(DS, "KeyInfo"), "ds:KeyInfo")
    children = [c for c in key_info if isinstance(c.tag, str)]
    if len(children) != 1 or children[0].tag != _q(WSSE, "SecurityTokenReference"):
        raise SignatureRejected("KeyInfo must be one SecurityTokenReference")
    reference = _one(children[0], _q(WSSE, "Reference"), "wsse:Reference")
    uri = reference.get("URI", "")
    token = ids.get(uri[1:]) if uri.startswith("#") else None
    if (
        token is None
        or token.tag != _q(WSSE, "BinarySecurityToken")
        or token.getparent() is not security
    ):
        raise SignatureRejected("KeyInfo does not reference a BinarySecurityToken of this header")
    if token.get("ValueType") != X509V3 or token.get("EncodingType", BASE64) != BASE64:
        raise SignatureRejected("BinarySecurityToken is not a base64 X.509v3 certificate")
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join((token.text or "").split())))
    except ValueError:
        raise SignatureRejected("BinarySecurityToken is not a certificate") from None


def verify_signature(
    envelope: Envelope,
    now: datetime,
    trust: Callable[[x509.Certificate], None],
    policy: SignaturePolicy = SignaturePolicy(),
) -> VerifiedSignature | None:
    """Verify the request's signature; None when the request carries no signature at all.

    ``trust`` raises when the signing certificate may not be used (trust store, firm mapping).
    Must run on the envelope exactly as received (before any normalisation).
    """
    root = envelope.root
    signatures = list(root.iter(_q(DS, "Signature")))
    if not signatures:
        return None
    if len(signatures) != 1:
        raise SignatureRejected(f"{len(signatures)} signatures")
    signature = signatures[0]
    security = signature.getparent()
    if (
        security is None
        or security.tag != _q(WSSE, "Security")
        or envelope.header is None
        or security.getparent() is not envelope.header
        or len(envelope.header.findall(_q(WSSE, "Security"))) != 1
    ):
        raise SignatureRejected("signature not in the one Header/wsse:Security")
    ids = _ids(root)
    timestamp, replay_until = _check_timestamp(security, now, policy)
    referenced = _check_signed_info(signature)
    targets = [ids.get(i) for i in referenced]
    if any(t is None for t in targets):
        raise SignatureRejected("reference to an unknown Id")
    if envelope.body not in targets or timestamp not in targets:
        raise SignatureRejected("Body and Timestamp must both be signed")
    for target in targets:
        if target is not envelope.body and (target is None or target.getparent() is not security):
            raise SignatureRejected("reference to an element outside Body and Security")
    certificate = _certificate(signature, security, ids)
    trust(certificate)
    config = SignatureConfiguration(
        require_x509=True,
        location=f"./{_q(SOAP11_ENV, 'Header')}/{_q(WSSE, 'Security')}/",
        expect_references=len(referenced),
        signature_methods=SIGNATURE_METHODS,
        digest_algorithms=DIGESTS,
    )
    try:
        XMLVerifier().verify(root, x509_cert=certificate, expect_config=config, id_attribute="Id")
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        raise SignatureRejected(f"signature does not verify: {type(exc).__name__}") from None
    value = "".join((signature.findtext(_q(DS, "SignatureValue")) or "").split())
    return VerifiedSignature(certificate, hashlib.sha256(value.encode()).hexdigest(), replay_until)
