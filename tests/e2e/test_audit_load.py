"""Mixed load on several workers (issue 9, item 4): concurrent clients for a bounded time, reads,
calculations, claim writes and rejected requests mixed; every answer is exactly the expected
one (no error a client did not provoke), and the audit trail holds exactly one record per
request sent, per operation and outcome, in an intact chain."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import func, select

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.models import Claim
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import audit_chain
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.integration.claims_helpers import Meldung, make_contract, new_key, notify_body
from tests.integration.portfolio_helpers import make_shipment
from tests.integration.taa_helpers import EXAMPLE_A, tarifierung
from tests.support import STS_PATH, envelope, login_request, request_body, token_header

pytestmark = [pytest.mark.db, pytest.mark.e2e]

#: Bounds of the load: whichever comes first.
MAX_REQUESTS = 400
MAX_SECONDS = 8.0
CLIENTS = 8
WORKERS = 3

TRANSFER = "/bipro/TransferService_2.6.1.1.0"
VERTRAG = "/bipro/VertragService_2.6.1.1.0"
TAA = "/bipro/TAAService_2.6.1.1.0"
SCHADEN = "/bipro/SchadenService_2.6.1.1.0"


def _call(namespace: str, operation: str, inner: str, token: str, p: str = "x") -> bytes:
    return envelope(request_body(namespace, operation, inner, p), token_header(token))


@dataclass(frozen=True)
class Kind:
    """One kind of request of the mix: how to build it and what exactly must come back."""

    operation: str  # as audited
    outcome: str  # audited outcome
    path: str
    body: Callable[[], bytes]
    status: int
    marker: str  # must be in the answer


def _kinds(token: str, shipment: str) -> list[Kind]:
    t = "http://www.bipro.net/namespace/transfer"
    v = "http://www.bipro.net/namespace/prozesse/vertrag"
    taa = "http://www.bipro.net/namespace/versicherung/tarifierung"
    contract = (
        "<x:Vertragsauskunft><x:Vertragsnummer>"
        '<a:Versicherungsscheinnummer xmlns:a="http://www.bipro.net/namespace/allgemein">VAL-1'
        "</a:Versicherungsscheinnummer></x:Vertragsnummer></x:Vertragsauskunft>"
    )
    ok = "StatusID>OK<"
    return [
        Kind(
            "listShipments", "OK", TRANSFER, lambda: _call(t, "listShipments", "", token), 200, ok
        ),
        Kind(
            "getShipment",
            "OK",
            TRANSFER,
            lambda: _call(t, "getShipment", f"<x:ID>{shipment}</x:ID>", token),
            200,
            ok,
        ),
        Kind("getData", "OK", VERTRAG, lambda: _call(v, "getData", contract, token), 200, ok),
        Kind(
            "getQuote",
            "OK",
            TAA,
            lambda: _call(taa, "getQuote", tarifierung(EXAMPLE_A), token, "t"),
            200,
            ok,
        ),
        # A write: a new claim each time (own idempotency key), stored with its letter.
        Kind(
            "setNotification",
            "OK",
            SCHADEN,
            lambda: notify_body(token, Meldung(), new_key()),
            200,
            ok,
        ),
        Kind(
            "listShipments",
            "FAULT",
            TRANSFER,
            lambda: _call(t, "listShipments", "", "bipro:invalid"),
            500,
            "00962",
        ),
        Kind("-", "FAULT", STS_PATH, lambda: b"<broken", 500, "Client"),
        Kind(
            "RequestSecurityToken",
            "OK",
            STS_PATH,
            lambda: login_request("anna", PASSWORD),
            200,
            "Identifier>",
        ),
    ]


def _audit_counts(runtime: Runtime, since_seq: int) -> Counter[tuple[str, str]]:
    with runtime.uow() as uow:
        rows = uow.session.execute(
            select(AuditRecord.operation, AuditRecord.outcome).where(AuditRecord.seq > since_seq)
        ).all()
    return Counter((operation, outcome) for operation, outcome in rows)


def test_mixed_load_answers_exactly_and_audits_every_request_once(
    settings: Settings, runtime: Runtime
) -> None:
    make_firm(runtime, "T100")
    make_user(runtime, "anna", "T100")
    make_contract(runtime, "VAL-1", "K1", "T100")
    shipment = make_shipment(runtime, "T100", customer="K1")
    with running_server(settings.database_url, workers=WORKERS) as base:
        login = requests.post(base + STS_PATH, data=login_request("anna", PASSWORD), timeout=30)
        token = login.text.split("Identifier>")[1].split("<")[0]
        with runtime.uow() as uow:
            since = uow.session.scalar(select(func.max(AuditRecord.seq))) or 0
        kinds = _kinds(token, shipment)
        rng = random.Random(42)
        lock = threading.Lock()
        sent: Counter[tuple[str, str]] = Counter()
        wrong: list[str] = []
        deadline = time.monotonic() + MAX_SECONDS

        def client(seed: int) -> None:
            local = random.Random(seed)
            session = requests.Session()
            while time.monotonic() < deadline:
                with lock:
                    if sum(sent.values()) >= MAX_REQUESTS:
                        return
                    kind = local.choice(kinds)
                    sent[(kind.operation, kind.outcome)] += 1
                answer = session.post(
                    base + kind.path,
                    data=kind.body(),
                    headers={"Content-Type": "text/xml; charset=utf-8"},
                    timeout=60,
                )
                if answer.status_code != kind.status or kind.marker not in answer.text:
                    with lock:
                        wrong.append(f"{kind.operation}: {answer.status_code} {answer.text[:300]}")

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            for future in [pool.submit(client, rng.randrange(10**6)) for _ in range(CLIENTS)]:
                future.result()
    total = sum(sent.values())
    assert total >= 50, f"only {total} requests in {MAX_SECONDS} s"
    assert not wrong, wrong[:5]
    assert _audit_counts(runtime, since) == sent
    claims_sent = sent[("setNotification", "OK")]
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Claim)) == claims_sent
        result = audit_chain.verify_chain(uow)
    assert result.ok, result.problem
