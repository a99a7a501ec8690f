"""Which client certificates we trust: only the configured CA bundle(s) and CRLs.

Never certifi or the system store. Every check fails closed: without a fresh CRL signed by
the issuing CA no certificate of that CA is accepted. Each bundle certificate is a trust
anchor; an intermediate in the bundle is also checked against its issuer when that is there.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from bipro_service.adapters.x509.errors import CertificateRejected, Rejection
from bipro_service.config import Settings

MIN_RSA_BITS = 2048
MAX_CHAIN = 4
CLOCK_SKEW = timedelta(minutes=5)
_STRONG_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)
_CURVES = (
    ec.SECP256R1,
    ec.SECP384R1,
    ec.SECP521R1,
    ec.BrainpoolP256R1,
    ec.BrainpoolP384R1,
    ec.BrainpoolP512R1,
)
_CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
_ANY_PURPOSE = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE
_E = TypeVar("_E", bound=x509.ExtensionType)


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER encoding, lower-case hex without separators."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def load_certificate(data: bytes) -> x509.Certificate:
    """Exactly one certificate, PEM or DER."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            found = x509.load_pem_x509_certificates(data)
            if len(found) != 1:
                raise ValueError("expected exactly one certificate")
            return found[0]
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise CertificateRejected(Rejection.MALFORMED, str(error)) from None


@dataclass(frozen=True, slots=True)
class _Loaded:
    stamp: tuple[tuple[str, int, int, int], ...]
    cas: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]


class TrustStore:
    """The configured broker CAs and their CRLs, reloaded when a file changes."""

    def __init__(self, ca_files: Sequence[Path], crl_files: Sequence[Path] = ()) -> None:
        self._ca_files = tuple(ca_files)
        self._crl_files = tuple(crl_files)
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TrustStore:
        bundle = settings.ca_bundle_path
        return cls([bundle] if bundle else [], settings.crl_paths)

    def verify(self, certificate: x509.Certificate, now: datetime) -> None:
        """Raise :class:`CertificateRejected` unless ``certificate`` may log in at ``now``."""
        loaded = self._current()
        _check_self_signed(certificate)
        _check_digest(certificate)
        chain = _chain(certificate, loaded.cas, now)
        _check_leaf(certificate, now)
        for child, issuer in chain:
            _check_revocation(certificate, child, issuer, loaded.crls, now)

    def _current(self) -> _Loaded:
        if not self._ca_files:
            raise CertificateRejected(Rejection.TRUST_UNAVAILABLE, "no CA bundle configured")
        stamp = _stamp(self._ca_files, Rejection.TRUST_UNAVAILABLE) + _stamp(
            self._crl_files, Rejection.REVOCATION_UNKNOWN
        )
        loaded = self._loaded
        if loaded is not None and loaded.stamp == stamp:
            return loaded
        with self._lock:
            self._loaded = None  # a failed reload must not leave the old files trusted
            cas = tuple(c for path in self._ca_files for c in _read_cas(path))
            crls = tuple(_read_crl(path) for path in self._crl_files)
            self._loaded = _Loaded(stamp, cas, crls)
            return self._loaded


def _stamp(paths: Sequence[Path], reason: Rejection) -> tuple[tuple[str, int, int, int], ...]:
    try:
        stats = [(str(p), os.stat(p)) for p in paths]
    except OSError as error:
        raise CertificateRejected(reason, f"cannot read {error.filename}") from None
    return tuple((p, s.st_ino, s.st_mtime_ns, s.st_size) for p, s in stats)


def _read_cas(path: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as error:
        raise CertificateRejected(Rejection.TRUST_UNAVAILABLE, f"{path}: {error}") from None


def _read_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        data = path.read_bytes()
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except (OSError, ValueError) as error:
        raise CertificateRejected(Rejection.REVOCATION_UNKNOWN, f"{path}: {error}") from None


def _signed_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _check_self_signed(certificate: x509.Certificate) -> None:
    if certificate.issuer == certificate.subject and _signed_by(certificate, certificate):
        raise CertificateRejected(Rejection.SELF_SIGNED)


def _chain(
    leaf: x509.Certificate, cas: Sequence[x509.Certificate], now: datetime
) -> list[tuple[x509.Certificate, x509.Certificate]]:
    """``(certificate, issuer)`` links from the leaf up through the bundle."""
    links: list[tuple[x509.Certificate, x509.Certificate]] = []
    current = leaf
    while len(links) < MAX_CHAIN:
        issuer = _issuer(current, cas, len(links), now)
        if issuer is None:
            break
        links.append((current, issuer))
        if issuer.issuer == issuer.subject or any(issuer is child for child, _ in links):
            break
        current = issuer
    if not links:
        raise CertificateRejected(Rejection.UNTRUSTED, "no configured CA signed it")
    return links


def _issuer(
    child: x509.Certificate, cas: Sequence[x509.Certificate], below: int, now: datetime
) -> x509.Certificate | None:
    """The bundle CA that signed ``child``; a signer unfit to be a CA is an error."""
    problem: CertificateRejected | None = None
    for ca in cas:
        if ca is child or not _signed_by(child, ca):
            continue
        try:
            _check_ca(ca, below, now)
        except CertificateRejected as error:
            problem = problem or error
            continue
        _check_digest(child)  # checked for the leaf already; here for intermediates
        return ca
    if problem is not None:
        raise problem
    return None


def _check_ca(ca: x509.Certificate, below: int, now: datetime) -> None:
    """``ca`` may issue certificates with ``below`` CA certificates under it."""
    constraints = _extension(ca, x509.BasicConstraints)
    usage = _extension(ca, x509.KeyUsage)
    if (
        constraints is None
        or not constraints.ca
        or (constraints.path_length is not None and constraints.path_length < below)
        or (usage is not None and not usage.key_cert_sign)
    ):
        raise CertificateRejected(Rejection.UNTRUSTED, "issuer is not a CA")
    if not ca.not_valid_before_utc <= now <= ca.not_valid_after_utc:
        raise CertificateRejected(Rejection.UNTRUSTED, "issuing CA outside its validity")
    _check_key(ca)


def _check_leaf(certificate: x509.Certificate, now: datetime) -> None:
    if now > certificate.not_valid_after_utc:
        raise CertificateRejected(Rejection.EXPIRED)
    if now < certificate.not_valid_before_utc:
        raise CertificateRejected(Rejection.NOT_YET_VALID)
    _check_key(certificate)
    if any(
        e.critical and isinstance(e.value, x509.UnrecognizedExtension)
        for e in _extensions(certificate)
    ):
        raise CertificateRejected(Rejection.MALFORMED, "unknown critical extension")
    constraints = _extension(certificate, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise CertificateRejected(Rejection.KEY_USAGE, "a CA certificate as leaf")
    usage = _extension(certificate, x509.KeyUsage)
    if usage is not None and not usage.digital_signature:
        raise CertificateRejected(Rejection.KEY_USAGE, "keyUsage lacks digitalSignature")
    purposes = _extension(certificate, x509.ExtendedKeyUsage)
    if purposes is not None and not {_CLIENT_AUTH, _ANY_PURPOSE} & set(purposes):
        raise CertificateRejected(Rejection.KEY_USAGE, "extendedKeyUsage lacks clientAuth")


def _check_key(certificate: x509.Certificate) -> None:
    """RSA of at least 2048 bits or EC on an allowed curve; DSA, EdDSA and the rest refused."""
    try:
        key = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm) as error:
        raise CertificateRejected(Rejection.WEAK_KEY, str(error)) from None
    if isinstance(key, rsa.RSAPublicKey):
        strong = key.key_size >= MIN_RSA_BITS
    elif isinstance(key, ec.EllipticCurvePublicKey):
        strong = isinstance(key.curve, _CURVES)
    else:
        strong = False
    if not strong:
        raise CertificateRejected(Rejection.WEAK_KEY, f"key {type(key).__name__}")


def _check_digest(certificate: x509.Certificate) -> None:
    """Signed with SHA-256/384/512 (never SHA-1 or MD5)."""
    try:
        digest = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        digest = None
    if not isinstance(digest, _STRONG_HASHES):
        raise CertificateRejected(Rejection.WEAK_SIGNATURE, f"digest {digest and digest.name}")


def _check_revocation(
    leaf: x509.Certificate,
    child: x509.Certificate,
    issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList],
    now: datetime,
) -> None:
    """Fail closed: the issuer's newest valid CRL must be current and not list ``child``."""
    usage = _extension(issuer, x509.KeyUsage)
    public = issuer.public_key()
    candidates = [
        crl
        for crl in crls
        if crl.issuer == issuer.subject
        and (usage is None or usage.crl_sign)
        and isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
        and crl.is_signature_valid(public)
        and _complete(crl, child_is_ca=child is not leaf)
    ]
    if not candidates:
        raise CertificateRejected(Rejection.REVOCATION_UNKNOWN, "no valid CRL of the issuer")
    crl = max(candidates, key=lambda c: c.last_update_utc)
    if crl.next_update_utc is None or crl.next_update_utc < now:
        raise CertificateRejected(Rejection.REVOCATION_UNKNOWN, "CRL stale")
    if crl.last_update_utc > now + CLOCK_SKEW:
        raise CertificateRejected(Rejection.REVOCATION_UNKNOWN, "CRL from the future")
    if crl.get_revoked_certificate_by_serial_number(child.serial_number) is not None:
        raise CertificateRejected(Rejection.REVOKED, f"serial {child.serial_number:x}")


def _complete(crl: x509.CertificateRevocationList, *, child_is_ca: bool) -> bool:
    """A full CRL covering ``child`` (no delta, no other partition), signed with SHA-2."""
    if not isinstance(crl.signature_hash_algorithm, _STRONG_HASHES):
        return False
    for extension in crl.extensions:
        value = extension.value
        if isinstance(value, x509.DeltaCRLIndicator):
            return False
        if isinstance(value, x509.IssuingDistributionPoint) and (
            value.only_contains_attribute_certs
            or value.only_some_reasons
            or value.indirect_crl
            or (value.only_contains_ca_certs and not child_is_ca)
            or (value.only_contains_user_certs and child_is_ca)
        ):
            return False
        if extension.critical and isinstance(value, x509.UnrecognizedExtension):
            return False
    return True


def _extensions(certificate: x509.Certificate) -> x509.Extensions:
    try:
        return certificate.extensions
    except ValueError as error:
        raise CertificateRejected(Rejection.MALFORMED, str(error)) from None


def _extension(certificate: x509.Certificate, kind: type[_E]) -> _E | None:
    try:
        return _extensions(certificate).get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
