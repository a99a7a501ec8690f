"""Per-firm data scoping, enforced centrally for every ORM query of a principal's session.

A session whose ``info["principal"]`` is set only ever loads:

- customers the principal's firm serves on ``info["today"]`` (servicing relationship valid that
  day; a change of broker ends visibility at once, T I.12) and who are not blocked;
- contracts of those customers; shipments addressed to the firm that are about no customer or
  about a customer it serves now;
- for a test access, test data only (T I.3a, IV.2a);
- for a user without portfolio rights, no customer or contract data at all (T I.3c).

Services therefore cannot forget the scope: "not yours" simply does not exist for them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, event, exists, false, or_, select, true
from sqlalchemy.orm import (
    InstrumentedAttribute,
    ORMExecuteState,
    Session,
    sessionmaker,
    with_loader_criteria,
)

from bipro_service.adapters.db.models import Contract, Customer, ServicingRelationship, Shipment
from bipro_service.service_layer.principal import Principal

#: A customer-id column of a mapped class (``Customer.id``, ``Contract.customer_id`` …).
_Column = ColumnElement[Any] | InstrumentedAttribute[Any]

PRINCIPAL_KEY = "principal"
TODAY_KEY = "today"


def served_customers(firm_id: int, today: date) -> Select[Any]:
    """Customer ids the firm serves on ``today`` (from inclusive, to exclusive)."""
    return select(ServicingRelationship.customer_id).where(
        ServicingRelationship.firm_id == firm_id,
        ServicingRelationship.valid_from <= today,
        or_(ServicingRelationship.valid_to.is_(None), ServicingRelationship.valid_to > today),
    )


def _served(customer_id: _Column, firm_id: int, today: date) -> ColumnElement[bool]:
    """A servicing relationship of the firm covers the customer today (correlated EXISTS: one
    index probe per row on ``(firm_id, customer_id)``, not a list of all the firm's customers)."""
    servicing = ServicingRelationship.__table__.c
    return exists().where(
        servicing.customer_id == customer_id,
        servicing.firm_id == firm_id,
        servicing.valid_from <= today,
        or_(servicing.valid_to.is_(None), servicing.valid_to > today),
    )


def _visible(
    customer_id: _Column, firm_id: int, test_access: bool, today: date
) -> ColumnElement[bool]:
    """The customer is served today and not blocked (test data only for a test access).

    Core tables, not ORM entities, inside the subqueries: the loader criteria must not apply
    to themselves."""
    holder = Customer.__table__.alias("scope_customer")
    conditions = [holder.c.id == customer_id, holder.c.blocked_at.is_(None)]
    if test_access:
        conditions.append(holder.c.is_test.is_(True))
    return _served(customer_id, firm_id, today) & exists().where(*conditions)


def _criteria(principal: Principal, today: date) -> tuple[Any, ...]:
    return _cached_criteria(
        principal.firm_id, principal.test_access, principal.portfolio_rights, today
    )


@lru_cache(maxsize=1024)
def _cached_criteria(
    firm_id: int, test_access: bool, portfolio_rights: bool, today: date
) -> tuple[Any, ...]:
    """The loader options of one scope, built once: they depend on nothing but the key (the
    expressions are immutable), and building them per statement was a large share of a
    request's time (aliases, column proxies, operator coercion)."""
    portfolio: ColumnElement[bool] = true() if portfolio_rights else false()
    customer = _served(Customer.id, firm_id, today) & Customer.blocked_at.is_(None) & portfolio
    contract = _visible(Contract.customer_id, firm_id, test_access, today) & portfolio
    shipment = (Shipment.firm_id == firm_id) & or_(
        Shipment.customer_id.is_(None),
        _visible(Shipment.customer_id, firm_id, test_access, today) & portfolio,
    )
    if test_access:
        customer = customer & Customer.is_test.is_(True)
        contract = contract & Contract.is_test.is_(True)
        shipment = shipment & Shipment.is_test.is_(True)
    return (
        with_loader_criteria(Customer, customer, include_aliases=True),
        with_loader_criteria(Contract, contract, include_aliases=True),
        with_loader_criteria(Shipment, shipment, include_aliases=True),
    )


def _scope(state: ORMExecuteState) -> None:
    principal = state.session.info.get(PRINCIPAL_KEY)
    if principal is None or not state.is_select:
        return
    state.statement = state.statement.options(*_criteria(principal, state.session.info[TODAY_KEY]))


def install_scoping(factory: sessionmaker[Session]) -> None:
    """Apply the scope to every session the factory makes (idempotent)."""
    if not event.contains(factory, "do_orm_execute", _scope):
        event.listen(factory, "do_orm_execute", _scope)


def scope_session(session: Session, principal: Principal, today: date) -> None:
    """Restrict ``session`` to what ``principal`` may see on ``today``."""
    session.info[PRINCIPAL_KEY] = principal
    session.info[TODAY_KEY] = today
