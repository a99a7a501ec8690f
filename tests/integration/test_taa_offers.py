"""``getOffer``: stored, valid three months, PDF returned and in the firm's post, scoped."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import func, select

from bipro_service.adapters.db.models import AuditRecord, Shipment, TaaOffer
from bipro_service.adapters.pdf import TEST_DATA_MARKER
from bipro_service.domain.offer import offer_valid_until
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_helpers import make_customer
from tests.integration.taa_helpers import (
    MAXIMUM,
    OFFER_CREATED,
    beitrag,
    document,
    findings,
    get_offer,
    offer_number,
    posted,
    shipment_of,
    taa_text,
)

OFFER = "tar:getOffer/tar:Request/tar:Angebot"
BEGIN = "tar:Verkaufsprodukt/pm:Produkt/pm:Versicherungsdauer/allg:Beginn"


@pytest.fixture
def world(app: BiproApplication) -> None:
    rt = app.runtime
    make_firm(rt, "T100")  # a test access
    make_firm(rt, "R100", test_access=False)
    make_firm(rt, "T200")
    make_user(rt, "anna", "T100")
    make_user(rt, "ohne", "T100", portfolio_rights=False)
    make_user(rt, "rita", "R100")
    make_user(rt, "bernd", "T200")
    make_customer(rt, "K1", "T100", contract="VAL-1")
    make_customer(rt, "K2", "T200", contract="VAL-2")


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def counts(app: BiproApplication) -> tuple[int, int]:
    with app.runtime.uow() as uow:
        offers = uow.session.scalar(select(func.count()).select_from(TaaOffer)) or 0
        shipments = uow.session.scalar(select(func.count()).select_from(Shipment)) or 0
    return offers, shipments


def test_offer_is_stored_returned_and_posted(app: BiproApplication, world: None) -> None:
    tok = token(app, "anna")
    answer = get_offer(app, tok)
    assert answer.text(".//nachr:StatusID") == "OK", answer.body
    assert findings(answer)[0] == OFFER_CREATED
    number = offer_number(answer)
    today = app.runtime.business_day()
    valid_until = offer_valid_until(today).isoformat()
    assert answer.text(".//nachr:Status/nachr:Gueltigkeitsende") == f"{valid_until}T23:59:59"
    assert beitrag(answer, "01") == "474.22"
    begin = taa_text(answer, "tar:Angebot//pm:Produkt/pm:Versicherungsdauer/allg:Beginn")
    assert begin == f"{today.isoformat()}T00:00"
    assert taa_text(answer, "tar:Angebot/tar:Partner/par:Name") == "Juwelier Muster GmbH"
    pdf = document(answer, "tar:Angebot")
    checksum = taa_text(answer, "tar:Angebot/gevo:Datei/allg:Pruefsumme/allg:Wert")
    assert checksum == hashlib.sha1(pdf).hexdigest()  # noqa: S324 (the norm's SHA1)
    assert taa_text(answer, "tar:Angebot/gevo:Datei/allg:Dateityp") == "Dokument"
    text = pdf_text(pdf)
    for expected in (
        f"Angebot zur Valoren-Versicherung Nr. {number}",
        "Juwelier Muster GmbH",
        "AVB Valoren 2008",
        "Kriegsklausel",
        "474,22 EUR",
        "Ratenzuschläge",
        "SEPA-Lastschriftmandat",
        "drei Monate",
        "Widerrufsrecht",
        "14 Tagen",
        "Beispieltarif",
        TEST_DATA_MARKER,
    ):
        assert expected in text, expected
    with app.runtime.uow() as uow:
        offer = uow.session.scalars(select(TaaOffer)).one()
        assert offer.offer_number == number and offer.tariff_version == "2026-01"
        assert offer.is_test and offer.customer_id is None
        assert offer.quote["gross"] == "474.22" and offer.request["transport_kind"] == "courier"
        audit = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "getOffer")
        ).one()
        assert audit.outcome == "OK" and number in audit.objects["offer"]
    shipment_id = shipment_of(answer)
    assert shipment_id
    category, sha256, _, _ = posted(app, shipment_id)
    assert category == "100010000" and sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_real_firms_offer_is_real_data(app: BiproApplication, world: None) -> None:
    answer = get_offer(app, token(app, "rita"))
    assert TEST_DATA_MARKER not in pdf_text(document(answer, "tar:Angebot"))
    with app.runtime.uow() as uow:
        assert not uow.session.scalars(select(TaaOffer)).one().is_test


def test_refused_calculation_stores_and_posts_nothing(app: BiproApplication, world: None) -> None:
    answer = get_offer(app, token(app, "anna"), Transportart="post")
    assert answer.text(".//nachr:StatusID") == "NOK" and findings(answer) == [MAXIMUM]
    assert counts(app) == (0, 0)


def test_offer_for_an_existing_customer(app: BiproApplication, world: None) -> None:
    answer = get_offer(app, token(app, "anna"), applicant={"Partnernummer": "K1"})
    assert answer.text(".//nachr:StatusID") == "OK", answer.body
    assert "Muster K1" in pdf_text(document(answer, "tar:Angebot"))
    with app.runtime.uow() as uow:
        offer = uow.session.scalars(select(TaaOffer)).one()
        assert offer.customer_id is not None and offer.applicant["partnernummer"] == "K1"
        shipment = uow.session.scalars(select(Shipment)).one()
        assert shipment.customer_id == offer.customer_id


@pytest.mark.parametrize(("login", "hint"), [("anna", False), ("ohne", True)])
def test_customers_the_user_may_not_see_are_unknown(
    app: BiproApplication, world: None, login: str, hint: bool
) -> None:
    partner = "K2" if login == "anna" else "K1"  # another firm's / none without rights
    answer = get_offer(app, token(app, login), applicant={"Partnernummer": partner})
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01101"]
    assert ("Bestandsrechte" in (answer.text(".//nachr:Text") or "")) == hint
    assert counts(app) == (0, 0)


def test_users_without_portfolio_rights_may_offer(app: BiproApplication, world: None) -> None:
    answer = get_offer(app, token(app, "ohne"))
    assert answer.text(".//nachr:StatusID") == "OK"


@pytest.mark.parametrize(
    ("applicant", "begin_days", "quelle"),
    [
        ({"Firmenname": "Ohne Adresse GmbH"}, 0, f"{OFFER}/tar:Partner"),
        ({"Partnernummer": "K1", "Name": "Doppelt"}, 0, f"{OFFER}/tar:Partner"),
        (None, -1, f"{OFFER}/{BEGIN}"),
        (None, 400, f"{OFFER}/{BEGIN}"),
    ],
)
def test_incomplete_offers_are_refused(
    app: BiproApplication,
    world: None,
    applicant: dict[str, object] | None,
    begin_days: int,
    quelle: str,
) -> None:
    begin = app.runtime.business_day() + timedelta(days=begin_days)
    answer = get_offer(app, token(app, "anna"), applicant=applicant, begin=begin)
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["00001"]
    assert answer.text(".//nachr:Quelle") == quelle
    assert counts(app) == (0, 0)
