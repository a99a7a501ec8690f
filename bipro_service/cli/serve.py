"""``bipro-service serve``: gunicorn with the application built in each worker."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

from bipro_service.config import Settings


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Runs ``create_app(settings)`` in every worker after the fork (no shared connections)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bipro_service.entrypoints.wsgi import create_app

        app = create_app(self.settings)
        # Everything built so far (schemas, Spyne's interface, mappers) lives as long as the
        # worker: keep it out of the collector's generations so collections stay short.
        gc.freeze()
        return app


def serve(settings: Settings, host: str, port: int, workers: int, timeout: int = 60) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        # Path without query string: activation and DeepLink tokens travel in the query.
        "access_log_format": '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms',
        "errorlog": "-",
        "loglevel": "info",
        "limit_request_line": 8190,
        "forwarded_allow_ips": ",".join(settings.trusted_proxies) or "127.0.0.1",
    }
    GunicornServer(settings, options).run()
