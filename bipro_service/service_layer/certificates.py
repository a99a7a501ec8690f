"""Firm certificates: which X.509 certificate logs in as which broker firm (T II.4).

A certificate maps to its firm by the SHA-256 fingerprint of its DER encoding, so a renewed
certificate has to be registered again. Only the insurer registers and removes certificates,
and only certificates the trust store accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bipro_service.adapters.db.models import BrokerFirm, FirmCertificate
from bipro_service.adapters.x509.errors import CertificateRejected, Rejection
from bipro_service.adapters.x509.trust import TrustStore, fingerprint, load_certificate
from bipro_service.domain.status import AccountLocked, AdminError
from bipro_service.service_layer.admin import Actor, audit_admin_action
from bipro_service.service_layer.principal import AuthMethod
from bipro_service.service_layer.tokens import revoke_firm_tokens
from bipro_service.service_layer.unit_of_work import UnitOfWork

_TEXT_LIMIT = 500


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """A registered certificate as listed to the insurer."""

    fingerprint: str
    vermittlernummer: str
    subject: str
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime
    registered_at: datetime
    revoked_at: datetime | None


def normalise_fingerprint(text: str) -> str:
    """``AB:CD:…`` or ``abcd…`` → 64 lower-case hex digits."""
    value = re.sub(r"[\s:]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise AdminError("Ungültiger SHA-256-Fingerabdruck (64 Hex-Ziffern erwartet).")
    return value


def register_certificate(
    uow: UnitOfWork,
    trust: TrustStore,
    actor: Actor,
    vermittlernummer: str,
    data: bytes,
    now: datetime,
) -> CertificateInfo:
    """Let the certificate in ``data`` (PEM or DER) log in as the firm (insurer only)."""
    if not actor.is_insurer:
        raise AdminError("Zertifikate registriert nur der Versicherer.")
    certificate = load_certificate(data)
    trust.verify(certificate, now)
    firm = uow.repos.firm_by_number(vermittlernummer)
    if firm is None:
        raise AdminError(f"Unbekannte Vermittlernummer {vermittlernummer}.")
    if not firm.is_active:
        raise AdminError("Die Vereinbarung dieser Firma ist beendet.")
    digest = fingerprint(certificate)
    row = _by_fingerprint(uow, digest)
    if row is not None and row.revoked_at is None:
        raise AdminError("Dieses Zertifikat ist schon registriert.")
    if row is None:
        row = FirmCertificate(fingerprint=digest)
        uow.session.add(row)
    row.firm_id = firm.id
    row.subject = certificate.subject.rfc4514_string()[:_TEXT_LIMIT]
    row.issuer = certificate.issuer.rfc4514_string()[:_TEXT_LIMIT]
    row.serial_number = f"{certificate.serial_number:x}"[:64]
    row.not_before = certificate.not_valid_before_utc
    row.not_after = certificate.not_valid_after_utc
    row.registered_at = now
    row.revoked_at = None
    audit_admin_action(
        uow, actor, "registerCertificate", now, firm=vermittlernummer, certificate=digest
    )
    uow.commit()
    return _info(row, firm)


def list_certificates(
    uow: UnitOfWork, vermittlernummer: str | None = None, *, include_removed: bool = False
) -> list[CertificateInfo]:
    """Registered certificates, by firm and registration time."""
    query = (
        select(FirmCertificate, BrokerFirm)
        .join(BrokerFirm)
        .order_by(BrokerFirm.vermittlernummer, FirmCertificate.registered_at)
    )
    if vermittlernummer is not None:
        query = query.where(BrokerFirm.vermittlernummer == vermittlernummer)
    if not include_removed:
        query = query.where(FirmCertificate.revoked_at.is_(None))
    return [_info(row, firm) for row, firm in uow.session.execute(query)]


def unregister_certificate(
    uow: UnitOfWork, actor: Actor, fingerprint_text: str, now: datetime
) -> CertificateInfo:
    """Stop a certificate from logging in (insurer only); the row stays for the record."""
    if not actor.is_insurer:
        raise AdminError("Zertifikate entfernt nur der Versicherer.")
    digest = normalise_fingerprint(fingerprint_text)
    row = _by_fingerprint(uow, digest)
    if row is None or row.revoked_at is not None:
        raise AdminError("Kein registriertes Zertifikat mit diesem Fingerabdruck.")
    row.revoked_at = now
    firm = row.firm
    # Tokens do not record which certificate issued them: end all certificate sessions of the
    # firm, the safe side (its other certificates simply log in again).
    revoke_firm_tokens(uow.session, firm.id, now, AuthMethod.CERTIFICATE)
    audit_admin_action(
        uow, actor, "unregisterCertificate", now, firm=firm.vermittlernummer, certificate=digest
    )
    uow.commit()
    return _info(row, firm)


def firm_for_certificate(uow: UnitOfWork, certificate: x509.Certificate) -> BrokerFirm:
    """The firm a (trust-checked) certificate logs in as.

    Unknown or removed: :class:`CertificateRejected`; agency ended: :class:`AccountLocked`.
    """
    row = _by_fingerprint(uow, fingerprint(certificate))
    if row is None or row.revoked_at is not None:
        raise CertificateRejected(Rejection.UNKNOWN_FIRM)
    if not row.firm.is_active:
        raise AccountLocked()
    return row.firm


def _by_fingerprint(uow: UnitOfWork, digest: str) -> FirmCertificate | None:
    """The registration with its firm in one query (the firm is needed by every caller)."""
    return uow.session.scalar(
        select(FirmCertificate)
        .options(joinedload(FirmCertificate.firm))
        .where(FirmCertificate.fingerprint == digest)
    )


def _info(row: FirmCertificate, firm: BrokerFirm) -> CertificateInfo:
    return CertificateInfo(
        fingerprint=row.fingerprint,
        vermittlernummer=firm.vermittlernummer,
        subject=row.subject,
        issuer=row.issuer,
        serial_number=row.serial_number,
        not_before=row.not_before,
        not_after=row.not_after,
        registered_at=row.registered_at,
        revoked_at=row.revoked_at,
    )
