"""The single hardened entry for request XML.

Every request body passes through :func:`read_body` and :func:`parse_envelope` before any
SOAP framework sees it: size caps (before and after gzip), no DOCTYPE, no entity expansion,
no network, bounded depth, attribute and element counts, processing instructions dropped.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from typing import BinaryIO

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
    return out


_local = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_pis=True,
            remove_comments=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def parse_xml(data: bytes, limits: XmlLimits) -> etree._Element:
    """Parse untrusted XML: refuse DOCTYPEs and entities, enforce the size limits."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise MalformedRequest("DOCTYPE ist nicht erlaubt.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        raise MalformedRequest("Request ist kein wohlgeformtes XML.") from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise MalformedRequest("DOCTYPE ist nicht erlaubt.")
    _check_shape(root, limits)
    return root


def _check_shape(root: etree._Element, limits: XmlLimits) -> None:
    depth = 0
    count = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        count += 1
        if depth > limits.max_depth:
            raise MalformedRequest(f"XML tiefer als {limits.max_depth} Ebenen.")
        if count > limits.max_elements:
            raise MalformedRequest(f"Mehr als {limits.max_elements} XML-Elemente.")
        if not isinstance(element.tag, str):
            # An entity reference left unexpanded: only possible with a DTD.
            raise MalformedRequest("Entitäten sind nicht erlaubt.")
        parent = element.getparent()
        declared = len(element.nsmap) - (len(parent.nsmap) if parent is not None else 0)
        if len(element.attrib) + max(declared, 0) > limits.max_attributes:
            raise MalformedRequest("Zu viele Attribute oder Namensräume an einem Element.")


_ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
_HEADER = f"{{{SOAP11_ENV}}}Header"
_BODY = f"{{{SOAP11_ENV}}}Body"
_LEGACY_VERSION = f"{{{ALLGEMEIN}}}BiPROVersion"
_VERSION = f"{{{NACHRICHTEN}}}BiPROVersion"


def parse_envelope(data: bytes, limits: XmlLimits) -> Envelope:
    """Parse a SOAP 1.1 request and check its structure (one Header at most, one Body)."""
    root = parse_xml(data, limits)
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise MalformedRequest("SOAP 1.2 wird nicht unterstützt; bitte SOAP 1.1 verwenden.")
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
    operation = children[0]
    _normalise_legacy_version(operation)
    return Envelope(root, headers[0] if headers else None, body, operation)


def _normalise_legacy_version(operation: etree._Element) -> None:
    """Release 2.1 clients send BiPROVersion in the ``allgemein`` namespace; accept both."""
    for element in operation.iter(_LEGACY_VERSION):
        element.tag = _VERSION
