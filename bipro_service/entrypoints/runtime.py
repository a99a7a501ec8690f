"""The running application's dependencies, built once from the settings."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.engine import make_engine, make_session_factory
from bipro_service.adapters.db.request_connection import request_connection
from bipro_service.config import Settings
from bipro_service.service_layer.principal import Principal
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass
class Runtime:
    """Settings, engine and session factory of one process."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        engine = make_engine(settings)
        return cls(settings, engine, make_session_factory(engine))

    def request_scope(self) -> AbstractContextManager[None]:
        """Inside: the sessions of ``session_factory`` share one pooled connection, one after
        another (``adapters/db/request_connection.py``)."""
        return request_connection(self.engine)

    def uow(self, principal: Principal | None = None) -> UnitOfWork:
        """A unit of work; with ``principal`` scoped to its firm as of today's business day."""
        return UnitOfWork(
            self.session_factory, principal, self.business_day() if principal else None
        )

    def business_day(self) -> date:
        """Today in the insurer's time zone: servicing relationships change at local midnight."""
        return datetime.now(ZoneInfo(self.settings.business_timezone)).date()
