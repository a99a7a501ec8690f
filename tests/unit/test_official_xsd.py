"""The official-XSD harness itself: it accepts what the norm allows and finds what it forbids.

Without the official schemas these tests are skipped with the sentence of tests/official.py."""

from __future__ import annotations

import base64

import pytest
from bipro_clients.conformance.official_xsd import OfficialSchemas, answer_errors

from tests.official import prefix_errors, require_schemas

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NAC = "http://www.bipro.net/namespace/nachrichten"
TRAN = "http://www.bipro.net/namespace/transfer"


@pytest.fixture(scope="module")
def schemas() -> OfficialSchemas:
    return require_schemas()


def _status(meldung: str = "04000") -> str:
    return (
        "<nac:Status><nac:ProzessID>p1</nac:ProzessID>"
        "<nac:Zeitstempel>2026-12-02T10:00:00</nac:Zeitstempel><nac:StatusID>OK</nac:StatusID>"
        f"<nac:Schwebe>false</nac:Schwebe><nac:Meldung><nac:ArtID>Hinweis</nac:ArtID>"
        f"<nac:MeldungID>{meldung}</nac:MeldungID></nac:Meldung></nac:Status>"
    )


def _list_answer(lieferung: str, meldung: str = "04000") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:nac="{NAC}" xmlns:tran="{TRAN}">'
        "<soapenv:Body><tran:listShipmentsResponse><tran:Response>"
        f"<nac:BiPROVersion>2.6.1.1.0</nac:BiPROVersion>{_status(meldung)}{lieferung}"
        "</tran:Response></tran:listShipmentsResponse></soapenv:Body></soapenv:Envelope>"
    ).encode()


LIEFERUNG = (
    "<tran:Lieferung><tran:ID>L1</tran:ID><tran:Einstellzeitpunkt>2026-12-02T10:00:00"
    "</tran:Einstellzeitpunkt><tran:Kategorie>110011000</tran:Kategorie>"
    "<tran:VerfuegbarBis>2027-01-01</tran:VerfuegbarBis>{art}"
    "<tran:AnzahlTransfers>1</tran:AnzahlTransfers></tran:Lieferung>"
)


def test_a_valid_answer_has_no_errors(schemas: OfficialSchemas) -> None:
    assert answer_errors(schemas, _list_answer(LIEFERUNG.format(art=""))) == []


def test_codes_outside_the_official_lists_are_found(schemas: OfficialSchemas) -> None:
    art = "<tran:ArtDerLieferung>Dokument</tran:ArtDerLieferung>"
    errors = answer_errors(schemas, _list_answer(LIEFERUNG.format(art=art)))
    assert any("ArtDerLieferung" in e and "enumeration" in e for e in errors)
    assert any("MeldungID" in e for e in answer_errors(schemas, _list_answer("", "02000")))


def test_a_status_without_meldung_is_found(schemas: OfficialSchemas) -> None:
    body = _list_answer("").replace(
        b"<nac:Meldung><nac:ArtID>Hinweis</nac:ArtID><nac:MeldungID>04000</nac:MeldungID>"
        b"</nac:Meldung>",
        b"",
    )
    assert answer_errors(schemas, body)


def test_fault_details_are_validated(schemas: OfficialSchemas) -> None:
    def fault(status: str) -> bytes:
        return (
            f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:nac="{NAC}"><soapenv:Body>'
            "<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>x</faultstring>"
            f"<detail><nac:BiproException><nac:BiPROVersion>2.6.1.1.0</nac:BiPROVersion>"
            f"{status}</nac:BiproException></detail></soapenv:Fault></soapenv:Body>"
            "</soapenv:Envelope>"
        ).encode()

    assert answer_errors(schemas, fault(_status("00962"))) == []
    assert answer_errors(schemas, fault(_status("00962").replace("p1", "p1" * 200)))


def test_mtom_answers_are_validated_as_their_xop_infoset(schemas: OfficialSchemas) -> None:
    root = _list_answer(LIEFERUNG.format(art="")).decode()
    body = (
        '--b1\r\nContent-Type: application/xop+xml; charset=UTF-8; type="text/xml"\r\n'
        f"Content-ID: <root@x>\r\n\r\n{root}\r\n--b1\r\nContent-Type: application/pdf\r\n"
        "Content-ID: <doc@x>\r\n\r\n%PDF-1.4\r\n--b1--\r\n"
    ).encode()
    content_type = 'multipart/related; boundary="b1"; type="application/xop+xml"; start="<root@x>"'
    assert answer_errors(schemas, body, content_type) == []
    assert answer_errors(schemas, body) == []  # boundary taken from the first line


def test_xop_includes_become_the_parts_base64(schemas: OfficialSchemas) -> None:
    from bipro_clients.conformance.official_xsd import XOP, inline_xop
    from lxml import etree

    root = etree.fromstring(
        f'<a xmlns:xop="{XOP}"><d><xop:Include href="cid:Doc%401"/></d></a>'.encode()
    )
    inlined = inline_xop(root, {"Doc@1": b"%PDF"})
    assert inlined.findtext("d") == base64.b64encode(b"%PDF").decode()


def test_prefix_check_finds_foreign_prefixes() -> None:
    good = _list_answer(LIEFERUNG.format(art=""))
    assert prefix_errors("text/xml", good) == []
    bad = (
        good.replace(b"tran:", b"tns:")
        .replace(b"xmlns:tns", b"xmlns:tran")
        .replace(b'xmlns:tran="', b'xmlns:tns="')
    )
    assert prefix_errors("text/xml", bad)
