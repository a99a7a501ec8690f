"""A real gunicorn server process for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "bipro-service"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], deadline_s: float = 30
) -> None:
    """Poll ``/health`` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(base_url + "/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"server at {base_url} not healthy within {deadline_s}s")


@contextmanager
def running_server(database_url: str, workers: int = 2, **env: str) -> Iterator[str]:
    """Serve ``database_url`` with gunicorn on a free port; yields the base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = dict(
        os.environ,
        BIPRO_DATABASE_URL=database_url,
        BIPRO_PUBLIC_BASE_URL=base_url,
        BIPRO_SECRET_KEY=env.pop("BIPRO_SECRET_KEY", "e2e-secret-not-for-production"),
        **env,
    )
    process = subprocess.Popen(
        [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
