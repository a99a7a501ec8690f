"""The WSGI application: routes, the SOAP pipeline around Spyne, services.json, WSDLs."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text

from bipro_service.adapters.xml import mtom
from bipro_service.adapters.xml.hardened import XmlLimits, parse_envelope, read_body
from bipro_service.config import Settings
from bipro_service.domain.status import BiproError, InternalError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.soap import pipeline
from bipro_service.entrypoints.soap.catalogue import SERVICES
from bipro_service.entrypoints.soap.context import ENVELOPE_KEY, ENVIRON_KEY, RequestContext
from bipro_service.entrypoints.soap.contract import build_wsdl
from bipro_service.entrypoints.soap.faults import (
    audit_not_written,
    fault_envelope,
    unexpected_error,
)
from bipro_service.entrypoints.soap.message_security import MessageSecurity
from bipro_service.entrypoints.soap.registry import MountedService, mount
from bipro_service.entrypoints.web.http import source_address
from bipro_service.entrypoints.web.portal import Portal
from bipro_service.service_layer.audit import write_audit

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Headers = list[tuple[str, str]]

XML_CONTENT_TYPE = "text/xml; charset=utf-8"


class BiproApplication:
    """All BiPRO services mounted side by side under ``/bipro/<Service>_<version>``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.limits = XmlLimits(
            max_body_bytes=settings.max_body_bytes,
            max_depth=settings.max_xml_depth,
            max_attributes=settings.max_xml_attributes,
            max_elements=settings.max_xml_elements,
        )
        self.mtom_limits = mtom.MtomLimits(max_part_bytes=settings.max_body_bytes)
        self.services: dict[str, MountedService] = {}
        self.wsdls: dict[str, bytes] = {}
        for definition in SERVICES:
            mounted = mount(definition)
            for path in (definition.path, *definition.alias_paths):
                self.services[path] = mounted
                self.wsdls[path] = build_wsdl(mounted, settings.public_base_url, path)
        self.security = MessageSecurity(runtime)
        self.portal = Portal(runtime)
        self.routes: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
            "/": self._index,
            "/bipro/services.json": self._services_json,
            "/health": self._health,
        }

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        route = self.routes.get(path)
        if route is not None:
            return route(environ, start_response)
        if path.startswith("/portal/"):
            return self.portal(environ, start_response)
        service = self.services.get(path.rstrip("/"))
        if service is None:
            return _respond(start_response, "404 Not Found", b"not found\n", "text/plain")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            with self.runtime.request_scope():  # one pooled connection for the whole request
                return self._soap(service, environ, start_response)
        if method in ("GET", "HEAD") and environ.get("QUERY_STRING", "").lower() in (
            "wsdl",
            "singlewsdl",
        ):
            return _respond(
                start_response, "200 OK", self.wsdls[path.rstrip("/")], XML_CONTENT_TYPE
            )
        if method in ("GET", "HEAD"):
            info = f"{service.definition.name} (BiPRO {service.definition.norm}): WSDL at ?wsdl\n"
            return _respond(start_response, "200 OK", info.encode(), "text/plain; charset=utf-8")
        return _respond(
            start_response, "405 Method Not Allowed", b"POST SOAP 1.1 requests\n", "text/plain"
        )

    # -- SOAP ---------------------------------------------------------------------------------

    def _soap(
        self, service: MountedService, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        settings = self.runtime.settings
        rc = RequestContext(
            runtime=self.runtime,
            service=service.definition.name,
            source_address=source_address(environ, settings.trusted_proxies),
        )
        environ[ENVIRON_KEY] = rc
        try:
            status, headers, body = self._dispatch(service, environ, rc)
        except BiproError as error:
            rc.failed(error)
            status, headers, body = "500 Internal Server Error", [], fault_envelope(error, rc)
        except Exception as exc:  # database unreachable: "temporarily unavailable", else generic
            fault = unexpected_error(exc, rc, "request failed before dispatch")
            status, headers, body = "500 Internal Server Error", [], fault_envelope(fault, rc)
        try:
            if not rc.audited:
                write_audit(self.runtime.session_factory, rc.audit_entry())
        except Exception as exc:
            # No audit record, no answer (T IV.2e): the caller gets a fault, the log the request.
            fault = audit_not_written(exc, rc)
            status, headers, body = "500 Internal Server Error", [], fault_envelope(fault, rc)
        try:
            body = self.security.outbound(body, rc)
        except Exception:
            log.exception("answer could not be signed (ProzessID %s)", rc.prozess_id)
            status, headers, body = (
                "500 Internal Server Error",
                [],
                fault_envelope(InternalError(), rc),
            )
        packaged = mtom.write_answer(body, rc.attachments) if rc.attachments else None
        if packaged is not None:
            # Documents as XOP parts, streamed from the bytes read once (never base64 in memory).
            start_response(
                status,
                [
                    ("Content-Type", packaged.content_type),
                    ("Content-Length", str(packaged.length)),
                    *headers,
                ],
            )
            return packaged.chunks
        return _respond(start_response, status, body, XML_CONTENT_TYPE, headers)

    def _dispatch(
        self, service: MountedService, environ: Environ, rc: RequestContext
    ) -> tuple[str, Headers, bytes]:
        data = read_body(
            environ["wsgi.input"],
            environ.get("CONTENT_LENGTH"),
            environ.get("HTTP_CONTENT_ENCODING"),
            self.limits,
        )
        rc.request_hash = hashlib.sha256(data).hexdigest()
        content_type = environ.get("CONTENT_TYPE")
        parts: dict[str, bytes] = {}
        if mtom.is_multipart(content_type):
            # MTOM/XOP: the root part through the hardened parser, every xop:Include resolved
            # into base64 text before anything (signature check, schema, Spyne) looks at it.
            data, parts = mtom.unpack(data, content_type or "", self.mtom_limits)
        envelope = parse_envelope(data, self.limits)
        mtom.resolve(envelope.root, parts)  # an xop:Include without its part is refused
        rc.operation = pipeline.resolve_operation(service, envelope, environ.get("HTTP_SOAPACTION"))
        pipeline.check_headers(envelope)
        self.security.inbound(envelope, rc, environ)
        pipeline.normalise(envelope, service, rc)
        pipeline.read_request_fields(envelope, rc, self.runtime.settings.supported_releases)
        if service.definition.validate_schema:
            pipeline.validate(service, envelope)
        if service.definition.authenticated:
            pipeline.authenticate(self.runtime, envelope, rc)
            self.security.after_authentication(rc)
        environ[ENVELOPE_KEY] = envelope.root
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> None:
            captured["status"] = status
            captured["headers"] = headers

        body = b"".join(service.wsgi(environ, capture))
        extra = [
            (k, v)
            for k, v in captured.get("headers", [])
            if k.lower() not in ("content-type", "content-length")
        ]
        status = captured.get("status", "500 Internal Server Error")
        if not status.startswith("200") and rc.outcome != "FAULT":
            # A fault Spyne produced itself (none of ours): audit it as one.
            rc.failed(InternalError(), detail="framework fault")
        return status, extra, body

    # -- plain routes -------------------------------------------------------------------------

    def service_list(self) -> list[dict[str, str]]:
        """Every service and every URL alias (``alias_of``: the current version's URL)."""
        base = self.runtime.settings.public_base_url
        listed = []
        for path, m in self.services.items():
            entry = {
                "name": m.definition.name,
                "norm": m.definition.norm,
                "version": path.rsplit("_", 1)[-1],
                "description": m.definition.description,
                "url": base + path,
                "wsdl": base + path + "?wsdl",
            }
            if path != m.definition.path:
                entry["alias_of"] = base + m.definition.path
            listed.append(entry)
        return listed

    def _services_json(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        body = json.dumps({"services": self.service_list()}, indent=2).encode()
        return _respond(start_response, "200 OK", body, "application/json")

    def _index(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        lines = ["bipro_service: BiPRO web services", ""]
        lines += [f"{s['name']:<32} BiPRO {s['norm']:<4} {s['url']}" for s in self.service_list()]
        lines += ["", "Catalogue: /bipro/services.json"]
        return _respond(
            start_response,
            "200 OK",
            ("\n".join(lines) + "\n").encode(),
            "text/plain; charset=utf-8",
        )

    def _health(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            with self.runtime.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: database unreachable")
            return _respond(
                start_response,
                "503 Service Unavailable",
                b'{"database": "unreachable"}',
                "application/json",
            )
        return _respond(start_response, "200 OK", b'{"database": "ok"}', "application/json")


def _respond(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str,
    headers: Headers | None = None,
) -> list[bytes]:
    all_headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    all_headers += headers or []
    start_response(status, all_headers)
    return [body]


def create_app(settings: Settings | None = None) -> BiproApplication:
    """The WSGI application for ``settings`` (read from the environment when not given)."""
    logging.getLogger("spyne").setLevel(logging.CRITICAL)
    return BiproApplication(Runtime.from_settings(settings or Settings()))
