"""Message security around every service: WS-Security signatures, TLS client certificates from
the trusted proxy, replay protection, per-firm signature policy, signed answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from cryptography import x509

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.x509.errors import CertificateRejected, Rejection
from bipro_service.adapters.x509.trust import TrustStore, fingerprint, load_certificate
from bipro_service.adapters.xml.hardened import Envelope
from bipro_service.adapters.xml.wssig import SignatureRejected, VerifiedSignature, verify_signature
from bipro_service.adapters.xml.wssign import ResponseSigner
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.web.http import from_trusted_proxy
from bipro_service.service_layer import replay
from bipro_service.service_layer.certificates import firm_for_certificate

log = logging.getLogger(__name__)

#: Set by the TLS-terminating proxy (nginx: ``$ssl_client_escaped_cert``) — believed only from
#: ``BIPRO_TRUSTED_PROXIES``.
CLIENT_CERT_HEADER = "HTTP_X_SSL_CLIENT_CERT"


@dataclass
class CallerCertificate:
    """The certificate a request came with, and the firm it is registered to."""

    certificate: x509.Certificate
    firm_id: int
    signed: bool
    tls: bool = False
    """It (also) came as the TLS client certificate, through the trusted proxy."""


class MessageSecurity:
    """One per process: trust store and signing key are loaded once."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.trust = TrustStore.from_settings(settings)
        self.signer: ResponseSigner | None = None
        if settings.signing_key_path.exists() and settings.signing_cert_path.exists():
            self.signer = ResponseSigner.from_files(
                settings.signing_key_path, settings.signing_cert_path
            )
        else:
            log.warning(
                "no response signing key at %s: signed requests get unsigned answers",
                settings.signing_key_path,
            )

    def inbound(self, envelope: Envelope, rc: RequestContext, environ: dict[str, Any]) -> None:
        """Verify signature and client certificate of a request as received (before any change)."""
        now = utcnow()
        tls = self._tls_certificate(environ, rc)
        firm_ids: list[int] = []

        def trust(certificate: x509.Certificate) -> None:
            self.trust.verify(certificate, now)
            with self.runtime.uow() as uow:
                firm_ids.append(firm_for_certificate(uow, certificate).id)

        verified = verify_signature(envelope, now, trust)
        if verified is not None:
            self._not_replayed(verified, now)
            if tls is not None and fingerprint(tls) != fingerprint(verified.certificate):
                raise SignatureRejected("TLS client certificate and signing certificate differ")
            rc.caller_certificate = CallerCertificate(
                verified.certificate, firm_ids[-1], signed=True, tls=tls is not None
            )
            rc.signed = True
        elif tls is not None:
            trust(tls)
            rc.caller_certificate = CallerCertificate(tls, firm_ids[-1], signed=False, tls=True)

    def _not_replayed(self, verified: VerifiedSignature, now: Any) -> None:
        fresh = replay.first_sighting(
            self.runtime.session_factory,
            "sig:" + verified.replay_key[:60],
            verified.replay_until,
            now,
        )
        if not fresh:
            raise SignatureRejected("replayed message")

    def _tls_certificate(
        self, environ: dict[str, Any], rc: RequestContext
    ) -> x509.Certificate | None:
        header = environ.get(CLIENT_CERT_HEADER)
        if not header:
            return None
        if not from_trusted_proxy(environ, self.runtime.settings.trusted_proxies):
            raise CertificateRejected(
                Rejection.UNTRUSTED, "client certificate header from an untrusted peer"
            )
        return load_certificate(unquote(header).encode())

    def after_authentication(self, rc: RequestContext) -> None:
        """The signer must belong to the token's firm; a firm may require signatures."""
        principal = rc.principal
        if principal is None:
            return
        caller = rc.caller_certificate
        if caller is not None and caller.firm_id != principal.firm_id:
            raise SignatureRejected("certificate of another firm than the token")
        if principal.signature_required and not rc.signed:
            raise SignatureRejected("this firm must sign its requests")

    def outbound(self, body: bytes, rc: RequestContext) -> bytes:
        """Sign the answer (faults included) when the request was signed."""
        if not rc.signed or self.signer is None:
            return body
        return self.signer.sign(body, utcnow())
