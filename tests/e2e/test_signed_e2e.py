"""Interop both ways over HTTP: zeep + xmlsec signs, we verify; we sign, zeep verifies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bipro_clients import SignedRequests, StsClient, TransferClient, VertragClient
from bipro_clients.errors import BiproFault
from sqlalchemy import update

from bipro_service.adapters.db.models import BrokerFirm
from bipro_service.adapters.x509.pki import DevPki
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from tests.e2e.pki_world import firm_with_certificate
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD


@dataclass
class Signed:
    url: str
    pki: DevPki
    runtime: Runtime

    def signing(self, verify_answers: bool = True) -> SignedRequests:
        firm = self.pki.firms["T100"]
        service = str(self.pki.signing.cert_path) if verify_answers else None
        return SignedRequests(str(firm.key_path), str(firm.cert_path), service_cert_file=service)


@pytest.fixture
def signed(settings: Settings, runtime: Runtime) -> Iterator[Signed]:
    pki = firm_with_certificate(settings, runtime)
    with runtime.uow() as uow:
        uow.session.execute(update(BrokerFirm).values(signature_required=True))
        uow.commit()
    with running_server(
        settings.database_url, workers=2, BIPRO_VAR_DIR=str(settings.var_dir)
    ) as url:
        yield Signed(url, pki, runtime)


def test_signed_calls_with_verified_answers(signed: Signed) -> None:
    token = StsClient(signed.url).login("anna", PASSWORD)
    post = TransferClient(signed.url, token, signing=signed.signing())
    listed = post.list_shipments()
    assert listed.ok and len(listed.payload) == 1
    fetched = post.get_shipment(listed.payload[0].id)
    assert fetched.ok and fetched.payload.files[0].data.startswith(b"%PDF")
    contract = VertragClient(signed.url, token, signing=signed.signing()).get_contract("VAL-1")
    assert contract.ok and contract.payload.Vertragsnummer.Versicherungsscheinnummer == "VAL-1"


def test_unsigned_call_refused_for_a_firm_that_must_sign(signed: Signed) -> None:
    token = StsClient(signed.url).login("anna", PASSWORD)
    with pytest.raises(BiproFault) as fault:
        TransferClient(signed.url, token).list_shipments()
    assert fault.value.meldung_id == "00961"


def test_answer_signature_check_fails_with_a_wrong_certificate(
    signed: Signed, tmp_path: Path
) -> None:
    from zeep.exceptions import SignatureVerificationFailed

    token = StsClient(signed.url).login("anna", PASSWORD)
    firm = signed.pki.firms["T100"]
    wrong = SignedRequests(
        str(firm.key_path), str(firm.cert_path), service_cert_file=str(firm.cert_path)
    )
    with pytest.raises(SignatureVerificationFailed):
        TransferClient(signed.url, token, signing=wrong).list_shipments()
