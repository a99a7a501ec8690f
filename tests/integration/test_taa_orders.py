"""``setOrder``: customer, contract, servicing, policy in the post; refusals; idempotency."""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import func, select, update

from bipro_service.adapters.db.models import (
    AuditRecord,
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    TaaOffer,
    TaaOrder,
)
from bipro_service.domain.tariff import packaged_catalogue
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import taa, taa_orders
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_helpers import make_customer
from tests.integration.taa_helpers import (
    OFFER_EXPIRED,
    ORDER_ACCEPTED,
    ORDER_REPEATED,
    START_MOVED,
    beitrag,
    document,
    findings,
    get_offer,
    get_quote,
    meldung,
    offer_number,
    posted,
    set_order,
    shipment_of,
    taa_text,
)

VSNR = "tar:Antrag/tar:Vertragsnummer/allg:Versicherungsscheinnummer"


@pytest.fixture
def world(app: BiproApplication) -> None:
    rt = app.runtime
    make_firm(rt, "T100")  # a test access
    make_firm(rt, "T200")
    make_firm(rt, "R100", test_access=False)
    make_user(rt, "anna", "T100")
    make_user(rt, "ohne", "T100", portfolio_rights=False)
    make_user(rt, "bernd", "T200")
    make_user(rt, "rita", "R100")
    make_customer(rt, "K1", "T100", contract="VAL-1")


@pytest.fixture
def tariff_reset() -> Iterator[None]:
    yield
    taa.use_tariffs(None)


def offer(app: BiproApplication, login: str = "anna", **changes: object) -> str:
    return offer_number(get_offer(app, token(app, login), **changes))  # type: ignore[arg-type]


def count(app: BiproApplication, model: type) -> int:
    with app.runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_order_makes_customer_contract_and_policy(app: BiproApplication, world: None) -> None:
    tok = token(app, "anna")
    number = offer(app)
    answer = set_order(app, tok, number)
    assert answer.text(".//nachr:StatusID") == "OK", answer.body
    assert findings(answer) == [ORDER_ACCEPTED]
    vsnr = taa_text(answer, VSNR)
    partner = taa_text(answer, "tar:Antrag/tar:Partner/par:Partnernummer")
    today = app.runtime.business_day()
    assert vsnr and partner and taa_text(answer, "tar:Antrag/gevo:Vorgangsnummer") == number
    withdrawal = f"Widerrufsfrist bis {today + timedelta(14):%d.%m.%Y}"
    assert withdrawal in (meldung(answer, "TAA-POLICIERT").findtext("{*}Text") or "")
    assert taa_text(answer, "tar:Antrag/tar:Antragsdatum") == today.isoformat()
    assert beitrag(answer, "01") == "474.22"
    assert taa_text(answer, "tar:Antrag//pm:Produkt/pm:Versicherungsdauer/allg:Beginn") == (
        f"{today.isoformat()}T00:00"
    )
    # the policy, returned and in the firm's post
    policy = document(answer, "tar:Antrag")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(policy)).pages)
    assert f"Versicherungsschein Nr. {vsnr}" in text and "Widerrufsrecht" in text
    shipment_id = shipment_of(answer)
    assert shipment_id and posted(app, shipment_id)[0] == "100020000"
    with app.runtime.uow() as uow:
        row = uow.session.scalars(
            select(Contract).where(Contract.versicherungsscheinnummer == vsnr)
        ).one()
        assert row.is_test and row.tariff_version == "2026-01" and row.payment_mode == "annual"
        assert row.sum_insured == Decimal("199250.00") and row.annual_premium == Decimal("474.22")
        assert set(row.details) >= {"transport_kinds", "valuables_classes", "clauses"}
        assert row.details["valuables_classes"] == ["jewellery"]
        customer = uow.session.get(Customer, row.customer_id)
        assert customer is not None and customer.is_test and customer.company_name
        servicing = uow.session.scalars(
            select(ServicingRelationship).where(
                ServicingRelationship.customer_id == row.customer_id
            )
        ).one()
        assert servicing.valid_from == today and servicing.valid_to is None
        order = uow.session.scalars(select(TaaOrder)).one()
        assert order.withdrawal_until == today + timedelta(days=14)
        shipment = uow.session.get(Shipment, order.shipment_id)
        assert shipment is not None and shipment.category == "100020000"
        assert shipment.contract_id == row.id
        audit = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "setOrder")
        ).one()
        assert audit.objects["contract"] == [vsnr] and audit.objects["offer"] == [number]


def test_a_retry_returns_the_same_contract(app: BiproApplication, world: None) -> None:
    tok = token(app, "anna")
    number = offer(app)
    first = set_order(app, tok, number)
    again = set_order(app, tok, number)
    assert again.text(".//nachr:StatusID") == "OK" and findings(again) == [ORDER_REPEATED]
    assert taa_text(again, VSNR) == taa_text(first, VSNR)
    assert shipment_of(again) == shipment_of(first)
    assert taa_text(again, "tar:Antrag/gevo:Datei") is None  # no second policy
    assert count(app, TaaOrder) == 1 and count(app, Customer) == 2  # K1 and the new one
    with app.runtime.uow() as uow:
        policies = (
            select(func.count()).select_from(Shipment).where(Shipment.category == "100020000")
        )
        assert uow.session.scalar(policies) == 1


def test_concurrent_orders_make_one_contract(app: BiproApplication, world: None) -> None:
    tok = token(app, "anna")
    number = offer(app)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: set_order(app, tok, number), range(6)))
    assert all(a.text(".//nachr:StatusID") == "OK" for a in answers), [a.body for a in answers]
    firsts = sorted(findings(a)[0] for a in answers)
    assert firsts == sorted([ORDER_ACCEPTED] + [ORDER_REPEATED] * 5)
    assert len({taa_text(a, VSNR) for a in answers}) == 1
    assert count(app, TaaOrder) == 1 and count(app, Contract) == 2  # VAL-1 and the new one


def test_a_lost_race_is_answered_like_a_retry(
    app: BiproApplication, world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tok = token(app, "anna")
    number = offer(app)
    first = set_order(app, tok, number)
    real = taa_orders._order_of
    calls = iter([None])  # the first look misses the committed order, as in a race

    def racing(uow: object, offer_row: TaaOffer) -> TaaOrder | None:
        return next(calls, real(uow, offer_row))  # type: ignore[arg-type]

    monkeypatch.setattr(taa_orders, "_order_of", racing)
    again = set_order(app, tok, number)
    assert again.text(".//nachr:StatusID") == "OK" and findings(again) == [ORDER_REPEATED], (
        again.body
    )
    assert taa_text(again, VSNR) == taa_text(first, VSNR)
    assert count(app, TaaOrder) == 1 and count(app, Contract) == 2


def test_another_firms_offer_is_unknown(app: BiproApplication, world: None) -> None:
    number = offer(app)
    answer = set_order(app, token(app, "bernd"), number)
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01101"]
    unknown = set_order(app, token(app, "bernd"), "ANG-XXXXXXXXXX")
    assert unknown.meldung_ids == ["01101"]
    assert count(app, TaaOrder) == 0


def test_an_expired_offer_is_refused(app: BiproApplication, world: None) -> None:
    number = offer(app)
    with app.runtime.uow() as uow:
        yesterday = app.runtime.business_day() - timedelta(days=1)
        uow.session.execute(update(TaaOffer).values(valid_until=yesterday))
        uow.commit()
    answer = set_order(app, token(app, "anna"), number)
    assert answer.text(".//nachr:StatusID") == "NOK" and findings(answer) == [OFFER_EXPIRED]
    assert count(app, TaaOrder) == 0 and count(app, Contract) == 1


def test_an_offer_valid_until_today_can_be_ordered(app: BiproApplication, world: None) -> None:
    number = offer(app)
    with app.runtime.uow() as uow:
        uow.session.execute(update(TaaOffer).values(valid_until=app.runtime.business_day()))
        uow.commit()
    assert findings(set_order(app, token(app, "anna"), number)) == [ORDER_ACCEPTED]


def test_users_without_portfolio_rights_may_not_order(app: BiproApplication, world: None) -> None:
    number = offer(app, "ohne")
    answer = set_order(app, token(app, "ohne"), number)
    assert answer.is_fault and answer.meldung_ids == ["99999"]
    assert count(app, TaaOrder) == 0
    assert findings(set_order(app, token(app, "anna"), number)) == [ORDER_ACCEPTED]  # same firm


def test_an_existing_customer_is_reused(app: BiproApplication, world: None) -> None:
    number = offer(app, applicant={"Partnernummer": "K1"})
    answer = set_order(app, token(app, "anna"), number)
    assert taa_text(answer, "tar:Antrag/tar:Partner/par:Partnernummer") == "K1"
    assert count(app, Customer) == 1 and count(app, ServicingRelationship) == 1


def test_a_customer_who_changed_broker_is_not_ordered_for(
    app: BiproApplication, world: None
) -> None:
    number = offer(app, applicant={"Partnernummer": "K1"})
    with app.runtime.uow() as uow:
        uow.session.execute(
            update(ServicingRelationship).values(valid_to=app.runtime.business_day())
        )
        uow.commit()
    answer = set_order(app, token(app, "anna"), number)
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01101"]
    assert count(app, Contract) == 1


def test_a_real_firms_order_is_real_data(app: BiproApplication, world: None) -> None:
    answer = set_order(app, token(app, "rita"), offer(app, "rita"))
    vsnr = taa_text(answer, VSNR)
    with app.runtime.uow() as uow:
        row = uow.session.scalars(
            select(Contract).where(Contract.versicherungsscheinnummer == vsnr)
        ).one()
        assert not row.is_test and not uow.session.get(Customer, row.customer_id).is_test  # type: ignore[union-attr]


def test_an_old_offer_keeps_its_tariff(
    app: BiproApplication, world: None, tariff_reset: None
) -> None:
    number = offer(app)
    current = packaged_catalogue().get("2026-01")
    dearer = replace(
        current,
        version="2026-11",
        valid_from=app.runtime.business_day(),
        rates={key: rate * 2 for key, rate in current.rates.items()},
    )
    taa.use_tariffs(packaged_catalogue().with_tariffs([dearer]))
    tok = token(app, "anna")
    assert taa_text(get_quote(app, tok), "tar:Verkaufsprodukt/pm:Kennung") == "VALOREN-2026-11"
    answer = set_order(app, tok, number)
    assert taa_text(answer, "tar:Antrag/tar:Verkaufsprodukt/pm:Kennung") == "VALOREN-2026-01"
    assert beitrag(answer, "01") == "474.22"


def test_a_past_begin_moves_to_the_order_day(app: BiproApplication, world: None) -> None:
    number = offer(app)
    with app.runtime.uow() as uow:
        uow.session.execute(update(TaaOffer).values(begin=date(2026, 1, 1)))
        uow.commit()
    answer = set_order(app, token(app, "anna"), number)
    assert findings(answer) == [ORDER_ACCEPTED, START_MOVED]
    begin = taa_text(answer, "tar:Antrag//pm:Produkt/pm:Versicherungsdauer/allg:Beginn")
    assert begin == f"{app.runtime.business_day().isoformat()}T00:00"
