"""Placeholder replaced by the demo-data work (see issue 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bipro_service.entrypoints.runtime import Runtime


def load_demo_data(runtime: Runtime, now: datetime) -> dict[str, Any]:
    raise NotImplementedError
