"""A development PKI made at run time: CA, server, signing and firm certificates, and a CRL.

Development and tests only; production uses the insurer's broker CA (docs/pki.md). The files
live under ``<var_dir>/pki`` (ignored by git); private keys are unencrypted and mode 0600.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from bipro_service.adapters.x509.issue import (
    BACKDATE,
    CA_USAGE,
    Issued,
    PrivateKey,
    issue_certificate,
    key_usage,
    load_private_key,
    name,
    sign_crl,
)

CA_LIFETIME = timedelta(days=3650)
LEAF_LIFETIME = timedelta(days=730)
CRL_RENEW_BEFORE = timedelta(days=1)
DEV_ORG = "bipro_service Entwicklung"


def read_crl(path: Path) -> x509.CertificateRevocationList | None:
    return x509.load_pem_x509_crl(path.read_bytes()) if path.exists() else None


def write_crl(path: Path, crl: x509.CertificateRevocationList) -> None:
    _write(path, crl.public_bytes(serialization.Encoding.PEM), 0o644)


def revoke(ca: Issued, crl_path: Path, certificate: x509.Certificate, now: datetime) -> None:
    """Add ``certificate`` to the CA's CRL at ``crl_path`` and sign it anew."""
    entries, number = _crl_entries(ca, read_crl(crl_path))
    if all(serial != certificate.serial_number for serial, _ in entries):
        entries.append((certificate.serial_number, now))
    write_crl(crl_path, sign_crl(ca, entries, now=now, number=number + 1))


def _crl_entries(
    ca: Issued, crl: x509.CertificateRevocationList | None
) -> tuple[list[tuple[int, datetime]], int]:
    """The entries and number of ``crl`` if ``ca`` signed it, else none."""
    public = ca.key.public_key()
    if crl is None or crl.issuer != ca.certificate.subject or not crl.is_signature_valid(public):
        return [], 0
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        number = 1
    return [(entry.serial_number, entry.revocation_date_utc) for entry in crl], number


@dataclass(frozen=True, slots=True)
class DevPki:
    """The files of the development PKI under ``<var_dir>/pki``."""

    directory: Path
    ca: Issued
    server: Issued
    signing: Issued
    crl_path: Path
    firms: dict[str, Issued]

    @property
    def ca_path(self) -> Path:
        assert self.ca.cert_path is not None
        return self.ca.cert_path

    def revoke(self, certificate: x509.Certificate, now: datetime) -> None:
        revoke(self.ca, self.crl_path, certificate, now)


def init_dev_pki(var_dir: Path, firms: Sequence[tuple[str, str]], now: datetime) -> DevPki:
    """Create or complete the dev PKI; ``firms`` are ``(vermittlernummer, name)`` pairs.

    Idempotent: an existing CA is reused, certificates are issued only when missing, expired
    or not from this CA, and the CRL is signed anew only when it is missing or nearly stale.
    """
    directory = var_dir / "pki"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    (directory / "firms").mkdir(exist_ok=True, mode=0o700)
    ca = _stored(directory, "ca", None, now, partial(_new_ca, now))
    server = _stored(directory, "server", ca, now, partial(_new_server, ca, now))
    signing = _stored(directory, "signing", ca, now, partial(_new_signing, ca, now))
    issued = {
        number: _stored(
            directory / "firms", _file_name(number), ca, now, partial(client, ca, number, org, now)
        )
        for number, org in firms
    }
    crl_path = directory / "crl.pem"
    current = read_crl(crl_path)
    entries, number = _crl_entries(ca, current)
    fresh = (
        current is not None
        and number > 0
        and current.next_update_utc is not None
        and current.next_update_utc > now + CRL_RENEW_BEFORE
    )
    if not fresh:
        write_crl(crl_path, sign_crl(ca, entries, now=now, number=number + 1))
    return DevPki(directory, ca, server, signing, crl_path, issued)


def client(ca: Issued, vermittlernummer: str, firm_name: str, now: datetime) -> Issued:
    """A firm's client certificate: ``O=<name>, CN=<vermittlernummer>``, clientAuth."""
    return issue_certificate(
        name(vermittlernummer, firm_name),
        not_before=now - BACKDATE,
        not_after=now + LEAF_LIFETIME,
        issuer=ca,
        extended_usage=[ExtendedKeyUsageOID.CLIENT_AUTH],
    )


def _new_ca(now: datetime) -> Issued:
    return issue_certificate(
        name("bipro_service Entwicklungs-CA", DEV_ORG),
        not_before=now - BACKDATE,
        not_after=now + CA_LIFETIME,
        key_spec="rsa3072",
        ca=True,
        usage=CA_USAGE,
    )


def _new_server(ca: Issued, now: datetime) -> Issued:
    addresses = [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    return issue_certificate(
        name("localhost", DEV_ORG),
        not_before=now - BACKDATE,
        not_after=now + LEAF_LIFETIME,
        issuer=ca,
        usage=key_usage("digital_signature", "key_encipherment"),
        extended_usage=[ExtendedKeyUsageOID.SERVER_AUTH],
        alt_names=[x509.DNSName("localhost"), *(x509.IPAddress(a) for a in addresses)],
    )


def _new_signing(ca: Issued, now: datetime) -> Issued:
    return issue_certificate(
        name("bipro_service Antwortsignatur", DEV_ORG),
        not_before=now - BACKDATE,
        not_after=now + LEAF_LIFETIME,
        issuer=ca,
        usage=key_usage("digital_signature", "content_commitment"),
    )


def _file_name(vermittlernummer: str) -> str:
    safe = quote(vermittlernummer, safe="")
    return safe.replace(".", "%2E") if safe.startswith(".") else safe


def _stored(
    directory: Path, stem: str, ca: Issued | None, now: datetime, make: Callable[[], Issued]
) -> Issued:
    """``<stem>.pem``/``.key`` when still usable, else a freshly made and written pair."""
    cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = load_private_key(key_path.read_bytes())
        if _usable(certificate, key, ca, now):
            return Issued(certificate, key, cert_path, key_path)
    made = make()
    key_pem = made.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(key_path, key_pem, 0o600)
    _write(cert_path, made.pem, 0o644)
    return Issued(made.certificate, made.key, cert_path, key_path)


def _usable(
    certificate: x509.Certificate, key: PrivateKey, ca: Issued | None, now: datetime
) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if certificate.public_key().public_bytes(der, spki) != key.public_key().public_bytes(der, spki):
        return False
    if ca is None:
        return True
    try:
        certificate.verify_directly_issued_by(ca.certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write atomically; the file never exists with wider permissions than ``mode``."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, mode)
    os.replace(temporary, path)
