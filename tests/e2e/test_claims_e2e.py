"""Claims (BiPRO 503) against a real gunicorn server through the zeep clients, including a
worker killed with SIGKILL in the middle of a submission."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from bipro_clients import (
    Dokument,
    Gegenstand,
    SchadenClient,
    Schadenmeldung,
    StsClient,
    TransferClient,
    new_idempotency_key,
)
from sqlalchemy import func, select

from bipro_service.adapters.db.models import Claim
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from tests.e2e import processes
from tests.e2e.processes import DEADLINE_S
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.integration.claims_helpers import Meldung, acknowledgements, make_contract, notify_body
from tests.integration.portfolio_helpers import PDF

BIG = 4 * 1024 * 1024  # three of these: ~16 MiB of base64 on the wire


def _spec(documents: list[tuple[str, str, str, bytes]]) -> Meldung:
    return Meldung(
        contract="VAL-1",
        kind="accompanied",
        peril="robbery",
        loss="25000.00",
        value="25000.00",
        police="AZ 17/2025",
        items=[("Sammlermünzen", "precious_metals", "25000.00", "lost")],
        documents=documents,
    )


def _meldung(spec: Meldung) -> Schadenmeldung:
    """The same notification as ``spec`` for the zeep client."""
    return Schadenmeldung(
        contract=spec.contract,
        loss_date=date.fromisoformat(spec.loss_date),
        place=spec.place,
        transport_kind=spec.kind,
        peril=spec.peril,
        description=spec.description,
        estimated_loss=Decimal(spec.loss),
        insured_value=Decimal(spec.value),
        police_report=spec.police,
        items=[Gegenstand(d, c, Decimal(v), a) for d, c, v, a in spec.items],
        documents=[Dokument(n, t, k, data) for n, t, k, data in spec.documents],
    )


def _big_documents() -> list[tuple[str, str, str, bytes]]:
    return [(f"scan_{i}.pdf", "application/pdf", "other", PDF + os.urandom(BIG)) for i in range(3)]


@pytest.fixture
def world(runtime: Runtime) -> None:
    make_firm(runtime, "V100", test_access=False)
    make_firm(runtime, "V200", test_access=False)
    make_user(runtime, "vera", "V100")
    make_contract(runtime, "VAL-1", "K1", "V100", is_test=False)
    make_contract(runtime, "VAL-2", "K2", "V200", is_test=False)


@pytest.fixture
def one_worker(settings: Settings, world: None) -> Iterator[str]:
    with running_server(settings.database_url, workers=1) as base:
        yield base


def _claims(runtime: Runtime) -> list[str]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(Claim.schadennummer)))


def test_notify_inform_and_acknowledgement_in_post(
    settings: Settings, runtime: Runtime, world: None
) -> None:
    with running_server(settings.database_url, workers=2) as base:
        token = StsClient(base).login("vera", PASSWORD)
        claims = SchadenClient(base, token)
        meldung = _meldung(_spec([("rechnung.pdf", "application/pdf", "invoice", PDF)]))
        key = new_idempotency_key()
        answer = claims.notify_claim(meldung, key)
        assert answer.ok and answer.payload is not None
        number = answer.payload.number
        assert answer.payload.assessment.cover == "gedeckt"
        assert "AVB-9.2.1.1" in answer.payload.rules
        again = claims.notify_claim(meldung, key)
        assert again.ok and again.payload.number == number
        conflict = claims.notify_claim(_meldung(_spec([])), key)
        assert not conflict.ok and conflict.meldung_ids == ["01011"]
        foreign = claims.notify_claim(_meldung(Meldung(contract="VAL-2")), new_idempotency_key())
        assert not foreign.ok and foreign.meldung_ids == ["01101"]
        info = claims.get_claim(number)
        assert info.ok and info.payload.contract == "VAL-1"
        assert info.payload.status == "01" and info.payload.number == number  # offen
        post = TransferClient(base, token)
        [letter] = post.list_shipments("150010000").payload
        [pdf] = post.get_shipment(letter.id).payload.files
        assert pdf.name == f"Schadenmeldung_{number}.pdf" and pdf.data.startswith(b"%PDF")
    assert _claims(runtime) == [number]


def test_worker_killed_while_receiving_then_retry(one_worker: str, runtime: Runtime) -> None:
    base = one_worker
    token = StsClient(base).login("vera", PASSWORD)
    spec, key = _spec(_big_documents()), new_idempotency_key()
    body = notify_body(token.identifier, spec, key)
    worker = processes.worker(base)
    idle = processes.sockets(worker)
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=DEADLINE_S) as conn:
        conn.sendall(
            b"POST /bipro/SchadenService_2.6.1.1.0 HTTP/1.1\r\n"
            + f"Host: {host}:{port}\r\nContent-Type: text/xml; charset=utf-8\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        # In flight: the worker has accepted the connection and waits for the rest.
        processes.poll("accepted request", lambda: processes.sockets(worker) - idle)
        os.kill(worker, signal.SIGKILL)
        with contextlib.suppress(ConnectionResetError):
            assert conn.recv(1024) == b""  # no answer: the worker is gone
    assert _claims(runtime) == []
    processes.worker(base, not_pid=worker)
    client = SchadenClient(base, token, consumer_id="e2e")
    retry = client.notify_claim(_meldung(spec), key)
    assert retry.ok and retry.payload is not None
    again = client.notify_claim(_meldung(spec), key)
    assert again.ok and again.payload.number == retry.payload.number
    assert _claims(runtime) == [retry.payload.number]
    assert len(acknowledgements(runtime)) == 1


def test_worker_killed_after_commit_then_retry(one_worker: str, runtime: Runtime) -> None:
    base = one_worker
    token = StsClient(base).login("vera", PASSWORD)
    spec, key = _spec(_big_documents()), new_idempotency_key()
    worker = processes.worker(base)
    outcome: dict[str, Any] = {}

    def submit() -> None:
        try:
            outcome["answer"] = SchadenClient(base, token).notify_claim(_meldung(spec), key)
        except Exception as error:  # the connection dies with the worker
            outcome["error"] = error

    sender = threading.Thread(target=submit, daemon=True)
    sender.start()
    [stored] = processes.poll("committed claim", lambda: _claims(runtime))
    os.kill(worker, signal.SIGKILL)
    sender.join(DEADLINE_S)
    assert not sender.is_alive()
    if "answer" in outcome:  # the answer left before the kill
        assert outcome["answer"].payload.number == stored
    processes.worker(base, not_pid=worker)
    retry = SchadenClient(base, token).notify_claim(_meldung(spec), key)
    assert retry.ok and retry.payload.number == stored
    assert "bereits" in retry.meldungen[0].text
    assert _claims(runtime) == [stored]
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 1
    assert len(acknowledgements(runtime)) == 1
