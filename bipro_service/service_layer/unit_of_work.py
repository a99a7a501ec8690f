"""A unit of work that rolls back unless ``commit()`` was called."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.repositories import Repositories
from bipro_service.adapters.db.scoping import scope_session
from bipro_service.service_layer.principal import Principal


class UnitOfWork:
    """One database transaction with the repositories bound to it.

    ``with uow:`` opens a session; leaving the block without ``uow.commit()`` rolls back,
    so nothing half-written survives an exception. With a ``principal`` every query is
    scoped to what that principal may see on ``today`` (``adapters/db/scoping.py``).
    """

    session: Session
    repos: Repositories

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        principal: Principal | None = None,
        today: date | None = None,
        *,
        before_commit: Callable[[Session], None] | None = None,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.principal = principal
        self.today = today
        self._before_commit = before_commit
        self._after_commit = after_commit

    @property
    def business_day(self) -> date:
        """The business day a scoped unit of work sees (always set with a principal)."""
        if self.today is None:
            raise ValueError("an unscoped unit of work has no business day")
        return self.today

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self.principal is not None:
            if self.today is None:
                raise ValueError("a scoped unit of work needs the business day")
            scope_session(self.session, self.principal, self.today)
        self.repos = Repositories(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self, *, audited: bool = True) -> None:
        """Commit; the entry point's audit record goes into the same transaction.

        ``audited=False`` for intermediate commits whose request may still fail (the lockout
        counter): the request's record is then written with its final outcome.
        """
        if audited and self._before_commit is not None:
            self._before_commit(self.session)
        self.session.commit()
        if audited and self._after_commit is not None:
            self._after_commit()

    def rollback(self) -> None:
        self.session.rollback()
