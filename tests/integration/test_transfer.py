"""Transfer service (BiPRO 430) through the WSGI app: flow, scoping, raw client shapes."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from sqlalchemy import func, select

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import AuditRecord
from bipro_service.entrypoints.soap.transfer import verfuegbar_bis
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, GEVO, XMIME, XSI
from tests.integration.accounts_helpers import token
from tests.integration.portfolio_calls import TRANSFER_PATH, T, ids, transfer
from tests.integration.portfolio_helpers import PDF, make_shipment, two_firms
from tests.support import Answer, call, envelope, request_body, token_header


@pytest.fixture
def world(app: BiproApplication) -> dict[str, str]:
    rt = app.runtime
    two_firms(rt)
    shipments = {
        "a_k1": make_shipment(rt, "T100", customer="K1"),
        "a_general": make_shipment(rt, "T100", category="210000000"),
        "b_k2": make_shipment(rt, "T200", customer="K2"),
        "a_k3_before_change": make_shipment(rt, "T100", customer="K3"),
        "b_k3": make_shipment(rt, "T200", customer="K3", category="130000000"),
    }
    return shipments


def test_list_get_acknowledge_flow(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    listed = transfer(app, tok, "listShipments")
    assert listed.code == 200 and listed.text(".//nachr:StatusID") == "OK"
    assert sorted(ids(listed)) == sorted([world["a_k1"], world["a_general"]])
    got = transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert got.text(".//nachr:StatusID") == "OK"
    transfer_element = got.find(f".//{{{T}}}Lieferung/{{{T}}}Transfer")
    assert transfer_element is not None
    assert transfer_element.get(f"{{{XSI}}}type") == "trgevo:CT_GeVoTransfer"
    assert transfer_element.findtext(f"{{{GEVO}}}ArtID") == "100001000"
    datei = transfer_element.find(f"{{{GEVO}}}Datei")
    assert datei is not None
    assert datei.findtext(f"{{{ALLGEMEIN}}}Dateiname") == "brief.pdf"
    assert datei.findtext(f"{{{ALLGEMEIN}}}Dateityp") == "Dokument"
    daten = datei.find(f"{{{ALLGEMEIN}}}Daten")
    assert daten is not None and daten.get(f"{{{XMIME}}}contentType") == "application/pdf"
    assert base64.b64decode(daten.text or "") == PDF
    assert datei.findtext(f"{{{ALLGEMEIN}}}Komprimierungstyp") == "KEINE"
    assert datei.findtext(f"{{{ALLGEMEIN}}}Pruefsumme/{{{ALLGEMEIN}}}Typ") == "SHA1"
    assert datei.findtext(f"{{{ALLGEMEIN}}}Pruefsumme/{{{ALLGEMEIN}}}Wert") == (
        hashlib.sha1(PDF).hexdigest()  # noqa: S324 - CT_Pruefsumme: MD5 or SHA1
    )
    zuordnung = transfer_element.find(f"{{{T}}}Zuordnungsdaten")
    assert zuordnung is not None and zuordnung.findtext(f"{{{T}}}Partnernummer") == "K1"
    acked = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert acked.text(".//nachr:StatusID") == "OK" and acked.meldung_ids == ["04000"]
    again = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert again.text(".//nachr:StatusID") == "OK" and again.meldung_ids == ["04002"]
    after = transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert after.text(".//nachr:StatusID") == "NOK" and after.meldung_ids == ["04002"]
    assert world["a_k1"] not in ids(transfer(app, tok, "listShipments"))


def test_foreign_and_unknown_shipments_answer_alike(
    app: BiproApplication, world: dict[str, str]
) -> None:
    tok = token(app, "anna")
    foreign = transfer(app, tok, "getShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    unknown = transfer(app, tok, "getShipment", "<t:ID>does-not-exist</t:ID>")
    assert foreign.meldung_ids == unknown.meldung_ids == ["04003"]
    assert foreign.find(f".//{{{T}}}Lieferung") is None
    ack = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    assert ack.meldung_ids == ["04003"]
    b_tok = token(app, "bernd")
    assert world["b_k2"] in ids(transfer(app, b_tok, "listShipments"))  # still open for B


def test_changed_customer_only_visible_to_new_firm(
    app: BiproApplication, world: dict[str, str]
) -> None:
    a_ids = ids(transfer(app, token(app, "anna"), "listShipments"))
    b_ids = ids(transfer(app, token(app, "bernd"), "listShipments"))
    assert world["a_k3_before_change"] not in a_ids
    assert world["b_k3"] in b_ids and world["a_k3_before_change"] not in b_ids
    got = transfer(
        app, token(app, "anna"), "getShipment", f"<t:ID>{world['a_k3_before_change']}</t:ID>"
    )
    assert got.meldung_ids == ["04003"]


def test_user_without_portfolio_rights_sees_only_general_post(
    app: BiproApplication, world: dict[str, str]
) -> None:
    assert ids(transfer(app, token(app, "ohne"), "listShipments")) == [world["a_general"]]


def test_test_access_never_sees_real_data(app: BiproApplication, world: dict[str, str]) -> None:
    real = make_shipment(app.runtime, "T100", is_test=False)
    assert real not in ids(transfer(app, token(app, "anna"), "listShipments"))


def _by_category(app: BiproApplication, tok: str, code: str) -> Answer:
    filter_ = f"<t:KategorieDerLieferung>{code}</t:KategorieDerLieferung>"
    return transfer(app, tok, "listShipments", filter_)


@pytest.mark.parametrize("code", ["210000000", "210000", "210"])
def test_category_filter_of_three_six_or_nine_digits(
    app: BiproApplication, world: dict[str, str], code: str
) -> None:
    """``KategorieDerLieferung`` (``ST_SuchGeVoArt``) selects every category it begins."""
    only = _by_category(app, token(app, "anna"), code)
    assert ids(only) == [world["a_general"]] and only.meldung_ids == ["04000"]


def test_category_filter_without_match_and_malformed(
    app: BiproApplication, world: dict[str, str]
) -> None:
    tok = token(app, "anna")
    none = _by_category(app, tok, "999010010")
    assert none.meldung_ids == ["04001"] and none.text(".//nachr:StatusID") == "OK"
    assert ids(_by_category(app, tok, "100")) == [world["a_k1"]]
    for bad in ("1", "2100", "21000000a"):  # not 3, 6 or 9 digits: not ST_SuchGeVoArt
        answer = _by_category(app, tok, bad)
        assert answer.is_fault and answer.meldung_ids == ["00007"], bad


def test_expired_shipment(app: BiproApplication, world: dict[str, str]) -> None:
    old = make_shipment(app.runtime, "T100", available_days=-1)
    tok = token(app, "anna")
    assert old not in ids(transfer(app, tok, "listShipments"))
    assert transfer(app, tok, "getShipment", f"<t:ID>{old}</t:ID>").meldung_ids == ["04006"]


def test_bestaetige_lieferungen_lists_acknowledged_shipments(
    app: BiproApplication, world: dict[str, str]
) -> None:
    """The norm: acknowledged shipments are listed only with ``BestaetigeLieferungen`` true."""
    tok = token(app, "anna")
    acked = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert acked.text(".//nachr:StatusID") == "OK"
    confirmed = "<t:BestaetigeLieferungen>{}</t:BestaetigeLieferungen>"
    with_acked = transfer(app, tok, "listShipments", confirmed.format("true"))
    assert with_acked.meldung_ids == ["04000"]
    assert sorted(ids(with_acked)) == sorted([world["a_k1"], world["a_general"]])
    stamps = {
        e.findtext(f"{{{T}}}ID"): e.findtext(f"{{{T}}}Bestaetigungszeitpunkt")
        for e in with_acked.xml.iterfind(f".//{{{T}}}Lieferung")
    }
    assert stamps[world["a_general"]] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stamps[world["a_k1"]] or "")
    for without in (confirmed.format("false"), ""):
        assert ids(transfer(app, tok, "listShipments", without)) == [world["a_general"]]
    # Listed, but an acknowledged shipment is not delivered again (04002).
    got = transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    assert got.meldung_ids == ["04002"] and got.text(".//nachr:StatusID") == "NOK"


def test_lieferung_in_the_official_shape(app: BiproApplication, world: dict[str, str]) -> None:
    """Times as ST_Zeitstempel (UTC), VerfuegbarBis as a date, no ArtDerLieferung for letters."""
    listed = transfer(app, token(app, "anna"), "listShipments")
    lieferung = listed.find(f".//{{{T}}}Lieferung")
    assert lieferung is not None
    names = [etree.QName(child).localname for child in lieferung]
    assert names == [
        "ID",
        "Einstellzeitpunkt",
        "Kategorie",
        "VerfuegbarBis",
        "EnthaeltNurDaten",
        "PeriodischeLieferung",
        "AnzahlTransfers",
    ]
    assert len(lieferung.findtext(f"{{{T}}}ID") or "") <= 25
    stamp = lieferung.findtext(f"{{{T}}}Einstellzeitpunkt") or ""
    assert abs(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) - utcnow()) < (
        timedelta(minutes=5)
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", lieferung.findtext(f"{{{T}}}VerfuegbarBis") or "")
    assert lieferung.find(f"{{{T}}}Transfer") is None  # the listing names, getShipment delivers


def test_verfuegbar_bis_is_the_last_whole_day() -> None:
    zone = ZoneInfo("Europe/Berlin")
    assert verfuegbar_bis(datetime(2026, 3, 31, 22, 0, tzinfo=UTC), zone) == "2026-03-31"
    assert verfuegbar_bis(datetime(2026, 4, 1, 9, 30, tzinfo=UTC), zone) == "2026-03-31"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "00905"),
        (
            '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>',
            "00909",
        ),
    ],
)
def test_missing_token(
    app: BiproApplication, world: dict[str, str], header: str, message: str
) -> None:
    answer = call(app, TRANSFER_PATH, envelope(request_body(T, "listShipments"), header))
    assert answer.is_fault and answer.meldung_ids == [message]


def test_invalid_token(app: BiproApplication, world: dict[str, str]) -> None:
    answer = transfer(app, "bipro:forged", "listShipments")
    assert answer.is_fault and answer.meldung_ids == ["00962"]


def test_raw_client_shapes(app: BiproApplication, world: dict[str, str]) -> None:
    """Prefixes, empty SOAPAction, BiPROVersion in the 2.1 namespace, default namespaces."""
    tok = token(app, "anna")
    raw = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        f"<SOAP-ENV:Header>{token_header(tok)}</SOAP-ENV:Header><SOAP-ENV:Body>"
        f'<listShipments xmlns="{T}"><Request>'
        '<BiPROVersion xmlns="http://www.bipro.net/namespace/allgemein">2.1.4.1.1</BiPROVersion>'
        "</Request></listShipments></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()
    for action in ('""', "urn:listShipments", None):
        answer = call(app, TRANSFER_PATH, raw, headers={"SOAPAction": action} if action else None)
        assert answer.code == 200, answer.body
        assert len(ids(answer)) == 2
    wrong = call(app, TRANSFER_PATH, raw, headers={"SOAPAction": "urn:getShipment"})
    assert wrong.is_fault


def test_every_call_is_audited_with_objects(app: BiproApplication, world: dict[str, str]) -> None:
    tok = token(app, "anna")
    transfer(app, tok, "getShipment", f"<t:ID>{world['a_k1']}</t:ID>")
    transfer(app, tok, "getShipment", f"<t:ID>{world['b_k2']}</t:ID>")
    with app.runtime.uow() as uow:
        rows = uow.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.operation == "getShipment")
            .order_by(AuditRecord.id)
        ).all()
        got = [(r.user_login, r.vermittlernummer, r.outcome, r.meldung_id, r.objects) for r in rows]
        count = uow.session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.service != "Administration")
        )
    assert got[0][:4] == ("anna", "T100", "OK", "04000")
    assert got[0][4] == {"shipment": [world["a_k1"]], "customer": ["K1"]}
    assert got[1][:4] == ("anna", "T100", "NOK", "04003") and got[1][4] == {}
    assert count == 3  # one login, two calls: exactly one record each
