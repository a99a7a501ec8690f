"""Mixed load on several workers: exactly one audit record per request, chain intact."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import audit_chain
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.integration.portfolio_helpers import make_customer, make_shipment
from tests.support import STS_PATH, envelope, login_request, token_header

REQUESTS = 240
CLIENTS = 8
T = "http://www.bipro.net/namespace/transfer"
V = "http://www.bipro.net/namespace/vertrag"
N = "http://www.bipro.net/namespace/nachrichten"


def _call(namespace: str, operation: str, inner: str, token: str) -> bytes:
    return envelope(
        f'<x:{operation} xmlns:x="{namespace}" xmlns:n="{N}"><x:Request>'
        f"<n:BiPROVersion>2.6.1.1.0</n:BiPROVersion>{inner}</x:Request></x:{operation}>",
        token_header(token),
    )


def _bodies(token: str, shipment: str) -> list[tuple[str, bytes]]:
    transfer = "/bipro/TransferService_2.6.1.1.0"
    contract = (
        "<x:Vertragsauskunft><x:Vertragsnummer><x:Versicherungsscheinnummer>VAL-1"
        "</x:Versicherungsscheinnummer></x:Vertragsnummer></x:Vertragsauskunft>"
    )
    return [
        (transfer, _call(T, "listShipments", "", token)),
        (transfer, _call(T, "getShipment", f"<x:ID>{shipment}</x:ID>", token)),
        ("/bipro/VertragService_2.6.1.1.0", _call(V, "getData", contract, token)),
        (transfer, _call(T, "listShipments", "", "bipro:invalid")),
        (STS_PATH, b"<broken"),
        (STS_PATH, login_request("anna", PASSWORD)),
    ]


def test_mixed_load_audits_every_request_once(settings: Settings, runtime: Runtime) -> None:
    make_firm(runtime, "T100")
    make_user(runtime, "anna", "T100")
    make_customer(runtime, "K1", "T100", contract="VAL-1")
    shipment = make_shipment(runtime, "T100", customer="K1")
    with runtime.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(AuditRecord)) or 0
    with running_server(settings.database_url, workers=3) as base:
        session = requests.Session()
        token_answer = session.post(
            base + STS_PATH, data=login_request("anna", PASSWORD), timeout=30
        )
        token = token_answer.text.split("Identifier>")[1].split("<")[0]
        bodies = _bodies(token, shipment)
        rng = random.Random(42)
        plan = [rng.choice(bodies) for _ in range(REQUESTS)]

        def send(item: tuple[str, bytes]) -> int:
            path, body = item
            return requests.post(
                base + path, data=body, headers={"Content-Type": "text/xml"}, timeout=60
            ).status_code

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            codes = list(pool.map(send, plan))
    assert set(codes) <= {200, 500}
    with runtime.uow() as uow:
        after = uow.session.scalar(select(func.count()).select_from(AuditRecord)) or 0
        result = audit_chain.verify_chain(uow)
    assert after - before == REQUESTS + 1  # every request plus the first login
    assert result.ok, result.problem
