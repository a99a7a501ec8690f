"""MTOM/XOP (``multipart/related``) for requests and answers, without Spyne's MTOM path.

Requests: :func:`unpack` splits a bounded ``multipart/related`` body into its root part and
attachments (part count, header size and part size bounded, boundary checked, duplicate
Content-IDs refused); the root then goes through the hardened parser like any request and
:func:`resolve` puts each ``xop:Include`` back as base64 text of the part it names.

Answers: :func:`write_answer` turns an answer whose ``Daten`` elements hold a placeholder
(:func:`placeholder`) into an MTOM message whose attachment parts are streamed from the
document bytes, never base64-encoded into the tree.

Field facts the answer shape follows (ATLAS-DesktopClient, BiPROClient): ATLAS lower-cases the
part headers but not the ``cid:`` hrefs, takes any part whose Content-Type contains ``xml`` as
the SOAP part, and finds ``<xop:Include href="cid:…"`` by regular expression; BiPROClient
takes part 0 as the XML. Hence lower-case Content-IDs, the root part first, ``xop`` declared
on the envelope, and no ``xml`` in an attachment's Content-Type.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import unquote

from lxml import etree

from bipro_service.domain.status import MalformedRequest
from bipro_service.namespaces import PREFIX_OF, XMIME, XOP

_INCLUDE = f"{{{XOP}}}Include"
_CONTENT_TYPE = f"{{{XMIME}}}contentType"
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]\Z")
_CHUNK = 64 * 1024
_MARKER = b"\x00bipro-xop:"
ROOT_TYPES = ("application/xop+xml", "text/xml")


#: Content-Transfer-Encoding of answer parts (see ``write_answer``).
PART_ENCODING = "8bit"


@dataclass(frozen=True, slots=True)
class MtomLimits:
    """Bounds of one ``multipart/related`` request (the body as a whole is capped before)."""

    max_part_bytes: int
    max_parts: int = 32
    max_header_bytes: int = 4096
    max_header_lines: int = 16


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").strip().lower().startswith("multipart/related")


def _params(content_type: str) -> Message:
    message = Message()
    message["Content-Type"] = content_type
    return message


def _cid(value: str) -> str:
    return unquote(value.strip().strip("<>").strip())


def unpack(data: bytes, content_type: str, limits: MtomLimits) -> tuple[bytes, dict[str, bytes]]:
    """The root part (the SOAP envelope) and the other parts by Content-ID."""
    params = _params(content_type)
    boundary = params.get_param("boundary")
    if not isinstance(boundary, str) or not _BOUNDARY.match(boundary):
        raise MalformedRequest("multipart/related ohne gültige boundary.")
    start_param = params.get_param("start")
    start = _cid(start_param) if isinstance(start_param, str) else None
    delimiter = b"--" + boundary.encode("ascii")
    if data.startswith(delimiter):
        position = 0
    else:
        found = data.find(b"\n" + delimiter)
        if found < 0:
            raise MalformedRequest("multipart/related: boundary nicht gefunden.")
        position = found + 1
    parts: list[tuple[dict[str, str], bytes]] = []
    closed = False
    while True:
        position += len(delimiter)
        if data[position : position + 2] == b"--":
            closed = True
            break
        line_end = data.find(b"\n", position)
        if line_end < 0 or data[position:line_end].strip(b" \t\r"):
            raise MalformedRequest("multipart/related: fehlerhafte boundary-Zeile.")
        header_start = line_end + 1
        following = data.find(b"\n" + delimiter, header_start)
        if following < 0:
            break
        end = following - 1 if data[following - 1 : following] == b"\r" else following
        if len(parts) >= limits.max_parts:
            raise MalformedRequest(f"multipart/related mit mehr als {limits.max_parts} Teilen.")
        parts.append(_part(data, header_start, end, limits))
        position = following + 1
    if not closed:
        raise MalformedRequest("multipart/related ohne schließende boundary.")
    return _root_and_attachments(parts, start)


def _part(data: bytes, start: int, end: int, limits: MtomLimits) -> tuple[dict[str, str], bytes]:
    window = data[start : min(end, start + limits.max_header_bytes + 4)]
    split = re.search(rb"\r?\n\r?\n", window)
    if window.startswith((b"\r\n", b"\n")):
        head_end, body_start = start, start + (2 if window.startswith(b"\r\n") else 1)
    elif split is None:
        raise MalformedRequest("multipart/related: Kopfzeilen eines Teils zu lang oder fehlend.")
    else:
        head_end, body_start = start + split.start(), start + split.end()
    lines = data[start:head_end].decode("latin-1").splitlines()
    if len(lines) > limits.max_header_lines:
        raise MalformedRequest("multipart/related: zu viele Kopfzeilen in einem Teil.")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise MalformedRequest("multipart/related: fehlerhafte Kopfzeile.")
        headers[name.strip().lower()] = value.strip()
    if end - body_start > limits.max_part_bytes:
        raise MalformedRequest(f"Ein Teil ist größer als {limits.max_part_bytes} Bytes.")
    body = data[body_start:end]
    encoding = headers.get("content-transfer-encoding", "binary").lower()
    if encoding == "base64":
        try:
            body = base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            raise MalformedRequest("multipart/related: Teil ist kein gültiges base64.") from None
    elif encoding not in ("binary", "8bit", "7bit"):
        raise MalformedRequest(f"Content-Transfer-Encoding {encoding[:20]!r} nicht unterstützt.")
    return headers, body


def _root_and_attachments(
    parts: list[tuple[dict[str, str], bytes]], start: str | None
) -> tuple[bytes, dict[str, bytes]]:
    if not parts:
        raise MalformedRequest("multipart/related ohne Teile.")
    root: bytes | None = None
    attachments: dict[str, bytes] = {}
    for index, (headers, body) in enumerate(parts):
        cid = _cid(headers.get("content-id", ""))
        is_root = cid == start if start else index == 0
        if is_root and root is None:
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in ROOT_TYPES:
                raise MalformedRequest("Der Hauptteil muss application/xop+xml sein.")
            root = body
            continue
        if not cid:
            raise MalformedRequest("Anhang ohne Content-ID.")
        if cid in attachments or cid == start:
            raise MalformedRequest(f"Content-ID {cid[:80]!r} ist doppelt.")
        attachments[cid] = body
    if root is None:
        raise MalformedRequest("Der in start genannte Hauptteil fehlt.")
    return root, attachments


def resolve(root: etree._Element, attachments: dict[str, bytes]) -> None:
    """Replace every ``xop:Include`` by the base64 text of the part it names."""
    lowered = {cid.lower(): data for cid, data in attachments.items()}
    for include in list(root.iter(_INCLUDE)):
        href = include.get("href") or ""
        parent = include.getparent()
        if not href.startswith("cid:") or parent is None:
            raise MalformedRequest("xop:Include ohne cid:-Verweis.")
        cid = unquote(href[4:])
        data = attachments.get(cid, lowered.get(cid.lower()))
        if data is None:
            raise MalformedRequest(f"xop:Include verweist auf unbekannten Teil {cid[:80]!r}.")
        if len(parent) != 1 or (parent.text or "").strip() or (include.tail or "").strip():
            raise MalformedRequest("xop:Include muss einziger Inhalt seines Elements sein.")
        parent.remove(include)
        parent.text = base64.b64encode(data).decode("ascii")


# -- answers --------------------------------------------------------------------------------


@dataclass
class Attachment:
    cid: str
    content_type: str
    data: bytes


@dataclass
class Attachments:
    """The documents one answer sends as MTOM parts (registered by the operation)."""

    items: dict[bytes, Attachment] = field(default_factory=dict)

    def placeholder(self, data: bytes, content_type: str) -> bytes:
        """Register ``data``; the returned bytes stand in ``Daten`` until the answer is written."""
        cid = f"{len(self.items) + 1}.{uuid.uuid4().hex}@bipro-service"
        marker = _MARKER + cid.encode("ascii")
        self.items[marker] = Attachment(cid, _part_type(content_type), data)
        return marker


def _part_type(content_type: str) -> str:
    kind = (content_type or "").split(";")[0].strip()
    if not kind or "xml" in kind.lower() or not re.fullmatch(r"[\w.+-]+/[\w.+-]+", kind):
        return "application/octet-stream"  # ATLAS takes any part with "xml" for the SOAP part
    return kind


@dataclass
class MtomAnswer:
    content_type: str
    length: int
    chunks: Iterator[bytes]


def write_answer(envelope_xml: bytes, attachments: Attachments) -> MtomAnswer | None:
    """The MTOM message of an answer with placeholders; ``None`` when it holds none."""
    if not attachments.items:
        return None
    root = etree.fromstring(envelope_xml, etree.XMLParser(resolve_entities=False))
    used: list[Attachment] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname != "Daten":
            continue
        try:
            raw = base64.b64decode(element.text or "", validate=True)
        except (binascii.Error, ValueError):
            continue
        attachment = attachments.items.get(raw)
        if attachment is None:
            continue
        element.text = None
        if element.get(_CONTENT_TYPE) is None:
            element.set(_CONTENT_TYPE, attachment.content_type)
        etree.SubElement(element, _INCLUDE, href=f"cid:{attachment.cid}")
        used.append(attachment)
    if not used:
        return None
    root = _declare_xop(root)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    boundary = f"MIMEBoundary_{uuid.uuid4().hex}"
    start = f"root.{uuid.uuid4().hex}@bipro-service"
    heads = [
        f"--{boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; "
        f'type="text/xml"\r\nContent-Transfer-Encoding: binary\r\n'
        f"Content-ID: <{start}>\r\n\r\n".encode()
    ]
    for item in used:
        heads.append(
            f"\r\n--{boundary}\r\nContent-Type: {item.content_type}\r\n"
            # 8bit, not binary: zeep strips CR/LF at both ends of a "binary" part (a PDF ending
            # in "%%EOF\n" would lose its newline and its checksum); the bytes are the same.
            f"Content-Transfer-Encoding: {PART_ENCODING}\r\n"
            f"Content-ID: <{item.cid}>\r\n\r\n".encode()
        )
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = sum(map(len, heads)) + len(xml) + sum(len(i.data) for i in used) + len(tail)

    def chunks() -> Iterator[bytes]:
        yield heads[0] + xml
        for head, item in zip(heads[1:], used, strict=True):
            yield head
            view = memoryview(item.data)
            for offset in range(0, len(view), _CHUNK):
                yield bytes(view[offset : offset + _CHUNK])
        yield tail

    content_type = (
        f'multipart/related; type="application/xop+xml"; boundary="{boundary}"; '
        f'start="<{start}>"; start-info="text/xml"'
    )
    return MtomAnswer(content_type, length, chunks())


def _declare_xop(root: etree._Element) -> etree._Element:
    """``xop`` declared on the envelope, so ``<xop:Include href=…`` carries no declaration."""
    nsmap: dict[str, str] = {k: v for k, v in root.nsmap.items() if k is not None}
    nsmap[PREFIX_OF[XOP]] = XOP
    if any(e.get(_CONTENT_TYPE) is not None for e in root.iter() if isinstance(e.tag, str)):
        nsmap[PREFIX_OF[XMIME]] = XMIME
    attrib: dict[str, str] = {str(k): str(v) for k, v in root.attrib.items()}
    new = etree.Element(root.tag, attrib=attrib, nsmap=nsmap)
    for child in list(root):
        new.append(child)
    etree.cleanup_namespaces(new, top_nsmap=nsmap, keep_ns_prefixes=list(nsmap))  # xsi:type
    return new
