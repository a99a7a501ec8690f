"""Posting to the electronic broker post: what is written, and what is refused without a trace."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bipro_service.adapters.db.models import (
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    ShipmentDocument,
)
from bipro_service.adapters.pdf import Document, render_document
from bipro_service.cli import main
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.admin import create_firm, end_agency
from bipro_service.service_layer.post import PostedFile, PostError, post_shipment

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
PDF = render_document(Document(title="Nachtrag"))
XML = b"<?xml version='1.0'?><Nachtrag/>"


def _customer(number: str, *, is_test: bool = False) -> Customer:
    return Customer(
        partnernummer=number,
        is_test=is_test,
        company_name=f"Kunde {number}",
        street="Hauptstr. 1",
        postal_code="50667",
        city="Köln",
    )


def _contract(number: str, customer: Customer, *, is_test: bool = False) -> Contract:
    return Contract(
        versicherungsscheinnummer=number,
        customer=customer,
        product="VALOREN",
        status="aktiv",
        begin=date(2024, 1, 1),
        sum_insured=Decimal("500000.00"),
        annual_premium=Decimal("800.00"),
        payment_mode="annual",
        is_test=is_test,
    )


@pytest.fixture
def world(runtime: Runtime) -> Runtime:
    """Firms V100, V200 (real), T100 (test access), V300 (agency ended) and their customers."""
    with runtime.uow() as uow:
        for number, test in (("V100", False), ("V200", False), ("T100", True), ("V300", False)):
            create_firm(uow, number, f"Makler {number}", test, NOW)
        end_agency(uow, "V300", NOW)
    with runtime.uow() as uow:
        firm = {n: uow.repos.firm_by_number(n) for n in ("V100", "V200", "T100", "V300")}
        served = {  # partnernummer: (firm, valid_from, valid_to, is_test)
            "K1": ("V100", date(2024, 1, 1), None, False),
            "K2": ("V200", date(2024, 1, 1), None, False),
            "K3": ("V100", date(2024, 1, 1), TODAY, False),  # ended: valid_to is exclusive
            "K4": ("V100", TODAY + timedelta(days=1), None, False),  # starts tomorrow
            "KT": ("T100", date(2024, 1, 1), None, True),
            "KR": ("T100", date(2024, 1, 1), None, False),  # real data at a test access
            "K5": ("V300", date(2024, 1, 1), None, False),
            "KB": ("V100", date(2024, 1, 1), None, False),  # blocked below
        }
        customers = {}
        for number, (vnr, since, until, test) in served.items():
            customers[number] = customer = _customer(number, is_test=test)
            customer.blocked_at = NOW if number == "KB" else None
            uow.session.add(customer)
            uow.session.flush()
            owner = firm[vnr]
            assert owner is not None
            uow.session.add(
                ServicingRelationship(
                    firm_id=owner.id, customer_id=customer.id, valid_from=since, valid_to=until
                )
            )
        uow.session.add(_contract("VS1", customers["K1"]))
        uow.session.add(_contract("VS2", customers["K2"]))
        uow.session.add(_contract("VST", customers["KT"], is_test=True))
        uow.commit()
    return runtime


def _post(runtime: Runtime, **kwargs: Any) -> str:
    arguments: dict[str, Any] = {
        "vermittlernummer": "V100",
        "category": "120010000",
        "files": [PostedFile("Nachtrag.pdf", PDF)],
        "now": NOW,
        "business_day": TODAY,
    } | kwargs
    with runtime.uow() as uow:
        public_id = post_shipment(uow, **arguments).public_id
        uow.commit()
    return public_id


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.uow() as uow:
        return (
            uow.session.scalar(select(func.count()).select_from(Shipment)) or 0,
            uow.session.scalar(select(func.count()).select_from(ShipmentDocument)) or 0,
        )


def test_posting_writes_the_shipment_and_its_documents(world: Runtime) -> None:
    files = [PostedFile("Nachtrag.pdf", PDF, dokumentart_id="DA123"), PostedFile("daten.xml", XML)]
    public_id = _post(world, files=files, customer_partnernummer="K1", contract_number="VS1")
    assert re.fullmatch(r"[0-9a-f]{25}", public_id)  # ST_LieferungID: at most 25
    with world.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(public_id)
        assert shipment is not None
        firm = uow.repos.firm_by_number("V100")
        customer = uow.repos.customer_by_number("K1")
        contract = uow.repos.contract_by_number("VS1")
        assert firm is not None and customer is not None and contract is not None
        assert (shipment.firm_id, shipment.customer_id, shipment.contract_id) == (
            firm.id,
            customer.id,
            contract.id,
        )
        assert (shipment.category, shipment.art) == ("120010000", "")  # no ArtDerLieferung
        assert shipment.created_at == NOW
        assert shipment.available_until == NOW + timedelta(days=90)
        assert shipment.acknowledged_at is None
        assert not shipment.is_test and not shipment.only_data
        documents = [
            (d.position, d.filename, d.content_type, d.dokumentart_id, d.size, d.sha256, d.data)
            for d in shipment.documents
        ]
    assert documents == [
        (1, "Nachtrag.pdf", "application/pdf", "DA123", len(PDF), _sha256(PDF), PDF),
        (2, "daten.xml", "application/xml", None, len(XML), _sha256(XML), XML),
    ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_post_shipment_leaves_the_commit_to_the_caller(world: Runtime) -> None:
    with world.uow() as uow:
        shipment = post_shipment(
            uow,
            vermittlernummer="V100",
            category="899001000",
            files=[PostedFile("Brief.pdf", PDF)],
            now=NOW,
            business_day=TODAY,
        )
        assert shipment.id is not None  # flushed, so callers can refer to it
    assert _counts(world) == (0, 0)


def test_each_shipment_gets_its_own_id(world: Runtime) -> None:
    assert _post(world) != _post(world)
    assert _counts(world) == (2, 2)


def test_a_contract_alone_names_its_customer(world: Runtime) -> None:
    public_id = _post(world, contract_number="VS1")
    with world.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(public_id)
        customer = uow.repos.customer_by_number("K1")
        assert shipment is not None and customer is not None
        assert shipment.customer_id == customer.id


def test_a_relationship_counts_until_the_day_before_valid_to(world: Runtime) -> None:
    yesterday = TODAY - timedelta(days=1)
    _post(world, customer_partnernummer="K3", now=NOW - timedelta(days=1), business_day=yesterday)
    assert _counts(world) == (1, 1)


def test_the_business_day_decides_not_the_utc_date(world: Runtime) -> None:
    # 23:30 UTC on the eve is already TODAY in Berlin, where K3's relationship has ended.
    late = datetime.combine(TODAY - timedelta(days=1), time(23, 30), tzinfo=UTC)
    with world.uow() as uow, pytest.raises(PostError, match="nicht von V100 betreut"):
        post_shipment(
            uow,
            vermittlernummer="V100",
            category="120010000",
            files=[PostedFile("Nachtrag.pdf", PDF)],
            now=late,
            business_day=TODAY,
            customer_partnernummer="K3",
        )


def test_gdv_data_is_only_data(world: Runtime) -> None:
    files = [PostedFile("bestand.gdv", b"0001" + b" " * 252 + b"\n")]
    public_id = _post(world, category="999010010", files=files)
    with world.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(public_id)
        assert shipment is not None
        assert shipment.only_data
        assert shipment.documents[0].content_type == "text/plain"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"vermittlernummer": "T100"}, True),  # a test access's shipments are test data
        ({"vermittlernummer": "T100", "customer_partnernummer": "KT"}, True),
        ({"vermittlernummer": "T100", "contract_number": "VST"}, True),
        ({"is_test": True}, True),
        ({"customer_partnernummer": "K1"}, False),
    ],
)
def test_test_data_is_flagged(world: Runtime, kwargs: dict[str, Any], expected: bool) -> None:
    public_id = _post(world, **kwargs)
    with world.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(public_id)
        assert shipment is not None
        assert shipment.is_test is expected


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"category": "170010000"}, "Unbekannte Kategorie"),
        ({"category": "12001000"}, "Unbekannte Kategorie"),
        ({"category": "899001001"}, "Unbekannte Kategorie"),
        ({"vermittlernummer": "X999"}, "Unbekannte Vermittlernummer"),
        ({"vermittlernummer": "V300"}, "Vereinbarung"),
        ({"customer_partnernummer": "K9"}, "Unbekannte Partnernummer"),
        ({"customer_partnernummer": "K2"}, "nicht von V100 betreut"),  # another firm's
        ({"customer_partnernummer": "K3"}, "nicht von V100 betreut"),  # ended yesterday
        ({"customer_partnernummer": "K4"}, "nicht von V100 betreut"),  # starts tomorrow
        ({"contract_number": "VS2"}, "nicht von V100 betreut"),
        ({"customer_partnernummer": "KB"}, "gesperrt"),
        ({"contract_number": "VS9"}, "Unbekannte Versicherungsscheinnummer"),
        ({"customer_partnernummer": "K1", "contract_number": "VS2"}, "gehört nicht zu Kunde"),
        ({"vermittlernummer": "T100", "customer_partnernummer": "KR"}, "Testzugang"),
        ({"files": []}, "mindestens eine Datei"),
        ({"files": [PostedFile("leer.pdf", b"")]}, "leer"),
        ({"files": [PostedFile("../x.pdf", PDF)]}, "Dateiname"),
        ({"files": [PostedFile("a/x.pdf", PDF)]}, "Dateiname"),
        ({"files": [PostedFile("a\\x.pdf", PDF)]}, "Dateiname"),
        ({"files": [PostedFile("x\n.pdf", PDF)]}, "Dateiname"),
        ({"files": [PostedFile("x" * 201, PDF)]}, "Dateiname"),
        ({"available_days": 0}, "Verfügbarkeit"),
    ],
)
def test_refusals_write_nothing(world: Runtime, kwargs: dict[str, Any], text: str) -> None:
    arguments: dict[str, Any] = {
        "vermittlernummer": "V100",
        "category": "120010000",
        "files": [PostedFile("Nachtrag.pdf", PDF)],
        "now": NOW,
        "business_day": TODAY,
    } | kwargs
    with world.uow() as uow:
        with pytest.raises(PostError) as refused:
            post_shipment(uow, **arguments)
        uow.commit()  # commits whatever the refused call may have left in the session
    assert text in refused.value.text
    assert _counts(world) == (0, 0)


def _cli(settings: Settings, *args: str) -> Result:
    environment = {"BIPRO_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(main, ["shipments", "add", *args], env=environment)


def test_the_cli_posts_files(world: Runtime, settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "Nachtrag.pdf").write_bytes(PDF)
    (tmp_path / "daten.xml").write_bytes(XML)
    result = _cli(
        settings,
        *("--firm", "V100", "--category", "120010000", "--customer", "K1", "--contract", "VS1"),
        *("--file", str(tmp_path / "Nachtrag.pdf"), "--file", str(tmp_path / "daten.xml")),
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"shipment ([0-9a-f]{25}) posted to V100", result.output)
    assert found is not None
    with world.uow() as uow:
        shipment = uow.repos.shipment_by_public_id(found.group(1))
        assert shipment is not None
        assert [(d.filename, d.content_type, d.sha256) for d in shipment.documents] == [
            ("Nachtrag.pdf", "application/pdf", _sha256(PDF)),
            ("daten.xml", "application/xml", _sha256(XML)),
        ]


def test_the_cli_reports_a_refusal(world: Runtime, settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "Nachtrag.pdf").write_bytes(PDF)
    result = _cli(
        settings,
        "--firm",
        "V100",
        "--category",
        "170010000",
        "--file",
        str(tmp_path / "Nachtrag.pdf"),
    )
    assert result.exit_code == 1
    assert "error: Unbekannte Kategorie" in result.output
    assert _counts(world) == (0, 0)
