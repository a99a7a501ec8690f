"""A real gunicorn server process for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "bipro-service"
STARTUP_DEADLINE_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-4000:]


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``/health`` until it answers 200; fail early (with the log) if the process died."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"server exited with {process.returncode} during start-up:\n{_tail(log_path)}"
            )
        try:
            if requests.get(base_url + "/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    pytest.fail(
        f"server at {base_url} not healthy within {STARTUP_DEADLINE_S}s:\n{_tail(log_path)}"
    )


@dataclass(frozen=True)
class Server:
    """A running ``bipro-service serve``: its URL, the gunicorn master's pid and its log."""

    base_url: str
    pid: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def server_process(database_url: str, workers: int = 2, **env: str) -> Iterator[Server]:
    """Serve ``database_url`` with gunicorn on a free port until the block ends.

    Extra keyword arguments are environment variables (``BIPRO_VAR_DIR=…``)."""
    if not CLI.exists():
        pytest.fail(f"{CLI} not found: install the project into the virtualenv (make install)")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = dict(
        os.environ,
        BIPRO_DATABASE_URL=database_url,
        BIPRO_PUBLIC_BASE_URL=base_url,
        BIPRO_SECRET_KEY=env.pop("BIPRO_SECRET_KEY", "e2e-secret-not-for-production"),
        **env,
    )
    with tempfile.TemporaryDirectory(prefix="bipro-e2e-") as logs:
        log_path = Path(logs) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(CLI),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                ],
                env=environment,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(base_url, process, log_path)
            yield Server(base_url, process.pid, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running_server(database_url: str, workers: int = 2, **env: str) -> Iterator[str]:
    """Serve ``database_url`` with gunicorn on a free port; yields the base URL.

    Extra keyword arguments are environment variables (``BIPRO_VAR_DIR=…``)."""
    with server_process(database_url, workers, **env) as server:
        yield server.base_url
