"""The database not there at start-up: ``bipro-service serve`` and ``db upgrade`` end within
seconds with one clear line naming the database (password masked), no traceback, no hang."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bipro_service.adapters.db.engine import CONNECT_TIMEOUT_S
from bipro_service.cli import main
from bipro_service.cli.startup import EXIT_DATABASE
from tests.e2e.server import CLI, ROOT, free_port

SECRET = "Geheim-4711"
LIMIT_S = 10.0  # refused connection, missing file: at once (the CLI itself starts in ~1 s)


def _run(database_url: str, *command: str, limit: float = LIMIT_S) -> tuple[str, str, float]:
    """Run the CLI; its stdout, stderr and seconds. Fails unless it exits with EXIT_DATABASE."""
    port = str(free_port())
    argv = [str(CLI), *command] + (["--port", port] if command == ("serve",) else [])
    env = dict(os.environ, BIPRO_DATABASE_URL=database_url)
    started = time.monotonic()
    done = subprocess.run(
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=limit * 3, check=False
    )
    seconds = time.monotonic() - started
    assert done.returncode == EXIT_DATABASE, (done.returncode, done.stdout, done.stderr)
    assert seconds < limit
    assert "serving on" not in done.stdout
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stdout, done.stderr.strip(), seconds


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    return free_port()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize("command", [("serve",), ("db", "upgrade")])
def test_postgresql_refusing_connections(closed_port: int, command: tuple[str, ...]) -> None:
    url = f"postgresql://bipro:{SECRET}@127.0.0.1:{closed_port}/bipro"
    _, error, _ = _run(url, *command)
    assert error.startswith(
        f"error: database postgresql://bipro:***@127.0.0.1:{closed_port}/bipro unreachable: "
    )
    assert "Connection refused" in error


def test_postgresql_not_answering_ends_after_the_connect_timeout(silent_port: int) -> None:
    url = f"postgresql://bipro:{SECRET}@127.0.0.1:{silent_port}/bipro"
    _, error, seconds = _run(url, "serve", limit=CONNECT_TIMEOUT_S + LIMIT_S)
    assert seconds >= CONNECT_TIMEOUT_S
    assert error == (
        f"error: database postgresql://bipro:***@127.0.0.1:{silent_port}/bipro unreachable: "
        "connection timeout expired"
    )


def test_postgresql_host_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, with the name lookup failing (the tests never ask a real DNS server)."""

    def unknown(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    monkeypatch.setattr("bipro_service.cli.serve.serve", lambda *a, **k: pytest.fail("served"))
    url = f"postgresql://bipro:{SECRET}@db.example.invalid:5432/bipro"
    result = CliRunner().invoke(main, ["serve"], env={"BIPRO_DATABASE_URL": url})
    assert result.exit_code == EXIT_DATABASE, result.output
    assert result.stderr.strip() == (
        "error: database postgresql://bipro:***@db.example.invalid:5432/bipro unreachable: "
        "failed to resolve host 'db.example.invalid': [Errno -2] Name or service not known"
    )
    assert SECRET not in result.output


def test_sqlite_file_missing_is_not_created_by_serve(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "bipro.sqlite3"
    _, error, _ = _run(f"sqlite:///{path}", "serve")
    assert error == (
        f"error: database sqlite:///{path}: file {path} does not exist; "
        "create it with `bipro-service db upgrade`"
    )
    assert not path.parent.exists()


def test_sqlite_file_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    _, error, _ = _run(f"sqlite:///{path}", "serve")
    assert (
        error == f"error: database sqlite:///{path}: not migrated; run `bipro-service db upgrade`"
    )


def test_sqlite_folder_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "var").write_text("a file where the folder should be")
    path = tmp_path / "var" / "bipro.sqlite3"
    _, error, _ = _run(f"sqlite:///{path}", "db", "upgrade")
    assert error == (
        f"error: database sqlite:///{path}: cannot create the folder {path.parent} of the "
        "SQLite database: not a folder"
    )


def test_sqlite_at_an_older_migration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    environment = dict(os.environ, BIPRO_DATABASE_URL=url, BIPRO_VAR_DIR=str(tmp_path / "var"))
    subprocess.run(
        [str(CLI), "db", "upgrade", "0007"], env=environment, check=True, capture_output=True
    )
    _, error, _ = _run(url, "serve")
    assert error.startswith(f"error: database {url}: at migration 0007")
    assert error.endswith("run `bipro-service db upgrade`")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("::not a url::", "Could not parse SQLAlchemy URL"),
        ("mysql://bipro@127.0.0.1/bipro", "No module named"),
        ("oracle+nodriver://bipro@127.0.0.1/bipro", "Can't load plugin"),
    ],
)
def test_an_unusable_database_url_is_one_line(url: str, reason: str) -> None:
    _, error, _ = _run(url, "db", "check")
    assert error.startswith("error: BIPRO_DATABASE_URL is not a usable database URL: ")
    assert reason in error and "Traceback" not in error
