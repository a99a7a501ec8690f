"""Alembic environment: the URL comes from BIPRO_DATABASE_URL (or the caller's config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bipro_service.adapters.db import models  # noqa: F401  (registers the tables)
from bipro_service.adapters.db.base import Base
from bipro_service.adapters.db.engine import make_engine
from bipro_service.config import Settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    settings = Settings(database_url=url) if url else Settings()
    engine = make_engine(settings)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
