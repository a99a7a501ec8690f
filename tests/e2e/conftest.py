"""Fixtures of the end-to-end tests: real server processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bipro_service.adapters.db.base import utcnow
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import admin

_ROOT = Path(__file__).resolve().parents[2]
_CLI = Path(sys.executable).parent / "bipro-service"
_STARTUP_DEADLINE_S = 30.0


@dataclass(frozen=True)
class PortalServer:
    """A running ``bipro-service serve`` with one firm and one invited user."""

    base_url: str
    login: str
    initial_password: str
    activation_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + _STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")[-4000:]
            pytest.fail(f"server exited with {process.returncode} during start-up:\n{log}")
        try:
            if requests.get(base_url + "/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    log = log_path.read_text(errors="replace")[-4000:]
    pytest.fail(f"server at {base_url} not healthy within {_STARTUP_DEADLINE_S}s:\n{log}")


@pytest.fixture
def portal_server(settings: Settings, tmp_path: Path) -> Iterator[PortalServer]:
    """A fresh migrated database with firm ``E100`` and invited user ``portal.e2e``, served by
    ``bipro-service serve`` (one worker) on a free loopback port."""
    runtime = Runtime.from_settings(settings)
    try:
        with runtime.uow() as uow:
            admin.create_firm(uow, "E100", "E2E Makler GmbH", False, utcnow())
        with runtime.uow() as uow:
            user = admin.create_user(
                uow,
                admin.INSURER,
                "E100",
                "portal.e2e",
                "Erika Endtoend",
                portfolio_rights=True,
                admin=False,
                now=utcnow(),
            )
    finally:
        runtime.engine.dispose()

    if not _CLI.exists():
        pytest.fail(f"{_CLI} not found: install the project into the virtualenv (make install)")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        BIPRO_DATABASE_URL=settings.database_url,
        BIPRO_SECRET_KEY=settings.secret_key or "portal-e2e-secret-not-for-production",
        BIPRO_PUBLIC_BASE_URL=base_url,
        BIPRO_VAR_DIR=str(settings.var_dir),
    )
    log_path = tmp_path / "portal-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(_CLI), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            cwd=_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(base_url, process, log_path)
        yield PortalServer(
            base_url=base_url,
            login=user.login,
            initial_password=user.initial_password,
            activation_url=f"{base_url}/portal/activate?token={user.activation_secret}",
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
