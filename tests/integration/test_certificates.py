"""Firm certificates: the dev PKI command, registration, mapping by fingerprint, the audit."""

from __future__ import annotations

import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from sqlalchemy import select

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import AuditRecord, FirmCertificate
from bipro_service.adapters.x509.errors import CertificateRejected, Rejection
from bipro_service.adapters.x509.issue import issue_certificate, name
from bipro_service.adapters.x509.pki import DevPki, client, init_dev_pki
from bipro_service.adapters.x509.trust import TrustStore, fingerprint
from bipro_service.cli import main
from bipro_service.config import Settings
from bipro_service.domain.status import AccountLocked, AdminError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import certificates
from bipro_service.service_layer.admin import INSURER, Actor, end_agency
from tests.integration.accounts_helpers import make_firm


def cli(settings: Settings, *args: str) -> Result:
    environment = {
        "BIPRO_DATABASE_URL": settings.database_url,
        "BIPRO_VAR_DIR": str(settings.var_dir),
    }
    return CliRunner().invoke(main, list(args), env=environment)


@pytest.fixture
def dev_pki(runtime: Runtime, settings: Settings) -> DevPki:
    make_firm(runtime, "V100")
    make_firm(runtime, "V200")
    return init_dev_pki(
        settings.var_dir, [("V100", "Firma V100"), ("V200", "Firma V200")], utcnow()
    )


@pytest.fixture
def trust(settings: Settings, dev_pki: DevPki) -> TrustStore:
    return TrustStore.from_settings(settings)


def register(runtime: Runtime, trust: TrustStore, number: str, pem: bytes) -> str:
    with runtime.uow() as uow:
        return certificates.register_certificate(
            uow, trust, INSURER, number, pem, utcnow()
        ).fingerprint


def test_pki_init_is_idempotent_and_registers_every_firm(
    runtime: Runtime, settings: Settings
) -> None:
    make_firm(runtime, "V100")
    make_firm(runtime, "V200")
    first = cli(settings, "pki", "init")
    assert first.exit_code == 0, first.output
    pki = settings.var_dir / "pki"
    files = sorted(p.relative_to(pki).as_posix() for p in pki.rglob("*") if p.is_file())
    assert files == [
        "ca.key", "ca.pem", "crl.pem", "firms/V100.key", "firms/V100.pem",
        "firms/V200.key", "firms/V200.pem", "server.key", "server.pem",
        "signing.key", "signing.pem",
    ]  # fmt: skip
    for key in pki.rglob("*.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    contents = {p: p.read_bytes() for p in pki.rglob("*") if p.is_file()}
    printed = set(re.findall(r"sha256 ([0-9a-f]{64})  \(registered\)", first.output))
    assert len(printed) == 2

    second = cli(settings, "pki", "init")
    assert second.exit_code == 0, second.output
    assert second.output.count("(registered before)") == 2
    assert {p: p.read_bytes() for p in pki.rglob("*") if p.is_file()} == contents
    with runtime.uow() as uow:
        listed = certificates.list_certificates(uow)
    assert {c.fingerprint for c in listed} == printed
    assert {c.vermittlernummer for c in listed} == {"V100", "V200"}

    make_firm(runtime, "V300")  # a new firm: only its certificate is issued
    third = cli(settings, "pki", "init")
    assert third.exit_code == 0, third.output
    assert (pki / "ca.key").read_bytes() == contents[pki / "ca.key"]
    assert third.output.count("(registered)") == 1


def test_dev_certificates_carry_the_firm_and_their_purpose(dev_pki: DevPki) -> None:
    certificate = dev_pki.firms["V100"].certificate
    assert certificate.subject.rfc4514_string() == "CN=V100,O=Firma V100"
    assert certificate.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    server = dev_pki.server.certificate.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value
    assert "localhost" in server.get_values_for_type(x509.DNSName)
    crl = x509.load_pem_x509_crl(dev_pki.crl_path.read_bytes())
    assert crl.next_update_utc is not None
    assert timedelta(days=6) < crl.next_update_utc - utcnow() <= timedelta(days=7)


def test_a_registered_certificate_maps_to_its_firm(
    runtime: Runtime, trust: TrustStore, dev_pki: DevPki
) -> None:
    certificate = dev_pki.firms["V200"].certificate
    digest = register(runtime, trust, "V200", dev_pki.firms["V200"].pem)
    assert digest == fingerprint(certificate)
    with runtime.uow() as uow:
        assert certificates.firm_for_certificate(uow, certificate).vermittlernummer == "V200"
        with pytest.raises(CertificateRejected) as refused:
            certificates.firm_for_certificate(uow, dev_pki.firms["V100"].certificate)
    assert refused.value.reason is Rejection.UNKNOWN_FIRM


def test_an_unknown_certificate_of_the_trusted_ca_is_refused(
    runtime: Runtime, trust: TrustStore, dev_pki: DevPki
) -> None:
    register(runtime, trust, "V100", dev_pki.firms["V100"].pem)
    # Same CA, same subject as V100's certificate, but never registered.
    twin = client(dev_pki.ca, "V100", "Firma V100", utcnow()).certificate
    trust.verify(twin, utcnow())
    with runtime.uow() as uow, pytest.raises(CertificateRejected) as refused:
        certificates.firm_for_certificate(uow, twin)
    assert refused.value.reason is Rejection.UNKNOWN_FIRM
    assert refused.value.text == "Das Zertifikat ist keinem Vertragspartner zugeordnet."


def test_registration_verifies_first_and_is_for_the_insurer_only(
    runtime: Runtime, trust: TrustStore, dev_pki: DevPki
) -> None:
    now = utcnow()
    self_signed = issue_certificate(
        name("V100"), not_before=now - timedelta(days=1), not_after=now + timedelta(days=9)
    )
    with runtime.uow() as uow:
        with pytest.raises(CertificateRejected):
            certificates.register_certificate(uow, trust, INSURER, "V100", self_signed.pem, now)
        with pytest.raises(AdminError):
            certificates.register_certificate(
                uow, trust, Actor("admin:x", 1), "V100", dev_pki.firms["V100"].pem, now
            )
        with pytest.raises(AdminError):
            certificates.register_certificate(
                uow, trust, INSURER, "V999", dev_pki.firms["V100"].pem, now
            )
    register(runtime, trust, "V100", dev_pki.firms["V100"].pem)
    with pytest.raises(AdminError):  # twice
        register(runtime, trust, "V100", dev_pki.firms["V100"].pem)
    with runtime.uow() as uow:
        assert uow.session.scalars(select(FirmCertificate)).all() != []
        assert len(certificates.list_certificates(uow)) == 1


def test_removal_and_audit_records(runtime: Runtime, trust: TrustStore, dev_pki: DevPki) -> None:
    certificate = dev_pki.firms["V100"].certificate
    digest = register(runtime, trust, "V100", dev_pki.firms["V100"].pem)
    colons = ":".join(digest[i : i + 2] for i in range(0, 64, 2)).upper()
    with runtime.uow() as uow:
        certificates.unregister_certificate(uow, INSURER, colons, utcnow())
    with runtime.uow() as uow:
        with pytest.raises(CertificateRejected):
            certificates.firm_for_certificate(uow, certificate)
        assert certificates.list_certificates(uow) == []
        assert len(certificates.list_certificates(uow, include_removed=True)) == 1
        with pytest.raises(AdminError):
            certificates.unregister_certificate(uow, INSURER, digest, utcnow())
    register(runtime, trust, "V200", dev_pki.firms["V100"].pem)  # re-registered elsewhere
    with runtime.uow() as uow:
        assert certificates.firm_for_certificate(uow, certificate).vermittlernummer == "V200"
        records = uow.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.service == "Administration")
            .where(AuditRecord.operation.like("%Certificate"))
            .order_by(AuditRecord.id)
        ).all()
        actions = [(r.operation, r.user_login, r.objects) for r in records]
    assert actions == [
        ("registerCertificate", "insurer", {"firm": ["V100"], "certificate": [digest]}),
        ("unregisterCertificate", "insurer", {"firm": ["V100"], "certificate": [digest]}),
        ("registerCertificate", "insurer", {"firm": ["V200"], "certificate": [digest]}),
    ]


def test_a_firm_whose_agency_ended_cannot_log_in(
    runtime: Runtime, trust: TrustStore, dev_pki: DevPki
) -> None:
    register(runtime, trust, "V100", dev_pki.firms["V100"].pem)
    with runtime.uow() as uow:
        end_agency(uow, "V100", utcnow())
    with runtime.uow() as uow, pytest.raises(AccountLocked):
        certificates.firm_for_certificate(uow, dev_pki.firms["V100"].certificate)


def test_the_certs_commands(settings: Settings, dev_pki: DevPki, tmp_path: Path) -> None:
    added = cli(settings, "certs", "add", "V100", str(dev_pki.firms["V100"].cert_path))
    assert added.exit_code == 0, added.output
    digest = fingerprint(dev_pki.firms["V100"].certificate)
    assert f"certificate {digest} registered for V100" in added.output
    assert digest in cli(settings, "certs", "list", "--firm", "V100").output
    assert cli(settings, "certs", "list", "--firm", "V200").output == ""
    refused = cli(settings, "certs", "add", "V200", str(dev_pki.ca_path))
    assert refused.exit_code == 1
    assert "Selbstsignierte Zertifikate" in refused.output
    removed = cli(settings, "certs", "remove", digest)
    assert removed.exit_code == 0, removed.output
    assert cli(settings, "certs", "list").output == ""
    assert "removed" in cli(settings, "certs", "list", "--all").output
