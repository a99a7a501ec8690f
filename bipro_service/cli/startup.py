"""A database that cannot be reached is one clear line on stderr, never a traceback or a hang;
``serve`` checks its database before it starts gunicorn."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from bipro_service.adapters.db.engine import (
    DatabaseUnavailable,
    database_problem,
    database_unavailable,
    display_url,
    make_engine,
    normalise_url,
)
from bipro_service.config import Settings

#: Exit status of a command whose database cannot be reached, opened or is not migrated.
EXIT_DATABASE = 3


class DatabaseErrors(click.Group):
    """The ``bipro-service`` group: database errors of every command end it with one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if not database_unavailable(error):
                raise
            _exit(unreachable_message(_settings(ctx), error))


def check_database_url(settings: Settings) -> None:
    """An unusable ``BIPRO_DATABASE_URL`` (syntax, unknown dialect or driver) ends the command
    with one line, before anything else runs (checked once here, so that the same SQLAlchemy
    errors raised later by a bug are not mistaken for a bad URL)."""
    try:
        url = make_url(normalise_url(settings.database_url))
        url.get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        _exit(f"BIPRO_DATABASE_URL is not a usable database URL: {error}")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        _exit(
            f"BIPRO_DATABASE_URL: {url.get_backend_name()} is not supported (SQLite or PostgreSQL)"
        )


def _settings(ctx: click.Context) -> Settings | None:
    settings = ctx.find_object(Settings)
    return settings if isinstance(settings, Settings) else None


def _exit(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_DATABASE)


def unreachable_message(settings: Settings | None, error: BaseException) -> str:
    """``database <url, password masked> unreachable: <driver's reason>``."""
    where = display_url(settings.database_url) if settings else "database"
    if isinstance(error, DatabaseUnavailable):
        return f"database {where}: {error}"
    reason = database_problem(error)
    if settings is not None:
        password = make_url(normalise_url(settings.database_url)).password
        if password:
            reason = reason.replace(str(password), "***")
    sqlite = settings is not None and settings.database_url.startswith("sqlite")
    return f"database {where} {'cannot be opened' if sqlite else 'unreachable'}: {reason}"


def check_database(settings: Settings) -> None:
    """Before serving: the database is reachable and migrated to this version's head.

    Raises :class:`DatabaseUnavailable` (SQLite file missing, not migrated, other migration
    than head) or the driver's
    error (unreachable; bounded by the connect timeout), which :class:`DatabaseErrors` turns
    into one line."""
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(str(url.database))
        if not path.is_file():
            raise DatabaseUnavailable(
                f"{path} is not a file"
                if path.exists()
                else f"file {path} does not exist; create it with `bipro-service db upgrade`"
            )
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = (
                conn.scalar(text("SELECT version_num FROM alembic_version"))
                if inspect(conn).has_table("alembic_version")
                else None
            )
    finally:
        engine.dispose()
    if revision is None:
        raise DatabaseUnavailable("not migrated; run `bipro-service db upgrade`")
    head = _head(settings)
    if revision != head:
        # Serving old tables with new code (or the reverse) fails call by call, some of them
        # half-way: refuse before the first call instead.
        raise DatabaseUnavailable(
            f"at migration {revision}, this version needs {head}; run `bipro-service db upgrade`"
        )


def _head(settings: Settings) -> str | None:
    from alembic.script import ScriptDirectory

    from bipro_service.adapters.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
