"""A database that cannot be reached is the fault "vorübergehend nicht verfügbar" (99999,
``Server``), logged on one line; any other unexpected error stays the generic internal fault."""

from __future__ import annotations

import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.engine import (
    CONNECT_TIMEOUT_S,
    database_problem,
    database_unavailable,
)
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication, create_app
from tests.e2e.server import free_port
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_helpers import make_customer
from tests.integration.taa_helpers import get_contract
from tests.support import Answer, call, envelope, request_body, token_header

SECRET = "Geheim-4711"
UNAVAILABLE = (
    "Der Dienst ist vorübergehend nicht verfügbar (Datenbank nicht erreichbar). "
    "Bitte wiederholen Sie die Anfrage später."
)
LISTING = "/bipro/TransferService_2.6.1.1.0"


def _lost() -> OperationalError:
    return OperationalError(
        "SELECT 1",
        {},
        psycopg.OperationalError("server closed the connection unexpectedly\n\tThis probably…"),
    )


def _sqlite_error(sql: str) -> OperationalError:
    """A real SQLite error (with its result code name) wrapped as SQLAlchemy does."""
    try:
        sqlite3.connect(":memory:").execute(sql)
    except sqlite3.OperationalError as error:
        return OperationalError(sql, {}, error)
    raise AssertionError(f"{sql!r} did not fail")


def test_what_counts_as_unavailable() -> None:
    assert database_unavailable(_lost())
    assert database_unavailable(PoolTimeout("QueuePool limit reached"))
    try:
        try:
            raise _lost()
        except OperationalError as lost:
            raise RuntimeError("while rolling back") from lost
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not database_unavailable(ValueError("bug"))
    # Transient by SQLSTATE / SQLite result code: a retry can succeed.
    for transient in (errors.AdminShutdown, errors.DeadlockDetected, errors.SerializationFailure):
        assert database_unavailable(OperationalError("SELECT 1", {}, transient("x")))
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorname = "SQLITE_BUSY"
    assert database_unavailable(OperationalError("UPDATE t", {}, locked))
    # Our bugs and the operator's mistakes are never "temporarily unavailable".
    assert not database_unavailable(_sqlite_error("SELECT nope FROM missing"))
    assert not database_unavailable(_sqlite_error("SELEC 1"))
    for permanent in (errors.QueryCanceled, errors.UndefinedTable, errors.DiskFull):
        assert not database_unavailable(OperationalError("SELECT 1", {}, permanent("x")))
    # A bug raised while handling a lost connection is a bug, not an outage.
    try:
        try:
            raise _lost()
        except OperationalError:
            raise KeyError("handler bug") from None
    except KeyError as suppressed:
        assert not database_unavailable(suppressed)
    assert database_problem(_lost()) == ("server closed the connection unexpectedly This probably…")


def _fault(answer: Answer) -> tuple[int, str, list[str], str | None]:
    """HTTP status, faultcode (without its prefix), MeldungIDs and the first Meldung's text."""
    return (
        answer.code,
        (answer.text("soap:Body/soap:Fault/faultcode") or "").split(":")[-1],
        answer.meldung_ids,
        answer.text(".//nachr:Meldung/nachr:Text"),
    )


def _app_on(port: int, tmp_path: Path) -> BiproApplication:
    url = f"postgresql://bipro:{SECRET}@127.0.0.1:{port}/bipro"
    return create_app(Settings(database_url=url, var_dir=tmp_path / "var"))


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[BiproApplication]:
    """The application on a PostgreSQL address where nobody listens."""
    app = _app_on(free_port(), tmp_path)
    yield app
    app.runtime.engine.dispose()


def _listing() -> bytes:
    return envelope(
        request_body("http://www.bipro.net/namespace/transfer", "listShipments"),
        token_header("bipro:some-token"),
    )


def test_unreachable_database_is_a_clear_fault_and_a_log_line(
    unreachable: BiproApplication, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answer = call(unreachable, LISTING, _listing())
    assert _fault(answer) == (500, "Server", ["99999"], UNAVAILABLE)
    prozess_id = answer.text(".//nachr:ProzessID")
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith(
            f"request failed before dispatch: database unavailable (ProzessID {prozess_id})"
        )
        and "Connection refused" in m
        for m in messages
    )
    [not_written] = [m for m in messages if m.startswith("audit record NOT written")]
    assert f"(ProzessID {prozess_id}), database unavailable" in not_written
    assert "TransferService.listShipments" in not_written and "outcome=FAULT" in not_written
    assert not_written.endswith("answered with fault 99999 instead")
    assert all(r.exc_info is None for r in caplog.records), "a traceback in the log"
    assert SECRET not in caplog.text
    health = call(unreachable, "/health", method="GET")
    assert (health.code, health.body) == (503, b'{"database": "unreachable"}')


def test_database_not_answering_is_answered_within_the_connect_timeouts(tmp_path: Path) -> None:
    """A hung database server (accepts, never answers): the token check and the audit record
    each give up after the connect timeout; the caller has the fault after twice that."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        app = _app_on(silent.getsockname()[1], tmp_path)
        started = time.monotonic()
        answer = call(app, LISTING, _listing())
        seconds = time.monotonic() - started
        app.runtime.engine.dispose()
    assert _fault(answer) == (500, "Server", ["99999"], UNAVAILABLE)
    assert CONNECT_TIMEOUT_S <= seconds < 2 * CONNECT_TIMEOUT_S + 3


@pytest.fixture
def world(runtime: Runtime, app: BiproApplication) -> str:
    make_firm(runtime, "T100")
    make_user(runtime, "anna", "T100")
    make_customer(runtime, "K1", "T100", contract="VAL-1")
    return token(app, "anna")


@pytest.mark.parametrize(
    ("raised", "text", "detail"),
    [
        (_lost, UNAVAILABLE, "database unavailable"),
        (lambda: ValueError("a bug"), "Interner Fehler", "ValueError"),
    ],
)
def test_database_lost_inside_the_operation(
    app: BiproApplication,
    runtime: Runtime,
    world: str,
    monkeypatch: pytest.MonkeyPatch,
    raised: object,
    text: str,
    detail: str,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise raised()  # type: ignore[operator]

    monkeypatch.setattr("bipro_service.service_layer.portfolio.get_contract", fail)
    answer = get_contract(app, world, "VAL-1")
    code, faultcode, ids, message = _fault(answer)
    assert (code, faultcode, ids) == (500, "Server", ["99999"])
    assert message is not None and message.startswith(text)
    with runtime.uow() as uow:
        record = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.operation == "getData")
        ).one()
        assert (record.outcome, record.meldung_id, record.detail) == ("FAULT", "99999", detail)
        assert record.prozess_id == answer.text(".//nachr:ProzessID")
