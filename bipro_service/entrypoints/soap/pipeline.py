"""Checks every SOAP request passes between the hardened parse and Spyne dispatch."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.xml.hardened import Envelope
from bipro_service.adapters.xml.wssecurity import require_context_token, security_header
from bipro_service.domain.status import (
    BiproError,
    MalformedRequest,
    MeldungID,
    NotImplementedOperation,
    SchemaViolation,
    UnsupportedVersion,
)
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.soap import releases
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.messages import VERSION_PATTERN
from bipro_service.entrypoints.soap.registry import MountedService
from bipro_service.entrypoints.soap.releases import canonical_tag
from bipro_service.namespaces import NACHRICHTEN, SOAP11_ENV, UNDERSTOOD_HEADER_NAMESPACES, WSC
from bipro_service.service_layer import tokens
from bipro_service.service_layer.principal import AuthMethod

_VERSION = re.compile(VERSION_PATTERN + r"\Z")
_MUST_UNDERSTAND = f"{{{SOAP11_ENV}}}mustUnderstand"


def check_headers(envelope: Envelope) -> None:
    """Refuse headers marked ``mustUnderstand`` that we do not process."""
    if envelope.header is None:
        return
    for header in envelope.header:
        if header.get(_MUST_UNDERSTAND, "0").strip() in ("1", "true"):
            namespace = etree.QName(header).namespace
            if namespace not in UNDERSTOOD_HEADER_NAMESPACES:
                raise BiproError(
                    f"Header {etree.QName(header).localname} wird nicht verstanden.",
                    meldung_id=MeldungID.INCOMPLETE_DATA,
                    faultcode="MustUnderstand",
                )


def resolve_operation(service: MountedService, envelope: Envelope, soap_action: str | None) -> str:
    """The operation named by the Body's element; SOAPAction may not name another one."""
    canonical = canonical_tag(service.operations, envelope.operation.tag)
    operation = service.operations.get(canonical) if canonical is not None else None
    if operation is None:
        _known_operation_elsewhere(service, envelope)
        raise NotImplementedOperation(
            f"Operation {envelope.operation_name} wird von "
            f"{service.definition.name} nicht angeboten.",
            quelle="/Envelope/Body/*[1]",
        )
    action = (soap_action or "").strip().strip('"').strip()
    if action:
        named = re.split(r"[/:#]", action)[-1]
        if named != operation and named in service.operations.values():
            raise MalformedRequest(
                f"SOAPAction {named} widerspricht der Operation {operation} im Body."
            )
    return operation


def _known_operation_elsewhere(service: MountedService, envelope: Envelope) -> None:
    """A known operation in another namespace is answered as such (00007: the Body does not
    match the service's schema), naming the namespace expected."""
    name = envelope.operation_name
    matches = sorted(
        (etree.QName(tag).namespace or "", etree.QName(tag).localname)
        for tag in service.operations
        if etree.QName(tag).localname in (name, name[:1].lower() + name[1:])
    )
    if matches:
        given = etree.QName(envelope.operation).namespace or "(kein Namensraum)"
        expected = [namespace for namespace, _ in matches]
        raise SchemaViolation(
            f"Operation {matches[0][1]} im Namensraum {given[:200]} wird nicht unterstützt; "
            f"erwartet: {', '.join(expected)}",
            quelle="/Envelope/Body/*[1]",
        )


def normalise(envelope: Envelope, service: MountedService, rc: RequestContext) -> None:
    """Older request shapes (release 2.1, WS-Trust 1.3) as the ones we parse: see
    :mod:`releases`. Changes the tree: only after the signature was verified."""
    releases.normalise(envelope.root, envelope.operation, service.operations, rc)


def read_request_fields(envelope: Envelope, rc: RequestContext, releases: tuple[str, ...]) -> None:
    """Take ``BiPROVersion`` and ``ConsumerID`` from the request and check the release."""
    op = envelope.operation
    version = op.find(f"{{{NACHRICHTEN}}}BiPROVersion")
    if version is None:
        version = op.find(f"*/{{{NACHRICHTEN}}}BiPROVersion")
    consumer = op.find(f"*/{{{NACHRICHTEN}}}ConsumerID")
    if consumer is not None and consumer.text:
        rc.consumer_id = consumer.text.strip()[:100]
    if version is None or not version.text:
        return
    text = version.text.strip()
    if not _VERSION.match(text):
        raise SchemaViolation(
            f"BiPROVersion {text[:20]!r} hat nicht das Format n.n.n.n.n.", quelle="BiPROVersion"
        )
    if ".".join(text.split(".")[:2]) not in releases:
        raise UnsupportedVersion(
            f"BiPROVersion {text} wird nicht unterstützt "
            f"(unterstützt: Release {', '.join(releases)}).",
            quelle="BiPROVersion",
        )
    rc.bipro_version = text


def validate(service: MountedService, envelope: Envelope) -> None:
    """Validate the Body's element against the service's published schema."""
    schema = service.schema
    if schema.validate(envelope.operation):
        return
    error: Any = getattr(schema.error_log, "last_error", None)  # missing from lxml-stubs
    message = error.message if error is not None else "Schema-Validierung fehlgeschlagen."
    raise SchemaViolation(
        f"Schema-Validierung fehlgeschlagen: {message}"[:500], quelle=error.path if error else None
    )


def authenticate(runtime: Runtime, envelope: Envelope, rc: RequestContext) -> None:
    """The one shared token check of every service but the STS.

    Without any security context token, a call that came with the firm's TLS client
    certificate through the trusted proxy (``message_security``) is the firm itself
    (``x509-direct``, as MVPs with "certificate login without STS" call); a certificate only
    in a WS-Security signature, or none, still needs a token (00905/00909)."""
    caller = rc.caller_certificate
    if caller is not None and caller.tls and not _has_context_token(envelope):
        rc.auth_method = AuthMethod.CERTIFICATE_DIRECT.value
        with runtime.uow() as uow:
            principal = tokens.certificate_principal(uow.session, caller.firm_id)
    else:
        identifier = require_context_token(envelope.header)
        with runtime.uow() as uow:
            principal = tokens.authenticate(uow.session, runtime.settings, identifier, utcnow())
            uow.commit()
    rc.principal = principal
    rc.login = principal.login
    rc.vermittlernummer = principal.vermittlernummer
    rc.auth_method = principal.auth_method.value


def _has_context_token(envelope: Envelope) -> bool:
    security = security_header(envelope.header)
    return security is not None and security.find(f"{{{WSC}}}SecurityContextToken") is not None
