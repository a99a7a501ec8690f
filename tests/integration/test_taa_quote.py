"""``getQuote`` through the WSGI app: the calculation and its Meldungen on the wire."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bipro_service.adapters.db.models import AuditRecord, TaaOffer
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.taa_helpers import T, get_quote, taa_text


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    make_user(app.runtime, "ohne", "T100", portfolio_rights=False)
    return token(app, "anna")


def lines(answer: object) -> list[tuple[str, str, str]]:
    xml = answer.xml  # type: ignore[attr-defined]
    return [
        (
            e.findtext(f"{{{T}}}Art") or "",
            e.findtext(f"{{{T}}}Code") or "",
            e.findtext(f"{{{T}}}Betrag") or "",
        )
        for e in xml.iterfind(f".//{{{T}}}Beitragszeile")
    ]


def test_quote_of_worked_example_a(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna)
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body
    assert answer.meldung_ids == ["02000", "02022"]
    assert "Beispieltarif" in (answer.text(".//nachr:Meldung/nachr:Text") or "")
    assert taa_text(answer, "t:Berechnung/t:Tarifversion") == "2026-01"
    assert taa_text(answer, "t:Berechnung/t:Beispieltarif") == "true"
    assert lines(answer) == [
        ("base", "base", "318.80"),
        ("clause", "war", "49.81"),
        ("clause", "strike_riot", "29.89"),
        ("tax", "insurance_tax", "75.72"),
    ]
    for name, amount in [
        ("Versicherungswert", "199250.00"),
        ("Nettobeitrag", "398.50"),
        ("Ratenzuschlag", "0.00"),
        ("Versicherungsteuer", "75.72"),
        ("Gesamtbeitrag", "474.22"),
    ]:
        assert taa_text(answer, f"t:Berechnung/t:{name}") == amount
    assert taa_text(answer, "t:Berechnung/t:Rate/t:Betrag") == "474.22"


def test_sum_over_the_maximum_is_nok(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, Transportart="post")  # 199,250.00 > 25,000.00
    assert answer.text(".//nachr:StatusID") == "NOK"
    assert answer.meldung_ids == ["02010"]
    assert answer.text(".//nachr:ArtID") == "Fehler"
    assert answer.xml.find(f".//{{{T}}}Berechnung") is None


def test_imaginary_profit_over_ten_percent_is_nok(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, ImaginaererGewinn="25000.00")
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["02011"]


def test_under_insurance_is_a_quantified_warning(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, anna, Versicherungssumme="180000.00")
    assert answer.text(".//nachr:StatusID") == "OK"
    assert "02020" in answer.meldung_ids
    warning = next(
        m for m in answer.xml.iterfind(".//{*}Meldung") if m.findtext("{*}MeldungID") == "02020"
    )
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
    assert taa_text(answer, "t:Berechnung/t:Zahlweise") == "quarterly"
    assert "02021" in answer.meldung_ids
    assert len(answer.xml.findall(f".//{{{T}}}Rate")) == 4
    with_sepa = get_quote(app, anna, **open_cover, SEPALastschriftmandat=True)
    assert taa_text(with_sepa, "t:Berechnung/t:Zahlweise") == "monthly"
    assert "02021" not in with_sepa.meldung_ids
    assert len(with_sepa.xml.findall(f".//{{{T}}}Rate")) == 12


def test_clauses_only_where_requested(app: BiproApplication, anna: str) -> None:
    assert [c for a, c, _ in lines(get_quote(app, anna, Klausel=[])) if a == "clause"] == []
    answer = get_quote(app, anna, Klausel=["confiscation"])
    assert [c for a, c, _ in lines(answer) if a == "clause"] == ["confiscation"]


@pytest.mark.parametrize(
    "changes",
    [
        {"Transportart": "ship"},
        {"Grundwert": "100.001"},
        {"Grundwert": "-5.00"},
        {"Klausel": ["war", "war", "war", "war"]},
    ],
)
def test_schema_refuses_what_is_no_tariff_input(
    app: BiproApplication, anna: str, changes: dict[str, object]
) -> None:
    answer = get_quote(app, anna, **changes)
    assert answer.is_fault and answer.meldung_ids == ["00007"]


def test_users_without_portfolio_rights_may_quote(app: BiproApplication, anna: str) -> None:
    answer = get_quote(app, token(app, "ohne"))
    assert answer.text(".//nachr:StatusID") == "OK"


def test_a_quote_is_audited_and_stores_nothing(app: BiproApplication, anna: str) -> None:
    get_quote(app, anna)
    with app.runtime.uow() as uow:
        record = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "getQuote")
        ).one()
        assert record.outcome == "OK" and record.meldung_id == "02000"
        assert uow.session.scalar(select(func.count()).select_from(TaaOffer)) == 0
