"""Migrations and models agree; an empty database goes to head and back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from bipro_service.adapters.db import migrate
from bipro_service.adapters.db.base import Base
from bipro_service.config import Settings
from tests.conftest import PG_URL


def test_database_at_head_has_no_drift(settings: Settings) -> None:
    assert migrate.check(settings) is None


def test_upgrade_downgrade_roundtrip(settings: Settings, tmp_path: Path) -> None:
    target = (
        settings if PG_URL else Settings(database_url=f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
    )
    migrate.upgrade(target)
    migrate.downgrade(target, "base")
    engine = create_engine(target.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()
    migrate.upgrade(target)
    engine = create_engine(target.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert migrate.check(target) is None


def test_check_reports_a_database_behind_head(tmp_path: Path) -> None:
    behind = Settings(database_url=f"sqlite:///{tmp_path / 'behind.sqlite3'}")
    migrate.upgrade(behind, "0001")
    problem = migrate.check(behind)
    assert problem is not None and "not up to date" in problem
