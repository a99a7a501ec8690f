"""The catalogue of BiPRO services and their Spyne applications, mounted side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from spyne import Application, const
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from bipro_service.adapters.xml.envelope import rehome, seed_prefixes
from bipro_service.entrypoints.soap.context import ENVELOPE_KEY
from bipro_service.entrypoints.soap.messages import BiproException

# Spyne's ``MethodContext.close`` runs a full ``gc.collect()`` at most once a second, to hand
# back file descriptors of its own attachments (we use none). On a worker's heap one such
# collection took ~80 ms: the largest single item of the p99 (docs/performance.md). Python's
# generational collector stays on.
const.MIN_GC_INTERVAL = math.inf


class PreparsedSoap11(Soap11):
    """SOAP 1.1 that takes the envelope our hardened entry already parsed and validated.

    Spyne would otherwise parse the body a second time with its own parser, and resolve
    SOAP-encoding ``href`` references by ID — neither is wanted.
    """

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        ctx.in_document = (ctx.transport.req_env[ENVELOPE_KEY], {})

    def validate_body(self, ctx: Any, message: Any) -> None:
        # Validated by the pipeline before dispatch, against the same schema.
        return None


class BiproSoap11(Soap11):
    """SOAP 1.1 answers with our fixed prefix map (``namespaces.PREFIXES``) instead of Spyne's
    ``tns``/``s0``/``soap11env``; ``xsi:type`` for the abstract types of the norm."""

    def serialize(self, ctx: Any, message: Any) -> None:
        super().serialize(ctx, message)
        ctx.out_document = rehome(ctx.out_document)


@dataclass(frozen=True)
class ServiceDefinition:
    """One BiPRO service as published: name, norm, version, namespace and implementation."""

    name: str
    norm: str
    version: str
    namespace: str
    services: tuple[type, ...]
    description: str
    url_prefix: str = ""
    authenticated: bool = True
    """Calls need a security context token (all but the STS)."""
    validate_schema: bool = True
    """Validate the Body against the published schema (WS-Trust RSTs are open content)."""

    @property
    def path(self) -> str:
        return f"/bipro/{self.url_prefix}{self.name}_{self.version}"

    @property
    def file_stem(self) -> str:
        return f"{self.url_prefix.replace('/', '_')}{self.name}_{self.version}"


@dataclass
class MountedService:
    """A service definition with its Spyne application built."""

    definition: ServiceDefinition
    application: Any
    wsgi: Any
    schema: etree.XMLSchema
    operations: dict[str, str] = field(default_factory=dict)
    """Body element QName (Clark notation) → operation name."""


def _key_by_message_namespace(interface: Any) -> None:
    """Dispatch an operation whose request element is in a namespace of its own (an extension
    such as ``listContracts``, ``_in_message_name="{ns}name"``) on that element's QName;
    Spyne keys every operation by the application's namespace."""
    methods = interface.service_method_map
    for key, descriptors in list(methods.items()):
        namespace = descriptors[0].in_message.get_namespace()
        own = f"{{{namespace}}}{descriptors[0].name}"
        if own != key and own not in methods:
            methods[own] = methods.pop(key)


def mount(definition: ServiceDefinition) -> MountedService:
    """Build the Spyne application of one service."""
    protocol = PreparsedSoap11(validator="lxml")
    # Official subtypes sent as ``xsi:type`` in another namespace than their base: Spyne does
    # not find those itself (a service lists them in ``wire_subtypes``).
    subtypes = [c for service in definition.services for c in getattr(service, "wire_subtypes", ())]
    application = Application(
        list(definition.services),
        tns=definition.namespace,
        name=definition.name,
        in_protocol=protocol,
        out_protocol=BiproSoap11(polymorphic=True),
        classes=[BiproException, *subtypes],
    )
    if subtypes:
        # … and the service's own schema must import their namespaces, for validation too.
        imports = application.interface.imports.setdefault(definition.namespace, set())
        imports.update(c.get_namespace() for c in subtypes)
        xml_schema = application.interface.docs.xml_schema
        xml_schema.build_validation_schema()
        protocol.validation_schema = xml_schema.validation_schema
    seed_prefixes(application.interface)
    _key_by_message_namespace(application.interface)
    operations = {
        key: descriptors[0].name
        for key, descriptors in application.interface.service_method_map.items()
    }
    return MountedService(
        definition=definition,
        application=application,
        wsgi=WsgiApplication(application),
        schema=protocol.validation_schema,
        operations=operations,
    )
