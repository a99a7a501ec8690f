"""The running application's dependencies, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.engine import make_engine, make_session_factory
from bipro_service.config import Settings
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

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)
