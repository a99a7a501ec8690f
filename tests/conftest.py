"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL when
``BIPRO_TEST_DATABASE_URL`` is set), the WSGI app in process, and no network."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bipro_service.adapters.db import migrate
from bipro_service.adapters.db.audit_models import GENESIS_HASH
from bipro_service.adapters.db.base import Base
from bipro_service.adapters.db.engine import normalise_url
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication, create_app

PG_URL = os.environ.get("BIPRO_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach loopback only."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or sock.family == socket.AF_UNIX
        ):
            raise RuntimeError(f"network access to {host} in a test")
        return real_connect(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: an SQLite template file, or a fresh PostgreSQL database."""
    if PG_URL:
        admin_url = make_url(normalise_url(PG_URL))
        name = f"bipro_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(Settings(database_url=url))
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        migrate.upgrade(Settings(database_url=f"sqlite:///{path}"))
        yield str(path)


def _truncate_all(url: str) -> None:
    """Empty every table (the audit trail's append-only trigger is bypassed as a replica)."""
    engine = create_engine(normalise_url(url))
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(
            text(
                "INSERT INTO audit_chain_head (id, last_seq, last_hash, purged_through_seq, "
                "purged_anchor_hash) VALUES (1, 0, :genesis, 0, :genesis)"
            ),
            {"genesis": GENESIS_HASH},
        )
    engine.dispose()


def fresh_database_url(template: str, directory: Path) -> str:
    """An empty, migrated database for one test."""
    if PG_URL:
        _truncate_all(template)
        return template
    target = directory / "bipro.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def fresh_settings(template: str, directory: Path) -> Settings:
    """Settings of a fresh database (:func:`fresh_database_url`), var dir in ``directory``."""
    return Settings(
        database_url=fresh_database_url(template, directory),
        var_dir=directory / "var",
        secret_key="test-secret-key-not-for-production",
    )


@pytest.fixture
def settings(database_template: str, tmp_path: Path) -> Settings:
    return fresh_settings(database_template, tmp_path)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime.from_settings(settings)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def app(settings: Settings) -> Iterator[BiproApplication]:
    application = create_app(settings)
    yield application
    application.runtime.engine.dispose()
