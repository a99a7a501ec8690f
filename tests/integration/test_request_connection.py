"""One pooled connection per request, shared by its sessions one after another, with every
session's transaction still its own (``adapters/db/request_connection.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from bipro_service.adapters.db.models import BrokerFirm
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_calls import get_data

pytestmark = pytest.mark.db


@pytest.fixture
def checkouts(runtime: Runtime) -> Iterator[list[int]]:
    seen: list[int] = []

    def checked_out(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        seen.append(id(dbapi_connection))

    event.listen(runtime.engine, "checkout", checked_out)
    yield seen
    event.remove(runtime.engine, "checkout", checked_out)


def _firms(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(BrokerFirm)) or 0)


def test_sessions_one_after_another_share_one_checkout(
    runtime: Runtime, checkouts: list[int]
) -> None:
    with runtime.request_scope():
        for _ in range(3):
            with runtime.session_factory() as session:
                session.execute(select(1))
    assert len(checkouts) == 1
    checkouts.clear()
    for _ in range(2):  # outside a request: each session checks out on its own
        with runtime.session_factory() as session:
            session.execute(select(1))
    assert len(checkouts) == 2


def test_no_checkout_without_database_use(runtime: Runtime, checkouts: list[int]) -> None:
    with runtime.request_scope():
        pass
    assert checkouts == []


def test_each_session_keeps_its_own_transaction(runtime: Runtime) -> None:
    with runtime.request_scope():
        with runtime.uow() as uow:
            uow.session.add(BrokerFirm(vermittlernummer="R1", name="Rolled back"))
            uow.session.flush()
            # no commit: leaving the block rolls back
        with runtime.uow() as uow:
            uow.session.add(BrokerFirm(vermittlernummer="C1", name="Committed"))
            uow.commit()
        with runtime.uow() as uow:
            names = set(uow.session.scalars(select(BrokerFirm.vermittlernummer)))
    assert names == {"C1"}
    assert _firms(runtime) == 1


def test_a_nested_session_gets_its_own_connection_and_transaction(
    runtime: Runtime, checkouts: list[int]
) -> None:
    with runtime.request_scope():
        with runtime.session_factory() as outer:
            outer.add(BrokerFirm(vermittlernummer="O1", name="Outer, never committed"))
            outer.flush()
            with runtime.session_factory() as inner:
                assert inner.connection() is not outer.connection()
                assert inner.scalar(select(func.count()).select_from(BrokerFirm)) == 0
            outer.rollback()
        # the outer session gave the request connection back: reused, not a third checkout
        with runtime.session_factory() as after:
            assert after.scalar(select(func.count()).select_from(BrokerFirm)) == 0
    assert len(checkouts) == 2


def test_a_soap_request_checks_out_once(app: BiproApplication) -> None:
    make_firm(app.runtime, "T100")
    make_user(app.runtime, "anna", "T100")
    identifier = token(app, "anna")
    seen: list[int] = []

    def checked_out(*_args: Any) -> None:
        seen.append(1)

    event.listen(app.runtime.engine, "checkout", checked_out)
    try:
        answer = get_data(app, identifier, "UNKNOWN-1")  # token check, query, audit record
    finally:
        event.remove(app.runtime.engine, "checkout", checked_out)
    assert answer.text(".//nachr:StatusID") == "NOK"
    assert seen == [1]


def test_a_closed_session_used_again_is_on_its_own_connection(runtime: Runtime) -> None:
    with runtime.request_scope():
        first = runtime.session_factory()
        first.execute(select(1))
        shared = first.connection()
        first.close()
        with runtime.session_factory() as second:
            second.add(BrokerFirm(vermittlernummer="S1", name="Second, rolled back"))
            second.flush()
            assert second.connection() is shared
            # the first session again: never on the connection the second one is using
            assert first.connection() is not shared
            first.rollback()  # must not roll back the second session's work
            assert second.scalar(select(func.count()).select_from(BrokerFirm)) == 1
            second.rollback()
        first.close()


def test_after_a_database_error_the_next_session_gets_a_fresh_connection(
    runtime: Runtime, checkouts: list[int]
) -> None:
    with runtime.request_scope():
        with runtime.session_factory() as broken, pytest.raises(DBAPIError):
            broken.execute(text("SELECT * FROM no_such_table"))
        with runtime.session_factory() as after:
            assert after.scalar(select(func.count()).select_from(BrokerFirm)) == 0
        with runtime.session_factory() as again:
            again.execute(select(1))
    assert len(checkouts) == 2  # the failed connection replaced once, then shared again
