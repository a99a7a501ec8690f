"""A private, throw-away PostgreSQL cluster for tests that stop and restart the database.

Never the machine's shared server (other tests use it in parallel): ``initdb`` into a fresh
temporary folder, trust authentication, a free port on 127.0.0.1 and the Unix socket in that
folder. PostgreSQL refuses to run as root, so as root the cluster belongs to (and its commands
run as) the ``postgres`` OS user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.server import free_port

COMMAND_TIMEOUT_S = 60.0


def _bindir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian layout), else those on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    pytest.fail(
        "the database fault tests need the PostgreSQL server binaries (initdb, pg_ctl): "
        "apt-get install -y postgresql"
    )


@dataclass
class PrivateCluster:
    """A running private cluster; :meth:`stop`, :meth:`start`, :meth:`restart` it at will."""

    bindir: Path
    directory: Path
    port: int
    owner: str | None  # OS user the commands run as (None: the current user)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> str:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            cwd=self.directory,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stdout}{done.stderr}\n"
                + self.log_tail()
            )
        return done.stdout

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options)

    def stop(self) -> None:
        """Fast shutdown: open sessions are terminated, like an operator's restart."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def restart(self) -> None:
        self._run("pg_ctl", "restart", "-D", str(self.data), "-m", "fast", "-w")

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "status", "-D", str(self.data))
        except RuntimeError:
            return False
        return True

    def create_database(self, name: str) -> str:
        self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-q",
            "-c",
            f'CREATE DATABASE "{name}"',
        )
        return self.url(name)


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """initdb + start a private cluster; stopped and removed afterwards, whatever happened."""
    bindir = _bindir()
    owner = None
    directory = Path(tempfile.mkdtemp(prefix="bipro-pg-"))
    if os.geteuid() == 0:
        owner = "postgres"
        account = pwd.getpwnam(owner)
        os.chown(directory, account.pw_uid, account.pw_gid)
    cluster = PrivateCluster(bindir, directory, free_port(), owner)
    try:
        started = time.monotonic()
        cluster.init()
        cluster.start()
        print(f"private PostgreSQL on port {cluster.port} in {time.monotonic() - started:.1f}s")
        yield cluster
    finally:
        # Whatever failed above, stop the postmaster and remove its folder.
        with suppress(RuntimeError, subprocess.TimeoutExpired, OSError):
            if cluster.data.exists() and cluster.running():
                cluster._run("pg_ctl", "stop", "-D", str(cluster.data), "-m", "immediate", "-w")
        shutil.rmtree(directory, ignore_errors=True)
