"""The trust store: every rejection class with a freshly made certificate, and fail-closed CRLs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from bipro_service.adapters.x509.errors import CertificateRejected, Rejection
from bipro_service.adapters.x509.issue import (
    CA_USAGE,
    Issued,
    issue_certificate,
    key_usage,
    name,
    sign_crl,
)
from bipro_service.adapters.x509.pki import init_dev_pki, revoke, write_crl
from bipro_service.adapters.x509.trust import TrustStore, fingerprint, load_certificate
from bipro_service.config import Settings
from bipro_service.domain.status import BiproError, MeldungID

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def make_ca(common_name: str = "Makler-CA", issuer: Issued | None = None, **kw: Any) -> Issued:
    arguments: dict[str, Any] = {
        "not_before": NOW - 365 * DAY,
        "not_after": NOW + 5 * 365 * DAY,
        "issuer": issuer,
        "ca": True,
        "usage": CA_USAGE,
    } | kw
    return issue_certificate(name(common_name, "Test-Versicherer"), **arguments)


def make_leaf(issuer: Issued | None, **kw: Any) -> x509.Certificate:
    arguments: dict[str, Any] = {
        "not_before": NOW - DAY,
        "not_after": NOW + 365 * DAY,
        "issuer": issuer,
        "extended_usage": [ExtendedKeyUsageOID.CLIENT_AUTH],
    } | kw
    return issue_certificate(name("V100", "Makler GmbH"), **arguments).certificate


def write_bundle(path: Path, cas: Iterable[Issued]) -> Path:
    path.write_bytes(b"".join(ca.pem for ca in cas))
    return path


@dataclass
class World:
    ca: Issued
    ca_path: Path
    crl_path: Path
    trust: TrustStore

    def rejects(self, certificate: x509.Certificate, now: datetime = NOW) -> Rejection:
        with pytest.raises(CertificateRejected) as refused:
            self.trust.verify(certificate, now)
        return refused.value.reason


@pytest.fixture(scope="module")
def ca() -> Issued:
    return make_ca()


@pytest.fixture
def world(ca: Issued, tmp_path: Path) -> World:
    ca_path = write_bundle(tmp_path / "ca.pem", [ca])
    crl_path = tmp_path / "crl.pem"
    write_crl(crl_path, sign_crl(ca, [], now=NOW))
    return World(ca, ca_path, crl_path, TrustStore([ca_path], [crl_path]))


def test_a_certificate_of_the_configured_ca_is_accepted(world: World) -> None:
    world.trust.verify(make_leaf(world.ca), NOW)


def test_ec_keys_and_a_missing_key_usage_are_accepted(world: World) -> None:
    world.trust.verify(make_leaf(world.ca, key_spec="ec256", usage=None), NOW)
    world.trust.verify(make_leaf(world.ca, key_spec="ec384", extended_usage=()), NOW)


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"not_after": NOW - timedelta(seconds=1)}, Rejection.EXPIRED),
        ({"not_before": NOW + timedelta(minutes=1)}, Rejection.NOT_YET_VALID),
        ({"usage": key_usage("key_encipherment")}, Rejection.KEY_USAGE),
        ({"usage": key_usage("content_commitment")}, Rejection.KEY_USAGE),
        ({"extended_usage": [ExtendedKeyUsageOID.SERVER_AUTH]}, Rejection.KEY_USAGE),
        ({"ca": True, "usage": CA_USAGE}, Rejection.KEY_USAGE),
        ({"key_spec": "rsa1024"}, Rejection.WEAK_KEY),
        ({"key_spec": "rsa2047"}, Rejection.WEAK_KEY),
        ({"key_spec": "ec224"}, Rejection.WEAK_KEY),
        ({"key_spec": "ec192"}, Rejection.WEAK_KEY),
        ({"key_spec": "dsa2048"}, Rejection.WEAK_KEY),
        ({"key_spec": "ed25519"}, Rejection.WEAK_KEY),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_defects_of_a_ca_issued_certificate(
    world: World, arguments: dict[str, Any], reason: Rejection
) -> None:
    assert world.rejects(make_leaf(world.ca, **arguments)) is reason


def test_a_self_signed_certificate_is_refused(world: World) -> None:
    assert world.rejects(make_leaf(None)) is Rejection.SELF_SIGNED
    assert world.rejects(world.ca.certificate) is Rejection.SELF_SIGNED  # the CA itself


def test_a_foreign_ca_is_refused_even_with_the_same_name(world: World) -> None:
    assert world.rejects(make_leaf(make_ca("Andere CA"))) is Rejection.UNTRUSTED
    impostor = make_ca("Makler-CA")  # same subject as the configured CA, another key
    assert world.rejects(make_leaf(impostor)) is Rejection.UNTRUSTED


def test_an_issuer_that_is_not_a_ca_is_refused(ca: Issued, tmp_path: Path) -> None:
    not_a_ca = make_ca("Kein CA", ca=False, usage=key_usage("digital_signature"))
    crl = tmp_path / "crl.pem"
    write_crl(crl, sign_crl(not_a_ca, [], now=NOW))
    trust = TrustStore([write_bundle(tmp_path / "bundle.pem", [not_a_ca])], [crl])
    with pytest.raises(CertificateRejected) as refused:
        trust.verify(make_leaf(not_a_ca), NOW)
    assert refused.value.reason is Rejection.UNTRUSTED


def test_an_expired_ca_is_refused(world: World) -> None:
    old = make_ca("Alte CA", not_after=NOW - DAY)
    trust = TrustStore([write_bundle(world.ca_path.with_name("old.pem"), [old])])
    with pytest.raises(CertificateRejected) as refused:
        trust.verify(make_leaf(old), NOW)
    assert refused.value.reason is Rejection.UNTRUSTED


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + body


def test_a_sha1_signature_is_refused(world: World) -> None:
    # cryptography no longer signs with SHA-1: re-sign the TBS by hand.
    sha256_rsa = bytes.fromhex("06092a864886f70d01010b")
    sha1_rsa = bytes.fromhex("06092a864886f70d010105")
    tbs = make_leaf(world.ca).tbs_certificate_bytes.replace(sha256_rsa, sha1_rsa)
    assert isinstance(world.ca.key, rsa.RSAPrivateKey)
    signature = world.ca.key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    algorithm = _der(0x30, sha1_rsa + b"\x05\x00")
    der = _der(0x30, tbs + algorithm + _der(0x03, b"\x00" + signature))
    assert world.rejects(x509.load_der_x509_certificate(der)) is Rejection.WEAK_SIGNATURE


def test_a_revoked_certificate_is_refused_once_the_crl_changes(world: World) -> None:
    revoked, kept = make_leaf(world.ca), make_leaf(world.ca)
    world.trust.verify(revoked, NOW)  # loads and caches the files
    revoke(world.ca, world.crl_path, revoked, NOW)
    assert world.rejects(revoked) is Rejection.REVOKED  # reloaded without a restart
    world.trust.verify(kept, NOW)


@pytest.mark.parametrize("case", ["stale", "foreign", "missing_file", "none_configured", "junk"])
def test_without_a_current_signed_crl_every_certificate_is_refused(world: World, case: str) -> None:
    crls = [world.crl_path]
    if case == "stale":
        write_crl(world.crl_path, sign_crl(world.ca, [], now=NOW - 9 * DAY, next_update=NOW - DAY))
    elif case == "foreign":
        write_crl(world.crl_path, sign_crl(make_ca("Makler-CA"), [], now=NOW))
    elif case == "missing_file":
        world.crl_path.unlink()
    elif case == "none_configured":
        crls = []
    else:
        world.crl_path.write_bytes(b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")
    trust = TrustStore([world.ca_path], crls)
    with pytest.raises(CertificateRejected) as refused:
        trust.verify(make_leaf(world.ca), NOW)
    assert refused.value.reason is Rejection.REVOCATION_UNKNOWN
    assert refused.value.faultcode == "Server"


def test_the_crl_turns_stale_with_time(world: World) -> None:
    certificate = make_leaf(world.ca)
    world.trust.verify(certificate, NOW + 6 * DAY)
    with pytest.raises(CertificateRejected) as refused:
        world.trust.verify(certificate, NOW + 8 * DAY)
    assert refused.value.reason is Rejection.REVOCATION_UNKNOWN


def test_without_a_ca_bundle_nothing_is_trusted(world: World, tmp_path: Path) -> None:
    for trust in (TrustStore([]), TrustStore([tmp_path / "absent.pem"], [world.crl_path])):
        with pytest.raises(CertificateRejected) as refused:
            trust.verify(make_leaf(world.ca), NOW)
        assert refused.value.reason is Rejection.TRUST_UNAVAILABLE


def test_an_intermediate_ca_in_the_bundle(tmp_path: Path) -> None:
    root = make_ca("Wurzel-CA")
    intermediate = make_ca("Zwischen-CA", issuer=root)
    bundle = write_bundle(tmp_path / "bundle.pem", [root, intermediate])
    root_crl, intermediate_crl = tmp_path / "root.crl", tmp_path / "intermediate.crl"
    write_crl(root_crl, sign_crl(root, [], now=NOW))
    write_crl(intermediate_crl, sign_crl(intermediate, [], now=NOW))
    leaf = make_leaf(intermediate)

    TrustStore([bundle], [root_crl, intermediate_crl]).verify(leaf, NOW)
    only_root = write_bundle(tmp_path / "root.pem", [root])
    with pytest.raises(CertificateRejected) as refused:  # intermediates come from the bundle
        TrustStore([only_root], [root_crl, intermediate_crl]).verify(leaf, NOW)
    assert refused.value.reason is Rejection.UNTRUSTED
    with pytest.raises(CertificateRejected) as refused:  # the root's CRL is needed as well
        TrustStore([bundle], [intermediate_crl]).verify(leaf, NOW)
    assert refused.value.reason is Rejection.REVOCATION_UNKNOWN
    revoke(root, root_crl, intermediate.certificate, NOW)
    with pytest.raises(CertificateRejected) as refused:
        TrustStore([bundle], [root_crl, intermediate_crl]).verify(leaf, NOW)
    assert refused.value.reason is Rejection.REVOKED


def test_the_error_is_a_bipro_fault_without_internal_detail(world: World) -> None:
    certificate = make_leaf(world.ca)
    revoke(world.ca, world.crl_path, certificate, NOW)
    with pytest.raises(BiproError) as refused:
        world.trust.verify(certificate, NOW)
    error = refused.value
    assert isinstance(error, CertificateRejected)
    assert error.meldung_id is MeldungID.INVALID_CREDENTIALS
    assert error.faultcode == "Client"
    assert error.text == "Das Zertifikat ist gesperrt."
    assert f"{certificate.serial_number:x}" in error.detail  # for the audit only


def test_loading_certificates(world: World) -> None:
    certificate = make_leaf(world.ca)
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert load_certificate(pem) == load_certificate(der) == certificate
    assert len(fingerprint(certificate)) == 64
    for junk in (b"", b"kein Zertifikat", pem + pem):
        with pytest.raises(CertificateRejected) as refused:
            load_certificate(junk)
        assert refused.value.reason is Rejection.MALFORMED


def test_the_dev_pki_is_trusted_by_default_settings(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    made = init_dev_pki(tmp_path, [("V100", "Makler GmbH")], now)
    settings = Settings(var_dir=tmp_path)
    assert settings.ca_bundle_path == made.ca_path
    assert settings.crl_paths == (made.crl_path,)
    trust = TrustStore.from_settings(settings)
    trust.verify(made.firms["V100"].certificate, now)
    trust.verify(made.signing.certificate, now)
    foreign = Settings(var_dir=tmp_path, ca_bundle=tmp_path / "real-ca.pem")
    assert foreign.crl_paths == ()  # the dev CRL never mixes with a configured bundle
