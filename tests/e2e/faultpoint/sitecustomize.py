"""Fault injection for the e2e fault tests: put this folder on the server's PYTHONPATH.

With ``BIPRO_TEST_PAUSE`` = ``before_commit`` or ``after_commit`` and ``BIPRO_TEST_PAUSE_MARKER``
= a file path, the first transaction that creates a ``TaaOrder`` (``setOrder``) stops there
until the test kills the worker:

- ``before_commit``: everything of the order is flushed to the database in the open
  transaction (customer, servicing relationship, contract, order, the policy shipment with its
  PDF, the audit record and the chain head); only the COMMIT is missing;
- ``after_commit``: committed; the answer has not been sent.

The marker file receives the pausing worker's pid; only the first such transaction pauses (the
marker exists afterwards), so the retry runs through. Nothing here is part of the service: it
hooks SQLAlchemy's public session events from outside.
"""

from __future__ import annotations

import os
import time
from typing import Any

POINT = os.environ.get("BIPRO_TEST_PAUSE")
MARKER = os.environ.get("BIPRO_TEST_PAUSE_MARKER")
PAUSE_S = 120.0  # longer than gunicorn's worker timeout (60 s): the test kills it long before
FLAG = "bipro.test.creates_order"


def _pause() -> None:
    assert MARKER is not None
    try:
        fd = os.open(MARKER + ".lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # paused once already: the retry runs through
    os.close(fd)
    partial = MARKER + ".tmp"
    with open(partial, "w") as marker:
        marker.write(str(os.getpid()))
    os.replace(partial, MARKER)
    time.sleep(PAUSE_S)


def _install() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        if any(type(obj).__name__ == "TaaOrder" for obj in session.new):
            session.info[FLAG] = True

    @event.listens_for(Session, "before_commit")
    def _before_commit(session: Session) -> None:
        if POINT == "before_commit" and session.info.get(FLAG):
            session.flush()
            _pause()

    @event.listens_for(Session, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(FLAG, False) and POINT == "after_commit":
            _pause()

    @event.listens_for(Session, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(FLAG, None)


if POINT in ("before_commit", "after_commit") and MARKER:
    _install()
