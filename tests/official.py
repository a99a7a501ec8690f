"""The official BiPRO 2.6 XSDs for the tests: every SOAP answer the in-process caller sees is
validated against them (:func:`assert_official`).

They are read from ``BIPRO_OFFICIAL_XSD_DIR`` or ``../shared/reference/bipro-2.6-xsd`` beside the
checkout (CI has that folder). Without either, the tests that need them are skipped with the
sentence :data:`MISSING` — the one skip this project allows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bipro_clients.conformance.official_xsd import (
    OfficialSchemas,
    answer_errors,
    load,
    split_multipart,
)
from lxml import etree

from bipro_service.namespaces import PREFIX_OF, PREFIXES

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
    return split_multipart(content_type, body)


#: Our own answers: documents of the post exceed libxml2's 10 MB text-node limit.
_ANSWERS = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


def official_errors(content_type: str, body: bytes) -> list[str]:
    """Errors of one SOAP answer against the official XSDs (empty without the schemas)."""
    found = schemas()
    if found is None or not body:
        return []
    return answer_errors(found, body, content_type)


def prefix_errors(content_type: str, body: bytes) -> list[str]:
    """Places where an answer leaves the one prefix map (``namespaces.PREFIXES``)."""
    if not body:
        return []
    if content_type.lower().startswith("multipart/related"):
        body = split_mtom(content_type, body)[0]
    if not body.lstrip().startswith(b"<"):
        return []
    root = etree.fromstring(body, _ANSWERS)
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for prefix, uri in element.nsmap.items():
            if PREFIXES.get(prefix or "") != uri:
                problems.append(f"{element.tag}: declares {prefix}={uri}")
        namespace = etree.QName(element).namespace
        if namespace and element.prefix != PREFIX_OF.get(namespace):
            problems.append(f"{element.tag}: prefix {element.prefix!r}")
    return sorted(set(problems))


def assert_official(content_type: str, body: bytes) -> None:
    """Fail when an answer leaves the prefix map or does not validate against the official XSDs."""
    problems = prefix_errors(content_type, body) + official_errors(content_type, body)
    assert not problems, (
        "answer violates the prefix map or the official BiPRO 2.6 XSDs:\n"
        + "\n".join(problems[:10])
        + "\n"
        + body[:3000].decode("utf-8", "replace")
    )
