"""Request fixtures in the shapes field clients send (tests/fixtures/field, see its README) and
the way regex-based clients read our answers."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lxml import etree

FIELD = Path(__file__).resolve().parent / "fixtures" / "field"

# As regex-based MVPs parse STS answers: prefixed element, no attributes, Expires with Z.
RE_IDENTIFIER = re.compile(r"<wsc:Identifier>([^<]+)</wsc:Identifier>")
RE_EXPIRES = re.compile(r"<wsu:Expires>([^<]+)</wsu:Expires>")
RE_VERSION = re.compile(r"<nac:BiPROVersion>([^<]+)</nac:BiPROVersion>")


def fixture(name: str, **values: str) -> bytes:
    """The fixture ``name`` with its ``${KEY}`` placeholders filled in."""
    text = (FIELD / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    assert "${" not in text, f"unfilled placeholder in {name}"
    return text.encode()


def regex_token(answer: bytes) -> tuple[str, datetime]:
    """Identifier and expiry the way ATLAS reads them (regex on the text, ``Z`` → UTC)."""
    text = answer.decode()
    identifier = RE_IDENTIFIER.search(text)
    expires = RE_EXPIRES.search(text)
    assert identifier and expires, text[:1500]
    moment = datetime.fromisoformat(expires.group(1).replace("Z", "+00:00"))
    assert moment.tzinfo is not None
    return identifier.group(1), moment


def local_name_value(answer: bytes, local: str) -> str | None:
    """The first element of local name ``local`` (BiPROClient's namespace-ignoring parse)."""
    for element in etree.fromstring(answer).iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == local:
            return element.text
    return None
