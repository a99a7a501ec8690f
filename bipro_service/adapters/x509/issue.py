"""Building keys, certificates and CRLs: for the development PKI and for tests.

``issue_certificate`` makes any certificate, good or bad (self-signed, expired, weak key,
wrong key usage, foreign issuer), so the trust store's rejections can be tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

PrivateKey = CertificateIssuerPrivateKeyTypes
SignatureHash = hashes.SHA256 | hashes.SHA384 | hashes.SHA512

CRL_LIFETIME = timedelta(days=7)
BACKDATE = timedelta(minutes=5)

_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
_CURVES: dict[int, type[ec.EllipticCurve]] = {
    192: ec.SECP192R1,
    224: ec.SECP224R1,
    256: ec.SECP256R1,
    384: ec.SECP384R1,
    521: ec.SECP521R1,
}


def key_usage(*flags: str) -> x509.KeyUsage:
    """A KeyUsage extension with exactly ``flags`` set (e.g. ``"digital_signature"``)."""
    unknown = set(flags) - set(_FLAGS)
    if unknown:
        raise ValueError(f"unknown key usage {sorted(unknown)}")
    return x509.KeyUsage(**{flag: flag in flags for flag in _FLAGS})


CA_USAGE = key_usage("key_cert_sign", "crl_sign")
CLIENT_USAGE = key_usage("digital_signature")


def generate_key(spec: str = "rsa2048") -> PrivateKey:
    """A new key: ``rsa<bits>``, ``ec<bits>`` (192…521), ``dsa<bits>`` or ``ed25519``."""
    if spec == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    found = re.fullmatch(r"(rsa|ec|dsa)(\d+)", spec)
    if found is None:
        raise ValueError(f"unknown key spec {spec!r}")
    kind, bits = found.group(1), int(found.group(2))
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    if kind == "dsa":
        return dsa.generate_private_key(key_size=bits)
    return ec.generate_private_key(_CURVES[bits]())


def name(common_name: str, organisation: str | None = None) -> x509.Name:
    """``O=<organisation>, CN=<common_name>``."""
    attributes = (
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)] if organisation else []
    )
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate with its private key and, when stored, their PEM files."""

    certificate: x509.Certificate
    key: PrivateKey
    cert_path: Path | None = None
    key_path: Path | None = None

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def issue_certificate(
    subject: x509.Name,
    *,
    not_before: datetime,
    not_after: datetime,
    issuer: Issued | None = None,
    key: PrivateKey | None = None,
    key_spec: str = "rsa2048",
    ca: bool = False,
    usage: x509.KeyUsage | None = CLIENT_USAGE,
    extended_usage: Sequence[x509.ObjectIdentifier] = (),
    alt_names: Sequence[x509.GeneralName] = (),
    hash_algorithm: SignatureHash | None = None,
) -> Issued:
    """Any certificate: ``issuer`` None makes it self-signed; ``usage`` None omits KeyUsage."""
    key = key or generate_key(key_spec)
    signer = issuer.key if issuer else key
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            critical=False,
        )
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=False)
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    certificate = builder.sign(signer, _hash_for(signer, hash_algorithm))
    return Issued(certificate, key)


def _hash_for(signer: PrivateKey, wanted: SignatureHash | None) -> SignatureHash | None:
    if isinstance(signer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    return wanted or hashes.SHA256()


def sign_crl(
    ca: Issued,
    revoked: Iterable[tuple[int, datetime]],
    *,
    now: datetime,
    next_update: datetime | None = None,
    number: int = 1,
) -> x509.CertificateRevocationList:
    """A CRL of ``ca`` listing ``(serial, revoked_at)``; next update in 7 days by default."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - BACKDATE)
        .next_update(next_update or now + CRL_LIFETIME)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    for serial, when in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ca.key, _hash_for(ca.key, None))


_PRIVATE_KEY_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    dsa.DSAPrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)


def load_private_key(data: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, _PRIVATE_KEY_TYPES):
        raise ValueError("unsupported private key type")
    return key
