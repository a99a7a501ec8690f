"""Bulk-loading a generated portfolio: SQLAlchemy Core ``insert()`` executemany in batches.

No ORM object per row: rows are plain dicts, ids are assigned here, each batch is one
executemany. The firm and its user go through the service layer like in production.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert, select, text

from bipro_service.adapters.db import migrate
from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import (
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    ShipmentDocument,
)
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import admin

FIRM_NUMBER = "B900001"
LOGIN = "bench.bestand"
PASSWORD = "Bench-Langes-Passwort-2026"  # noqa: S105  (a throw-away benchmark database)
SECRET_KEY = "bench-secret-not-for-production"  # noqa: S105
BATCH = 5000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" + b"x" * 2000 + b"\n"
DETAILS = {
    "transport_kinds": ["post", "courier"],
    "valuables_classes": ["securities"],
    "clauses": {"war": False, "strike_riot": True, "confiscation": False},
}


@dataclass
class LoadReport:
    contracts: int
    shipments: int
    seconds: float


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def contract_number(index: int) -> str:
    """The Versicherungsscheinnummer of generated contract ``index`` (0-based)."""
    return f"BV-{index:08d}"


def batches(start: int, stop: int, size: int = BATCH) -> list[range]:
    """``range(start, stop)`` cut into consecutive ranges of at most ``size``."""
    return [range(lo, min(lo + size, stop)) for lo in range(start, stop, size)]


def prepare(settings: Settings) -> tuple[Runtime, int]:
    """Migrate, create the firm and an active user with :data:`PASSWORD`; returns the firm id."""
    migrate.upgrade(settings, "head")
    runtime = Runtime.from_settings(settings)
    now = utcnow()
    with runtime.uow() as uow:
        firm = admin.create_firm(uow, FIRM_NUMBER, "Bench Makler GmbH", True, now)
        firm_id = firm.id
        uow.commit()
    with runtime.uow() as uow:
        new = admin.create_user(
            uow, admin.INSURER, FIRM_NUMBER, LOGIN, "Bench Nutzer",
            portfolio_rights=True, admin=False, now=now,
        )  # fmt: skip
    with runtime.uow() as uow:
        admin.redeem_activation(uow, settings, new.activation_secret, PASSWORD, utcnow())
    return runtime, firm_id


def _max_id(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


LOADED_TABLES = (
    "customers",
    "contracts",
    "servicing_relationships",
    "shipments",
    "shipment_documents",
)


def reset_sequences(engine: Engine) -> None:
    """PostgreSQL: move the id sequences past the ids assigned here (else the service's own
    inserts collide with them). SQLite needs nothing."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in LOADED_TABLES:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )


def settle(engine: Engine) -> float:
    """After a bulk load, bring the database to the steady state a running deployment is in
    before measuring; seconds taken.

    PostgreSQL: ``VACUUM ANALYZE`` (planner statistics, visibility map) and a ``CHECKPOINT``, so
    autovacuum and the checkpointer do not work through the fresh rows during the
    measurement (they did: a growth run right after loading measured them, not the service).
    SQLite: the write-ahead log folded back into the database file."""
    began = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in LOADED_TABLES:
                conn.execute(text(f"VACUUM ANALYZE {table}"))
            conn.execute(text("CHECKPOINT"))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def load_contracts(engine: Engine, firm_id: int, start: int, stop: int) -> float:
    """Customers, contracts and servicing relationships ``start`` … ``stop - 1``; seconds."""
    began = time.perf_counter()
    now = utcnow()
    since = date(2020, 1, 1)
    customers, contracts, servicing = (
        _table(Customer),
        _table(Contract),
        _table(ServicingRelationship),
    )
    cust0 = _max_id(engine, customers) - start
    con0 = _max_id(engine, contracts) - start
    srv0 = _max_id(engine, servicing) - start
    for part in batches(start, stop):
        with engine.begin() as conn:
            conn.execute(
                insert(customers),
                [
                    {
                        "id": cust0 + i + 1,
                        "partnernummer": f"BK{i:08d}",
                        "is_test": True,
                        "company_name": f"Juwelier Bench {i} GmbH",
                        "street": f"Hauptstr. {i % 200 + 1}",
                        "postal_code": f"{10000 + i % 89999:05d}",
                        "city": "Berlin",
                        "email": f"kunde{i}@example.org",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in part
                ],
            )
            conn.execute(
                insert(contracts),
                [
                    {
                        "id": con0 + i + 1,
                        "versicherungsscheinnummer": contract_number(i),
                        "customer_id": cust0 + i + 1,
                        "product": "VALOREN",
                        "tariff_version": "2026-01",
                        "status": "aktiv",
                        "begin": since + timedelta(days=i % 1000),
                        "end": None,
                        "sum_insured": Decimal("250000.00"),
                        "annual_premium": Decimal("300.00") + i % 700,
                        "payment_mode": "annual",
                        "details": DETAILS,
                        "is_test": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in part
                ],
            )
            conn.execute(
                insert(servicing),
                [
                    {
                        "id": srv0 + i + 1,
                        "firm_id": firm_id,
                        "customer_id": cust0 + i + 1,
                        "valid_from": since,
                        "valid_to": None,
                    }
                    for i in part
                ],
            )
    reset_sequences(engine)
    return time.perf_counter() - began


def load_shipments(engine: Engine, firm_id: int, count: int, now: datetime) -> list[str]:
    """``count`` open shipments of the firm, each with one small PDF; their public ids."""
    ship0 = _max_id(engine, _table(Shipment))
    doc0 = _max_id(engine, _table(ShipmentDocument))
    cust_first = _max_id(engine, _table(Customer))  # any served customer will do
    digest = hashlib.sha256(PDF).hexdigest()
    ids = [f"bench{k:027d}" for k in range(count)]
    with engine.begin() as conn:
        conn.execute(
            insert(_table(Shipment)),
            [
                {
                    "id": ship0 + k + 1,
                    "public_id": ids[k],
                    "firm_id": firm_id,
                    "customer_id": cust_first - k if k % 2 == 0 else None,
                    "contract_id": None,
                    "category": "100001000" if k % 2 == 0 else "210000000",
                    "art": "Dokument",
                    "only_data": False,
                    "periodic": False,
                    "created_at": now,
                    "available_until": now + timedelta(days=30),
                    "is_test": True,
                }
                for k in range(count)
            ],
        )
        conn.execute(
            insert(_table(ShipmentDocument)),
            [
                {
                    "id": doc0 + k + 1,
                    "shipment_id": ship0 + k + 1,
                    "position": 1,
                    "filename": "brief.pdf",
                    "content_type": "application/pdf",
                    "size": len(PDF),
                    "sha256": digest,
                    "data": PDF,
                }
                for k in range(count)
            ],
        )
    reset_sequences(engine)
    return ids


def load(
    settings: Settings, contracts: int, shipments: int
) -> tuple[Runtime, int, list[str], LoadReport]:
    began = time.perf_counter()
    runtime, firm_id = prepare(settings)
    load_contracts(runtime.engine, firm_id, 0, contracts)
    ids = load_shipments(runtime.engine, firm_id, shipments, utcnow())
    settle(runtime.engine)
    report = LoadReport(contracts, shipments, time.perf_counter() - began)
    return runtime, firm_id, ids, report
