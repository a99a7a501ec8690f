"""``getQuote`` through the WSGI app: the calculation and its Meldungen on the wire, in the
official shapes (every answer is validated against the official XSDs by ``call``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bipro_service.adapters.db.models import AuditRecord, TaaOffer
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.taa_helpers import (
    CALCULATED,
    EXAMPLE_A,
    IMAGINARY_PROFIT,
    MAXIMUM,
    NOT_OFFERED,
    NOTICE,
    PAYMENT_CHANGED,
    TAA_PATH,
    UNDER_INSURANCE,
    T,
    beitrag,
    find,
    findings,
    get_quote,
    kondition,
    lines,
    meldung,
    rates,
    taa_text,
    tarifierung,
)
from tests.support import call, envelope, request_body, token_header


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    make_user(app.runtime, "ohne", "T100", portfolio_rights=False)
    return token(app, "anna")


def test_quote_of_worked_example_a(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna)
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body
    assert findings(answer) == [CALCULATED, NOTICE]
    assert "Beispieltarif" in (answer.text(".//nachr:Meldung/nachr:Text") or "")
    assert taa_text(answer, "tar:Tarifierung/tar:Verkaufsprodukt/pm:Kennung") == "VALOREN-2026-01"
    assert "Beispieltarif" in (taa_text(answer, "tar:Verkaufsprodukt/pm:Kurzbeschreibung") or "")
    product = find(answer, "tar:Verkaufsprodukt/pm:Produkt")
    assert (
        product is not None and product.get(f"{{{answer_xsi()}}}type") == "kom:CT_SUHVersicherung"
    )
    assert taa_text(answer, "pm:Produkt/pm:Sparte") == "193"
    assert lines(answer) == [
        ("base:base", "318.80"),
        ("clause:war", "49.81"),
        ("clause:strike_riot", "29.89"),
        ("tax:insurance_tax", "75.72"),
    ]
    assert kondition(answer, "Versicherungswert") == "199250.00"
    assert beitrag(answer, "16") == "318.80"  # Grundbeitrag
    assert beitrag(answer, "02") == "398.50"  # net, no instalment surcharge
    assert beitrag(answer, "01") == "474.22"  # gross incl. insurance tax
    assert taa_text(answer, "pm:Beitrag[pm:ArtID='01']/pm:Zahlungsweise") == "6"  # one-off
    assert taa_text(answer, "pm:Beitrag[pm:ArtID='01']/pm:Steuer/allg:Betrag/allg:Betrag") == (
        "75.72"
    )
    assert taa_text(answer, "vspm:VersicherungssummeOderLeistung/vspm:Wert") == "199250.00"
    assert rates(answer) == ["474.22"]
    transport = find(answer, "tar:Tarifierung/tar:Gegenstand")
    assert transport is not None and transport.get(f"{{{answer_xsi()}}}type") == (
        "sachen:CT_Transport"
    )
    assert taa_text(answer, "tar:Gegenstand/sachen:Warenbezeichnung") == "jewellery"


def answer_xsi() -> str:
    return "http://www.w3.org/2001/XMLSchema-instance"


def test_sum_over_the_maximum_is_nok(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, Transportart="post")  # 199,250.00 > 25,000.00
    assert answer.text(".//nachr:StatusID") == "NOK"
    assert findings(answer) == [MAXIMUM]
    assert answer.text(".//nachr:ArtID") == "Fehler"
    quelle = meldung(answer, "TAA-HOECHSTSUMME").findtext("{*}Quelle")
    assert quelle == (
        "tar:getQuote/tar:Request/tar:Tarifierung/tar:Verkaufsprodukt/pm:Produkt"
        "/vspm:VersicherungssummeOderLeistung/vspm:Wert"
    )
    assert find(answer, "tar:Tarifierung") is None


def test_imaginary_profit_over_ten_percent_is_nok(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, ImaginaererGewinn="25000.00")
    assert answer.text(".//nachr:StatusID") == "NOK" and findings(answer) == [IMAGINARY_PROFIT]
    quelle = meldung(answer, "TAA-IMAGINAERER-GEWINN").findtext("{*}Quelle") or ""
    assert quelle.endswith("pm:Kondition[pm:Bezeichnung='ImaginaererGewinn']")


def test_valuables_not_offered_for_the_transport_is_nok(app: BiproApplication, anna: str) -> None:
    answer = get_quote(
        app,
        anna,
        Transportart="post",
        Wertsachenart="cash",
        Grundwert="1000.00",
        Kosten="0.00",
        ImaginaererGewinn="0.00",
    )
    assert answer.text(".//nachr:StatusID") == "NOK"
    assert NOT_OFFERED in findings(answer)


def test_under_insurance_is_a_quantified_warning(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, Versicherungssumme="180000.00")
    assert answer.text(".//nachr:StatusID") == "OK"
    assert UNDER_INSURANCE in findings(answer)
    warning = meldung(answer, "TAA-UNTERVERSICHERUNG")
    assert warning.findtext("{*}ArtID") == "Warnung"
    text = warning.findtext("{*}Text") or ""
    assert "19.250,00 EUR" in text and "90,34 %" in text and "AVB 7.5" in text


def test_monthly_without_sepa_becomes_quarterly(app: BiproApplication, anna: str) -> None:
    open_cover = {
        "Deckungsform": "open",
        "Versicherungssumme": "200000.00",
        "Jahresumsatz": "2000000.00",
        "Anmeldeverfahren": "summary",
        "Anmeldezeitraum": "quarterly",
        "Zahlweise": "monthly",
    }
    answer = get_quote(app, anna, **open_cover)
    assert taa_text(answer, "pm:Beitrag[pm:ArtID='01']/pm:Zahlungsweise") == "4"
    assert PAYMENT_CHANGED in findings(answer)
    assert len(rates(answer)) == 4
    assert taa_text(answer, "pm:Produkt/kom:Meldeverfahren") == "true"
    assert taa_text(answer, "pm:Produkt/kom:Meldeturnus") == "04"
    with_sepa = get_quote(app, anna, **open_cover, SEPALastschriftmandat=True)
    assert taa_text(with_sepa, "pm:Beitrag[pm:ArtID='01']/pm:Zahlungsweise") == "8"
    assert taa_text(with_sepa, "tar:Tarifierung/tar:Zahlungsart") == "1"
    assert PAYMENT_CHANGED not in findings(with_sepa)
    assert len(rates(with_sepa)) == 12


def test_clauses_only_where_requested(app: BiproApplication, anna: str) -> None:
    clauses = lambda answer: [c for c, _ in lines(answer) if c.startswith("clause:")]  # noqa: E731
    assert clauses(get_quote(app, anna, Klausel=[])) == []
    answer = get_quote(app, anna, Klausel=["confiscation"])
    assert clauses(answer) == ["clause:confiscation"]
    assert taa_text(answer, "vspm:Klausel/vspm:ArtID") == "confiscation"


@pytest.mark.parametrize(
    "changes",
    [
        {"Transportart": "ship"},
        {"Wertsachenart": "art"},
        {"Klausel": ["war", "war", "war", "war"]},
    ],
)
def test_schema_refuses_what_is_no_tariff_input(
    app: BiproApplication, anna: str, changes: dict[str, object]
) -> None:
    answer = get_quote(app, anna, **changes)
    assert answer.is_fault and answer.meldung_ids == ["00007"]


@pytest.mark.parametrize("amount", ["100.001", "-5.00"])
def test_amounts_not_in_cents_are_nok(app: BiproApplication, anna: str, amount: str) -> None:
    answer = get_quote(app, anna, Grundwert=amount)
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["00001"]
    assert (answer.text(".//nachr:Quelle") or "").endswith(
        "pm:Kondition[pm:Bezeichnung='Grundwert']"
    )


def test_users_without_portfolio_rights_may_quote(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, token(app, "ohne"))
    assert answer.text(".//nachr:StatusID") == "OK"


def test_a_quote_is_audited_and_stores_nothing(app: BiproApplication, anna: str) -> None:
    get_quote(app, anna)
    with app.runtime.uow() as uow:
        record = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "getQuote")
        ).one()
        assert record.outcome == "OK" and record.meldung_id == "01005"
        assert uow.session.scalar(select(func.count()).select_from(TaaOffer)) == 0


@pytest.mark.parametrize(
    "operation",
    [
        "getQuoteQuestions",
        "getOfferQuestions",
        "getOrderQuestions",
        "getOrder",
        "setOrderQualified",
        "getOrderQualified",
    ],
)
def test_the_other_420_operations_are_not_offered(
    app: BiproApplication, anna: str, operation: str
) -> None:
    body = envelope(request_body(T, operation, tarifierung(EXAMPLE_A)), token_header(anna))
    answer = call(app, TAA_PATH, body)
    assert answer.is_fault and answer.meldung_ids == ["00009"], answer.body
    text = answer.text(".//nachr:Meldung/nachr:Text") or ""
    assert operation in text and "nicht angeboten" in text and "getQuote" in text


def test_a_plain_product_is_a_single_transport(app: BiproApplication, anna: str) -> None:
    """``pm:Produkt`` without ``xsi:type`` (a client that knows no komposit types)."""
    plain = {**EXAMPLE_A, "Klausel": []}  # clauses are vs-pm:CT_Produkt's
    inner = tarifierung(plain).replace(' xsi:type="kom:CT_SUHVersicherung"', "")
    body = envelope(request_body(T, "getQuote", inner), token_header(anna))
    answer = call(app, TAA_PATH, body)
    assert answer.text(".//nachr:StatusID") == "OK", answer.body
    assert beitrag(answer, "02") == "318.80" and beitrag(answer, "01") == "379.37"
