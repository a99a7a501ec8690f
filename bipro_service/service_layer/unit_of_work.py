"""A unit of work that rolls back unless ``commit()`` was called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.repositories import Repositories


class UnitOfWork:
    """One database transaction with the repositories bound to it.

    ``with uow:`` opens a session; leaving the block without ``uow.commit()`` rolls back,
    so nothing half-written survives an exception.
    """

    session: Session
    repos: Repositories

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
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

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
