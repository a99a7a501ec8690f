"""Quote → offer → order → contract in the portfolio → documents in the post, through the zeep
clients against a real server with two workers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pypdf
import pytest
from bipro_clients import (
    BiproFault,
    StsClient,
    TaaClient,
    Tarifierung,
    TransferClient,
    VertragClient,
)
from sqlalchemy import func, select

from bipro_service.adapters.db.models import Contract, TaaOrder
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from tests.e2e.server import running_server
from tests.e2e.taa_examples import APPLICANT, EXAMPLE_A
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user


@pytest.fixture
def server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    make_firm(runtime, "E100", test_access=False)
    make_user(runtime, "anna", "E100")
    make_user(runtime, "ohne", "E100", portfolio_rights=False)
    with running_server(settings.database_url, workers=2) as url:
        yield url


def clients(server: str, login: str) -> tuple[TaaClient, TransferClient, VertragClient]:
    token = StsClient(server).login(login, PASSWORD)
    return TaaClient(server, token), TransferClient(server, token), VertragClient(server, token)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_quote_offer_order_contract_and_post(server: str, runtime: Runtime) -> None:
    taa, transfer, vertrag = clients(server, "anna")

    quote = taa.get_quote(EXAMPLE_A)
    assert quote.ok and quote.keys == ["01005/TAA-BERECHNET", "00101/TAA-HINWEIS"]
    assert quote.payload.gross == Decimal("474.22") and quote.payload.tax == Decimal("75.72")
    assert quote.payload.tariff_version == "2026-01"
    assert quote.payload.lines["clause:war"] == Decimal("49.81")
    assert quote.payload.instalments == [Decimal("474.22")]

    offered = taa.get_offer(EXAMPLE_A, APPLICANT, runtime.business_day())
    assert offered.ok and offered.keys[0] == "00107/TAA-ANGEBOT-ERSTELLT"
    offer = offered.payload
    assert offer.gross == Decimal("474.22")
    assert offer.valid_until is not None and offer.shipment_id
    assert f"Nr. {offer.number}" in pdf_text(offer.document)

    ordered = taa.set_order(offer.number)
    assert ordered.ok and ordered.keys == ["00106/TAA-POLICIERT"]
    contract = ordered.payload
    assert contract.offer_number == offer.number and contract.tariff_version == "2026-01"
    assert contract.document is not None

    # the contract is in the portfolio at once
    info = vertrag.get_contract(contract.versicherungsscheinnummer)
    assert info.ok and info.payload.Partner[0].Partnernummer == contract.partnernummer
    assert info.payload.Partner[0].Name == APPLICANT.company_name  # par:CT_JuristischePerson
    assert contract.versicherungsscheinnummer in {
        c.Vertragsnummer.Versicherungsscheinnummer for c in vertrag.all_contracts()
    }

    # both documents are in the firm's post, byte for byte
    listed = transfer.list_shipments()
    assert {item.category for item in listed.payload} == {"100010000", "100020000"}
    offer_letter = transfer.get_shipment(offer.shipment_id).payload
    assert offer_letter.files[0].data == offer.document
    policy = transfer.get_shipment(contract.shipment_id).payload
    assert policy.category == "100020000"
    assert policy.files[0].data == contract.document
    assert f"Versicherungsschein Nr. {contract.versicherungsscheinnummer}" in pdf_text(
        policy.files[0].data
    )

    # a retry names the same contract and makes no second one
    again = taa.set_order(offer.number)
    assert again.ok and again.keys == ["00106/TAA-AUFTRAG-WIEDERHOLT"]
    assert again.payload.versicherungsscheinnummer == contract.versicherungsscheinnummer


def test_parallel_orders_over_two_workers_make_one_contract(server: str, runtime: Runtime) -> None:
    taa, _, _ = clients(server, "anna")
    number = taa.get_offer(EXAMPLE_A, APPLICANT, runtime.business_day()).payload.number

    def order(_: int) -> tuple[str, str]:
        answer = TaaClient(server, StsClient(server).login("anna", PASSWORD)).set_order(number)
        return answer.keys[0], answer.payload.versicherungsscheinnummer

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(order, range(6)))
    assert sorted(code for code, _ in results) == sorted(
        ["00106/TAA-POLICIERT"] + ["00106/TAA-AUFTRAG-WIEDERHOLT"] * 5
    )
    assert len({vsnr for _, vsnr in results}) == 1
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(TaaOrder)) == 1
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == 1


def test_without_portfolio_rights_quote_and_offer_but_no_order(
    server: str, runtime: Runtime
) -> None:
    taa, _, _ = clients(server, "ohne")
    assert taa.get_quote(EXAMPLE_A).ok
    offered = taa.get_offer(EXAMPLE_A, APPLICANT, runtime.business_day())
    assert offered.ok
    with pytest.raises(BiproFault) as fault:
        taa.set_order(offered.payload.number)
    assert fault.value.meldung_id == "99999"


def test_refusals_come_back_as_nok(server: str) -> None:
    taa, _, _ = clients(server, "anna")
    too_much = taa.get_quote(
        Tarifierung(
            cover="single",
            transport_kind="post",
            valuables_class="jewellery",
            base_value=Decimal("30000.00"),
        )
    )
    assert (
        not too_much.ok and too_much.keys == ["01015/TAA-HOECHSTSUMME"] and too_much.payload is None
    )
    unknown = taa.set_order("ANG-UNBEKANNT23")
    assert not unknown.ok and unknown.meldung_ids == ["01101"]
