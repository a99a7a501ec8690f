"""Claim notification (BiPRO 503) in process: stored, assessed, acknowledged and audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, SACHEN, SCHADEN, SCHADEN_LEISTUNG
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.claims_helpers import (
    Meldung,
    acknowledgements,
    angefordert,
    audit_records,
    betrag,
    deckung,
    get_data,
    ids,
    make_contract,
    notify,
    schadennummer,
    stored_claims,
)
from tests.integration.portfolio_helpers import PDF
from tests.support import NS

SL = SCHADEN_LEISTUNG


@pytest.fixture
def tok(app: BiproApplication) -> str:
    rt = app.runtime
    make_firm(rt, "V100", test_access=False)
    make_user(rt, "vera", "V100")
    make_contract(rt, "VAL-1", "K1", "V100", is_test=False, sum_insured="50000.00")
    return token(app, "vera")


def test_notification_is_stored_with_its_items_and_documents(
    app: BiproApplication, tok: str
) -> None:
    meldung = Meldung(
        items=[("Goldbarren 1 kg", "precious_metals", "60000.00", "lost")],
        loss="60000.00",
        value="100000.00",
        costs="400.00",
        documents=[
            ("rechnung.pdf", "application/pdf", "invoice", PDF),
            ("foto.jpg", "image/jpeg", "photo", b"\xff\xd8\xff jpeg"),
        ],
    )
    answer = notify(app, tok, meldung)
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body
    number = schadennummer(answer)
    assert number and number.startswith("S20")
    [claim] = stored_claims(app.runtime)
    assert claim.schadennummer == number and claim.status == "gemeldet"
    assert not claim.is_test and claim.immediate_notice
    # 60,000 loss, value 100,000, sum 50,000: 7.5 halves it, 7.2 costs on top.
    assert deckung(answer) == "gedeckt"
    assert "Unterversicherung" in " ".join(
        e.text or "" for e in answer.xml.iterfind(".//nachr:Meldung/nachr:Text", NS)
    )
    assert betrag(answer, "Regulierung/Entschaedigungsbetrag") == "30000.00"
    assert betrag(answer, "Regulierung/ExterneBearbeitungskosten") == "400.00"
    assert betrag(answer, "Entschaedigungsbetrag") == "30400.00"
    # The documents still needed, as official Dokumentart codes (AVB 9.2.1.3).
    assert angefordert(answer) == [
        "Verlustbescheinigung",
        "Auftrag",
        "UnterlagenZurSchadenhoehe",
        "Abtretungserklaerung",
    ]
    assert ids(answer) == [
        "AVB-9.2.1.1",
        *["AVB-9.2.1.3"] * 4,
        "AVB-7.5",
        "AVB-7",
    ]
    assert [(i.description, i.value, i.damage) for i in claim.items] == [
        ("Goldbarren 1 kg", 60000, "lost")
    ]
    assert [(d.filename, d.kind, d.data) for d in claim.documents] == [
        ("rechnung.pdf", "invoice", PDF),
        ("foto.jpg", "photo", b"\xff\xd8\xff jpeg"),
    ]


def test_acknowledgement_letter_is_in_the_firms_post(app: BiproApplication, tok: str) -> None:
    number = schadennummer(notify(app, tok, Meldung()))
    [shipment] = acknowledgements(app.runtime)
    [claim] = stored_claims(app.runtime)
    assert shipment.public_id == claim.acknowledgement_id
    assert shipment.category == "150010000" and not shipment.is_test
    with app.runtime.uow() as uow:
        firm = uow.repos.firm_by_number("V100")
        contract = uow.repos.contract_by_number("VAL-1")
        assert firm and contract
        assert shipment.firm_id == firm.id and shipment.contract_id == contract.id
    [document] = shipment.documents
    assert document.filename == f"Schadenmeldung_{number}.pdf"
    assert document.content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.data)).pages)
    assert f"Eingangsbestätigung Schadenmeldung {number}" in text
    assert "VAL-1" in text and "AVB Valoren 2008" in text


def test_audit_record_names_the_claim(app: BiproApplication, tok: str) -> None:
    answer = notify(app, tok, Meldung())
    number = schadennummer(answer)
    prozess = answer.text(".//nachr:ProzessID")
    assert prozess
    [record] = audit_records(app.runtime, prozess_id=prozess)
    assert record.operation == "setNotification" and record.outcome == "OK"
    assert record.objects["claim"] == [number]
    assert record.objects["contract"] == ["VAL-1"] and record.objects["customer"] == ["K1"]
    [shipment] = acknowledgements(app.runtime)
    assert record.objects["shipment"] == [shipment.public_id]


def test_claim_information_returns_status_and_assessment(app: BiproApplication, tok: str) -> None:
    number = schadennummer(notify(app, tok, Meldung(kind="accompanied", peril="robbery")))
    assert number
    answer = get_data(app, tok, number)
    assert answer.text(".//nachr:StatusID") == "OK"
    assert answer.meldung_ids[0] == "01100"
    assert "AVB-9.2.1.4" in ids(answer)
    auskunft = answer.xml.find(f".//{{{SCHADEN}}}Schadenauskunft")
    assert auskunft is not None
    assert auskunft.findtext(f"{{{SCHADEN}}}Schadennummer/{{{ALLGEMEIN}}}Nummer") == number
    assert schadennummer(answer) == number
    fall = auskunft.find(f".//{{{SL}}}SchadenfallLeistungsfall")
    assert fall is not None
    assert fall.findtext(f"{{{SL}}}Schadenstatus") == "01"  # offen
    assert fall.findtext(f"{{{SL}}}Beschreibung") == "robbery"
    assert fall.findtext(f".//{{{ALLGEMEIN}}}Versicherungsscheinnummer") == "VAL-1"
    transport = auskunft.find(f"{{{SCHADEN}}}Gegenstand")
    assert transport is not None
    assert transport.findtext(f"{{{SACHEN}}}TransportmittelSchluessel") == "12"
    assert transport.findtext(f"{{{SACHEN}}}Transportmittel") == "accompanied"
    assert deckung(answer) == "gedeckt"
    [record] = audit_records(app.runtime, operation="getData")
    assert record.objects["claim"] == [number]


@pytest.mark.parametrize(
    ("meldung", "meldung_id", "quelle"),
    [
        (Meldung(loss_date="2999-01-01"), "00001", "Schadenmeldung/Ereignis/Schadendatum"),
        (
            Meldung(place="   "),
            "00001",
            "Schadenmeldung/Ereignis/Schadenanschrift/Schadenort",
        ),
        (
            Meldung(documents=[("../boot.ini", "text/plain", "other", b"x")]),
            "00001",
            "Schadenmeldung/Datei[1]/Dateiname",
        ),
        (
            Meldung(peril="meteor"),
            "00001",
            "Schadenmeldung/Ereignis/Schaden/SchadenfallLeistungsfall/Beschreibung",
        ),
        (Meldung(kind="rocket"), "00001", "Schadenmeldung/Gegenstand/Transportmittel"),
        (Meldung(loss="-5.00"), "00001", "Schadenmeldung/Ereignis/Schaden/Schadenhoehe"),
        (Meldung(loss="1.005"), "00007", None),
        (Meldung(items=[]), "00001", "Schadenmeldung/Ereignis/Schaden/Schadenobjekt"),
    ],
)
def test_malformed_notification_is_refused_and_nothing_stored(
    app: BiproApplication, tok: str, meldung: Meldung, meldung_id: str, quelle: str | None
) -> None:
    answer = notify(app, tok, meldung)
    assert answer.is_fault and answer.meldung_ids == [meldung_id]
    if quelle:
        assert answer.text(".//nachr:Quelle") == quelle
    assert stored_claims(app.runtime) == [] and acknowledgements(app.runtime) == []
    [record] = audit_records(app.runtime, operation="setNotification")
    assert record.outcome == "FAULT" and record.meldung_id == meldung_id


def test_assessment_over_the_wire_for_an_excluded_peril(app: BiproApplication, tok: str) -> None:
    answer = notify(app, tok, Meldung(peril="war", loss="100.00"))
    assert answer.text(".//nachr:StatusID") == "OK"  # stored all the same
    assert deckung(answer) == "nicht_gedeckt"
    assert betrag(answer, "Entschaedigungsbetrag") == "0.00"
    assert ids(answer)[0] == "AVB-3.1.1"
    arten = [e.text for e in answer.xml.iterfind(".//nachr:Meldung/nachr:ArtID", NS)]
    assert "Fehler" not in arten


def test_limitation_notice_over_the_wire(app: BiproApplication, tok: str) -> None:
    old = (app.runtime.business_day() - timedelta(days=365 * 5)).isoformat()
    make_contract(app.runtime, "VAL-OLD", "K1", None, is_test=False)
    with app.runtime.uow() as uow:
        contract = uow.repos.contract_by_number("VAL-OLD")
        assert contract
        contract.begin = contract.begin.replace(year=2015)
        uow.commit()
    answer = notify(app, tok, Meldung(contract="VAL-OLD", loss_date=old))
    assert "AVB-14" in ids(answer)  # the limitation notice
