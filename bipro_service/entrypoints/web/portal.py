"""Portal pages under ``/portal/`` (being built: activation link and password change)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bipro_service.entrypoints.runtime import Runtime


class Portal:
    """WSGI handler for every path below ``/portal/``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
