"""Engine and session factory, made from the settings (never at import time); telling a
database that cannot be reached from other errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.config import Settings

_MISSING = object()

#: Seconds libpq waits for a PostgreSQL connection (TCP connect, start-up and authentication).
CONNECT_TIMEOUT_S = 5


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened (a message for the operator, no secrets)."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(settings: Settings) -> Engine:
    """Create the engine of a deployment; creates the SQLite file's folder if needed."""
    url = make_url(normalise_url(settings.database_url))
    # Logged database errors name the SQL, never its parameters (token and password hashes,
    # personal data, whole audit records).
    kwargs: dict[str, Any] = {"future": True, "hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            folder = Path(url.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                reason = "not a folder" if folder.exists() else (error.strerror or str(error))
                raise DatabaseUnavailable(
                    f"cannot create the folder {folder} of the SQLite database: {reason}"
                ) from None
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            # A connection the server dropped (restart, failover) is noticed at checkout and
            # replaced; a database that is down fails within the connect timeout, not later.
            pool_pre_ping=True,
            pool_timeout=10,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        )
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions with per-principal scoping installed (see ``scoping.py``)."""
    from bipro_service.adapters.db.request_connection import request_sessions
    from bipro_service.adapters.db.scoping import install_scoping

    factory = request_sessions(engine, expire_on_commit=False, future=True)
    install_scoping(factory)
    return factory


# -- a database that cannot be reached ----------------------------------------------------


#: PostgreSQL SQLSTATEs of a database that cannot serve right now but will again: connection
#: exceptions (class 08), admin shutdown / crash shutdown / cannot connect now (57P01-57P03),
#: too many connections (53300), serialization failure and deadlock (40001, 40P01), lock not
#: available (55P03). Everything else (syntax, missing table, constraint, statement timeout,
#: disk full) is a fault of ours or the operator's and is never called "temporarily unavailable".
_PG_TRANSIENT_CLASSES = ("08",)
_PG_TRANSIENT_STATES = frozenset({"57P01", "57P02", "57P03", "53300", "40001", "40P01", "55P03"})
#: SQLite result codes of the same kind: busy or locked, the file cannot be opened, I/O errors.
_SQLITE_TRANSIENT = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what it was raised from, as Python shows it (``raise … from`` first, the
    context only when not suppressed), each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )


def _transient_driver_error(orig: BaseException) -> bool:
    sqlstate = getattr(orig, "sqlstate", _MISSING)
    if sqlstate is not _MISSING:  # psycopg: no SQLSTATE = the connection itself failed
        if sqlstate is None:
            return isinstance(orig, psycopg.OperationalError)
        text = str(sqlstate)
        return text[:2] in _PG_TRANSIENT_CLASSES or text in _PG_TRANSIENT_STATES
    name = getattr(orig, "sqlite_errorname", None)
    return isinstance(name, str) and name.startswith(_SQLITE_TRANSIENT)


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` or what it was raised from says the database cannot be reached or
    used right now: connection refused or lost (server down, restarting, network), connect
    timeout, the pool exhausted, a locked SQLite file, a deadlock or serialization failure
    (see the SQLSTATE and SQLite code lists above). Such a request may be retried later.
    Programming and schema errors are not (they get the generic internal fault)."""
    for current in _causes(error):
        if isinstance(current, (PoolTimeout, DatabaseUnavailable)):
            return True
        if isinstance(current, DBAPIError):
            if current.connection_invalidated:
                return True
            if current.orig is not None and _transient_driver_error(current.orig):
                return True
    return False


def database_problem(error: BaseException) -> str:
    """The driver's message of a database error on one line (no SQL, no parameters)."""
    for current in _causes(error):
        if isinstance(current, DBAPIError) and current.orig is not None:
            return _one_line(str(current.orig)) or type(current.orig).__name__
        if isinstance(current, DatabaseUnavailable):
            return str(current)
        if isinstance(current, PoolTimeout):
            return "all connections of the pool in use (pool timeout)"
    return _one_line(str(error)) or type(error).__name__


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:500]


def display_url(url: str) -> str:
    """The database URL for messages and logs, with the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"
