"""The official BiPRO 2.6 XSDs for the tests: every SOAP answer the in-process caller sees is
validated against them (:func:`assert_official`).

They are read from ``BIPRO_OFFICIAL_XSD_DIR`` or ``../shared/reference/bipro-2.6-xsd`` beside the
checkout (CI has that folder). Without either, the tests that need them are skipped with the
sentence :data:`MISSING` — the one skip this project allows.
"""

from __future__ import annotations

import email.parser
import email.policy
import os
from pathlib import Path

import pytest
from bipro_clients.conformance.official_xsd import OfficialSchemas, load

ROOT = Path(__file__).resolve().parent.parent
MISSING = (
    "official BiPRO 2.6 XSDs not found: set BIPRO_OFFICIAL_XSD_DIR or provide "
    "../shared/reference/bipro-2.6-xsd"
)


def official_dir() -> Path | None:
    """The folder of the official XSDs, or ``None`` when there is none."""
    configured = os.environ.get("BIPRO_OFFICIAL_XSD_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT.parent / "shared" / "reference" / "bipro-2.6-xsd")
    for candidate in candidates:
        if (candidate / "bipro-nachrichten-2.6.0.xsd").is_file():
            return candidate
    return None


def schemas() -> OfficialSchemas | None:
    folder = official_dir()
    return load(folder) if folder is not None else None


def require_schemas() -> OfficialSchemas:
    """The schema set, or skip the calling test with :data:`MISSING`."""
    found = schemas()
    if found is None:
        pytest.skip(MISSING)
    return found


def split_mtom(content_type: str, body: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The root part and the other parts (by Content-ID) of a ``multipart/related`` answer."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    start = message.get_param("start")
    root: bytes | None = None
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        cid = (part.get("Content-ID") or "").strip().strip("<>")
        data = part.get_payload(decode=True) or b""
        if root is None and (start is None or cid == str(start).strip("<>")):
            root = data
        else:
            parts[cid] = data
    if root is None:
        raise AssertionError("multipart answer without its root part")
    return root, parts


def official_errors(content_type: str, body: bytes) -> list[str]:
    """Errors of one SOAP answer against the official XSDs (empty without the schemas)."""
    found = schemas()
    if found is None or not body:
        return []
    if content_type.lower().startswith("multipart/related"):
        root, parts = split_mtom(content_type, body)
        return found.errors(root, parts)
    return found.errors(body)


def assert_official(content_type: str, body: bytes) -> None:
    """Fail when an answer does not validate against the official XSDs."""
    problems = official_errors(content_type, body)
    assert not problems, (
        "answer violates the official BiPRO 2.6 XSDs:\n"
        + "\n".join(problems[:10])
        + "\n"
        + body[:3000].decode("utf-8", "replace")
    )
