"""Request shapes of older releases and of WS-Trust 1.3, normalised before Spyne parses them,
and the answer given back in the shape the request used (docs/wire-format.md, "Releases").

Before Spyne (:func:`normalise`, after the signature was verified on the original tree):

- release 2.1 (``Dgame/php-soap``): ``BiPROVersion`` in ``allgemein`` becomes
  ``nachrichten:BiPROVersion``; ``ConsumerID`` in the service namespace becomes
  ``nachrichten:ConsumerID``; capitalised operation names (``ListShipments``) become the
  official ones (``listShipments``); ``BestaetigeLieferungen`` = false in ``getShipment`` (2.1
  had it there, 2.6 has not; false is what 2.6 does anyway) is dropped;
- WS-Trust 1.3 / WS-SecureConversation 1.3 (``…/ws-sx/…/200512``) become the February 2005
  namespaces and URIs the STS implements, in the body and for the token in the security header.

After serialisation (:func:`finish_answer`, every answer and fault of every service):

- the STS answer carries ``nachrichten:BiPROVersion`` (as last child of the RSTR);
- a release-2.1 request gets its ``BiPROVersion`` back in ``allgemein`` (the only element of such
  an answer the 2.6 XSD does not define there; everything else stays official);
- a WS-Trust 1.3 request gets its answer in the 1.3 namespaces and URIs (an Issue wrapped in
  ``RequestSecurityTokenResponseCollection`` as WS-Trust 1.3 requires).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from bipro_service.namespaces import (
    ALLGEMEIN,
    BIPRO,
    NACHRICHTEN,
    SOAP11_ENV,
    TRANSFER,
    WSC,
    WSC_13,
    WSSE,
    WST,
    WST_13,
)

SHAPE_KEY = "request_shape"
_VERSION = f"{{{NACHRICHTEN}}}BiPROVersion"
_LEGACY_VERSION = f"{{{ALLGEMEIN}}}BiPROVersion"
_CONSUMER = f"{{{NACHRICHTEN}}}ConsumerID"
_BODY = f"{{{SOAP11_ENV}}}Body"
_RSTR = f"{{{WST}}}RequestSecurityTokenResponse"

#: 2.1 leftovers dropped when they carry the value 2.6 implies (operation → element names).
_DROPPED_WHEN_FALSE = {f"{{{TRANSFER}}}getShipment": ("BestaetigeLieferungen",)}
_FALSE = ("false", "0")

#: WS-Trust / WS-SecureConversation 1.3 → February 2005 (namespaces and the URIs we act on).
_NS_13 = {WST_13: WST, WSC_13: WSC}
_URI_13 = {
    f"{WST_13}/Issue": f"{WST}/Issue",
    f"{WST_13}/Validate": f"{WST}/Validate",
    f"{WST_13}/Cancel": f"{WST}/Cancel",
    f"{WST_13}/RSTR/Status": f"{WST}/RSTR/Status",
    f"{WST_13}/status/valid": f"{WST}/status/valid",
    f"{WST_13}/status/invalid": f"{WST}/status/invalid",
    f"{WSC_13}/sct": f"{WSC}/sct",
}
_NS_05 = {old: new for new, old in _NS_13.items()}
_URI_05 = {old: new for new, old in _URI_13.items()}


@dataclass
class RequestShape:
    """How the request was written, so that the answer can be written the same way."""

    version_namespace: str = NACHRICHTEN
    trust: str = WST
    sts: bool = False


def shape_of(rc: Any) -> RequestShape:
    shape = rc.extra.get(SHAPE_KEY)
    return shape if isinstance(shape, RequestShape) else RequestShape()


def canonical_tag(operations: Mapping[str, str], tag: str) -> str | None:
    """The operation element (Clark notation) ``tag`` stands for: itself, its 2.1 capitalised
    form (``ListShipments``), or an RST in the WS-Trust 1.3 namespace; None when unknown."""
    if tag in operations:
        return tag
    name = etree.QName(tag)
    namespace = _NS_13.get(name.namespace or "", name.namespace)
    local = name.localname
    for candidate in (f"{{{namespace}}}{local}", f"{{{namespace}}}{local[:1].lower()}{local[1:]}"):
        if candidate in operations:
            return candidate
    return None


def normalise(
    root: etree._Element, operation: etree._Element, operations: Mapping[str, str], rc: Any
) -> None:
    """Rewrite a request of an older shape into the one Spyne and our schemas know (in place;
    only after the signature was verified on the original)."""
    shape = RequestShape(sts=etree.QName(operation).localname == "RequestSecurityToken")
    canonical = canonical_tag(operations, operation.tag)
    if etree.QName(operation).namespace == WST_13:
        shape.trust = WST_13
        _rename(operation, _NS_13, _URI_13)
    elif canonical is not None and canonical != operation.tag:
        operation.tag = canonical
    header = root.find(f"{{{SOAP11_ENV}}}Header")
    for security in header.iterfind(f"{{{WSSE}}}Security") if header is not None else ():
        for sct in security.iterfind(f"{{{WSC_13}}}SecurityContextToken"):
            _rename(sct, _NS_13, {})
    legacy = list(operation.iter(_LEGACY_VERSION))
    for element in legacy:
        element.tag = _VERSION
    if legacy:
        shape.version_namespace = ALLGEMEIN
    _consumer_id(operation)
    for name in _DROPPED_WHEN_FALSE.get(operation.tag, ()):
        for element in operation.iterfind(f"*/{{{etree.QName(operation).namespace}}}{name}"):
            if (element.text or "").strip().lower() in _FALSE:
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
    rc.extra[SHAPE_KEY] = shape


def _consumer_id(operation: etree._Element) -> None:
    """``<tran:ConsumerID>`` (release 2.1) → ``<nac:ConsumerID>`` in a BiPRO ``Request``."""
    namespace = etree.QName(operation).namespace or ""
    if not namespace.startswith(BIPRO) or namespace == NACHRICHTEN:
        return
    for request in operation:
        for child in request if isinstance(request.tag, str) else ():
            if child.tag == f"{{{namespace}}}ConsumerID":
                child.tag = _CONSUMER


def _rename(
    element: etree._Element, namespaces: Mapping[str, str], uris: Mapping[str, str]
) -> None:
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node)
        target = namespaces.get(name.namespace or "")
        if target is not None:
            node.tag = f"{{{target}}}{name.localname}"
        text = (node.text or "").strip()
        if text in uris and len(node) == 0:
            node.text = uris[text]


def finish_answer(envelope: etree._Element, rc: Any) -> None:
    """Write an answer (Spyne's document or our fault envelope) in the request's shape."""
    body = envelope.find(_BODY)
    if body is None:
        return
    shape = shape_of(rc)
    version = getattr(rc, "bipro_version", None)
    for rstr in body.iterfind(_RSTR):
        if rstr.find(_VERSION) is None and version:
            etree.SubElement(rstr, _VERSION).text = version
    if shape.version_namespace == ALLGEMEIN:
        for element in list(body.iter(_VERSION)):
            element.tag = _LEGACY_VERSION
    if shape.trust == WST_13:
        for rstr in list(body.iterfind(_RSTR)):
            issued = rstr.find(f"{{{WST}}}RequestedSecurityToken") is not None
            _rename(rstr, _NS_05, _URI_05)
            if issued:
                collection = etree.Element(f"{{{WST_13}}}RequestSecurityTokenResponseCollection")
                rstr.addprevious(collection)
                collection.append(rstr)
