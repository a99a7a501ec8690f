"""A fresh database loaded with the demo/test-access data, for module-scoped e2e servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bipro_service.adapters.db.base import utcnow
from bipro_service.config import Settings
from bipro_service.demo.loader import load_demo_data
from bipro_service.entrypoints.runtime import Runtime
from tests.conftest import fresh_settings


def demo_database(
    directory: Path, database_template: str
) -> tuple[Settings, Runtime, dict[str, Any]]:
    """Settings of a new demo database, a runtime on it (dispose it) and the access sheet."""
    settings = fresh_settings(database_template, directory)
    runtime = Runtime.from_settings(settings)
    return settings, runtime, load_demo_data(runtime, utcnow())
