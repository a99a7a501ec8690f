"""Building customers, contracts, servicing relationships and shipments for tests."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import (
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    ShipmentDocument,
)
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.post import new_shipment_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_customer(
    runtime: Runtime,
    number: str,
    firm: str,
    *,
    since: date | None = None,
    until: date | None = None,
    is_test: bool = True,
    contract: str | None = None,
) -> None:
    """A customer served by ``firm`` from ``since`` until ``until`` (exclusive), with a contract."""
    with runtime.uow() as uow:
        firm_row = uow.repos.firm_by_number(firm)
        assert firm_row is not None
        customer = uow.repos.customer_by_number(number)
        if customer is None:
            customer = Customer(
                partnernummer=number,
                is_test=is_test,
                first_name="Erika",
                last_name=f"Muster {number}",
                street="Hauptstr. 1",
                postal_code="10115",
                city="Berlin",
            )
            uow.session.add(customer)
            uow.session.flush()
        uow.session.add(
            ServicingRelationship(
                firm_id=firm_row.id,
                customer_id=customer.id,
                valid_from=since or date(2020, 1, 1),
                valid_to=until,
            )
        )
        if contract:
            uow.session.add(
                Contract(
                    versicherungsscheinnummer=contract,
                    customer_id=customer.id,
                    product="VALOREN",
                    tariff_version="2026-01",
                    status="aktiv",
                    begin=date(2024, 1, 1),
                    end=None,
                    sum_insured=Decimal("250000.00"),
                    annual_premium=Decimal("1234.56"),
                    payment_mode="annual",
                    details={
                        "transport_kinds": ["post"],
                        "valuables_classes": ["securities"],
                        "clauses": {"war": False, "strike_riot": False, "confiscation": False},
                    },
                    is_test=is_test,
                )
            )
        uow.commit()


def make_shipment(
    runtime: Runtime,
    firm: str,
    *,
    customer: str | None = None,
    category: str = "100001000",
    is_test: bool = True,
    data: bytes = PDF,
    available_days: int = 30,
    art: str = "",
) -> str:
    with runtime.uow() as uow:
        firm_row = uow.repos.firm_by_number(firm)
        assert firm_row is not None
        customer_row = uow.repos.customer_by_number(customer) if customer else None
        shipment = Shipment(
            public_id=new_shipment_id(),
            firm_id=firm_row.id,
            customer_id=customer_row.id if customer_row else None,
            category=category,
            art=art,
            available_until=utcnow() + timedelta(days=available_days),
            is_test=is_test,
        )
        uow.session.add(shipment)
        uow.session.flush()
        uow.session.add(
            ShipmentDocument(
                shipment_id=shipment.id,
                position=1,
                filename="brief.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )
        uow.commit()
        return shipment.public_id


def two_firms(runtime: Runtime) -> None:
    """Firms T100 and T200; users ``anna`` (T100), ``bernd`` (T200) and ``ohne`` (T100, no
    portfolio rights); K1/VAL-1 served by T100, K2/VAL-2 by T200, and K3/VAL-3, who changed
    from T100 to T200 today."""
    from tests.integration.accounts_helpers import make_firm, make_user

    make_firm(runtime, "T100")
    make_firm(runtime, "T200")
    make_user(runtime, "anna", "T100")
    make_user(runtime, "bernd", "T200")
    make_user(runtime, "ohne", "T100", portfolio_rights=False)
    today = runtime.business_day()
    make_customer(runtime, "K1", "T100", contract="VAL-1")
    make_customer(runtime, "K2", "T200", contract="VAL-2")
    make_customer(runtime, "K3", "T100", until=today, contract="VAL-3")
    make_customer(runtime, "K3", "T200", since=today)
