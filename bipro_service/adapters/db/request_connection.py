"""One pooled connection per request, shared by the request's sessions one after another.

A SOAP request opens several short transactions: the signature's certificate lookup and replay
check, the token check, the business transaction, the audit record. Each used to check out its
own pooled connection (with a ``pool_pre_ping`` round trip on PostgreSQL). Inside
:func:`request_connection` the first session checks out one connection lazily (a request that
never touches the database never connects) and every later session reuses it, so a request
costs one checkout and one ping.

Transactions stay exactly as they were: each session still begins, commits or rolls back its
own transaction on that connection. A session opened while another one of the same request is
still open (nested use) gets a connection of its own from the engine, as before, so it can
never join, and never commit or roll back, the outer session's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


class _Lease:
    """The request's connection and whether a session is using it right now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None
        self.in_use = False

    def take(self) -> Connection | None:
        if self.in_use:
            return None
        if self.connection is None or self.connection.invalidated or self.connection.closed:
            self.close()
            self.connection = self.engine.connect()
        self.in_use = True
        return self.connection

    def give_back(self) -> None:
        self.in_use = False
        connection = self.connection
        if connection is not None and connection.in_transaction():
            connection.rollback()  # never carry a transaction into the next session

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


_CURRENT: ContextVar[_Lease | None] = ContextVar("bipro_request_connection", default=None)
_LEASE_KEY = "bipro_request_lease"


class RequestSession(Session):
    """A session that hands the request's connection back when it closes."""

    def close(self) -> None:
        try:
            super().close()
        finally:
            lease = self.info.pop(_LEASE_KEY, None)
            if lease is not None:
                lease.give_back()


class RequestSessions(sessionmaker[Session]):
    """A session factory (of :class:`RequestSession`) that binds to the request's connection
    when one is free."""

    def __call__(self, **local_kw: Any) -> Session:
        lease = _CURRENT.get()
        connection = lease.take() if lease is not None and "bind" not in local_kw else None
        if connection is None:
            return super().__call__(**local_kw)
        try:
            session = super().__call__(bind=connection, **local_kw)
        except BaseException:
            assert lease is not None
            lease.give_back()
            raise
        session.info[_LEASE_KEY] = lease
        return session


@contextmanager
def request_connection(engine: Engine) -> Iterator[None]:
    """Sessions made by :class:`RequestSessions` inside the block share one connection."""
    lease = _Lease(engine)
    token = _CURRENT.set(lease)
    try:
        yield
    finally:
        _CURRENT.reset(token)
        lease.close()
