"""The database going away under load, and not being there at start-up.

PostgreSQL is stopped and started again while clients call the service: meanwhile every caller
gets a clear fault at once, afterwards the same server processes answer again without a restart
of their own, and nobody ever gets another firm's data. The restarted server is a private
cluster of this test (tests/e2e/private_pg.py), never the machine's shared one.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from bipro_clients import BiproFault, StsClient, TransferClient, VertragClient
from sqlalchemy import select

from bipro_service.adapters.db import migrate
from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import audit_chain
from tests.e2e import processes
from tests.e2e.private_pg import PrivateCluster, private_cluster
from tests.e2e.server import Server, server_process
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.portfolio_helpers import make_shipment, two_firms

CALLERS = 4  # client threads, two per firm, on two gunicorn workers
OUTAGE_S = 2.0  # PostgreSQL stays down this long
CALL_LIMIT_S = 8.0  # no call may take longer, outage or not (connect timeout 5 s + margin)
RECOVERY_LIMIT_S = 3.0  # after PostgreSQL is back, every caller is answered OK again within
UNAVAILABLE = "vorübergehend nicht verfügbar"


@dataclass
class Call:
    started: float
    seconds: float
    kind: str  # "ok", "fault", "error"
    prozess_id: str | None = None
    detail: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.seconds


@dataclass
class Timeline:
    """When PostgreSQL was told to stop, was down, was told to start, was up again."""

    stop: float
    down: float = 0.0
    start: float = 0.0
    up: float = 0.0

    def show(self, call: Call) -> str:
        return f"{call.kind} {call.started - self.stop:+.3f}s..{call.ended - self.stop:+.3f}s"

    def summary(self, calls: list[Call]) -> str:
        """What the callers saw, phase by phase (printed; shown when the test fails)."""
        lines = [
            f"stop took {self.down - self.stop:.2f}s, start {self.up - self.start:.2f}s",
        ]
        for name, low, high in [
            ("before", 0.0, self.stop),
            ("stopping", self.stop, self.down),
            ("down", self.down, self.start),
            ("starting", self.start, self.up),
            ("up", self.up, float("inf")),
        ]:
            phase = [c for c in calls if low <= c.started < high]
            kinds = {k: sum(c.kind == k for c in phase) for k in ("ok", "fault", "nok", "error")}
            slowest = max((c.seconds for c in phase), default=0.0)
            lines.append(f"{name}: {len(phase)} calls {kinds}, slowest {slowest:.3f}s")
        oks = [c.started - self.up for c in calls if c.started >= self.up and c.kind == "ok"]
        lines.append(f"first OK {min(oks):.2f}s after PostgreSQL was up" if oks else "no OK")
        return "\n".join(lines)


@dataclass
class Caller:
    """One client thread: its firm's contract and shipment, and every call it made."""

    login: str
    contract: str
    shipment: str
    calls: list[Call] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as pg:
        yield pg


@pytest.fixture
def served(cluster: PrivateCluster) -> Iterator[tuple[Server, Runtime, dict[str, str]]]:
    """Two firms with a contract and a shipment each, served by two workers."""
    url = cluster.create_database("bipro")
    settings = Settings(database_url=url, secret_key="test-secret-key-not-for-production")
    migrate.upgrade(settings)
    runtime = Runtime.from_settings(settings)
    try:
        two_firms(runtime)
        shipments = {
            "anna": make_shipment(runtime, "T100", customer="K1"),
            "bernd": make_shipment(runtime, "T200", customer="K2"),
        }
        with server_process(url, workers=2) as server:
            yield server, runtime, shipments
    finally:
        runtime.engine.dispose()


def _call(caller: Caller, operation: Any) -> None:
    started = time.monotonic()
    try:
        answer = operation()
    except BiproFault as fault:
        call = Call(started, 0.0, "fault", fault.prozess_id, f"{fault.faultcode} {fault}")
    except Exception as error:  # transport: reset, timeout, not a SOAP answer
        call = Call(started, 0.0, "error", None, f"{type(error).__name__}: {error}")
    else:
        call = Call(started, 0.0, "ok" if answer.ok else "nok", answer.prozess_id)
        if isinstance(answer.payload, list):  # listShipments: only the firm's own shipment
            ids = {item.id for item in answer.payload}
            if ids != {caller.shipment}:
                caller.wrong.append(f"listShipments gave {ids}")
        elif answer.payload.Vertragsnummer.Versicherungsscheinnummer != caller.contract:
            caller.wrong.append(
                f"getData gave {answer.payload.Vertragsnummer.Versicherungsscheinnummer}"
            )
    call.seconds = time.monotonic() - started
    caller.calls.append(call)


def _load(base: str, caller: Caller, token: str, stop: threading.Event) -> None:
    contracts, post = VertragClient(base, token), TransferClient(base, token)
    while not stop.is_set():
        _call(caller, lambda: contracts.get_contract(caller.contract))
        _call(caller, post.list_shipments)
        time.sleep(0.02)


def test_postgresql_restart_under_load(
    cluster: PrivateCluster, served: tuple[Server, Runtime, dict[str, str]]
) -> None:
    server, runtime, shipments = served
    base = server.base_url
    workers = sorted(processes.children(server.pid))
    assert len(workers) == 2
    tokens = {login: StsClient(base).login(login, PASSWORD).identifier for login in shipments}
    callers = [
        Caller(login, contract, shipments[login])
        for login, contract in [("anna", "VAL-1"), ("bernd", "VAL-2")] * (CALLERS // 2)
    ]
    stop = threading.Event()
    threads = [
        threading.Thread(target=_load, args=(base, c, tokens[c.login], stop), daemon=True)
        for c in callers
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    t = Timeline(stop=time.monotonic())
    cluster.stop()  # fast shutdown: open sessions are terminated
    t.down = time.monotonic()
    assert requests.get(base + "/health", timeout=CALL_LIMIT_S).status_code == 503
    time.sleep(OUTAGE_S)
    t.start = time.monotonic()
    cluster.start()
    t.up = time.monotonic()
    time.sleep(RECOVERY_LIMIT_S + 1.0)
    stop.set()
    for thread in threads:
        thread.join(CALL_LIMIT_S * 2)
        assert not thread.is_alive()

    calls = [call for caller in callers for call in caller.calls]
    print(t.summary(calls))
    assert [w for c in callers for w in c.wrong] == [], "an answer with another firm's data"
    assert [c.detail for c in calls if c.kind in ("error", "nok")] == [], "not a clear answer"
    assert max(c.seconds for c in calls) < CALL_LIMIT_S
    # Before the stop: all OK. While PostgreSQL is down: the fault that says so, every time.
    assert all(c.kind == "ok" for c in calls if c.ended < t.stop)
    during = [c for c in calls if t.down <= c.started and c.ended <= t.start]
    assert len(during) >= CALLERS, "the load did not run during the outage"
    assert [t.show(c) for c in during if c.kind != "fault"] == []
    faults = [c for c in calls if c.kind == "fault"]
    assert {re.sub(r" \(ProzessID \w+\)$", "", c.detail) for c in faults} == {
        "soapenv:Server 99999: Der Dienst ist vorübergehend nicht verfügbar (Datenbank nicht "
        "erreichbar). Bitte wiederholen Sie die Anfrage später."
    }
    # PostgreSQL back: every caller is answered OK again, by the very same processes.
    for caller in callers:
        recovered = [c for c in caller.calls if c.started > t.up + RECOVERY_LIMIT_S]
        assert recovered and all(c.kind == "ok" for c in recovered), [
            t.show(c) for c in caller.calls[-5:]
        ]
    assert sorted(processes.children(server.pid)) == workers, "a worker was restarted"
    assert requests.get(base + "/health", timeout=5).status_code == 200
    _assert_every_call_traced(runtime, calls, server.log())


def _assert_every_call_traced(runtime: Runtime, calls: list[Call], log: str) -> None:
    """Every OK answer has its audit record; every fault has one or, when the database could
    not take it, the log line that says so and carries the request."""
    with runtime.session_factory() as session:
        audited = set(session.scalars(select(AuditRecord.prozess_id)))
    not_written = set(re.findall(r"audit record NOT written \(ProzessID (\w+)\)", log))
    assert all(c.prozess_id in audited for c in calls if c.kind == "ok")
    faults = [c.prozess_id for c in calls if c.kind == "fault"]
    assert all(p in audited or p in not_written for p in faults)
    assert not_written, "no request was refused while the audit trail was unreachable"
    assert not not_written & audited
    assert "database unavailable" in log and "Traceback" not in log
    with runtime.uow() as uow:
        assert audit_chain.verify_chain(uow).ok
