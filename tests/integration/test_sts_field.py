"""The STS with the request shapes field clients send, its answers read the way they read them,
and Cancel: only the caller's token, by reference to the SCT in the header or by identifier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import select

from bipro_service.adapters.db.models import AuditRecord
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, NACHRICHTEN, TRANSFER, WSC_13, WST, WST_13
from tests.field import RE_VERSION, fixture, local_name_value, regex_token
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user, token
from tests.support import STS_PATH, Answer, call, envelope, request_body, token_header

TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
ISSUE_SHAPES = {
    "sts/atlas_issue.xml": ('""', "2.6.1.1.0"),
    "sts/atlas_vema_issue.xml": ('""', "2.6.1.1.0"),
    "sts/biproclient_issue.xml": ("urn:RequestSecurityToken", "2.6.1.1.0"),
}


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime)
    make_user(app.runtime, "anna")
    make_user(app.runtime, "carl")
    return "anna"


def sts(app: BiproApplication, body: bytes, action: str = '""') -> Answer:
    return call(app, STS_PATH, body, headers={"SOAPAction": action})


def transfer_list(app: BiproApplication, identifier: str) -> Answer:
    body = envelope(request_body(TRANSFER, "listShipments"), token_header(identifier))
    return call(app, TRANSFER_PATH, body, check_official=False)


@pytest.mark.parametrize("name", sorted(ISSUE_SHAPES))
def test_field_login_shapes_and_regex_parsing(app: BiproApplication, anna: str, name: str) -> None:
    action, version = ISSUE_SHAPES[name]
    answer = sts(app, fixture(name, LOGIN=anna, PASSWORD=PASSWORD), action)
    assert answer.code == 200, answer.body
    identifier, expires = regex_token(answer.body)
    assert identifier.startswith("bipro:") and expires > datetime.now(UTC)
    assert RE_VERSION.findall(answer.body.decode()) == [version]
    # BiPROClient: by local name, Expires "with or without zone".
    assert local_name_value(answer.body, "Identifier") == identifier
    assert local_name_value(answer.body, "Expires") == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert transfer_list(app, identifier).code == 200


def test_release_21_login_echoes_the_version_in_allgemein(app: BiproApplication, anna: str) -> None:
    body = fixture("sts/phpsoap_issue.xml", LOGIN=anna, PASSWORD=PASSWORD)
    answer = sts(app, body)
    identifier, _ = regex_token(answer.body)
    rstr = answer.find(".//wst:RequestSecurityTokenResponse")
    assert rstr is not None
    assert rstr.findtext(f"{{{ALLGEMEIN}}}BiPROVersion") == "2.1.6.1.1"
    assert rstr.find(f"{{{NACHRICHTEN}}}BiPROVersion") is None
    assert b"<all:BiPROVersion>2.1.6.1.1</all:BiPROVersion>" in answer.body
    assert transfer_list(app, identifier).code == 200


def test_ws_trust_13_login_answers_in_13(app: BiproApplication, anna: str) -> None:
    body = fixture("sts/wstrust13_issue.xml", LOGIN=anna, PASSWORD=PASSWORD, URL=STS_PATH)
    answer = sts(app, body, "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT")
    assert answer.code == 200, answer.body
    root = answer.xml
    rstr = root.find(
        f".//{{{WST_13}}}RequestSecurityTokenResponseCollection/{{{WST_13}}}RequestSecurityTokenResponse"
    )
    assert rstr is not None, answer.body
    assert rstr.findtext(f"{{{WST_13}}}TokenType") == f"{WSC_13}/sct"
    identifier = rstr.findtext(
        f"{{{WST_13}}}RequestedSecurityToken/{{{WSC_13}}}SecurityContextToken/{{{WSC_13}}}Identifier"
    )
    assert identifier and identifier.startswith("bipro:")
    assert rstr.findtext(f"{{{NACHRICHTEN}}}BiPROVersion") == "2.8.5.1.0"
    assert not [e for e in root.iter() if etree.QName(e).namespace == WST]
    # The 1.3 token in a later call (header in WS-SecureConversation 1.3) and a 1.3 Cancel.
    header = token_header(identifier).replace("http://schemas.xmlsoap.org/ws/2005/02/sc", WSC_13)
    assert (
        call(
            app,
            TRANSFER_PATH,
            envelope(request_body(TRANSFER, "listShipments"), header),
            check_official=False,
        ).code
        == 200
    )
    cancelled = sts(app, fixture("sts/cancel_13.xml", TOKEN=identifier))
    assert cancelled.code == 200, cancelled.body
    assert cancelled.xml.find(f".//{{{WST_13}}}RequestedTokenCancelled") is not None
    assert transfer_list(app, identifier).meldung_ids == ["00962"]


def cancel_by_reference(app: BiproApplication, identifier: str, uri: str = "#sct") -> Answer:
    return sts(app, fixture("sts/cancel_reference.xml", TOKEN=identifier, ID="sct", URI=uri))


def test_cancel_by_reference_cancels_that_token(app: BiproApplication, anna: str) -> None:
    identifier = token(app, anna)
    other = token(app, anna)
    assert transfer_list(app, identifier).code == 200
    answer = cancel_by_reference(app, identifier)
    assert answer.code == 200 and answer.find(".//wst:RequestedTokenCancelled") is not None
    assert RE_VERSION.findall(answer.body.decode()) == ["2.6.1.1.0"]
    refused = transfer_list(app, identifier)
    assert refused.code == 500 and refused.meldung_ids == ["00962"]
    assert transfer_list(app, other).code == 200  # only that token
    # Cancelled is cancelled: a second Cancel with it is refused as an invalid session.
    assert cancel_by_reference(app, identifier).meldung_ids == ["00962"]


@pytest.mark.parametrize(
    ("uri", "reason"),
    [("#elsewhere", "dangling token reference"), ("{token}", "dangling token reference")],
)
def test_dangling_reference_is_refused_and_audited(
    app: BiproApplication, anna: str, uri: str, reason: str
) -> None:
    identifier = token(app, anna)
    answer = cancel_by_reference(app, identifier, uri.format(token=identifier))
    assert answer.code == 500 and answer.meldung_ids == ["00916"]
    assert "wsu:Id" in (answer.text(".//faultstring") or "")
    assert transfer_list(app, identifier).code == 200  # nothing cancelled
    with app.runtime.uow() as uow:
        record = uow.session.scalar(
            select(AuditRecord)
            .where(AuditRecord.operation == "RequestSecurityToken")
            .order_by(AuditRecord.seq.desc())
            .limit(1)
        )
        assert record is not None
        assert (record.outcome, record.meldung_id, record.detail) == ("FAULT", "00916", reason)


def test_reference_without_uri_and_missing_target(app: BiproApplication, anna: str) -> None:
    identifier = token(app, anna)
    no_uri = fixture("sts/cancel_reference.xml", TOKEN=identifier, ID="sct", URI="").replace(
        b' URI=""', b""
    )
    assert sts(app, no_uri).meldung_ids == ["00915"]
    no_target = (
        fixture("sts/cancel_identifier.xml", TOKEN=identifier, HEADER="")
        .replace(b"<wst:CancelTarget>", b"<wst:Other>")
        .replace(b"</wst:CancelTarget>", b"</wst:Other>")
    )
    assert sts(app, no_target).meldung_ids == ["00912"]


def test_cancel_by_identifier_and_foreign_tokens(app: BiproApplication, anna: str) -> None:
    mine = token(app, anna)
    carls = token(app, "carl")
    # The token named directly, the caller's own token in the header: someone else's → 00916.
    foreign = sts(app, fixture("sts/cancel_identifier.xml", TOKEN=carls, HEADER=token_header(mine)))
    assert foreign.meldung_ids == ["00916"]
    assert transfer_list(app, carls).code == 200
    with app.runtime.uow() as uow:
        record = uow.session.scalar(
            select(AuditRecord).where(AuditRecord.meldung_id == "00916").limit(1)
        )
        assert record is not None and record.user_login == "anna"
        assert record.detail == "token of another caller"
    # Own token, named directly with itself in the header; and without header (the identifier
    # is the credential: as before).
    second = token(app, anna)
    assert (
        sts(
            app, fixture("sts/cancel_identifier.xml", TOKEN=second, HEADER=token_header(second))
        ).code
        == 200
    )
    assert sts(app, fixture("sts/cancel_identifier.xml", TOKEN=mine, HEADER="")).code == 200
    assert transfer_list(app, mine).meldung_ids == ["00962"]
    assert transfer_list(app, second).meldung_ids == ["00962"]
    unknown = sts(app, fixture("sts/cancel_identifier.xml", TOKEN="bipro:unknown", HEADER=""))
    assert unknown.meldung_ids == ["00962"]
