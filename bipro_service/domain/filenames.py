"""The rule for names of files that are stored and shown under the name they came with."""

from __future__ import annotations

from pathlib import PurePath


def is_safe_filename(name: str, limit: int = 200) -> bool:
    """True for a plain file name: not empty, at most ``limit`` characters, no path (neither
    ``/`` nor ``\\``, not ``.`` or ``..``) and no control characters."""
    return (
        bool(name)
        and len(name) <= limit
        and PurePath(name).name == name
        and "\\" not in name
        and name not in (".", "..")
        and name.isprintable()
    )
