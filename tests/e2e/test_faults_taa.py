"""A worker killed with SIGKILL in the middle of ``setOrder`` (TAA 420): with everything of the
order written but not committed, and after the commit but before the answer. The retry with the
same offer number is consistent: one customer, one contract, one order, one policy in the post,
nothing half-written, the audit chain intact (docs/operations.md, "Faults and recovery")."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from bipro_clients import StsClient, TaaClient
from sqlalchemy import func, select, text

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.base import Base
from bipro_service.adapters.db.models import Contract, Customer, Shipment
from bipro_service.adapters.db.taa_models import TaaOrder
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import audit_chain
from tests.e2e import processes
from tests.e2e.processes import DEADLINE_S
from tests.e2e.server import Server, server_process
from tests.e2e.taa_examples import APPLICANT, EXAMPLE_A
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user

FAULTPOINT = Path(__file__).resolve().parent / "faultpoint"
POLICY_CATEGORY = "100020000"
#: What one accepted order adds: customer, servicing relationship, contract, order, the policy
#: shipment with its document, and the request's audit record.
ORDER_ROWS = {
    "customers": 1,
    "servicing_relationships": 1,
    "contracts": 1,
    "taa_orders": 1,
    "shipments": 1,
    "shipment_documents": 1,
    "audit_records": 1,
}


def _counts(runtime: Runtime) -> dict[str, int]:
    """Rows per table, every table of the schema."""
    with runtime.session_factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _writing_transaction_open(runtime: Runtime) -> bool:
    """True while another connection holds an uncommitted write transaction on the database."""
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as conn:
            waiting = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
                )
            )
        return bool(waiting)
    database = runtime.engine.url.database
    assert database
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    finally:
        probe.close()
    return False


def _added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


@pytest.fixture
def paused_server(
    request: pytest.FixtureRequest, settings: Settings, runtime: Runtime, tmp_path: Path
) -> Iterator[tuple[Server, Path]]:
    """One worker whose first ``setOrder`` pauses at ``request.param`` (faultpoint/)."""
    make_firm(runtime, "E100", test_access=False)
    make_user(runtime, "anna", "E100")
    marker = tmp_path / "paused"
    python_path = os.pathsep.join(filter(None, [str(FAULTPOINT), os.environ.get("PYTHONPATH")]))
    with server_process(
        settings.database_url,
        workers=1,
        PYTHONPATH=python_path,
        BIPRO_TEST_PAUSE=request.param,
        BIPRO_TEST_PAUSE_MARKER=str(marker),
    ) as server:
        yield server, marker


def _order_in_background(taa: TaaClient, number: str) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def order() -> None:
        try:
            outcome["answer"] = taa.set_order(number)
        except Exception as error:  # the connection dies with the worker
            outcome["error"] = error

    sender = threading.Thread(target=order, daemon=True)
    sender.start()
    return sender, outcome


def _kill_paused(worker: int, marker: Path, before_kill: Callable[[], bool] = lambda: True) -> None:
    """Wait until ``worker`` pauses at the fault point, check ``before_kill``, SIGKILL it."""
    paused = int(processes.poll("paused setOrder", lambda: marker.is_file() and marker.read_text()))
    assert paused == worker
    assert before_kill(), "the worker has no uncommitted writes open at the fault point"
    os.kill(worker, signal.SIGKILL)


class Killed(NamedTuple):
    """An order whose worker was killed at the fault point: its client, offer, the rows before."""

    taa: TaaClient
    offer_number: str
    before: dict[str, int]
    worker: int


def _kill_during_order(
    server: Server,
    marker: Path,
    runtime: Runtime,
    died_before: str,
    before_kill: Callable[[], bool] = lambda: True,
) -> Killed:
    """Offer, then order in the background and SIGKILL the worker paused in ``setOrder``; the
    caller got no answer."""
    taa = TaaClient(server.base_url, StsClient(server.base_url).login("anna", PASSWORD))
    offer = taa.get_offer(EXAMPLE_A, APPLICANT, runtime.business_day()).payload
    before = _counts(runtime)

    worker = processes.worker(server.base_url)
    sender, outcome = _order_in_background(taa, offer.number)
    _kill_paused(worker, marker, before_kill)
    sender.join(DEADLINE_S)
    assert not sender.is_alive()
    assert "answer" not in outcome, f"the caller got no answer: the worker died {died_before}"
    return Killed(taa, offer.number, before, worker)


@pytest.mark.parametrize("paused_server", ["before_commit"], indirect=True)
def test_worker_killed_before_commit_of_order_then_retry(
    paused_server: tuple[Server, Path], runtime: Runtime
) -> None:
    server, marker = paused_server
    taa, offer_number, before, worker = _kill_during_order(
        server,
        marker,
        runtime,
        "before commit",
        before_kill=lambda: _writing_transaction_open(runtime),
    )

    # Nothing of the order survived: no row in any table, the audit chain untouched.
    assert _added(before, _counts(runtime)) == {}
    with runtime.uow() as uow:
        assert audit_chain.verify_chain(uow).ok

    processes.worker(server.base_url, not_pid=worker)
    retry = taa.set_order(offer_number)
    assert retry.ok and retry.keys == ["00106/TAA-POLICIERT"], retry.meldungen
    again = taa.set_order(offer_number)
    assert again.ok and again.keys == ["00106/TAA-AUFTRAG-WIEDERHOLT"]
    number = retry.payload.versicherungsscheinnummer
    assert again.payload.versicherungsscheinnummer == number
    assert again.payload.shipment_id == retry.payload.shipment_id
    # One order's rows, plus the second request's audit record (a repeat writes nothing else).
    assert _added(before, _counts(runtime)) == {**ORDER_ROWS, "audit_records": 2}
    _assert_one_order(runtime, number, ["00106", "00106"])


@pytest.mark.parametrize("paused_server", ["after_commit"], indirect=True)
def test_worker_killed_after_commit_of_order_then_retry(
    paused_server: tuple[Server, Path], runtime: Runtime
) -> None:
    server, marker = paused_server
    taa, offer_number, before, worker = _kill_during_order(
        server, marker, runtime, "before sending"
    )

    # Committed in one piece, with the request's audit record.
    assert _added(before, _counts(runtime)) == ORDER_ROWS
    with runtime.session_factory() as session:
        [committed] = session.scalars(select(Contract.versicherungsscheinnummer))

    processes.worker(server.base_url, not_pid=worker)
    retry = taa.set_order(offer_number)
    assert retry.ok and retry.keys == ["00106/TAA-AUFTRAG-WIEDERHOLT"], retry.meldungen
    assert retry.payload.versicherungsscheinnummer == committed
    assert retry.payload.offer_number == offer_number
    assert retry.payload.document is None and retry.payload.shipment_id
    assert _added(before, _counts(runtime)) == {**ORDER_ROWS, "audit_records": 2}
    _assert_one_order(runtime, committed, ["00106", "00106"])


def _assert_one_order(runtime: Runtime, number: str, audited: list[str]) -> None:
    """One order, its contract, customer and policy letter; every setOrder audited in order."""
    with runtime.session_factory() as session:
        [order] = session.scalars(select(TaaOrder))
        contract = session.get(Contract, order.contract_id)
        assert contract is not None and contract.versicherungsscheinnummer == number
        customer = session.get(Customer, order.customer_id)
        assert customer is not None and contract.customer_id == customer.id
        [policy] = session.scalars(select(Shipment).where(Shipment.category == POLICY_CATEGORY))
        assert order.shipment_id == policy.id
        records = session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "setOrder").order_by(AuditRecord.seq)
        ).all()
        assert [(r.outcome, r.meldung_id) for r in records] == [("OK", m) for m in audited]
        assert all(number in r.objects.get("contract", []) for r in records)
    with runtime.uow() as uow:
        assert audit_chain.verify_chain(uow).ok
