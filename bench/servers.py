"""Starting gunicorn servers (the real service and the baselines) on free ports."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from bench.loader import SECRET_KEY

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
STARTUP_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(base_url: str, path: str, body: bytes | None, timeout: float = 30) -> tuple[int, bytes]:
    """POST ``body`` (GET when None) to ``path``; status and answer."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        method = "GET" if body is None else "POST"
        conn.request(method, path, body, {"Content-Type": "text/xml; charset=utf-8"})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def _wait(
    base_url: str, probe_path: str, probe: bytes | None, process: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} during start-up")
        try:
            status, _ = post(base_url, probe_path, probe, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base_url} did not answer within {STARTUP_S}s")


@contextmanager
def serve(
    command: list[str],
    env: dict[str, str],
    log: Path,
    port: int,
    probe_path: str,
    probe: bytes | None,
) -> Iterator[str]:
    base_url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603
            command, env={**os.environ, **env}, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait(base_url, probe_path, probe, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def service(
    database_url: str, workers: int, var_dir: Path, log: Path
) -> AbstractContextManager[str]:
    port = free_port()
    env = {
        "BIPRO_DATABASE_URL": database_url,
        "BIPRO_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "BIPRO_SECRET_KEY": SECRET_KEY,
        "BIPRO_VAR_DIR": str(var_dir),
    }
    command = [str(BIN / "bipro-service"), "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    return serve(command, env, log, port, "/health", None)


def echo(app: str, workers: int, log: Path, probe: bytes) -> AbstractContextManager[str]:
    """``gunicorn bench.echo_apps:<app>`` with the service's worker class and access log."""
    port = free_port()
    command = [str(BIN / "gunicorn"), f"bench.echo_apps:{app}", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "sync", "--access-logfile", "-"]
    return serve(command, {}, log, port, "/", probe)
