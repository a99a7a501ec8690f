"""One pooled connection per request, shared by the request's sessions one after another.

A SOAP request opens several short transactions: the signature's certificate lookup and replay
check, the token check, the business transaction, the audit record. Each used to check out its
own pooled connection (with a ``pool_pre_ping`` round trip on PostgreSQL). Inside
:func:`request_connection` the first session made checks out one connection (a request that
makes no session never connects) and every later session reuses it, so a request
costs one checkout and one ping. After a database error on it the connection is replaced
(checked out and pinged anew) before the next session uses it.

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

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker


class _Lease:
    """The request's connection and whether a session is using it right now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None
        self.in_use = False
        self.failed = False  # a database error happened on the connection

    def take(self) -> Connection | None:
        if self.in_use:
            return None
        connection = self.connection
        if connection is None or connection.invalidated or connection.closed or self.failed:
            self.close()
            connection = self.connection = self.engine.connect()
            self.failed = False
        self.in_use = True
        return connection

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


def _note_error(context: ExceptionContext) -> None:
    """Engine ``handle_error``: mark the request's connection as failed when the error was on it."""
    lease = _CURRENT.get()
    if (
        lease is not None
        and lease.connection is not None
        and context.connection is lease.connection
    ):
        lease.failed = True


class RequestSession(Session):
    """A session that hands the request's connection back when it ends, and is bound to the
    engine from then on (a closed session used again must not share the connection)."""

    def _give_back(self) -> None:
        lease = self.info.pop(_LEASE_KEY, None)
        if lease is not None:
            self.bind = lease.engine
            lease.give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()

    def reset(self) -> None:
        try:
            super().reset()
        finally:
            self._give_back()

    def invalidate(self) -> None:
        try:
            super().invalidate()
        finally:
            self._give_back()


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


def request_sessions(engine: Engine, **options: Any) -> RequestSessions:
    """The engine's session factory; watches the engine for errors on a request's connection
    (registered once here, not per request)."""
    if not event.contains(engine, "handle_error", _note_error):
        event.listen(engine, "handle_error", _note_error)
    return RequestSessions(bind=engine, class_=RequestSession, **options)


@contextmanager
def request_connection(engine: Engine) -> Iterator[None]:
    """Sessions made by :func:`request_sessions` inside the block share one connection."""
    lease = _Lease(engine)
    token = _CURRENT.set(lease)
    try:
        yield
    finally:
        _CURRENT.reset(token)
        lease.close()
