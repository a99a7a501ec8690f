"""MTOM/XOP on the wire: getShipment answers as MTOM (or inline base64 by firm setting), MTOM
requests on every service (a 503 claim attachment as an XOP part), bad multipart refused."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import re

import pytest
from click.testing import CliRunner

from bipro_service.cli.main import main
from bipro_service.config import Settings
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, GEVO
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.claims_helpers import SCHADEN_PATH, audit_records, new_key, stored_claims
from tests.integration.portfolio_calls import transfer
from tests.integration.portfolio_helpers import PDF, make_customer, make_shipment
from tests.integration.test_claims_field import fixture
from tests.integration.test_claims_field import tok as tok
from tests.support import call

BOUNDARY = "MIMEBoundary_test0815"
CID = "pdf.0815@mvp.example"


@pytest.fixture
def post(app: BiproApplication) -> tuple[str, str]:
    rt = app.runtime
    make_firm(rt, "T100")
    make_user(rt, "anna", "T100")
    make_customer(rt, "K1", "T100", contract="VAL-1")
    return make_shipment(rt, "T100", customer="K1", data=PDF), token(app, "anna")


def test_get_shipment_answers_mtom_as_the_field_parses_it(
    app: BiproApplication, post: tuple[str, str]
) -> None:
    shipment, tok = post
    answer = transfer(app, tok, "getShipment", f"<t:ID>{shipment}</t:ID>")
    content_type = answer.headers["Content-Type"]
    assert content_type.startswith("multipart/related;")
    assert 'type="application/xop+xml"' in content_type and 'start="<' in content_type
    assert 'start-info="text/xml"' in content_type
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + answer.body
    )
    root, *parts = list(message.iter_parts())
    # BiPROClient takes part 0 as the XML; ATLAS the part whose type names xml.
    assert root.get_content_type() == "application/xop+xml"
    assert root.get("Content-ID").strip("<>") == message.get_param("start").strip("<>")
    [part] = parts
    assert part.get_content_type() == "application/pdf" and "xml" not in part["Content-Type"]
    assert part.get_payload(decode=True) == PDF
    xml = root.get_payload(decode=True)
    # ATLAS: lower-cased Content-ID headers, cid: hrefs compared as written, this exact regex.
    [href] = re.findall(rb'<xop:Include\s+href="cid:([^"]+)"', xml)
    assert href.decode() == part["Content-ID"].strip("<>") == href.decode().lower()
    assert b"<all:Daten " in xml and b'xmime:contentType="application/pdf"' in xml
    assert len(answer.body) == int(answer.headers["Content-Length"])
    # Resolved, the answer is the inline one.
    daten = answer.xml.findtext(f".//{{{GEVO}}}Datei/{{{ALLGEMEIN}}}Daten")
    assert base64.b64decode(daten or "") == PDF


def test_firm_set_to_inline_gets_base64(
    app: BiproApplication, settings: Settings, post: tuple[str, str]
) -> None:
    shipment, tok = post
    environment = {"BIPRO_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(main, ["brokers", "delivery", "T100", "inline"], env=environment)
    assert result.exit_code == 0, result.output
    answer = transfer(app, tok, "getShipment", f"<t:ID>{shipment}</t:ID>")
    assert answer.headers["Content-Type"].startswith("text/xml")
    daten = answer.xml.findtext(f".//{{{GEVO}}}Datei/{{{ALLGEMEIN}}}Daten")
    assert base64.b64decode(daten or "") == PDF
    [record] = audit_records(app.runtime, operation="setDocumentDelivery")
    assert record.outcome == "OK"
    refused = CliRunner().invoke(main, ["brokers", "delivery", "T100", "fax"], env=environment)
    assert refused.exit_code != 0


def _multipart(xml: bytes, parts: list[tuple[str, bytes]], start: str = "root@mvp") -> bytes:
    out = (
        f"--{BOUNDARY}\r\nContent-Type: application/xop+xml; charset=UTF-8; "
        f'type="text/xml"\r\nContent-ID: <{start}>\r\n\r\n'
    ).encode() + xml
    for cid, data in parts:
        out += (
            f"\r\n--{BOUNDARY}\r\nContent-Type: application/pdf\r\n"
            f"Content-Transfer-Encoding: binary\r\nContent-ID: <{cid}>\r\n\r\n"
        ).encode() + data
    return out + f"\r\n--{BOUNDARY}--\r\n".encode()


MTOM_TYPE = (
    f'multipart/related; type="application/xop+xml"; boundary="{BOUNDARY}"; '
    'start="<root@mvp>"; start-info="text/xml"'
)


def _notification(tok: str, key: str) -> bytes:
    xml = fixture("schaden_setNotification.xml", TOKEN=tok, KEY=key, PDF="@@")
    include = f'<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:{CID}"/>'
    return xml.replace(b"@@", include.encode())


def test_claim_attachment_as_an_mtom_part(app: BiproApplication, tok: str) -> None:
    key = new_key()
    body = _multipart(_notification(tok, key), [(CID, PDF)])
    answer = call(app, SCHADEN_PATH, body, headers={"Content-Type": MTOM_TYPE})
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body[:1500]
    [claim] = stored_claims(app.runtime)
    assert claim.idempotency_key == key
    assert [d.data for d in claim.documents] == [PDF]


@pytest.mark.parametrize(
    ("mangle", "text"),
    [
        (
            lambda b, t: b.replace(f'href="cid:{CID}"'.encode(), b'href="cid:other@mvp"'),
            "unbekannten Teil",
        ),
        (lambda b, t: b, "ist doppelt"),
        (lambda b, t: b[: b.rfind(b"--" + BOUNDARY.encode())], ""),
    ],
    ids=["unknown-cid", "duplicate-cid", "no-closing-boundary"],
)
def test_bad_mtom_refused_and_audited(
    app: BiproApplication,
    tok: str,
    mangle: object,
    text: str,
) -> None:
    parts = [(CID, PDF), (CID, PDF)] if text == "ist doppelt" else [(CID, PDF)]
    body = mangle(_multipart(_notification(tok, new_key()), parts), tok)  # type: ignore[operator]
    answer = call(app, SCHADEN_PATH, body, headers={"Content-Type": MTOM_TYPE})
    assert answer.code == 500 and answer.is_fault, answer.body[:800]
    assert answer.meldung_ids == ["00001"]
    assert text in answer.body.decode()
    assert stored_claims(app.runtime) == []
    records = audit_records(app.runtime, outcome="FAULT")
    assert records and len(records[-1].detail or "") < 1000


def test_xop_include_in_a_plain_request_is_refused(
    app: BiproApplication,
    tok: str,
) -> None:
    answer = call(app, SCHADEN_PATH, _notification(tok, new_key()))
    assert answer.is_fault and answer.meldung_ids == ["00001"]
    assert stored_claims(app.runtime) == []
