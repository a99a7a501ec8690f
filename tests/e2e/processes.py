"""The processes of a running test server, read from /proc: gunicorn master, workers, sockets."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

DEADLINE_S = 30.0


def poll(what: str, check: Callable[[], Any], deadline_s: float = DEADLINE_S) -> Any:
    """``check()``'s first truthy result, asked every 10 ms; TimeoutError after the deadline."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.01)
    raise TimeoutError(f"{what} not within {deadline_s}s")


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def master(base: str) -> int:
    """The gunicorn master (``bipro-service serve``) this test process started for ``base``."""
    port = base.rsplit(":", 1)[1].encode()
    for pid in children(os.getpid()):
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"serve" in argv and port in argv:
            return pid
    raise LookupError(f"no server process for {base}")


def worker(base: str, not_pid: int | None = None) -> int:
    """The server's only worker (a new one, when ``not_pid`` was killed) once it serves."""
    parent = master(base)
    pid: int = poll("gunicorn worker", lambda: [p for p in children(parent) if p != not_pid])[0]
    poll("healthy server", lambda: healthy(base))
    return pid


def healthy(base: str) -> bool:
    """``/health`` answers 200 (a new worker still booting under load may take seconds)."""
    try:
        return requests.get(base + "/health", timeout=2).ok
    except requests.RequestException:
        return False


def sockets(pid: int) -> set[str]:
    """The sockets a process has open; a new one means it accepted a connection (a count
    would miss it when another, e.g. the health check's, closed meanwhile)."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:"):
                found.add(target)
    return found
