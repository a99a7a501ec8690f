"""The single hardened entry for request XML.

Every request body passes through :func:`read_body` and :func:`parse_envelope` before any
SOAP framework sees it: size caps (before and after gzip), no DOCTYPE, no entity expansion,
no XInclude, no network, bounded depth, attribute, namespace and element counts, comments and
processing instructions dropped.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from bipro_service.domain.status import MalformedRequest
from bipro_service.namespaces import ALLGEMEIN, NACHRICHTEN, SOAP11_ENV, SOAP12_ENV

_READ_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class XmlLimits:
    """Bounds applied to every request."""

    max_body_bytes: int
    """Largest body in bytes, compressed and decompressed."""
    max_depth: int
    """Deepest element nesting."""
    max_attributes: int
    """Most attributes plus namespace declarations on one element."""
    max_elements: int
    """Most elements in one document."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed SOAP 1.1 envelope whose structure has been checked."""

    root: etree._Element
    header: etree._Element | None
    body: etree._Element
    operation: etree._Element

    @property
    def operation_name(self) -> str:
        return etree.QName(self.operation).localname


def read_body(
    stream: BinaryIO,
    content_length: str | None,
    content_encoding: str | None,
    limits: XmlLimits,
) -> bytes:
    """Read the request body, refusing oversize input before reading and after decoding."""
    if content_length:
        try:
            announced = int(content_length)
        except ValueError:
            raise MalformedRequest("Ungültige Content-Length.") from None
        if announced < 0 or announced > limits.max_body_bytes:
            raise _too_large(limits)
    data = _read_bounded(stream, limits.max_body_bytes)
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        data = _inflate(data, limits.max_body_bytes)
    elif encoding not in ("identity", ""):
        raise MalformedRequest(f"Content-Encoding {encoding!r} wird nicht unterstützt.")
    if not data:
        raise MalformedRequest("Leerer Request.")
    return data


def _too_large(limits: XmlLimits) -> MalformedRequest:
    return MalformedRequest(f"Request größer als {limits.max_body_bytes} Bytes.")


def _read_bounded(stream: BinaryIO, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise MalformedRequest(f"Request größer als {limit} Bytes.")
        parts.append(chunk)
    return b"".join(parts)


def _inflate(data: bytes, limit: int) -> bytes:
    # wbits=47 accepts gzip and zlib headers alike.
    decompressor = zlib.decompressobj(wbits=47)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error:
        raise MalformedRequest("Komprimierter Request ist beschädigt.") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise MalformedRequest(f"Request größer als {limit} Bytes (entpackt).")
    if not decompressor.eof:
        raise MalformedRequest("Komprimierter Request ist beschädigt.")
    return out


_XINCLUDE = ("{http://www.w3.org/2001/XInclude}", "{http://www.w3.org/2003/XInclude}")


class _NoExternalResources(etree.Resolver):
    """Resolves every external DTD, parameter entity or entity to nothing.

    libxml2 opens ``file:`` URLs of an external DTD subset or an external parameter entity
    even with ``load_dtd=False`` and ``resolve_entities=False`` (``file:///dev/zero`` spins
    a worker for good, a FIFO blocks it); with this resolver no file or URL is ever opened.
    """

    def resolve(self, system_url: str, public_id: str, context: Any = None) -> Any:
        return self.resolve_string("", context, base_url=None)


def _pull_parser() -> etree.XMLPullParser:
    # A fresh parser per request (cheap); ``start-ns`` events count each element's own
    # namespace declarations exactly, which ``nsmap`` cannot (and computing ``nsmap`` per
    # element is quadratic in the declarations in scope).
    parser = etree.XMLPullParser(
        events=("start", "end", "start-ns"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )
    parser.resolvers.add(_NoExternalResources())
    return parser


def parse_xml(data: bytes, limits: XmlLimits) -> etree._Element:
    """Parse untrusted XML: refuse DOCTYPEs, entities and XInclude, enforce the size limits.

    The limits are checked while parsing, so a document breaking one is not parsed further.
    """
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise MalformedRequest("DOCTYPE ist nicht erlaubt.")
    parser = _pull_parser()
    shape = _Shape(limits)
    try:
        for start in range(0, len(data), _READ_CHUNK):
            parser.feed(data[start : start + _READ_CHUNK])
            shape.check(parser.read_events())
        root = parser.close()
        shape.check(parser.read_events())
    except etree.XMLSyntaxError:
        raise MalformedRequest("Request ist kein wohlgeformtes XML.") from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise MalformedRequest("DOCTYPE ist nicht erlaubt.")
    for _entity in root.iter(etree.Entity):
        # An entity reference left unexpanded: only possible with a DTD.
        raise MalformedRequest("Entitäten sind nicht erlaubt.")
    return root


class _Shape:
    """Depth, element, attribute and namespace-declaration counts of a document being parsed."""

    def __init__(self, limits: XmlLimits) -> None:
        self.limits = limits
        self.depth = 0
        self.count = 0
        self.declared = 0

    def check(self, events: Iterable[tuple[str, Any]]) -> None:
        limits = self.limits
        for event, item in events:
            if event == "start-ns":
                self.declared += 1
                continue
            if event == "end":
                self.depth -= 1
                continue
            self.depth += 1
            self.count += 1
            if self.depth > limits.max_depth:
                raise MalformedRequest(f"XML tiefer als {limits.max_depth} Ebenen.")
            if self.count > limits.max_elements:
                raise MalformedRequest(f"Mehr als {limits.max_elements} XML-Elemente.")
            if len(item.attrib) + self.declared > limits.max_attributes:
                raise MalformedRequest("Zu viele Attribute oder Namensräume an einem Element.")
            self.declared = 0
            if item.tag.startswith(_XINCLUDE):
                raise MalformedRequest("XInclude ist nicht erlaubt.")


_ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
_HEADER = f"{{{SOAP11_ENV}}}Header"
_BODY = f"{{{SOAP11_ENV}}}Body"
_LEGACY_VERSION = f"{{{ALLGEMEIN}}}BiPROVersion"
_VERSION = f"{{{NACHRICHTEN}}}BiPROVersion"


def parse_envelope(data: bytes, limits: XmlLimits) -> Envelope:
    """Parse a SOAP 1.1 request and check its structure (one Header at most, one Body)."""
    root = parse_xml(data, limits)
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise MalformedRequest(
            "SOAP 1.2 wird nicht unterstützt; bitte SOAP 1.1 verwenden.",
            faultcode="VersionMismatch",  # SOAP 1.1, 4.1.2: a foreign envelope namespace
        )
    if root.tag != _ENVELOPE:
        raise MalformedRequest("Kein SOAP-1.1-Envelope.")
    headers = [child for child in root if child.tag == _HEADER]
    bodies = [child for child in root if child.tag == _BODY]
    others = [child for child in root if child.tag not in (_HEADER, _BODY)]
    if len(headers) > 1 or len(bodies) != 1 or others:
        raise MalformedRequest("Envelope muss genau einen Body und höchstens einen Header haben.")
    if headers and root.index(headers[0]) != 0:
        raise MalformedRequest("Der SOAP-Header muss vor dem Body stehen.")
    body = bodies[0]
    children = list(body)
    if len(children) != 1 or (body.text and body.text.strip()):
        raise MalformedRequest("Der SOAP-Body muss genau ein Element enthalten.")
    return Envelope(root, headers[0] if headers else None, body, children[0])


def normalise_legacy_version(envelope: Envelope) -> None:
    """Release 2.1 clients send BiPROVersion in the ``allgemein`` namespace; accept both.

    Changes the tree: call it only after the signature was verified on the original.
    """
    for element in envelope.operation.iter(_LEGACY_VERSION):
        element.tag = _VERSION
