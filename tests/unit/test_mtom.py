"""MTOM/XOP: bounded request unpacking, xop:Include resolution, streamed MTOM answers.

The answer assertions follow how field clients read MTOM: ATLAS-DesktopClient lower-cases the
part headers (not the cid: hrefs), treats a part whose type contains "xml" as the SOAP part and
finds ``<xop:Include href="cid:…"`` by regex; BiPROClient takes part 0 as the XML.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import re

import pytest
from lxml import etree

from bipro_service.adapters.xml import mtom
from bipro_service.domain.status import MalformedRequest
from bipro_service.namespaces import SOAP11_ENV, TRANSFER, XOP

LIMITS = mtom.MtomLimits(max_part_bytes=1024 * 1024)
CT = 'multipart/related; type="application/xop+xml"; boundary="b1"; start="<root@x>"'
ENV = (
    f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body><t:op xmlns:t="{TRANSFER}" '
    f'xmlns:xop="{XOP}"><t:Daten><xop:Include href="cid:Doc1@x"/></t:Daten></t:op>'
    "</s:Body></s:Envelope>"
).encode()


def _message(parts: list[bytes], close: bool = True) -> bytes:
    out = b"".join(b"--b1\r\n" + p + b"\r\n" for p in parts)
    return out + (b"--b1--\r\n" if close else b"")


ROOT = b'Content-Type: application/xop+xml; type="text/xml"\r\nContent-ID: <root@x>\r\n\r\n' + ENV
DOC = b"Content-Type: application/pdf\r\nContent-ID: <Doc1@x>\r\n\r\n%PDF\r\n\x00\xff"


def test_unpack_and_resolve() -> None:
    root, parts = mtom.unpack(_message([ROOT, DOC]), CT, LIMITS)
    assert root == ENV and parts == {"Doc1@x": b"%PDF\r\n\x00\xff"}
    tree = etree.fromstring(root)
    mtom.resolve(tree, parts)
    daten = tree.find(f".//{{{TRANSFER}}}Daten")
    assert daten is not None and base64.b64decode(daten.text or "") == b"%PDF\r\n\x00\xff"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_message([ROOT, DOC]), "multipart/related"),  # no boundary
        (_message([ROOT, DOC]), 'multipart/related; boundary="' + "x" * 80 + '"'),
        (_message([ROOT, DOC], close=False), CT),
        (_message([ROOT, DOC, DOC]), CT),  # duplicate Content-ID
        (_message([DOC]), CT),  # start part missing
        (_message([ROOT] + [DOC.replace(b"Doc1", f"D{i}".encode()) for i in range(40)]), CT),
        (_message([b"X" * 5000 + b"\r\n\r\n" + ENV]), CT),  # header too long
        (_message([ROOT.replace(b"application/xop+xml", b"application/pdf"), DOC]), CT),
    ],
)
def test_bad_multipart_is_refused(body: bytes, content_type: str) -> None:
    with pytest.raises(MalformedRequest):
        mtom.unpack(body, content_type, LIMITS)


def test_part_size_cap() -> None:
    big = DOC + b"x" * 2048
    with pytest.raises(MalformedRequest):
        mtom.unpack(_message([ROOT, big]), CT, mtom.MtomLimits(max_part_bytes=1024))


def test_unknown_cid_is_refused() -> None:
    tree = etree.fromstring(ENV)
    with pytest.raises(MalformedRequest):
        mtom.resolve(tree, {"other@x": b"1"})


def test_answer_is_mtom_as_field_clients_read_it() -> None:
    attachments = mtom.Attachments()
    data = b"%PDF-1.4\n" + bytes(range(256)) * 1000
    marker = attachments.placeholder(data, "application/pdf")
    xml_doc = attachments.placeholder(b"<gdv/>", "text/xml")
    answer = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}"><soapenv:Body>'
        f'<tran:x xmlns:tran="{TRANSFER}"><tran:Daten>{base64.b64encode(marker).decode()}'
        f"</tran:Daten><tran:Daten>{base64.b64encode(xml_doc).decode()}</tran:Daten>"
        "</tran:x></soapenv:Body></soapenv:Envelope>"
    ).encode()
    written = mtom.write_answer(answer, attachments)
    assert written is not None
    body = b"".join(written.chunks)
    assert len(body) == written.length
    ct = written.content_type
    assert ct.startswith('multipart/related; type="application/xop+xml"')
    assert 'start-info="text/xml"' in ct and "start=" in ct
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {ct}\r\n\r\n".encode() + body
    )
    parts = list(message.iter_parts())
    assert parts[0].get_content_type() == "application/xop+xml"  # BiPROClient: part 0 = XML
    assert f"<{parts[0]['Content-ID'].strip('<>')}>" == message.get_param("start")
    xml = parts[0].get_payload(decode=True)
    assert isinstance(xml, bytes)
    hrefs = re.findall(rb'<xop:Include\s+href="cid:([^"]+)"', xml)  # ATLAS's regex shape
    assert len(hrefs) == 2
    cids = {p["Content-ID"].strip("<>").lower(): p for p in parts[1:]}
    for href in hrefs:  # ATLAS lower-cases the headers, not the hrefs
        assert href.decode() in cids
    pdf, gdv = (cids[h.decode()] for h in hrefs)
    assert pdf.get_payload(decode=True) == data and pdf["Content-Type"] == "application/pdf"
    assert "xml" not in gdv["Content-Type"] and gdv.get_payload(decode=True) == b"<gdv/>"
    assert pdf["Content-Transfer-Encoding"] == "8bit"  # zeep strips CR/LF of "binary" parts


def test_answer_without_placeholders_stays_xml() -> None:
    attachments = mtom.Attachments()
    attachments.placeholder(b"x", "application/pdf")
    plain = f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body/></s:Envelope>'.encode()
    assert mtom.write_answer(plain, attachments) is None
