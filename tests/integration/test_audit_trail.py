"""The audit trail: one record per request, hash chain, append-only, purge, reports, blocking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import AdminError
from bipro_service.entrypoints.soap import context as context_module
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import audit_chain, audit_reports
from bipro_service.service_layer.audit import AuditEntry, add_audit
from bipro_service.service_layer.customers import block_customer
from tests.conftest import PG_URL
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_calls import get_data, ids, transfer
from tests.integration.portfolio_helpers import make_customer, make_shipment
from tests.support import STS_PATH, call


@pytest.fixture
def world(app: BiproApplication) -> str:
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    make_customer(app.runtime, "K1", "T100", contract="VAL-1")
    return make_shipment(app.runtime, "T100", customer="K1")


def soap_records(app: BiproApplication) -> int:
    with app.runtime.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.service != "Administration")
            )
            or 0
        )


def verify(app: BiproApplication) -> audit_chain.VerifyResult:
    with app.runtime.uow() as uow:
        return audit_chain.verify_chain(uow)


def bypass_triggers(conn: object) -> None:
    """What an attacker with database access could do."""
    if PG_URL:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[attr-defined]
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))  # type: ignore[attr-defined]
        conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_delete"))  # type: ignore[attr-defined]


def test_one_record_per_request_and_chain_verifies(app: BiproApplication, world: str) -> None:
    tok = token(app, "anna")
    transfer(app, tok, "listShipments")
    transfer(app, tok, "getShipment", f"<t:ID>{world}</t:ID>")
    transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world}</t:ID>")
    call(app, STS_PATH, b"<not-xml")
    assert soap_records(app) == 5
    result = verify(app)
    assert result.ok and result.checked >= 5


def test_records_cannot_be_updated_or_deleted(app: BiproApplication, world: str) -> None:
    token(app, "anna")
    for statement in ("UPDATE audit_records SET outcome = 'OK'", "DELETE FROM audit_records"):
        with pytest.raises(DBAPIError), app.runtime.engine.begin() as conn:
            conn.execute(text(statement))
    assert soap_records(app) == 1


def test_altered_record_is_named(app: BiproApplication, world: str) -> None:
    tok = token(app, "anna")
    for _ in range(3):
        transfer(app, tok, "listShipments")
    with app.runtime.uow() as uow:
        target = uow.session.scalar(
            select(AuditRecord.seq)
            .where(AuditRecord.operation == "listShipments")
            .order_by(AuditRecord.seq)
        )
    with app.runtime.engine.begin() as conn:
        bypass_triggers(conn)
        conn.execute(
            text("UPDATE audit_records SET user_login = 'mallory' WHERE seq = :s"), {"s": target}
        )
    result = verify(app)
    assert (
        result.problem is not None
        and result.problem.seq == target
        and result.problem.kind == "altered"
    )


def test_deleted_record_is_named(app: BiproApplication, world: str) -> None:
    tok = token(app, "anna")
    for _ in range(3):
        transfer(app, tok, "listShipments")
    with app.runtime.uow() as uow:
        seqs = list(uow.session.scalars(select(AuditRecord.seq).order_by(AuditRecord.seq)))
    victim = seqs[-2]
    with app.runtime.engine.begin() as conn:
        bypass_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE seq = :s"), {"s": victim})
    result = verify(app)
    assert (
        result.problem is not None
        and result.problem.seq == victim
        and result.problem.kind == "deleted"
    )
    with app.runtime.engine.begin() as conn:
        bypass_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE seq = :s"), {"s": seqs[-1]})
    assert verify(app).problem is not None


def test_business_write_fails_when_its_audit_record_cannot_be_written(
    app: BiproApplication, world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tok = token(app, "anna")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit storage down")

    monkeypatch.setattr(context_module, "add_audit", broken)
    answer = transfer(app, tok, "acknowledgeShipment", f"<t:ID>{world}</t:ID>")
    assert answer.is_fault and answer.meldung_ids == ["99999"]
    monkeypatch.undo()
    assert world in ids(transfer(app, tok, "listShipments"))  # acknowledgement rolled back
    assert verify(app).ok


def _old_entry(moment: datetime, n: int) -> AuditEntry:
    return AuditEntry(
        occurred_at=moment,
        prozess_id=f"old-{n}",
        service="TransferService",
        operation="listShipments",
        outcome="OK",
        duration_ms=1,
        user_login="anna",
        vermittlernummer="T100",
    )


def test_purge_removes_only_records_past_retention(app: BiproApplication) -> None:
    settings = app.runtime.settings
    now = utcnow()
    with app.runtime.uow() as uow:  # the oldest records come first in the chain, as in real life
        for n, years_ago in enumerate((9, 8, 7)):
            add_audit(
                uow.session,
                _old_entry(now.replace(month=6, day=1) - timedelta(days=365 * years_ago), n),
            )
        uow.commit()
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    token(app, "anna")
    kwargs = {"years": settings.audit_retention_years, "zone": settings.business_timezone}
    with app.runtime.uow() as uow, pytest.raises(AdminError):
        audit_chain.purge(uow, now, before=now - timedelta(days=365), **kwargs)
    with app.runtime.uow() as uow:
        result = audit_chain.purge(uow, now, **kwargs)
    cutoff = audit_chain.retention_cutoff(
        now, settings.audit_retention_years, settings.business_timezone
    )
    with app.runtime.uow() as uow:
        oldest = uow.session.scalar(select(func.min(AuditRecord.occurred_at)))
    assert result.deleted >= 2 and oldest is not None and oldest >= cutoff
    assert verify(app).ok
    with app.runtime.uow() as uow:  # nothing more to purge
        assert audit_chain.purge(uow, now, **kwargs).deleted == 0
    assert verify(app).ok


def test_retention_counts_from_end_of_calendar_year() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    cutoff = audit_chain.retention_cutoff(now, 6, "Europe/Berlin")
    assert cutoff == datetime(2019, 12, 31, 23, 0, tzinfo=UTC)  # 2020-01-01 00:00 Berlin


def test_reports(app: BiproApplication, world: str) -> None:
    tok = token(app, "anna")
    get_data(app, tok, "VAL-1")
    transfer(app, tok, "getShipment", f"<t:ID>{world}</t:ID>")
    now = utcnow()
    with app.runtime.uow() as uow:
        sessions = audit_reports.logged_in_at(uow, now, app.runtime.settings.token_idle_seconds)
        by_user = audit_reports.calls(
            uow, start=now - timedelta(hours=1), end=now + timedelta(seconds=1), user="anna"
        )
        contract = audit_reports.calls(
            uow, start=now - timedelta(hours=1), end=now + timedelta(seconds=1), contract="VAL-1"
        )
        before = audit_reports.logged_in_at(uow, now - timedelta(hours=1), 900)
    assert [(s["vermittlernummer"], s["user_login"]) for s in sessions] == [("T100", "anna")]
    assert before == []
    assert [r["operation"] for r in by_user] == ["RequestSecurityToken", "getData", "getShipment"]
    assert [r["operation"] for r in contract] == ["getData"]


def test_blocked_customer_disappears_from_every_answer(app: BiproApplication, world: str) -> None:
    tok = token(app, "anna")
    with app.runtime.uow() as uow:
        block_customer(uow, "K1", "Löschverlangen, Aufbewahrungspflicht", utcnow())
    assert get_data(app, tok, "VAL-1").meldung_ids == ["01101"]
    assert world not in ids(transfer(app, tok, "listShipments"))
    with app.runtime.uow() as uow:
        blocked = uow.session.scalar(
            select(AuditRecord).where(AuditRecord.operation == "blockCustomer")
        )
        assert blocked is not None and blocked.objects["customer"] == ["K1"]
        assert uow.repos.customer_by_number("K1") is not None  # kept, not deleted
