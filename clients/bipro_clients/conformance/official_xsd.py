"""Validating answers against the official BiPRO XSDs (a folder of them, never shipped here).

The official schema set is not part of this package: point :func:`load` at a folder holding the
``bipro-*.xsd`` files of a release (for our CI ``../shared/reference/bipro-2.6-xsd``). Every
SOAP Body child in a BiPRO namespace, and every ``nachrichten:BiproException`` in a fault's
``detail``, is validated as the element it is. Answers sent as MTOM are validated as their XOP
infoset: each ``xop:Include`` is replaced by the base64 text of the part it names.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import functools
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
XOP = "http://www.w3.org/2004/08/xop/include"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
BIPRO_PREFIX = "http://www.bipro.net/namespace"
#: Our own schemas of what the field sends beyond the official 2.6 set (440 in
#: ``http://www.bipro.net/namespace``) and of our extensions (``urn:bipro-service:erweiterung``):
#: loaded after the official files, they build on the official types, so everything the official
#: schemas define inside those answers is validated as they define it.
FIELD_DIR = Path(__file__).resolve().parent / "field"
#: Files of the folder that describe nothing a BiPRO answer contains (WS-Enumeration needs the
#: W3C ``xml`` namespace schema, which the folder lacks).
_SKIPPED = frozenset({"enumeration-2011-03.xsd"})


#: Answers carry documents beyond libxml2's 10 MB text-node limit (never used on requests).
_ANSWERS = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


class OfficialSchemas:
    """The official schema set of one release, loaded once."""

    def __init__(self, folder: Path) -> None:
        files = sorted(p for p in folder.glob("*.xsd") if p.name not in _SKIPPED)
        if not files:
            raise FileNotFoundError(f"no *.xsd files in {folder}")
        imports = []
        self.namespaces: set[str] = set()
        for path in [*files, *sorted(FIELD_DIR.glob("*.xsd"))]:
            namespace = etree.parse(str(path)).getroot().get("targetNamespace") or ""
            self.namespaces.add(namespace)
            imports.append(
                f'<xs:import namespace="{namespace}" schemaLocation="{path.resolve().as_uri()}"/>'
            )
        wrapper = f'<xs:schema xmlns:xs="{XS}">{"".join(imports)}</xs:schema>'
        self.folder = folder
        self.schema = etree.XMLSchema(etree.fromstring(wrapper.encode()))

    def errors_of_element(self, element: etree._Element) -> list[str]:
        """Schema errors of one element validated as a document of its own (empty: valid)."""
        copy = etree.fromstring(etree.tostring(element), _ANSWERS)
        if self.schema.validate(copy):
            return []
        return [f"line {e.line}: {e.message}" for e in self.schema.error_log]  # type: ignore[attr-defined]

    def errors(
        self, answer: bytes | etree._Element, parts: Mapping[str, bytes] | None = None
    ) -> list[str]:
        """Schema errors of a SOAP answer's BiPRO elements (``parts``: MTOM parts by Content-ID)."""
        root = etree.fromstring(answer, _ANSWERS) if isinstance(answer, bytes) else answer
        if parts is not None or root.find(f".//{{{XOP}}}Include") is not None:
            root = inline_xop(root, parts or {})
        body = root.find(f"{{{SOAP11_ENV}}}Body")
        if body is None:
            return ["no SOAP 1.1 Body"]
        problems: list[str] = []
        for element in _bipro_elements(body, self.namespaces):
            problems += [
                f"{etree.QName(element).localname}: {p}" for p in self.errors_of_element(element)
            ]
        return problems


def _bipro_elements(body: etree._Element, known: set[str]) -> list[etree._Element]:
    found = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        if etree.QName(child).localname == "Fault" and etree.QName(child).namespace == SOAP11_ENV:
            detail = child.find("detail")
            found += [d for d in (detail if detail is not None else []) if _is_bipro(d, known)]
        elif _is_bipro(child, known):
            found.append(child)
    return found


def _is_bipro(element: etree._Element, known: set[str]) -> bool:
    if not isinstance(element.tag, str):
        return False
    namespace = etree.QName(element).namespace or ""
    return namespace.startswith(BIPRO_PREFIX) or namespace in known


def inline_xop(root: etree._Element, parts: Mapping[str, bytes]) -> etree._Element:
    """A copy of ``root`` with every ``xop:Include`` replaced by its part as base64 text."""
    copy = etree.fromstring(etree.tostring(root), _ANSWERS)
    for include in list(copy.iter(f"{{{XOP}}}Include")):
        href = include.get("href", "")
        cid = href[4:] if href.startswith("cid:") else href
        parent = include.getparent()
        assert parent is not None
        data = parts.get(cid)
        if data is None:
            data = parts.get(unquote(cid), b"")
        parent.remove(include)
        parent.text = base64.b64encode(data).decode("ascii")
    return copy


@functools.cache
def load(folder: str | Path) -> OfficialSchemas:
    """The schema set of ``folder``, loaded once per process."""
    return OfficialSchemas(Path(folder))


def split_multipart(content_type: str, body: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The root part and the other parts (by Content-ID) of a ``multipart/related`` message."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    start = message.get_param("start")
    root: bytes | None = None
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        cid = (part.get("Content-ID") or "").strip().strip("<>")
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes):
            data = str(data).encode()
        if root is None and (start is None or cid == str(start).strip().strip("<>")):
            root = data
        else:
            parts[cid] = data
    if root is None:
        raise ValueError("multipart message without its root part")
    return root, parts


def answer_errors(schemas: OfficialSchemas, body: bytes, content_type: str = "") -> list[str]:
    """Errors of one HTTP answer body: SOAP XML, or MTOM (``multipart/related``; without a
    content type the boundary is taken from the body's first line)."""
    stripped = body.lstrip()
    if not content_type.lower().startswith("multipart/") and stripped.startswith(b"--"):
        boundary = stripped.split(b"\n", 1)[0].strip()[2:].decode("ascii", "replace")
        content_type = f'multipart/related; boundary="{boundary}"'
    if content_type.lower().startswith("multipart/"):
        root, parts = split_multipart(content_type, body)
        return schemas.errors(root, parts)
    if not stripped.startswith(b"<"):
        return []
    try:
        return schemas.errors(body)
    except etree.XMLSyntaxError as error:
        return [f"answer is no XML: {error}"]
