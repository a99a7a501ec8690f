"""Signed requests for the benchmark: a dev PKI, the firm's certificate, pre-signed bodies.

The service refuses a replayed signature, so wrk cannot resend one body: every request is
signed in advance (distinct contract, own timestamp) and each wrk thread walks its own slice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bipro_clients.signing import SignedRequests
from lxml import etree

from bench import loader
from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.x509.pki import init_dev_pki
from bipro_service.adapters.x509.trust import TrustStore
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.admin import INSURER
from bipro_service.service_layer.certificates import register_certificate


@dataclass(frozen=True)
class FirmKey:
    key_file: Path
    cert_file: Path


def setup(settings: Settings, runtime: Runtime) -> FirmKey:
    """Dev PKI in the var dir (the server's signing key too); the firm's certificate registered."""
    now = utcnow()
    pki = init_dev_pki(settings.var_dir, [(loader.FIRM_NUMBER, "Bench Makler GmbH")], now)
    issued = pki.firms[loader.FIRM_NUMBER]
    with runtime.uow() as uow:
        trust = TrustStore.from_settings(settings)
        register_certificate(uow, trust, INSURER, loader.FIRM_NUMBER, issued.pem, now)
    assert issued.key_path is not None and issued.cert_path is not None
    return FirmKey(Path(issued.key_path), Path(issued.cert_path))


def sign_all(bodies: list[bytes], key: FirmKey, ttl: timedelta) -> list[bytes]:
    """Each body signed like a zeep client with xmlsec (Timestamp + Body, RSA-SHA256)."""
    signer = SignedRequests(str(key.key_file), str(key.cert_file), ttl=ttl)
    out = []
    for body in bodies:
        envelope, _ = signer.apply(etree.fromstring(body), {})
        out.append(etree.tostring(envelope))
    return out
